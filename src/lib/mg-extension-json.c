/* mg-extension-json.c: extensions in and out of JSON, and the export document
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-extensions"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>

#include "mg-extension-json-private.h"

void
mg_digest_input_clear (MgDigestInput *digest)
{
  g_clear_pointer (&digest->username, g_free);
  if (digest->password != NULL)
    memset (digest->password, 0, strlen (digest->password));
  g_clear_pointer (&digest->password, g_free);
  g_clear_pointer (&digest->realm, g_free);
  digest->increment = FALSE;
}

/* The admin view of an extension; with @with_secrets (the export only) the
 * digest password too. */
JsonObject *
mg_extension_to_json (MgExtension *extension, gboolean with_secrets)
{
  JsonObject *object = json_object_new ();
  const char *username = mg_extension_get_auth_username (extension);

  json_object_set_string_member (object, "number", mg_extension_get_number (extension));
  json_object_set_string_member (object, "display_name",
                                 mg_extension_get_display_name (extension));
  json_object_set_boolean_member (object, "enabled", mg_extension_get_enabled (extension));
  if (username != NULL)
    {
      JsonObject *digest = json_object_new ();

      json_object_set_string_member (digest, "username", username);
      json_object_set_string_member (digest, "realm", mg_extension_get_auth_realm (extension));
      if (with_secrets)
        json_object_set_string_member (digest, "password",
                                       mg_extension_get_auth_password (extension));
      else
        json_object_set_boolean_member (digest, "password_set",
                                        mg_extension_get_password_set (extension));
      json_object_set_object_member (object, "digest", digest);
    }
  else
    json_object_set_null_member (object, "digest");
  if (!with_secrets)
    {
      json_object_set_int_member (object, "created", mg_extension_get_created (extension));
      json_object_set_int_member (object, "updated", mg_extension_get_updated (extension));
    }
  return object;
}

JsonObject *
mg_extension_range_to_json (MgExtensionRange *range)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "from", mg_extension_range_get_from (range));
  json_object_set_string_member (object, "to", mg_extension_range_get_to (range));
  return object;
}

/* -- reading request bodies -------------------------------------------------- */

/* Refuses members not in @allowed, so that a typo is not silently ignored. */
gboolean
mg_json_check_members (JsonObject *object, const char *const *allowed, const char *what,
                       GError **error)
{
  g_autoptr (GList) members = json_object_get_members (object);

  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (allowed, l->data))
      {
        g_autofree char *list = g_strjoinv ("”, “", (char **) allowed);

        g_set_error (error, MG_EXTENSION_ERROR, MG_EXTENSION_ERROR_FIELD,
                     _("unknown member “%s” in %s (known: “%s”)"), (const char *) l->data, what,
                     list);
        return FALSE;
      }
  return TRUE;
}

/* @value is left alone when @member is absent; JSON null gives NULL when @nullable. */
gboolean
mg_json_get_string (JsonObject *object, const char *member, gboolean nullable, const char **value,
                    GError **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    return TRUE;
  if (nullable && JSON_NODE_HOLDS_NULL (node))
    {
      *value = NULL;
      return TRUE;
    }
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      *value = json_node_get_string (node);
      return TRUE;
    }
  g_set_error (error, MG_EXTENSION_ERROR, MG_EXTENSION_ERROR_FIELD,
               nullable ? _("“%s” must be a string or null") : _("“%s” must be a string"),
               member);
  return FALSE;
}

gboolean
mg_json_get_bool (JsonObject *object, const char *member, gboolean *value, GError **error)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL)
    return TRUE;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    {
      *value = json_node_get_boolean (node);
      return TRUE;
    }
  g_set_error (error, MG_EXTENSION_ERROR, MG_EXTENSION_ERROR_FIELD,
               _("“%s” must be true or false"), member);
  return FALSE;
}

