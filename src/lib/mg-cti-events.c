/* mg-cti-events.c: what a phone sees, as the CSTA events a monitor on its
 * device gets
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-cti"

#include "mg-build-config.h"

#include <string.h>

#include "mg-call-manager-private.h"
#include "mg-call-private.h"
#include "mg-csta-private.h"
#include "mg-cti-events-private.h"
#include "mg-cti-policy-private.h"

/*
 * The phone's own events (docs/protocol.md) are the source, so a CTI
 * application sees what the agent saw in the page (reference/csta.md §6.2):
 *
 *   dialing   ServiceInitiated (initiated), Originated (connected)
 *   ringing,  Delivered: the called party alerting, we are connected
 *   progress
 *   incoming  Delivered: we are alerting
 *   accepted  Established
 *   held      Held: by us (hold) or by the far end (connected)
 *   resumed   Retrieved
 *   ended     ConnectionCleared, after a Failed when the call never came up
 *
 * Devices are extension numbers; the far party of a SIP leg is its number.
 * Bodies are written in schema order (ECMA-323 ed6); the session adds
 * monitorCrossRefID in front and extensions/security at the end.
 */

/* A party whose identity the application may not see (full masking). */
static const char RESTRICTED[] = "restricted";

/* A connection; a restricted party's has no deviceID (it is optional). */
static void
connection (GString *out, const char *tag, const char *call_id, const char *device)
{
  mg_csta_open (out, tag, NULL);
  mg_csta_leaf (out, "callID", call_id);
  if (device != RESTRICTED)
    mg_csta_leaf (out, "deviceID", device);
  mg_csta_close (out, tag);
}

static void
device (GString *out, const char *tag, const char *number)
{
  mg_csta_open (out, tag, NULL);
  if (number == RESTRICTED)
    mg_csta_empty (out, "restricted", NULL);
  else if (number != NULL && *number != '\0')
    mg_csta_leaf (out, "deviceIdentifier", number);
  else
    mg_csta_empty (out, "notKnown", NULL);
  mg_csta_close (out, tag);
}

/* A call's ID across transfers and conferences, as hexBinary, in a
 * CallLinkageData element named @tag. */
static void
linkage_as (GString *out, const char *tag, const char *call_id)
{
  g_autoptr (GString) hex = g_string_new (NULL);

  for (const char *c = call_id; *c; c++)
    g_string_append_printf (hex, "%02X", (guchar) *c);
  mg_csta_open (out, tag, NULL);
  mg_csta_open (out, "globalCallData", NULL);
  mg_csta_leaf (out, "globalCallSwitchingSubDomainName", "mediagate");
  mg_csta_open (out, "globalCallLinkageID", NULL);
  mg_csta_leaf (out, "globallyUniqueCallLinkageID", hex->str);
  mg_csta_close (out, "globalCallLinkageID");
  mg_csta_close (out, "globalCallData");
  mg_csta_close (out, tag);
}

static void
linkage (GString *out, const char *call_id)
{
  linkage_as (out, "callLinkageData", call_id);
}

static void
no_redirection (GString *out)
{
  mg_csta_open (out, "lastRedirectionDevice", NULL);
  mg_csta_empty (out, "notRequired", NULL);
  mg_csta_close (out, "lastRedirectionDevice");
}

static GString *
add_event (GPtrArray *events, const char *name)
{
  MgCtiEvent *event = g_new0 (MgCtiEvent, 1);

  event->name = name;
  event->body = g_string_new (NULL);
  g_ptr_array_add (events, event);
  return event->body;
}

/* Who is who in the call, seen from leg @leg. */
typedef struct
{
  const char *id;
  const char *self; /* the monitored device */
  const char *far; /* the other party */
  const char *caller; /* calling and called device */
  const char *callee;
  const char *linkage; /* the call ID a transfer keeps for the calls it joined */
} Parties;

static void
connection_state_cause (GString *out, const char *state, const char *cause, const char *linkage_id)
{
  mg_csta_leaf (out, "localConnectionInfo", state);
  mg_csta_leaf (out, "cause", cause);
  linkage (out, linkage_id);
}

/* The same for Transfered and Conferenced, which carry the linkage of the
 * call as it is now and as it was (callLinkageDataList). */
