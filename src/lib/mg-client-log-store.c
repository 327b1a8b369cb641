/* mg-client-log-store.c: the browser phones' log lines on disk,
 * clients/YYYY-MM-DD/EXT.log under the log directory
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-clientlog"

#include "mg-build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mg-client-log-store-private.h"
#include "mg-extension.h"

/* MgClientLogStore: one directory per (local) date, one file per extension,
 * `EXT.log` rolled over by size to `EXT.log.1`, `EXT.log.2`, … (the highest
 * number is the oldest; at most max_files files per extension and day).
 * Each line is prefixed with the server's time. A date directory older than
 * the retention is deleted by prune(). Names that come from outside (dates,
 * file names) are validated against these exact shapes before any path is
 * built, so nothing outside the directory can be reached. */

#define DEFAULT_MAX_FILE_SIZE (10 * 1024 * 1024)
#define DEFAULT_MAX_FILES 10
#define DEFAULT_RETENTION_DAYS 7

struct _MgClientLogStore
{
  GObject parent_instance;

  char *directory;
  guint64 max_file_size;
  guint max_files;
  guint retention_days;
};

G_DEFINE_FINAL_TYPE (MgClientLogStore, mg_client_log_store, G_TYPE_OBJECT)

GQuark
mg_client_log_error_quark (void)
{
  /* spelled out rather than G_DEFINE_QUARK, whose dashed name clang-format mangles */
  return g_quark_from_static_string ("mg-client-log-error-quark");
}

/* -- lines ----------------------------------------------------------------- */

/* C0 and C1 controls, DEL, line/paragraph separators and bidi overrides:
 * none may reach a file that people read with a terminal or an editor. */
static gboolean
is_control (gunichar c)
{
  return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029
         || (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

static GRegex *
token_pattern (void)
{
  static gsize once;
  static GRegex *pattern;

  if (g_once_init_enter (&once))
    {
      pattern = g_regex_new ("mg1\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+", G_REGEX_OPTIMIZE, 0, NULL);
      g_once_init_leave (&once, 1);
    }
  return pattern;
}

/* One line from a client as it may be written: at most @max bytes of UTF-8
 * in, control characters dropped (a tab becomes a space), Mediagate tokens
 * replaced by "mg1.[redacted]". An empty result means nothing to write. */
char *
mg_client_log_sanitize_line (const char *data, gsize size, gsize max, GError **error)
{
  g_autoptr (GString) clean = NULL;
  const char *end = data + size;

  if (size > max)
    {
      g_set_error (error, MG_CLIENT_LOG_ERROR, MG_CLIENT_LOG_ERROR_TOO_LONG,
                   _("a line may have at most %" G_GSIZE_FORMAT " bytes"), max);
      return NULL;
    }
  if (!g_utf8_validate_len (data, size, NULL))
    {
      g_set_error (error, MG_CLIENT_LOG_ERROR, MG_CLIENT_LOG_ERROR_NOT_TEXT,
                   _("a line must be UTF-8 text"));
      return NULL;
    }
  clean = g_string_sized_new (size);
  for (const char *p = data; p < end; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\t')
        g_string_append_c (clean, ' ');
      else if (!is_control (c))
        g_string_append_len (clean, p, g_utf8_next_char (p) - p);
    }
  return g_regex_replace_literal (token_pattern (), clean->str, clean->len, 0, "mg1.[redacted]", 0,
                                  NULL);
}

/* -- names ----------------------------------------------------------------- */

/* "YYYY-MM-DD", a real date, exactly. */
gboolean
mg_client_log_date_is_valid (const char *date)
{
  guint64 y, m, d;
  char part[5];

  if (date == NULL || strlen (date) != 10 || date[4] != '-' || date[7] != '-')
    return FALSE;
  for (guint i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (date[i]))
      return FALSE;
  memcpy (part, date, 4), part[4] = '\0';
  y = g_ascii_strtoull (part, NULL, 10);
  memcpy (part, date + 5, 2), part[2] = '\0';
  m = g_ascii_strtoull (part, NULL, 10);
  memcpy (part, date + 8, 2), part[2] = '\0';
  d = g_ascii_strtoull (part, NULL, 10);
  return y >= 1 && m >= 1 && m <= 12 && d >= 1 && g_date_valid_dmy (d, m, y);
}

/* "1000.log" (part 0) or "1000.log.3" (part 3), the extension a valid number. */
gboolean
mg_client_log_parse_file_name (const char *name, char **extension, guint *part)
{
  const char *dot = name ? strstr (name, ".log") : NULL;
  g_autofree char *number = NULL;
  guint64 n = 0;

  if (dot == NULL)
    return FALSE;
  number = g_strndup (name, dot - name);
  if (!mg_extension_number_is_valid (number))
    return FALSE;
  if (dot[4] != '\0'
      && (dot[4] != '.' || dot[5] == '0'
          || !g_ascii_string_to_unsigned (dot + 5, 10, 1, 9999, &n, NULL)))
    return FALSE;
  if (extension != NULL)
    *extension = g_steal_pointer (&number);
  if (part != NULL)
    *part = (guint) n;
  return TRUE;
}

char *
mg_client_log_format_date (gint64 now_us)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_local (now_us / G_USEC_PER_SEC);

  return g_date_time_format (dt, "%Y-%m-%d");
}

static char *
format_stamp (gint64 now_us)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_local (now_us / G_USEC_PER_SEC);
  g_autofree char *seconds = g_date_time_format (dt, "%Y-%m-%d %H:%M:%S");

  return g_strdup_printf ("%s.%03d", seconds, (int) (now_us % G_USEC_PER_SEC / 1000));
}

