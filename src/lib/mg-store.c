/* mg-store.c: the embedded SQLite store
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-store"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <fcntl.h>
#include <unistd.h>

#include "mg-store-private.h"

/**
 * MgStore:
 *
 * The embedded store: everything an administrator edits (extensions, admins,
 * client credentials, settings, destinations) in one SQLite database in WAL
 * mode with foreign keys on.
 *
 * The schema is versioned (`PRAGMA user_version`) and migrated forward when the
 * store opens. Every write an API acknowledges is one committed transaction
 * with `synchronous=FULL`, so it survives a crash or `kill -9`.
 */

struct _MgStore
{
  GObject parent_instance;

  char *path;
  sqlite3 *db;
  guint schema_version;
  GBytes *install_secret;
};

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_QUARK (mg-store-error-quark, mg_store_error)
G_DEFINE_FINAL_TYPE (MgStore, mg_store, G_TYPE_OBJECT)

/* Each entry moves the schema from version i to i + 1. Never edit a shipped
 * entry: add a new one. */
static const char *const migrations[] = {
  /* 1: foundation */
  "CREATE TABLE meta ("
  "  key TEXT PRIMARY KEY,"
  "  value BLOB NOT NULL);"
  "CREATE TABLE admins ("
  "  name TEXT PRIMARY KEY,"
  "  password_hash TEXT NOT NULL,"
  "  created INTEGER NOT NULL);"
  "CREATE TABLE extension_ranges ("
  "  id INTEGER PRIMARY KEY,"
  "  first TEXT NOT NULL,"
  "  last TEXT NOT NULL,"
  "  created INTEGER NOT NULL);"
  "CREATE TABLE extensions ("
  "  number TEXT PRIMARY KEY,"
  "  range_id INTEGER REFERENCES extension_ranges (id) ON DELETE SET NULL,"
  "  display_name TEXT NOT NULL DEFAULT '',"
  "  enabled INTEGER NOT NULL DEFAULT 1,"
  "  auth_username TEXT,"
  "  auth_password TEXT,"
  "  auth_realm TEXT,"
  "  created INTEGER NOT NULL,"
  "  updated INTEGER NOT NULL);"
  "CREATE TABLE client_credentials ("
  "  client_id TEXT PRIMARY KEY,"
  "  secret_hash TEXT NOT NULL,"
  "  token_validity INTEGER NOT NULL DEFAULT 20,"
  "  description TEXT NOT NULL DEFAULT '',"
  "  created INTEGER NOT NULL);"
  "CREATE TABLE settings ("
  "  section TEXT PRIMARY KEY,"
  "  value TEXT NOT NULL CHECK (json_valid (value)));"
  "CREATE TABLE destinations ("
  "  key TEXT PRIMARY KEY,"
  "  label TEXT NOT NULL,"
  "  pilot TEXT NOT NULL);"
  "CREATE TABLE destination_extensions ("
  "  destination TEXT NOT NULL REFERENCES destinations (key) ON DELETE CASCADE,"
  "  number TEXT NOT NULL REFERENCES extensions (number) ON DELETE CASCADE,"
  "  position INTEGER NOT NULL,"
  "  PRIMARY KEY (destination, number));",
  /* 2: agent states set over CTI; no row: logged off */
  "CREATE TABLE agent_states ("
  "  device TEXT PRIMARY KEY REFERENCES extensions (number) ON DELETE CASCADE,"
  "  agent_id TEXT NOT NULL,"
  "  state TEXT NOT NULL CHECK (state IN ('ready', 'notReady', 'workingAfterCall')),"
  "  reason TEXT,"
  "  updated INTEGER NOT NULL);",
  /* 3: what each client credential may do over CTI */
  "ALTER TABLE client_credentials ADD COLUMN cti_devices TEXT NOT NULL DEFAULT '*';"
  "ALTER TABLE client_credentials ADD COLUMN caller_id_masking TEXT NOT NULL DEFAULT 'none';",
};

