/* Unit tests for the client log files: line sanitising, names, rollover,
 * retention, listing and deleting. */
#include <glib/gstdio.h>

#include "mediagate.h"
#include "mg-client-log-store-private.h"

/* 2026-03-01 10:00:00 UTC */
#define T0 (G_GINT64_CONSTANT (1772359200) * G_USEC_PER_SEC)
#define DAY (G_GINT64_CONSTANT (24) * 3600 * G_USEC_PER_SEC)

typedef struct
{
  char *root;
  MgClientLogStore *store;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("mg-clientlog-XXXXXX", &error);

  g_assert_no_error (error);
  f->root = g_build_filename (tmp, "clients", NULL);
  f->store = mg_client_log_store_new (f->root);
}

static void
remove_all (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_all (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_autofree char *tmp = g_path_get_dirname (f->root);

  g_object_unref (f->store);
  remove_all (tmp);
  g_free (f->root);
}

static char *
read_file (Fixture *f, const char *date, const char *name)
{
  g_autofree char *path = g_build_filename (f->root, date, name, NULL);
  char *text = NULL;

  if (!g_file_get_contents (path, &text, NULL, NULL))
    return NULL;
  return text;
}

static void
test_sanitize (void)
{
  struct
  {
    const char *in, *out;
  } cases[] = {
    { "plain line", "plain line" },
    { "a\tb", "a b" },
    { "new\nline\r\x1b[31mred\x7f", "newline[31mred" },
    { "c1 \xc2\x85 and \xe2\x80\xa8 sep \xe2\x80\xae bidi", "c1  and  sep  bidi" },
    { "token mg1.eyJrIjoic2Vzc2lvbiJ9.c2lnbmF0dXJl end", "token mg1.[redacted] end" },
    { "umlaut äöü €", "umlaut äöü €" },
    { "", "" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *out = mg_client_log_sanitize_line (cases[i].in, strlen (cases[i].in),
                                                          MG_CLIENT_LOG_MAX_LINE, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (out, ==, cases[i].out);
    }
}

static void
test_sanitize_refuses (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *big = g_strnfill (MG_CLIENT_LOG_MAX_LINE + 1, 'x');
  g_autofree char *exact = g_strnfill (MG_CLIENT_LOG_MAX_LINE, 'x');
  g_autofree char *out = NULL;
  static const char binary[] = "\xff\xfe\x00\x01";

  out = mg_client_log_sanitize_line (big, strlen (big), MG_CLIENT_LOG_MAX_LINE, &error);
  g_assert_error (error, MG_CLIENT_LOG_ERROR, MG_CLIENT_LOG_ERROR_TOO_LONG);
  g_assert_null (out);
  g_clear_error (&error);
  out = mg_client_log_sanitize_line (binary, sizeof binary - 1, MG_CLIENT_LOG_MAX_LINE, &error);
  g_assert_error (error, MG_CLIENT_LOG_ERROR, MG_CLIENT_LOG_ERROR_NOT_TEXT);
  g_assert_null (out);
  g_clear_error (&error);
  out = mg_client_log_sanitize_line (exact, strlen (exact), MG_CLIENT_LOG_MAX_LINE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (out), ==, MG_CLIENT_LOG_MAX_LINE);
}

static void
test_names (void)
{
  const char *good_dates[] = { "2026-03-01", "2024-02-29", "1999-12-31" };
  const char *bad_dates[] = { "2026-3-01", "2026-02-30",    "2023-02-29",
                              "..",        "2026-03-01/..", "2026_03_01",
                              "",          "2026-13-01",    "0000-01-01" };
  struct
  {
    const char *name, *extension;
    guint part;
  } good_files[] = { { "1000.log", "1000", 0 },
                     { "1000.log.1", "1000", 1 },
                     { "+4930123.log.12", "+4930123", 12 } };
  const char *bad_files[] = {
    "1000",     "1000.log.0", "1000.log.01",   "1000.logx", "../1000.log",
    "10a0.log", ".log",       "1000.log.1/..", "1000.log.", "x/1000.log"
  };

  for (gsize i = 0; i < G_N_ELEMENTS (good_dates); i++)
    g_assert_true (mg_client_log_date_is_valid (good_dates[i]));
  for (gsize i = 0; i < G_N_ELEMENTS (bad_dates); i++)
    g_assert_false (mg_client_log_date_is_valid (bad_dates[i]));
  for (gsize i = 0; i < G_N_ELEMENTS (good_files); i++)
    {
      g_autofree char *extension = NULL;
      guint part = 99;

      g_assert_true (mg_client_log_parse_file_name (good_files[i].name, &extension, &part));
      g_assert_cmpstr (extension, ==, good_files[i].extension);
      g_assert_cmpuint (part, ==, good_files[i].part);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad_files); i++)
    g_assert_false (mg_client_log_parse_file_name (bad_files[i], NULL, NULL));
}

static void
test_append (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *next_day = NULL;

  g_assert_true (mg_client_log_store_append (f->store, "1000", T0 + 123000, "hello", &error));
  g_assert_true (
    mg_client_log_store_append (f->store, "1000", T0 + 2 * G_USEC_PER_SEC, "again", &error));
  g_assert_true (mg_client_log_store_append (f->store, "1001", T0, "other", &error));
  g_assert_true (mg_client_log_store_append (f->store, "1000", T0 + DAY, "tomorrow", &error));
  g_assert_no_error (error);
  text = read_file (f, "2026-03-01", "1000.log");
  g_assert_cmpstr (text, ==, "2026-03-01 10:00:00.123 hello\n2026-03-01 10:00:02.000 again\n");
  g_free (text);
  text = read_file (f, "2026-03-01", "1001.log");
  g_assert_cmpstr (text, ==, "2026-03-01 10:00:00.000 other\n");
  next_day = read_file (f, "2026-03-02", "1000.log");
  g_assert_cmpstr (next_day, ==, "2026-03-02 10:00:00.000 tomorrow\n");
}

static void
test_rollover (Fixture *f, gconstpointer data)
{
  g_autofree char *line = g_strnfill (400, 'a');
  g_autofree char *newest = NULL;
  g_autofree char *older = NULL;
  g_autofree char *oldest = NULL;
  g_autofree char *gone = NULL;

  /* 1024-byte files hold two 425-byte lines; 3 files per extension and day */
  mg_client_log_store_set_limits (f->store, 1024, 3, 7);
  for (int i = 0; i < 8; i++)
    {
      g_autofree char *numbered = g_strdup_printf ("%d%s", i, line);
      g_assert_true (mg_client_log_store_append (f->store, "1000", T0, numbered, NULL));
    }
  newest = read_file (f, "2026-03-01", "1000.log");
  older = read_file (f, "2026-03-01", "1000.log.1");
  oldest = read_file (f, "2026-03-01", "1000.log.2");
  gone = read_file (f, "2026-03-01", "1000.log.3");
  g_assert_nonnull (strstr (newest, " 6aaa"));
  g_assert_nonnull (strstr (newest, " 7aaa"));
  g_assert_nonnull (strstr (older, " 4aaa"));
  g_assert_nonnull (strstr (oldest, " 2aaa"));
  g_assert_nonnull (strstr (oldest, " 3aaa"));
  g_assert_null (gone);
  g_assert_cmpuint (strlen (newest), <=, 1024);
}

static void
test_retention (Fixture *f, gconstpointer data)
{
  g_autofree char *kept = NULL;

  mg_client_log_store_set_limits (f->store, 1 << 20, 10, 2);
  for (int d = 0; d < 5; d++)
    g_assert_true (mg_client_log_store_append (f->store, "1000", T0 + d * DAY, "x", NULL));
  /* something that is not ours stays */
  kept = g_build_filename (f->root, "notes", NULL);
  g_assert_true (g_file_set_contents (kept, "mine", -1, NULL));

  /* now is 2026-03-05: 03-03 is the oldest date within 2 days */
  g_assert_cmpuint (mg_client_log_store_prune (f->store, T0 + 4 * DAY), ==, 2);
  g_assert_true (g_file_test (f->root, G_FILE_TEST_IS_DIR));
  for (int d = 0; d < 5; d++)
    {
      g_autofree char *date = mg_client_log_format_date (T0 + d * DAY);
      g_autofree char *day = g_build_filename (f->root, date, NULL);
      g_assert_cmpint (g_file_test (day, G_FILE_TEST_IS_DIR), ==, d >= 2);
    }
  g_assert_true (g_file_test (kept, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (mg_client_log_store_prune (f->store, T0 + 4 * DAY), ==, 0);
}

static void
test_list_and_delete (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) all = NULL;
  g_autoptr (JsonObject) one = NULL;
  g_autofree char *path = NULL;
  JsonArray *dates, *files;

  g_assert_true (mg_client_log_store_append (f->store, "1001", T0, "b", NULL));
  g_assert_true (mg_client_log_store_append (f->store, "1000", T0, "a", NULL));
  g_assert_true (mg_client_log_store_append (f->store, "1000", T0 + DAY, "c", NULL));
  all = mg_client_log_store_list (f->store, NULL, &error);
  g_assert_no_error (error);
  dates = json_object_get_array_member (all, "dates");
  g_assert_cmpuint (json_array_get_length (dates), ==, 2);
  one = json_object_ref (json_array_get_object_element (dates, 0));
  g_assert_cmpstr (json_object_get_string_member (one, "date"), ==, "2026-03-01");
  files = json_object_get_array_member (one, "files");
  g_assert_cmpuint (json_array_get_length (files), ==, 2);
  g_assert_cmpstr (
    json_object_get_string_member (json_array_get_object_element (files, 0), "extension"), ==,
    "1000");
  g_assert_cmpint (json_object_get_int_member (json_array_get_object_element (files, 0), "size"),
                   ==, 26);

  path = mg_client_log_store_file_path (f->store, "2026-03-01", "1000.log", &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (path, "/clients/2026-03-01/1000.log"));
  g_clear_pointer (&path, g_free);

  /* traversal and unknown names */
  path = mg_client_log_store_file_path (f->store, "2026-03-01", "../2026-03-02/1000.log", &error);
  g_assert_error (error, MG_CLIENT_LOG_ERROR, MG_CLIENT_LOG_ERROR_INVALID);
  g_clear_error (&error);
  path = mg_client_log_store_file_path (f->store, "..", "1000.log", &error);
  g_assert_error (error, MG_CLIENT_LOG_ERROR, MG_CLIENT_LOG_ERROR_INVALID);
  g_clear_error (&error);
  path = mg_client_log_store_file_path (f->store, "2026-03-01", "1002.log", &error);
  g_assert_error (error, MG_CLIENT_LOG_ERROR, MG_CLIENT_LOG_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (mg_client_log_store_delete_date (f->store, "2026-03-09", &error));
  g_assert_error (error, MG_CLIENT_LOG_ERROR, MG_CLIENT_LOG_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (mg_client_log_store_delete_file (f->store, "2026-03-01", "1001.log", &error));
  g_assert_false (mg_client_log_store_delete_file (f->store, "2026-03-01", "1001.log", NULL));
  g_assert_true (mg_client_log_store_delete_date (f->store, "2026-03-02", &error));
  g_assert_no_error (error);
  g_clear_pointer (&all, json_object_unref);
  all = mg_client_log_store_list (f->store, NULL, NULL);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (all, "dates")), ==, 1);
}

int
main (int argc, char **argv)
{
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/client-log/sanitize", test_sanitize);
  g_test_add_func ("/client-log/sanitize-refuses", test_sanitize_refuses);
  g_test_add_func ("/client-log/names", test_names);
  g_test_add ("/client-log/append", Fixture, NULL, fixture_set_up, test_append, fixture_tear_down);
  g_test_add ("/client-log/rollover", Fixture, NULL, fixture_set_up, test_rollover,
              fixture_tear_down);
  g_test_add ("/client-log/retention", Fixture, NULL, fixture_set_up, test_retention,
              fixture_tear_down);
  g_test_add ("/client-log/list-and-delete", Fixture, NULL, fixture_set_up, test_list_and_delete,
              fixture_tear_down);
  return g_test_run ();
}
