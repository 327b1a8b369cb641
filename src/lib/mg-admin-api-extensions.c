/* mg-admin-api-extensions.c: /cms/api/v1/extensions, its export and import
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-admin"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>

#include "mg-admin-api-private.h"
#include "mg-extension-json-private.h"

#define PAGE_DEFAULT 100
#define PAGE_MAX 1000

static gboolean
parse_count (MgApiRequest *req, const char *name, guint fallback, guint max, guint *value)
{
  const char *text = mg_api_request_get_query (req, name);
  guint64 parsed = 0;

  if (text == NULL)
    {
      *value = fallback;
      return TRUE;
    }
  if (!g_ascii_string_to_unsigned (text, 10, 0, max, &parsed, NULL))
    {
      mg_api_request_reply_error (req, 400, "invalid_request",
                                  _("“%s” must be a whole number from 0 to %u"), name, max);
      return FALSE;
    }
  *value = (guint) parsed;
  return TRUE;
}

/* When the search is a number: does it exist, and which range holds it. */
static void
describe_number (MgStore *store, const char *number, JsonObject *reply)
{
  g_autoptr (MgExtension) extension = mg_store_get_extension (store, number, NULL);
  g_autoptr (MgExtensionRange) range = mg_store_find_extension_range (store, number);

  json_object_set_boolean_member (reply, "exists", extension != NULL);
  if (range != NULL)
    json_object_set_object_member (reply, "in_range", mg_extension_range_to_json (range));
  else
    json_object_set_null_member (reply, "in_range");
}

static void
handle_list (MgApiRequest *req, gpointer user_data)
{
  MgStore *store = mg_admin_api_get_store (user_data);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (JsonObject) reply = NULL;
  g_autofree char *search = g_strdup (mg_api_request_get_query (req, "search"));
  guint offset, limit, total = 0;
  JsonArray *array;

  if (!parse_count (req, "offset", 0, G_MAXINT, &offset)
      || !parse_count (req, "limit", PAGE_DEFAULT, PAGE_MAX, &limit))
    return;
  if (search != NULL)
    g_strstrip (search);
  items = mg_store_list_extensions (store, search, offset, limit, &total, &error);
  if (items == NULL)
    {
      mg_api_request_reply_gerror (req, error);
      return;
    }

  reply = json_object_new ();
  json_object_set_int_member (reply, "total", total);
  json_object_set_int_member (reply, "offset", offset);
  json_object_set_int_member (reply, "limit", limit);
  if (search != NULL && *search != '\0')
    json_object_set_string_member (reply, "search", search);
  if (mg_extension_number_is_valid (search))
    describe_number (store, search, reply);
  array = json_array_sized_new (items->len);
  for (guint i = 0; i < items->len; i++)
    json_array_add_object_element (array, mg_extension_to_json (g_ptr_array_index (items, i),
                                                                FALSE));
  json_object_set_array_member (reply, "items", array);
  mg_api_request_reply_object (req, 200, reply);
}

/* The body of "add a range" as a range and a template extension. */
static gboolean
parse_add_body (JsonObject *body, MgExtensionRange **range, MgExtension **template_,
                gboolean *increment, GError **error)
{
  static const char *const allowed[] = { "from", "to", "display_name", "enabled", "digest", NULL };
  const char *from = NULL, *to = NULL, *display_name = "";
  gboolean enabled = TRUE;
  JsonNode *digest_node = json_object_get_member (body, "digest");
  g_auto (MgDigestInput) digest = { 0 };

  if (!mg_json_check_members (body, allowed, _("the range"), error)
      || !mg_json_get_string (body, "from", FALSE, &from, error)
      || !mg_json_get_string (body, "to", TRUE, &to, error)
      || !mg_json_get_string (body, "display_name", FALSE, &display_name, error)
      || !mg_extension_check_display_name (display_name, error)
      || !mg_json_get_bool (body, "enabled", &enabled, error))
    return FALSE;
  if (digest_node != NULL && !JSON_NODE_HOLDS_NULL (digest_node)
      && !mg_digest_input_parse (digest_node, TRUE, &digest, error))
    return FALSE;
  *range = mg_extension_range_new (from, to ? to : from, error);
  if (*range == NULL)
    return FALSE;

  *template_ = mg_extension_new (mg_extension_range_get_from (*range));
  mg_extension_set_display_name (*template_, display_name);
  mg_extension_set_enabled (*template_, enabled);
  if (digest.username != NULL)
    mg_extension_set_digest (*template_, digest.username, digest.password, digest.realm);
  *increment = digest.increment;
  /* with increment, both must be countable: say so before touching the store */
  if (digest.increment && digest.username != NULL)
    {
      g_autofree char *u = mg_extension_credential_increment (digest.username, 0, error);
      g_autofree char *p = u ? mg_extension_credential_increment (digest.password, 0, error) : NULL;

      if (p == NULL)
        return FALSE;
    }
  return TRUE;
}

