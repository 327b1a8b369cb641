/* mg-admin-api-diagnostics.c: GET /cms/api/v1/diagnostics/bundle
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-admin"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>
#include <gst/gst.h>
#include <sqlite3.h>

#include "mg-admin-api-private.h"
#include "mg-call-private.h"
#include "mg-client-logger-private.h"
#include "mg-diagnostics-bundle-private.h"
#include "mg-server-private.h"
#include "mg-settings.h"

/* The bundle (DESIGN.md decision 15): the server logs, the client logs, the
 * configuration without secrets, versions, and the live calls with their
 * pipeline graphs, as one tar.gz streamed in chunks. Nothing is taken from
 * the data directory: the store (password hashes, digest passwords, client
 * secret hashes, the token secret) and the private key stay out; settings
 * are included as the admin API shows them (write-only keys hidden). */

#define BUNDLE_ROOT "mediagate-diagnostics"

/* Debian packages whose versions matter for a report. */
static const char *const packages[] = {
  "libglib2.0-0",
  "libgstreamer1.0-0",
  "gstreamer1.0-plugins-base",
  "gstreamer1.0-plugins-good",
  "gstreamer1.0-plugins-bad",
  "libnice10",
  "libsoup-3.0-0",
  "libjson-glib-1.0-0",
  "libsqlite3-0",
  "libsofia-sip-ua-glib3",
  "libgnutls30",
  NULL,
};

static void
append_package_versions (GString *text)
{
  g_autoptr (GStrvBuilder) argv = g_strv_builder_new ();
  g_auto (GStrv) args = NULL;
  g_autofree char *out = NULL;

  g_strv_builder_add_many (argv, "dpkg-query", "-W", "-f", "${Package} ${Version}\\n", NULL);
  g_strv_builder_addv (argv, (const char **) packages);
  args = g_strv_builder_end (argv);
  g_string_append (text, "\n# Debian packages (dpkg-query)\n");
  if (g_spawn_sync (NULL, args, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                    &out, NULL, NULL, NULL))
    g_string_append (text, out);
  else
    g_string_append (text, "(dpkg-query is not available)\n");
}

static char *
version_text (void)
{
  GString *text = g_string_new (NULL);
  g_autofree char *gst = gst_version_string ();
  g_autofree char *os = NULL;

  g_string_append_printf (text, "mediagate %s\n", MG_VERSION);
  g_string_append_printf (text, "glib %u.%u.%u\n", glib_major_version, glib_minor_version,
                          glib_micro_version);
  g_string_append_printf (text, "%s\n", gst);
  g_string_append_printf (text, "libsoup %u.%u.%u\n", soup_get_major_version (),
                          soup_get_minor_version (), soup_get_micro_version ());
  g_string_append_printf (text, "json-glib %s (built with)\n", JSON_VERSION_S);
  g_string_append_printf (text, "sqlite %s\n", sqlite3_libversion ());
  if (g_file_get_contents ("/etc/os-release", &os, NULL, NULL))
    g_string_append_printf (text, "\n# /etc/os-release\n%s", os);
  append_package_versions (text);
  return g_string_free (text, FALSE);
}

/* The static settings as in effect (defaults filled in), not the file
 * itself: a file may carry anything, this only what Mediagate reads. */
static char *
config_text (MgConfig *config)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();

  g_key_file_set_string (kf, "server", "fqdn", mg_config_get_fqdn (config));
  g_key_file_set_string (kf, "server", "data-dir", mg_config_get_data_dir (config));
  g_key_file_set_string (kf, "server", "log-dir", mg_config_get_log_dir (config));
  g_key_file_set_string (kf, "server", "pipelines-dir", mg_config_get_pipelines_dir (config));
  g_key_file_set_string (kf, "server", "web-dir", mg_config_get_web_dir (config));
  g_key_file_set_string (kf, "tls", "certificate", mg_config_get_tls_certificate (config));
  g_key_file_set_string (kf, "tls", "key", mg_config_get_tls_key (config));
  g_key_file_set_string (kf, "client-listener", "address", mg_config_get_client_address (config));
  g_key_file_set_integer (kf, "client-listener", "port", mg_config_get_client_port (config));
  g_key_file_set_boolean (kf, "client-listener", "serve-admin",
                          mg_config_get_admin_on_client (config));
  g_key_file_set_string (kf, "admin-listener", "address", mg_config_get_admin_address (config));
  g_key_file_set_integer (kf, "admin-listener", "port", mg_config_get_admin_port (config));
  g_key_file_set_boolean (kf, "client-logger", "enabled",
                          mg_config_get_client_logger_enabled (config));
  g_key_file_set_string (kf, "client-logger", "address",
                         mg_config_get_client_logger_address (config));
  g_key_file_set_integer (kf, "client-logger", "port", mg_config_get_client_logger_port (config));
  g_key_file_set_string (kf, "sip", "address", mg_config_get_sip_address (config));
  g_key_file_set_integer (kf, "sip", "port", mg_config_get_sip_port (config));
  g_key_file_set_string (kf, "media", "address", mg_config_get_media_address (config));
  g_key_file_set_integer (kf, "media", "rtp-port-min", mg_config_get_rtp_port_min (config));
  g_key_file_set_integer (kf, "media", "rtp-port-max", mg_config_get_rtp_port_max (config));
  g_key_file_set_integer (kf, "limits", "max-connections-per-source",
                          mg_config_get_max_connections_per_source (config));
  g_key_file_set_integer (kf, "limits", "idle-timeout", mg_config_get_idle_timeout (config));
  g_key_file_set_integer (kf, "limits", "max-body-size", mg_config_get_max_body_size (config));
  return g_key_file_to_data (kf, NULL, NULL);
}