static void
mg_store_finalize (GObject *object)
{
  MgStore *self = MG_STORE (object);

  g_clear_pointer (&self->install_secret, g_bytes_unref);
  if (self->db != NULL)
    sqlite3_close_v2 (self->db);
  g_free (self->path);

  G_OBJECT_CLASS (mg_store_parent_class)->finalize (object);
}

static void
mg_store_class_init (MgStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mg_store_finalize;

  /**
   * MgStore::changed:
   * @self: the store
   * @what: what changed: "extensions", or a settings section such as "sip"
   *
   * Emitted after a write is committed, so that the parts of the server that
   * use the data can apply it without a restart. The detail is @what.
   */
  signals[SIGNAL_CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED, 0, NULL, NULL,
                                          NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

/**
 * mg_store_emit_changed:
 * @self: a store
 * @what: what changed ("extensions", a settings section, …)
 *
 * Emits [signal@Mg.Store::changed] with @what as its detail. Writers call
 * it after their transaction is committed.
 */
void
mg_store_emit_changed (MgStore *self, const char *what)
{
  g_return_if_fail (MG_IS_STORE (self));

  g_signal_emit (self, signals[SIGNAL_CHANGED], g_quark_from_string (what), what);
}

static void
mg_store_init (MgStore *self)
{
}

/**
 * mg_store_set_error: (skip)
 * @self: a store
 * @error: return location for a #GError
 *
 * Turns the last SQLite failure into a #GError of the store's domain.
 */
void
mg_store_set_error (MgStore *self, GError **error)
{
  int code = sqlite3_extended_errcode (self->db);
  MgStoreError mg_code = MG_STORE_ERROR_FAILED;

  switch (code)
    {
    case SQLITE_CONSTRAINT_PRIMARYKEY:
    case SQLITE_CONSTRAINT_UNIQUE:
    case SQLITE_CONSTRAINT_FOREIGNKEY:
      mg_code = MG_STORE_ERROR_CONFLICT;
      break;
    case SQLITE_CONSTRAINT_CHECK:
    case SQLITE_CONSTRAINT_NOTNULL:
      mg_code = MG_STORE_ERROR_INVALID;
      break;
    default:
      break;
    }
  g_set_error (error, MG_STORE_ERROR, mg_code, "%s", sqlite3_errmsg (self->db));
}

/**
 * mg_store_get_db: (skip)
 * @self: a store
 *
 * Returns: the SQLite connection, for the store's own modules
 */
sqlite3 *
mg_store_get_db (MgStore *self)
{
  return self->db;
}

/**
 * mg_store_prepare: (skip)
 * @self: a store
 * @sql: one statement
 * @error: return location for a #GError
 *
 * Returns: a prepared statement, or %NULL with @error set
 */
sqlite3_stmt *
mg_store_prepare (MgStore *self, const char *sql, GError **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      mg_store_set_error (self, error);
      return NULL;
    }
  return stmt;
}

/**
 * mg_store_exec: (skip)
 * @self: a store
 * @sql: statements without results
 * @error: return location for a #GError
 *
 * Returns: whether all statements ran
 */
gboolean
mg_store_exec (MgStore *self, const char *sql, GError **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    {
      mg_store_set_error (self, error);
      return FALSE;
    }
  return TRUE;
}

/**
 * mg_store_step_done: (skip)
 * @self: a store
 * @stmt: a statement that returns no rows
 * @error: return location for a #GError
 *
 * Runs @stmt to completion.
 *
 * Returns: whether it succeeded
 */
gboolean
mg_store_step_done (MgStore *self, sqlite3_stmt *stmt, GError **error)
{
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      mg_store_set_error (self, error);
      return FALSE;
    }
  return TRUE;
}

/**
 * mg_store_bind_text: (skip)
 * @stmt: a statement
 * @index: the parameter, from 1
 * @text: (nullable): the value, copied; %NULL binds SQL NULL
 */
void
mg_store_bind_text (sqlite3_stmt *stmt, int index, const char *text)
{
  if (text == NULL)
    sqlite3_bind_null (stmt, index);
  else
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
}

/**
 * mg_store_begin: (skip)
 * @self: a store
 * @error: return location for a #GError
 *
 * Starts a write transaction (`BEGIN IMMEDIATE`, so it never fails half way
 * for a lock). Pair with [method@Mg.Store.commit] or rollback.
 *
 * Returns: whether the transaction started
 */
