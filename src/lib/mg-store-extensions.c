/* mg-store-extensions.c: extensions and extension ranges in the store
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-store"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>

#include "mg-store-private.h"

#define EXTENSION_COLUMNS \
  "number, display_name, enabled, auth_username, auth_password, auth_realm, created, updated"

/* Short numbers first, then E.164; within a form shorter first, so that text
 * order is number order. */
#define EXTENSION_ORDER " ORDER BY number LIKE '+%', length (number), number"

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static const char *
column_text (sqlite3_stmt *stmt, int column)
{
  return (const char *) sqlite3_column_text (stmt, column);
}

static MgExtension *
extension_from_row (sqlite3_stmt *stmt)
{
  MgExtension *extension = mg_extension_new (column_text (stmt, 0));

  mg_extension_set_display_name (extension, column_text (stmt, 1));
  mg_extension_set_enabled (extension, sqlite3_column_int (stmt, 2));
  if (column_text (stmt, 3) != NULL)
    mg_extension_set_digest (extension, column_text (stmt, 3), column_text (stmt, 4),
                             column_text (stmt, 5));
  mg_extension_set_times (extension, sqlite3_column_int64 (stmt, 6), sqlite3_column_int64 (stmt, 7));
  return extension;
}

static gboolean
check_extension (MgExtension *extension, GError **error)
{
  const char *username = mg_extension_get_auth_username (extension);

  if (!mg_extension_check_display_name (mg_extension_get_display_name (extension), error))
    return FALSE;
  return username == NULL
         || mg_extension_check_credentials (username, mg_extension_get_auth_password (extension),
                                            mg_extension_get_auth_realm (extension), error);
}

/* Binds display name .. updated as parameters 2..8 (1 is the number). */
static void
bind_extension (sqlite3_stmt *stmt, MgExtension *extension, gint64 created, gint64 updated)
{
  mg_store_bind_text (stmt, 1, mg_extension_get_number (extension));
  mg_store_bind_text (stmt, 2, mg_extension_get_display_name (extension));
  sqlite3_bind_int (stmt, 3, mg_extension_get_enabled (extension));
  mg_store_bind_text (stmt, 4, mg_extension_get_auth_username (extension));
  mg_store_bind_text (stmt, 5, mg_extension_get_auth_password (extension));
  mg_store_bind_text (stmt, 6, mg_extension_get_auth_realm (extension));
  sqlite3_bind_int64 (stmt, 7, created);
  sqlite3_bind_int64 (stmt, 8, updated);
}

static GPtrArray *
load_ranges (MgStore *self, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) ranges = g_ptr_array_new_with_free_func (
    (GDestroyNotify) mg_extension_range_unref);
  int rc;

  stmt = mg_store_prepare (self, "SELECT first, last FROM extension_ranges ORDER BY id", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      MgExtensionRange *range = mg_extension_range_new (column_text (stmt, 0),
                                                        column_text (stmt, 1), NULL);

      /* rows were checked when written; skip rather than fail on a hand-edited one */
      if (range != NULL)
        g_ptr_array_add (ranges, range);
    }
  if (rc != SQLITE_DONE)
    {
      mg_store_set_error (self, error);
      return NULL;
    }
  return g_steal_pointer (&ranges);
}

