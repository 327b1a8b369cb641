/* Unit tests for MgStore: migrations, WAL, settings, admins. */
#include <glib/gstdio.h>

#include "mediagate.h"
#include "mg-store-private.h"

typedef struct
{
  char *dir;
  char *path;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  f->dir = g_dir_make_tmp ("mg-store-XXXXXX", NULL);
  f->path = g_build_filename (f->dir, "mediagate.db", NULL);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_autoptr (GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *p = g_build_filename (f->dir, name, NULL);
      g_unlink (p);
    }
  g_rmdir (f->dir);
  g_free (f->path);
  g_free (f->dir);
}

static void
test_migrates_to_latest (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MgStore) store = mg_store_open (f->path, &error);
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (mg_store_get_schema_version (store), ==, mg_store_get_latest_schema_version ());

  stmt = mg_store_prepare (store, "PRAGMA journal_mode", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "wal");
  g_clear_pointer (&stmt, sqlite3_finalize);

  stmt = mg_store_prepare (store, "PRAGMA foreign_keys", &error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
}

static void
test_reopen_keeps_data_and_secret (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MgStore) first = mg_store_open (f->path, &error);
  g_autoptr (GBytes) secret = g_bytes_ref (mg_store_get_install_secret (first));
  g_autoptr (MgStore) second = NULL;
  g_autofree char *value = NULL;

  g_assert_cmpuint (g_bytes_get_size (secret), ==, 32);
  g_assert_true (mg_store_set_setting (first, "turn", "{\"ttl\":600}", &error));
  g_clear_object (&first);

  second = mg_store_open (f->path, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (secret, mg_store_get_install_secret (second)));
  value = mg_store_dup_setting (second, "turn");
  g_assert_cmpstr (value, ==, "{\"ttl\":600}");
}

static void
test_refuses_newer_schema (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MgStore) store = mg_store_open (f->path, &error);
  g_autofree char *sql = g_strdup_printf ("PRAGMA user_version = %u",
                                          mg_store_get_latest_schema_version () + 1);

  g_assert_true (mg_store_exec (store, sql, &error));
  g_clear_object (&store);
  store = mg_store_open (f->path, &error);
  g_assert_null (store);
  g_assert_error (error, MG_STORE_ERROR, MG_STORE_ERROR_SCHEMA);
}

static void
test_settings_must_be_json (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MgStore) store = mg_store_open (f->path, &error);

  g_assert_false (mg_store_set_setting (store, "turn", "{not json", &error));
  g_assert_error (error, MG_STORE_ERROR, MG_STORE_ERROR_INVALID);
  g_assert_null (mg_store_dup_setting (store, "turn"));
}

static void
test_admins (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MgStore) store = mg_store_open (f->path, &error);
  g_autoptr (sqlite3_stmt) stmt = NULL;

  g_assert_cmpuint (mg_store_count_admins (store), ==, 0);
  g_assert_true (mg_store_add_admin (store, "alice", "correct horse", &error));
  g_assert_no_error (error);
  g_assert_false (mg_store_add_admin (store, "alice", "another one", &error));
  g_assert_error (error, MG_STORE_ERROR, MG_STORE_ERROR_CONFLICT);
  g_clear_error (&error);
  g_assert_false (mg_store_add_admin (store, "bob", "short", &error));
  g_assert_error (error, MG_STORE_ERROR, MG_STORE_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (mg_store_add_admin (store, "bad name", "long enough", &error));
  g_assert_error (error, MG_STORE_ERROR, MG_STORE_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_true (mg_store_check_admin (store, "alice", "correct horse"));
  g_assert_false (mg_store_check_admin (store, "alice", "correct horsE"));
  g_assert_false (mg_store_check_admin (store, "nobody", "correct horse"));

  /* only a yescrypt hash is stored */
  stmt = mg_store_prepare (store, "SELECT password_hash FROM admins", &error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_true (g_str_has_prefix ((const char *) sqlite3_column_text (stmt, 0), "$y$"));

  g_assert_true (mg_store_set_admin_password (store, "alice", "battery staple", &error));
  g_assert_true (mg_store_check_admin (store, "alice", "battery staple"));
  g_assert_false (mg_store_check_admin (store, "alice", "correct horse"));
  g_assert_false (mg_store_set_admin_password (store, "nobody", "battery staple", &error));
  g_assert_error (error, MG_STORE_ERROR, MG_STORE_ERROR_NOT_FOUND);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  mg_init ();
  g_test_add ("/store/migrates-to-latest", Fixture, NULL, setup, test_migrates_to_latest, teardown);
  g_test_add ("/store/reopen-keeps-data-and-secret", Fixture, NULL, setup,
              test_reopen_keeps_data_and_secret, teardown);
  g_test_add ("/store/refuses-newer-schema", Fixture, NULL, setup, test_refuses_newer_schema,
              teardown);
  g_test_add ("/store/settings-must-be-json", Fixture, NULL, setup, test_settings_must_be_json,
              teardown);
  g_test_add ("/store/admins", Fixture, NULL, setup, test_admins, teardown);
  return g_test_run ();
}