static void
handle_add (MgApiRequest *req, gpointer user_data)
{
  MgStore *store = mg_admin_api_get_store (user_data);
  g_autoptr (GError) error = NULL;
  g_autoptr (MgExtensionRange) range = NULL;
  g_autoptr (MgExtension) template_ = NULL;
  g_autoptr (JsonObject) reply = NULL;
  JsonObject *body = mg_api_request_get_object (req, &error);
  gboolean increment = FALSE;
  guint created;

  if (body == NULL || !parse_add_body (body, &range, &template_, &increment, &error))
    {
      mg_api_request_reply_gerror (req, error);
      return;
    }
  created = mg_store_add_extension_range (store, range, template_, increment, &error);
  if (created == 0)
    {
      mg_api_request_reply_gerror (req, error);
      return;
    }
  reply = json_object_new ();
  json_object_set_int_member (reply, "created", created);
  json_object_set_object_member (reply, "range", mg_extension_range_to_json (range));
  mg_api_request_reply_object (req, 201, reply);
}

static void
reply_extension (MgApiRequest *req, MgExtension *extension)
{
  g_autoptr (JsonObject) object = mg_extension_to_json (extension, FALSE);

  mg_api_request_reply_object (req, 200, object);
}

/* The {number} of the path, checked; replies 400 and returns NULL if bad. */
static char *
path_number (MgApiRequest *req)
{
  g_autoptr (GError) error = NULL;
  char *number = mg_extension_number_normalize (mg_api_request_get_param (req, "number"), &error);

  if (number == NULL)
    mg_api_request_reply_gerror (req, error);
  return number;
}

static void
handle_get (MgApiRequest *req, gpointer user_data)
{
  MgStore *store = mg_admin_api_get_store (user_data);
  g_autoptr (GError) error = NULL;
  g_autoptr (MgExtension) extension = NULL;
  g_autofree char *number = path_number (req);

  if (number == NULL)
    return;
  extension = mg_store_get_extension (store, number, &error);
  if (extension == NULL)
    {
      mg_api_request_reply_gerror (req, error);
      return;
    }
  reply_extension (req, extension);
}

static void
handle_patch (MgApiRequest *req, gpointer user_data)
{
  MgStore *store = mg_admin_api_get_store (user_data);
  g_autoptr (GError) error = NULL;
  g_autoptr (MgExtension) extension = NULL;
  g_autofree char *number = path_number (req);
  JsonObject *body;

  if (number == NULL)
    return;
  body = mg_api_request_get_object (req, &error);
  if (body == NULL || (extension = mg_store_get_extension (store, number, &error)) == NULL
      || !mg_extension_apply_patch (extension, body, &error)
      || !mg_store_update_extension (store, extension, &error))
    {
      mg_api_request_reply_gerror (req, error);
      return;
    }
  g_clear_object (&extension);
  extension = mg_store_get_extension (store, number, &error);
  if (extension == NULL)
    {
      mg_api_request_reply_gerror (req, error);
      return;
    }
  reply_extension (req, extension);
}

static void
handle_delete (MgApiRequest *req, gpointer user_data)
{
  MgStore *store = mg_admin_api_get_store (user_data);
  g_autoptr (GError) error = NULL;
  g_autofree char *number = path_number (req);

  if (number == NULL)
    return;
  if (!mg_store_delete_extension (store, number, &error))
    {
      mg_api_request_reply_gerror (req, error);
      return;
    }
  g_info ("admin '%s' deleted extension %s", req->principal, number);
  mg_api_request_reply_empty (req, 204);
}

static void
handle_delete_all (MgApiRequest *req, gpointer user_data)
{
  MgStore *store = mg_admin_api_get_store (user_data);
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) reply = NULL;
  guint deleted = 0;

  if (g_strcmp0 (mg_api_request_get_query (req, "confirm"), "true") != 0)
    {
      mg_api_request_reply_error (req, 400, "confirmation_required",
                                  _("deleting every extension needs ?confirm=true"));
      return;
    }
  if (!mg_store_delete_all_extensions (store, &deleted, &error))
    {
      mg_api_request_reply_gerror (req, error);
      return;
    }
  g_info ("admin '%s' deleted all %u extensions", req->principal, deleted);
  reply = json_object_new ();
  json_object_set_int_member (reply, "deleted", deleted);
  mg_api_request_reply_object (req, 200, reply);
}

