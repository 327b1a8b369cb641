/* mg-store-destinations.c: Click-to-Contact destinations in the store
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-store"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>

#include "mg-store-destinations-private.h"
#include "mg-store-private.h"

MgDestination *
mg_destination_new (void)
{
  MgDestination *destination = g_new0 (MgDestination, 1);

  destination->extensions = g_new0 (char *, 1);
  return destination;
}

void
mg_destination_free (MgDestination *destination)
{
  if (destination == NULL)
    return;
  g_free (destination->key);
  g_free (destination->label);
  g_free (destination->pilot);
  g_strfreev (destination->extensions);
  g_free (destination);
}

static gboolean
invalid (GError **error, const char *message)
{
  g_set_error_literal (error, MG_STORE_ERROR, MG_STORE_ERROR_INVALID, message);
  return FALSE;
}

/* A slug: 1 to 64 lower-case letters, digits, '-' or '_', starting with a
 * letter or digit; it appears in URLs and in the web component's markup. */
static gboolean
is_slug (const char *key)
{
  gsize len = key ? strlen (key) : 0;

  if (len == 0 || len > 64 || !(g_ascii_islower (key[0]) || g_ascii_isdigit (key[0])))
    return FALSE;
  for (const char *p = key; *p; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

/* Short ("1000") or E.164 ("+4930123456") form. */
static gboolean
is_number (const char *text)
{
  gsize len = text ? strlen (text) : 0;

  if (len == 0 || len > 32)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (text[i]) && !(i == 0 && text[i] == '+' && len > 1))
      return FALSE;
  return TRUE;
}

static gboolean
is_label (const char *label)
{
  if (label == NULL || *label == '\0' || g_utf8_strlen (label, -1) > 200)
    return FALSE;
  for (const char *p = label; *p; p = g_utf8_next_char (p))
    if (g_unichar_iscntrl (g_utf8_get_char (p)))
      return FALSE;
  return TRUE;
}

gboolean
mg_destination_check (const MgDestination *destination, GError **error)
{
  guint n = g_strv_length (destination->extensions);

  if (!is_slug (destination->key))
    return invalid (error, _("key: 1 to 64 lower-case letters, digits, '-' or '_', starting with "
                             "a letter or digit"));
  if (!is_label (destination->label))
    return invalid (error, _("label: 1 to 200 characters of text, no control characters"));
  if (!is_number (destination->pilot))
    return invalid (error, _("pilot: a number in short (1000) or E.164 (+4930123456) form"));
  if (n > MG_DESTINATION_MAX_EXTENSIONS)
    return invalid (error, _("extensions: at most 100"));
  for (guint i = 0; i < n; i++)
    {
      if (!is_number (destination->extensions[i]))
        {
          g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_INVALID,
                       _("extensions: \"%s\" is not an extension number"),
                       destination->extensions[i]);
          return FALSE;
        }
      for (guint j = 0; j < i; j++)
        if (g_str_equal (destination->extensions[i], destination->extensions[j]))
          {
            g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_INVALID,
                         _("extensions: %s is listed twice"), destination->extensions[i]);
            return FALSE;
          }
    }
  return TRUE;
}

static gboolean
load_extensions (MgStore *self, MgDestination *destination, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  int rc;

  stmt = mg_store_prepare (self,
                           "SELECT number FROM destination_extensions WHERE destination = ? "
                           "ORDER BY position",
                           error);
  if (stmt == NULL)
    return FALSE;
  mg_store_bind_text (stmt, 1, destination->key);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    {
      mg_store_set_error (self, error);
      return FALSE;
    }
  g_strfreev (destination->extensions);
  destination->extensions = g_strv_builder_end (builder);
  return TRUE;
}

static MgDestination *
destination_from_row (sqlite3_stmt *stmt)
{
  MgDestination *destination = mg_destination_new ();

  destination->key = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  destination->label = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  destination->pilot = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  return destination;
}

/* Returns: (element-type MgDestination) (transfer full): all, by key */
GPtrArray *
mg_store_list_destinations (MgStore *self, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) mg_destination_free);
  int rc;

  stmt = mg_store_prepare (self, "SELECT key, label, pilot FROM destinations ORDER BY key", error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, destination_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      mg_store_set_error (self, error);
      return NULL;
    }
  for (guint i = 0; i < list->len; i++)
    if (!load_extensions (self, g_ptr_array_index (list, i), error))
      return NULL;
  return g_steal_pointer (&list);
}

