/* mg-phone-hub.c: browser phones connecting on wss://…/webkit/ws
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-phone"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>

#include "mg-crypto-private.h"
#include "mg-extension.h"
#include "mg-phone-hub-private.h"
#include "mg-phone-session-private.h"
#include "mg-rate-limiter-private.h"
#include "mg-settings.h"
#include "mg-turn-private.h"

/**
 * MgPhoneHub:
 *
 * Where browser phones connect (`wss://HOST:7443/webkit/ws`, docs/protocol.md).
 *
 * A new WebSocket must authenticate with its first message, within 10 s:
 * a session token, or in the embedded default the extension's password. One
 * live phone per extension; a phone whose WebSocket drops keeps its session
 * (and calls) for the grace period and may resume it. The number of phones
 * is capped by the media policy's `max_webrtc_sessions`.
 */

#define AUTH_TIMEOUT_SECONDS 10
#define MAX_MESSAGE_SIZE (64 * 1024)
#define KEEPALIVE_SECONDS 20
#define LOGIN_MAX_FAILURES 5
#define LOGIN_WINDOW_SECONDS 60

struct _MgPhoneHub
{
  GObject parent_instance;

  MgStore *store;
  MgTokenSigner *signer;
  MgSipAgent *agent;
  GHashTable *sessions; /* extension -> MgPhoneSession */
  GHashTable *grace;    /* MgPhoneSession* -> timeout id */
  GHashTable *pending;  /* SoupWebsocketConnection* -> Pending* */
  MgRateLimiter *login_failures;
  guint grace_period;
};

typedef struct
{
  MgPhoneHub *hub;
  SoupWebsocketConnection *connection;
  char *remote_ip;
  guint timeout_id;
} Pending;

enum {
  SIGNAL_SESSION_ADDED,
  SIGNAL_SESSION_REMOVED,
  SIGNAL_REGISTERING,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MgPhoneHub, mg_phone_hub, G_TYPE_OBJECT)

static void
pending_free (Pending *pending)
{
  g_clear_handle_id (&pending->timeout_id, g_source_remove);
  g_signal_handlers_disconnect_by_data (pending->connection, pending);
  g_object_unref (pending->connection);
  g_free (pending->remote_ip);
  g_free (pending);
}

static void
mg_phone_hub_dispose (GObject *object)
{
  MgPhoneHub *self = MG_PHONE_HUB (object);
  GHashTableIter iter;
  gpointer id;

  if (self->grace != NULL)
    {
      g_hash_table_iter_init (&iter, self->grace);
      while (g_hash_table_iter_next (&iter, NULL, &id))
        g_source_remove (GPOINTER_TO_UINT (id));
      g_clear_pointer (&self->grace, g_hash_table_unref);
    }
  g_clear_pointer (&self->pending, g_hash_table_unref);
  g_clear_pointer (&self->sessions, g_hash_table_unref);
  g_clear_object (&self->store);
  g_clear_object (&self->signer);
  g_clear_object (&self->agent);
  G_OBJECT_CLASS (mg_phone_hub_parent_class)->dispose (object);
}

static void
mg_phone_hub_finalize (GObject *object)
{
  MgPhoneHub *self = MG_PHONE_HUB (object);

  mg_rate_limiter_free (self->login_failures);
  G_OBJECT_CLASS (mg_phone_hub_parent_class)->finalize (object);
}

static void
mg_phone_hub_class_init (MgPhoneHubClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GType type = G_TYPE_FROM_CLASS (klass);

  object_class->dispose = mg_phone_hub_dispose;
  object_class->finalize = mg_phone_hub_finalize;

  /**
   * MgPhoneHub::session-added:
   * @self: the hub
   * @session: a phone that just logged in
   *
   * A phone logged in (not emitted for a resume).
   */
  signals[SIGNAL_SESSION_ADDED] = g_signal_new ("session-added", type, G_SIGNAL_RUN_LAST, 0, NULL,
                                                NULL, NULL, G_TYPE_NONE, 1,
                                                MG_TYPE_PHONE_SESSION);
  /**
   * MgPhoneHub::session-removed:
   * @self: the hub
   * @session: a phone that is gone for good
   *
   * A phone's session ended: its grace period passed, or another login for
   * the extension replaced it. Its calls must end.
   */
  signals[SIGNAL_SESSION_REMOVED] = g_signal_new ("session-removed", type, G_SIGNAL_RUN_LAST, 0,
                                                  NULL, NULL, NULL, G_TYPE_NONE, 1,
                                                  MG_TYPE_PHONE_SESSION);
  /**
   * MgPhoneHub::registering:
   * @self: the hub
   * @session: a phone that logged in or resumed its session
   * @message: the `registered` message it is about to get
   *
   * Lets the owners of a phone's calls fill the message's `calls` (a
   * resumed session's live calls go on; the phone ends the ones not listed).
   */
  signals[SIGNAL_REGISTERING] = g_signal_new ("registering", type, G_SIGNAL_RUN_LAST, 0, NULL,
                                              NULL, NULL, G_TYPE_NONE, 2, MG_TYPE_PHONE_SESSION,
                                              JSON_TYPE_OBJECT);
}