static char *
json_text (JsonNode *node)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();

  json_generator_set_pretty (gen, TRUE);
  json_generator_set_root (gen, node);
  return json_generator_to_data (gen, NULL);
}

/* Every settings section as GET shows it: write-only keys never appear. */
static char *
settings_text (MgStore *store)
{
  const char *const *sections = mg_settings_get_sections ();
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  JsonObject *all = json_object_new ();

  for (guint i = 0; sections[i] != NULL; i++)
    {
      g_autoptr (JsonObject) stored = mg_settings_load (store, sections[i]);

      json_object_set_object_member (all, sections[i],
                                     mg_settings_public_view (sections[i], stored));
    }
  json_node_take_object (node, all);
  return json_text (node);
}

static void
add_calls (MgDiagnosticsBundle *bundle, MgCallManager *manager)
{
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_ARRAY);
  JsonArray *calls = manager ? mg_call_manager_describe (manager) : json_array_new ();
  g_autofree char *text = NULL;

  for (guint i = 0; i < json_array_get_length (calls); i++)
    {
      const char *id =
        json_object_get_string_member (json_array_get_object_element (calls, i), "id");
      MgCall *call = mg_call_manager_lookup (manager, id);
      g_autofree char *dot = call ? mg_call_dump_dot (call) : NULL;
      g_autofree char *name = g_strdup_printf (BUNDLE_ROOT "/calls/%s.dot", id);

      if (dot != NULL)
        mg_diagnostics_bundle_add_text (bundle, name, dot);
    }
  json_node_take_array (node, calls);
  text = json_text (node);
  mg_diagnostics_bundle_add_text (bundle, BUNDLE_ROOT "/calls.json", text);
}

static gboolean
is_server_log (const char *name)
{
  return g_str_has_prefix (name, "mediagated-") && g_str_has_suffix (name, ".log");
}

static gboolean
is_client_log (const char *name)
{
  return mg_client_log_parse_file_name (name, NULL, NULL);
}

static MgDiagnosticsBundle *
assemble (MgServer *server)
{
  MgDiagnosticsBundle *bundle = mg_diagnostics_bundle_new ();
  MgConfig *config = mg_server_get_config (server);
  MgClientLogger *logger = mg_server_get_client_logger (server);
  g_autofree char *version = version_text ();
  g_autofree char *conf = config_text (config);
  g_autofree char *settings = settings_text (mg_server_get_store (server));
  g_autoptr (GDir) dir = g_dir_open (mg_config_get_log_dir (config), 0, NULL);
  const char *name;

  mg_diagnostics_bundle_add_text (bundle, BUNDLE_ROOT "/version.txt", version);
  mg_diagnostics_bundle_add_text (bundle, BUNDLE_ROOT "/config/mediagate.conf", conf);
  mg_diagnostics_bundle_add_text (bundle, BUNDLE_ROOT "/config/settings.json", settings);
  add_calls (bundle, mg_server_get_call_manager (server));
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (mg_config_get_log_dir (config), name, NULL);
      g_autofree char *member = g_strconcat (BUNDLE_ROOT "/logs/server/", name, NULL);

      if (is_server_log (name) && g_file_test (path, G_FILE_TEST_IS_REGULAR)
          && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        mg_diagnostics_bundle_add_file (bundle, member, path);
    }
  if (logger != NULL)
    mg_diagnostics_bundle_add_tree (
      bundle, BUNDLE_ROOT "/logs/clients",
      mg_client_log_store_get_directory (mg_client_logger_get_files (logger)), is_client_log);
  return bundle;
}

/* libsoup asks for the next chunk when it wrote the last one. */
static void
send_next_chunk (SoupServerMessage *msg, MgDiagnosticsBundle *bundle)
{
  SoupMessageBody *body = soup_server_message_get_response_body (msg);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) chunk = mg_diagnostics_bundle_read (bundle, &error);

  if (chunk != NULL)
    {
      soup_message_body_append_bytes (body, chunk);
      return;
    }
  if (error != NULL)
    g_warning ("diagnostics bundle cut short: %s", error->message);
  soup_message_body_complete (body);
}

static void
handle_bundle (MgApiRequest *req, gpointer user_data)
{
  MgServer *server = mg_admin_api_get_server (user_data);
  g_autoptr (MgDiagnosticsBundle) bundle = assemble (server);
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *disposition =
    g_strdup_printf ("attachment; filename=\"" BUNDLE_ROOT "-%s.tar.gz\"", stamp);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (req->msg);

  g_info ("admin '%s' downloads the diagnostics bundle", req->principal);
  soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  soup_message_headers_set_content_type (headers, "application/gzip", NULL);
  soup_message_headers_replace (headers, "Content-Disposition", disposition);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_body_set_accumulate (soup_server_message_get_response_body (req->msg), FALSE);
  soup_server_message_set_status (req->msg, 200, NULL);
  g_signal_connect_data (req->msg, "wrote-chunk", G_CALLBACK (send_next_chunk),
                         g_object_ref (bundle), (GClosureNotify) (void (*) (void)) g_object_unref,
                         0);
  send_next_chunk (req->msg, bundle);
}

void
mg_admin_api_add_diagnostics_routes (MgAdminApi *self, MgRouter *router)
{
  mg_router_add (router, "GET", "/cms/api/v1/diagnostics/bundle", MG_ROUTE_AUTH, handle_bundle,
                 self);
}
