/* mg-client-logger.c: browser phones send their log lines over
 * wss://HOST:9090/clientlog (docs/client-log.md)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-clientlog"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "mg-client-logger-private.h"
#include "mg-extension.h"
#include "mg-rate-limiter-private.h"
#include "mg-settings.h"
#include "mg-source-policy-private.h"
#include "mg-websocket-private.h"

/* MgClientLogger: the client logger listener's WebSocket endpoint.
 *
 * A connection is admitted at the upgrade by the source policy (one per
 * client address; 403 with a JSON body otherwise), must authenticate with
 * its first frame within 10 s (a session token, or the log token the phone
 * WebSocket hands out), and then sends one text frame per line. Lines are
 * sanitised and appended to the extension's file of the day; a line too
 * long or a binary frame closes the connection and writes nothing. Lines
 * over the per-connection rate are dropped and counted in the file.
 * Settings (load balancers, idle timeout, file size and count, retention,
 * rate) come from the store's `client_logger` section and apply at once. */

#define AUTH_TIMEOUT_SECONDS 10
#define PRUNE_INTERVAL_SECONDS 3600

struct _MgClientLogger
{
  GObject parent_instance;

  MgStore *store;
  MgTokenSigner *signer;
  MgClientLogStore *files;
  MgSourcePolicy *policy;
  MgHttpListener *listener;
  MgRateLimiter *rate;
  GHashTable *connections; /* SoupWebsocketConnection* -> LogConnection* */
  guint prune_id;
  guint max_connections_per_source;
  guint max_body_size;
  guint idle_timeout;
};

typedef struct
{
  MgClientLogger *logger;
  SoupWebsocketConnection *connection;
  MgSourceSlot *slot;
  char *extension; /* NULL until authenticated */
  char *id;
  guint timeout_id;
  guint dropped;
} LogConnection;

G_DEFINE_FINAL_TYPE (MgClientLogger, mg_client_logger, G_TYPE_OBJECT)

static void
log_connection_free (LogConnection *lc)
{
  g_clear_handle_id (&lc->timeout_id, g_source_remove);
  g_signal_handlers_disconnect_by_data (lc->connection, lc);
  g_object_unref (lc->connection);
  mg_rate_limiter_reset (lc->logger->rate, lc->id);
  mg_source_slot_free (lc->slot);
  g_free (lc->extension);
  g_free (lc->id);
  g_free (lc);
}

static void
mg_client_logger_dispose (GObject *object)
{
  MgClientLogger *self = MG_CLIENT_LOGGER (object);

  g_clear_handle_id (&self->prune_id, g_source_remove);
  g_clear_pointer (&self->connections, g_hash_table_unref);
  g_clear_object (&self->listener);
  g_clear_object (&self->policy);
  g_clear_object (&self->files);
  g_clear_object (&self->signer);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (mg_client_logger_parent_class)->dispose (object);
}

static void
mg_client_logger_finalize (GObject *object)
{
  MgClientLogger *self = MG_CLIENT_LOGGER (object);

  g_clear_pointer (&self->rate, mg_rate_limiter_free);
  G_OBJECT_CLASS (mg_client_logger_parent_class)->finalize (object);
}

static void
mg_client_logger_class_init (MgClientLoggerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mg_client_logger_dispose;
  object_class->finalize = mg_client_logger_finalize;
}

static void
mg_client_logger_init (MgClientLogger *self)
{
  self->policy = mg_source_policy_new ();
  self->connections =
    g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) log_connection_free);
}

/* -- settings ---------------------------------------------------------------- */

