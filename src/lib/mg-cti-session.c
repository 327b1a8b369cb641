/* mg-cti-session.c: one CTI application's connection: ECMA-354 session,
 * invokeIDs, the idle timer and the heartbeat
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-cti"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "mg-crypto-private.h"
#include "mg-csta-private.h"
#include "mg-cti-agents-private.h"
#include "mg-cti-call-control-private.h"
#include "mg-cti-features-private.h"
#include "mg-cti-events-private.h"
#include "mg-cti-monitoring-private.h"
#include "mg-cti-replay-private.h"
#include "mg-cti-session-private.h"

/*
 * What an application does first, on either subprotocol (docs/cti.md):
 * `StartApplicationSession` within START_TIMEOUT_S, with an access token of
 * a client credential; anything else first gets `CSTAErrorCode/security`
 * and close 1008. Then requests in the negotiated edition, each answered
 * with its invokeID; events go with 9999 and never before the response of
 * the request that caused them.
 *
 * The session timer (the seed's CONNECTIONTIMEOUT) is the
 * `actualSessionDuration`: application messages restart it (any request,
 * `ResetApplicationSessionTimer`, answers to our `SystemStatus`), WebSocket
 * pongs never do. When it runs out the application gets
 * `ApplicationSessionTerminated` (sessionTimerExpired) and close 4000.
 */

#define START_TIMEOUT_S 10
#define CLOSE_SESSION_TIMER_EXPIRED 4000

G_DEFINE_FINAL_TYPE (MgCtiSession, mg_cti_session, G_TYPE_OBJECT)

/* -- sending ---------------------------------------------------------------- */

static void
send_raw (MgCtiSession *self, guint invoke_id, const char *xml)
{
  g_autoptr (GBytes) frame = NULL;

  if (self->closing || self->link == NULL || !mg_cti_link_is_open (self->link))
    return;
  if (self->binary)
    frame = mg_csta_binary_frame (invoke_id, xml);
  else
    {
      char *text = mg_csta_text_frame (invoke_id, xml);

      frame = g_bytes_new_take (text, strlen (text));
    }
  if (frame != NULL)
    mg_cti_link_send (self->link, frame);
}

static const char *
csta_namespace (MgCtiSession *self)
{
  return mg_csta_edition_namespace (self->edition);
}

static void
reply_error (MgCtiSession *self, guint invoke_id, const char *category, const char *value)
{
  g_autoptr (GString) out = g_string_new (NULL);

  mg_csta_open (out, "CSTAErrorCode", csta_namespace (self));
  mg_csta_leaf (out, category, value);
  mg_csta_close (out, "CSTAErrorCode");
  send_raw (self, invoke_id, out->str);
  g_free (self->audit_result);
  self->audit_result = g_strdup_printf ("%s/%s", category, value);
}

/* Every request, its application and its result, one line each (no party
 * numbers: only the service, whose the session is, and how it ended). */
static void
audit (MgCtiSession *self, guint invoke_id, const char *service)
{
  g_log_structured (G_LOG_DOMAIN, G_LOG_LEVEL_MESSAGE, "CTI_SESSION", self->id ? self->id : "-",
                    "CTI_APPLICATION", self->application_id ? self->application_id : "-",
                    "CTI_CLIENT", self->client_id ? self->client_id : "-", "MESSAGE",
                    "audit: session %s application %s client %s from %s: %04u %s -> %s",
                    self->id ? self->id : "-", self->application_id ? self->application_id : "-",
                    self->client_id ? self->client_id : "-", self->remote_ip, invoke_id, service,
                    self->audit_result ? self->audit_result : "ok");
  g_clear_pointer (&self->audit_result, g_free);
}

static guint
take_invoke_id (MgCtiSession *self)
{
  guint id = self->next_invoke_id;

  self->next_invoke_id = (id + 1) % (MG_CSTA_MAX_INVOKE_ID + 1);
  return id;
}