static char *
part_name (const char *extension, guint part)
{
  return part == 0 ? g_strdup_printf ("%s.log", extension)
                   : g_strdup_printf ("%s.log.%u", extension, part);
}

/* -- the object -------------------------------------------------------------- */

static void
mg_client_log_store_finalize (GObject *object)
{
  MgClientLogStore *self = MG_CLIENT_LOG_STORE (object);

  g_free (self->directory);
  G_OBJECT_CLASS (mg_client_log_store_parent_class)->finalize (object);
}

static void
mg_client_log_store_class_init (MgClientLogStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mg_client_log_store_finalize;
}

static void
mg_client_log_store_init (MgClientLogStore *self)
{
  self->max_file_size = DEFAULT_MAX_FILE_SIZE;
  self->max_files = DEFAULT_MAX_FILES;
  self->retention_days = DEFAULT_RETENTION_DAYS;
}

/* @directory: where the date directories go (`<log-dir>/clients`) */
MgClientLogStore *
mg_client_log_store_new (const char *directory)
{
  MgClientLogStore *self = g_object_new (MG_TYPE_CLIENT_LOG_STORE, NULL);

  self->directory = g_strdup (directory);
  return self;
}

const char *
mg_client_log_store_get_directory (MgClientLogStore *self)
{
  return self->directory;
}

void
mg_client_log_store_set_limits (MgClientLogStore *self, guint64 max_file_size, guint max_files,
                                guint retention_days)
{
  self->max_file_size = MAX (max_file_size, 1024);
  self->max_files = MAX (max_files, 1);
  self->retention_days = MAX (retention_days, 1);
}

static gboolean
set_errno_error (GError **error, const char *what, const char *path)
{
  int saved = errno;

  g_set_error (error, MG_CLIENT_LOG_ERROR, MG_CLIENT_LOG_ERROR_FAILED, "%s %s: %s", what, path,
               g_strerror (saved));
  return FALSE;
}

/* EXT.log -> EXT.log.1 -> … -> EXT.log.<max_files-1>; the oldest goes. */
static void
roll_over (MgClientLogStore *self, const char *day, const char *extension)
{
  for (guint part = self->max_files; part > 0; part--)
    {
      g_autofree char *name = part_name (extension, part - 1);
      g_autofree char *from = g_build_filename (day, name, NULL);
      g_autofree char *next_name = part_name (extension, part);
      g_autofree char *to = g_build_filename (day, next_name, NULL);

      if (part == self->max_files)
        g_unlink (from);
      else
        g_rename (from, to);
    }
}

