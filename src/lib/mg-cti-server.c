/* mg-cti-server.c: the CTI interface, CSTA XML (ECMA-323) over secure
 * WebSockets
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-cti"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>

#include "mg-call-private.h"
#include "mg-cti-events-private.h"
#include "mg-cti-session-private.h"
#include "mg-settings.h"
#include "mg-store-clients-private.h"
#include "mg-websocket-private.h"

/**
 * MgCtiServer:
 *
 * Applications (a CRM, a contact-center server, a wallboard) monitor and
 * control the browser phones through CSTA XML on `wss://HOST:8090/csta`,
 * subprotocol `csta-xml` (text frames: invokeID and one XML document) or
 * `csta-xml-tcp` (binary frames carrying the ECMA-323 TCP byte stream).
 * Each connection is one ECMA-354 application session, authenticated with
 * an access token of a client credential (`POST /oauth/token`). The
 * settings section `cti` (admin API) holds the session timer and the
 * heartbeat interval. docs/cti.md is the reference.
 */

#define SUBPROTOCOLS ((char *[]){ "csta-xml", "csta-xml-tcp", NULL })

struct _MgCtiServer
{
  GObject parent_instance;

  MgStore *store;
  MgTokenSigner *signer;
  GHashTable *connections; /* MgCtiLink* -> MgCtiSession* (owned) */
  GHashTable *sessions; /* session ID -> MgCtiSession*, also while detached */
  MgCallManager *calls;
  MgSipAgent *agent;
  GHashTable *out_of_service; /* extensions whose registration is lost */
  gboolean platform_degraded; /* told SystemStatus partiallyDisabled */
  MgSourcePolicy *policy; /* one connection per client address, load balancers apart */
  GHashTable *tracks; /* call ID -> CallTrack: what the monitors were told */
  guint tick_id; /* one timer for every connection's timers */
};

/* A call as the CTI reported it so far: per leg its device and connection
 * state (NULL: no phone there, or gone), for snapshots, and what must not
 * be told twice. */
typedef struct
{
  char *device[2];
  const char *state[2];
  gboolean delivered[2];
  gboolean up;
} CallTrack;

static void
call_track_free (gpointer data)
{
  CallTrack *track = data;

  g_free (track->device[0]);
  g_free (track->device[1]);
  g_free (track);
}

G_DEFINE_FINAL_TYPE (MgCtiServer, mg_cti_server, G_TYPE_OBJECT)

static void
close_all (MgCtiServer *self)
{
  GHashTableIter iter;
  gpointer session;

  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, NULL, &session))
    mg_cti_session_close (session, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, "server shutdown");
}

static void
mg_cti_server_dispose (GObject *object)
{
  MgCtiServer *self = MG_CTI_SERVER (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->connections != NULL)
    close_all (self);
  g_clear_pointer (&self->sessions, g_hash_table_unref);
  g_clear_pointer (&self->connections, g_hash_table_unref);
  if (self->calls != NULL)
    g_signal_handlers_disconnect_by_data (self->calls, self);
  g_clear_object (&self->calls);
  if (self->agent != NULL)
    g_signal_handlers_disconnect_by_data (self->agent, self);
  g_clear_object (&self->agent);
  g_clear_pointer (&self->out_of_service, g_hash_table_unref);
  g_clear_pointer (&self->tracks, g_hash_table_unref);
  g_clear_object (&self->policy);
  g_clear_object (&self->store);
  g_clear_object (&self->signer);
  G_OBJECT_CLASS (mg_cti_server_parent_class)->dispose (object);
}

static void
mg_cti_server_class_init (MgCtiServerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = mg_cti_server_dispose;
}

static void
mg_cti_server_init (MgCtiServer *self)
{
  self->connections = g_hash_table_new_full (NULL, NULL, NULL, g_object_unref);
  self->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->tracks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, call_track_free);
  self->policy = mg_source_policy_new ();
  self->out_of_service = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