/* {"username","password","realm"[,"increment"]}: username and password required. */
gboolean
mg_digest_input_parse (JsonNode *node, gboolean allow_increment, MgDigestInput *digest,
                       GError **error)
{
  static const char *const with_increment[] = { "username", "password", "realm", "increment",
                                                 NULL };
  static const char *const without_increment[] = { "username", "password", "realm", NULL };
  JsonObject *object;
  const char *username = NULL, *password = NULL, *realm = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, MG_EXTENSION_ERROR, MG_EXTENSION_ERROR_FIELD,
                   _("“digest” must be an object with “username” and “password”, or null"));
      return FALSE;
    }
  object = json_node_get_object (node);
  if (!mg_json_check_members (object, allow_increment ? with_increment : without_increment,
                              "“digest”", error)
      || !mg_json_get_string (object, "username", FALSE, &username, error)
      || !mg_json_get_string (object, "password", FALSE, &password, error)
      || !mg_json_get_string (object, "realm", TRUE, &realm, error)
      || !mg_json_get_bool (object, "increment", &digest->increment, error))
    return FALSE;
  if (realm != NULL && *realm == '\0')
    realm = NULL;
  if (!mg_extension_check_credentials (username, password, realm, error))
    return FALSE;
  digest->username = g_strdup (username);
  digest->password = g_strdup (password);
  digest->realm = g_strdup (realm);
  return TRUE;
}

/* PATCH: display_name, enabled, digest (an object, or null to remove). A
 * digest object may leave out the password to keep the stored one. */
gboolean
mg_extension_apply_patch (MgExtension *extension, JsonObject *patch, GError **error)
{
  static const char *const allowed[] = { "display_name", "enabled", "digest", NULL };
  const char *display_name = mg_extension_get_display_name (extension);
  gboolean enabled = mg_extension_get_enabled (extension);
  g_autofree char *name_copy = NULL;
  JsonNode *digest_node = json_object_get_member (patch, "digest");

  if (!mg_json_check_members (patch, allowed, _("the extension"), error)
      || !mg_json_get_string (patch, "display_name", FALSE, &display_name, error)
      || !mg_json_get_bool (patch, "enabled", &enabled, error)
      || !mg_extension_check_display_name (display_name, error))
    return FALSE;

  if (digest_node != NULL && JSON_NODE_HOLDS_OBJECT (digest_node)
      && !json_object_has_member (json_node_get_object (digest_node), "password")
      && mg_extension_get_password_set (extension))
    {
      /* keep the stored password: parse a copy that carries it */
      g_autoptr (JsonObject) copy = json_object_new ();
      g_autoptr (JsonNode) copy_node = json_node_new (JSON_NODE_OBJECT);
      g_autoptr (GList) members = json_object_get_members (json_node_get_object (digest_node));
      g_auto (MgDigestInput) digest = { 0 };

      for (GList *l = members; l; l = l->next)
        json_object_set_member (copy, l->data,
                                json_node_copy (json_object_get_member (
                                  json_node_get_object (digest_node), l->data)));
      json_object_set_string_member (copy, "password", mg_extension_get_auth_password (extension));
      json_node_set_object (copy_node, copy);
      if (!mg_digest_input_parse (copy_node, FALSE, &digest, error))
        return FALSE;
      mg_extension_set_digest (extension, digest.username, digest.password, digest.realm);
    }
  else if (digest_node != NULL && JSON_NODE_HOLDS_NULL (digest_node))
    mg_extension_set_digest (extension, NULL, NULL, NULL);
  else if (digest_node != NULL)
    {
      g_auto (MgDigestInput) digest = { 0 };

      if (!mg_digest_input_parse (digest_node, FALSE, &digest, error))
        return FALSE;
      mg_extension_set_digest (extension, digest.username, digest.password, digest.realm);
    }

  name_copy = g_strdup (display_name);
  mg_extension_set_display_name (extension, name_copy);
  mg_extension_set_enabled (extension, enabled);
  return TRUE;
}

/* -- the export document ------------------------------------------------------ */