static void
connection_state_cause_joined (GString *out, const char *state, const char *cause, const Parties *p)
{
  mg_csta_leaf (out, "localConnectionInfo", state);
  mg_csta_leaf (out, "cause", cause);
  mg_csta_open (out, "callLinkageDataList", NULL);
  linkage_as (out, "newCallLinkageData", p->linkage);
  linkage_as (out, "oldCallLinkageData", p->id);
  mg_csta_close (out, "callLinkageDataList");
}

/* @cause: makeCall when an application asked for the call (MakeCall),
 * consultation for a ConsultationCall (which Originated carries too) */
static void
service_initiated_and_originated (GPtrArray *events, const Parties *p, const char *cause)
{
  GString *out = add_event (events, "ServiceInitiatedEvent");

  connection (out, "initiatedConnection", p->id, p->self);
  device (out, "initiatingDevice", p->self);
  device (out, "calledDevice", p->far);
  connection_state_cause (out, "initiated", cause, p->linkage);

  out = add_event (events, "OriginatedEvent");
  connection (out, "originatedConnection", p->id, p->self);
  device (out, "callingDevice", p->self);
  device (out, "calledDevice", p->far);
  connection_state_cause (out, "connected", g_str_equal (cause, "consultation") ? cause : "newCall",
                          p->linkage);
}

static void
delivered (GPtrArray *events, const Parties *p, gboolean we_alert)
{
  GString *out = add_event (events, "DeliveredEvent");
  const char *alerting = we_alert ? p->self : p->far;

  connection (out, "connection", p->id, alerting);
  device (out, "alertingDevice", alerting);
  device (out, "callingDevice", p->caller);
  device (out, "calledDevice", p->callee);
  no_redirection (out);
  connection_state_cause (out, we_alert ? "alerting" : "connected", "newCall", p->linkage);
}

static void
established (GPtrArray *events, const Parties *p)
{
  GString *out = add_event (events, "EstablishedEvent");

  connection (out, "establishedConnection", p->id, p->callee);
  device (out, "answeringDevice", p->callee);
  device (out, "callingDevice", p->caller);
  device (out, "calledDevice", p->callee);
  no_redirection (out);
  connection_state_cause (out, "connected", "newCall", p->linkage);
}

/* @cause: (nullable): why (consultation, alternate), else normal */
static void
held_or_retrieved (GPtrArray *events, const Parties *p, gboolean held, gboolean by_us,
                   const char *cause)
{
  const char *who = by_us ? p->self : p->far;
  GString *out = add_event (events, held ? "HeldEvent" : "RetrievedEvent");

  connection (out, held ? "heldConnection" : "retrievedConnection", p->id, who);
  device (out, held ? "holdingDevice" : "retrievingDevice", who);
  connection_state_cause (out, held && by_us ? "hold" : "connected", cause ? cause : "normal",
                          p->linkage);
}

static void
connection_cleared (GPtrArray *events, const Parties *p, const char *dropped, const char *cause)
{
  GString *out = add_event (events, "ConnectionClearedEvent");

  connection (out, "droppedConnection", p->id, dropped);
  device (out, "releasingDevice", dropped);
  connection_state_cause (out, "null", cause, p->linkage);
}

static void
failed (GPtrArray *events, const Parties *p, const char *cause)
{
  GString *out = add_event (events, "FailedEvent");

  connection (out, "failedConnection", p->id, p->far);
  device (out, "failingDevice", p->far);
  device (out, "callingDevice", p->caller);
  device (out, "calledDevice", p->callee);
  no_redirection (out);
  connection_state_cause (out, "fail", cause, p->linkage);
  connection_cleared (events, p, p->self, cause);
}

/* An `ended` cause (docs/protocol.md) as CSTA: a Failed first when the far
 * end refused the call, then our connection or the far one cleared. */
