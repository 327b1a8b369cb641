/* Unit tests for MgLog: levels per domain, rotation, limits, threads. */
#include <glib/gstdio.h>
#include <utime.h>

#include "mediagate.h"
#include "mg-log-private.h"

typedef struct
{
  char *dir;
  MgLog *log;
} Fixture;

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *p = g_build_filename (path, name, NULL);
      g_unlink (p);
    }
  g_rmdir (path);
}

static void
setup (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *tmp = g_dir_make_tmp ("mg-log-XXXXXX", NULL);

  /* a directory that does not exist yet: mg_log_new creates it */
  f->dir = g_build_filename (tmp, "log", NULL);
  g_free (g_steal_pointer (&tmp));
  f->log = mg_log_new (f->dir, &error);
  g_assert_no_error (error);
  mg_log_set_console (f->log, FALSE);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_autofree char *parent = g_path_get_dirname (f->dir);

  g_clear_object (&f->log);
  remove_tree (f->dir);
  g_rmdir (parent);
  g_free (f->dir);
}

static void
emit (MgLog *log, const char *domain, GLogLevelFlags level, const char *message)
{
  const GLogField fields[] = {
    { "GLIB_DOMAIN", domain, -1 },
    { "MESSAGE", message, -1 },
    { "PRIORITY", "6", -1 },
  };

  g_assert_cmpint (mg_log_write (log, level, fields, G_N_ELEMENTS (fields)), ==,
                   G_LOG_WRITER_HANDLED);
}

static char *
read_all_files (Fixture *f, guint *n_files)
{
  g_autoptr (GDir) dir = g_dir_open (f->dir, 0, NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GString *all = g_string_new (NULL);
  const char *name;

  while ((name = g_dir_read_name (dir)))
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (f->dir, names->pdata[i], NULL);
      g_autofree char *text = NULL;

      g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
      g_string_append (all, text);
    }
  if (n_files)
    *n_files = names->len;
  return g_string_free (all, FALSE);
}

static char *
today_file (Fixture *f, guint ordinal)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");
  g_autofree char *name = g_strdup_printf ("mediagated-%s.%u.log", date, ordinal);

  return g_build_filename (f->dir, name, NULL);
}

static void
test_names_todays_file (Fixture *f, gconstpointer data)
{
  g_autofree char *expected = today_file (f, 1);
  g_autofree char *current = mg_log_dup_current_file (f->log);

  g_assert_cmpstr (current, ==, expected);
  g_assert_true (g_file_test (expected, G_FILE_TEST_IS_REGULAR));
}

static void
test_levels_per_domain (Fixture *f, gconstpointer data)
{
  g_autofree char *text = NULL;

  if (g_getenv ("G_MESSAGES_DEBUG") != NULL)
    {
      g_test_skip ("G_MESSAGES_DEBUG changes the default level");
      return;
    }
  g_assert_cmpint (mg_log_get_level (f->log, "sip"), ==, G_LOG_LEVEL_MESSAGE);
  emit (f->log, "mediagate-sip", G_LOG_LEVEL_MESSAGE, "sip message shown");
  emit (f->log, "mediagate-sip", G_LOG_LEVEL_INFO, "sip info hidden");
  emit (f->log, "mediagate-sip", G_LOG_LEVEL_DEBUG, "sip debug hidden");
  emit (f->log, "mediagate", G_LOG_LEVEL_WARNING, "main warning shown");

  /* run-time change, by short name and by full domain */
  g_assert_true (mg_log_set_level (f->log, "sip", G_LOG_LEVEL_DEBUG, NULL));
  g_assert_true (mg_log_set_level (f->log, "mediagate-store", G_LOG_LEVEL_WARNING, NULL));
  g_assert_cmpint (mg_log_get_level (f->log, "mediagate-sip"), ==, G_LOG_LEVEL_DEBUG);
  emit (f->log, "mediagate-sip", G_LOG_LEVEL_DEBUG, "sip debug now shown");
  emit (f->log, "mediagate-store", G_LOG_LEVEL_MESSAGE, "store message now hidden");
  emit (f->log, "mediagate-store", G_LOG_LEVEL_CRITICAL, "store critical shown");
  emit (f->log, "mediagate-cti", G_LOG_LEVEL_DEBUG, "cti debug hidden");
  emit (f->log, "mediagate-store", G_LOG_LEVEL_ERROR | G_LOG_FLAG_FATAL, "fatal always shown");

  /* the default for everything else */
  g_assert_true (mg_log_set_level (f->log, NULL, G_LOG_LEVEL_DEBUG, NULL));
  emit (f->log, "mediagate-cti", G_LOG_LEVEL_DEBUG, "cti debug by default");
  emit (f->log, "mediagate-store", G_LOG_LEVEL_INFO, "store info still hidden");

  text = read_all_files (f, NULL);
  for (guint i = 0; i < 2; i++)
    {
      static const char *const shown[] = { "sip message shown",   "main warning shown",
                                           "sip debug now shown", "store critical shown",
                                           "fatal always shown",  "cti debug by default" };
      static const char *const hidden[] = { "sip info hidden", "sip debug hidden",
                                            "store message now hidden", "cti debug hidden",
                                            "store info still hidden" };
      for (gsize k = 0; i == 0 && k < G_N_ELEMENTS (shown); k++)
        g_assert_nonnull (strstr (text, shown[k]));
      for (gsize k = 0; i == 1 && k < G_N_ELEMENTS (hidden); k++)
        g_assert_null (strstr (text, hidden[k]));
    }
  g_assert_nonnull (strstr (text, " debug mediagate-sip: sip debug now shown\n"));
}

