/* mg-client-api.c: app-server tokens on the client listener (/oauth, /webkit/api)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-auth"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>

#include "mg-client-api-private.h"
#include "mg-extension.h"
#include "mg-rate-limiter-private.h"
#include "mg-router-private.h"
#include "mg-settings.h"
#include "mg-store-clients-private.h"
#include "mg-store-private.h"
#include "mg-turn-private.h"

/**
 * MgClientApi:
 *
 * What app servers and browser phones ask of the client listener.
 *
 * `POST /oauth/token` trades an app server's client credentials (OAuth 2
 * client credentials grant, RFC 6749 §4.4) for an access token; errors there
 * use RFC 6749 §5.2's shape (`{"error": "invalid_client"}`) because OAuth
 * client libraries expect it. `POST /webkit/api/v1/sessions`, with that
 * access token, issues a session token for one extension with its WebSocket
 * URL and TURN credentials. Failed client authentications are counted per
 * source address and answered 429 over the limit.
 */

#define SESSION_TOKEN_SECONDS (12 * 60 * 60)
#define ACCESS_SCOPE "webkit"
#define CLIENT_MAX_FAILURES 10
#define CLIENT_WINDOW_SECONDS 60

struct _MgClientApi
{
  GObject parent_instance;

  MgServer *server; /* unowned: the server owns us */
  MgStore *store;
  MgTokenSigner *signer;
  MgRouter *router;
  MgRateLimiter *failures;
};

G_DEFINE_FINAL_TYPE (MgClientApi, mg_client_api, G_TYPE_OBJECT)

static void
mg_client_api_dispose (GObject *object)
{
  MgClientApi *self = MG_CLIENT_API (object);

  g_clear_object (&self->router);
  g_clear_object (&self->store);
  g_clear_object (&self->signer);
  G_OBJECT_CLASS (mg_client_api_parent_class)->dispose (object);
}

static void
mg_client_api_finalize (GObject *object)
{
  MgClientApi *self = MG_CLIENT_API (object);

  mg_rate_limiter_free (self->failures);
  G_OBJECT_CLASS (mg_client_api_parent_class)->finalize (object);
}

static void
mg_client_api_class_init (MgClientApiClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mg_client_api_dispose;
  object_class->finalize = mg_client_api_finalize;
}

static void
mg_client_api_init (MgClientApi *self)
{
  self->failures = mg_rate_limiter_new (CLIENT_MAX_FAILURES, CLIENT_WINDOW_SECONDS);
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* -- POST /oauth/token --------------------------------------------------- */

/* RFC 6749 §5.2: {"error": code, "error_description": text}. */
static void
reply_oauth_error (MgApiRequest *req, guint status, const char *code, const char *description)
{
  g_autoptr (JsonObject) object = json_object_new ();
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (req->msg);

  json_object_set_string_member (object, "error", code);
  json_object_set_string_member (object, "error_description", description);
  if (status == 401)
    soup_message_headers_replace (headers, "WWW-Authenticate", "Basic realm=\"mediagate\"");
  soup_message_headers_replace (headers, "Pragma", "no-cache");
  mg_api_request_reply_object (req, status, object);
}

static gboolean
refuse_if_blocked (MgClientApi *self, MgApiRequest *req)
{
  guint retry_after = 0;
  g_autofree char *description = NULL;

  if (!mg_api_request_is_rate_limited (req, self->failures, &retry_after))
    return FALSE;
  description = g_strdup_printf (_("too many failed client authentications from %s; try again "
                                   "in %u s"),
                                 req->remote_ip, retry_after);
  reply_oauth_error (req, 429, "too_many_requests", description);
  return TRUE;
}

/* "Basic base64(id:secret)", each part form-urlencoded (RFC 6749 §2.3.1). */
static gboolean
parse_basic (const char *authorization, char **client_id, char **secret)
{
  g_autofree guchar *decoded = NULL;
  g_autofree char *text = NULL;
  gsize len = 0;
  char *colon;

  if (g_ascii_strncasecmp (authorization, "Basic ", 6) != 0)
    return FALSE;
  decoded = g_base64_decode (authorization + 6, &len);
  text = g_strndup ((const char *) decoded, len);
  if (len == 0 || (colon = strchr (text, ':')) == NULL)
    return FALSE;
  *colon = '\0';
  *client_id = g_uri_unescape_string (text, NULL);
  *secret = g_uri_unescape_string (colon + 1, NULL);
  memset (text, 0, len);
  return *client_id != NULL && *secret != NULL;
}

static GHashTable *
parse_form (MgApiRequest *req)
{
  g_autoptr (GBytes) body = NULL;
  g_autofree char *text = NULL;
  const char *ct;
  gsize size = 0;
  const char *data;

  ct = soup_message_headers_get_content_type (soup_server_message_get_request_headers (req->msg),
                                              NULL);
  if (ct == NULL || g_ascii_strcasecmp (ct, "application/x-www-form-urlencoded") != 0)
    return NULL;
  body = mg_api_request_get_body (req);
  data = g_bytes_get_data (body, &size);
  text = g_strndup (data, size);
  if (!g_utf8_validate (text, -1, NULL))
    return NULL;
  return soup_form_decode (text);
}

/* Who the client says it is: Basic or form fields, not both (RFC 6749 §2.3.1). */
static gboolean
client_credentials_of (MgApiRequest *req, GHashTable *form, char **client_id, char **secret)
{
  const char *authorization = mg_api_request_get_header (req, "Authorization");
  const char *form_id = g_hash_table_lookup (form, "client_id");
  const char *form_secret = g_hash_table_lookup (form, "client_secret");

  if (authorization != NULL)
    {
      if (form_secret != NULL)
        return FALSE;
      return parse_basic (authorization, client_id, secret);
    }
  if (form_id == NULL || form_secret == NULL)
    return FALSE;
  *client_id = g_strdup (form_id);
  *secret = g_strdup (form_secret);
  return TRUE;
}

static void
reply_access_token (MgClientApi *self, MgApiRequest *req, const char *client_id, guint minutes)
{
  g_autoptr (JsonObject) reply = json_object_new ();
  g_autofree char *token = NULL;
  gint64 expires_at = minutes ? now_seconds () + (gint64) minutes * 60 : 0;

  token = mg_token_signer_sign (self->signer, "access", client_id, expires_at);
  json_object_set_string_member (reply, "access_token", token);
  json_object_set_string_member (reply, "token_type", "Bearer");
  /* validity 0 (never expires): expires_in is left out, as RFC 6749 §5.1 allows */
  if (minutes > 0)
    json_object_set_int_member (reply, "expires_in", (gint64) minutes * 60);
  json_object_set_string_member (reply, "scope", ACCESS_SCOPE);
  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg), "Pragma",
                                "no-cache");
  mg_api_request_reply_object (req, 200, reply);
}

