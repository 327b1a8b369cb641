/* mg-cti-call-control.c: call-control services: AnswerCall, ClearConnection,
 * ClearCall, HoldCall, RetrieveCall, GenerateDigits, MakeCall, ConsultationCall,
 * AlternateCall, ReconnectCall, TransferCall, ConferenceCall, SingleStepTransferCall,
 * DeflectCall
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-cti"

#include "mg-build-config.h"

#include "mg-call-manager-private.h"
#include "mg-call-private.h"
#include "mg-cti-call-control-private.h"
#include "mg-cti-events-private.h"

/*
 * Each service acts on a connection (callID, deviceID) of a monitored
 * kind of device, an extension, and does what the agent would do in the
 * page: the events that follow are those of the page's action. Errors
 * detected before acting are answered with CSTAErrorCode
 * (reference/csta.md §3.10); what happens afterwards (e.g. a SIP failure)
 * comes as events.
 */

typedef gboolean (*Action) (MgCallManager *calls, const char *call_id, const char *device,
                            gpointer data, GError **error);

/* The CSTAErrorCode for @error: @state_value for a call in the wrong state. */
static void
reply_call_error (MgCtiSession *self, guint invoke_id, GError *error, const char *state_value)
{
  g_info ("CTI session %s: %s", mg_cti_session_get_id (self), error->message);
  switch (error->code)
    {
    case MG_CALL_ERROR_STATE:
      mg_cti_session_reply_error (self, invoke_id, "stateIncompatibility", state_value);
      break;
    case MG_CALL_ERROR_INVALID:
      mg_cti_session_reply_error (self, invoke_id, "operation", "invalidParameterValue");
      break;
    case MG_CALL_ERROR_HELD_STATE:
      mg_cti_session_reply_error (self, invoke_id, "stateIncompatibility",
                                  "invalidHeldConnectionState");
      break;
    case MG_CALL_ERROR_ACTIVE_STATE:
      mg_cti_session_reply_error (self, invoke_id, "stateIncompatibility",
                                  "invalidActiveConnectionState");
      break;
    case MG_CALL_ERROR_OUT_OF_SERVICE:
      mg_cti_session_reply_error (self, invoke_id, "systemResourceAvailibility",
                                  "deviceOutOfService");
      break;
    default:
      mg_cti_session_reply_error (self, invoke_id, "operation", "invalidConnectionID");
    }
}

static void
reply_missing_parameter (MgCtiSession *self, guint invoke_id)
{
  mg_cti_session_reply_error (self, invoke_id, "operation",
                              "atLeastOneConditionalParameterNotProvided");
}

/* Whether the session's client may act on @device; if not, says so. */
static gboolean
may_use_or_reply (MgCtiSession *self, guint invoke_id, const char *device)
{
  if (mg_cti_session_may_use (self, device))
    return TRUE;
  mg_cti_session_reply_error (self, invoke_id, "operation", "privilegeViolationSpecifiedDevice");
  return FALSE;
}

/* Whether the device's phone can be acted on now (the SIP platform is not
 * failing over); if not, says so. */
static gboolean
usable_or_reply (MgCtiSession *self, guint invoke_id, const char *device)
{
  if (!mg_cti_server_device_out_of_service (mg_cti_session_get_server (self), device))
    return TRUE;
  mg_cti_session_reply_error (self, invoke_id, "systemResourceAvailibility",
                              "resourceOutOfService");
  return FALSE;
}

static void
reply_empty (MgCtiSession *self, guint invoke_id, const char *name)
{
  g_autoptr (GString) out = g_string_new (NULL);

  mg_csta_empty (out, name, mg_cti_session_get_namespace (self));
  mg_cti_session_send (self, invoke_id, out->str);
}

/* A response that names one connection: <@name><@tag>callID, deviceID
 * (left out when NULL)</@tag></@name>. */