/* -- closing ---------------------------------------------------------------- */

static void
stop_timers (MgCtiSession *self)
{
  mg_cti_timers_stop (&self->timers);
}

void
mg_cti_session_close (MgCtiSession *self, gushort code, const char *reason)
{
  if (self->closing)
    return;
  self->closing = TRUE;
  stop_timers (self);
  g_info ("CTI session %s (%s, %s): closing with %u: %s", self->id ? self->id : "-",
          self->application_id ? self->application_id : "no application", self->remote_ip, code,
          reason);
  if (self->link != NULL)
    mg_cti_link_close (self->link, code, reason);
}

static void
on_start_timeout (MgCtiSession *self)
{
  mg_cti_session_close (self, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION,
                        "no StartApplicationSession within 10 s");
}

static void
on_session_timer_expired (MgCtiSession *self)
{
  g_autoptr (GString) out = g_string_new (NULL);

  mg_csta_open (out, "ApplicationSessionTerminated", MG_CSTA_NS_SESSION);
  mg_csta_leaf (out, "sessionID", self->id);
  mg_csta_open (out, "sessionTermReason", NULL);
  mg_csta_leaf (out, "definedTermReason", "sessionTimerExpired");
  mg_csta_close (out, "sessionTermReason");
  mg_csta_close (out, "ApplicationSessionTerminated");
  send_raw (self, take_invoke_id (self), out->str);
  self->timed_out = TRUE;
  mg_cti_session_close (self, CLOSE_SESSION_TIMER_EXPIRED, "session timer expired");
}

/* The session ends for good (an administrator dropped it): the
 * application is told why, and cannot resume it. */
void
mg_cti_session_drop (MgCtiSession *self, const char *reason)
{
  g_autoptr (GString) out = g_string_new (NULL);

  if (self->id != NULL && !self->closing)
    {
      mg_csta_open (out, "ApplicationSessionTerminated", MG_CSTA_NS_SESSION);
      mg_csta_leaf (out, "sessionID", self->id);
      mg_csta_open (out, "sessionTermReason", NULL);
      mg_csta_leaf (out, "serverTermReason", reason);
      mg_csta_close (out, "sessionTermReason");
      mg_csta_close (out, "ApplicationSessionTerminated");
      send_raw (self, take_invoke_id (self), out->str);
    }
  self->ended = TRUE;
  if (self->link != NULL && !self->closing)
    mg_cti_session_close (self, SOUP_WEBSOCKET_CLOSE_NORMAL, reason);
  else
    {
      /* waiting for a resume: gone now */
      g_clear_handle_id (&self->cleanup_id, g_source_remove);
      mg_cti_server_session_closed (self->server, self);
    }
}

static char *
iso_time (gint64 usec)
{
  g_autoptr (GDateTime) time = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);

  return g_date_time_format_iso8601 (time);
}

/* What the admin API shows of a session (no token, no numbers). */
JsonObject *
mg_cti_session_describe (MgCtiSession *self)
{
  JsonObject *object = json_object_new ();
  g_autofree char *since = iso_time (self->started_at);
  g_autofree char *last = iso_time (self->last_activity);

  json_object_set_string_member (object, "session_id", self->id);
  json_object_set_string_member (object, "application", self->application_id);
  json_object_set_string_member (object, "client_id", self->client_id);
  json_object_set_string_member (object, "address", self->remote_ip ? self->remote_ip : "");
  json_object_set_string_member (object, "since", since);
  json_object_set_string_member (object, "last_activity", last);
  json_object_set_int_member (object, "monitors", g_hash_table_size (self->monitors));
  json_object_set_int_member (object, "edition", self->edition);
  json_object_set_string_member (object, "subprotocol",
                                 self->link ? mg_cti_link_get_subprotocol (self->link) : "");
  json_object_set_boolean_member (object, "connected", self->link != NULL && !self->closing);
  return object;
}