static void
apply_settings (MgCtiServer *self)
{
  g_autoptr (JsonObject) cti = mg_settings_load (self->store, "cti");
  g_auto (GStrv) balancers = mg_settings_dup_strv (cti, "load_balancers");
  guint replay_events = mg_settings_get_int (cti, "replay_events");
  g_autoptr (GError) error = NULL;
  GHashTableIter iter;
  gpointer session;

  if (!mg_source_policy_set_load_balancers (self->policy, (const char *const *) balancers, &error))
    g_warning ("CTI: keeping the old load balancers: %s", error->message);
  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &session))
    mg_cti_replay_set_limit (((MgCtiSession *) session)->replay, replay_events);
}

static void
on_settings_changed (MgStore *store, const char *what, MgCtiServer *self)
{
  apply_settings (self);
}

/* Every connected session's timers and checks, once a second: one timer
 * rather than three per session, which every main loop iteration would
 * walk (with 300 sessions that was most of what CTI cost). */
static gboolean
on_tick (gpointer data)
{
  MgCtiServer *self = data;
  g_autoptr (GPtrArray) sessions = g_ptr_array_new_with_free_func (g_object_unref);
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  gpointer session;

  g_hash_table_iter_init (&iter, self->connections);
  while (g_hash_table_iter_next (&iter, NULL, &session))
    g_ptr_array_add (sessions, g_object_ref (session));
  for (guint i = 0; i < sessions->len; i++)
    mg_cti_session_tick (g_ptr_array_index (sessions, i), now);
  return G_SOURCE_CONTINUE;
}

/**
 * mg_cti_server_new:
 * @store: the store (client credentials, the `cti` settings)
 * @signer: what signed the access tokens
 *
 * Returns: (transfer full): a CTI server, not yet attached to a listener
 */
MgCtiServer *
mg_cti_server_new (MgStore *store, MgTokenSigner *signer)
{
  MgCtiServer *self = g_object_new (MG_TYPE_CTI_SERVER, NULL);

  self->store = g_object_ref (store);
  self->signer = g_object_ref (signer);
  apply_settings (self);
  g_signal_connect_object (store, "changed::cti", G_CALLBACK (on_settings_changed), self, 0);
  self->tick_id = g_timeout_add_seconds (1, on_tick, self);
  return self;
}

/* Before the upgrade: one live connection per client address (the seed's
 * one-connection-per-IP rule), except behind listed load balancers. */
static void
on_upgrade_request (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
                    gpointer user_data)
{
  MgCtiServer *self = user_data;

  mg_websocket_admit (self->policy, msg, "CTI");
}

static const char *
bearer_of (SoupServerMessage *msg)
{
  const char *authorization =
    soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "Authorization");

  if (authorization == NULL || g_ascii_strncasecmp (authorization, "Bearer ", 7) != 0)
    return NULL;
  return authorization + 7;
}

static void
on_websocket (SoupServer *server, SoupServerMessage *msg, const char *path,
              SoupWebsocketConnection *connection, gpointer user_data)
{
  MgCtiServer *self = user_data;
  MgSourceSlot *slot = mg_websocket_take_slot (msg);
  MgCtiSession *session;

  g_autoptr (MgCtiLink) link = NULL;

  g_return_if_fail (slot != NULL);
  g_debug ("CTI connection from %s (%s)", mg_source_slot_get_client (slot),
           soup_websocket_connection_get_protocol (connection));
  /* a text message is the invokeID and at most 64 KiB of XML */
  link = mg_cti_link_new_websocket (connection, 4 + MG_CSTA_MAX_MESSAGE);
  session = mg_cti_session_new (self, link, slot, bearer_of (msg));
  g_hash_table_insert (self->connections, link, session);
}

/* A connection to the raw CSTA-over-TLS listener: the same sessions, the
 * ECMA-323 TCP framing without a WebSocket (existing TCP CSTA tools). One
 * connection per address as on the WebSocket listener; behind a listed
 * load balancer there is no header to name the client, so its own address
 * counts (it may hold many). */
static void
on_tls_stream (MgHttpListener *listener, GIOStream *stream, GSocketAddress *remote,
               gpointer user_data)
{
  MgCtiServer *self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (MgCtiLink) link = NULL;
  MgSourceSlot *slot;

  if (!G_IS_INET_SOCKET_ADDRESS (remote))
    return;
  slot = mg_source_policy_admit (
    self->policy, g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)), NULL, &error);
  if (slot == NULL)
    {
      g_info ("CTI TLS connection refused: %s", error->message);
      g_io_stream_close_async (stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
      return;
    }
  g_debug ("CTI TLS connection from %s", mg_source_slot_get_client (slot));
  link = mg_cti_link_new_stream (stream);
  g_hash_table_insert (self->connections, link, mg_cti_session_new (self, link, slot, NULL));
}

