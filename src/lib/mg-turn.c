/* mg-turn.c: TURN credentials in the TURN REST API scheme
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-auth"

#include "mg-build-config.h"

#include "mg-turn.h"

/* The scheme (draft-uberti-behave-turn-rest, as coturn implements it with
 * `use-auth-secret`): the TURN server and Mediagate share a secret; the
 * username carries its own expiry, and the password is an HMAC of the
 * username, so the TURN server checks it without asking anyone. */

/**
 * mg_turn_make_username:
 * @expires_at: Unix time in seconds when the credential stops working
 * @user: who the credential is for, e.g. an extension number
 *
 * Builds a TURN REST API username, `<expires_at>:<user>`.
 *
 * Returns: (transfer full): the username
 */
char *
mg_turn_make_username (gint64 expires_at, const char *user)
{
  g_return_val_if_fail (user != NULL, NULL);

  return g_strdup_printf ("%" G_GINT64_FORMAT ":%s", expires_at, user);
}

/**
 * mg_turn_make_credential:
 * @shared_secret: the secret shared with the TURN server
 * @username: a username from [func@Mg.turn_make_username]
 *
 * Computes the TURN REST API password for @username:
 * `base64(HMAC-SHA1(shared_secret, username))`.
 *
 * Returns: (transfer full): the password
 */
char *
mg_turn_make_credential (const char *shared_secret, const char *username)
{
  g_autoptr (GHmac) hmac = NULL;
  guint8 digest[20];
  gsize digest_len = sizeof digest;

  g_return_val_if_fail (shared_secret != NULL, NULL);
  g_return_val_if_fail (username != NULL, NULL);

  hmac = g_hmac_new (G_CHECKSUM_SHA1, (const guchar *) shared_secret, strlen (shared_secret));
  g_hmac_update (hmac, (const guchar *) username, strlen (username));
  g_hmac_get_digest (hmac, digest, &digest_len);
  return g_base64_encode (digest, digest_len);
}