static void
ended (GPtrArray *events, const Parties *p, const char *cause, gboolean was_up)
{
  static const struct
  {
    const char *ended;
    const char *csta;
  } refusals[] = {
    { "busy", "busy" },
    { "declined", "busy" },
    { "not_found", "destNotObtainable" },
    { "unavailable", "destNotObtainable" },
    { "no_answer", "callNotAnswered" },
    { "rejected", "blocked" },
  };

  if (g_strcmp0 (cause, "remote_hangup") == 0)
    connection_cleared (events, p, p->far, "normalClearing");
  else if (g_strcmp0 (cause, "cancelled") == 0)
    connection_cleared (events, p, p->far, "callCancelled");
  else if (g_strcmp0 (cause, "hangup") == 0)
    connection_cleared (events, p, p->self, "normalClearing");
  else
    {
      for (gsize i = 0; i < G_N_ELEMENTS (refusals); i++)
        if (!was_up && g_strcmp0 (cause, refusals[i].ended) == 0)
          {
            /* the one who declined sees its own connection cleared */
            if (g_str_equal (cause, "declined") && p->self == p->callee)
              connection_cleared (events, p, p->self, "normalClearing");
            else
              failed (events, p, refusals[i].csta);
            return;
          }
      connection_cleared (events, p, p->self,
                          g_strcmp0 (cause, "media_failed") == 0 ? "networkOutOfOrder"
                                                                 : "resourcesNotAvailable");
    }
}

/* An application cleared the whole call (ClearCall). */
static void
call_cleared (GPtrArray *events, const Parties *p)
{
  GString *out = add_event (events, "CallClearedEvent");

  mg_csta_open (out, "clearedCall", NULL);
  mg_csta_leaf (out, "callID", p->id);
  mg_csta_close (out, "clearedCall");
  mg_csta_leaf (out, "cause", "normalClearing");
  linkage (out, p->linkage);
}

/* The call ringing our device rings @to instead (DeflectCall); @from: the
 * device that deflected the call our device placed (its connection stays),
 * else our device deflected it and left. */
static void
diverted (GPtrArray *events, const Parties *p, const char *to, const char *from)
{
  GString *out = add_event (events, "DivertedEvent");

  connection (out, "connection", p->id, p->self);
  device (out, "divertingDevice", from ? from : p->self);
  device (out, "newDestination", to);
  device (out, "callingDevice", p->caller);
  device (out, "calledDevice", p->callee);
  connection_state_cause (out, from ? "connected" : "null", "redirected", p->linkage);
}

/* Our device handed the far party to @to (SingleStepTransferCall) and left. */
static void
transferred (GPtrArray *events, const Parties *p, const char *to)
{
  GString *out = add_event (events, "TransferedEvent"); /* sic: the standard's spelling */

  connection (out, "primaryOldCall", p->id, p->self);
  device (out, "transferringDevice", p->self);
  device (out, "transferredToDevice", to);
  mg_csta_open (out, "transferredConnections", NULL);
  mg_csta_open (out, "connectionListItem", NULL);
  mg_csta_open (out, "endpoint", NULL);
  if (p->far == RESTRICTED)
    mg_csta_empty (out, "restricted", NULL);
  else
    mg_csta_leaf (out, "deviceID", p->far);
  mg_csta_close (out, "endpoint");
  mg_csta_close (out, "connectionListItem");
  mg_csta_close (out, "transferredConnections");
  connection_state_cause_joined (out, "null", "singleStepTransfer", p);
}

static const char *
string_member (JsonObject *detail, const char *name)
{
  return detail != NULL ? json_object_get_string_member_with_default (detail, name, NULL) : NULL;
}

/* A party of a transfer as the application may see it: SIP numbers
 * through its masking policy. */
static char *
party_as_seen (JsonObject *detail, const char *name, MgCtiPolicy *policy)
{
  g_autofree char *sip_flag = g_strconcat (name, "_sip", NULL);
  g_autofree char *restricted_flag = g_strconcat (name, "_restricted", NULL);
  const char *number = string_member (detail, name);

  if (json_object_get_boolean_member_with_default (detail, restricted_flag, FALSE))
    return NULL;
  if (json_object_get_boolean_member_with_default (detail, sip_flag, FALSE) && policy != NULL
      && mg_cti_policy_masks (policy))
    return mg_cti_policy_mask (policy, number);
  return g_strdup (number);
}

static void
connection_item (GString *out, const char *old_call, const char *new_call, const char *device)
{
  mg_csta_open (out, "connectionListItem", NULL);
  connection (out, "newConnection", new_call, device ? device : RESTRICTED);
  connection (out, "oldConnection", old_call, device ? device : RESTRICTED);
  mg_csta_open (out, "endpoint", NULL);
  if (device == NULL)
    mg_csta_empty (out, "restricted", NULL);
  else
    mg_csta_leaf (out, "deviceID", device);
  mg_csta_close (out, "endpoint");
  mg_csta_close (out, "connectionListItem");
}