static int
open_for_append (const char *path, guint64 *size)
{
  struct stat st;
  int fd = g_open (path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0640);

  if (fd >= 0 && fstat (fd, &st) != 0)
    {
      close (fd);
      return -1;
    }
  if (fd >= 0)
    *size = st.st_size;
  return fd;
}

/* Writes "<server time> <line>\n" to today's file of @extension, rolling it
 * over first when the line would take it past the size limit. */
gboolean
mg_client_log_store_append (MgClientLogStore *self, const char *extension, gint64 now_us,
                            const char *line, GError **error)
{
  g_autofree char *date = mg_client_log_format_date (now_us);
  g_autofree char *day = g_build_filename (self->directory, date, NULL);
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autofree char *stamp = format_stamp (now_us);
  g_autofree char *text = g_strdup_printf ("%s %s\n", stamp, line);
  gsize length = strlen (text);
  guint64 size = 0;
  gssize written;
  int fd;

  g_return_val_if_fail (mg_extension_number_is_valid (extension), FALSE);

  if (g_mkdir_with_parents (day, 0750) != 0)
    return set_errno_error (error, _("cannot create"), day);
  name = part_name (extension, 0);
  path = g_build_filename (day, name, NULL);
  fd = open_for_append (path, &size);
  if (fd >= 0 && size > 0 && size + length > self->max_file_size)
    {
      close (fd);
      roll_over (self, day, extension);
      fd = open_for_append (path, &size);
    }
  if (fd < 0)
    return set_errno_error (error, _("cannot write"), path);
  written = write (fd, text, length);
  if (written != (gssize) length)
    {
      set_errno_error (error, _("cannot write"), path);
      close (fd);
      return FALSE;
    }
  close (fd);
  return TRUE;
}

static gboolean
remove_tree (const char *day)
{
  g_autoptr (GDir) dir = g_dir_open (day, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (day, name, NULL);

      if (mg_client_log_parse_file_name (name, NULL, NULL))
        g_unlink (path);
    }
  return g_rmdir (day) == 0;
}

/* Deletes the date directories older than the retention; returns how many. */
guint
mg_client_log_store_prune (MgClientLogStore *self, gint64 now_us)
{
  gint64 cutoff_us = now_us - (gint64) self->retention_days * 24 * 3600 * G_USEC_PER_SEC;
  g_autofree char *cutoff = mg_client_log_format_date (cutoff_us);
  g_autoptr (GDir) dir = g_dir_open (self->directory, 0, NULL);
  const char *name;
  guint removed = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *day = NULL;

      if (!mg_client_log_date_is_valid (name) || strcmp (name, cutoff) >= 0)
        continue;
      day = g_build_filename (self->directory, name, NULL);
      if (remove_tree (day))
        removed++;
    }
  if (removed > 0)
    g_info ("deleted %u days of client logs older than %s", removed, cutoff);
  return removed;
}

static gint
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* The valid names in @path, sorted. */
static GPtrArray *
sorted_names (const char *path, gboolean (*valid) (const char *))
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (valid (name))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_strings);
  return names;
}

static gboolean
is_log_file_name (const char *name)
{
  return mg_client_log_parse_file_name (name, NULL, NULL);
}

static JsonObject *
describe_file (const char *day, const char *name, gint64 *total)
{
  JsonObject *file = json_object_new ();
  g_autofree char *path = g_build_filename (day, name, NULL);
  g_autofree char *extension = NULL;
  guint part = 0;
  GStatBuf st = { 0 };

  mg_client_log_parse_file_name (name, &extension, &part);
  g_stat (path, &st);
  json_object_set_string_member (file, "name", name);
  json_object_set_string_member (file, "extension", extension);
  json_object_set_int_member (file, "part", part);
  json_object_set_int_member (file, "size", st.st_size);
  json_object_set_int_member (file, "modified", st.st_mtime);
  *total += st.st_size;
  return file;
}

