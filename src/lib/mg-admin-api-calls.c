/* mg-admin-api-calls.c: the live calls, their pipelines, and hanging up
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-admin"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>

#include "mg-admin-api-private.h"
#include "mg-call-private.h"
#include "mg-server-private.h"

static MgCallManager *
manager_of (MgAdminApi *self)
{
  return mg_server_get_call_manager (mg_admin_api_get_server (self));
}

static void
handle_list (MgApiRequest *req, gpointer user_data)
{
  g_autoptr (JsonObject) reply = json_object_new ();
  JsonArray *items = mg_call_manager_describe (manager_of (user_data));

  json_object_set_int_member (reply, "total", json_array_get_length (items));
  json_object_set_array_member (reply, "items", items);
  mg_api_request_reply_object (req, 200, reply);
}

static MgCall *
call_or_404 (MgAdminApi *self, MgApiRequest *req)
{
  MgCall *call = mg_call_manager_lookup (manager_of (self), mg_api_request_get_param (req, "id"));

  if (call == NULL)
    mg_api_request_reply_error (req, 404, "not_found", _("no such call"));
  return call;
}

static void
handle_get (MgApiRequest *req, gpointer user_data)
{
  MgCall *call = call_or_404 (user_data, req);
  g_autoptr (JsonObject) reply = NULL;

  if (call == NULL)
    return;
  reply = mg_call_describe (call);
  mg_api_request_reply_object (req, 200, reply);
}

static void
handle_dot (MgApiRequest *req, gpointer user_data)
{
  MgCall *call = call_or_404 (user_data, req);
  g_autoptr (GBytes) body = NULL;
  char *dot;

  if (call == NULL)
    return;
  dot = mg_call_dump_dot (call);
  if (dot == NULL)
    {
      mg_api_request_reply_error (req, 404, "not_found", _("the call has no pipeline any more"));
      return;
    }
  body = g_bytes_new_take (dot, strlen (dot));
  mg_api_request_reply_text (req, 200, "text/vnd.graphviz", body);
}

static void
handle_delete (MgApiRequest *req, gpointer user_data)
{
  MgAdminApi *self = user_data;

  if (call_or_404 (self, req) == NULL)
    return;
  g_info ("admin '%s' hung up call %s", req->principal, mg_api_request_get_param (req, "id"));
  mg_call_manager_hangup (manager_of (self), mg_api_request_get_param (req, "id"));
  mg_api_request_reply_empty (req, 204);
}

void
mg_admin_api_add_call_routes (MgAdminApi *self, MgRouter *router)
{
  mg_router_add (router, "GET", "/cms/api/v1/calls", MG_ROUTE_AUTH, handle_list, self);
  mg_router_add (router, "GET", "/cms/api/v1/calls/{id}", MG_ROUTE_AUTH, handle_get, self);
  mg_router_add (router, "GET", "/cms/api/v1/calls/{id}/pipeline.dot", MG_ROUTE_AUTH, handle_dot,
                 self);
  mg_router_add (router, "DELETE", "/cms/api/v1/calls/{id}", MG_ROUTE_AUTH, handle_delete, self);
}
