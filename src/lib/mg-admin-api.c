/* mg-admin-api.c: the admin REST API under /cms/api/v1 and its authentication
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-admin"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>

#include "mg-admin-api-private.h"
#include "mg-crypto-private.h"
#include "mg-rate-limiter-private.h"

/**
 * MgAdminApi:
 *
 * The admin REST API (`/cms/api/v1/…`), served on the admin listener.
 *
 * Every route but `POST /cms/api/v1/login` needs an admin: a bearer token
 * from login, or HTTP Basic credentials. Failed logins (either way) are
 * counted per source address; a source over the limit gets 429 with
 * `Retry-After` until the window passes.
 */

#define ADMIN_TOKEN_SECONDS (60 * 60)
#define LOGIN_MAX_FAILURES 5
#define LOGIN_WINDOW_SECONDS 60

struct _MgAdminApi
{
  GObject parent_instance;

  MgServer *server; /* unowned: the server owns us */
  MgStore *store;
  MgTokenSigner *signer;
  MgRouter *router;
  MgRateLimiter *login_failures;
};

G_DEFINE_FINAL_TYPE (MgAdminApi, mg_admin_api, G_TYPE_OBJECT)

static void
mg_admin_api_dispose (GObject *object)
{
  MgAdminApi *self = MG_ADMIN_API (object);

  g_clear_object (&self->router);
  g_clear_object (&self->store);
  g_clear_object (&self->signer);
  G_OBJECT_CLASS (mg_admin_api_parent_class)->dispose (object);
}

static void
mg_admin_api_finalize (GObject *object)
{
  MgAdminApi *self = MG_ADMIN_API (object);

  mg_rate_limiter_free (self->login_failures);
  G_OBJECT_CLASS (mg_admin_api_parent_class)->finalize (object);
}

static void
mg_admin_api_class_init (MgAdminApiClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mg_admin_api_dispose;
  object_class->finalize = mg_admin_api_finalize;
}

static void
mg_admin_api_init (MgAdminApi *self)
{
  self->login_failures = mg_rate_limiter_new (LOGIN_MAX_FAILURES, LOGIN_WINDOW_SECONDS);
}

static gboolean
refuse_if_blocked (MgAdminApi *self, MgApiRequest *req)
{
  guint retry_after = 0;

  if (!mg_api_request_is_rate_limited (req, self->login_failures, &retry_after))
    return FALSE;
  mg_api_request_reply_error (req, 429, "too_many_requests",
                              _("too many failed logins from %s; try again in %u s"),
                              req->remote_ip, retry_after);
  return TRUE;
}

static void
reply_unauthorized (MgApiRequest *req, const char *message)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                "WWW-Authenticate", "Bearer realm=\"mediagate-admin\"");
  mg_api_request_reply_error (req, 401, "unauthorized", "%s", message);
}

static gboolean
check_password_login (MgAdminApi *self, MgApiRequest *req, const char *name, const char *password)
{
  if (mg_store_check_admin (self->store, name, password))
    {
      mg_rate_limiter_reset (self->login_failures, req->remote_ip);
      return TRUE;
    }
  mg_rate_limiter_add_failure (self->login_failures, req->remote_ip, g_get_monotonic_time ());
  g_info ("failed admin login for '%s' from %s", name, req->remote_ip);
  return FALSE;
}

/* "Basic base64(name:password)" -> name and password */
static gboolean
parse_basic (const char *authorization, char **name, char **password)
{
  g_autofree guchar *decoded = NULL;
  g_autofree char *text = NULL;
  gsize len = 0;
  char *colon;

  if (g_ascii_strncasecmp (authorization, "Basic ", 6) != 0)
    return FALSE;
  decoded = g_base64_decode (authorization + 6, &len);
  text = g_strndup ((const char *) decoded, len);
  if (len == 0 || (colon = strchr (text, ':')) == NULL || !g_utf8_validate (text, -1, NULL))
    return FALSE;
  *name = g_strndup (text, colon - text);
  *password = g_strdup (colon + 1);
  memset (text, 0, len);
  return TRUE;
}

static gboolean
authenticate (MgApiRequest *req, gpointer user_data)
{
  MgAdminApi *self = user_data;
  const char *authorization = mg_api_request_get_header (req, "Authorization");
  g_autofree char *name = NULL;
  g_autofree char *password = NULL;
  g_autoptr (GError) error = NULL;

  if (authorization == NULL)
    {
      reply_unauthorized (req, _("log in first (POST /cms/api/v1/login) or use HTTP Basic"));
      return FALSE;
    }

  if (g_ascii_strncasecmp (authorization, "Bearer ", 7) == 0)
    {
      req->principal = mg_token_signer_verify (self->signer, authorization + 7, "admin",
                                               g_get_real_time () / G_USEC_PER_SEC, NULL, &error);
      if (req->principal == NULL)
        {
          reply_unauthorized (req, error->message);
          return FALSE;
        }
      return TRUE;
    }

  if (refuse_if_blocked (self, req))
    return FALSE;
  if (!parse_basic (authorization, &name, &password)
      || !check_password_login (self, req, name, password))
    {
      reply_unauthorized (req, _("wrong admin name or password"));
      return FALSE;
    }
  req->principal = g_steal_pointer (&name);
  return TRUE;
}