/* The first stored extension inside @range, or NULL. */
static char *
first_clash (MgStore *self, MgExtensionRange *range, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  const char *from = mg_extension_range_get_from (range);

  stmt = mg_store_prepare (self,
                           "SELECT number FROM extensions WHERE (number LIKE '+%') = ? "
                           "AND length (number) = ? AND number BETWEEN ? AND ? "
                           "ORDER BY number LIMIT 1",
                           error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int (stmt, 1, mg_extension_number_is_e164 (from));
  sqlite3_bind_int (stmt, 2, (int) strlen (from));
  mg_store_bind_text (stmt, 3, from);
  mg_store_bind_text (stmt, 4, mg_extension_range_get_to (range));
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return g_strdup (column_text (stmt, 0));
}

/* Records @range unless a stored range holds it already; sets @range_id to
 * the range that holds it. */
static gboolean
remember_range (MgStore *self, MgExtensionRange *range, gint64 *range_id, GError **error)
{
  g_autoptr (sqlite3_stmt) find = NULL;
  g_autoptr (sqlite3_stmt) insert = NULL;
  const char *from = mg_extension_range_get_from (range);

  find = mg_store_prepare (self,
                           "SELECT id FROM extension_ranges WHERE (first LIKE '+%') = ?1 "
                           "AND length (first) = ?2 AND first <= ?3 AND last >= ?4 "
                           "ORDER BY id LIMIT 1",
                           error);
  if (find == NULL)
    return FALSE;
  sqlite3_bind_int (find, 1, mg_extension_number_is_e164 (from));
  sqlite3_bind_int (find, 2, (int) strlen (from));
  mg_store_bind_text (find, 3, from);
  mg_store_bind_text (find, 4, mg_extension_range_get_to (range));
  if (sqlite3_step (find) == SQLITE_ROW)
    {
      *range_id = sqlite3_column_int64 (find, 0);
      return TRUE;
    }

  insert = mg_store_prepare (self,
                             "INSERT INTO extension_ranges (first, last, created) VALUES (?, ?, ?)",
                             error);
  if (insert == NULL)
    return FALSE;
  mg_store_bind_text (insert, 1, from);
  mg_store_bind_text (insert, 2, mg_extension_range_get_to (range));
  sqlite3_bind_int64 (insert, 3, now_seconds ());
  if (!mg_store_step_done (self, insert, error))
    return FALSE;
  *range_id = sqlite3_last_insert_rowid (mg_store_get_db (self));
  return TRUE;
}

/* The extension at @offset of a range added from @template_. */
static MgExtension *
extension_for_offset (MgExtensionRange *range, MgExtension *template_, gboolean increment,
                      guint offset, GError **error)
{
  g_autofree char *number = mg_extension_range_get_number (range, offset);
  g_autoptr (MgExtension) extension = mg_extension_new (number);
  g_autofree char *username = NULL;
  g_autofree char *password = NULL;

  if (template_ == NULL)
    return g_steal_pointer (&extension);
  mg_extension_set_display_name (extension, mg_extension_get_display_name (template_));
  mg_extension_set_enabled (extension, mg_extension_get_enabled (template_));
  if (mg_extension_get_auth_username (template_) == NULL)
    return g_steal_pointer (&extension);

  username = g_strdup (mg_extension_get_auth_username (template_));
  password = g_strdup (mg_extension_get_auth_password (template_));
  if (increment)
    {
      g_autofree char *u = mg_extension_credential_increment (username, offset, error);
      g_autofree char *p = u ? mg_extension_credential_increment (password, offset, error) : NULL;

      if (p == NULL)
        return NULL;
      g_free (username);
      username = g_steal_pointer (&u);
      g_free (password);
      password = g_steal_pointer (&p);
    }
  mg_extension_set_digest (extension, username, password, mg_extension_get_auth_realm (template_));
  if (!check_extension (extension, error))
    return NULL;
  return g_steal_pointer (&extension);
}

static gboolean
insert_range_rows (MgStore *self, MgExtensionRange *range, MgExtension *template_,
                   gboolean increment, gint64 range_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  gint64 now = now_seconds ();

  stmt = mg_store_prepare (self,
                           "INSERT INTO extensions (" EXTENSION_COLUMNS ", range_id) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                           error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < mg_extension_range_get_size (range); i++)
    {
      g_autoptr (MgExtension) extension = extension_for_offset (range, template_, increment, i,
                                                                error);

      if (extension == NULL)
        return FALSE;
      sqlite3_reset (stmt);
      bind_extension (stmt, extension, now, now);
      sqlite3_bind_int64 (stmt, 9, range_id);
      if (!mg_store_step_done (self, stmt, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * mg_store_add_extension_range:
 * @self: a store
 * @range: the numbers to add
 * @template_: (nullable): display name, enabled state and digest credentials
 *   for every new extension
 * @increment: count the trailing digits of the template's digest username and
 *   password up with each number (`u1000`, `u1001`, …)
 * @error: return location for a #GError
 *
 * Adds every number of @range, all or nothing, in one transaction. If any of
 * them exists already, nothing is added and the error
 * (%MG_STORE_ERROR_CONFLICT) names the first such number.
 *
 * Returns: how many extensions were added, or 0 with @error set
 */
guint
mg_store_add_extension_range (MgStore *self, MgExtensionRange *range, MgExtension *template_,
                              gboolean increment, GError **error)
{
  g_autofree char *clash = NULL;
  g_autoptr (GError) local = NULL;
  gint64 range_id = 0;

  g_return_val_if_fail (MG_IS_STORE (self), 0);
  g_return_val_if_fail (range != NULL, 0);

  /* credentials that cannot be counted up fail before anything is written */
  if (template_ != NULL && !check_extension (template_, error))
    return 0;
  if (!mg_store_begin (self, error))
    return 0;
  clash = first_clash (self, range, &local);
  if (clash != NULL || local != NULL)
    {
      mg_store_rollback (self);
      if (local != NULL)
        g_propagate_error (error, g_steal_pointer (&local));
      else
        g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_CONFLICT,
                     _("extension %s exists already; nothing of %s–%s was added"), clash,
                     mg_extension_range_get_from (range), mg_extension_range_get_to (range));
      return 0;
    }
  if (!remember_range (self, range, &range_id, error)
      || !insert_range_rows (self, range, template_, increment, range_id, error)
      || !mg_store_commit (self, error))
    {
      mg_store_rollback (self);
      return 0;
    }
  g_info ("added %u extensions %s–%s", mg_extension_range_get_size (range),
          mg_extension_range_get_from (range), mg_extension_range_get_to (range));
  mg_store_emit_changed (self, "extensions");
  return mg_extension_range_get_size (range);
}

static char *
like_pattern (const char *search)
{
  g_autoptr (GString) pattern = g_string_new ("%");

  for (const char *p = search; *p; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *p);
    }
  g_string_append_c (pattern, '%');
  return g_string_free (g_steal_pointer (&pattern), FALSE);
}

#define SEARCH_WHERE \
  " WHERE (?1 IS NULL OR number LIKE ?1 ESCAPE '\\' OR display_name LIKE ?1 ESCAPE '\\')"

/**
 * mg_store_list_extensions:
 * @self: a store
 * @search: (nullable): text that the number or the display name contains
 *   (display names ignoring ASCII case); %NULL or empty lists all
 * @offset: how many matches to skip
 * @limit: the most to return
 * @total: (out) (optional): how many extensions match in all
 * @error: return location for a #GError
 *
 * Lists extensions in number order, short numbers first.
 *
 * Returns: (transfer container) (element-type MgExtension): the page of
 *   matches, or %NULL with @error set
 */
GPtrArray *
mg_store_list_extensions (MgStore *self, const char *search, guint offset, guint limit,
                          guint *total, GError **error)
{
  g_autoptr (sqlite3_stmt) count = NULL;
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autofree char *pattern = NULL;
  int rc;

  g_return_val_if_fail (MG_IS_STORE (self), NULL);

  if (search != NULL && *search != '\0')
    pattern = like_pattern (search);
  count = mg_store_prepare (self, "SELECT count(*) FROM extensions" SEARCH_WHERE, error);
  stmt = count ? mg_store_prepare (self,
                                   "SELECT " EXTENSION_COLUMNS " FROM extensions" SEARCH_WHERE
                                     EXTENSION_ORDER " LIMIT ?2 OFFSET ?3",
                                   error)
               : NULL;
  if (stmt == NULL)
    return NULL;
  mg_store_bind_text (count, 1, pattern);
  if (sqlite3_step (count) != SQLITE_ROW)
    {
      mg_store_set_error (self, error);
      return NULL;
    }
  if (total != NULL)
    *total = sqlite3_column_int (count, 0);

  mg_store_bind_text (stmt, 1, pattern);
  sqlite3_bind_int64 (stmt, 2, limit);
  sqlite3_bind_int64 (stmt, 3, offset);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (items, extension_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      mg_store_set_error (self, error);
      return NULL;
    }
  return g_steal_pointer (&items);
}

/**
 * mg_store_get_extension:
 * @self: a store
 * @number: an extension number
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the extension, or %NULL with @error set
 *   (%MG_STORE_ERROR_NOT_FOUND when there is none)
 */
MgExtension *
mg_store_get_extension (MgStore *self, const char *number, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (MG_IS_STORE (self), NULL);
  g_return_val_if_fail (number != NULL, NULL);

  stmt = mg_store_prepare (self, "SELECT " EXTENSION_COLUMNS " FROM extensions WHERE number = ?",
                           error);
  if (stmt == NULL)
    return NULL;
  mg_store_bind_text (stmt, 1, number);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    return extension_from_row (stmt);
  if (rc == SQLITE_DONE)
    g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_NOT_FOUND, _("no extension %s"), number);
  else
    mg_store_set_error (self, error);
  return NULL;
}

/**
 * mg_store_update_extension:
 * @self: a store
 * @extension: an extension whose number is stored
 * @error: return location for a #GError
 *
 * Writes the display name, enabled state and digest credentials of @extension.
 *
 * Returns: whether it was written (%MG_STORE_ERROR_NOT_FOUND for an unknown number)
 */
gboolean
mg_store_update_extension (MgStore *self, MgExtension *extension, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  const char *number;

  g_return_val_if_fail (MG_IS_STORE (self), FALSE);
  g_return_val_if_fail (MG_IS_EXTENSION (extension), FALSE);

  if (!check_extension (extension, error))
    return FALSE;
  number = mg_extension_get_number (extension);
  stmt = mg_store_prepare (self,
                           "UPDATE extensions SET display_name = ?2, enabled = ?3, "
                           "auth_username = ?4, auth_password = ?5, auth_realm = ?6, "
                           "updated = ?8 WHERE number = ?1",
                           error);
  if (stmt == NULL)
    return FALSE;
  bind_extension (stmt, extension, 0, now_seconds ());
  if (!mg_store_step_done (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (mg_store_get_db (self)) == 0)
    {
      g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_NOT_FOUND, _("no extension %s"), number);
      return FALSE;
    }
  mg_store_emit_changed (self, "extensions");
  return TRUE;
}

/**
 * mg_store_delete_extension:
 * @self: a store
 * @number: an extension number
 * @error: return location for a #GError
 *
 * Deletes one extension (and its place in any destination). The range it
 * came from stays configured.
 *
 * Returns: whether it was deleted (%MG_STORE_ERROR_NOT_FOUND for an unknown number)
 */
gboolean
mg_store_delete_extension (MgStore *self, const char *number, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (MG_IS_STORE (self), FALSE);

  stmt = mg_store_prepare (self, "DELETE FROM extensions WHERE number = ?", error);
  if (stmt == NULL)
    return FALSE;
  mg_store_bind_text (stmt, 1, number);
  if (!mg_store_step_done (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (mg_store_get_db (self)) == 0)
    {
      g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_NOT_FOUND, _("no extension %s"), number);
      return FALSE;
    }
  mg_store_emit_changed (self, "extensions");
  return TRUE;
}

/**
 * mg_store_delete_all_extensions:
 * @self: a store
 * @n_deleted: (out) (optional): how many extensions were deleted
 * @error: return location for a #GError
 *
 * Deletes every extension and every configured range, in one transaction.
 *
 * Returns: whether they were deleted
 */
gboolean
mg_store_delete_all_extensions (MgStore *self, guint *n_deleted, GError **error)
{
  guint deleted;

  g_return_val_if_fail (MG_IS_STORE (self), FALSE);

  if (!mg_store_begin (self, error))
    return FALSE;
  if (!mg_store_exec (self, "DELETE FROM extensions", error))
    {
      mg_store_rollback (self);
      return FALSE;
    }
  deleted = sqlite3_changes (mg_store_get_db (self));
  if (!mg_store_exec (self, "DELETE FROM extension_ranges", error) || !mg_store_commit (self, error))
    {
      mg_store_rollback (self);
      return FALSE;
    }
  if (n_deleted != NULL)
    *n_deleted = deleted;
  g_info ("deleted all %u extensions", deleted);
  mg_store_emit_changed (self, "extensions");
  return TRUE;
}

/**
 * mg_store_find_extension_range:
 * @self: a store
 * @number: an extension number
 *
 * Returns: (transfer full) (nullable): the first configured range that holds
 *   @number, or %NULL
 */
MgExtensionRange *
mg_store_find_extension_range (MgStore *self, const char *number)
{
  g_autoptr (GPtrArray) ranges = NULL;

  g_return_val_if_fail (MG_IS_STORE (self), NULL);

  ranges = load_ranges (self, NULL);
  for (guint i = 0; ranges != NULL && i < ranges->len; i++)
    if (mg_extension_range_contains (g_ptr_array_index (ranges, i), number))
      return mg_extension_range_ref (g_ptr_array_index (ranges, i));
  return NULL;
}

/**
 * mg_store_export_extensions:
 * @self: a store
 * @ranges: (out) (transfer container) (element-type MgExtensionRange) (optional):
 *   the configured ranges
 * @error: return location for a #GError
 *
 * Reads every extension, with its digest password, and the configured ranges
 * from one consistent snapshot, to set up another node.
 *
 * Returns: (transfer container) (element-type MgExtension): all extensions,
 *   or %NULL with @error set
 */
GPtrArray *
mg_store_export_extensions (MgStore *self, GPtrArray **ranges, GError **error)
{
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GPtrArray) range_list = NULL;

  g_return_val_if_fail (MG_IS_STORE (self), NULL);

  /* a read transaction: extensions and ranges from the same moment */
  if (!mg_store_exec (self, "BEGIN", error))
    return NULL;
  items = mg_store_list_extensions (self, NULL, 0, G_MAXUINT, NULL, error);
  if (items != NULL)
    range_list = load_ranges (self, error);
  if (range_list == NULL || !mg_store_commit (self, error))
    {
      mg_store_rollback (self);
      return NULL;
    }
  if (ranges != NULL)
    *ranges = g_steal_pointer (&range_list);
  return g_steal_pointer (&items);
}

static gboolean
check_import (GPtrArray *extensions, GPtrArray *ranges, GHashTable *numbers, GError **error)
{
  for (guint i = 0; i < extensions->len; i++)
    {
      MgExtension *extension = g_ptr_array_index (extensions, i);
      const char *number = mg_extension_get_number (extension);

      if (!check_extension (extension, error))
        {
          g_prefix_error (error, _("extension %s: "), number);
          return FALSE;
        }
      if (!g_hash_table_add (numbers, (gpointer) number))
        {
          g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_INVALID,
                       _("extension %s is imported twice"), number);
          return FALSE;
        }
    }
  for (guint i = 0; ranges != NULL && i < ranges->len; i++)
    g_return_val_if_fail (g_ptr_array_index (ranges, i) != NULL, FALSE);
  return TRUE;
}

/* Deletes every stored extension not in @keep; counts them. */
static gboolean
delete_others (MgStore *self, GHashTable *keep, guint *n_deleted, GError **error)
{
  g_autoptr (sqlite3_stmt) select = NULL;
  g_autoptr (sqlite3_stmt) delete = NULL;
  g_autoptr (GPtrArray) doomed = g_ptr_array_new_with_free_func (g_free);
  int rc;

  select = mg_store_prepare (self, "SELECT number FROM extensions", error);
  delete = select ? mg_store_prepare (self, "DELETE FROM extensions WHERE number = ?", error)
                  : NULL;
  if (delete == NULL)
    return FALSE;
  while ((rc = sqlite3_step (select)) == SQLITE_ROW)
    if (!g_hash_table_contains (keep, column_text (select, 0)))
      g_ptr_array_add (doomed, g_strdup (column_text (select, 0)));
  if (rc != SQLITE_DONE)
    {
      mg_store_set_error (self, error);
      return FALSE;
    }
  for (guint i = 0; i < doomed->len; i++)
    {
      sqlite3_reset (delete);
      mg_store_bind_text (delete, 1, g_ptr_array_index (doomed, i));
      if (!mg_store_step_done (self, delete, error))
        return FALSE;
    }
  *n_deleted = doomed->len;
  return mg_store_exec (self, "DELETE FROM extension_ranges", error);
}

static gboolean
upsert_extensions (MgStore *self, GPtrArray *extensions, guint *n_created, guint *n_updated,
                   GError **error)
{
  g_autoptr (sqlite3_stmt) exists = NULL;
  g_autoptr (sqlite3_stmt) upsert = NULL;
  gint64 now = now_seconds ();

  exists = mg_store_prepare (self, "SELECT 1 FROM extensions WHERE number = ?", error);
  /* an overwritten extension keeps its created time */
  upsert = exists ? mg_store_prepare (self,
                                      "INSERT INTO extensions (" EXTENSION_COLUMNS ") "
                                      "VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                                      "ON CONFLICT (number) DO UPDATE SET "
                                      "display_name = excluded.display_name, "
                                      "enabled = excluded.enabled, "
                                      "auth_username = excluded.auth_username, "
                                      "auth_password = excluded.auth_password, "
                                      "auth_realm = excluded.auth_realm, "
                                      "updated = excluded.updated",
                                      error)
                  : NULL;
  if (upsert == NULL)
    return FALSE;
  for (guint i = 0; i < extensions->len; i++)
    {
      MgExtension *extension = g_ptr_array_index (extensions, i);

      sqlite3_reset (exists);
      mg_store_bind_text (exists, 1, mg_extension_get_number (extension));
      if (sqlite3_step (exists) == SQLITE_ROW)
        (*n_updated)++;
      else
        (*n_created)++;
      sqlite3_reset (upsert);
      bind_extension (upsert, extension, now, now);
      if (!mg_store_step_done (self, upsert, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
insert_ranges (MgStore *self, GPtrArray *ranges, GError **error)
{
  for (guint i = 0; ranges != NULL && i < ranges->len; i++)
    {
      gint64 unused = 0;

      if (!remember_range (self, g_ptr_array_index (ranges, i), &unused, error))
        return FALSE;
    }
  return TRUE;
}

/**
 * mg_store_import_extensions:
 * @self: a store
 * @extensions: (element-type MgExtension): the extensions to import
 * @ranges: (element-type MgExtensionRange) (nullable): ranges to configure
 * @mode: whether the import merges into or replaces what is there
 * @n_created: (out) (optional): how many extensions were new
 * @n_updated: (out) (optional): how many existed and were overwritten
 * @n_deleted: (out) (optional): how many were deleted (replace mode)
 * @error: return location for a #GError
 *
 * Checks every extension first (credentials, display name, no number twice)
 * and then applies them all in one transaction: either all of the import
 * happens or none of it. In replace mode the configured ranges become
 * @ranges; in merge mode the ranges of @ranges not yet held by a configured
 * range are added.
 *
 * Returns: whether the import was applied
 */
gboolean
mg_store_import_extensions (MgStore *self, GPtrArray *extensions, GPtrArray *ranges,
                            MgStoreImportMode mode, guint *n_created, guint *n_updated,
                            guint *n_deleted, GError **error)
{
  g_autoptr (GHashTable) numbers = g_hash_table_new (g_str_hash, g_str_equal);
  guint created = 0, updated = 0, deleted = 0;

  g_return_val_if_fail (MG_IS_STORE (self), FALSE);
  g_return_val_if_fail (extensions != NULL, FALSE);

  if (!check_import (extensions, ranges, numbers, error) || !mg_store_begin (self, error))
    return FALSE;
  if ((mode == MG_STORE_IMPORT_REPLACE && !delete_others (self, numbers, &deleted, error))
      || !upsert_extensions (self, extensions, &created, &updated, error)
      || !insert_ranges (self, ranges, error) || !mg_store_commit (self, error))
    {
      mg_store_rollback (self);
      return FALSE;
    }
  if (n_created != NULL)
    *n_created = created;
  if (n_updated != NULL)
    *n_updated = updated;
  if (n_deleted != NULL)
    *n_deleted = deleted;
  g_info ("imported extensions: %u created, %u updated, %u deleted", created, updated, deleted);
  mg_store_emit_changed (self, "extensions");
  return TRUE;
}