/**
 * mg_cti_server_attach_tls:
 * @self: a CTI server
 * @listener: the raw CSTA-over-TLS listener
 *
 * Serves application sessions on @listener's TLS streams, with the
 * ECMA-323 8-byte framing (docs/cti.md).
 */
void
mg_cti_server_attach_tls (MgCtiServer *self, MgHttpListener *listener)
{
  g_return_if_fail (MG_IS_CTI_SERVER (self));

  mg_http_listener_set_stream_handler (listener, on_tls_stream, self);
}

/**
 * mg_cti_server_attach:
 * @self: a CTI server
 * @listener: the CTI listener
 *
 * Serves `/csta` on @listener.
 */
void
mg_cti_server_attach (MgCtiServer *self, MgHttpListener *listener)
{
  g_return_if_fail (MG_IS_CTI_SERVER (self));
  mg_http_listener_add_handler (listener, "/csta", on_upgrade_request, self, NULL);
  soup_server_add_websocket_handler (mg_http_listener_get_soup_server (listener), "/csta", NULL,
                                     SUBPROTOCOLS, on_websocket, self, NULL);
}

/**
 * mg_cti_server_count_sessions:
 * @self: a CTI server
 *
 * Returns: how many application sessions are started
 */
guint
mg_cti_server_count_sessions (MgCtiServer *self)
{
  g_return_val_if_fail (MG_IS_CTI_SERVER (self), 0);
  return g_hash_table_size (self->sessions);
}

/* The client credential an access token stands for, if it still exists. */
char *
mg_cti_server_authenticate (MgCtiServer *self, const char *token, GError **error)
{
  g_autofree char *client_id = NULL;
  g_autoptr (MgClientCredential) credential = NULL;

  client_id = mg_token_signer_verify (self->signer, token, "access",
                                      g_get_real_time () / G_USEC_PER_SEC, NULL, error);
  if (client_id == NULL)
    return NULL;
  credential = mg_store_get_client (self->store, client_id, NULL);
  if (credential == NULL)
    {
      g_set_error (error, MG_TOKEN_ERROR, MG_TOKEN_ERROR_SIGNATURE,
                   _("the client of this token no longer exists"));
      return NULL;
    }
  return g_steal_pointer (&client_id);
}

static guint
cti_setting (MgCtiServer *self, const char *key)
{
  g_autoptr (JsonObject) cti = mg_settings_load (self->store, "cti");

  return mg_settings_get_int (cti, key);
}

guint
mg_cti_server_get_session_timeout (MgCtiServer *self)
{
  return cti_setting (self, "session_timeout");
}

guint
mg_cti_server_get_heartbeat_interval (MgCtiServer *self)
{
  return cti_setting (self, "heartbeat_interval");
}

guint
mg_cti_server_get_resume_delay (MgCtiServer *self)
{
  return cti_setting (self, "resume_delay");
}

guint
mg_cti_server_get_replay_events (MgCtiServer *self)
{
  return cti_setting (self, "replay_events");
}

gboolean
mg_cti_server_get_logout_on_timeout (MgCtiServer *self)
{
  g_autoptr (JsonObject) cti = mg_settings_load (self->store, "cti");

  return json_object_get_boolean_member_with_default (cti, "logout_on_timeout", FALSE);
}

static int
by_start (gconstpointer a, gconstpointer b)
{
  gint64 x = ((const MgCtiSession *) a)->started_at;
  gint64 y = ((const MgCtiSession *) b)->started_at;

  return x < y ? -1 : x > y;
}

guint
mg_cti_server_get_max_sessions (MgCtiServer *self)
{
  return cti_setting (self, "max_sessions");
}

/**
 * mg_cti_server_describe_sessions: (skip)
 *
 * Returns: (transfer full): the started sessions (docs/admin-api.md), the
 *   oldest first
 */
