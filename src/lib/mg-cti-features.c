/* mg-cti-features.c: GetCSTAFeatures, what this switching function does
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-cti"

#include "mg-build-config.h"

#include "mg-cti-features-private.h"

/*
 * The answer lists the services and events we implement (docs/cti.md),
 * in the ECMA-323 ed6 shapes: a list element per group, an element per
 * service or event in schema order, and inside it the capability flags
 * (all optional booleans) that say something about our subset, again in
 * schema order. A flag left out means "not supported".
 */

typedef struct
{
  const char *element;
  const char *const *flags; /* true, in schema order; NULL: none */
} Feature;

typedef struct
{
  const char *list;
  const Feature *features; /* up to an element NULL */
} FeatureList;

#define FLAGS(...) ((const char *const[]){ __VA_ARGS__, NULL })

static const Feature cap_exchange[] = {
  { "getCSTAFeatures", NULL },
  { NULL, NULL },
};

static const Feature system_status[] = {
  { "requestSystemStatus", FLAGS ("systemStatusNormal", "systemStatusPartiallyDisabled") },
  { "systemStatus",
    FLAGS ("systemStatusNormal", "systemStatusPartiallyDisabled",
           "switchingFunctionSupportsSending", "switchingFunctionSupportsReceiving") },
  { NULL, NULL },
};

static const Feature monitoring[] = {
  { "changeMonitorFilter", NULL },
  { "monitorStart", FLAGS ("monitorObjectDevice", "requestedMonitorFilter", "monitorTypeDevice",
                           "monitorExistingCallsInAck") },
  { "monitorStop", NULL },
  { "getMonitors", NULL },
  { NULL, NULL },
};

static const Feature snapshot[] = {
  { "snapshotCall", NULL },
  { "snapshotDevice", FLAGS ("localCallStateCompoundCallState") },
  { NULL, NULL },
};

static const Feature call_control[] = {
  { "alternateCall", FLAGS ("hold") },
  { "answerCall", FLAGS ("alerting") },
  { "clearCall", FLAGS ("alerting", "connected", "initiated", "hold") },
  { "clearConnection", FLAGS ("alerting", "connected", "initiated", "hold") },
  { "conferenceCall", FLAGS ("activeCallConnected", "heldCallHold") },
  { "consultationCall", FLAGS ("consultOptionUnrestricted") },
  { "deflectCall", FLAGS ("alerting") },
  { "holdCall", NULL },
  { "makeCall", FLAGS ("autoOriginatePrompt", "autoOriginateDoNotPrompt") },
  { "reconnectCall", FLAGS ("connected") },
  { "retrieveCall", NULL },
  { "singleStepTransfer", NULL },
  { "transferCall", FLAGS ("activeCallConnected", "heldCallHold", "endpointDeviceID") },
  { NULL, NULL },
};

static const Feature call_associated[] = {
  { "generateDigits", FLAGS ("digitModeDTMF", "supportsDTMFTonesABCD") },
  { NULL, NULL },
};

static const Feature logical[] = {
  { "getAgentState", NULL },
  { "setAgentState", FLAGS ("requestedAgentStateLoggedOn", "requestedAgentStateLoggedOff",
                            "requestedAgentStateNotReady", "requestedAgentStateReady",
                            "requestedAgentStateWorkingAfterCall", "agentID", "password") },
  { NULL, NULL },
};

static const FeatureList services[] = {
  { "capExchangeServList", cap_exchange }, { "systemStatServList", system_status },
  { "monitoringServList", monitoring },    { "snapshotServList", snapshot },
  { "callControlServList", call_control }, { "callAssociatedServList", call_associated },
  { "logicalServList", logical },          { NULL, NULL },
};

static const Feature call_control_events[] = {
  { "callCleared", NULL },
  { "conferenced", NULL },
  { "connectionCleared", NULL },
  { "delivered", NULL },
  { "diverted", NULL },
  { "established", NULL },
  { "failed", NULL },
  { "held", NULL },
  { "originated", NULL },
  { "retrieved", NULL },
  { "serviceInitiated", NULL },
  { "transferred", FLAGS ("transferredConnectionsEndpointDeviceID") },
  { NULL, NULL },
};

static const Feature call_associated_events[] = {
  { "digitsGenerated", NULL },
  { NULL, NULL },
};

static const Feature logical_events[] = {
  { "agentLoggedOff", NULL },        { "agentLoggedOn", FLAGS ("agentID", "cause") },
  { "agentNotReady", NULL },         { "agentReady", NULL },
  { "agentWorkingAfterCall", NULL }, { NULL, NULL },
};

static const Feature maintenance_events[] = {
  { "backInService", NULL },
  { "outOfService", NULL },
  { NULL, NULL },
};

static const FeatureList events[] = {
  { "callControlEvtsList", call_control_events },
  { "callAssociatedEvtsList", call_associated_events },
  { "logicalEvtsList", logical_events },
  { "deviceMaintEvtsList", maintenance_events },
  { NULL, NULL },
};

static void
write_lists (GString *out, const char *tag, const FeatureList *lists)
{
  mg_csta_open (out, tag, NULL);
  for (const FeatureList *list = lists; list->list != NULL; list++)
    {
      mg_csta_open (out, list->list, NULL);
      for (const Feature *feature = list->features; feature->element != NULL; feature++)
        {
          if (feature->flags == NULL)
            {
              mg_csta_empty (out, feature->element, NULL);
              continue;
            }
          mg_csta_open (out, feature->element, NULL);
          for (const char *const *flag = feature->flags; *flag != NULL; flag++)
            mg_csta_leaf (out, *flag, "true");
          mg_csta_close (out, feature->element);
        }
      mg_csta_close (out, list->list);
    }
  mg_csta_close (out, tag);
}

/* GetCSTAFeatures takes no arguments. */
void
mg_cti_handle_get_csta_features (MgCtiSession *self, guint invoke_id, MgCstaMessage *msg)
{
  g_autoptr (GString) out = g_string_new (NULL);

  mg_csta_open (out, "GetCSTAFeaturesResponse", mg_cti_session_get_namespace (self));
  write_lists (out, "supportedServices", services);
  write_lists (out, "supportedEvents", events);
  mg_csta_close (out, "GetCSTAFeaturesResponse");
  mg_cti_session_send (self, invoke_id, out->str);
}
