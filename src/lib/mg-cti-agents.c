/* mg-cti-agents.c: logical-device (agent) services: SetAgentState,
 * GetAgentState and the agent events
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-cti"

#include "mg-build-config.h"

#include <string.h>

#include "mg-cti-agents-private.h"
#include "mg-cti-events-private.h"
#include "mg-store-agents-private.h"

/*
 * An agent logs on at a device (an extension's phone) with an agent ID and
 * goes ready, not ready (with a reason code, in our private namespace) or
 * working after call, until it logs off. The state lives in the store, so it
 * survives a restart of the service; every monitor of the device gets the
 * matching Agent…Event. We do not check agent passwords (the application is
 * trusted through its client credential); a password must be hexBinary.
 * GetAgentState reports agentBusy while the device has a call.
 */

static const struct
{
  const char *requested; /* requestedAgentState */
  const char *stored; /* agent_states.state; NULL: logged off */
  const char *event;
} transitions[] = {
  { "loggedOn", "notReady", "AgentLoggedOnEvent" },
  { "loggedOff", NULL, "AgentLoggedOffEvent" },
  { "ready", "ready", "AgentReadyEvent" },
  { "notReady", "notReady", "AgentNotReadyEvent" },
  { "workingAfterCall", "workingAfterCall", "AgentWorkingAfterCallEvent" },
};

static gboolean
is_hex_binary (const char *text)
{
  gsize len = strlen (text);

  for (const char *c = text; *c; c++)
    if (!g_ascii_isxdigit (*c))
      return FALSE;
  return len % 2 == 0;
}

static char *
reason_code (xmlNode *request)
{
  xmlNode *private = mg_csta_find (request, "extensions/privateData/private");

  return private != NULL ? mg_csta_dup_text (private, "reasonCode") : NULL;
}

static void
write_reason (GString *out, const char *reason)
{
  if (reason == NULL)
    return;
  mg_csta_open (out, "extensions", NULL);
  mg_csta_open (out, "privateData", NULL);
  mg_csta_open (out, "private", NULL);
  g_string_append_printf (out, "<x:reasonCode xmlns:x=\"%s\">", MG_CSTA_NS_PRIVATE);
  g_string_append (out, reason); /* digits only, checked */
  g_string_append (out, "</x:reasonCode>");
  mg_csta_close (out, "private");
  mg_csta_close (out, "privateData");
  mg_csta_close (out, "extensions");
}

static void
tell_monitors (MgCtiServer *server, const char *name, const char *device, const char *agent_id,
               const char *reason)
{
  g_autoptr (GPtrArray) events = g_ptr_array_new_with_free_func (mg_cti_event_free);
  MgCtiEvent *event = g_new0 (MgCtiEvent, 1);

  event->name = name;
  event->body = g_string_new (NULL);
  mg_csta_leaf (event->body, "agentDevice", device);
  mg_csta_leaf (event->body, "agentID", agent_id);
  if (reason != NULL)
    event->private_data = g_strdup_printf ("<x:reasonCode xmlns:x=\"%s\">%s</x:reasonCode>",
                                           MG_CSTA_NS_PRIVATE, reason);
  g_ptr_array_add (events, event);
  mg_cti_server_deliver (server, device, events);
}

/* Logs off the agent at @device (logout_on_timeout), telling its monitors. */
void
mg_cti_agents_log_off (MgCtiServer *server, const char *device)
{
  g_autoptr (MgAgentState) agent =
    mg_store_get_agent_state (mg_cti_server_get_store (server), device);
  g_autoptr (GError) error = NULL;

  if (agent == NULL)
    return;
  if (!mg_store_clear_agent_state (mg_cti_server_get_store (server), device, &error))
    {
      g_warning ("CTI: agent at %s not logged off: %s", device, error->message);
      return;
    }
  g_info ("CTI: agent %s at %s logged off: its session timed out", agent->agent_id, device);
  tell_monitors (server, "AgentLoggedOffEvent", device, agent->agent_id, NULL);
}