static void
mg_phone_hub_init (MgPhoneHub *self)
{
  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->grace = g_hash_table_new (NULL, NULL);
  self->pending = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) pending_free);
  self->login_failures = mg_rate_limiter_new (LOGIN_MAX_FAILURES, LOGIN_WINDOW_SECONDS);
  self->grace_period = 10;
}

MgPhoneHub *
mg_phone_hub_new (MgStore *store, MgTokenSigner *signer, MgSipAgent *agent)
{
  MgPhoneHub *self = g_object_new (MG_TYPE_PHONE_HUB, NULL);

  self->store = g_object_ref (store);
  self->signer = g_object_ref (signer);
  self->agent = g_object_ref (agent);
  return self;
}

static void
on_refused_closed (SoupWebsocketConnection *connection, gpointer user_data)
{
  g_signal_handlers_disconnect_by_func (connection, on_refused_closed, user_data);
  g_object_unref (connection);
}

/* Says why and closes; the connection is kept until its close handshake is done. */
static void
refuse (Pending *pending, const char *code, gushort close_code, const char *message)
{
  g_autoptr (JsonObject) error = json_object_new ();
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;
  SoupWebsocketConnection *connection = g_object_ref (pending->connection);

  json_object_set_string_member (error, "type", "error");
  json_object_set_string_member (error, "code", code);
  json_object_set_string_member (error, "message", message);
  json_node_set_object (node, error);
  text = json_to_string (node, FALSE);
  g_info ("phone from %s refused: %s (%s)", pending->remote_ip, code, message);
  g_hash_table_remove (pending->hub->pending, connection);
  if (soup_websocket_connection_get_state (connection) != SOUP_WEBSOCKET_STATE_OPEN)
    {
      g_object_unref (connection);
      return;
    }
  g_signal_connect (connection, "closed", G_CALLBACK (on_refused_closed), NULL);
  soup_websocket_connection_send_text (connection, text);
  soup_websocket_connection_close (connection, close_code, code);
}

static void
remove_session (MgPhoneHub *self, MgPhoneSession *session)
{
  g_autoptr (MgPhoneSession) keep = g_object_ref (session);
  gpointer id;

  if (g_hash_table_lookup (self->sessions, mg_phone_session_get_extension (session)) != session)
    return;
  if (g_hash_table_steal_extended (self->grace, session, NULL, &id))
    g_source_remove (GPOINTER_TO_UINT (id));
  g_signal_handlers_disconnect_by_data (session, self);
  g_hash_table_remove (self->sessions, mg_phone_session_get_extension (session));
  mg_phone_session_close (session, SOUP_WEBSOCKET_CLOSE_NORMAL, "session ended");
  g_info ("phone %s (%s) is gone", mg_phone_session_get_extension (session),
          mg_phone_session_get_id (session));
  g_signal_emit (self, signals[SIGNAL_SESSION_REMOVED], 0, session);
}

typedef struct
{
  MgPhoneHub *hub;
  MgPhoneSession *session;
} GraceData;

static gboolean
on_grace_expired (gpointer data)
{
  GraceData *grace = data;

  g_hash_table_remove (grace->hub->grace, grace->session);
  remove_session (grace->hub, grace->session);
  return G_SOURCE_REMOVE;
}

static void
on_session_disconnected (MgPhoneSession *session, MgPhoneHub *self)
{
  GraceData *grace = g_new0 (GraceData, 1);

  grace->hub = self;
  grace->session = session;
  g_hash_table_insert (self->grace, session,
                       GUINT_TO_POINTER (g_timeout_add_seconds_full (
                         G_PRIORITY_DEFAULT, self->grace_period, on_grace_expired, grace, g_free)));
}

static JsonObject *
registered_message (MgPhoneHub *self, MgPhoneSession *session, MgExtension *extension)
{
  JsonObject *message = json_object_new ();

  json_object_set_string_member (message, "type", "registered");
  json_object_set_string_member (message, "session_id", mg_phone_session_get_id (session));
  json_object_set_string_member (message, "extension", mg_extension_get_number (extension));
  json_object_set_string_member (message, "display_name",
                                 mg_extension_get_display_name (extension));
  json_object_set_array_member (message, "ice_servers",
                                mg_turn_dup_ice_servers (self->store,
                                                         mg_extension_get_number (extension)));
  json_object_set_int_member (message, "grace_period", self->grace_period);
  json_object_set_array_member (message, "calls", json_array_new ());
  g_signal_emit (self, signals[SIGNAL_REGISTERING], 0, session, message);
  return message;
}