gboolean
mg_store_begin (MgStore *self, GError **error)
{
  return mg_store_exec (self, "BEGIN IMMEDIATE", error);
}

/**
 * mg_store_commit: (skip)
 * @self: a store
 * @error: return location for a #GError
 *
 * Commits; on failure the transaction is rolled back.
 *
 * Returns: whether the transaction is durable
 */
gboolean
mg_store_commit (MgStore *self, GError **error)
{
  if (mg_store_exec (self, "COMMIT", error))
    return TRUE;
  mg_store_rollback (self);
  return FALSE;
}

/**
 * mg_store_rollback: (skip)
 * @self: a store
 *
 * Abandons the open transaction, if any.
 */
void
mg_store_rollback (MgStore *self)
{
  if (!sqlite3_get_autocommit (self->db))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
}

static gboolean
read_user_version (MgStore *self, guint *version, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = mg_store_prepare (self, "PRAGMA user_version", error);

  if (stmt == NULL)
    return FALSE;
  if (sqlite3_step (stmt) != SQLITE_ROW)
    {
      mg_store_set_error (self, error);
      return FALSE;
    }
  *version = sqlite3_column_int (stmt, 0);
  return TRUE;
}

static gboolean
migrate (MgStore *self, GError **error)
{
  guint version = 0;

  if (!read_user_version (self, &version, error))
    return FALSE;
  if (version > G_N_ELEMENTS (migrations))
    {
      g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_SCHEMA,
                   _("%s has schema version %u, newer than this Mediagate knows (%u)"),
                   self->path, version, (guint) G_N_ELEMENTS (migrations));
      return FALSE;
    }

  for (; version < G_N_ELEMENTS (migrations); version++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %u", version + 1);

      /* each step is atomic: a crash leaves the schema at a known version */
      if (!mg_store_begin (self, error))
        return FALSE;
      if (!mg_store_exec (self, migrations[version], error) || !mg_store_exec (self, bump, error)
          || !mg_store_commit (self, error))
        {
          mg_store_rollback (self);
          g_prefix_error (error, "migration to schema %u: ", version + 1);
          return FALSE;
        }
      g_info ("store %s migrated to schema version %u", self->path, version + 1);
    }
  self->schema_version = version;
  return TRUE;
}

static gboolean
load_install_secret (MgStore *self, GError **error)
{
  g_autoptr (sqlite3_stmt) select = NULL;
  g_autoptr (sqlite3_stmt) insert = NULL;
  guint8 secret[32];
  int fd;

  select = mg_store_prepare (self, "SELECT value FROM meta WHERE key = 'install-secret'", error);
  if (select == NULL)
    return FALSE;
  if (sqlite3_step (select) == SQLITE_ROW)
    {
      self->install_secret = g_bytes_new (sqlite3_column_blob (select, 0),
                                          sqlite3_column_bytes (select, 0));
      return TRUE;
    }

  fd = g_open ("/dev/urandom", O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0 || read (fd, secret, sizeof secret) != sizeof secret)
    {
      if (fd >= 0)
        close (fd);
      g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_FAILED,
                   "cannot read random bytes for the install secret");
      return FALSE;
    }
  close (fd);

  insert = mg_store_prepare (self, "INSERT INTO meta (key, value) VALUES ('install-secret', ?)",
                             error);
  if (insert == NULL)
    return FALSE;
  sqlite3_bind_blob (insert, 1, secret, sizeof secret, SQLITE_TRANSIENT);
  if (!mg_store_step_done (self, insert, error))
    return FALSE;
  self->install_secret = g_bytes_new (secret, sizeof secret);
  memset (secret, 0, sizeof secret);
  return TRUE;
}

/**
 * mg_store_open:
 * @path: (type filename): the database file; created (mode 0600) when missing
 * @error: return location for a #GError
 *
 * Opens the store, switches it to WAL mode with foreign keys on, and migrates
 * its schema to the latest version.
 *
 * Returns: (transfer full): the store, or %NULL with @error set
 */