static void
reply_connection (MgCtiSession *self, guint invoke_id, const char *name, const char *tag,
                  const char *call_id, const char *device)
{
  g_autoptr (GString) out = g_string_new (NULL);

  mg_csta_open (out, name, mg_cti_session_get_namespace (self));
  mg_csta_open (out, tag, NULL);
  mg_csta_leaf (out, "callID", call_id);
  if (device != NULL)
    mg_csta_leaf (out, "deviceID", device);
  mg_csta_close (out, tag);
  mg_csta_close (out, name);
  mg_cti_session_send (self, invoke_id, out->str);
}

/* Runs @action on the connection named by the request's @element and
 * answers @response, or the error. */
static gboolean
act_on_connection (MgCtiSession *self, guint invoke_id, MgCstaMessage *msg, const char *element,
                   const char *response, const char *state_value, Action action, gpointer data)
{
  MgCtiServer *server = mg_cti_session_get_server (self);
  xmlNode *connection = mg_csta_find (msg->root, element);
  g_autofree char *call_id = connection ? mg_csta_dup_text (connection, "callID") : NULL;
  g_autofree char *device = connection ? mg_csta_dup_text (connection, "deviceID") : NULL;
  g_autoptr (GError) error = NULL;

  if (call_id == NULL || device == NULL)
    {
      reply_missing_parameter (self, invoke_id);
      return FALSE;
    }
  if (!may_use_or_reply (self, invoke_id, device) || !usable_or_reply (self, invoke_id, device))
    return FALSE;
  if (!action (mg_cti_server_get_call_manager (server), call_id, device, data, &error))
    {
      reply_call_error (self, invoke_id, error, state_value);
      return FALSE;
    }
  if (response != NULL)
    reply_empty (self, invoke_id, response);
  return TRUE;
}

static gboolean
answer (MgCallManager *calls, const char *call_id, const char *device, gpointer data,
        GError **error)
{
  return mg_call_manager_answer (calls, call_id, device, error);
}

static gboolean
clear (MgCallManager *calls, const char *call_id, const char *device, gpointer data, GError **error)
{
  return mg_call_manager_clear (calls, call_id, device, error);
}

static gboolean
hold (MgCallManager *calls, const char *call_id, const char *device, gpointer data, GError **error)
{
  return mg_call_manager_hold (calls, call_id, device, GPOINTER_TO_INT (data), error);
}

static gboolean
generate (MgCallManager *calls, const char *call_id, const char *device, gpointer data,
          GError **error)
{
  return mg_call_manager_send_digits (calls, call_id, device, data, error);
}

void
mg_cti_handle_answer_call (MgCtiSession *self, guint invoke_id, MgCstaMessage *msg)
{
  act_on_connection (self, invoke_id, msg, "callToBeAnswered", "AnswerCallResponse",
                     "noCallToAnswer", answer, NULL);
}

void
mg_cti_handle_clear_connection (MgCtiSession *self, guint invoke_id, MgCstaMessage *msg)
{
  act_on_connection (self, invoke_id, msg, "connectionToBeCleared", "ClearConnectionResponse",
                     "noConnectionToClear", clear, NULL);
}

static gboolean
clear_call (MgCallManager *calls, const char *call_id, const char *device, gpointer data,
            GError **error)
{
  return mg_call_manager_clear_call (calls, call_id, device, error);
}

/* The whole call ends, a conference included: each party's monitors get
 * its ConnectionCleared, then CallCleared. */
void
mg_cti_handle_clear_call (MgCtiSession *self, guint invoke_id, MgCstaMessage *msg)
{
  act_on_connection (self, invoke_id, msg, "callToBeCleared", "ClearCallResponse", "noCallToClear",
                     clear_call, NULL);
}

void
mg_cti_handle_hold_call (MgCtiSession *self, guint invoke_id, MgCstaMessage *msg)
{
  act_on_connection (self, invoke_id, msg, "callToBeHeld", "HoldCallResponse",
                     "invalidConnectionState", hold, GINT_TO_POINTER (TRUE));
}

void
mg_cti_handle_retrieve_call (MgCtiSession *self, guint invoke_id, MgCstaMessage *msg)
{
  act_on_connection (self, invoke_id, msg, "callToBeRetrieved", "RetrieveCallResponse",
                     "invalidConnectionState", hold, GINT_TO_POINTER (FALSE));
}