JsonArray *
mg_cti_server_describe_sessions (MgCtiServer *self)
{
  g_autoptr (GList) sessions = g_hash_table_get_values (self->sessions);
  JsonArray *array = json_array_new ();

  sessions = g_list_sort (sessions, by_start);
  for (GList *l = sessions; l != NULL; l = l->next)
    json_array_add_object_element (array, mg_cti_session_describe (l->data));
  return array;
}

/**
 * mg_cti_server_drop_session: (skip)
 *
 * Ends session @id for good (ApplicationSessionTerminated, then close).
 *
 * Returns: %FALSE if there is no such session
 */
gboolean
mg_cti_server_drop_session (MgCtiServer *self, const char *id, const char *reason)
{
  g_autoptr (MgCtiSession) session = g_hash_table_lookup (self->sessions, id);

  if (session == NULL)
    return FALSE;
  g_object_ref (session);
  mg_cti_session_drop (session, reason);
  return TRUE;
}

void
mg_cti_server_session_started (MgCtiServer *self, gpointer session, const char *id)
{
  g_hash_table_insert (self->sessions, g_strdup (id), g_object_ref (session));
}

static gboolean
is_session (gpointer connection, gpointer value, gpointer session)
{
  return value == session;
}

/* @session is gone for good. */
void
mg_cti_server_session_closed (MgCtiServer *self, gpointer session)
{
  const char *id = mg_cti_session_get_id (session);

  g_hash_table_foreach_remove (self->connections, is_session, session);
  if (id != NULL && g_hash_table_lookup (self->sessions, id) == session)
    g_hash_table_remove (self->sessions, id);
}

/* @session lost its connection; it waits for a resume. */
void
mg_cti_server_session_detached (MgCtiServer *self, gpointer session)
{
  g_hash_table_foreach_remove (self->connections, is_session, session);
}

/* @session takes over @connection (a resume). */
void
mg_cti_server_adopt (MgCtiServer *self, MgCtiLink *link, gpointer session)
{
  g_hash_table_replace (self->connections, link, g_object_ref (session));
}

/* Returns: (nullable) (transfer none): the started session @id */
gpointer
mg_cti_server_lookup_session (MgCtiServer *self, const char *id)
{
  return g_hash_table_lookup (self->sessions, id);
}

/* -- calls -> monitors ---------------------------------------------------------- */

static CallTrack *
track_of (MgCtiServer *self, MgCall *call)
{
  CallTrack *track = g_hash_table_lookup (self->tracks, mg_call_get_id (call));

  if (track == NULL)
    {
      track = g_new0 (CallTrack, 1);
      g_hash_table_insert (self->tracks, g_strdup (mg_call_get_id (call)), track);
    }
  return track;
}

/* The connection state @type leaves the phone of @leg in. */
static const char *
state_after (const char *type, JsonObject *detail, const char *before)
{
  const char *by = json_object_get_string_member_with_default (detail, "by", "local");

  if (g_str_equal (type, "dialing") || g_str_equal (type, "accepted"))
    return "connected";
  if (g_str_equal (type, "incoming"))
    return "alerting";
  if (g_str_equal (type, "held") && g_str_equal (by, "local"))
    return "hold";
  if (g_str_equal (type, "resumed") && g_str_equal (by, "local"))
    return "connected";
  if (g_str_equal (type, "diverted") && json_object_has_member (detail, "from"))
    return before; /* the caller's call goes on, ringing elsewhere */
  if (g_str_equal (type, "ended") || g_str_equal (type, "transferred")
      || g_str_equal (type, "diverted"))
    return NULL;
  return before;
}

/* @events of @device to every session's monitors of it. */
void
mg_cti_server_deliver (MgCtiServer *self, const char *device, GPtrArray *events)
{
  GHashTableIter iter;
  gpointer session;

  g_hash_table_iter_init (&iter, self->sessions);
  while (events->len > 0 && g_hash_table_iter_next (&iter, NULL, &session))
    mg_cti_session_deliver (session, device, events);
}

MgCallManager *
mg_cti_server_get_call_manager (MgCtiServer *self)
{
  return self->calls;
}

MgStore *
mg_cti_server_get_store (MgCtiServer *self)
{
  return self->store;
}