MgDestination *
mg_store_get_destination (MgStore *self, const char *key, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (MgDestination) destination = NULL;

  stmt = mg_store_prepare (self, "SELECT key, label, pilot FROM destinations WHERE key = ?", error);
  if (stmt == NULL)
    return NULL;
  mg_store_bind_text (stmt, 1, key);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_NOT_FOUND, _("no destination %s"), key);
      return NULL;
    }
  destination = destination_from_row (stmt);
  if (!load_extensions (self, destination, error))
    return NULL;
  return g_steal_pointer (&destination);
}

static gboolean
write_row (MgStore *self, const MgDestination *destination, gboolean create, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = mg_store_prepare (self,
                           create ? "INSERT INTO destinations (label, pilot, key) VALUES (?, ?, ?)"
                                  : "UPDATE destinations SET label = ?, pilot = ? WHERE key = ?",
                           error);
  if (stmt == NULL)
    return FALSE;
  mg_store_bind_text (stmt, 1, destination->label);
  mg_store_bind_text (stmt, 2, destination->pilot);
  mg_store_bind_text (stmt, 3, destination->key);
  if (!mg_store_step_done (self, stmt, error))
    {
      if (g_error_matches (*error, MG_STORE_ERROR, MG_STORE_ERROR_CONFLICT))
        {
          g_clear_error (error);
          g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_CONFLICT,
                       _("a destination with key %s exists already"), destination->key);
        }
      return FALSE;
    }
  if (sqlite3_changes (mg_store_get_db (self)) == 0)
    {
      g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_NOT_FOUND, _("no destination %s"),
                   destination->key);
      return FALSE;
    }
  return TRUE;
}

static gboolean
extension_exists (MgStore *self, const char *number, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = mg_store_prepare (self,
                                                    "SELECT 1 FROM extensions WHERE number = ?",
                                                    error);

  if (stmt == NULL)
    return FALSE;
  mg_store_bind_text (stmt, 1, number);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    return TRUE;
  g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_INVALID,
               _("extensions: there is no extension %s"), number);
  return FALSE;
}

static gboolean
write_extensions (MgStore *self, const MgDestination *destination, GError **error)
{
  g_autoptr (sqlite3_stmt) clear = NULL;
  g_autoptr (sqlite3_stmt) insert = NULL;

  clear = mg_store_prepare (self, "DELETE FROM destination_extensions WHERE destination = ?", error);
  if (clear == NULL)
    return FALSE;
  mg_store_bind_text (clear, 1, destination->key);
  if (!mg_store_step_done (self, clear, error))
    return FALSE;
  insert = mg_store_prepare (self,
                             "INSERT INTO destination_extensions (destination, number, position) "
                             "VALUES (?, ?, ?)",
                             error);
  if (insert == NULL)
    return FALSE;
  for (guint i = 0; destination->extensions[i] != NULL; i++)
    {
      if (!extension_exists (self, destination->extensions[i], error))
        return FALSE;
      sqlite3_reset (insert);
      mg_store_bind_text (insert, 1, destination->key);
      mg_store_bind_text (insert, 2, destination->extensions[i]);
      sqlite3_bind_int (insert, 3, i);
      if (!mg_store_step_done (self, insert, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
commit_and_announce (MgStore *self, GError **error)
{
  if (!mg_store_commit (self, error))
    return FALSE;
  mg_store_emit_changed (self, "destinations");
  return TRUE;
}

/* Creates (@create) or replaces a destination and its extensions, in one
 * transaction; an unknown extension is named in the error. */
gboolean
mg_store_save_destination (MgStore *self, const MgDestination *destination, gboolean create,
                           GError **error)
{
  if (!mg_destination_check (destination, error) || !mg_store_begin (self, error))
    return FALSE;
  if (!write_row (self, destination, create, error) || !write_extensions (self, destination, error))
    {
      mg_store_rollback (self);
      return FALSE;
    }
  return commit_and_announce (self, error);
}

gboolean
mg_store_delete_destination (MgStore *self, const char *key, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  if (!mg_store_begin (self, error))
    return FALSE;
  stmt = mg_store_prepare (self, "DELETE FROM destinations WHERE key = ?", error);
  if (stmt == NULL)
    {
      mg_store_rollback (self);
      return FALSE;
    }
  mg_store_bind_text (stmt, 1, key);
  if (!mg_store_step_done (self, stmt, error))
    {
      mg_store_rollback (self);
      return FALSE;
    }
  if (sqlite3_changes (mg_store_get_db (self)) == 0)
    {
      mg_store_rollback (self);
      g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_NOT_FOUND, _("no destination %s"), key);
      return FALSE;
    }
  return commit_and_announce (self, error);
}