static void
handle_export (MgApiRequest *req, gpointer user_data)
{
  MgStore *store = mg_admin_api_get_store (user_data);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) ranges = NULL;
  g_autoptr (GPtrArray) items = mg_store_export_extensions (store, &ranges, &error);
  g_autoptr (JsonNode) document = NULL;

  if (items == NULL)
    {
      mg_api_request_reply_gerror (req, error);
      return;
    }
  document = mg_extensions_document_build (items, ranges, g_get_real_time () / G_USEC_PER_SEC);
  mg_api_request_reply_json (req, 200, document);
  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg),
                                "Content-Disposition",
                                "attachment; filename=\"mediagate-extensions.json\"");
  /* the export carries digest passwords: who took it belongs in the log */
  g_info ("admin '%s' exported %u extensions (with secrets) from %s", req->principal, items->len,
          req->remote_ip);
}

static void
reply_bad_row (MgApiRequest *req, const GError *error, gint row, const char *number)
{
  g_autoptr (JsonObject) root = json_object_new ();
  JsonObject *detail = json_object_new ();

  json_object_set_string_member (detail, "code", "invalid_row");
  json_object_set_string_member (detail, "message", error->message);
  json_object_set_int_member (detail, "row", row);
  if (number != NULL)
    json_object_set_string_member (detail, "number", number);
  else
    json_object_set_null_member (detail, "number");
  json_object_set_object_member (root, "error", detail);
  mg_api_request_reply_object (req, 400, root);
}

static gboolean
parse_mode (MgApiRequest *req, MgStoreImportMode *mode)
{
  const char *text = mg_api_request_get_query (req, "mode");

  if (text == NULL || g_str_equal (text, "merge"))
    *mode = MG_STORE_IMPORT_MERGE;
  else if (g_str_equal (text, "replace"))
    *mode = MG_STORE_IMPORT_REPLACE;
  else
    {
      mg_api_request_reply_error (req, 400, "invalid_request",
                                  _("“mode” is “merge” or “replace”"));
      return FALSE;
    }
  return TRUE;
}

static void
handle_import (MgApiRequest *req, gpointer user_data)
{
  MgStore *store = mg_admin_api_get_store (user_data);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GPtrArray) ranges = NULL;
  g_autoptr (JsonObject) reply = NULL;
  g_autofree char *bad_number = NULL;
  MgStoreImportMode mode;
  guint created = 0, updated = 0, deleted = 0;
  gint bad_row = -1;
  JsonObject *body;

  if (!parse_mode (req, &mode))
    return;
  body = mg_api_request_get_object (req, &error);
  if (body == NULL
      || !mg_extensions_document_parse (body, &items, &ranges, &bad_row, &bad_number, &error))
    {
      if (bad_row >= 0)
        reply_bad_row (req, error, bad_row, bad_number);
      else
        mg_api_request_reply_gerror (req, error);
      return;
    }
  if (!mg_store_import_extensions (store, items, ranges, mode, &created, &updated, &deleted,
                                   &error))
    {
      mg_api_request_reply_gerror (req, error);
      return;
    }
  g_info ("admin '%s' imported extensions (%s): %u created, %u updated, %u deleted",
          req->principal, mode == MG_STORE_IMPORT_REPLACE ? "replace" : "merge", created,
          updated, deleted);
  reply = json_object_new ();
  json_object_set_string_member (reply, "mode", mode == MG_STORE_IMPORT_REPLACE ? "replace"
                                                                                : "merge");
  json_object_set_int_member (reply, "created", created);
  json_object_set_int_member (reply, "updated", updated);
  json_object_set_int_member (reply, "deleted", deleted);
  mg_api_request_reply_object (req, 200, reply);
}

void
mg_admin_api_add_extension_routes (MgAdminApi *self, MgRouter *router)
{
  /* first match wins: the fixed paths before /extensions/{number} */
  mg_router_add (router, "GET", "/cms/api/v1/extensions/export", MG_ROUTE_AUTH, handle_export,
                 self);
  mg_router_add (router, "POST", "/cms/api/v1/extensions/import", MG_ROUTE_AUTH, handle_import,
                 self);
  mg_router_add (router, "GET", "/cms/api/v1/extensions", MG_ROUTE_AUTH, handle_list, self);
  mg_router_add (router, "POST", "/cms/api/v1/extensions", MG_ROUTE_AUTH, handle_add, self);
  mg_router_add (router, "DELETE", "/cms/api/v1/extensions", MG_ROUTE_AUTH, handle_delete_all,
                 self);
  mg_router_add (router, "GET", "/cms/api/v1/extensions/{number}", MG_ROUTE_AUTH, handle_get,
                 self);
  mg_router_add (router, "PATCH", "/cms/api/v1/extensions/{number}", MG_ROUTE_AUTH, handle_patch,
                 self);
  mg_router_add (router, "DELETE", "/cms/api/v1/extensions/{number}", MG_ROUTE_AUTH,
                 handle_delete, self);
}
