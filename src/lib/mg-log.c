/* mg-log.c: the daemon's log writer: per-domain levels, journald or stderr,
 * and rotated files in the log directory
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-log"

#include "mg-build-config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mg-log-private.h"

/**
 * MgLog:
 *
 * Where the daemon's messages go, and which of them.
 *
 * Every message passes a minimum level for its log domain (`mediagate` and
 * `mediagate-<area>`; `message` unless changed, `debug` for the domains named
 * in `G_MESSAGES_DEBUG`). Messages that pass go to the journal when standard
 * error is connected to journald (under systemd), otherwise to standard error
 * in the usual GLib format, and to a file in the log directory named
 * `mediagated-YYYY-MM-DD.N.log`. The file is rotated to the next ordinal when
 * it reaches [property@Mg.Log:max-file-size] and to a new date at midnight;
 * at most [property@Mg.Log:max-files] files are kept and files older than
 * [property@Mg.Log:retention-days] are deleted, checked at start and at each
 * rotation.
 *
 * Writing is safe from any thread (GStreamer's threads log too): the file is
 * behind a mutex and is written with one `write()` per message.
 *
 * The library never installs a log writer by itself: the program calls
 * [method@Mg.Log.install] once.
 */

#define DEFAULT_MAX_FILE_SIZE (10 * 1024 * 1024)
#define DEFAULT_MAX_FILES 20
#define DEFAULT_RETENTION_DAYS 30
#define MIN_FILE_SIZE 1024
#define REOPEN_INTERVAL_US (5 * G_USEC_PER_SEC)
#define DOMAIN_PREFIX "mediagate"

struct _MgLog
{
  GObject parent_instance;

  char *directory;
  gboolean console;
  gboolean journald;
  MgLogClock now;

  GRWLock levels_lock; /* guards the two fields below */
  GHashTable *levels; /* domain -> GLogLevelFlags */
  GLogLevelFlags default_level;

  GMutex file_lock; /* guards everything below */
  int fd;
  char *current_path;
  char current_date[11];
  guint current_ordinal;
  guint64 current_size;
  gint64 last_open_attempt;
  guint64 max_file_size;
  guint max_files;
  guint retention_days;
};

