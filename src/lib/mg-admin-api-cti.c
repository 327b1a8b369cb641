/* mg-admin-api-cti.c: the CTI interface's sessions, and dropping one
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-admin"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>

#include "mg-admin-api-private.h"
#include "mg-cti-server-private.h"
#include "mg-server-private.h"

/* The settings (`/cms/api/v1/cti`) are a settings section
 * (mg-admin-api-settings.c); these are the live sessions. */

static MgCtiServer *
cti_of (MgAdminApi *self)
{
  return mg_server_get_cti_server (mg_admin_api_get_server (self));
}

static void
handle_list (MgApiRequest *req, gpointer user_data)
{
  MgCtiServer *cti = cti_of (user_data);
  g_autoptr (JsonObject) reply = json_object_new ();
  JsonArray *items = cti ? mg_cti_server_describe_sessions (cti) : json_array_new ();

  json_object_set_int_member (reply, "total", json_array_get_length (items));
  json_object_set_array_member (reply, "items", items);
  mg_api_request_reply_object (req, 200, reply);
}

static JsonObject *
listener (const char *address, guint configured, guint bound)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "address", address);
  json_object_set_int_member (object, "port", bound ? bound : configured);
  return object;
}

/* Where applications connect (read-only: the configuration file says it,
 * a change needs a restart). */
static void
handle_listener (MgApiRequest *req, gpointer user_data)
{
  MgServer *server = mg_admin_api_get_server (user_data);
  MgConfig *config = mg_server_get_config (server);
  g_autoptr (JsonObject) reply =
    listener (mg_config_get_cti_address (config), mg_config_get_cti_port (config),
              mg_server_get_cti_port (server));
  JsonObject *tls =
    listener (mg_config_get_cti_tls_address (config), mg_config_get_cti_tls_port (config),
              mg_server_get_cti_tls_port (server));

  json_object_set_string_member (reply, "path", "/csta");
  json_object_set_boolean_member (tls, "enabled", mg_config_get_cti_tls_enabled (config));
  json_object_set_object_member (reply, "tls_listener", tls);
  json_object_set_int_member (reply, "sessions",
                              mg_server_get_cti_server (server)
                                ? mg_cti_server_count_sessions (mg_server_get_cti_server (server))
                                : 0);
  mg_api_request_reply_object (req, 200, reply);
}

static void
handle_delete (MgApiRequest *req, gpointer user_data)
{
  MgCtiServer *cti = cti_of (user_data);
  const char *id = mg_api_request_get_param (req, "id");

  if (cti == NULL || !mg_cti_server_drop_session (cti, id, "dropped by an administrator"))
    {
      mg_api_request_reply_error (req, 404, "not_found", _("no such CTI session"));
      return;
    }
  g_info ("admin '%s' dropped CTI session %s", req->principal, id);
  mg_api_request_reply_empty (req, 204);
}

void
mg_admin_api_add_cti_routes (MgAdminApi *self, MgRouter *router)
{
  mg_router_add (router, "GET", "/cms/api/v1/cti/listener", MG_ROUTE_AUTH, handle_listener, self);
  mg_router_add (router, "GET", "/cms/api/v1/cti/sessions", MG_ROUTE_AUTH, handle_list, self);
  mg_router_add (router, "DELETE", "/cms/api/v1/cti/sessions/{id}", MG_ROUTE_AUTH, handle_delete,
                 self);
}