/* An application message: the session timer starts again. */
void
mg_cti_session_restart_timer (MgCtiSession *self)
{
  if (self->id == NULL || self->closing)
    return;
  mg_cti_timers_application (&self->timers, g_get_monotonic_time (), self->duration);
}

/* Our SystemStatus request (heartbeat, platform changes); the application
 * answers with SystemStatusResponse and the same invokeID. */
void
mg_cti_session_send_system_status (MgCtiSession *self, const char *status)
{
  g_autoptr (GString) out = g_string_new (NULL);

  if (self->id == NULL)
    return;
  mg_csta_open (out, "SystemStatus", csta_namespace (self));
  mg_csta_leaf (out, "systemStatus", status);
  mg_csta_close (out, "SystemStatus");
  send_raw (self, take_invoke_id (self), out->str);
}

/* The session started or was resumed: the session timer runs, and our
 * SystemStatus comes every heartbeat_interval seconds (none for 0). */
void
mg_cti_session_start_timers (MgCtiSession *self)
{
  mg_cti_timers_started (&self->timers, g_get_monotonic_time (), self->duration,
                         mg_cti_server_get_heartbeat_interval (self->server));
}

/* Once a second, from the server's one timer for every connected session
 * (which holds a reference while it runs): the start and session timers,
 * the heartbeat, the link's own checks. */
void
mg_cti_session_tick (MgCtiSession *self, gint64 now)
{
  if (self->closing || self->link == NULL)
    return;
  switch (mg_cti_timers_due (&self->timers, now))
    {
    case MG_CTI_TIMER_START_TIMEOUT:
      on_start_timeout (self);
      return;
    case MG_CTI_TIMER_EXPIRED:
      on_session_timer_expired (self);
      return;
    case MG_CTI_TIMER_HEARTBEAT:
      mg_cti_session_send_system_status (self, "normal");
      break;
    case MG_CTI_TIMER_NONE:
      break;
    }
  mg_cti_link_tick (self->link, now);
}

/* -- system services ---------------------------------------------------------- */

static void
handle_request_system_status (MgCtiSession *self, guint invoke_id, MgCstaMessage *msg)
{
  g_autoptr (GString) out = g_string_new (NULL);

  mg_csta_open (out, "RequestSystemStatusResponse", csta_namespace (self));
  mg_csta_leaf (out, "systemStatus", "normal");
  mg_csta_close (out, "RequestSystemStatusResponse");
  send_raw (self, invoke_id, out->str);
}

static void
handle_system_status (MgCtiSession *self, guint invoke_id, MgCstaMessage *msg)
{
  g_autoptr (GString) out = g_string_new (NULL);

  mg_csta_empty (out, "SystemStatusResponse", csta_namespace (self));
  send_raw (self, invoke_id, out->str);
}

/* extensions/security: the session's event counter and the time, so an
 * application can order events and see what it missed (docs/cti.md). */
static void
write_extensions (MgCtiSession *self, GString *out, const char *private_data)
{
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *stamp = g_date_time_format (now, "%Y-%m-%dT%H:%M:%S.%fZ");
  g_autofree char *sequence = g_strdup_printf ("%" G_GUINT64_FORMAT, ++self->sequence);

  /* %f gives microseconds: keep milliseconds */
  memmove (stamp + 23, stamp + 26, strlen (stamp + 26) + 1);
  mg_csta_open (out, "extensions", NULL);
  mg_csta_open (out, "security", NULL);
  mg_csta_leaf (out, "messageSequenceNumber", sequence);
  mg_csta_leaf (out, "timeStamp", stamp);
  mg_csta_close (out, "security");
  if (private_data != NULL)
    {
      mg_csta_open (out, "privateData", NULL);
      mg_csta_open (out, "private", NULL);
      g_string_append (out, private_data);
      mg_csta_close (out, "private");
      mg_csta_close (out, "privateData");
    }
  mg_csta_close (out, "extensions");
}

/* An event for monitor @monitor_id, after the response of the request
 * being handled, if any. */
