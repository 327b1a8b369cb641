/* mediagated: the Mediagate service, a thin main() around MgServer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate"

#include "mg-build-config.h"

#include <glib-unix.h>
#include <glib/gi18n.h>
#include <locale.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sysexits.h>
#if MG_HAVE_SYSTEMD
#include <systemd/sd-daemon.h>
#endif

#include "mediagate.h"

static char *config_path = NULL;
static gboolean check_config = FALSE;
static char *create_admin = NULL;
static gboolean show_version = FALSE;

static const GOptionEntry entries[] = {
  { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path,
    N_("Read settings from FILE (default " MG_SYSCONFDIR "/mediagate.conf)"), N_("FILE") },
  { "check-config", 0, 0, G_OPTION_ARG_NONE, &check_config,
    N_("Validate the settings file and exit"), NULL },
  { "create-admin", 0, 0, G_OPTION_ARG_STRING, &create_admin,
    N_("Create an administrator NAME; the password is read from stdin"), N_("NAME") },
  { "version", 0, 0, G_OPTION_ARG_NONE, &show_version, N_("Print the version and exit"), NULL },
  { NULL }
};

static void
notify (const char *state)
{
#if MG_HAVE_SYSTEMD
  sd_notify (0, state);
#endif
}

static gboolean
on_watchdog (gpointer user_data)
{
  notify ("WATCHDOG=1");
  return G_SOURCE_CONTINUE;
}

static void
start_watchdog (void)
{
#if MG_HAVE_SYSTEMD
  guint64 usec = 0;

  /* ping at half the interval systemd expects */
  if (sd_watchdog_enabled (0, &usec) > 0 && usec > 0)
    g_timeout_add ((guint) (usec / 2000), on_watchdog, NULL);
#endif
}

static gboolean
on_quit_signal (gpointer loop)
{
  g_message ("stopping");
  notify ("STOPPING=1");
  g_main_loop_quit (loop);
  return G_SOURCE_CONTINUE;
}

/* About 20 descriptors a call: ask for as many as the hard limit allows. */
static void
raise_fd_limit (void)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max)
    {
      limit.rlim_cur = limit.rlim_max;
      setrlimit (RLIMIT_NOFILE, &limit);
    }
}

static MgConfig *
load_config (GError **error)
{
  const char *path = config_path ? config_path : MG_SYSCONFDIR "/mediagate.conf";
  g_autoptr (MgConfig) config = NULL;

  if (config_path == NULL && !g_file_test (path, G_FILE_TEST_EXISTS))
    return mg_config_new ();
  config = mg_config_new_from_file (path, error);
  if (config == NULL)
    return NULL;
  for (const char *const *w = mg_config_get_warnings (config); *w; w++)
    g_printerr (_("warning: %s\n"), *w);
  return g_steal_pointer (&config);
}

static int
run_create_admin (MgConfig *config)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *db_path = NULL;
  g_autoptr (MgStore) store = NULL;
  char password[1100];

  if (fgets (password, sizeof password, stdin) == NULL)
    {
      g_printerr (_("give the password on stdin\n"));
      return EX_USAGE;
    }
  password[strcspn (password, "\r\n")] = '\0';

  g_mkdir_with_parents (mg_config_get_data_dir (config), 0700);
  db_path = g_build_filename (mg_config_get_data_dir (config), "mediagate.db", NULL);
  store = mg_store_open (db_path, &error);
  if (store == NULL || !mg_store_add_admin (store, create_admin, password, &error))
    {
      g_printerr ("%s\n", error->message);
      return EX_DATAERR;
    }
  memset (password, 0, sizeof password);
  g_print (_("admin %s created\n"), create_admin);
  return EX_OK;
}

static int
run_server (MgConfig *config)
{
  g_autoptr (GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr (MgServer) server = mg_server_new (config);
  g_autoptr (GError) error = NULL;
  g_autofree char *tls_note = g_strdup ("");
  g_autoptr (MgLog) log = mg_log_new (mg_config_get_log_dir (config), &error);

  if (log == NULL)
    {
      g_printerr (_("cannot start: %s\n"), error->message);
      return EX_CANTCREAT;
    }
  mg_log_install (log);
  mg_server_set_log (server, log);

  raise_fd_limit ();
  if (!mg_server_start (server, &error))
    {
      g_printerr (_("cannot start: %s\n"), error->message);
      return EX_UNAVAILABLE;
    }
  g_unix_signal_add (SIGINT, on_quit_signal, loop);
  g_unix_signal_add (SIGTERM, on_quit_signal, loop);
  notify ("READY=1");
  start_watchdog ();
  if (mg_server_get_cti_tls_port (server) != 0)
    {
      g_free (tls_note);
      tls_note = g_strdup_printf (", cti tls port %u", mg_server_get_cti_tls_port (server));
    }
  g_message ("mediagated %s ready: client https port %u, admin https port %u, cti wss port %u, "
             "client logger https port %u%s",
             mg_get_version (), mg_server_get_client_port (server),
             mg_server_get_admin_port (server), mg_server_get_cti_port (server),
             mg_server_get_client_logger_port (server), tls_note);

  g_main_loop_run (loop);
  mg_server_stop (server);
  return EX_OK;
}

int
main (int argc, char **argv)
{
  g_autoptr (GOptionContext) context = g_option_context_new (NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (MgConfig) config = NULL;

  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, MG_LOCALEDIR);
  textdomain (GETTEXT_PACKAGE);

  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("Mediagate: browser phones bridged to SIP"));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return EX_USAGE;
    }
  if (show_version)
    {
      g_print ("mediagated %s\n", MG_VERSION);
      return EX_OK;
    }

  mg_init ();
  config = load_config (&error);
  if (config == NULL)
    {
      g_printerr ("%s\n", error->message);
      return EX_CONFIG;
    }
  if (check_config)
    {
      g_print (_("configuration OK\n"));
      return EX_OK;
    }
  if (create_admin != NULL)
    return run_create_admin (config);
  return run_server (config);
}
