/* mg-server.c: one Mediagate node
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-server"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "mg-admin-api-private.h"
#include "mg-certificate.h"
#include "mg-client-api-private.h"
#include "mg-client-logger-private.h"
#include "mg-crypto-private.h"
#include "mg-cti-server-private.h"
#include "mg-http-listener.h"
#include "mg-call-manager-private.h"
#include "mg-phone-hub-private.h"
#include "mg-server-private.h"
#include "mg-server.h"
#include "mg-static-files-private.h"
#include "mg-settings.h"
#include "mg-sip-agent.h"
#include "mg-sip-provisioner-private.h"
#include "mg-token-signer.h"

/**
 * MgServer:
 *
 * One Mediagate node: the store, the TLS identity, the client and admin
 * listeners and everything they serve.
 *
 * Create it from a [class@Mg.Config], call [method@Mg.Server.start] and run
 * the main loop; everything the server does happens on the thread-default
 * main context it was started on.
 */

#define SELF_SIGNED_DAYS 825

struct _MgServer
{
  GObject parent_instance;

  MgConfig *config;
  MgStore *store;
  MgTokenSigner *signer;
  GTlsCertificate *certificate;
  MgHttpListener *client;
  MgHttpListener *admin;
  MgHttpListener *cti;
  MgHttpListener *cti_tls; /* raw CSTA over TLS, when enabled */
  MgHttpListener *client_logger_listener;
  MgClientLogger *client_logger;
  MgAdminApi *admin_api;
  MgClientApi *client_api;
  char *initial_password_file;
  gint64 started_at;
  MgLog *log;
  MgSipAgent *sip_agent;
  MgSipProvisioner *sip_provisioner;
  MgPhoneHub *phone_hub;
  MgCallManager *call_manager;
  MgCtiServer *cti_server;
};

enum {
  PROP_0,
  PROP_CONFIG,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

G_DEFINE_FINAL_TYPE (MgServer, mg_server, G_TYPE_OBJECT)

static void
mg_server_dispose (GObject *object)
{
  MgServer *self = MG_SERVER (object);

  mg_server_stop (self);
  g_clear_object (&self->admin_api);
  g_clear_object (&self->client_api);
  g_clear_object (&self->client);
  g_clear_object (&self->admin);
  g_clear_object (&self->cti_server);
  g_clear_object (&self->cti);
  g_clear_object (&self->cti_tls);
  g_clear_object (&self->client_logger);
  g_clear_object (&self->client_logger_listener);
  g_clear_object (&self->certificate);
  g_clear_object (&self->signer);
  g_clear_object (&self->store);
  g_clear_object (&self->config);
  g_clear_object (&self->log);
  g_clear_object (&self->call_manager);
  g_clear_object (&self->phone_hub);
  g_clear_object (&self->sip_provisioner);
  g_clear_object (&self->sip_agent);

  G_OBJECT_CLASS (mg_server_parent_class)->dispose (object);
}

static void
mg_server_finalize (GObject *object)
{
  MgServer *self = MG_SERVER (object);

  g_free (self->initial_password_file);
  G_OBJECT_CLASS (mg_server_parent_class)->finalize (object);
}

static void
mg_server_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  MgServer *self = MG_SERVER (object);

