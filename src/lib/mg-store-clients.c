/* mg-store-clients.c: OAuth client credentials of app servers in the store
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-store"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>

#include "mg-crypto-private.h"
#include "mg-store-clients-private.h"
#include "mg-store-private.h"

#define CLIENT_COLUMNS "client_id, description, token_validity, created, cti_devices, caller_id_masking"

void
mg_client_credential_free (MgClientCredential *cred)
{
  if (cred == NULL)
    return;
  g_free (cred->client_id);
  g_free (cred->description);
  g_free (cred->cti_devices);
  g_free (cred->caller_id_masking);
  g_free (cred);
}

/* 1 to 128 characters that survive HTTP Basic and form encoding unescaped:
 * letters, digits, '.', '_', '-' and '~' (RFC 3986 unreserved). */
gboolean
mg_client_check_id (const char *client_id, GError **error)
{
  gsize len = client_id ? strlen (client_id) : 0;

  if (len == 0 || len > 128)
    goto bad;
  for (const char *p = client_id; *p; p++)
    if (!g_ascii_isalnum (*p) && strchr ("._-~", *p) == NULL)
      goto bad;
  return TRUE;

bad:
  g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_INVALID,
               _("client_id: 1 to 128 letters, digits, '.', '_', '-' or '~'"));
  return FALSE;
}

/* Printable ASCII (what RFC 6749 allows, minus the space), 16 to 256
 * characters. Never echoed in the error. */
gboolean
mg_client_check_secret (const char *secret, GError **error)
{
  gsize len = secret ? strlen (secret) : 0;

  if (len < 16 || len > 256)
    goto bad;
  for (const char *p = secret; *p; p++)
    if (*p <= ' ' || *p > '~')
      goto bad;
  return TRUE;

bad:
  g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_INVALID,
               _("client_secret: 16 to 256 printable ASCII characters without spaces"));
  return FALSE;
}

static gboolean
check_fields (gint token_validity, const char *description, GError **error)
{
  if (token_validity > MG_CLIENT_MAX_TOKEN_VALIDITY)
    {
      g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_INVALID,
                   _("token_validity: minutes from 0 (never expires) to %d"),
                   MG_CLIENT_MAX_TOKEN_VALIDITY);
      return FALSE;
    }
  if (description != NULL && (strlen (description) > 1024 || !g_utf8_validate (description, -1, NULL)))
    {
      g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_INVALID,
                   _("description: at most 1024 bytes of text"));
      return FALSE;
    }
  return TRUE;
}

static MgClientCredential *
credential_from_row (sqlite3_stmt *stmt)
{
  MgClientCredential *cred = g_new0 (MgClientCredential, 1);

  cred->client_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  cred->description = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  cred->token_validity = sqlite3_column_int (stmt, 2);
  cred->created = sqlite3_column_int64 (stmt, 3);
  cred->cti_devices = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
  cred->caller_id_masking = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
  return cred;
}

/* Returns: (element-type MgClientCredential) (transfer full): every client, by id */
GPtrArray *
mg_store_list_clients (MgStore *self, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) mg_client_credential_free);
  int rc;

  stmt = mg_store_prepare (self, "SELECT " CLIENT_COLUMNS " FROM client_credentials ORDER BY client_id",
                           error);
  if (stmt == NULL)
    return NULL;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_ptr_array_add (list, credential_from_row (stmt));
  if (rc != SQLITE_DONE)
    {
      mg_store_set_error (self, error);
      return NULL;
    }
  return g_steal_pointer (&list);
}

MgClientCredential *
mg_store_get_client (MgStore *self, const char *client_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = mg_store_prepare (self, "SELECT " CLIENT_COLUMNS " FROM client_credentials WHERE client_id = ?",
                           error);
  if (stmt == NULL)
    return NULL;
  mg_store_bind_text (stmt, 1, client_id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    return credential_from_row (stmt);
  g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_NOT_FOUND, _("no client with client_id %s"),
               client_id);
  return NULL;
}

/* Runs @stmt as the one statement of a transaction. */
static gboolean
write_one (MgStore *self, sqlite3_stmt *stmt, GError **error)
{
  if (!mg_store_begin (self, error))
    return FALSE;
  if (!mg_store_step_done (self, stmt, error))
    {
      mg_store_rollback (self);
      return FALSE;
    }
  if (sqlite3_changes (mg_store_get_db (self)) == 0)
    {
      mg_store_rollback (self);
      g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_NOT_FOUND, _("no such client"));
      return FALSE;
    }
  return mg_store_commit (self, error);
}