static void
apply_settings (MgClientLogger *self)
{
  g_autoptr (JsonObject) settings = mg_settings_load (self->store, "client_logger");
  g_auto (GStrv) balancers = mg_settings_dup_strv (settings, "load_balancers");
  g_autoptr (GError) error = NULL;

  if (!mg_source_policy_set_load_balancers (self->policy, (const char *const *) balancers, &error))
    g_warning ("client logger: keeping the old load balancers: %s", error->message);
  mg_client_log_store_set_limits (self->files, mg_settings_get_int (settings, "max_file_size"),
                                  mg_settings_get_int (settings, "max_files"),
                                  mg_settings_get_int (settings, "retention_days"));
  g_clear_pointer (&self->rate, mg_rate_limiter_free);
  self->rate = mg_rate_limiter_new (mg_settings_get_int (settings, "max_lines_per_second"), 1);
  self->idle_timeout = mg_settings_get_int (settings, "idle_timeout");
  if (self->listener != NULL)
    mg_http_listener_set_limits (self->listener, self->max_connections_per_source,
                                 self->idle_timeout, self->max_body_size);
}

static void
on_settings_changed (MgStore *store, const char *what, MgClientLogger *self)
{
  apply_settings (self);
  mg_client_log_store_prune (self->files, g_get_real_time ());
}

static gboolean
on_prune (gpointer data)
{
  MgClientLogger *self = data;

  mg_client_log_store_prune (self->files, g_get_real_time ());
  return G_SOURCE_CONTINUE;
}

MgClientLogger *
mg_client_logger_new (MgStore *store, MgTokenSigner *signer, const char *log_dir)
{
  MgClientLogger *self = g_object_new (MG_TYPE_CLIENT_LOGGER, NULL);
  g_autofree char *directory = g_build_filename (log_dir, "clients", NULL);

  self->store = g_object_ref (store);
  self->signer = g_object_ref (signer);
  self->files = mg_client_log_store_new (directory);
  apply_settings (self);
  g_signal_connect_object (store, "changed::client_logger", G_CALLBACK (on_settings_changed), self,
                           0);
  mg_client_log_store_prune (self->files, g_get_real_time ());
  self->prune_id = g_timeout_add_seconds (PRUNE_INTERVAL_SECONDS, on_prune, self);
  return self;
}

/* -- one connection ------------------------------------------------------------ */

/* Says why with an error frame, then closes with @close_code. */
static void
refuse (LogConnection *lc, const char *code, gushort close_code, const char *message)
{
  g_info ("client log from %s (%s): %s", mg_source_slot_get_client (lc->slot),
          lc->extension ? lc->extension : "not logged in", code);
  mg_websocket_send_error_and_close (lc->connection, code, close_code, message);
}

static void
send_ready (LogConnection *lc)
{
  g_autoptr (JsonObject) ready = json_object_new ();
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;

  json_object_set_string_member (ready, "type", "ready");
  json_object_set_string_member (ready, "extension", lc->extension);
  json_object_set_int_member (ready, "max_line", MG_CLIENT_LOG_MAX_LINE);
  json_node_set_object (node, ready);
  text = json_to_string (node, FALSE);
  soup_websocket_connection_send_text (lc->connection, text);
}

/* A session token from the app-server flow, or a log token from the phone
 * WebSocket (embedded default login); either names the extension. */
static char *
verify_token (MgClientLogger *self, const char *token, GError **error)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr (GError) local_error = NULL;
  g_autofree char *number = NULL;
  g_autoptr (MgExtension) extension = NULL;

  number = mg_token_signer_verify (self->signer, token, "session", now, NULL, &local_error);
  if (number == NULL && g_error_matches (local_error, MG_TOKEN_ERROR, MG_TOKEN_ERROR_KIND))
    {
      g_clear_error (&local_error);
      number = mg_token_signer_verify (self->signer, token, "clientlog", now, NULL, &local_error);
    }
  if (number == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (!mg_extension_number_is_valid (number)
      || (extension = mg_store_get_extension (self->store, number, NULL)) == NULL)
    {
      g_set_error (error, MG_TOKEN_ERROR, MG_TOKEN_ERROR_KIND, _("no such extension"));
      return NULL;
    }
  return g_steal_pointer (&number);
}

