/* mg-admin-api-destinations.c: Click-to-Contact destinations
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-admin"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>

#include "mg-admin-api-private.h"
#include "mg-store-destinations-private.h"

static JsonObject *
destination_to_json (const MgDestination *destination)
{
  JsonObject *object = json_object_new ();
  JsonArray *extensions = json_array_new ();

  for (guint i = 0; destination->extensions[i] != NULL; i++)
    json_array_add_string_element (extensions, destination->extensions[i]);
  json_object_set_string_member (object, "key", destination->key);
  json_object_set_string_member (object, "label", destination->label);
  json_object_set_string_member (object, "pilot", destination->pilot);
  json_object_set_array_member (object, "extensions", extensions);
  return object;
}

static gboolean
take_string (JsonObject *body, const char *name, char **field, GError **error)
{
  JsonNode *node = json_object_get_member (body, name);

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, MG_API_ERROR, MG_API_ERROR_INVALID, _("%s: must be a string"), name);
      return FALSE;
    }
  g_free (*field);
  *field = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
take_extensions (JsonObject *body, MgDestination *destination, GError **error)
{
  JsonNode *node = json_object_get_member (body, "extensions");
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  JsonArray *array;

  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    goto bad;
  array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING)
        goto bad;
      g_strv_builder_add (builder, json_node_get_string (item));
    }
  g_strfreev (destination->extensions);
  destination->extensions = g_strv_builder_end (builder);
  return TRUE;

bad:
  g_set_error (error, MG_API_ERROR, MG_API_ERROR_INVALID,
               _("extensions: must be a list of extension numbers"));
  return FALSE;
}

/* Overlays @body on @destination (a fresh one for POST/PUT, the stored one
 * for PATCH). The key in a path cannot be changed by the body. */
static gboolean
apply_body (JsonObject *body, MgDestination *destination, const char *path_key, GError **error)
{
  static const char *const known[] = { "key", "label", "pilot", "extensions", NULL };
  g_autofree char *key = NULL;
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  json_object_iter_init (&iter, body);
  while (json_object_iter_next (&iter, &name, &node))
    if (!g_strv_contains (known, name))
      {
        g_set_error (error, MG_API_ERROR, MG_API_ERROR_INVALID,
                     _("%s: unknown key; the keys are key, label, pilot, extensions"), name);
        return FALSE;
      }
  if (!take_string (body, "key", &key, error) || !take_string (body, "label", &destination->label, error)
      || !take_string (body, "pilot", &destination->pilot, error)
      || !take_extensions (body, destination, error))
    return FALSE;
  if (path_key != NULL && key != NULL && !g_str_equal (key, path_key))
    {
      g_set_error (error, MG_API_ERROR, MG_API_ERROR_INVALID,
                   _("key: a destination's key cannot change (delete it and create another)"));
      return FALSE;
    }
  if (path_key == NULL)
    {
      g_free (destination->key);
      destination->key = g_steal_pointer (&key);
    }
  return TRUE;
}

static void
handle_list (MgApiRequest *req, gpointer user_data)
{
  MgAdminApi *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = mg_store_list_destinations (mg_admin_api_get_store (self), &error);

  if (list == NULL)
    mg_api_request_reply_gerror (req, error);
  else
    mg_api_request_reply_list (req, "destinations", list, (MgApiToJson) destination_to_json);
}

static void
reply_destination (MgApiRequest *req, MgAdminApi *self, const char *key, guint status)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MgDestination) destination = mg_store_get_destination (mg_admin_api_get_store (self),
                                                                    key, &error);
  g_autoptr (JsonObject) object = NULL;

  if (destination == NULL)
    {
      mg_api_request_reply_gerror (req, error);
      return;
    }
  object = destination_to_json (destination);
  mg_api_request_reply_object (req, status, object);
}

/* POST (create), PUT (replace: missing fields are empty) and PATCH (merge). */
static void
handle_write (MgApiRequest *req, MgAdminApi *self, gboolean create, gboolean merge)
{
  MgStore *store = mg_admin_api_get_store (self);
  const char *path_key = mg_api_request_get_param (req, "key");
  g_autoptr (GError) error = NULL;
  g_autoptr (MgDestination) destination = NULL;
  JsonObject *body;

  body = mg_api_request_get_object (req, &error);
  if (body == NULL)
    {
      mg_api_request_reply_gerror (req, error);
      return;
    }
  if (merge)
    destination = mg_store_get_destination (store, path_key, &error);
  else
    destination = mg_destination_new ();
  if (destination != NULL && path_key != NULL && destination->key == NULL)
    destination->key = g_strdup (path_key);
  if (destination == NULL || !apply_body (body, destination, path_key, &error)
      || !mg_store_save_destination (store, destination, create, &error))
    {
      mg_api_request_reply_gerror (req, error);
      return;
    }
  g_info ("admin '%s' %s the destination %s", req->principal, create ? "added" : "changed",
          destination->key);
  reply_destination (req, self, destination->key, create ? 201 : 200);
}

static void
handle_create (MgApiRequest *req, gpointer user_data)
{
  handle_write (req, user_data, TRUE, FALSE);
}

static void
handle_put (MgApiRequest *req, gpointer user_data)
{
  handle_write (req, user_data, FALSE, FALSE);
}

static void
handle_patch (MgApiRequest *req, gpointer user_data)
{
  handle_write (req, user_data, FALSE, TRUE);
}

static void
handle_get (MgApiRequest *req, gpointer user_data)
{
  reply_destination (req, user_data, mg_api_request_get_param (req, "key"), 200);
}

static void
handle_delete (MgApiRequest *req, gpointer user_data)
{
  MgAdminApi *self = user_data;
  const char *key = mg_api_request_get_param (req, "key");
  g_autoptr (GError) error = NULL;

  if (!mg_store_delete_destination (mg_admin_api_get_store (self), key, &error))
    {
      mg_api_request_reply_gerror (req, error);
      return;
    }
  g_info ("admin '%s' deleted the destination %s", req->principal, key);
  mg_api_request_reply_empty (req, 204);
}

void
mg_admin_api_add_destination_routes (MgAdminApi *self, MgRouter *router)
{
  mg_router_add (router, "GET", "/cms/api/v1/destinations", MG_ROUTE_AUTH, handle_list, self);
  mg_router_add (router, "POST", "/cms/api/v1/destinations", MG_ROUTE_AUTH, handle_create, self);
  mg_router_add (router, "GET", "/cms/api/v1/destinations/{key}", MG_ROUTE_AUTH, handle_get, self);
  mg_router_add (router, "PUT", "/cms/api/v1/destinations/{key}", MG_ROUTE_AUTH, handle_put, self);
  mg_router_add (router, "PATCH", "/cms/api/v1/destinations/{key}", MG_ROUTE_AUTH, handle_patch,
                 self);
  mg_router_add (router, "DELETE", "/cms/api/v1/destinations/{key}", MG_ROUTE_AUTH, handle_delete,
                 self);
}