static guint
session_limit (MgPhoneHub *self)
{
  g_autoptr (JsonObject) media = mg_settings_load (self->store, "media");

  return mg_settings_get_int (media, "max_webrtc_sessions");
}

/* The phone proved it is @number: resume its session, or start a new one. */
static void
admit (Pending *pending, MgExtension *extension, const char *subject, const char *resume)
{
  MgPhoneHub *self = pending->hub;
  const char *number = mg_extension_get_number (extension);
  MgPhoneSession *session = g_hash_table_lookup (self->sessions, number);
  g_autoptr (SoupWebsocketConnection) connection = g_object_ref (pending->connection);
  g_autofree char *remote_ip = g_strdup (pending->remote_ip);
  g_autoptr (JsonObject) registered = NULL;
  gboolean resuming = FALSE;
  gpointer id;

  if (session != NULL)
    {
      resuming = resume != NULL && g_str_equal (resume, mg_phone_session_get_id (session))
                 && g_strcmp0 (subject, mg_phone_session_get_token_subject (session)) == 0;
      if (!resuming && mg_phone_session_is_connected (session))
        {
          refuse (pending, "already_connected", 4009,
                  _("another phone is connected for this extension"));
          return;
        }
      if (!resuming)
        remove_session (self, session); /* its grace period is cut short */
    }
  if (!resuming && g_hash_table_size (self->sessions) >= session_limit (self))
    {
      refuse (pending, "limit_reached", 4029, _("the server has no room for more phones"));
      return;
    }

  g_hash_table_remove (self->pending, connection);
  if (resuming)
    {
      if (g_hash_table_steal_extended (self->grace, session, NULL, &id))
        g_source_remove (GPOINTER_TO_UINT (id));
      registered = registered_message (self, session, extension);
      mg_phone_session_attach (session, connection, registered);
      g_info ("phone %s resumed %s from %s", number, mg_phone_session_get_id (session), remote_ip);
      return;
    }

  session = mg_phone_session_new (number, subject);
  g_hash_table_insert (self->sessions, g_strdup (number), session);
  g_signal_connect (session, "disconnected", G_CALLBACK (on_session_disconnected), self);
  registered = registered_message (self, session, extension);
  mg_phone_session_attach (session, connection, registered);
  g_info ("phone %s logged in from %s (%s)", number, remote_ip, mg_phone_session_get_id (session));
  g_signal_emit (self, signals[SIGNAL_SESSION_ADDED], 0, session);
}

static MgExtension *
usable_extension (Pending *pending, const char *number)
{
  g_autoptr (MgExtension) extension = NULL;

  if (number == NULL || !mg_extension_number_is_valid (number)
      || (extension = mg_store_get_extension (pending->hub->store, number, NULL)) == NULL)
    {
      refuse (pending, "not_found", 4004, _("no such extension"));
      return NULL;
    }
  if (!mg_extension_get_enabled (extension))
    {
      refuse (pending, "disabled", 4003, _("this extension is disabled"));
      return NULL;
    }
  return g_steal_pointer (&extension);
}

static void
auth_with_token (Pending *pending, const char *token, const char *resume)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *number = NULL;
  g_autoptr (MgExtension) extension = NULL;

  number = mg_token_signer_verify (pending->hub->signer, token, "session",
                                   g_get_real_time () / G_USEC_PER_SEC, NULL, &error);
  if (number == NULL)
    {
      refuse (pending, "unauthorized", 4001, error->message);
      return;
    }
  extension = usable_extension (pending, number);
  if (extension != NULL)
    admit (pending, extension, token, resume);
}

/* The embedded default's login: the extension's own digest password. */
static void
auth_with_password (Pending *pending, const char *number, const char *password, const char *resume)
{
  MgPhoneHub *self = pending->hub;
  g_autoptr (MgExtension) extension = NULL;
  g_autofree char *subject = NULL;

  if (mg_sip_agent_get_active_registrar (self->agent) != NULL)
    {
      refuse (pending, "unauthorized", 4001,
              _("log in with a session token from your application; passwords work only "
                "without a SIP platform"));
      return;
    }
  if (mg_rate_limiter_is_blocked (self->login_failures, pending->remote_ip,
                                  g_get_monotonic_time (), NULL))
    {
      refuse (pending, "unauthorized", 4001, _("too many failed logins; wait a minute"));
      return;
    }
  extension = number && mg_extension_number_is_valid (number)
                ? mg_store_get_extension (self->store, number, NULL)
                : NULL;
  if (extension == NULL || password == NULL
      || !mg_constant_time_equal (password, mg_extension_get_auth_password (extension)))
    {
      mg_rate_limiter_add_failure (self->login_failures, pending->remote_ip,
                                   g_get_monotonic_time ());
      refuse (pending, "unauthorized", 4001, _("wrong extension or password"));
      return;
    }
  if (!mg_extension_get_enabled (extension))
    {
      refuse (pending, "disabled", 4003, _("this extension is disabled"));
      return;
    }
  /* a resume must come from the same login: the extension stands for it */
  subject = g_strconcat ("login:", number, NULL);
  admit (pending, extension, subject, resume);
}