/* Attended transfer (TransferCall): the device in @detail's "transferring"
 * joined the far parties of its held ("primary") and active ("secondary")
 * calls and left. Each party keeps its own call, so its new connection is
 * in the call it was in. Seen by the transferring device (null) and by a
 * party that stays (connected). */
static void
transferred_attended (GPtrArray *events, const Parties *p, JsonObject *detail, MgCtiPolicy *policy)
{
  GString *out = add_event (events, "TransferedEvent"); /* sic */
  const char *by = string_member (detail, "transferring");
  const char *primary = string_member (detail, "primary");
  const char *secondary = string_member (detail, "secondary");
  g_autofree char *from = party_as_seen (detail, "from", policy);
  g_autofree char *to = party_as_seen (detail, "to", policy);

  connection (out, "primaryOldCall", primary, by);
  connection (out, "secondaryOldCall", secondary, by);
  device (out, "transferringDevice", by);
  device (out, "transferredToDevice", to ? to : RESTRICTED);
  mg_csta_open (out, "transferredConnections", NULL);
  connection_item (out, primary, primary, from);
  connection_item (out, secondary, secondary, to);
  mg_csta_close (out, "transferredConnections");
  connection_state_cause_joined (
    out, g_strcmp0 (p->self, by) == 0 ? "null" : "connected",
    json_object_get_boolean_member_with_default (detail, "single_step", FALSE)
      ? "singleStepTransfer"
      : "transfer",
    p);
}

/* Why the phone placed the call: an application's MakeCall or
 * ConsultationCall, else the agent dialled. */
static const char *
dialing_cause (JsonObject *detail)
{
  if (string_member (detail, "consultation_of") != NULL)
    return "consultation";
  if (detail != NULL && json_object_get_boolean_member_with_default (detail, "make_call", FALSE))
    return "makeCall";
  return "newCall";
}

/* A conference party's number as the application may see it. */
static char *
member_as_seen (JsonObject *member, MgCtiPolicy *policy)
{
  const char *number = json_object_get_string_member_with_default (member, "number", NULL);

  if (json_object_get_boolean_member_with_default (member, "restricted", FALSE))
    return NULL;
  if (json_object_get_boolean_member_with_default (member, "sip", FALSE) && policy != NULL
      && mg_cti_policy_masks (policy))
    return mg_cti_policy_mask (policy, number);
  return g_strdup (number);
}

/* ConferenceCall: the device's held call became a conference with the far
 * party of its active call. Every party's connection is listed (in the
 * call each one is in); all are connected. */
static void
conferenced (GPtrArray *events, const Parties *p, JsonObject *detail, MgCtiPolicy *policy)
{
  GString *out = add_event (events, "ConferencedEvent");
  const char *by = string_member (detail, "transferring");
  JsonArray *members = json_object_get_array_member (detail, "parties");
  g_autofree char *added = party_as_seen (detail, "to", policy);

  connection (out, "primaryOldCall", string_member (detail, "primary"), by);
  connection (out, "secondaryOldCall", string_member (detail, "secondary"), by);
  device (out, "conferencingDevice", by);
  device (out, "addedParty", added ? added : RESTRICTED);
  mg_csta_open (out, "conferenceConnections", NULL);
  for (guint i = 0; members != NULL && i < json_array_get_length (members); i++)
    {
      JsonObject *member = json_array_get_object_element (members, i);
      const char *call_id = json_object_get_string_member_with_default (member, "call_id", "");
      g_autofree char *number = member_as_seen (member, policy);

      connection_item (out, call_id, call_id, number);
    }
  mg_csta_close (out, "conferenceConnections");
  connection_state_cause_joined (out, "connected", "conference", p);
}

/* A party left the conference the device is in; the device stays. */
static void
conference_party_left (GPtrArray *events, const Parties *p, JsonObject *detail, MgCtiPolicy *policy)
{
  GString *out = add_event (events, "ConnectionClearedEvent");
  JsonObject *member = json_object_get_object_member (detail, "party");
  g_autofree char *number = NULL;

  if (member == NULL)
    return;
  number = member_as_seen (member, policy);
  connection (out, "droppedConnection", string_member (detail, "party_call_id"),
              number ? number : RESTRICTED);
  device (out, "releasingDevice", number ? number : RESTRICTED);
  connection_state_cause (out, "connected", "normalClearing", p->linkage);
}

