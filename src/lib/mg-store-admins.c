/* mg-store-admins.c: administrator accounts in the store
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-store"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>

#include "mg-crypto-private.h"
#include "mg-store-private.h"

static gboolean
check_admin_name (const char *name, GError **error)
{
  gsize len = name ? strlen (name) : 0;

  if (len == 0 || len > 64)
    goto bad;
  for (const char *p = name; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '.' && *p != '_' && *p != '-' && *p != '@')
      goto bad;
  return TRUE;

bad:
  g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_INVALID,
               _("an admin name is 1 to 64 letters, digits, '.', '_', '-' or '@'"));
  return FALSE;
}

static gboolean
check_admin_password (const char *password, GError **error)
{
  if (password == NULL || g_utf8_strlen (password, -1) < 8 || strlen (password) > 1024
      || !g_utf8_validate (password, -1, NULL))
    {
      g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_INVALID,
                   _("an admin password has at least 8 characters"));
      return FALSE;
    }
  return TRUE;
}

/**
 * mg_store_add_admin:
 * @self: a store
 * @name: the admin's login name
 * @password: the password; only a salted yescrypt hash is kept
 * @error: return location for a #GError
 *
 * Adds an administrator.
 *
 * Returns: whether the admin was added (%MG_STORE_ERROR_CONFLICT if the name is taken)
 */
gboolean
mg_store_add_admin (MgStore *self, const char *name, const char *password, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *hash = NULL;

  g_return_val_if_fail (MG_IS_STORE (self), FALSE);

  if (!check_admin_name (name, error) || !check_admin_password (password, error))
    return FALSE;
  hash = mg_password_hash (password, error);
  if (hash == NULL)
    return FALSE;
  stmt = mg_store_prepare (self, "INSERT INTO admins (name, password_hash, created) VALUES (?, ?, ?)",
                           error);
  if (stmt == NULL)
    return FALSE;
  mg_store_bind_text (stmt, 1, name);
  mg_store_bind_text (stmt, 2, hash);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time () / G_USEC_PER_SEC);
  if (!mg_store_step_done (self, stmt, error))
    {
      if (g_error_matches (*error, MG_STORE_ERROR, MG_STORE_ERROR_CONFLICT))
        {
          g_clear_error (error);
          g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_CONFLICT,
                       _("an admin named %s exists already"), name);
        }
      return FALSE;
    }
  return TRUE;
}

/**
 * mg_store_set_admin_password:
 * @self: a store
 * @name: an existing admin
 * @password: the new password
 * @error: return location for a #GError
 *
 * Returns: whether the password was changed
 */
gboolean
mg_store_set_admin_password (MgStore *self, const char *name, const char *password, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *hash = NULL;

  g_return_val_if_fail (MG_IS_STORE (self), FALSE);

  if (!check_admin_password (password, error))
    return FALSE;
  hash = mg_password_hash (password, error);
  if (hash == NULL)
    return FALSE;
  stmt = mg_store_prepare (self, "UPDATE admins SET password_hash = ? WHERE name = ?", error);
  if (stmt == NULL)
    return FALSE;
  mg_store_bind_text (stmt, 1, hash);
  mg_store_bind_text (stmt, 2, name);
  if (!mg_store_step_done (self, stmt, error))
    return FALSE;
  if (sqlite3_changes (mg_store_get_db (self)) == 0)
    {
      g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_NOT_FOUND, _("no admin named %s"), name);
      return FALSE;
    }
  return TRUE;
}

/**
 * mg_store_check_admin:
 * @self: a store
 * @name: the login name given
 * @password: the password given
 *
 * Checks an admin's credentials. An unknown name costs as much time as a
 * wrong password, so that names cannot be probed.
 *
 * Returns: whether @name exists and @password is its password
 */
gboolean
mg_store_check_admin (MgStore *self, const char *name, const char *password)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (MG_IS_STORE (self), FALSE);

  stmt = mg_store_prepare (self, "SELECT password_hash FROM admins WHERE name = ?", NULL);
  if (stmt == NULL)
    return FALSE;
  mg_store_bind_text (stmt, 1, name);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      /* burn the time a real check would take */
      g_autofree char *unused = mg_password_hash (password ? password : "", NULL);
      return FALSE;
    }
  return mg_password_verify (password, (const char *) sqlite3_column_text (stmt, 0));
}

/**
 * mg_store_count_admins:
 * @self: a store
 *
 * Returns: how many administrators exist
 */
guint
mg_store_count_admins (MgStore *self)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (MG_IS_STORE (self), 0);

  stmt = mg_store_prepare (self, "SELECT count(*) FROM admins", NULL);
  if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
    return 0;
  return sqlite3_column_int (stmt, 0);
}