void
mg_cti_session_send_event (MgCtiSession *self, const char *monitor_id, MgCtiEvent *event)
{
  g_autoptr (GString) out = g_string_new (NULL);

  mg_csta_open (out, event->name, csta_namespace (self));
  mg_csta_leaf (out, "monitorCrossRefID", monitor_id);
  g_string_append_len (out, event->body->str, event->body->len);
  write_extensions (self, out, event->private_data);
  mg_csta_close (out, event->name);
  mg_cti_replay_add (self->replay, self->sequence, out->str);
  if (self->handling)
    g_ptr_array_add (self->deferred, g_string_free (g_steal_pointer (&out), FALSE));
  else
    send_raw (self, MG_CSTA_EVENT_INVOKE_ID, out->str);
}

/* -- for the service files ---------------------------------------------------- */

void
mg_cti_session_send (MgCtiSession *self, guint invoke_id, const char *xml)
{
  send_raw (self, invoke_id, xml);
}

void
mg_cti_session_reply_error (MgCtiSession *self, guint invoke_id, const char *category,
                            const char *value)
{
  reply_error (self, invoke_id, category, value);
}

const char *
mg_cti_session_get_namespace (MgCtiSession *self)
{
  return csta_namespace (self);
}

MgCtiServer *
mg_cti_session_get_server (MgCtiSession *self)
{
  return self->server;
}

GHashTable *
mg_cti_session_get_monitors (MgCtiSession *self)
{
  return self->monitors;
}

/* m-1, m-2, …: unique within the session */
char *
mg_cti_session_next_monitor_id (MgCtiSession *self)
{
  return g_strdup_printf ("m-%u", ++self->monitors_started);
}

void
mg_cti_session_deliver (MgCtiSession *self, const char *device, GPtrArray *events)
{
  if (self->id != NULL && !self->ended)
    mg_cti_monitors_deliver (self, device, events);
}

/* A phone's event, rendered for this application (its masking) if one of
 * its monitors watches @device. */
void
mg_cti_session_deliver_party_event (MgCtiSession *self, const char *device,
                                    const MgCtiPartyEvent *event)
{
  g_autoptr (GPtrArray) events = NULL;

  if (self->id == NULL || self->ended || !mg_cti_monitors_watch (self, device))
    return;
  events = mg_cti_events_for (event->call, event->leg, event->caller, event->type, event->detail,
                              event->was_up, self->policy);
  mg_cti_monitors_deliver (self, device, events);
}

/* @number as this application may see it (its masking); %NULL: restricted */
char *
mg_cti_session_mask (MgCtiSession *self, const char *number)
{
  return self->policy != NULL ? mg_cti_policy_mask (self->policy, number) : NULL;
}

/* Whether this application may monitor and control @device. */
gboolean
mg_cti_session_may_use (MgCtiSession *self, const char *device)
{
  return self->policy != NULL && mg_cti_policy_allows (self->policy, device);
}

/* Whether @device is an extension this application may use; else answers
 * the request with the CSTAErrorCode (operation/@unknown or a privilege
 * violation). */
gboolean
mg_cti_session_check_device (MgCtiSession *self, guint invoke_id, const char *device,
                             const char *unknown)
{
  if (device == NULL || !mg_cti_server_device_exists (self->server, device))
    {
      reply_error (self, invoke_id, "operation", unknown);
      return FALSE;
    }
  if (!mg_cti_session_may_use (self, device))
    {
      reply_error (self, invoke_id, "operation",
                   g_str_equal (unknown, "invalidCallingDeviceID")
                     ? "privilegeViolationCallingDevice"
                     : "privilegeViolationSpecifiedDevice");
      return FALSE;
    }
  return TRUE;
}

/* -- dispatch ------------------------------------------------------------------- */

typedef void (*Handler) (MgCtiSession *self, guint invoke_id, MgCstaMessage *msg);