static void
on_first_message (SoupWebsocketConnection *connection, gint data_type, GBytes *data,
                  Pending *pending)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  gsize size = 0;
  const char *text = g_bytes_get_data (data, &size);
  JsonObject *message;
  const char *type, *resume;

  if (data_type != SOUP_WEBSOCKET_DATA_TEXT || !g_utf8_validate (text, size, NULL)
      || !json_parser_load_from_data (parser, text, size, NULL)
      || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      refuse (pending, "unauthorized", 4001, _("the first message must be a JSON auth or login"));
      return;
    }
  message = json_node_get_object (json_parser_get_root (parser));
  type = json_object_get_string_member_with_default (message, "type", "");
  resume = json_object_get_string_member_with_default (message, "resume", NULL);
  if (g_str_equal (type, "auth"))
    auth_with_token (pending, json_object_get_string_member_with_default (message, "token", NULL),
                     resume);
  else if (g_str_equal (type, "login"))
    auth_with_password (pending,
                        json_object_get_string_member_with_default (message, "extension", NULL),
                        json_object_get_string_member_with_default (message, "password", NULL),
                        resume);
  else
    refuse (pending, "unauthorized", 4001, _("the first message must be an auth or login"));
}

static gboolean
on_auth_timeout (gpointer data)
{
  Pending *pending = data;

  pending->timeout_id = 0;
  refuse (pending, "unauthorized", 4001, _("no auth within 10 s"));
  return G_SOURCE_REMOVE;
}

static void
on_pending_closed (SoupWebsocketConnection *connection, Pending *pending)
{
  g_hash_table_remove (pending->hub->pending, connection);
}

static void
on_websocket (SoupServer *server, SoupServerMessage *msg, const char *path,
              SoupWebsocketConnection *connection, gpointer user_data)
{
  MgPhoneHub *self = user_data;
  Pending *pending = g_new0 (Pending, 1);
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);

  pending->hub = self;
  pending->connection = g_object_ref (connection);
  pending->remote_ip = G_IS_INET_SOCKET_ADDRESS (remote)
                         ? g_inet_address_to_string (g_inet_socket_address_get_address (
                             G_INET_SOCKET_ADDRESS (remote)))
                         : g_strdup ("unknown");
  soup_websocket_connection_set_max_incoming_payload_size (connection, MAX_MESSAGE_SIZE);
  soup_websocket_connection_set_keepalive_interval (connection, KEEPALIVE_SECONDS);
  g_hash_table_insert (self->pending, connection, pending);
  g_signal_connect (connection, "message", G_CALLBACK (on_first_message), pending);
  g_signal_connect (connection, "closed", G_CALLBACK (on_pending_closed), pending);
  pending->timeout_id = g_timeout_add_seconds (AUTH_TIMEOUT_SECONDS, on_auth_timeout, pending);
}

void
mg_phone_hub_attach (MgPhoneHub *self, MgHttpListener *listener)
{
  soup_server_add_websocket_handler (mg_http_listener_get_soup_server (listener), "/webkit/ws",
                                     NULL, NULL, on_websocket, self, NULL);
}

/**
 * mg_phone_hub_lookup:
 * @self: a hub
 * @extension: an extension number
 *
 * Returns: (transfer none) (nullable): the extension's phone session, connected or in its grace period
 */
MgPhoneSession *
mg_phone_hub_lookup (MgPhoneHub *self, const char *extension)
{
  g_return_val_if_fail (MG_IS_PHONE_HUB (self), NULL);
  return g_hash_table_lookup (self->sessions, extension);
}

/**
 * mg_phone_hub_count:
 * @self: a hub
 *
 * Returns: how many phone sessions exist (connected or in their grace period)
 */
guint
mg_phone_hub_count (MgPhoneHub *self)
{
  g_return_val_if_fail (MG_IS_PHONE_HUB (self), 0);
  return g_hash_table_size (self->sessions);
}

/**
 * mg_phone_hub_set_grace_period:
 * @self: a hub
 * @seconds: how long a disconnected phone keeps its session
 *
 * Sets the reconnect grace period (default 10 s).
 */
void
mg_phone_hub_set_grace_period (MgPhoneHub *self, guint seconds)
{
  g_return_if_fail (MG_IS_PHONE_HUB (self));
  self->grace_period = seconds;
}