JsonNode *
mg_extensions_document_build (GPtrArray *extensions, GPtrArray *ranges, gint64 now)
{
  g_autoptr (JsonObject) root = json_object_new ();
  g_autoptr (GDateTime) when = g_date_time_new_from_unix_utc (now);
  g_autofree char *stamp = g_date_time_format_iso8601 (when);
  JsonArray *items = json_array_sized_new (extensions->len);
  JsonArray *range_items = json_array_new ();
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);

  json_object_set_string_member (root, "format", MG_EXTENSIONS_FORMAT);
  json_object_set_int_member (root, "version", MG_EXTENSIONS_FORMAT_VERSION);
  json_object_set_string_member (root, "exported_at", stamp);
  json_object_set_boolean_member (root, "contains_secrets", TRUE);
  for (guint i = 0; ranges != NULL && i < ranges->len; i++)
    json_array_add_object_element (range_items,
                                   mg_extension_range_to_json (g_ptr_array_index (ranges, i)));
  json_object_set_array_member (root, "ranges", range_items);
  for (guint i = 0; i < extensions->len; i++)
    json_array_add_object_element (items,
                                   mg_extension_to_json (g_ptr_array_index (extensions, i), TRUE));
  json_object_set_array_member (root, "extensions", items);
  json_node_set_object (node, root);
  return node;
}

static MgExtension *
parse_row (JsonNode *node, char **number_out, GError **error)
{
  static const char *const allowed[] = { "number", "display_name", "enabled", "digest", NULL };
  JsonObject *row;
  const char *number = NULL, *display_name = "";
  gboolean enabled = TRUE;
  JsonNode *digest_node;
  g_autofree char *normal = NULL;
  g_autoptr (MgExtension) extension = NULL;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, MG_EXTENSION_ERROR, MG_EXTENSION_ERROR_FIELD,
                   _("an extension must be a JSON object"));
      return NULL;
    }
  row = json_node_get_object (node);
  if (mg_json_get_string (row, "number", FALSE, &number, NULL) && number != NULL)
    *number_out = g_strdup (number);
  if (!mg_json_check_members (row, allowed, _("an extension"), error)
      || !mg_json_get_string (row, "number", FALSE, &number, error)
      || (normal = mg_extension_number_normalize (number, error)) == NULL
      || !mg_json_get_string (row, "display_name", FALSE, &display_name, error)
      || !mg_extension_check_display_name (display_name, error)
      || !mg_json_get_bool (row, "enabled", &enabled, error))
    return NULL;

  extension = mg_extension_new (normal);
  mg_extension_set_display_name (extension, display_name);
  mg_extension_set_enabled (extension, enabled);
  digest_node = json_object_get_member (row, "digest");
  if (digest_node != NULL && !JSON_NODE_HOLDS_NULL (digest_node))
    {
      g_auto (MgDigestInput) digest = { 0 };

      if (!mg_digest_input_parse (digest_node, FALSE, &digest, error))
        return NULL;
      mg_extension_set_digest (extension, digest.username, digest.password, digest.realm);
    }
  return g_steal_pointer (&extension);
}