static const struct
{
  const char *name;
  Handler handler;
} services[] = {
  { "ResetApplicationSessionTimer", mg_cti_handle_reset_timer },
  { "StopApplicationSession", mg_cti_handle_stop },
  { "RequestSystemStatus", handle_request_system_status },
  { "GetCSTAFeatures", mg_cti_handle_get_csta_features },
  { "SystemStatus", handle_system_status },
  { "MonitorStart", mg_cti_handle_monitor_start },
  { "MonitorStop", mg_cti_handle_monitor_stop },
  { "GetMonitors", mg_cti_handle_get_monitors },
  { "ChangeMonitorFilter", mg_cti_handle_change_monitor_filter },
  { "SnapshotCall", mg_cti_handle_snapshot_call },
  { "SnapshotDevice", mg_cti_handle_snapshot_device },
  { "MakeCall", mg_cti_handle_make_call },
  { "AnswerCall", mg_cti_handle_answer_call },
  { "ClearConnection", mg_cti_handle_clear_connection },
  { "ClearCall", mg_cti_handle_clear_call },
  { "HoldCall", mg_cti_handle_hold_call },
  { "RetrieveCall", mg_cti_handle_retrieve_call },
  { "GenerateDigits", mg_cti_handle_generate_digits },
  { "ConsultationCall", mg_cti_handle_consultation_call },
  { "AlternateCall", mg_cti_handle_alternate_call },
  { "ReconnectCall", mg_cti_handle_reconnect_call },
  { "TransferCall", mg_cti_handle_transfer_call },
  { "ConferenceCall", mg_cti_handle_conference_call },
  { "SingleStepTransferCall", mg_cti_handle_single_step_transfer },
  { "DeflectCall", mg_cti_handle_deflect_call },
  { "SetAgentState", mg_cti_handle_set_agent_state },
  { "GetAgentState", mg_cti_handle_get_agent_state },
};

static Handler
find_handler (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (services); i++)
    if (g_str_equal (services[i].name, name))
      return services[i].handler;
  return NULL;
}

static gboolean
is_response (const char *name)
{
  return g_str_has_suffix (name, "Response") || g_str_equal (name, "CSTAErrorCode");
}

static void
flush_deferred (MgCtiSession *self)
{
  g_autoptr (GPtrArray) events = g_steal_pointer (&self->deferred);

  self->deferred = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < events->len; i++)
    send_raw (self, MG_CSTA_EVENT_INVOKE_ID, g_ptr_array_index (events, i));
}

static void
handle_request (MgCtiSession *self, guint invoke_id, MgCstaMessage *msg)
{
  Handler handler;

  g_clear_pointer (&self->audit_result, g_free);
  if (self->outstanding >= MG_CTI_OUTSTANDING_LIMIT)
    {
      reply_error (self, invoke_id, "subscribedResourceAvailability",
                   "outstandingReqLimitExceeded");
      audit (self, invoke_id, msg->name);
      return;
    }
  mg_cti_session_restart_timer (self);
  handler = find_handler (msg->name);
  if (handler == NULL)
    {
      reply_error (self, invoke_id, "operation", "serviceNotSupported");
      audit (self, invoke_id, msg->name);
      return;
    }
  /* every handler answers before it returns, so today at most one request
   * is in flight; the limit guards any that would wait */
  self->outstanding++;
  self->handling = TRUE;
  handler (self, invoke_id, msg);
  self->handling = FALSE;
  self->outstanding--;
  audit (self, invoke_id, msg->name);
  flush_deferred (self);
}

