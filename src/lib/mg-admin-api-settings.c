/* mg-admin-api-settings.c: GET/PUT/PATCH of the settings sections
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-admin"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>

#include "mg-admin-api-private.h"
#include "mg-settings.h"
#include "mg-store-private.h"

#define SETTINGS_PREFIX "/cms/api/v1/"

/* The section is the last path segment: /cms/api/v1/turn -> "turn". */
static const char *
section_of (MgApiRequest *req)
{
  return req->path + strlen (SETTINGS_PREFIX);
}

static void
handle_get (MgApiRequest *req, gpointer user_data)
{
  MgAdminApi *self = user_data;
  const char *section = section_of (req);
  g_autoptr (JsonObject) stored = mg_settings_load (mg_admin_api_get_store (self), section);
  g_autoptr (JsonObject) view = mg_settings_public_view (section, stored);

  mg_api_request_reply_object (req, 200, view);
}

static gboolean
save (MgStore *store, const char *section, JsonObject *stored, GError **error)
{
  if (!mg_store_begin (store, error))
    return FALSE;
  if (!mg_settings_save (store, section, stored, error))
    {
      mg_store_rollback (store);
      return FALSE;
    }
  return mg_store_commit (store, error);
}

/* PUT replaces the section (missing keys take their defaults), PATCH merges
 * the given keys; either validates everything before writing anything. */
static void
handle_write (MgApiRequest *req, MgAdminApi *self, gboolean replace)
{
  MgStore *store = mg_admin_api_get_store (self);
  const char *section = section_of (req);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) current = NULL;
  g_autoptr (JsonObject) merged = NULL;
  g_autoptr (JsonObject) view = NULL;
  gboolean restart = FALSE;
  JsonObject *body;

  body = mg_api_request_get_object (req, &error);
  if (body == NULL)
    {
      mg_api_request_reply_gerror (req, error);
      return;
    }
  current = mg_settings_load (store, section);
  merged = mg_settings_merge (section, current, body, replace, &restart, &error);
  if (merged == NULL)
    {
      mg_api_request_reply_error (req, 400, "invalid_request", "%s", error->message);
      return;
    }
  if (!save (store, section, merged, &error))
    {
      mg_api_request_reply_gerror (req, error);
      return;
    }
  g_info ("admin '%s' changed the %s settings%s", req->principal, section,
          restart ? " (restart required)" : "");

  view = mg_settings_public_view (section, merged);
  json_object_set_boolean_member (view, "restart_required", restart);
  mg_api_request_reply_object (req, 200, view);
}

static void
handle_put (MgApiRequest *req, gpointer user_data)
{
  handle_write (req, user_data, TRUE);
}

static void
handle_patch (MgApiRequest *req, gpointer user_data)
{
  handle_write (req, user_data, FALSE);
}

void
mg_admin_api_add_settings_routes (MgAdminApi *self, MgRouter *router)
{
  const char *const *sections = mg_settings_get_sections ();

  for (guint i = 0; sections[i] != NULL; i++)
    {
      g_autofree char *path = g_strconcat (SETTINGS_PREFIX, sections[i], NULL);

      mg_router_add (router, "GET", path, MG_ROUTE_AUTH, handle_get, self);
      mg_router_add (router, "PUT", path, MG_ROUTE_AUTH, handle_put, self);
      mg_router_add (router, "PATCH", path, MG_ROUTE_AUTH, handle_patch, self);
    }
}