enum {
  PROP_0,
  PROP_DIRECTORY,
  PROP_MAX_FILE_SIZE,
  PROP_MAX_FILES,
  PROP_RETENTION_DAYS,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

static const struct
{
  const char *name;
  GLogLevelFlags level;
} level_names[] = {
  { "error", G_LOG_LEVEL_ERROR },     { "critical", G_LOG_LEVEL_CRITICAL },
  { "warning", G_LOG_LEVEL_WARNING }, { "message", G_LOG_LEVEL_MESSAGE },
  { "info", G_LOG_LEVEL_INFO },       { "debug", G_LOG_LEVEL_DEBUG },
};

G_DEFINE_FINAL_TYPE (MgLog, mg_log, G_TYPE_OBJECT)

/**
 * mg_log_error_quark:
 *
 * Returns: the quark of %MG_LOG_ERROR
 */
GQuark
mg_log_error_quark (void)
{
  /* spelled out rather than G_DEFINE_QUARK, whose dashed name clang-format mangles */
  return g_quark_from_static_string ("mg-log-error-quark");
}

static void
mg_log_finalize (GObject *object)
{
  MgLog *self = MG_LOG (object);

  if (self->fd >= 0)
    close (self->fd);
  g_free (self->current_path);
  g_free (self->directory);
  g_hash_table_unref (self->levels);
  g_rw_lock_clear (&self->levels_lock);
  g_mutex_clear (&self->file_lock);
  G_OBJECT_CLASS (mg_log_parent_class)->finalize (object);
}

static void
mg_log_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  MgLog *self = MG_LOG (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      g_value_set_string (value, self->directory);
      break;
    case PROP_MAX_FILE_SIZE:
      g_value_set_uint64 (value, mg_log_get_max_file_size (self));
      break;
    case PROP_MAX_FILES:
      g_value_set_uint (value, mg_log_get_max_files (self));
      break;
    case PROP_RETENTION_DAYS:
      g_value_set_uint (value, mg_log_get_retention_days (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mg_log_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  MgLog *self = MG_LOG (object);

  switch (prop_id)
    {
    case PROP_DIRECTORY:
      self->directory = g_value_dup_string (value);
      break;
    case PROP_MAX_FILE_SIZE:
      mg_log_set_max_file_size (self, g_value_get_uint64 (value));
      break;
    case PROP_MAX_FILES:
      mg_log_set_max_files (self, g_value_get_uint (value));
      break;
    case PROP_RETENTION_DAYS:
      mg_log_set_retention_days (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mg_log_class_init (MgLogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = mg_log_finalize;
  object_class->get_property = mg_log_get_property;
  object_class->set_property = mg_log_set_property;

  /**
   * MgLog:directory:
   *
   * The directory the log files are written to.
   */
  props[PROP_DIRECTORY] =
    g_param_spec_string ("directory", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * MgLog:max-file-size:
   *
   * The size in bytes at which a log file is closed and the next ordinal
   * begins (at least 1024).
   */
  props[PROP_MAX_FILE_SIZE] = g_param_spec_uint64 ("max-file-size", NULL, NULL, MIN_FILE_SIZE,
                                                   G_MAXUINT64, DEFAULT_MAX_FILE_SIZE, rw);
  /**
   * MgLog:max-files:
   *
   * How many log files are kept, the one being written included.
   */
  props[PROP_MAX_FILES] =
    g_param_spec_uint ("max-files", NULL, NULL, 1, G_MAXUINT, DEFAULT_MAX_FILES, rw);
  /**
   * MgLog:retention-days:
   *
   * Log files last written more than this many days ago are deleted; 0 keeps
   * them regardless of age.
   */
  props[PROP_RETENTION_DAYS] =
    g_param_spec_uint ("retention-days", NULL, NULL, 0, G_MAXUINT, DEFAULT_RETENTION_DAYS, rw);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

/* G_MESSAGES_DEBUG keeps its GLib meaning: "all", or domains to debug. */
static void
apply_messages_debug (MgLog *self)
{
  const char *env = g_getenv ("G_MESSAGES_DEBUG");
  g_auto (GStrv) names = NULL;

  if (env == NULL)
    return;
  names = g_strsplit_set (env, " ,", -1);
  for (guint i = 0; names[i] != NULL; i++)
    {
      if (g_str_equal (names[i], "all"))
        self->default_level = G_LOG_LEVEL_DEBUG;
      else if (names[i][0] != '\0')
        g_hash_table_insert (self->levels, g_strdup (names[i]),
                             GUINT_TO_POINTER (G_LOG_LEVEL_DEBUG));
    }
}

static gint64
real_clock (void)
{
  return g_get_real_time ();
}

static void
mg_log_init (MgLog *self)
{
  g_rw_lock_init (&self->levels_lock);
  g_mutex_init (&self->file_lock);
  self->levels = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->default_level = G_LOG_LEVEL_MESSAGE;
  self->fd = -1;
  self->console = TRUE;
  self->journald = g_log_writer_is_journald (fileno (stderr));
  self->now = real_clock;
  self->max_file_size = DEFAULT_MAX_FILE_SIZE;
  self->max_files = DEFAULT_MAX_FILES;
  self->retention_days = DEFAULT_RETENTION_DAYS;
  apply_messages_debug (self);
}

/* -- files ----------------------------------------------------------------- */

typedef struct
{
  char *name;
  char date[11];
  guint ordinal;
  gint64 mtime;
} LogFile;

static void
log_file_clear (gpointer data)
{
  g_free (((LogFile *) data)->name);
}

/* "mediagated-2024-05-01.3.log" -> date and ordinal; FALSE for other names */
static gboolean
parse_file_name (const char *name, char date[11], guint *ordinal)
{
  guint y, m, d, n;
  int end = -1;

  if (!g_str_has_prefix (name, "mediagated-") || !g_ascii_isdigit (name[11]))
    return FALSE;
  if (sscanf (name, "mediagated-%4u-%2u-%2u.%u.log%n", &y, &m, &d, &n, &end) != 4 || end < 0
      || name[end] != '\0' || n == 0)
    return FALSE;
  g_snprintf (date, 11, "%04u-%02u-%02u", y, m, d);
  *ordinal = n;
  return TRUE;
}

static gint
compare_log_files (gconstpointer a, gconstpointer b)
{
  const LogFile *x = a, *y = b;
  int c = strcmp (x->date, y->date);

  if (c != 0)
    return c;
  return x->ordinal < y->ordinal ? -1 : x->ordinal > y->ordinal;
}

/* Our files in the directory, oldest first. */
static GArray *
list_files (MgLog *self)
{
  GArray *files = g_array_new (FALSE, TRUE, sizeof (LogFile));
  g_autoptr (GDir) dir = g_dir_open (self->directory, 0, NULL);
  const char *name;

  g_array_set_clear_func (files, log_file_clear);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (self->directory, name, NULL);
      LogFile file = { 0 };
      GStatBuf st;

      if (!parse_file_name (name, file.date, &file.ordinal) || g_stat (path, &st) != 0
          || !S_ISREG (st.st_mode))
        continue;
      file.name = g_strdup (name);
      file.mtime = st.st_mtime;
      g_array_append_val (files, file);
    }
  g_array_sort (files, compare_log_files);
  return files;
}

static gboolean
is_current (MgLog *self, const LogFile *file)
{
  return self->fd >= 0 && g_str_equal (file->date, self->current_date)
         && file->ordinal == self->current_ordinal;
}

/* Deletes files past the age limit, then the oldest beyond the count; never
 * the one being written. Called with file_lock held. */
static void
prune_files (MgLog *self)
{
  g_autoptr (GArray) files = list_files (self);
  gint64 cutoff = self->now () / G_USEC_PER_SEC - (gint64) self->retention_days * 24 * 60 * 60;
  guint kept = files->len;

  for (guint i = 0; i < files->len; i++)
    {
      LogFile *file = &g_array_index (files, LogFile, i);
      gboolean too_old = self->retention_days > 0 && file->mtime < cutoff;
      g_autofree char *path = NULL;

      if (is_current (self, file) || (!too_old && kept <= self->max_files))
        continue;
      path = g_build_filename (self->directory, file->name, NULL);
      if (g_unlink (path) == 0)
        kept--;
    }
}

/* The ordinal to write today: the last one while it has room, else the next. */
static guint
pick_ordinal (MgLog *self, const char *date, gboolean next)
{
  g_autoptr (GArray) files = list_files (self);
  guint last = 0;
  guint64 last_size = 0;

  for (guint i = 0; i < files->len; i++)
    {
      LogFile *file = &g_array_index (files, LogFile, i);

      if (g_str_equal (file->date, date) && file->ordinal > last)
        {
          g_autofree char *path = g_build_filename (self->directory, file->name, NULL);
          GStatBuf st;

          last = file->ordinal;
          last_size = g_stat (path, &st) == 0 ? (guint64) st.st_size : 0;
        }
    }
  if (next && g_str_equal (date, self->current_date))
    last = MAX (last, self->current_ordinal);
  if (last == 0)
    return 1;
  return next || last_size >= self->max_file_size ? last + 1 : last;
}

/* Closes the current file and opens the one for @date. Called locked. */
static gboolean
open_file (MgLog *self, const char *date, gboolean next, GError **error)
{
  guint ordinal = pick_ordinal (self, date, next);
  g_autofree char *name = g_strdup_printf ("mediagated-%s.%u.log", date, ordinal);
  g_autofree char *path = g_build_filename (self->directory, name, NULL);
  struct stat st;
  int fd;

  if (self->fd >= 0)
    close (self->fd);
  self->fd = -1;
  self->last_open_attempt = self->now ();
  fd = g_open (path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd < 0 || fstat (fd, &st) != 0)
    {
      int saved = errno;
      if (fd >= 0)
        close (fd);
      g_set_error (error, MG_LOG_ERROR, MG_LOG_ERROR_FILE,
                   _("cannot write the log file %s: %s"), path, g_strerror (saved));
      return FALSE;
    }
  self->fd = fd;
  g_strlcpy (self->current_date, date, sizeof self->current_date);
  self->current_ordinal = ordinal;
  self->current_size = st.st_size;
  g_free (self->current_path);
  self->current_path = g_steal_pointer (&path);
  prune_files (self);
  return TRUE;
}

static char *
format_date (gint64 usec)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_local (usec / G_USEC_PER_SEC);

  return g_date_time_format (dt, "%Y-%m-%d");
}

/* Rotates when the date changed or @incoming bytes would pass the limit.
 * A failed open is retried after a pause, not on every message. */
static gboolean
ensure_file (MgLog *self, gint64 now, const char *date, gsize incoming)
{
  gboolean new_day = !g_str_equal (date, self->current_date);
  gboolean full = self->current_size > 0 && self->current_size + incoming > self->max_file_size;
  g_autoptr (GError) error = NULL;

  if (self->fd >= 0 && !new_day && !full)
    return TRUE;
  if (self->fd < 0 && now - self->last_open_attempt < REOPEN_INTERVAL_US)
    return FALSE;
  if (open_file (self, date, self->fd >= 0 && !new_day, &error))
    return TRUE;
  /* not through g_log: we are its writer */
  g_printerr ("mediagated: %s\n", error->message);
  return FALSE;
}

/* -- writing --------------------------------------------------------------- */

static GLogLevelFlags
lowest_level (GLogLevelFlags flags)
{
  guint bits = flags & G_LOG_LEVEL_MASK;

  return bits ? (GLogLevelFlags) (bits & -bits) : G_LOG_LEVEL_DEBUG;
}

static GLogLevelFlags
lookup_level (MgLog *self, const char *domain)
{
  gpointer level = NULL;
  GLogLevelFlags result;

  g_rw_lock_reader_lock (&self->levels_lock);
  if (domain == NULL || !g_hash_table_lookup_extended (self->levels, domain, NULL, &level))
    result = self->default_level;
  else
    result = GPOINTER_TO_UINT (level);
  g_rw_lock_reader_unlock (&self->levels_lock);
  return result;
}

static char *
field_string (const GLogField *field)
{
  return field->length < 0 ? g_strdup (field->value) : g_strndup (field->value, field->length);
}

static void
write_file (MgLog *self, GLogLevelFlags log_level, const char *domain, const char *message)
{
  gint64 now = self->now ();
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_local (now / G_USEC_PER_SEC);
  g_autofree char *stamp = g_date_time_format (dt, "%Y-%m-%d %H:%M:%S");
  g_autofree char *date = g_date_time_format (dt, "%Y-%m-%d");
  g_autofree char *line = NULL;
  const char *level = mg_log_level_to_string (lowest_level (log_level));
  gsize length;

  line = g_strdup_printf ("%s.%03d %s %s: %s\n", stamp, (int) (now % G_USEC_PER_SEC / 1000), level,
                          domain ? domain : "-", message ? message : "");
  length = strlen (line);

  g_mutex_lock (&self->file_lock);
  if (ensure_file (self, now, date, length))
    {
      gssize n = write (self->fd, line, length);
      if (n > 0)
        self->current_size += n;
    }
  g_mutex_unlock (&self->file_lock);
}

static void
write_console (MgLog *self, GLogLevelFlags log_level, const GLogField *fields, gsize n_fields)
{
  if (self->journald
      && g_log_writer_journald (log_level, fields, n_fields, NULL) == G_LOG_WRITER_HANDLED)
    return;
  g_log_writer_standard_streams (log_level, fields, n_fields, NULL);
}

GLogWriterOutput
mg_log_write (MgLog *self, GLogLevelFlags log_level, const GLogField *fields, gsize n_fields)
{
  g_autofree char *domain = NULL;
  g_autofree char *message = NULL;
  gboolean always = (log_level & (G_LOG_FLAG_FATAL | G_LOG_LEVEL_ERROR)) != 0;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (domain == NULL && g_str_equal (fields[i].key, "GLIB_DOMAIN"))
        domain = field_string (&fields[i]);
      else if (message == NULL && g_str_equal (fields[i].key, "MESSAGE"))
        message = field_string (&fields[i]);
    }

  /* lower bits are more severe */
  if (!always && lowest_level (log_level) > lookup_level (self, domain))
    return G_LOG_WRITER_HANDLED;

  if (self->console)
    write_console (self, log_level, fields, n_fields);
  write_file (self, log_level, domain, message);
  return G_LOG_WRITER_HANDLED;
}

static GLogWriterOutput
writer_func (GLogLevelFlags log_level, const GLogField *fields, gsize n_fields, gpointer user_data)
{
  return mg_log_write (user_data, log_level, fields, n_fields);
}

void
mg_log_set_console (MgLog *self, gboolean enabled)
{
  self->console = enabled;
}

void
mg_log_set_clock (MgLog *self, MgLogClock now)
{
  g_mutex_lock (&self->file_lock);
  self->now = now ? now : real_clock;
  g_mutex_unlock (&self->file_lock);
}

/* -- public API ------------------------------------------------------------ */

/**
 * mg_log_new:
 * @directory: (type filename): where the log files go; created when missing
 * @error: return location for a #GError
 *
 * Creates the log directory, deletes files past the count and age limits,
 * and opens today's file (appending to the last one while it has room).
 *
 * Returns: (transfer full): a log, or %NULL with @error set
 *   (%MG_LOG_ERROR_FILE)
 */
MgLog *
mg_log_new (const char *directory, GError **error)
{
  g_autoptr (MgLog) self = NULL;
  g_autofree char *date = NULL;
  gboolean ok;

  g_return_val_if_fail (directory != NULL, NULL);

  if (g_mkdir_with_parents (directory, 0750) != 0)
    {
      int saved = errno;
      g_set_error (error, MG_LOG_ERROR, MG_LOG_ERROR_FILE,
                   _("cannot create the log directory %s: %s"), directory, g_strerror (saved));
      return NULL;
    }
  self = g_object_new (MG_TYPE_LOG, "directory", directory, NULL);
  date = format_date (self->now ());
  g_mutex_lock (&self->file_lock);
  ok = open_file (self, date, FALSE, error);
  g_mutex_unlock (&self->file_lock);
  return ok ? g_steal_pointer (&self) : NULL;
}

/**
 * mg_log_install:
 * @self: a log
 *
 * Makes @self the process's log writer ([func@GLib.log_set_writer_func]),
 * for every thread, for the rest of the process's life. GLib allows this
 * once per process; call it once, early, from the program (never from a
 * library). The writer keeps a reference to @self.
 */
void
mg_log_install (MgLog *self)
{
  g_return_if_fail (MG_IS_LOG (self));

  /* the console part writes every level to stderr, as a daemon should */
  g_log_writer_default_set_use_stderr (TRUE);
  g_log_set_writer_func (writer_func, g_object_ref (self), g_object_unref);
}

/**
 * mg_log_get_directory:
 * @self: a log
 *
 * Returns: (type filename): the directory the log files are written to
 */
const char *
mg_log_get_directory (MgLog *self)
{
  g_return_val_if_fail (MG_IS_LOG (self), NULL);
  return self->directory;
}

/**
 * mg_log_dup_current_file:
 * @self: a log
 *
 * Returns: (transfer full) (type filename) (nullable): the file being written,
 *   %NULL when it could not be opened
 */
char *
mg_log_dup_current_file (MgLog *self)
{
  char *path;

  g_return_val_if_fail (MG_IS_LOG (self), NULL);
  g_mutex_lock (&self->file_lock);
  path = self->fd >= 0 ? g_strdup (self->current_path) : NULL;
  g_mutex_unlock (&self->file_lock);
  return path;
}

/* "sip" -> "mediagate-sip"; "mediagate" and "mediagate-…" stay. */
static char *
normalize_domain (const char *name, GError **error)
{
  const char *area = name;
  gsize len = strlen (name);

  if (g_str_equal (name, DOMAIN_PREFIX))
    return g_strdup (name);
  if (g_str_has_prefix (name, DOMAIN_PREFIX "-"))
    area = name + strlen (DOMAIN_PREFIX "-");
  for (const char *p = area; *p; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '-')
      len = 0;
  if (len == 0 || len > 64 || *area == '\0' || *area == '-')
    {
      g_set_error (error, MG_LOG_ERROR, MG_LOG_ERROR_DOMAIN,
                   _("not a log domain: \"%s\" (give \"sip\" or \"mediagate-sip\")"), name);
      return NULL;
    }
  return area == name ? g_strconcat (DOMAIN_PREFIX "-", name, NULL) : g_strdup (name);
}

static gboolean
is_single_level (GLogLevelFlags level)
{
  for (gsize i = 0; i < G_N_ELEMENTS (level_names); i++)
    if (level_names[i].level == level)
      return TRUE;
  return FALSE;
}

/**
 * mg_log_set_level:
 * @self: a log
 * @domain: (nullable): a log domain (`mediagate-sip`), a module's short name
 *   (`sip`), or %NULL for every domain without a level of its own
 * @level: the least severe level still written, one of
 *   %G_LOG_LEVEL_ERROR … %G_LOG_LEVEL_DEBUG
 * @error: return location for a #GError
 *
 * Changes which messages of @domain are written, at once, from any thread.
 * Errors and fatal messages are always written.
 *
 * Returns: whether the level was changed; on %MG_LOG_ERROR_DOMAIN or
 *   %MG_LOG_ERROR_LEVEL nothing changed
 */
gboolean
mg_log_set_level (MgLog *self, const char *domain, GLogLevelFlags level, GError **error)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (MG_IS_LOG (self), FALSE);

  if (!is_single_level (level))
    {
      g_set_error (error, MG_LOG_ERROR, MG_LOG_ERROR_LEVEL, _("not a log level: %#x"), level);
      return FALSE;
    }
  if (domain != NULL && (key = normalize_domain (domain, error)) == NULL)
    return FALSE;

  g_rw_lock_writer_lock (&self->levels_lock);
  if (key == NULL)
    self->default_level = level;
  else
    g_hash_table_insert (self->levels, g_steal_pointer (&key), GUINT_TO_POINTER (level));
  g_rw_lock_writer_unlock (&self->levels_lock);
  return TRUE;
}

/**
 * mg_log_get_level:
 * @self: a log
 * @domain: (nullable): a log domain or module short name, or %NULL for the
 *   default
 *
 * Returns: the least severe level written for @domain
 */
GLogLevelFlags
mg_log_get_level (MgLog *self, const char *domain)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (MG_IS_LOG (self), G_LOG_LEVEL_MESSAGE);

  if (domain != NULL)
    key = normalize_domain (domain, NULL);
  return lookup_level (self, key);
}

static int
compare_strings (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/**
 * mg_log_dup_domains:
 * @self: a log
 *
 * Returns: (transfer full) (array zero-terminated=1): the domains that have a
 *   level of their own, sorted
 */
char **
mg_log_dup_domains (MgLog *self)
{
  g_autofree gpointer *keys = NULL;
  guint n = 0;
  char **result;

  g_return_val_if_fail (MG_IS_LOG (self), NULL);

  g_rw_lock_reader_lock (&self->levels_lock);
  keys = g_hash_table_get_keys_as_array (self->levels, &n);
  result = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    result[i] = g_strdup (keys[i]);
  g_rw_lock_reader_unlock (&self->levels_lock);
  qsort (result, n, sizeof (char *), compare_strings);
  return result;
}

/**
 * mg_log_set_max_file_size:
 * @self: a log
 * @bytes: the size at which a file is rotated, at least 1024
 *
 * Applies from the next message on.
 */
void
mg_log_set_max_file_size (MgLog *self, guint64 bytes)
{
  g_return_if_fail (MG_IS_LOG (self));
  g_return_if_fail (bytes >= MIN_FILE_SIZE);

  g_mutex_lock (&self->file_lock);
  self->max_file_size = bytes;
  g_mutex_unlock (&self->file_lock);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_MAX_FILE_SIZE]);
}

/**
 * mg_log_get_max_file_size:
 * @self: a log
 *
 * Returns: the size in bytes at which a file is rotated
 */
guint64
mg_log_get_max_file_size (MgLog *self)
{
  guint64 value;

  g_return_val_if_fail (MG_IS_LOG (self), 0);
  g_mutex_lock (&self->file_lock);
  value = self->max_file_size;
  g_mutex_unlock (&self->file_lock);
  return value;
}

/* Count and age limits apply at once, not at the next rotation. */
static void
set_limit (MgLog *self, guint *field, guint value, GParamSpec *pspec)
{
  g_mutex_lock (&self->file_lock);
  *field = value;
  if (self->directory != NULL)
    prune_files (self);
  g_mutex_unlock (&self->file_lock);
  g_object_notify_by_pspec (G_OBJECT (self), pspec);
}

/**
 * mg_log_set_max_files:
 * @self: a log
 * @count: how many files to keep, at least 1
 *
 * Deletes the oldest files beyond @count at once.
 */
void
mg_log_set_max_files (MgLog *self, guint count)
{
  g_return_if_fail (MG_IS_LOG (self));
  g_return_if_fail (count >= 1);

  set_limit (self, &self->max_files, count, props[PROP_MAX_FILES]);
}

/**
 * mg_log_get_max_files:
 * @self: a log
 *
 * Returns: how many log files are kept
 */
guint
mg_log_get_max_files (MgLog *self)
{
  guint value;

  g_return_val_if_fail (MG_IS_LOG (self), 0);
  g_mutex_lock (&self->file_lock);
  value = self->max_files;
  g_mutex_unlock (&self->file_lock);
  return value;
}

/**
 * mg_log_set_retention_days:
 * @self: a log
 * @days: the age in days past which files are deleted, 0 for no limit
 *
 * Deletes the files past the new age at once.
 */
void
mg_log_set_retention_days (MgLog *self, guint days)
{
  g_return_if_fail (MG_IS_LOG (self));

  set_limit (self, &self->retention_days, days, props[PROP_RETENTION_DAYS]);
}

/**
 * mg_log_get_retention_days:
 * @self: a log
 *
 * Returns: the age in days past which files are deleted, 0 for no limit
 */
guint
mg_log_get_retention_days (MgLog *self)
{
  guint value;

  g_return_val_if_fail (MG_IS_LOG (self), 0);
  g_mutex_lock (&self->file_lock);
  value = self->retention_days;
  g_mutex_unlock (&self->file_lock);
  return value;
}

/**
 * mg_log_level_from_string:
 * @name: `error`, `critical`, `warning`, `message`, `info` or `debug`
 * @level: (out): the level
 * @error: return location for a #GError
 *
 * Parses a level name as the admin API and configuration spell it.
 *
 * Returns: whether @name is a level (%MG_LOG_ERROR_LEVEL when not)
 */
gboolean
mg_log_level_from_string (const char *name, GLogLevelFlags *level, GError **error)
{
  g_return_val_if_fail (level != NULL, FALSE);

  for (gsize i = 0; name != NULL && i < G_N_ELEMENTS (level_names); i++)
    if (g_ascii_strcasecmp (name, level_names[i].name) == 0)
      {
        *level = level_names[i].level;
        return TRUE;
      }
  if (name == NULL)
    name = "";
  g_set_error (
    error, MG_LOG_ERROR, MG_LOG_ERROR_LEVEL,
    _("unknown log level \"%s\": give error, critical, warning, message, info or debug"), name);
  return FALSE;
}

/**
 * mg_log_level_to_string:
 * @level: a log level
 *
 * Returns: the name of the most severe level in @level, e.g. `message`
 */
const char *
mg_log_level_to_string (GLogLevelFlags level)
{
  GLogLevelFlags lowest = lowest_level (level);

  for (gsize i = 0; i < G_N_ELEMENTS (level_names); i++)
    if (level_names[i].level == lowest)
      return level_names[i].name;
  return "debug";
}