MgStore *
mg_store_open (const char *path, GError **error)
{
  g_autoptr (MgStore) self = g_object_new (MG_TYPE_STORE, NULL);
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX;
  mode_t old_mask;
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  self->path = g_strdup (path);
  old_mask = umask (077);
  rc = sqlite3_open_v2 (path, &self->db, flags, NULL);
  umask (old_mask);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_FAILED, _("cannot open %s: %s"), path,
                   self->db ? sqlite3_errmsg (self->db) : "out of memory");
      return NULL;
    }
  sqlite3_extended_result_codes (self->db, 1);
  sqlite3_busy_timeout (self->db, 5000);

  if (!mg_store_exec (self,
                      "PRAGMA journal_mode = WAL;"
                      "PRAGMA synchronous = FULL;"
                      "PRAGMA foreign_keys = ON;",
                      error)
      || !migrate (self, error) || !load_install_secret (self, error))
    {
      g_prefix_error (error, "%s: ", path);
      return NULL;
    }
  return g_steal_pointer (&self);
}

/**
 * mg_store_get_schema_version:
 * @self: a store
 *
 * Returns: the schema version of the open database
 */
guint
mg_store_get_schema_version (MgStore *self)
{
  g_return_val_if_fail (MG_IS_STORE (self), 0);
  return self->schema_version;
}

/**
 * mg_store_get_latest_schema_version:
 *
 * Returns: the schema version this library migrates to
 */
guint
mg_store_get_latest_schema_version (void)
{
  return G_N_ELEMENTS (migrations);
}

/**
 * mg_store_get_path:
 * @self: a store
 *
 * Returns: (type filename): the database file
 */
const char *
mg_store_get_path (MgStore *self)
{
  g_return_val_if_fail (MG_IS_STORE (self), NULL);
  return self->path;
}

/**
 * mg_store_dup_setting:
 * @self: a store
 * @section: a settings section, e.g. "turn"
 *
 * Returns: (transfer full) (nullable): the section as JSON text, or %NULL
 *   when it was never written
 */
char *
mg_store_dup_setting (MgStore *self, const char *section)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (MG_IS_STORE (self), NULL);

  stmt = mg_store_prepare (self, "SELECT value FROM settings WHERE section = ?", NULL);
  if (stmt == NULL)
    return NULL;
  mg_store_bind_text (stmt, 1, section);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return NULL;
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

/**
 * mg_store_set_setting:
 * @self: a store
 * @section: a settings section
 * @json: the whole section as a JSON object
 * @error: return location for a #GError
 *
 * Replaces a settings section in one transaction.
 *
 * Returns: whether the section was written
 */
gboolean
mg_store_set_setting (MgStore *self, const char *section, const char *json, GError **error)
{
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_return_val_if_fail (MG_IS_STORE (self), FALSE);

  stmt = mg_store_prepare (self,
                           "INSERT INTO settings (section, value) VALUES (?, ?) "
                           "ON CONFLICT (section) DO UPDATE SET value = excluded.value",
                           error);
  if (stmt == NULL)
    return FALSE;
  mg_store_bind_text (stmt, 1, section);
  mg_store_bind_text (stmt, 2, json);
  if (!mg_store_step_done (self, stmt, error))
    return FALSE;
  mg_store_emit_changed (self, section);
  return TRUE;
}

/* Runs @stmt as the one statement of a transaction. */
gboolean
mg_store_write_one (MgStore *self, sqlite3_stmt *stmt, GError **error)
{
  if (!mg_store_begin (self, error))
    return FALSE;
  if (!mg_store_step_done (self, stmt, error))
    {
      mg_store_rollback (self);
      return FALSE;
    }
  return mg_store_commit (self, error);
}

/**
 * mg_store_get_install_secret:
 * @self: a store
 *
 * The per-install secret that signs tokens: 32 random bytes made when the
 * store was first created.
 *
 * Returns: (transfer none): the secret
 */
GBytes *
mg_store_get_install_secret (MgStore *self)
{
  g_return_val_if_fail (MG_IS_STORE (self), NULL);
  return self->install_secret;
}