static void
handle_message (MgCtiSession *self, guint invoke_id, const char *xml, gsize len)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MgCstaMessage) msg = mg_csta_message_parse (xml, len, &error);

  self->last_activity = g_get_real_time ();
  if (msg == NULL)
    {
      g_info ("CTI %s: bad message %04u: %s", self->remote_ip, invoke_id, error->message);
      if (g_error_matches (error, MG_CSTA_ERROR, MG_CSTA_ERROR_TOO_BIG))
        mg_cti_session_close (self, SOUP_WEBSOCKET_CLOSE_TOO_BIG, error->message);
      else if (self->id == NULL)
        mg_cti_session_close (self, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, error->message);
      else
        reply_error (self, invoke_id, "operation", "invalidParameterValue");
      return;
    }
  if (self->id == NULL)
    {
      if (g_str_equal (msg->name, "StartApplicationSession"))
        mg_cti_start_application_session (self, invoke_id, msg);
      else
        {
          reply_error (self, invoke_id, "security", "generic");
          mg_cti_session_close (self, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION,
                                "the first message must be StartApplicationSession");
        }
      return;
    }
  if (is_response (msg->name))
    {
      mg_cti_session_restart_timer (self); /* e.g. the answer to our SystemStatus */
      return;
    }
  if (invoke_id == MG_CSTA_EVENT_INVOKE_ID)
    {
      reply_error (self, invoke_id, "operation", "invalidParameterValue");
      return;
    }
  handle_request (self, invoke_id, msg);
}

static void
on_text (MgCtiSession *self, GBytes *message)
{
  g_autoptr (GError) error = NULL;
  gsize size;
  const char *data = g_bytes_get_data (message, &size);
  const char *xml;
  gsize xml_len;
  guint invoke_id;

  if (!mg_csta_parse_text_frame (data, size, &invoke_id, &xml, &xml_len, &error))
    {
      mg_cti_session_close (self,
                            g_error_matches (error, MG_CSTA_ERROR, MG_CSTA_ERROR_TOO_BIG)
                              ? SOUP_WEBSOCKET_CLOSE_TOO_BIG
                              : SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION,
                            error->message);
      return;
    }
  handle_message (self, invoke_id, xml, xml_len);
}

static void
on_binary (MgCtiSession *self, GBytes *message)
{
  g_autoptr (GError) error = NULL;
  GBytes *xml = NULL;
  guint invoke_id;
  gsize size;
  const guint8 *data = g_bytes_get_data (message, &size);

  mg_csta_stream_push (self->stream, data, size);
  while (!self->closing && mg_csta_stream_next (self->stream, &invoke_id, &xml, &error))
    {
      handle_message (self, invoke_id, g_bytes_get_data (xml, NULL), g_bytes_get_size (xml));
      g_clear_pointer (&xml, g_bytes_unref);
    }
  if (error != NULL)
    mg_cti_session_close (self, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, error->message);
}

static void
on_received (MgCtiLink *link, GBytes *message, gboolean binary, MgCtiSession *self)
{
  g_autoptr (MgCtiSession) alive = g_object_ref (self);

  if (self->closing)
    return;
  if (!binary && !self->binary)
    on_text (self, message);
  else if (binary && self->binary)
    on_binary (self, message);
  else
    mg_cti_session_close (self, SOUP_WEBSOCKET_CLOSE_UNSUPPORTED_DATA,
                          self->binary ? "csta-xml-tcp carries binary frames"
                                       : "csta-xml carries text frames");
}

/* The resume time ran out (or the session was stopped): it is gone; with
 * logout_on_timeout, so are the agents it logged on if its timer ran out. */
static void
end (MgCtiSession *self)
{
  g_autoptr (MgCtiSession) alive = g_object_ref (self); /* the server lets go of us */
  GHashTableIter iter;
  gpointer device;

  self->ended = TRUE;
  g_clear_handle_id (&self->cleanup_id, g_source_remove);
  if (self->timed_out && mg_cti_server_get_logout_on_timeout (self->server))
    {
      g_hash_table_iter_init (&iter, self->agents);
      while (g_hash_table_iter_next (&iter, &device, NULL))
        mg_cti_agents_log_off (self->server, device);
    }
  mg_cti_server_session_closed (self->server, self);
}

static gboolean
on_cleanup (gpointer data)
{
  MgCtiSession *self = data;

  self->cleanup_id = 0;
  g_info ("CTI session %s: not resumed, gone", self->id);
  end (self);
  return G_SOURCE_REMOVE;
}

