/* mg-turn.c: TURN credentials in the TURN REST API scheme
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-auth"

#include "mg-build-config.h"

#include "mg-settings.h"
#include "mg-turn-private.h"

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

/* "ip:port/UDP" -> "turn:ip:port?transport=udp" (TLS: "turns:…?transport=tcp"),
 * with @host in place of the address when given. */
static char *
turn_url (const char *transport_address, const char *host)
{
  const char *slash = strrchr (transport_address, '/');
  const char *colon = slash ? g_strrstr_len (transport_address, slash - transport_address, ":")
                            : NULL;
  g_autofree char *address = NULL;
  g_autofree char *port = NULL;
  gboolean tls, udp;

  if (slash == NULL || colon == NULL)
    return NULL;
  address = g_strndup (transport_address, colon - transport_address);
  port = g_strndup (colon + 1, slash - colon - 1);
  tls = g_str_equal (slash + 1, "TLS");
  udp = g_str_equal (slash + 1, "UDP");
  return g_strdup_printf ("%s:%s:%s?transport=%s", tls ? "turns" : "turn", host ? host : address,
                          port, udp ? "udp" : "tcp");
}

static void
add_url (JsonArray *urls, const char *transport_address, const char *host)
{
  g_autofree char *url = turn_url (transport_address, host);

  if (url != NULL)
    json_array_add_string_element (urls, url);
}

/* External FQDNs, when set, replace the addresses (a TLS client checks the name). */
/**
 * mg_turn_dup_ice_servers: (skip)
 * @store: the store with the "turn" settings
 * @number: the extension the credentials are for
 *
 * Returns: (transfer full): the ICE servers a phone gets: one TURN entry with
 *   fresh REST credentials when TURN is on, else none
 */
JsonArray *
mg_turn_dup_ice_servers (MgStore *store, const char *number)
{
  g_autoptr (JsonObject) turn = mg_settings_load (store, "turn");
  g_auto (GStrv) transports = mg_settings_dup_strv (turn, "transport_addresses");
  g_auto (GStrv) externals = mg_settings_dup_strv (turn, "external_addresses");
  g_autofree char *username = NULL;
  g_autofree char *credential = NULL;
  JsonObject *server;
  JsonArray *servers;
  JsonArray *urls;

  servers = json_array_new ();
  if (!mg_settings_get_bool (turn, "enabled") || transports[0] == NULL)
    return servers;
  urls = json_array_new ();
  for (guint i = 0; transports[i] != NULL; i++)
    {
      if (externals[0] == NULL)
        add_url (urls, transports[i], NULL);
      for (guint j = 0; externals[j] != NULL; j++)
        add_url (urls, transports[i], externals[j]);
    }
  username = mg_turn_make_username (g_get_real_time () / G_USEC_PER_SEC + mg_settings_get_int (turn, "ttl"), number);
  credential = mg_turn_make_credential (mg_settings_get_string (turn, "shared_secret"), username);
  server = json_object_new ();
  json_object_set_array_member (server, "urls", urls);
  json_object_set_string_member (server, "username", username);
  json_object_set_string_member (server, "credential", credential);
  json_array_add_object_element (servers, server);
  return servers;
}