static JsonObject *
describe_date (MgClientLogStore *self, const char *date)
{
  JsonObject *object = json_object_new ();
  JsonArray *files = json_array_new ();
  g_autofree char *day = g_build_filename (self->directory, date, NULL);
  g_autoptr (GPtrArray) names = sorted_names (day, is_log_file_name);
  gint64 total = 0;

  for (guint i = 0; i < names->len; i++)
    json_array_add_object_element (files, describe_file (day, names->pdata[i], &total));
  json_object_set_string_member (object, "date", date);
  json_object_set_int_member (object, "size", total);
  json_object_set_array_member (object, "files", files);
  return object;
}

static gboolean
check_date (MgClientLogStore *self, const char *date, GError **error)
{
  g_autofree char *day = NULL;

  if (!mg_client_log_date_is_valid (date))
    {
      g_set_error (error, MG_CLIENT_LOG_ERROR, MG_CLIENT_LOG_ERROR_INVALID,
                   _("a date is YYYY-MM-DD"));
      return FALSE;
    }
  day = g_build_filename (self->directory, date, NULL);
  if (!g_file_test (day, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, MG_CLIENT_LOG_ERROR, MG_CLIENT_LOG_ERROR_NOT_FOUND,
                   _("no client logs for %s"), date);
      return FALSE;
    }
  return TRUE;
}

/* {"dates": [{"date", "size", "files": [{"name", "extension", "part",
 * "size", "modified"}]}]}, oldest date first; one date when @date is given. */
JsonObject *
mg_client_log_store_list (MgClientLogStore *self, const char *date, GError **error)
{
  JsonObject *reply;
  JsonArray *dates;
  g_autoptr (GPtrArray) names = NULL;

  if (date != NULL)
    return check_date (self, date, error) ? describe_date (self, date) : NULL;
  reply = json_object_new ();
  dates = json_array_new ();
  names = sorted_names (self->directory, mg_client_log_date_is_valid);
  for (guint i = 0; i < names->len; i++)
    json_array_add_object_element (dates, describe_date (self, names->pdata[i]));
  json_object_set_array_member (reply, "dates", dates);
  return reply;
}

/* The path of one file, after checking that both names have their exact
 * shapes and that it is a regular file. */
char *
mg_client_log_store_file_path (MgClientLogStore *self, const char *date, const char *name,
                               GError **error)
{
  g_autofree char *path = NULL;

  if (!check_date (self, date, error))
    return NULL;
  if (!mg_client_log_parse_file_name (name, NULL, NULL))
    {
      g_set_error (error, MG_CLIENT_LOG_ERROR, MG_CLIENT_LOG_ERROR_INVALID,
                   _("a client log file is EXTENSION.log or EXTENSION.log.N"));
      return NULL;
    }
  path = g_build_filename (self->directory, date, name, NULL);
  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR) || g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_set_error (error, MG_CLIENT_LOG_ERROR, MG_CLIENT_LOG_ERROR_NOT_FOUND,
                   _("no client log %s on %s"), name, date);
      return NULL;
    }
  return g_steal_pointer (&path);
}

gboolean
mg_client_log_store_delete_file (MgClientLogStore *self, const char *date, const char *name,
                                 GError **error)
{
  g_autofree char *path = mg_client_log_store_file_path (self, date, name, error);

  if (path == NULL)
    return FALSE;
  if (g_unlink (path) != 0)
    return set_errno_error (error, _("cannot delete"), path);
  return TRUE;
}

gboolean
mg_client_log_store_delete_date (MgClientLogStore *self, const char *date, GError **error)
{
  g_autofree char *day = NULL;

  if (!check_date (self, date, error))
    return FALSE;
  day = g_build_filename (self->directory, date, NULL);
  if (!remove_tree (day))
    return set_errno_error (error, _("cannot delete"), day);
  return TRUE;
}