static void
on_party_event (MgCallManager *calls, MgCall *call, guint leg, const char *type, JsonObject *detail,
                MgCtiServer *self)
{
  CallTrack *track = track_of (self, call);
  MgCtiPartyEvent event = { call, leg, mg_call_manager_get_caller_leg (call), type, detail };
  GHashTableIter iter;
  gpointer session;

  if ((g_str_equal (type, "ringing") || g_str_equal (type, "progress")) && track->delivered[leg])
    return;
  if (track->device[leg] == NULL)
    track->device[leg] = g_strdup (mg_call_get_leg (call, leg)->number);
  /* an event for another phone on that leg (after a deflect) */
  if (g_strcmp0 (track->device[leg], mg_call_get_leg (call, leg)->number) != 0)
    {
      g_free (track->device[leg]);
      track->device[leg] = g_strdup (mg_call_get_leg (call, leg)->number);
      track->delivered[leg] = FALSE;
    }
  event.was_up = track->up;
  track->delivered[leg] |= g_str_equal (type, "ringing") || g_str_equal (type, "progress");
  /* the call rings somewhere new: Delivered again */
  track->delivered[leg] &= !g_str_equal (type, "diverted");
  track->up |= g_str_equal (type, "accepted");
  track->state[leg] = state_after (type, detail, track->state[leg]);

  /* each session renders the events itself: its application's policy
   * decides what it may see of the far party */
  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &session))
    mg_cti_session_deliver_party_event (session, track->device[leg], &event);
  if (track->state[0] == NULL && track->state[1] == NULL)
    g_hash_table_remove (self->tracks, mg_call_get_id (call));
}

/* The policy of the application of client credential @client_id. */
MgCtiPolicy *
mg_cti_server_policy_for (MgCtiServer *self, const char *client_id)
{
  g_autoptr (MgClientCredential) credential = mg_store_get_client (self->store, client_id, NULL);

  return mg_cti_policy_new (credential ? credential->cti_devices : "",
                            credential ? credential->caller_id_masking : "full",
                            mg_store_get_install_secret (self->store));
}

void
mg_cti_server_set_call_manager (MgCtiServer *self, MgCallManager *calls)
{
  g_set_object (&self->calls, calls);
  g_signal_connect (calls, "party-event", G_CALLBACK (on_party_event), self);
}

gboolean
mg_cti_server_device_exists (MgCtiServer *self, const char *device)
{
  g_autoptr (MgExtension) extension = NULL;

  if (!mg_extension_number_is_valid (device))
    return FALSE;
  extension = mg_store_get_extension (self->store, device, NULL);
  return extension != NULL;
}

GArray *
mg_cti_server_snapshot_device (MgCtiServer *self, const char *device)
{
  GArray *connections = g_array_new (FALSE, FALSE, sizeof (MgCtiConnection));
  GHashTableIter iter;
  gpointer id, value;

  g_hash_table_iter_init (&iter, self->tracks);
  while (g_hash_table_iter_next (&iter, &id, &value))
    {
      CallTrack *track = value;

      for (guint leg = 0; leg < 2; leg++)
        if (track->state[leg] != NULL && g_strcmp0 (track->device[leg], device) == 0)
          {
            MgCtiConnection c = { id, track->state[leg] };

            g_array_append_val (connections, c);
          }
    }
  return connections;
}

/* The parties of @call_id as the CTI reported them: its phones with their
 * connection states, and a far party on the SIP side. Empty: no such call. */
GArray *
mg_cti_server_snapshot_call (MgCtiServer *self, const char *call_id)
{
  GArray *parties = g_array_new (FALSE, FALSE, sizeof (MgCtiParty));
  CallTrack *track = g_hash_table_lookup (self->tracks, call_id);
  MgCall *call = self->calls ? mg_call_manager_lookup (self->calls, call_id) : NULL;

  if (track == NULL || call == NULL)
    return parties;
  for (guint leg = 0; leg < 2; leg++)
    {
      MgCallLeg *l = mg_call_get_leg (call, leg);
      MgCtiParty party = { l->number, NULL, l->dialog == NULL, l->restricted };

      if (l->number == NULL)
        continue;
      if (party.extension)
        party.state = track->state[leg];
      else /* the SIP side: connected once answered, else alerting if called */
        party.state = track->up                                      ? "connected"
                      : mg_call_manager_get_caller_leg (call) == leg ? "connected"
                                                                     : "alerting";
      if (party.state != NULL)
        g_array_append_val (parties, party);
    }
  return parties;
}

