/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean  mg_constant_time_equal (const char *a,
                                  const char *b);
GBytes   *mg_hmac                (GChecksumType type,
                                  GBytes       *key,
                                  const void   *data,
                                  gsize         length);
char     *mg_base64url_encode    (const guint8 *data,
                                  gsize         length);
GBytes   *mg_base64url_decode    (const char *text);
char     *mg_random_token        (gsize n_bytes);
char     *mg_password_hash       (const char *password,
                                  GError    **error);
gboolean  mg_password_verify     (const char *password,
                                  const char *hash);

G_END_DECLS