static void
handle_token (MgApiRequest *req, gpointer user_data)
{
  MgClientApi *self = user_data;
  g_autoptr (GHashTable) form = NULL;
  g_autofree char *client_id = NULL;
  g_autofree char *secret = NULL;
  const char *grant_type, *scope;
  guint minutes = 0;

  if (refuse_if_blocked (self, req))
    return;
  form = parse_form (req);
  if (form == NULL)
    {
      reply_oauth_error (req, 400, "invalid_request",
                         _("the body must be application/x-www-form-urlencoded"));
      return;
    }
  grant_type = g_hash_table_lookup (form, "grant_type");
  scope = g_hash_table_lookup (form, "scope");
  if (grant_type == NULL)
    {
      reply_oauth_error (req, 400, "invalid_request", _("grant_type is missing"));
      return;
    }
  if (!g_str_equal (grant_type, "client_credentials"))
    {
      reply_oauth_error (req, 400, "unsupported_grant_type",
                         _("only grant_type=client_credentials is supported"));
      return;
    }
  if (scope != NULL && *scope != '\0' && !g_str_equal (scope, ACCESS_SCOPE))
    {
      reply_oauth_error (req, 400, "invalid_scope", _("the only scope is \"webkit\""));
      return;
    }
  if (!client_credentials_of (req, form, &client_id, &secret)
      || !mg_store_check_client (self->store, client_id, secret, &minutes))
    {
      mg_rate_limiter_add_failure (self->failures, req->remote_ip, g_get_monotonic_time ());
      g_info ("failed client authentication from %s", req->remote_ip);
      reply_oauth_error (req, 401, "invalid_client", _("unknown client or wrong client secret"));
      return;
    }
  mg_rate_limiter_reset (self->failures, req->remote_ip);
  g_info ("access token for client %s from %s", client_id, req->remote_ip);
  reply_access_token (self, req, client_id, minutes);
}

/* -- POST /webkit/api/v1/sessions ---------------------------------------- */

/* Bearer access token from /oauth/token, of a client that still exists. */
static gboolean
authenticate (MgApiRequest *req, gpointer user_data)
{
  MgClientApi *self = user_data;
  const char *authorization = mg_api_request_get_header (req, "Authorization");
  g_autoptr (GError) error = NULL;
  g_autoptr (MgClientCredential) cred = NULL;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (req->msg);

  if (authorization == NULL || g_ascii_strncasecmp (authorization, "Bearer ", 7) != 0)
    {
      soup_message_headers_replace (headers, "WWW-Authenticate", "Bearer realm=\"mediagate\"");
      mg_api_request_reply_error (req, 401, "unauthorized",
                                  _("give an access token from POST /oauth/token "
                                    "(Authorization: Bearer …)"));
      return FALSE;
    }
  req->principal = mg_token_signer_verify (self->signer, authorization + 7, "access",
                                           now_seconds (), NULL, &error);
  if (req->principal != NULL
      && (cred = mg_store_get_client (self->store, req->principal, NULL)) == NULL)
    g_set_error (&error, MG_TOKEN_ERROR, MG_TOKEN_ERROR_SIGNATURE,
                 _("the client of this token no longer exists"));
  if (error != NULL)
    {
      soup_message_headers_replace (headers, "WWW-Authenticate",
                                    "Bearer realm=\"mediagate\", error=\"invalid_token\"");
      mg_api_request_reply_error (req, 401, "unauthorized", "%s", error->message);
      return FALSE;
    }
  return TRUE;
}