/* -- the SIP platform: failover and devices out of service --------------------- */

static void
broadcast_system_status (MgCtiServer *self, const char *status)
{
  GHashTableIter iter;
  gpointer session;

  g_info ("CTI: system status %s", status);
  g_hash_table_iter_init (&iter, self->sessions);
  while (g_hash_table_iter_next (&iter, NULL, &session))
    mg_cti_session_send_system_status (session, status);
}

static GPtrArray *
maintenance_event (const char *name, const char *device)
{
  GPtrArray *events = g_ptr_array_new_with_free_func (mg_cti_event_free);
  MgCtiEvent *event = g_new0 (MgCtiEvent, 1);

  event->name = name;
  event->body = g_string_new (NULL);
  mg_csta_leaf (event->body, "device", device);
  g_ptr_array_add (events, event);
  return events;
}

/* The platform moved (primary -> secondary): every session hears it, and
 * again once every extension registered there. */
static void
on_active_registrar (MgSipAgent *agent, GParamSpec *pspec, MgCtiServer *self)
{
  g_autoptr (GPtrArray) all = NULL;

  if (mg_sip_agent_get_active_registrar (agent) == NULL)
    return;
  self->platform_degraded = TRUE;
  broadcast_system_status (self, "partiallyDisabled");
  /* every extension is out of service until it registered again */
  all = mg_sip_agent_dup_registrations (agent);
  for (guint i = 0; i < all->len; i++)
    {
      const char *device = mg_sip_registration_get_number (g_ptr_array_index (all, i));
      g_autoptr (GPtrArray) events = NULL;

      if (g_hash_table_contains (self->out_of_service, device))
        continue;
      g_hash_table_add (self->out_of_service, g_strdup (device));
      events = maintenance_event ("OutOfServiceEvent", device);
      mg_cti_server_deliver (self, device, events);
    }
}

/* A registration lost or back: OutOfServiceEvent / BackInServiceEvent at
 * the device's monitors. */
static void
on_registration_changed (MgSipAgent *agent, MgSipRegistration *registration, MgCtiServer *self)
{
  const char *device = mg_sip_registration_get_number (registration);
  MgSipRegistrationState state = mg_sip_registration_get_state (registration);
  gboolean lost = g_hash_table_contains (self->out_of_service, device);
  g_autoptr (GPtrArray) events = NULL;

  if (state == MG_SIP_REGISTRATION_STATE_REGISTERED && lost)
    {
      g_hash_table_remove (self->out_of_service, device);
      events = maintenance_event ("BackInServiceEvent", device);
    }
  else if (state == MG_SIP_REGISTRATION_STATE_FAILED && !lost)
    {
      g_hash_table_add (self->out_of_service, g_strdup (device));
      events = maintenance_event ("OutOfServiceEvent", device);
    }
  if (events != NULL)
    mg_cti_server_deliver (self, device, events);
  if (self->platform_degraded && state == MG_SIP_REGISTRATION_STATE_REGISTERED
      && g_hash_table_size (self->out_of_service) == 0 && mg_sip_agent_count_registered (agent) > 0)
    {
      GPtrArray *all = mg_sip_agent_dup_registrations (agent);
      gboolean every = TRUE;

      for (guint i = 0; i < all->len; i++)
        every &= mg_sip_registration_get_state (g_ptr_array_index (all, i))
                 == MG_SIP_REGISTRATION_STATE_REGISTERED;
      g_ptr_array_unref (all);
      if (every)
        {
          self->platform_degraded = FALSE;
          broadcast_system_status (self, "normal");
        }
    }
}

void
mg_cti_server_set_sip_agent (MgCtiServer *self, MgSipAgent *agent)
{
  g_set_object (&self->agent, agent);
  g_signal_connect (agent, "notify::active-registrar", G_CALLBACK (on_active_registrar), self);
  g_signal_connect (agent, "registration-changed", G_CALLBACK (on_registration_changed), self);
}

/* Whether @device cannot reach the SIP platform now (its registration is
 * lost, or the platform is moving). */
gboolean
mg_cti_server_device_out_of_service (MgCtiServer *self, const char *device)
{
  return g_hash_table_contains (self->out_of_service, device);
}