/**
 * mg_cti_events_for: (skip)
 * @call: the call
 * @leg: the monitored phone's leg
 * @caller: the leg that placed the call
 * @type: the phone's event (MgCallManager::party-event)
 * @detail: (nullable): its fields
 * @was_up: whether the call was established before this event
 * @policy: (nullable): the application's policy: far parties on the SIP
 *   side are masked by it
 *
 * Returns: (transfer full) (element-type MgCtiEvent): the CSTA events, in
 *   order (none for events without a CSTA counterpart)
 */
GPtrArray *
mg_cti_events_for (MgCall *call, guint leg, guint caller, const char *type, JsonObject *detail,
                   gboolean was_up, MgCtiPolicy *policy)
{
  GPtrArray *events = g_ptr_array_new_with_free_func (mg_cti_event_free);
  MgCall *far_call;
  MgCallLeg *far = mg_call_manager_far_leg (call, leg, &far_call);
  /* callers' and called numbers on the SIP side are what masking hides */
  /* a caller that withheld its identity is restricted for every application */
  g_autofree char *masked = far->restricted ? NULL
                            : far->dialog != NULL && policy != NULL && mg_cti_policy_masks (policy)
                              ? mg_cti_policy_mask (policy, far->number)
                              : g_strdup (far->number);
  Parties p = {
    .id = mg_call_get_id (call),
    .self = mg_call_get_leg (call, leg)->number,
    .far = masked != NULL ? masked : RESTRICTED,
    .linkage = mg_call_manager_get_linkage (call),
  };

  p.caller = caller == leg ? p.self : p.far;
  p.callee = caller == leg ? p.far : p.self;
  if (g_str_equal (type, "dialing"))
    service_initiated_and_originated (events, &p, dialing_cause (detail));
  else if (g_str_equal (type, "ringing") || g_str_equal (type, "progress"))
    delivered (events, &p, FALSE);
  else if (g_str_equal (type, "incoming"))
    delivered (events, &p, TRUE);
  else if (g_str_equal (type, "accepted"))
    established (events, &p);
  else if (g_str_equal (type, "held") || g_str_equal (type, "resumed"))
    held_or_retrieved (events, &p, g_str_equal (type, "held"),
                       g_strcmp0 (string_member (detail, "by"), "remote") != 0,
                       string_member (detail, "cause"));
  else if (g_str_equal (type, "diverted"))
    diverted (events, &p, string_member (detail, "to"), string_member (detail, "from"));
  else if (g_str_equal (type, "transferred") && string_member (detail, "secondary") != NULL)
    transferred_attended (events, &p, detail, policy);
  else if (g_str_equal (type, "transferred"))
    transferred (events, &p, string_member (detail, "to"));
  else if (g_str_equal (type, "conferenced"))
    conferenced (events, &p, detail, policy);
  else if (g_str_equal (type, "left"))
    conference_party_left (events, &p, detail, policy);
  else if (g_str_equal (type, "ended")
           && g_strcmp0 (string_member (detail, "cause"), "transferred") != 0
           && g_strcmp0 (string_member (detail, "cause"), "conferenced") != 0
           && g_strcmp0 (string_member (detail, "cause"), "deflected") != 0)
    {
      ended (events, &p, string_member (detail, "cause"), was_up);
      if (json_object_get_boolean_member_with_default (detail, "call_cleared", FALSE))
        call_cleared (events, &p);
    }
  return events;
}

/**
 * mg_cti_event_free: (skip)
 */
void
mg_cti_event_free (gpointer data)
{
  MgCtiEvent *event = data;

  g_string_free (event->body, TRUE);
  g_free (event->private_data);
  g_free (event);
}

/**
 * mg_cti_event_filter_flag: (skip)
 *
 * Returns: the MonitorFilter flag that suppresses the event @name
 *   ("DeliveredEvent" -> "delivered"; the standard spells the transfer
 *   event TransferedEvent and its flag transferred)
 */
char *
mg_cti_event_filter_flag (const char *name)
{
  g_autofree char *flag = NULL;

  if (g_str_equal (name, "TransferedEvent"))
    return g_strdup ("transferred");
  flag = g_strndup (name, strlen (name) - (g_str_has_suffix (name, "Event") ? 5 : 0));
  flag[0] = g_ascii_tolower (flag[0]);
  return g_steal_pointer (&flag);
}