static void
on_closed (MgCtiLink *link, MgCtiSession *self)
{
  g_autoptr (MgCtiSession) alive = g_object_ref (self);

  self->closing = TRUE;
  stop_timers (self);
  g_signal_handlers_disconnect_by_data (link, self);
  if (self->id == NULL || self->ended)
    {
      end (self);
      return;
    }
  /* dropped without StopApplicationSession: kept for a resume */
  g_clear_object (&self->link);
  g_clear_pointer (&self->slot, mg_source_slot_free);
  self->remote_ip = "detached";
  mg_cti_server_session_detached (self->server, self);
  self->cleanup_id =
    g_timeout_add_seconds (mg_cti_server_get_resume_delay (self->server), on_cleanup, self);
}

/* Handles @link's messages and its end. */
void
mg_cti_session_connect (MgCtiSession *self, MgCtiLink *link)
{
  g_signal_connect (link, "received", G_CALLBACK (on_received), self);
  g_signal_connect (link, "closed", G_CALLBACK (on_closed), self);
}

/* -- GObject ------------------------------------------------------------------ */

static void
mg_cti_session_finalize (GObject *object)
{
  MgCtiSession *self = MG_CTI_SESSION (object);

  stop_timers (self);
  g_clear_handle_id (&self->cleanup_id, g_source_remove);
  if (self->link != NULL)
    g_signal_handlers_disconnect_by_data (self->link, self);
  g_clear_object (&self->link);
  g_clear_pointer (&self->replay, mg_cti_replay_free);
  g_clear_pointer (&self->agents, g_hash_table_unref);
  g_clear_pointer (&self->stream, mg_csta_stream_free);
  g_clear_pointer (&self->deferred, g_ptr_array_unref);
  g_clear_pointer (&self->monitors, g_hash_table_unref);
  g_clear_pointer (&self->slot, mg_source_slot_free);
  g_free (self->bearer_token);
  g_free (self->id);
  g_free (self->application_id);
  g_free (self->client_id);
  g_free (self->audit_result);
  g_clear_pointer (&self->policy, mg_cti_policy_free);
  G_OBJECT_CLASS (mg_cti_session_parent_class)->finalize (object);
}

static void
mg_cti_session_class_init (MgCtiSessionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mg_cti_session_finalize;
}

static void
mg_cti_session_init (MgCtiSession *self)
{
  self->deferred = g_ptr_array_new_with_free_func (g_free);
  self->monitors = mg_cti_monitors_new ();
  self->agents = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

/* @slot: (transfer full): the connection's admission by the source policy */
MgCtiSession *
mg_cti_session_new (MgCtiServer *server, MgCtiLink *link, MgSourceSlot *slot,
                    const char *bearer_token)
{
  MgCtiSession *self = g_object_new (MG_TYPE_CTI_SESSION, NULL);

  self->server = server;
  self->replay = mg_cti_replay_new (mg_cti_server_get_replay_events (server));
  self->link = g_object_ref (link);
  self->binary = mg_cti_link_is_binary (link);
  if (self->binary)
    self->stream = mg_csta_stream_new ();
  self->slot = slot;
  self->remote_ip = mg_source_slot_get_client (slot);
  self->bearer_token = g_strdup (bearer_token);
  mg_cti_session_connect (self, link);
  mg_cti_timers_await_start (&self->timers, g_get_monotonic_time (), START_TIMEOUT_S);
  return self;
}

const char *
mg_cti_session_get_id (MgCtiSession *self)
{
  return self->id;
}

/* The agents this session logged on, for logout_on_timeout. */
void
mg_cti_session_note_agent (MgCtiSession *self, const char *device, gboolean logged_on)
{
  if (logged_on)
    g_hash_table_add (self->agents, g_strdup (device));
  else
    g_hash_table_remove (self->agents, device);
}