static void
handle_login (MgApiRequest *req, gpointer user_data)
{
  MgAdminApi *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) reply = NULL;
  g_autofree char *token = NULL;
  JsonObject *body;
  const char *name, *password;
  gint64 expires_at;

  if (refuse_if_blocked (self, req))
    return;
  body = mg_api_request_get_object (req, &error);
  if (body == NULL)
    {
      mg_api_request_reply_gerror (req, error);
      return;
    }
  name = json_object_get_string_member_with_default (body, "name", NULL);
  password = json_object_get_string_member_with_default (body, "password", NULL);
  if (name == NULL || password == NULL)
    {
      mg_api_request_reply_error (req, 400, "invalid_request",
                                  _("give \"name\" and \"password\" as strings"));
      return;
    }
  if (!check_password_login (self, req, name, password))
    {
      reply_unauthorized (req, _("wrong admin name or password"));
      return;
    }

  expires_at = g_get_real_time () / G_USEC_PER_SEC + ADMIN_TOKEN_SECONDS;
  token = mg_token_signer_sign (self->signer, "admin", name, expires_at);
  reply = json_object_new ();
  json_object_set_string_member (reply, "token", token);
  json_object_set_string_member (reply, "token_type", "Bearer");
  json_object_set_int_member (reply, "expires_in", ADMIN_TOKEN_SECONDS);
  json_object_set_string_member (reply, "name", name);
  mg_api_request_reply_object (req, 200, reply);
  g_info ("admin '%s' logged in from %s", name, req->remote_ip);
}

static void
handle_me (MgApiRequest *req, gpointer user_data)
{
  g_autoptr (JsonObject) reply = json_object_new ();

  json_object_set_string_member (reply, "name", req->principal);
  mg_api_request_reply_object (req, 200, reply);
}

static void
handle_change_password (MgApiRequest *req, gpointer user_data)
{
  MgAdminApi *self = user_data;
  g_autoptr (GError) error = NULL;
  const char *name = mg_api_request_get_param (req, "name");
  JsonObject *body = mg_api_request_get_object (req, &error);
  const char *password;

  if (body == NULL)
    {
      mg_api_request_reply_gerror (req, error);
      return;
    }
  password = json_object_get_string_member_with_default (body, "password", NULL);
  if (password == NULL)
    {
      mg_api_request_reply_error (req, 400, "invalid_request", _("give \"password\" as a string"));
      return;
    }
  if (!mg_store_set_admin_password (self->store, name, password, &error))
    {
      mg_api_request_reply_gerror (req, error);
      return;
    }
  mg_api_request_reply_empty (req, 204);
}

static void
handle_add_admin (MgApiRequest *req, gpointer user_data)
{
  MgAdminApi *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) reply = NULL;
  JsonObject *body = mg_api_request_get_object (req, &error);
  const char *name, *password;

  if (body == NULL)
    {
      mg_api_request_reply_gerror (req, error);
      return;
    }
  name = json_object_get_string_member_with_default (body, "name", NULL);
  password = json_object_get_string_member_with_default (body, "password", NULL);
  if (name == NULL || password == NULL)
    {
      mg_api_request_reply_error (req, 400, "invalid_request",
                                  _("give \"name\" and \"password\" as strings"));
      return;
    }
  if (!mg_store_add_admin (self->store, name, password, &error))
    {
      mg_api_request_reply_gerror (req, error);
      return;
    }
  reply = json_object_new ();
  json_object_set_string_member (reply, "name", name);
  mg_api_request_reply_object (req, 201, reply);
}

void
mg_admin_api_add_session_routes (MgAdminApi *self, MgRouter *router)
{
  mg_router_add (router, "POST", "/cms/api/v1/login", MG_ROUTE_PUBLIC, handle_login, self);
  mg_router_add (router, "GET", "/cms/api/v1/me", MG_ROUTE_AUTH, handle_me, self);
  mg_router_add (router, "POST", "/cms/api/v1/admins", MG_ROUTE_AUTH, handle_add_admin, self);
  mg_router_add (router, "PUT", "/cms/api/v1/admins/{name}/password", MG_ROUTE_AUTH,
                 handle_change_password, self);
}

MgAdminApi *
mg_admin_api_new (MgServer *server, MgStore *store, MgTokenSigner *signer)
{
  MgAdminApi *self = g_object_new (MG_TYPE_ADMIN_API, NULL);

  self->server = server;
  self->store = g_object_ref (store);
  self->signer = g_object_ref (signer);
  self->router = mg_router_new (authenticate, self);
  mg_admin_api_add_session_routes (self, self->router);
  mg_admin_api_add_certificate_routes (self, self->router);
  mg_admin_api_add_extension_routes (self, self->router);
  mg_admin_api_add_registration_routes (self, self->router);
  mg_admin_api_add_call_routes (self, self->router);
  mg_admin_api_add_cti_routes (self, self->router);
  mg_admin_api_add_settings_routes (self, self->router);
  mg_admin_api_add_client_routes (self, self->router);
  mg_admin_api_add_destination_routes (self, self->router);
  mg_admin_api_add_client_log_routes (self, self->router);
  mg_admin_api_add_diagnostics_routes (self, self->router);
  return self;
}

void
mg_admin_api_attach (MgAdminApi *self, MgHttpListener *listener)
{
  mg_router_attach (self->router, listener, "/cms/api");
}

MgServer *
mg_admin_api_get_server (MgAdminApi *self)
{
  return self->server;
}

MgStore *
mg_admin_api_get_store (MgAdminApi *self)
{
  return self->store;
}