/* DigitsGeneratedEvent (call-associated) at the device's monitors, after
 * the response. */
static GPtrArray *
digits_generated (const char *call_id, const char *device, const char *digits)
{
  GPtrArray *events = g_ptr_array_new_with_free_func (mg_cti_event_free);
  MgCtiEvent *event = g_new0 (MgCtiEvent, 1);

  event->name = "DigitsGeneratedEvent";
  event->body = g_string_new (NULL);
  mg_csta_open (event->body, "connection", NULL);
  mg_csta_leaf (event->body, "callID", call_id);
  mg_csta_leaf (event->body, "deviceID", device);
  mg_csta_close (event->body, "connection");
  mg_csta_leaf (event->body, "digitGeneratedList", digits);
  g_ptr_array_add (events, event);
  return events;
}

void
mg_cti_handle_generate_digits (MgCtiSession *self, guint invoke_id, MgCstaMessage *msg)
{
  g_autofree char *digits = mg_csta_dup_text (msg->root, "charactersToSend");
  g_autofree char *mode = mg_csta_dup_text (msg->root, "digitMode");
  xmlNode *connection = mg_csta_find (msg->root, "connectionToSendDigits");
  g_autofree char *call_id = connection ? mg_csta_dup_text (connection, "callID") : NULL;
  g_autofree char *device = connection ? mg_csta_dup_text (connection, "deviceID") : NULL;
  g_autoptr (GPtrArray) events = NULL;

  if (mode != NULL && !g_str_equal (mode, "dTMF"))
    {
      mg_cti_session_reply_error (self, invoke_id, "operation", "parameterNotSupported");
      return;
    }
  if (digits == NULL)
    {
      reply_missing_parameter (self, invoke_id);
      return;
    }
  if (!act_on_connection (self, invoke_id, msg, "connectionToSendDigits", "GenerateDigitsResponse",
                          "invalidConnectionState", generate, digits))
    return;
  events = digits_generated (call_id, device, digits);
  mg_cti_server_deliver (mg_cti_session_get_server (self), device, events);
}

/* Click-to-dial. The calling device's phone places the call: with
 * autoOriginate doNotPrompt at once, else once the agent confirms it in the
 * page. The response names the call's connection at once; the events
 * follow when the phone places it (ServiceInitiated with cause makeCall). */
void
mg_cti_handle_make_call (MgCtiSession *self, guint invoke_id, MgCstaMessage *msg)
{
  MgCtiServer *server = mg_cti_session_get_server (self);
  g_autofree char *calling = mg_csta_dup_text (msg->root, "callingDevice");
  g_autofree char *called = mg_csta_dup_text (msg->root, "calledDirectoryNumber");
  g_autofree char *auto_originate = mg_csta_dup_text (msg->root, "autoOriginate");
  g_autoptr (GError) error = NULL;
  g_autofree char *call_id = NULL;

  if (calling == NULL || called == NULL)
    {
      reply_missing_parameter (self, invoke_id);
      return;
    }
  if (!mg_cti_session_check_device (self, invoke_id, calling, "invalidCallingDeviceID"))
    return;
  if (mg_cti_server_device_out_of_service (server, calling))
    {
      mg_cti_session_reply_error (self, invoke_id, "systemResourceAvailibility",
                                  "resourceOutOfService");
      return;
    }
  call_id = mg_call_manager_make_call (mg_cti_server_get_call_manager (server), calling, called,
                                       g_strcmp0 (auto_originate, "doNotPrompt") != 0, &error);
  if (call_id == NULL)
    {
      if (g_error_matches (error, MG_CALL_ERROR, MG_CALL_ERROR_OUT_OF_SERVICE))
        mg_cti_session_reply_error (self, invoke_id, "systemResourceAvailibility",
                                    "callingDeviceOutOfService");
      else
        mg_cti_session_reply_error (self, invoke_id, "operation", "invalidCalledDeviceID");
      return;
    }
  reply_connection (self, invoke_id, "MakeCallResponse", "callingDevice", call_id, calling);
}

static gboolean
transfer (MgCallManager *calls, const char *call_id, const char *device, gpointer data,
          GError **error)
{
  return mg_call_manager_transfer (calls, call_id, device, data, error);
}

