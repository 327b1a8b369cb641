/* mg-crypto.c: small cryptographic helpers shared by the auth modules
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-auth"

#include "mg-build-config.h"

#include <crypt.h>
#include <gio/gio.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "mg-crypto-private.h"

/* Compares two NUL-terminated secrets in time that depends only on their
 * lengths, never on where they first differ. */
gboolean
mg_constant_time_equal (const char *a, const char *b)
{
  gsize la, lb;
  guint8 diff;

  if (a == NULL || b == NULL)
    return FALSE;
  la = strlen (a);
  lb = strlen (b);
  diff = la != lb;
  for (gsize i = 0; i < la; i++)
    diff |= (guint8) a[i] ^ (guint8) b[i % (lb ? lb : 1)];
  return diff == 0 && lb > 0;
}

GBytes *
mg_hmac (GChecksumType type, GBytes *key, const void *data, gsize length)
{
  g_autoptr (GHmac) hmac = g_hmac_new (type, g_bytes_get_data (key, NULL), g_bytes_get_size (key));
  guint8 digest[64];
  gsize digest_len = sizeof digest;

  g_hmac_update (hmac, data, length);
  g_hmac_get_digest (hmac, digest, &digest_len);
  return g_bytes_new (digest, digest_len);
}

char *
mg_base64url_encode (const guint8 *data, gsize length)
{
  char *text = g_base64_encode (data, length);
  char *end = text + strlen (text);

  while (end > text && end[-1] == '=')
    *--end = '\0';
  for (char *p = text; *p; p++)
    {
      if (*p == '+')
        *p = '-';
      else if (*p == '/')
        *p = '_';
    }
  return text;
}

GBytes *
mg_base64url_decode (const char *text)
{
  gsize len = strlen (text);
  g_autoptr (GString) b64 = g_string_sized_new (len + 3);
  guchar *data;
  gsize out_len = 0;

  if (len == 0 || len % 4 == 1)
    return NULL;
  for (gsize i = 0; i < len; i++)
    {
      char c = text[i];

      if (c == '-')
        c = '+';
      else if (c == '_')
        c = '/';
      else if (!g_ascii_isalnum (c))
        return NULL;
      g_string_append_c (b64, c);
    }
  while (b64->len % 4)
    g_string_append_c (b64, '=');
  data = g_base64_decode (b64->str, &out_len);
  return g_bytes_new_take (data, out_len);
}

/* @n_bytes of randomness from the system, base64url-encoded. */
char *
mg_random_token (gsize n_bytes)
{
  g_autofree guint8 *bytes = g_malloc (n_bytes);

  if (gnutls_rnd (GNUTLS_RND_KEY, bytes, n_bytes) != 0)
    g_error ("the system has no randomness to give");
  return mg_base64url_encode (bytes, n_bytes);
}

/* yescrypt through libxcrypt, with a fresh salt. */
char *
mg_password_hash (const char *password, GError **error)
{
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  struct crypt_data data = { 0 };
  const char *hash;

  if (crypt_gensalt_rn ("$y$", 0, NULL, 0, salt, sizeof salt) == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot make a password salt");
      return NULL;
    }
  hash = crypt_r (password, salt, &data);
  if (hash == NULL || hash[0] == '*')
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "cannot hash the password");
      return NULL;
    }
  return g_strdup (hash);
}

gboolean
mg_password_verify (const char *password, const char *hash)
{
  struct crypt_data data = { 0 };
  const char *computed;

  if (password == NULL || hash == NULL || hash[0] != '$')
    return FALSE;
  computed = crypt_r (password, hash, &data);
  return computed != NULL && computed[0] != '*' && mg_constant_time_equal (computed, hash);
}
