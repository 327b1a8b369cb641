/* mg-tar-writer.c: POSIX ustar headers for the diagnostics bundle
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-admin"

#include "mg-build-config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <stdio.h>

#include "mg-tar-writer-private.h"

/* Only what the bundle needs: regular files, owned by root:root in the
 * archive, names that fit ustar's name and prefix fields. The caller
 * streams each member's bytes between its header and its padding. */

typedef struct
{
  char name[100];
  char mode[8];
  char uid[8];
  char gid[8];
  char size[12];
  char mtime[12];
  char checksum[8];
  char typeflag;
  char linkname[100];
  char magic[6];
  char version[2];
  char uname[32];
  char gname[32];
  char devmajor[8];
  char devminor[8];
  char prefix[155];
  char padding[12];
} UstarHeader;

G_STATIC_ASSERT (sizeof (UstarHeader) == MG_TAR_BLOCK);

/* Writes @value in octal, zero-padded, NUL-terminated, into @field. */
static void
octal (char *field, gsize width, guint64 value)
{
  char text[32];

  g_snprintf (text, sizeof text, "%0*" G_GINT64_MODIFIER "o", (int) width - 1, value);
  memcpy (field, text, width - 1);
  field[width - 1] = '\0';
}

static gboolean
split_name (UstarHeader *h, const char *name)
{
  gsize len = strlen (name);
  const char *slash;

  if (len == 0)
    return FALSE;
  if (len <= sizeof h->name)
    {
      memcpy (h->name, name, len);
      return TRUE;
    }
  /* the last '/' that leaves at most 100 bytes of name and 155 of prefix */
  for (slash = name + len - 1; slash > name; slash--)
    if (*slash == '/' && (gsize) (name + len - slash - 1) <= sizeof h->name
        && (gsize) (slash - name) <= sizeof h->prefix)
      {
        memcpy (h->prefix, name, slash - name);
        memcpy (h->name, slash + 1, name + len - slash - 1);
        return slash[1] != '\0';
      }
  return FALSE;
}

gboolean
mg_tar_write_header (GByteArray *out, const char *name, guint64 size, gint64 mtime, guint mode,
                     GError **error)
{
  UstarHeader h;
  const guint8 *bytes = (const guint8 *) &h;
  guint sum = 0;

  memset (&h, 0, sizeof h);
  if (!split_name (&h, name) || size >= G_GUINT64_CONSTANT (1) << 33)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("%s: cannot be a member of a ustar archive"), name);
      return FALSE;
    }
  octal (h.mode, sizeof h.mode, mode & 07777);
  octal (h.uid, sizeof h.uid, 0);
  octal (h.gid, sizeof h.gid, 0);
  octal (h.size, sizeof h.size, size);
  octal (h.mtime, sizeof h.mtime, MAX (mtime, 0));
  h.typeflag = '0';
  memcpy (h.magic, "ustar", 6);
  memcpy (h.version, "00", 2);
  memcpy (h.uname, "root", 4);
  memcpy (h.gname, "root", 4);
  /* the checksum is taken with its own field as eight spaces */
  memset (h.checksum, ' ', sizeof h.checksum);
  for (gsize i = 0; i < sizeof h; i++)
    sum += bytes[i];
  g_snprintf (h.checksum, sizeof h.checksum, "%06o", sum);
  h.checksum[7] = ' ';
  g_byte_array_append (out, bytes, sizeof h);
  return TRUE;
}

void
mg_tar_write_padding (GByteArray *out, guint64 size)
{
  static const guint8 zeros[MG_TAR_BLOCK];
  guint rest = size % MG_TAR_BLOCK;

  if (rest != 0)
    g_byte_array_append (out, zeros, MG_TAR_BLOCK - rest);
}

void
mg_tar_write_end (GByteArray *out)
{
  static const guint8 zeros[2 * MG_TAR_BLOCK];

  g_byte_array_append (out, zeros, sizeof zeros);
}