void
mg_cti_handle_set_agent_state (MgCtiSession *self, guint invoke_id, MgCstaMessage *msg)
{
  MgCtiServer *server = mg_cti_session_get_server (self);
  MgStore *store = mg_cti_server_get_store (server);
  g_autofree char *device = mg_csta_dup_text (msg->root, "device");
  g_autofree char *requested = mg_csta_dup_text (msg->root, "requestedAgentState");
  g_autofree char *agent_id = mg_csta_dup_text (msg->root, "agentID");
  g_autofree char *password = mg_csta_dup_text (msg->root, "password");
  g_autofree char *reason = reason_code (msg->root);
  g_autoptr (MgAgentState) current = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  gsize t;

  for (t = 0; requested != NULL && t < G_N_ELEMENTS (transitions); t++)
    if (g_str_equal (transitions[t].requested, requested))
      break;
  if (device == NULL || requested == NULL)
    {
      mg_cti_session_reply_error (self, invoke_id, "operation",
                                  "atLeastOneConditionalParameterNotProvided");
      return;
    }
  if (t == G_N_ELEMENTS (transitions))
    {
      mg_cti_session_reply_error (self, invoke_id, "operation", "invalidAgentState");
      return;
    }
  if (!mg_cti_session_check_device (self, invoke_id, device, "invalidDeviceID"))
    return;
  if (password != NULL && !is_hex_binary (password))
    {
      mg_cti_session_reply_error (self, invoke_id, "operation", "invalidAgentPassword");
      return;
    }
  if (reason != NULL && (strlen (reason) > 16 || strspn (reason, "0123456789") != strlen (reason)))
    {
      mg_cti_session_reply_error (self, invoke_id, "operation", "invalidParameterValue");
      return;
    }
  current = mg_store_get_agent_state (store, device);
  if (g_str_equal (requested, "loggedOn"))
    {
      if (agent_id == NULL || *agent_id == '\0' || strlen (agent_id) > 64)
        {
          mg_cti_session_reply_error (self, invoke_id, "operation", "invalidAgentIdentifier");
          return;
        }
      if (current != NULL && g_strcmp0 (current->agent_id, agent_id) != 0)
        {
          /* another agent is logged on there */
          mg_cti_session_reply_error (self, invoke_id, "stateIncompatibility",
                                      "invalidDeviceState");
          return;
        }
    }
  else if (current == NULL)
    {
      mg_cti_session_reply_error (self, invoke_id, "stateIncompatibility", "invalidObjectState");
      return;
    }
  else if (agent_id == NULL)
    agent_id = g_strdup (current->agent_id);

  if (transitions[t].stored == NULL
        ? !mg_store_clear_agent_state (store, device, &error)
        : !mg_store_set_agent_state (store, device, agent_id, transitions[t].stored,
                                     g_str_equal (requested, "notReady") ? reason : NULL, &error))
    {
      g_warning ("CTI: agent state of %s not saved: %s", device, error->message);
      mg_cti_session_reply_error (self, invoke_id, "systemResourceAvailibility", "generic");
      return;
    }
  mg_csta_empty (out, "SetAgentStateResponse", mg_cti_session_get_namespace (self));
  mg_cti_session_send (self, invoke_id, out->str);
  g_info ("CTI session %s: agent %s at %s: %s", mg_cti_session_get_id (self), agent_id, device,
          requested);
  if (g_str_equal (requested, "loggedOn") || g_str_equal (requested, "loggedOff"))
    mg_cti_session_note_agent (self, device, g_str_equal (requested, "loggedOn"));
  tell_monitors (server, transitions[t].event, device, agent_id,
                 g_str_equal (requested, "notReady") ? reason : NULL);
}

static const char *
reported_state (MgAgentState *agent, gboolean on_a_call)
{
  if (agent == NULL)
    return "agentNull";
  if (on_a_call)
    return "agentBusy";
  if (g_str_equal (agent->state, "ready"))
    return "agentReady";
  if (g_str_equal (agent->state, "workingAfterCall"))
    return "agentWorkingAfterCall";
  return "agentNotReady";
}

void
mg_cti_handle_get_agent_state (MgCtiSession *self, guint invoke_id, MgCstaMessage *msg)
{
  MgCtiServer *server = mg_cti_session_get_server (self);
  g_autofree char *device = mg_csta_dup_text (msg->root, "device");
  g_autoptr (MgAgentState) agent = NULL;
  g_autoptr (GArray) calls = NULL;
  g_autoptr (GString) out = g_string_new (NULL);

  if (!mg_cti_session_check_device (self, invoke_id, device, "invalidDeviceID"))
    return;
  agent = mg_store_get_agent_state (mg_cti_server_get_store (server), device);
  calls = mg_cti_server_snapshot_device (server, device);
  mg_csta_open (out, "GetAgentStateResponse", mg_cti_session_get_namespace (self));
  mg_csta_open (out, "agentStateList", NULL);
  if (agent != NULL)
    {
      mg_csta_open (out, "agentStateEntry", NULL);
      mg_csta_leaf (out, "agentID", agent->agent_id);
      mg_csta_leaf (out, "loggedOnState", "true");
      mg_csta_open (out, "agentInfo", NULL);
      mg_csta_open (out, "agentInfoItem", NULL);
      mg_csta_leaf (out, "agentState", reported_state (agent, calls->len > 0));
      mg_csta_close (out, "agentInfoItem");
      mg_csta_close (out, "agentInfo");
      mg_csta_close (out, "agentStateEntry");
    }
  mg_csta_close (out, "agentStateList");
  write_reason (out, agent != NULL ? agent->reason : NULL);
  mg_csta_close (out, "GetAgentStateResponse");
  mg_cti_session_send (self, invoke_id, out->str);
}