  switch (prop_id)
    {
    case PROP_CONFIG:
      g_value_set_object (value, self->config);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mg_server_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  MgServer *self = MG_SERVER (object);

  switch (prop_id)
    {
    case PROP_CONFIG:
      self->config = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mg_server_constructed (GObject *object)
{
  MgServer *self = MG_SERVER (object);

  G_OBJECT_CLASS (mg_server_parent_class)->constructed (object);
  if (self->config == NULL)
    self->config = mg_config_new ();
}

static void
mg_server_class_init (MgServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mg_server_dispose;
  object_class->finalize = mg_server_finalize;
  object_class->get_property = mg_server_get_property;
  object_class->set_property = mg_server_set_property;
  object_class->constructed = mg_server_constructed;

  /**
   * MgServer:config:
   *
   * The static configuration; the defaults when none is given.
   */
  props[PROP_CONFIG] = g_param_spec_object ("config", NULL, NULL, MG_TYPE_CONFIG,
                                            G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY
                                              | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
mg_server_init (MgServer *self)
{
}

/**
 * mg_server_new:
 * @config: (nullable): the static configuration, or %NULL for the defaults
 *
 * Returns: (transfer full): a server, not yet started
 */
MgServer *
mg_server_new (MgConfig *config)
{
  g_return_val_if_fail (config == NULL || MG_IS_CONFIG (config), NULL);

  return g_object_new (MG_TYPE_SERVER, "config", config, NULL);
}

static gboolean
make_private_dir (const char *path, GError **error)
{
  if (g_mkdir_with_parents (path, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), _("cannot create %s: %s"),
                   path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* The first admin when there is none: a random password written to a 0600
 * file in the data dir (never logged), as DESIGN.md decision 5 says. */
static gboolean
ensure_first_admin (MgServer *self, GError **error)
{
  g_autofree char *password = NULL;
  g_autofree char *text = NULL;
  g_autofree char *path = g_build_filename (mg_config_get_data_dir (self->config),
                                            "initial-admin-password", NULL);

  if (mg_store_count_admins (self->store) > 0)
    {
      if (g_file_test (path, G_FILE_TEST_EXISTS))
        self->initial_password_file = g_steal_pointer (&path);
      return TRUE;
    }

  password = mg_random_token (15);
  text = g_strdup_printf ("admin\n%s\n", password);
  if (!g_file_set_contents_full (path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error)
      || !mg_store_add_admin (self->store, "admin", password, error))
    return FALSE;
  g_message ("created the first admin 'admin'; its one-time password is in %s", path);
  self->initial_password_file = g_steal_pointer (&path);
  return TRUE;
}

static GStrv
self_signed_names (MgServer *self)
{
  g_autoptr (GStrvBuilder) names = g_strv_builder_new ();
  const char *fqdn = mg_config_get_fqdn (self->config);
  const char *host = g_get_host_name ();

  if (*fqdn != '\0')
    g_strv_builder_add (names, fqdn);
  if (g_strcmp0 (host, fqdn) != 0 && g_strcmp0 (host, "localhost") != 0)
    g_strv_builder_add (names, host);
  g_strv_builder_add (names, "localhost");
  return g_strv_builder_end (names);
}

static GTlsCertificate *
load_or_create_certificate (MgServer *self, GError **error)
{
  const char *cert_file = mg_config_get_tls_certificate (self->config);
  const char *key_file = mg_config_get_tls_key (self->config);
  g_autofree char *kept = NULL;
  g_autofree char *pem = NULL;
  g_auto (GStrv) names = NULL;
  static const char *const addresses[] = { "127.0.0.1", "::1", NULL };

  if (*cert_file != '\0')
    return g_tls_certificate_new_from_files (cert_file, *key_file ? key_file : cert_file, error);

  kept = g_build_filename (mg_config_get_data_dir (self->config), "tls", "server.pem", NULL);
  if (g_file_test (kept, G_FILE_TEST_EXISTS))
    return g_tls_certificate_new_from_file (kept, error);

  names = self_signed_names (self);
  if (!mg_certificate_generate_self_signed ((const char *const *) names, addresses,
                                            SELF_SIGNED_DAYS, &pem, error)
      || !mg_certificate_write_pem (kept, pem, error))
    return NULL;
  g_message ("generated a self-signed certificate for %s in %s", names[0], kept);
  return g_tls_certificate_new_from_pem (pem, -1, error);
}

static void
reply_health (SoupServerMessage *msg, JsonObject *object)
{
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  gsize length;
  char *text;

  json_node_set_object (node, object);
  json_generator_set_root (gen, node);
  text = json_generator_to_data (gen, &length);
  soup_server_message_set_status (msg, 200, NULL);
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Cache-Control",
                                "no-store");
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, text, length);
}

static JsonObject *
health_status (MgServer *self)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "status", "ok");
  json_object_set_string_member (object, "version", MG_VERSION);
  return object;
}

/* Public: for load balancers, status and version only (DESIGN.md decision 6). */
static void
on_client_healthz (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
                   gpointer user_data)
{
  g_autoptr (JsonObject) object = health_status (user_data);

  reply_health (msg, object);
}

static void
on_admin_healthz (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
                  gpointer user_data)
{
  MgServer *self = user_data;
  g_autoptr (JsonObject) object = health_status (self);

  json_object_set_int_member (object, "uptime", mg_server_get_uptime (self));
  json_object_set_int_member (object, "registrations",
                              self->sip_agent ? mg_sip_agent_count_registered (self->sip_agent) : 0);
  json_object_set_int_member (object, "phones",
                              self->phone_hub ? mg_phone_hub_count (self->phone_hub) : 0);
  json_object_set_int_member (object, "calls",
                              self->call_manager ? mg_call_manager_count (self->call_manager) : 0);
  json_object_set_int_member (object, "cti_sessions",
                              self->cti_server ? mg_cti_server_count_sessions (self->cti_server) : 0);
  reply_health (msg, object);
}

static MgHttpListener *
start_listener (MgServer *self, const char *name, const char *address, guint port, GError **error)
{
  g_autoptr (MgHttpListener) listener = mg_http_listener_new (name, self->certificate);

  mg_http_listener_set_limits (listener, mg_config_get_max_connections_per_source (self->config),
                               mg_config_get_idle_timeout (self->config),
                               mg_config_get_max_body_size (self->config));
  if (!mg_http_listener_listen (listener, address, port, error))
    return NULL;
  return g_steal_pointer (&listener);
}

/* The files and their retention always; the listener when enabled. */
static gboolean
start_client_logger (MgServer *self, GError **error)
{
  self->client_logger = mg_client_logger_new (self->store, self->signer,
                                              mg_config_get_log_dir (self->config));
  if (!mg_config_get_client_logger_enabled (self->config))
    return TRUE;
  self->client_logger_listener =
    start_listener (self, "client-logger", mg_config_get_client_logger_address (self->config),
                    mg_config_get_client_logger_port (self->config), error);
  if (self->client_logger_listener == NULL)
    return FALSE;
  mg_client_logger_attach (self->client_logger, self->client_logger_listener,
                           mg_config_get_max_connections_per_source (self->config),
                           mg_config_get_max_body_size (self->config));
  mg_client_logger_serve_phones (self->client_logger, self->phone_hub);
  return TRUE;
}

static gboolean
start_listeners (MgServer *self, GError **error)
{
  self->client = start_listener (self, "client", mg_config_get_client_address (self->config),
                                 mg_config_get_client_port (self->config), error);
  if (self->client == NULL)
    return FALSE;
  self->admin = start_listener (self, "admin", mg_config_get_admin_address (self->config),
                                mg_config_get_admin_port (self->config), error);
  if (self->admin == NULL)
    return FALSE;

  mg_http_listener_add_handler (self->client, "/healthz", on_client_healthz, self, NULL);
  mg_http_listener_add_handler (self->admin, "/healthz", on_admin_healthz, self, NULL);

  self->admin_api = mg_admin_api_new (self, self->store, self->signer);
  mg_admin_api_attach (self->admin_api, self->admin);
  if (mg_config_get_admin_on_client (self->config))
    mg_admin_api_attach (self->admin_api, self->client);
  self->client_api = mg_client_api_new (self, self->store, self->signer);
  mg_client_api_attach (self->client_api, self->client);
  self->phone_hub = mg_phone_hub_new (self->store, self->signer, self->sip_agent);
  mg_phone_hub_attach (self->phone_hub, self->client);
  self->call_manager = mg_call_manager_new (self->config, self->store, self->phone_hub,
                                            self->sip_agent);
  mg_static_files_attach (self->client, "/webkit", mg_config_get_web_dir (self->config));

  self->cti = start_listener (self, "cti", mg_config_get_cti_address (self->config),
                              mg_config_get_cti_port (self->config), error);
  if (self->cti == NULL)
    return FALSE;
  self->cti_server = mg_cti_server_new (self->store, self->signer);
  mg_cti_server_set_call_manager (self->cti_server, self->call_manager);
  mg_cti_server_set_sip_agent (self->cti_server, self->sip_agent);
  mg_cti_server_attach (self->cti_server, self->cti);
  if (mg_config_get_cti_tls_enabled (self->config))
    {
      self->cti_tls = start_listener (self, "cti-tls", mg_config_get_cti_tls_address (self->config),
                                      mg_config_get_cti_tls_port (self->config), error);
      if (self->cti_tls == NULL)
        return FALSE;
      mg_cti_server_attach_tls (self->cti_server, self->cti_tls);
    }
  return start_client_logger (self, error);
}

/* The first start takes the SIP port from the config file; from then on the
 * "sip" settings in the store say it (DESIGN.md decision 4). */
static gboolean
seed_sip_settings (MgServer *self, GError **error)
{
  g_autofree char *stored = mg_store_dup_setting (self->store, "sip");
  g_autoptr (JsonObject) sip = NULL;

  if (stored != NULL)
    return TRUE;
  sip = mg_settings_load (self->store, "sip");
  json_object_set_int_member (sip, "local_port", mg_config_get_sip_port (self->config));
  return mg_settings_save (self->store, "sip", sip, error);
}

static gboolean
start_sip (MgServer *self, GError **error)
{
  g_autoptr (JsonObject) sip = NULL;

  if (!seed_sip_settings (self, error))
    return FALSE;
  sip = mg_settings_load (self->store, "sip");
  self->sip_agent = mg_sip_agent_new ();
  if (!mg_sip_agent_start (self->sip_agent, mg_config_get_sip_address (self->config),
                           mg_settings_get_int (sip, "local_port"), error))
    return FALSE;
  self->sip_provisioner = mg_sip_provisioner_new (self->store, self->sip_agent);
  return TRUE;
}

static void
apply_diagnostics (MgServer *self)
{
  g_autoptr (JsonObject) diagnostics = NULL;
  JsonObject *levels;
  JsonObjectIter iter;
  const char *module;
  JsonNode *value;

  if (self->log == NULL || self->store == NULL)
    return;
  diagnostics = mg_settings_load (self->store, "diagnostics");
  mg_log_set_max_file_size (self->log, mg_settings_get_int (diagnostics, "log_file_size"));
  mg_log_set_max_files (self->log, mg_settings_get_int (diagnostics, "log_file_count"));
  mg_log_set_retention_days (self->log, mg_settings_get_int (diagnostics, "log_retention_days"));
  levels = json_object_get_object_member (diagnostics, "log_levels");
  json_object_iter_init (&iter, levels);
  while (json_object_iter_next (&iter, &module, &value))
    mg_log_set_level (self->log, module, mg_settings_get_log_level (diagnostics, module), NULL);
}

static void
on_store_changed (MgStore *store, const char *what, MgServer *self)
{
  if (g_str_equal (what, "diagnostics"))
    apply_diagnostics (self);
}

/**
 * mg_server_start:
 * @self: a server
 * @error: return location for a #GError
 *
 * Creates the data directory, opens the store, loads (or on first start
 * generates) the TLS certificate and starts the listeners on the
 * thread-default main context.
 *
 * Returns: whether the server is serving
 */
gboolean
mg_server_start (MgServer *self, GError **error)
{
  const char *data_dir;
  g_autofree char *db_path = NULL;

  g_return_val_if_fail (MG_IS_SERVER (self), FALSE);
  g_return_val_if_fail (self->store == NULL, FALSE);

  data_dir = mg_config_get_data_dir (self->config);
  if (!make_private_dir (data_dir, error))
    return FALSE;
  db_path = g_build_filename (data_dir, "mediagate.db", NULL);
  self->store = mg_store_open (db_path, error);
  if (self->store == NULL)
    return FALSE;
  self->signer = mg_token_signer_new (mg_store_get_install_secret (self->store));

  if (!ensure_first_admin (self, error))
    return FALSE;
  self->certificate = load_or_create_certificate (self, error);
  if (self->certificate == NULL)
    {
      g_prefix_error (error, _("TLS certificate: "));
      return FALSE;
    }
  apply_diagnostics (self);
  g_signal_connect_object (self->store, "changed::diagnostics", G_CALLBACK (on_store_changed),
                           self, 0);
  if (!start_sip (self, error) || !start_listeners (self, error))
    return FALSE;

  self->started_at = g_get_monotonic_time ();
  return TRUE;
}

/**
 * mg_server_stop:
 * @self: a server
 *
 * Stops accepting connections. Safe to call more than once.
 */
void
mg_server_stop (MgServer *self)
{
  g_return_if_fail (MG_IS_SERVER (self));

  if (self->client != NULL)
    mg_http_listener_stop (self->client);
  if (self->admin != NULL)
    mg_http_listener_stop (self->admin);
  if (self->cti != NULL)
    mg_http_listener_stop (self->cti);
  if (self->client_logger_listener != NULL)
    mg_http_listener_stop (self->client_logger_listener);
  if (self->call_manager != NULL)
    mg_call_manager_end_all (self->call_manager);
  if (self->sip_agent != NULL)
    mg_sip_agent_stop (self->sip_agent);
}

/**
 * mg_server_get_config:
 * @self: a server
 *
 * Returns: (transfer none): the static configuration
 */
MgConfig *
mg_server_get_config (MgServer *self)
{
  g_return_val_if_fail (MG_IS_SERVER (self), NULL);
  return self->config;
}

/**
 * mg_server_get_store:
 * @self: a server
 *
 * Returns: (transfer none) (nullable): the store, once started
 */
MgStore *
mg_server_get_store (MgServer *self)
{
  g_return_val_if_fail (MG_IS_SERVER (self), NULL);
  return self->store;
}

/**
 * mg_server_get_client_port:
 * @self: a server
 *
 * Returns: the client listener's port, once started
 */
guint
mg_server_get_client_port (MgServer *self)
{
  g_return_val_if_fail (MG_IS_SERVER (self), 0);
  return self->client ? mg_http_listener_get_port (self->client) : 0;
}

/**
 * mg_server_get_admin_port:
 * @self: a server
 *
 * Returns: the admin listener's port, once started
 */
guint
mg_server_get_admin_port (MgServer *self)
{
  g_return_val_if_fail (MG_IS_SERVER (self), 0);
  return self->admin ? mg_http_listener_get_port (self->admin) : 0;
}

/**
 * mg_server_get_cti_port:
 * @self: a server
 *
 * Returns: the CTI listener's port, or 0 before start
 */
guint
mg_server_get_cti_port (MgServer *self)
{
  g_return_val_if_fail (MG_IS_SERVER (self), 0);
  return self->cti ? mg_http_listener_get_port (self->cti) : 0;
}

/**
 * mg_server_get_cti_tls_port:
 * @self: a server
 *
 * Returns: the raw CSTA-over-TLS listener's port, or 0 when it is off or
 *   before start
 */
guint
mg_server_get_cti_tls_port (MgServer *self)
{
  g_return_val_if_fail (MG_IS_SERVER (self), 0);
  return self->cti_tls ? mg_http_listener_get_port (self->cti_tls) : 0;
}

/**
 * mg_server_get_client_logger_port:
 * @self: a server
 *
 * Returns: the client logger listener's port, once started; 0 when it is disabled
 */
guint
mg_server_get_client_logger_port (MgServer *self)
{
  g_return_val_if_fail (MG_IS_SERVER (self), 0);
  return self->client_logger_listener ? mg_http_listener_get_port (self->client_logger_listener)
                                      : 0;
}

/**
 * mg_server_get_uptime:
 * @self: a server
 *
 * Returns: seconds since the server started, 0 before
 */
gint64
mg_server_get_uptime (MgServer *self)
{
  g_return_val_if_fail (MG_IS_SERVER (self), 0);
  if (self->started_at == 0)
    return 0;
  return (g_get_monotonic_time () - self->started_at) / G_USEC_PER_SEC;
}

/**
 * mg_server_get_initial_password_file:
 * @self: a server
 *
 * Returns: (type filename) (nullable): the file holding the first admin's
 *   one-time password, while it exists
 */
const char *
mg_server_get_initial_password_file (MgServer *self)
{
  g_return_val_if_fail (MG_IS_SERVER (self), NULL);
  return self->initial_password_file;
}

/**
 * mg_server_get_certificate:
 * @self: a server
 *
 * Returns: (transfer none) (nullable): the certificate the listeners present
 */
GTlsCertificate *
mg_server_get_certificate (MgServer *self)
{
  g_return_val_if_fail (MG_IS_SERVER (self), NULL);
  return self->certificate;
}

/**
 * mg_server_set_certificate:
 * @self: a server
 * @certificate: a certificate with its private key
 *
 * Makes every listener present @certificate to new connections, without a
 * restart.
 */
void
mg_server_set_certificate (MgServer *self, GTlsCertificate *certificate)
{
  g_return_if_fail (MG_IS_SERVER (self));
  g_return_if_fail (G_IS_TLS_CERTIFICATE (certificate));

  g_set_object (&self->certificate, certificate);
  if (self->client)
    mg_http_listener_set_certificate (self->client, certificate);
  if (self->admin)
    mg_http_listener_set_certificate (self->admin, certificate);
  if (self->client_logger_listener)
    mg_http_listener_set_certificate (self->client_logger_listener, certificate);
}

/**
 * mg_server_set_log:
 * @self: a server
 * @log: (nullable): the process's log writer, or %NULL
 *
 * Gives the server the [class@Mg.Log] the program installed, so that the
 * admin API can change log levels and file limits at run time.
 */
void
mg_server_set_log (MgServer *self, MgLog *log)
{
  g_return_if_fail (MG_IS_SERVER (self));
  g_return_if_fail (log == NULL || MG_IS_LOG (log));

  g_set_object (&self->log, log);
  apply_diagnostics (self);
}

/**
 * mg_server_get_log:
 * @self: a server
 *
 * Returns: (transfer none) (nullable): the log writer, when the program set one
 */
MgLog *
mg_server_get_log (MgServer *self)
{
  g_return_val_if_fail (MG_IS_SERVER (self), NULL);
  return self->log;
}

/**
 * mg_server_get_sip_agent:
 * @self: a server
 *
 * Returns: (transfer none) (nullable): the SIP user agent, once started
 */
MgSipAgent *
mg_server_get_sip_agent (MgServer *self)
{
  g_return_val_if_fail (MG_IS_SERVER (self), NULL);
  return self->sip_agent;
}

/**
 * mg_server_get_phone_hub:
 * @self: a server
 *
 * Returns: (transfer none) (nullable): where browser phones connect, once started
 */
MgPhoneHub *
mg_server_get_phone_hub (MgServer *self)
{
  g_return_val_if_fail (MG_IS_SERVER (self), NULL);
  return self->phone_hub;
}

/**
 * mg_server_get_client_logger: (skip)
 * @self: a server
 *
 * Returns: (transfer none) (nullable): the client logger, once started
 */
MgClientLogger *
mg_server_get_client_logger (MgServer *self)
{
  return self->client_logger;
}

/**
 * mg_server_get_cti_server: (skip)
 * @self: a server
 *
 * Returns: (transfer none) (nullable): the CTI interface, once started
 */
MgCtiServer *
mg_server_get_cti_server (MgServer *self)
{
  return self->cti_server;
}

/**
 * mg_server_get_call_manager: (skip)
 * @self: a server
 *
 * Returns: (transfer none) (nullable): the calls, once started
 */
MgCallManager *
mg_server_get_call_manager (MgServer *self)
{
  return self->call_manager;
}