static void
authenticate (LogConnection *lc, const char *text, gsize size)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GError) error = NULL;
  JsonObject *message;
  const char *token;

  g_clear_handle_id (&lc->timeout_id, g_source_remove);
  if (!g_utf8_validate_len (text, size, NULL)
      || !json_parser_load_from_data (parser, text, size, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      refuse (lc, "unauthorized", 4001,
              _("the first frame must be {\"type\":\"auth\",\"token\":…}"));
      return;
    }
  message = json_node_get_object (json_parser_get_root (parser));
  token = json_object_get_string_member_with_default (message, "token", NULL);
  if (g_strcmp0 (json_object_get_string_member_with_default (message, "type", ""), "auth") != 0
      || token == NULL)
    {
      refuse (lc, "unauthorized", 4001,
              _("the first frame must be {\"type\":\"auth\",\"token\":…}"));
      return;
    }
  lc->extension = verify_token (lc->logger, token, &error);
  if (lc->extension == NULL)
    {
      refuse (lc, "unauthorized", 4001, error->message);
      return;
    }
  g_info ("client log connection for %s from %s", lc->extension,
          mg_source_slot_get_client (lc->slot));
  send_ready (lc);
}

static void
write_line (LogConnection *lc, const char *line)
{
  g_autoptr (GError) error = NULL;

  if (!mg_client_log_store_append (lc->logger->files, lc->extension, g_get_real_time (), line,
                                   &error))
    g_warning ("client log of %s: %s", lc->extension, error->message);
}

/* Over the rate a line is dropped; the next line that passes says how many. */
static gboolean
within_rate (LogConnection *lc)
{
  MgRateLimiter *rate = lc->logger->rate;
  gint64 now = g_get_monotonic_time ();
  g_autofree char *note = NULL;

  if (mg_rate_limiter_is_blocked (rate, lc->id, now, NULL))
    {
      lc->dropped++;
      return FALSE;
    }
  mg_rate_limiter_add_failure (rate, lc->id, now);
  if (lc->dropped == 0)
    return TRUE;
  note = g_strdup_printf ("[mediagate] %u lines dropped: over max_lines_per_second", lc->dropped);
  write_line (lc, note);
  lc->dropped = 0;
  return TRUE;
}

static void
on_line (LogConnection *lc, const char *text, gsize size)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *line = mg_client_log_sanitize_line (text, size, MG_CLIENT_LOG_MAX_LINE, &error);

  if (line == NULL && g_error_matches (error, MG_CLIENT_LOG_ERROR, MG_CLIENT_LOG_ERROR_TOO_LONG))
    refuse (lc, "line_too_long", SOUP_WEBSOCKET_CLOSE_TOO_BIG, error->message);
  else if (line == NULL)
    refuse (lc, "not_text", SOUP_WEBSOCKET_CLOSE_BAD_DATA, error->message);
  else if (*line != '\0' && within_rate (lc))
    write_line (lc, line);
}

static void
on_message (SoupWebsocketConnection *connection, gint data_type, GBytes *data, LogConnection *lc)
{
  gsize size = 0;
  const char *text = g_bytes_get_data (data, &size);

  if (data_type != SOUP_WEBSOCKET_DATA_TEXT)
    refuse (lc, "binary_refused", SOUP_WEBSOCKET_CLOSE_UNSUPPORTED_DATA,
            _("send each line as a text frame"));
  else if (lc->extension == NULL)
    authenticate (lc, text, size);
  else
    on_line (lc, text, size);
}

static gboolean
on_auth_timeout (gpointer data)
{
  LogConnection *lc = data;

  lc->timeout_id = 0;
  refuse (lc, "unauthorized", 4001, _("no auth within 10 s"));
  return G_SOURCE_REMOVE;
}

static void
on_closed (SoupWebsocketConnection *connection, LogConnection *lc)
{
  g_hash_table_remove (lc->logger->connections, connection);
}

