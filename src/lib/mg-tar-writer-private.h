/* mg-tar-writer-private.h: POSIX ustar archives, written piece by piece
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define MG_TAR_BLOCK 512

/* Appends the 512-byte header of a regular file; FALSE with @error when
 * the name does not fit ustar (100 bytes, or a 155-byte prefix at a '/'). */
gboolean mg_tar_write_header (GByteArray *out,
                              const char *name,
                              guint64     size,
                              gint64      mtime,
                              guint       mode,
                              GError    **error);
/* The zeros that round a member of @size bytes up to whole blocks. */
void     mg_tar_write_padding (GByteArray *out,
                               guint64     size);
/* The two zero blocks that end an archive. */
void     mg_tar_write_end     (GByteArray *out);

G_END_DECLS