static void
test_bad_domain_and_level_change_nothing (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) domains = NULL;
  GLogLevelFlags level = 0;
  static const char *const bad[] = { "", "SIP", "GLib-GIO", "sip/x", "-x", "mediagate-" };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_assert_false (mg_log_set_level (f->log, bad[i], G_LOG_LEVEL_DEBUG, &error));
      g_assert_error (error, MG_LOG_ERROR, MG_LOG_ERROR_DOMAIN);
      g_clear_error (&error);
    }
  g_assert_false (mg_log_set_level (f->log, "sip", G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO, &error));
  g_assert_error (error, MG_LOG_ERROR, MG_LOG_ERROR_LEVEL);
  g_clear_error (&error);
  domains = mg_log_dup_domains (f->log);
  if (g_getenv ("G_MESSAGES_DEBUG") == NULL)
    g_assert_cmpuint (g_strv_length (domains), ==, 0);

  g_assert_true (mg_log_level_from_string ("Debug", &level, NULL));
  g_assert_cmpint (level, ==, G_LOG_LEVEL_DEBUG);
  g_assert_cmpstr (mg_log_level_to_string (G_LOG_LEVEL_WARNING), ==, "warning");
  g_assert_false (mg_log_level_from_string ("verbose", &level, &error));
  g_assert_error (error, MG_LOG_ERROR, MG_LOG_ERROR_LEVEL);
}

static void
test_rotates_by_size (Fixture *f, gconstpointer data)
{
  g_autofree char *line = g_strnfill (300, 'x');
  g_autofree char *first = today_file (f, 1);
  g_autofree char *second = today_file (f, 2);
  g_autofree char *third = today_file (f, 3);
  g_autofree char *current = NULL;
  GStatBuf st;

  mg_log_set_max_file_size (f->log, 1024);
  for (guint i = 0; i < 5; i++) /* about 350 bytes each: 2 fit in a file */
    emit (f->log, "mediagate", G_LOG_LEVEL_MESSAGE, line);

  g_assert_cmpint (g_stat (first, &st), ==, 0);
  g_assert_cmpint (st.st_size, <=, 1024);
  g_assert_cmpint (st.st_size, >, 600);
  g_assert_cmpint (g_stat (second, &st), ==, 0);
  g_assert_cmpint (st.st_size, <=, 1024);
  g_assert_true (g_file_test (third, G_FILE_TEST_IS_REGULAR));
  current = mg_log_dup_current_file (f->log);
  g_assert_cmpstr (current, ==, third);
}

static void
test_restart_appends_then_continues (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *first = today_file (f, 1);
  g_autofree char *second = today_file (f, 2);
  g_autofree char *current = NULL;
  g_autofree char *text = NULL;

  emit (f->log, "mediagate", G_LOG_LEVEL_MESSAGE, "before restart");
  g_clear_object (&f->log);
  f->log = mg_log_new (f->dir, &error);
  g_assert_no_error (error);
  mg_log_set_console (f->log, FALSE);
  emit (f->log, "mediagate", G_LOG_LEVEL_MESSAGE, "after restart");
  current = mg_log_dup_current_file (f->log);
  g_assert_cmpstr (current, ==, first);
  g_assert_true (g_file_get_contents (first, &text, NULL, NULL));
  g_assert_nonnull (strstr (text, "before restart"));
  g_assert_nonnull (strstr (text, "after restart"));
  g_assert_false (g_file_test (second, G_FILE_TEST_EXISTS));
}

