/* Unit tests for MgConfig: defaults, values, errors that name the line. */
#include "mediagate.h"

static void
test_defaults (void)
{
  g_autoptr (MgConfig) config = mg_config_new ();

  g_assert_cmpstr (mg_config_get_client_address (config), ==, "0.0.0.0");
  g_assert_cmpuint (mg_config_get_client_port (config), ==, 7443);
  g_assert_cmpstr (mg_config_get_admin_address (config), ==, "127.0.0.1");
  g_assert_cmpuint (mg_config_get_admin_port (config), ==, 7444);
  g_assert_false (mg_config_get_admin_on_client (config));
  g_assert_true (mg_config_get_client_logger_enabled (config));
  g_assert_cmpstr (mg_config_get_client_logger_address (config), ==, "0.0.0.0");
  g_assert_cmpuint (mg_config_get_client_logger_port (config), ==, 9090);
  g_assert_null (mg_config_get_warnings (config)[0]);
}

static void
test_values (void)
{
  static const char text[] = "[server]\n"
                             "fqdn = pbx.example.com\n"
                             "data-dir=/tmp/mg\n"
                             "[client-listener]\n"
                             "port=8443\n"
                             "serve-admin=true\n"
                             "[admin-listener]\n"
                             "address=::1\n"
                             "[client-logger]\n"
                             "enabled=false\n"
                             "address=127.0.0.1\n"
                             "port=9191\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (MgConfig) config = mg_config_new_from_data (text, -1, "t.conf", &error);

  g_assert_no_error (error);
  g_assert_cmpstr (mg_config_get_fqdn (config), ==, "pbx.example.com");
  g_assert_cmpstr (mg_config_get_data_dir (config), ==, "/tmp/mg");
  g_assert_cmpuint (mg_config_get_client_port (config), ==, 8443);
  g_assert_true (mg_config_get_admin_on_client (config));
  g_assert_cmpstr (mg_config_get_admin_address (config), ==, "::1");
  g_assert_false (mg_config_get_client_logger_enabled (config));
  g_assert_cmpstr (mg_config_get_client_logger_address (config), ==, "127.0.0.1");
  g_assert_cmpuint (mg_config_get_client_logger_port (config), ==, 9191);
}

static void
test_bad_values_name_their_lines (void)
{
  static const char text[] = "# comment\n"
                             "[client-listener]\n"
                             "port=70000\n"
                             "address=not-an-ip\n"
                             "[server]\n"
                             "data-dir=relative/path\n"
                             "[limits]\n"
                             "idle-timeout=0\n"
                             "[client-logger]\n"
                             "port=-1\n"
                             "enabled=yes\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (MgConfig) config = mg_config_new_from_data (text, -1, "bad.conf", &error);

  g_assert_null (config);
  g_assert_error (error, MG_CONFIG_ERROR, MG_CONFIG_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "bad.conf:3: [client-listener] port"));
  g_assert_nonnull (strstr (error->message, "bad.conf:4: [client-listener] address"));
  g_assert_nonnull (strstr (error->message, "bad.conf:6: [server] data-dir"));
  g_assert_nonnull (strstr (error->message, "bad.conf:8: [limits] idle-timeout"));
  g_assert_nonnull (strstr (error->message, "bad.conf:10: [client-logger] port"));
  g_assert_nonnull (strstr (error->message, "bad.conf:11: [client-logger] enabled"));
}

static void
test_unknown_keys_warn (void)
{
  static const char text[] = "[server]\n"
                             "fqdn=a.example\n"
                             "colour=blue\n"
                             "[nonsense]\n"
                             "x=1\n";
  g_autoptr (GError) error = NULL;
  g_autoptr (MgConfig) config = mg_config_new_from_data (text, -1, "w.conf", &error);
  const char *const *warnings;

  g_assert_no_error (error);
  warnings = mg_config_get_warnings (config);
  g_assert_nonnull (warnings[0]);
  g_assert_nonnull (strstr (warnings[0], "w.conf:3: [server] colour: unknown key"));
  g_assert_nonnull (warnings[1]);
  g_assert_nonnull (strstr (warnings[1], "w.conf:5: [nonsense] x: unknown group"));
  g_assert_null (warnings[2]);
}

static void
test_syntax_error (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MgConfig) config = mg_config_new_from_data ("[server\nfoo", -1, "s.conf", &error);

  g_assert_null (config);
  g_assert_error (error, MG_CONFIG_ERROR, MG_CONFIG_ERROR_PARSE);
}

static void
test_missing_file (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MgConfig) config = mg_config_new_from_file ("/nonexistent/mediagate.conf", &error);

  g_assert_null (config);
  g_assert_error (error, MG_CONFIG_ERROR, MG_CONFIG_ERROR_READ);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/config/defaults", test_defaults);
  g_test_add_func ("/config/values", test_values);
  g_test_add_func ("/config/bad-values-name-their-lines", test_bad_values_name_their_lines);
  g_test_add_func ("/config/unknown-keys-warn", test_unknown_keys_warn);
  g_test_add_func ("/config/syntax-error", test_syntax_error);
  g_test_add_func ("/config/missing-file", test_missing_file);
  return g_test_run ();
}