static void
on_websocket (SoupServer *server, SoupServerMessage *msg, const char *path,
              SoupWebsocketConnection *connection, gpointer user_data)
{
  MgClientLogger *self = user_data;
  LogConnection *lc = g_new0 (LogConnection, 1);

  lc->logger = self;
  lc->connection = g_object_ref (connection);
  lc->slot = mg_websocket_take_slot (msg);
  lc->id = g_strdup_printf ("%p", (void *) connection);
  g_assert (lc->slot != NULL);
  /* libsoup closes with 1009 above this; between the two we answer line_too_long */
  soup_websocket_connection_set_max_incoming_payload_size (connection, 2 * MG_CLIENT_LOG_MAX_LINE);
  g_hash_table_insert (self->connections, connection, lc);
  g_signal_connect (connection, "message", G_CALLBACK (on_message), lc);
  g_signal_connect (connection, "closed", G_CALLBACK (on_closed), lc);
  lc->timeout_id = g_timeout_add_seconds (AUTH_TIMEOUT_SECONDS, on_auth_timeout, lc);
}

/* Before the upgrade: one live connection per client address. */
static void
on_upgrade_request (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
                    gpointer user_data)
{
  MgClientLogger *self = user_data;

  mg_websocket_admit (self->policy, msg, "client log");
}

void
mg_client_logger_attach (MgClientLogger *self, MgHttpListener *listener,
                         guint max_connections_per_source, guint max_body_size)
{
  g_set_object (&self->listener, listener);
  self->max_connections_per_source = max_connections_per_source;
  self->max_body_size = max_body_size;
  apply_settings (self);
  mg_http_listener_add_handler (listener, MG_CLIENT_LOG_PATH, on_upgrade_request, self, NULL);
  soup_server_add_websocket_handler (mg_http_listener_get_soup_server (listener),
                                     MG_CLIENT_LOG_PATH, NULL, NULL, on_websocket, self, NULL);
}

/* -- the phone WebSocket's side ------------------------------------------------- */

static JsonObject *
client_log_info (MgClientLogger *self, const char *extension)
{
  JsonObject *info = json_object_new ();
  gint64 expires = g_get_real_time () / G_USEC_PER_SEC + MG_CLIENT_LOG_TOKEN_SECONDS;
  g_autofree char *token = mg_token_signer_sign (self->signer, "clientlog", extension, expires);

  json_object_set_int_member (info, "port", mg_http_listener_get_port (self->listener));
  json_object_set_string_member (info, "path", MG_CLIENT_LOG_PATH);
  json_object_set_string_member (info, "token", token);
  json_object_set_int_member (info, "expires_in", MG_CLIENT_LOG_TOKEN_SECONDS);
  return info;
}

static void
on_registering (MgPhoneHub *hub, MgPhoneSession *session, JsonObject *message, MgClientLogger *self)
{
  json_object_set_object_member (message, "client_log",
                                 client_log_info (self, mg_phone_session_get_extension (session)));
}

/* {"type":"log_token","id":N} -> a fresh log token for this phone's extension */
static gboolean
on_phone_request (MgPhoneSession *session, gint64 id, const char *type, JsonObject *message,
                  MgClientLogger *self)
{
  g_autoptr (JsonObject) reply = NULL;

  if (!g_str_equal (type, "log_token"))
    return FALSE;
  reply = json_object_new ();
  json_object_set_object_member (reply, "client_log",
                                 client_log_info (self, mg_phone_session_get_extension (session)));
  mg_phone_session_reply_ok (session, id, reply);
  return TRUE;
}

static void
on_session_added (MgPhoneHub *hub, MgPhoneSession *session, MgClientLogger *self)
{
  g_signal_connect_object (session, "request", G_CALLBACK (on_phone_request), self, 0);
}

/* Phones learn where to send their logs, with a log token, in `registered`
 * and from the `log_token` request. Only with the listener running. */
void
mg_client_logger_serve_phones (MgClientLogger *self, MgPhoneHub *hub)
{
  g_return_if_fail (self->listener != NULL);

  g_signal_connect_object (hub, "registering", G_CALLBACK (on_registering), self, 0);
  g_signal_connect_object (hub, "session-added", G_CALLBACK (on_session_added), self, 0);
}

MgClientLogStore *
mg_client_logger_get_files (MgClientLogger *self)
{
  return self->files;
}
