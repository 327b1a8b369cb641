/* mg-admin-api-registrations.c: GET /cms/api/v1/registrations
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-admin"

#include "mg-build-config.h"

#include "mg-admin-api-private.h"
#include "mg-sip-agent.h"

static JsonObject *
registration_to_json (MgSipRegistration *registration, gint64 now)
{
  JsonObject *object = json_object_new ();
  gint64 expires_at = mg_sip_registration_get_expires_at (registration);
  const char *registrar = mg_sip_registration_get_registrar (registration);
  const char *error = mg_sip_registration_get_last_error (registration);

  json_object_set_string_member (object, "extension", mg_sip_registration_get_number (registration));
  json_object_set_string_member (
    object, "state", mg_sip_registration_state_to_string (mg_sip_registration_get_state (registration)));
  if (registrar != NULL)
    json_object_set_string_member (object, "registrar", registrar);
  else
    json_object_set_null_member (object, "registrar");
  if (expires_at > 0)
    {
      json_object_set_int_member (object, "expires_at", expires_at);
      json_object_set_int_member (object, "expires_in", MAX (expires_at - now, 0));
    }
  else
    {
      json_object_set_null_member (object, "expires_at");
      json_object_set_null_member (object, "expires_in");
    }
  if (error != NULL)
    json_object_set_string_member (object, "last_error", error);
  else
    json_object_set_null_member (object, "last_error");
  return object;
}

static void
handle_list (MgApiRequest *req, gpointer user_data)
{
  MgAdminApi *self = user_data;
  MgSipAgent *agent = mg_server_get_sip_agent (mg_admin_api_get_server (self));
  g_autoptr (GPtrArray) registrations = mg_sip_agent_dup_registrations (agent);
  g_autoptr (JsonObject) reply = json_object_new ();
  JsonArray *items = json_array_new ();
  const char *active = mg_sip_agent_get_active_registrar (agent);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  for (guint i = 0; i < registrations->len; i++)
    json_array_add_object_element (items,
                                   registration_to_json (g_ptr_array_index (registrations, i), now));
  json_object_set_string_member (reply, "mode", active ? "platform" : "embedded");
  if (active != NULL)
    json_object_set_string_member (reply, "active_registrar", active);
  else
    json_object_set_null_member (reply, "active_registrar");
  json_object_set_int_member (reply, "registered", mg_sip_agent_count_registered (agent));
  json_object_set_int_member (reply, "total", registrations->len);
  json_object_set_array_member (reply, "items", items);
  mg_api_request_reply_object (req, 200, reply);
}

void
mg_admin_api_add_registration_routes (MgAdminApi *self, MgRouter *router)
{
  mg_router_add (router, "GET", "/cms/api/v1/registrations", MG_ROUTE_AUTH, handle_list, self);
}