static void
test_keeps_count (Fixture *f, gconstpointer data)
{
  g_autofree char *line = g_strnfill (600, 'y');
  guint n_files = 0;
  g_autofree char *text = NULL;
  g_autofree char *newest = today_file (f, 8);
  g_autofree char *oldest = today_file (f, 1);

  mg_log_set_max_file_size (f->log, 1024);
  mg_log_set_max_files (f->log, 3);
  for (guint i = 0; i < 8; i++) /* one line per file */
    emit (f->log, "mediagate", G_LOG_LEVEL_MESSAGE, line);
  g_free (read_all_files (f, &n_files));
  g_assert_cmpuint (n_files, ==, 3);
  g_assert_true (g_file_test (newest, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (oldest, G_FILE_TEST_EXISTS));

  /* a lower count applies at once */
  mg_log_set_max_files (f->log, 1);
  text = read_all_files (f, &n_files);
  g_assert_cmpuint (n_files, ==, 1);
  g_assert_true (g_file_test (newest, G_FILE_TEST_EXISTS));
}

static char *
make_old_file (Fixture *f, const char *name, guint days_ago)
{
  g_autofree char *path = g_build_filename (f->dir, name, NULL);
  struct utimbuf times;

  g_assert_true (g_file_set_contents (path, "old\n", -1, NULL));
  times.actime = times.modtime = time (NULL) - (time_t) days_ago * 24 * 60 * 60;
  g_assert_cmpint (g_utime (path, &times), ==, 0);
  return g_steal_pointer (&path);
}

static void
test_retention_by_age (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *ancient = make_old_file (f, "mediagated-2000-01-01.1.log", 40);
  g_autofree char *recent = make_old_file (f, "mediagated-2000-01-02.1.log", 3);
  g_autofree char *other = make_old_file (f, "notes.txt", 400);
  g_autofree char *current = NULL;

  /* at start: the 40-day-old file goes (default 30 days) */
  g_clear_object (&f->log);
  f->log = mg_log_new (f->dir, &error);
  g_assert_no_error (error);
  mg_log_set_console (f->log, FALSE);
  g_assert_false (g_file_test (ancient, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (recent, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (other, G_FILE_TEST_EXISTS)); /* not ours: never touched */

  /* a shorter retention applies at once, but never to the file being written */
  mg_log_set_retention_days (f->log, 2);
  g_assert_false (g_file_test (recent, G_FILE_TEST_EXISTS));
  current = mg_log_dup_current_file (f->log);
  g_assert_true (g_file_test (current, G_FILE_TEST_EXISTS));
}

static gint64 fake_now;

static gint64
fake_clock (void)
{
  return fake_now;
}

static void
test_rotates_at_midnight (Fixture *f, gconstpointer data)
{
  g_autoptr (GDateTime) evening = g_date_time_new_local (2030, 6, 1, 23, 59, 59);
  g_autofree char *first = g_build_filename (f->dir, "mediagated-2030-06-01.1.log", NULL);
  g_autofree char *second = g_build_filename (f->dir, "mediagated-2030-06-02.1.log", NULL);
  g_autofree char *text = NULL;

  /* the files' real mtimes are years before the fake clock: no age limit */
  mg_log_set_retention_days (f->log, 0);
  fake_now = g_date_time_to_unix (evening) * G_USEC_PER_SEC;
  mg_log_set_clock (f->log, fake_clock);
  emit (f->log, "mediagate", G_LOG_LEVEL_MESSAGE, "late");
  fake_now += 2 * G_USEC_PER_SEC;
  emit (f->log, "mediagate", G_LOG_LEVEL_MESSAGE, "early");
  g_assert_true (g_file_get_contents (first, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "2030-06-01 23:59:59."));
  g_clear_pointer (&text, g_free);
  g_assert_true (g_file_get_contents (second, &text, NULL, NULL));
  g_assert_true (g_str_has_prefix (text, "2030-06-02 00:00:01."));
  g_assert_nonnull (strstr (text, "early"));
}

#define N_THREADS 8
#define N_LINES 400

static gpointer
log_from_thread (gpointer data)
{
  Fixture *f = data;

  for (guint i = 0; i < N_LINES; i++)
    {
      g_autofree char *msg = g_strdup_printf ("thread %p line %u end", g_thread_self (), i);
      emit (f->log, "mediagate-media", G_LOG_LEVEL_MESSAGE, msg);
      if (i == N_LINES / 2)
        mg_log_set_level (f->log, "media", G_LOG_LEVEL_INFO, NULL);
    }
  return NULL;
}

static void
test_threads (Fixture *f, gconstpointer data)
{
  GThread *threads[N_THREADS];
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  guint n_files = 0, n_lines = 0;

  mg_log_set_max_file_size (f->log, 8192);
  mg_log_set_max_files (f->log, 10000);
  for (guint i = 0; i < N_THREADS; i++)
    threads[i] = g_thread_new ("logger", log_from_thread, f);
  for (guint i = 0; i < N_THREADS; i++)
    g_thread_join (threads[i]);

  text = read_all_files (f, &n_files);
  g_assert_cmpuint (n_files, >, 5);
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (lines[i][0] == '\0')
        continue;
      /* whole lines only: no interleaving */
      g_assert_true (g_str_has_suffix (lines[i], " end"));
      g_assert_nonnull (strstr (lines[i], " message mediagate-media: thread "));
      n_lines++;
    }
  g_assert_cmpuint (n_lines, ==, N_THREADS * N_LINES);
}

static void
add (const char *path, void (*func) (Fixture *, gconstpointer))
{
  g_test_add (path, Fixture, NULL, setup, func, teardown);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  mg_init ();

  add ("/log/names-todays-file", test_names_todays_file);
  add ("/log/levels-per-domain", test_levels_per_domain);
  add ("/log/bad-domain-and-level", test_bad_domain_and_level_change_nothing);
  add ("/log/rotates-by-size", test_rotates_by_size);
  add ("/log/restart-appends", test_restart_appends_then_continues);
  add ("/log/keeps-count", test_keeps_count);
  add ("/log/retention-by-age", test_retention_by_age);
  add ("/log/rotates-at-midnight", test_rotates_at_midnight);
  add ("/log/threads", test_threads);
  return g_test_run ();
}