/* Blind transfer: the far party is asked to call transferredTo; our
 * device leaves once it agrees (TransferedEvent, cause singleStepTransfer). */
void
mg_cti_handle_single_step_transfer (MgCtiSession *self, guint invoke_id, MgCstaMessage *msg)
{
  g_autofree char *to = mg_csta_dup_text (msg->root, "transferredTo");
  xmlNode *active = mg_csta_find (msg->root, "activeCall");
  g_autofree char *call_id = active ? mg_csta_dup_text (active, "callID") : NULL;

  if (to == NULL)
    {
      reply_missing_parameter (self, invoke_id);
      return;
    }
  if (!act_on_connection (self, invoke_id, msg, "activeCall", NULL, "invalidConnectionState",
                          transfer, to))
    return;
  reply_connection (self, invoke_id, "SingleStepTransferCallResponse", "transferredCall", call_id,
                    to);
}

static gboolean
deflect (MgCallManager *calls, const char *call_id, const char *device, gpointer data,
         GError **error)
{
  return mg_call_manager_deflect (calls, call_id, device, data, error);
}

/* The call ringing the device rings another agent's phone instead
 * (DivertedEvent here, DeliveredEvent there). */
void
mg_cti_handle_deflect_call (MgCtiSession *self, guint invoke_id, MgCstaMessage *msg)
{
  g_autofree char *to = mg_csta_dup_text (msg->root, "newDestination");

  if (to == NULL)
    {
      reply_missing_parameter (self, invoke_id);
      return;
    }
  if (!may_use_or_reply (self, invoke_id, to))
    return;
  act_on_connection (self, invoke_id, msg, "callToBeDiverted", "DeflectCallResponse",
                     "invalidConnectionState", deflect, to);
}

/* A consultation call: the device holds the existing call (HeldEvent,
 * cause consultation) and its phone calls the consulted device at once;
 * the new call's events carry cause consultation. */
void
mg_cti_handle_consultation_call (MgCtiSession *self, guint invoke_id, MgCstaMessage *msg)
{
  MgCtiServer *server = mg_cti_session_get_server (self);
  xmlNode *existing = mg_csta_find (msg->root, "existingCall");
  g_autofree char *call_id = existing ? mg_csta_dup_text (existing, "callID") : NULL;
  g_autofree char *device = existing ? mg_csta_dup_text (existing, "deviceID") : NULL;
  g_autofree char *consulted = mg_csta_dup_text (msg->root, "consultedDevice");
  g_autoptr (GError) error = NULL;
  g_autofree char *new_id = NULL;

  if (call_id == NULL || device == NULL || consulted == NULL)
    {
      reply_missing_parameter (self, invoke_id);
      return;
    }
  if (!may_use_or_reply (self, invoke_id, device) || !usable_or_reply (self, invoke_id, device))
    return;
  new_id = mg_call_manager_consult (mg_cti_server_get_call_manager (server), call_id, device,
                                    consulted, &error);
  if (new_id == NULL)
    {
      if (g_error_matches (error, MG_CALL_ERROR, MG_CALL_ERROR_INVALID))
        mg_cti_session_reply_error (self, invoke_id, "operation", "invalidDestinationDeviceID");
      else
        reply_call_error (self, invoke_id, error, "invalidConnectionState");
      return;
    }
  reply_connection (self, invoke_id, "ConsultationCallResponse", "initiatedCall", new_id, device);
}

typedef gboolean (*PairAction) (MgCallManager *calls, const char *held_id, const char *active_id,
                                const char *device, GError **error);

/* Runs @action on the request's heldCall and activeCall, two connections
 * of one device, and answers @response, or the error. */