/* A minimal read-only look at the extensions table (number, enabled): the
 * extensions module owns that table and its API. */
/* The host the phone should connect to: the configured FQDN, else the host
 * the request was sent to (without its port). NULL if neither is usable. */
static char *
public_host (MgClientApi *self, MgApiRequest *req)
{
  const char *fqdn = mg_config_get_fqdn (mg_server_get_config (self->server));
  const char *host = soup_message_headers_get_one (
    soup_server_message_get_request_headers (req->msg), "Host");
  const char *end;

  if (*fqdn != '\0')
    return g_strdup (fqdn);
  if (host == NULL || *host == '\0')
    return NULL;
  end = host[0] == '[' ? strchr (host, ']') : strchr (host, ':');
  if (end != NULL && host[0] == '[')
    end++;
  if (end == NULL)
    end = host + strlen (host);
  for (const char *p = host; p < end; p++)
    if (!g_ascii_isalnum (*p) && strchr (".-:[]", *p) == NULL)
      return NULL;
  return g_strndup (host, end - host);
}

static void
reply_session (MgClientApi *self, MgApiRequest *req, const char *number, const char *host)
{
  g_autoptr (JsonObject) reply = json_object_new ();
  g_autofree char *token = NULL;
  g_autofree char *url = NULL;
  JsonArray *ice_servers = mg_turn_dup_ice_servers (self->store, number);

  token = mg_token_signer_sign (self->signer, "session", number,
                                now_seconds () + SESSION_TOKEN_SECONDS);
  url = g_strdup_printf ("wss://%s:%u/webkit/ws", host, mg_server_get_client_port (self->server));
  json_object_set_string_member (reply, "session_token", token);
  json_object_set_int_member (reply, "expires_in", SESSION_TOKEN_SECONDS);
  json_object_set_string_member (reply, "extension", number);
  json_object_set_string_member (reply, "websocket_url", url);
  json_object_set_array_member (reply, "ice_servers", ice_servers);
  mg_api_request_reply_object (req, 201, reply);
}

static void
handle_session (MgApiRequest *req, gpointer user_data)
{
  MgClientApi *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *host = NULL;
  const char *number;
  g_autoptr (MgExtension) extension = NULL;
  JsonObject *body;

  body = mg_api_request_get_object (req, &error);
  if (body == NULL)
    {
      mg_api_request_reply_gerror (req, error);
      return;
    }
  number = json_object_get_string_member_with_default (body, "extension", NULL);
  if (json_object_get_size (body) != 1 || number == NULL || !mg_extension_number_is_valid (number))
    {
      mg_api_request_reply_error (req, 400, "invalid_request",
                                  _("give {\"extension\": \"<number>\"}: digits, optionally "
                                    "after a '+'"));
      return;
    }
  extension = mg_store_get_extension (self->store, number, &error);
  if (extension == NULL)
    {
      mg_api_request_reply_gerror (req, error);
      return;
    }
  if (!mg_extension_get_enabled (extension))
    {
      mg_api_request_reply_error (req, 409, "extension_disabled",
                                  _("extension %s is disabled; an admin must enable it first"),
                                  number);
      return;
    }
  host = public_host (self, req);
  if (host == NULL)
    {
      mg_api_request_reply_error (req, 400, "invalid_request",
                                  _("no FQDN is configured and the Host header is unusable"));
      return;
    }
  g_info ("session token for extension %s to client %s", number, req->principal);
  reply_session (self, req, number, host);
}

MgClientApi *
mg_client_api_new (MgServer *server, MgStore *store, MgTokenSigner *signer)
{
  MgClientApi *self = g_object_new (MG_TYPE_CLIENT_API, NULL);

  self->server = server;
  self->store = g_object_ref (store);
  self->signer = g_object_ref (signer);
  self->router = mg_router_new (authenticate, self);
  mg_router_add (self->router, "POST", "/oauth/token", MG_ROUTE_PUBLIC, handle_token, self);
  mg_router_add (self->router, "POST", "/webkit/api/v1/sessions", MG_ROUTE_AUTH, handle_session,
                 self);
  return self;
}

void
mg_client_api_attach (MgClientApi *self, MgHttpListener *listener)
{
  mg_router_attach (self->router, listener, "/oauth");
  mg_router_attach (self->router, listener, "/webkit/api");
}