static gboolean
parse_header (JsonObject *document, JsonArray **rows, JsonArray **range_rows, GError **error)
{
  const char *format = NULL;
  JsonNode *version = json_object_get_member (document, "version");
  JsonNode *node;

  if (!mg_json_get_string (document, "format", FALSE, &format, error)
      || g_strcmp0 (format, MG_EXTENSIONS_FORMAT) != 0)
    {
      g_clear_error (error);
      g_set_error (error, MG_EXTENSION_ERROR, MG_EXTENSION_ERROR_FIELD,
                   _("not an extensions export: “format” must be “%s”"), MG_EXTENSIONS_FORMAT);
      return FALSE;
    }
  if (version == NULL || !JSON_NODE_HOLDS_VALUE (version)
      || json_node_get_value_type (version) != G_TYPE_INT64
      || json_node_get_int (version) != MG_EXTENSIONS_FORMAT_VERSION)
    {
      g_set_error (error, MG_EXTENSION_ERROR, MG_EXTENSION_ERROR_FIELD,
                   _("unsupported export “version”: this Mediagate reads version %d"),
                   MG_EXTENSIONS_FORMAT_VERSION);
      return FALSE;
    }
  node = json_object_get_member (document, "extensions");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, MG_EXTENSION_ERROR, MG_EXTENSION_ERROR_FIELD,
                   _("“extensions” must be an array"));
      return FALSE;
    }
  *rows = json_node_get_array (node);
  if (json_array_get_length (*rows) > MG_EXTENSIONS_IMPORT_MAX)
    {
      g_set_error (error, MG_EXTENSION_ERROR, MG_EXTENSION_ERROR_FIELD,
                   _("an import holds at most %d extensions"), MG_EXTENSIONS_IMPORT_MAX);
      return FALSE;
    }
  node = json_object_get_member (document, "ranges");
  *range_rows = NULL;
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      if (!JSON_NODE_HOLDS_ARRAY (node))
        {
          g_set_error (error, MG_EXTENSION_ERROR, MG_EXTENSION_ERROR_FIELD,
                       _("“ranges” must be an array"));
          return FALSE;
        }
      *range_rows = json_node_get_array (node);
    }
  return TRUE;
}

static GPtrArray *
parse_ranges (JsonArray *range_rows, GError **error)
{
  static const char *const allowed[] = { "from", "to", NULL };
  g_autoptr (GPtrArray) ranges = g_ptr_array_new_with_free_func (
    (GDestroyNotify) mg_extension_range_unref);

  for (guint i = 0; range_rows != NULL && i < json_array_get_length (range_rows); i++)
    {
      JsonNode *node = json_array_get_element (range_rows, i);
      const char *from = NULL, *to = NULL;
      MgExtensionRange *range = NULL;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        g_set_error (error, MG_EXTENSION_ERROR, MG_EXTENSION_ERROR_FIELD,
                     _("a range must be an object with “from” and “to”"));
      else if (mg_json_check_members (json_node_get_object (node), allowed, _("a range"), error)
               && mg_json_get_string (json_node_get_object (node), "from", FALSE, &from, error)
               && mg_json_get_string (json_node_get_object (node), "to", FALSE, &to, error))
        range = mg_extension_range_new (from, to, error);
      if (range == NULL)
        {
          g_prefix_error (error, _("ranges[%u]: "), i);
          return NULL;
        }
      g_ptr_array_add (ranges, range);
    }
  return g_steal_pointer (&ranges);
}

/* Checks the whole export document before anything is applied. On a bad
 * extension, @bad_row is its index and @bad_number its number (if it has
 * one); @error says what is wrong. */
gboolean
mg_extensions_document_parse (JsonObject *document, GPtrArray **extensions, GPtrArray **ranges,
                              gint *bad_row, char **bad_number, GError **error)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  JsonArray *rows = NULL, *range_rows = NULL;

  *bad_row = -1;
  if (!parse_header (document, &rows, &range_rows, error)
      || (*ranges = parse_ranges (range_rows, error)) == NULL)
    return FALSE;

  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      g_autofree char *number = NULL;
      MgExtension *extension = parse_row (json_array_get_element (rows, i), &number, error);

      if (extension != NULL
          && !g_hash_table_add (seen, g_strdup (mg_extension_get_number (extension))))
        {
          g_set_error (error, MG_EXTENSION_ERROR, MG_EXTENSION_ERROR_FIELD,
                       _("the number appears twice in the document"));
          g_clear_object (&extension);
        }
      if (extension == NULL)
        {
          *bad_row = (gint) i;
          *bad_number = g_steal_pointer (&number);
          g_prefix_error (error, _("extensions[%u] (number %s): "), i,
                          *bad_number ? *bad_number : _("missing"));
          g_clear_pointer (ranges, g_ptr_array_unref);
          return FALSE;
        }
      g_ptr_array_add (items, extension);
    }
  *extensions = g_steal_pointer (&items);
  return TRUE;
}