static gboolean
act_on_pair (MgCtiSession *self, guint invoke_id, MgCstaMessage *msg, const char *response,
             PairAction action)
{
  MgCtiServer *server = mg_cti_session_get_server (self);
  xmlNode *held = mg_csta_find (msg->root, "heldCall");
  xmlNode *active = mg_csta_find (msg->root, "activeCall");
  g_autofree char *held_id = held ? mg_csta_dup_text (held, "callID") : NULL;
  g_autofree char *held_device = held ? mg_csta_dup_text (held, "deviceID") : NULL;
  g_autofree char *active_id = active ? mg_csta_dup_text (active, "callID") : NULL;
  g_autofree char *active_device = active ? mg_csta_dup_text (active, "deviceID") : NULL;
  g_autoptr (GError) error = NULL;

  if (held_id == NULL || held_device == NULL || active_id == NULL || active_device == NULL)
    {
      reply_missing_parameter (self, invoke_id);
      return FALSE;
    }
  if (!g_str_equal (held_device, active_device))
    {
      mg_cti_session_reply_error (self, invoke_id, "operation", "notSameDevice");
      return FALSE;
    }
  if (!may_use_or_reply (self, invoke_id, held_device)
      || !usable_or_reply (self, invoke_id, held_device))
    return FALSE;
  if (!action (mg_cti_server_get_call_manager (server), held_id, active_id, held_device, &error))
    {
      reply_call_error (self, invoke_id, error, "invalidConnectionState");
      return FALSE;
    }
  if (response != NULL)
    reply_empty (self, invoke_id, response);
  return TRUE;
}

/* The device swaps its calls: the active one is held, the held one
 * retrieved (HeldEvent and RetrievedEvent, cause alternate). */
void
mg_cti_handle_alternate_call (MgCtiSession *self, guint invoke_id, MgCstaMessage *msg)
{
  act_on_pair (self, invoke_id, msg, "AlternateCallResponse", mg_call_manager_alternate);
}

/* The device leaves the active call and retrieves the held one. */
void
mg_cti_handle_reconnect_call (MgCtiSession *self, guint invoke_id, MgCstaMessage *msg)
{
  act_on_pair (self, invoke_id, msg, "ReconnectCallResponse", mg_call_manager_reconnect);
}

/* Attended transfer: the far parties of the device's held and active
 * calls are joined and the device leaves both (TransferedEvent, cause
 * transfer). Each party keeps its call: the response names the
 * transferred-to party's connection in the active call; callLinkageData
 * is the same for both calls from now on. */
void
mg_cti_handle_transfer_call (MgCtiSession *self, guint invoke_id, MgCstaMessage *msg)
{
  MgCtiServer *server = mg_cti_session_get_server (self);
  xmlNode *active = mg_csta_find (msg->root, "activeCall");
  g_autofree char *active_id = active ? mg_csta_dup_text (active, "callID") : NULL;
  MgCall *call =
    active_id ? mg_call_manager_lookup (mg_cti_server_get_call_manager (server), active_id) : NULL;
  g_autofree char *to = NULL;

  /* the party that stays in the active call, before the device leaves */
  if (call != NULL)
    {
      g_autofree char *device = mg_csta_dup_text (active, "deviceID");
      for (guint i = 0; i < 2 && to == NULL; i++)
        if (g_strcmp0 (mg_call_get_leg (call, i)->number, device) == 0)
          to = g_strdup (mg_call_get_leg (call, 1 - i)->number);
    }
  if (!act_on_pair (self, invoke_id, msg, NULL, mg_call_manager_transfer_calls))
    return;
  reply_connection (self, invoke_id, "TransferCallResponse", "transferredCall", active_id,
                    to && *to ? to : NULL);
}

/* The far party of the device's active call joins its held call, which
 * becomes a three-party conference (ConferencedEvent, cause conference);
 * the response names the conference: the held call at the device. */
void
mg_cti_handle_conference_call (MgCtiSession *self, guint invoke_id, MgCstaMessage *msg)
{
  xmlNode *held = mg_csta_find (msg->root, "heldCall");
  g_autofree char *held_id = held ? mg_csta_dup_text (held, "callID") : NULL;
  g_autofree char *device = held ? mg_csta_dup_text (held, "deviceID") : NULL;

  if (!act_on_pair (self, invoke_id, msg, NULL, mg_call_manager_conference))
    return;
  reply_connection (self, invoke_id, "ConferenceCallResponse", "conferenceCall", held_id, device);
}