gboolean
mg_store_add_client (MgStore *self, const char *client_id, const char *secret,
                     guint token_validity, const char *description, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *hash = NULL;

  if (!mg_client_check_id (client_id, error) || !mg_client_check_secret (secret, error)
      || !check_fields (token_validity, description, error))
    return FALSE;
  hash = mg_password_hash (secret, error);
  if (hash == NULL)
    return FALSE;
  stmt = mg_store_prepare (self,
                           "INSERT INTO client_credentials "
                           "(client_id, secret_hash, token_validity, description, created) "
                           "VALUES (?, ?, ?, ?, ?)",
                           error);
  if (stmt == NULL)
    return FALSE;
  mg_store_bind_text (stmt, 1, client_id);
  mg_store_bind_text (stmt, 2, hash);
  sqlite3_bind_int (stmt, 3, token_validity);
  mg_store_bind_text (stmt, 4, description ? description : "");
  sqlite3_bind_int64 (stmt, 5, g_get_real_time () / G_USEC_PER_SEC);
  if (!write_one (self, stmt, error))
    {
      if (g_error_matches (*error, MG_STORE_ERROR, MG_STORE_ERROR_CONFLICT))
        {
          g_clear_error (error);
          g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_CONFLICT,
                       _("a client with client_id %s exists already"), client_id);
        }
      return FALSE;
    }
  return TRUE;
}

/* @secret and @description may be NULL, @token_validity negative: unchanged. */
gboolean
mg_store_update_client (MgStore *self, const char *client_id, const char *secret,
                        gint token_validity, const char *description, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;
  g_autofree char *hash = NULL;

  if ((secret != NULL && !mg_client_check_secret (secret, error))
      || !check_fields (token_validity, description, error))
    return FALSE;
  if (secret != NULL && (hash = mg_password_hash (secret, error)) == NULL)
    return FALSE;
  stmt = mg_store_prepare (self,
                           "UPDATE client_credentials SET "
                           "secret_hash = coalesce (?1, secret_hash), "
                           "token_validity = CASE WHEN ?2 < 0 THEN token_validity ELSE ?2 END, "
                           "description = coalesce (?3, description) "
                           "WHERE client_id = ?4",
                           error);
  if (stmt == NULL)
    return FALSE;
  mg_store_bind_text (stmt, 1, hash);
  sqlite3_bind_int (stmt, 2, token_validity);
  mg_store_bind_text (stmt, 3, description);
  mg_store_bind_text (stmt, 4, client_id);
  return write_one (self, stmt, error);
}

gboolean
mg_store_delete_client (MgStore *self, const char *client_id, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = mg_store_prepare (self, "DELETE FROM client_credentials WHERE client_id = ?", error);
  if (stmt == NULL)
    return FALSE;
  mg_store_bind_text (stmt, 1, client_id);
  return write_one (self, stmt, error);
}

/* Checks an app server's credentials. An unknown client costs as much time as
 * a wrong secret, so that ids cannot be probed. */
gboolean
mg_store_check_client (MgStore *self, const char *client_id, const char *secret,
                       guint *token_validity)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = mg_store_prepare (self,
                           "SELECT secret_hash, token_validity FROM client_credentials "
                           "WHERE client_id = ?",
                           NULL);
  if (stmt == NULL)
    return FALSE;
  mg_store_bind_text (stmt, 1, client_id);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      g_autofree char *unused = mg_password_hash (secret ? secret : "", NULL);
      return FALSE;
    }
  if (!mg_password_verify (secret, (const char *) sqlite3_column_text (stmt, 0)))
    return FALSE;
  *token_validity = sqlite3_column_int (stmt, 1);
  return TRUE;
}

/* The CTI policy of a client (checked with mg_cti_policy_check_devices and
 * mg_cti_policy_check_masking before); NULL keeps a value. */
gboolean
mg_store_set_client_cti_policy (MgStore *self, const char *client_id, const char *devices,
                                const char *masking, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  stmt = mg_store_prepare (self,
                           "UPDATE client_credentials SET "
                           "cti_devices = coalesce (?1, cti_devices), "
                           "caller_id_masking = coalesce (?2, caller_id_masking) "
                           "WHERE client_id = ?3",
                           error);
  if (stmt == NULL)
    return FALSE;
  mg_store_bind_text (stmt, 1, devices);
  mg_store_bind_text (stmt, 2, masking);
  mg_store_bind_text (stmt, 3, client_id);
  return write_one (self, stmt, error);
}
