/* test-cti-events.c: every CSTA event the call model produces carries its
 * children in ECMA-323 ed6 schema order (the XSD types are sequences).
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include <gst/gst.h>
#include <string.h>

#include "mg-call-private.h"
#include "mg-csta-private.h"
#include "mg-cti-events-private.h"

/* Each event's children in ed6 schema order (after monitorCrossRefID, which
 * the session writes; extensions come last). Element names and order as in
 * the ECMA-323 6th edition schemas (docs/cti.md, reference csta.md §3.7). */
static const char *const *const ORDER[] = {
  (const char *const[]){ "ServiceInitiatedEvent", "initiatedConnection", "initiatingDevice",
                         "calledDevice", "localConnectionInfo", "correlatorData", "cause",
                         "servicesPermitted", "mediaCallCharacteristics", "callCharacteristics",
                         "initiatedConnectionInfo", "networkCallingDevice", "networkCalledDevice",
                         "associatedCallingDevice", "callLinkageData", "extensions", NULL },
  (const char *const[]){ "OriginatedEvent", "originatedConnection", "callingDevice", "calledDevice",
                         "originatingDevice", "localConnectionInfo", "correlatorData", "cause",
                         "servicesPermitted", "networkCallingDevice", "networkCalledDevice",
                         "associatedCallingDevice", "associatedCalledDevice",
                         "mediaCallCharacteristics", "callCharacteristics",
                         "originatedConnectionInfo", "callLinkageData", "extensions", NULL },
  (const char *const[]){ "DeliveredEvent",
                         "connection",
                         "alertingDevice",
                         "callingDevice",
                         "calledDevice",
                         "lastRedirectionDevice",
                         "originatingNIDConnection",
                         "localConnectionInfo",
                         "correlatorData",
                         "userData",
                         "cause",
                         "servicesPermitted",
                         "networkCallingDevice",
                         "networkCalledDevice",
                         "associatedCallingDevice",
                         "associatedCalledDevice",
                         "mediaCallCharacteristics",
                         "callCharacteristics",
                         "connectionInfo",
                         "callLinkageData",
                         "extensions",
                         NULL },
  (const char *const[]){ "EstablishedEvent",
                         "establishedConnection",
                         "answeringDevice",
                         "callingDevice",
                         "calledDevice",
                         "lastRedirectionDevice",
                         "originatingNIDConnection",
                         "localConnectionInfo",
                         "correlatorData",
                         "userData",
                         "cause",
                         "servicesPermitted",
                         "networkCallingDevice",
                         "networkCalledDevice",
                         "associatedCallingDevice",
                         "associatedCalledDevice",
                         "mediaCallCharacteristics",
                         "callCharacteristics",
                         "establishedConnectionInfo",
                         "callLinkageData",
                         "extensions",
                         NULL },
  (const char *const[]){ "HeldEvent", "heldConnection", "holdingDevice", "localConnectionInfo",
                         "correlatorData", "cause", "servicesPermitted", "mediaCallCharacteristics",
                         "callCharacteristics", "heldConnectionInfo", "callLinkageData",
                         "extensions", NULL },
  (const char *const[]){ "RetrievedEvent", "retrievedConnection", "retrievingDevice",
                         "localConnectionInfo", "correlatorData", "cause", "servicesPermitted",
                         "mediaCallCharacteristics", "callCharacteristics",
                         "retrievedConnectionInfo", "callLinkageData", "extensions", NULL },
  (const char *const[]){ "ConnectionClearedEvent", "droppedConnection", "releasingDevice",
                         "localConnectionInfo", "correlatorData", "userData", "chargingInfo",
                         "cause", "servicesPermitted", "mediaCallCharacteristics",
                         "callCharacteristics", "droppedConnectionInfo", "callLinkageData",
                         "extensions", NULL },
  (const char *const[]){ "CallClearedEvent", "clearedCall", "correlatorData", "userData", "cause",
                         "mediaCallCharacteristics", "callCharacteristics", "callLinkageData",
                         "extensions", NULL },
  (const char *const[]){ "FailedEvent",
                         "failedConnection",
                         "failingDevice",
                         "callingDevice",
                         "calledDevice",
                         "lastRedirectionDevice",
                         "originatingNIDConnection",
                         "localConnectionInfo",
                         "correlatorData",
                         "userData",
                         "cause",
                         "servicesPermitted",
                         "networkCallingDevice",
                         "networkCalledDevice",
                         "associatedCallingDevice",
                         "associatedCalledDevice",
                         "mediaCallCharacteristics",
                         "callCharacteristics",
                         "failedConnectionInfo",
                         "callLinkageData",
                         "extensions",
                         NULL },
  (const char *const[]){ "DivertedEvent",
                         "connection",
                         "divertingDevice",
                         "newDestination",
                         "callingDevice",
                         "calledDevice",
                         "lastRedirectionDevice",
                         "localConnectionInfo",
                         "correlatorData",
                         "userData",
                         "cause",
                         "servicesPermitted",
                         "mediaCallCharacteristics",
                         "callCharacteristics",
                         "connectionInfo",
                         "networkCallingDevice",
                         "networkCalledDevice",
                         "associatedCallingDevice",
                         "associatedCalledDevice",
                         "callLinkageData",
                         "extensions",
                         NULL },
  (const char *const[]){ "TransferedEvent", "primaryOldCall", "secondaryOldCall",
                         "transferringDevice", "transferredToDevice", "transferredConnections",
                         "localConnectionInfo", "correlatorData", "userData", "chargingInfo",
                         "cause", "servicesPermitted", "mediaCallCharacteristics",
                         "callCharacteristics", "callLinkageDataList", "extensions", NULL },
  (const char *const[]){ "ConferencedEvent", "primaryOldCall", "secondaryOldCall",
                         "conferencingDevice", "addedParty", "conferenceConnections",
                         "localConnectionInfo", "correlatorData", "userData", "cause",
                         "servicesPermitted", "mediaCallCharacteristics", "callCharacteristics",
                         "callLinkageDataList", "extensions", NULL },
};

/* Children that ed6 requires in call-control events, whenever we emit one. */
static const char *const REQUIRED[] = { "cause", NULL };

static const char *const *
order_of (const char *event)
{
  for (guint i = 0; i < G_N_ELEMENTS (ORDER); i++)
    if (g_str_equal (ORDER[i][0], event))
      return ORDER[i] + 1;
  return NULL;
}

static int
position (const char *const *order, const char *name)
{
  for (int i = 0; order[i] != NULL; i++)
    if (g_str_equal (order[i], name))
      return i;
  return -1;
}

/* The event's children are known to its type and in schema order. */
static void
assert_schema_order (MgCtiEvent *event)
{
  const char *const *order = order_of (event->name);
  g_autofree char *xml = NULL;
  g_autoptr (GError) error = NULL;
  MgCstaMessage *msg;
  int last = -1;

  g_assert_nonnull (order);
  xml = g_strdup_printf ("<%s xmlns=\"%s\">%s</%s>", event->name,
                         "http://www.ecma-international.org/standards/ecma-323/csta/ed6",
                         event->body->str, event->name);
  msg = mg_csta_message_parse (xml, strlen (xml), &error);
  g_assert_no_error (error);
  for (xmlNode *child = msg->root->children; child != NULL; child = child->next)
    {
      int at;

      if (child->type != XML_ELEMENT_NODE)
        continue;
      at = position (order, (const char *) child->name);
      if (at <= last)
        g_error ("%s: <%s> is %s", event->name, child->name,
                 at < 0 ? "not one of its children" : "out of schema order");
      last = at;
    }
  for (guint i = 0; REQUIRED[i] != NULL; i++)
    g_assert_nonnull (strstr (event->body->str, "<cause>"));
  mg_csta_message_free (msg);
}

/* A call from 2000 (SIP side) to 1000 (leg 0: our phone), joined with
 * nothing; detail fields as the call manager gives them. */
static MgCall *
new_call (void)
{
  g_autoptr (MgConfig) config = mg_config_new ();
  MgCall *call = mg_call_new ("c-test", config);

  mg_call_get_leg (call, 0)->number = g_strdup ("1000");
  mg_call_get_leg (call, 1)->number = g_strdup ("2000");
  return call;
}

static JsonObject *
detail_of (const char *json)
{
  g_autoptr (JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_every_event_in_schema_order (void)
{
  static const struct
  {
    const char *type;
    const char *detail;
    gboolean was_up;
    guint events; /* how many CSTA events it makes */
  } cases[] = {
    { "dialing", "{}", FALSE, 2 },
    { "dialing", "{\"make_call\": true}", FALSE, 2 },
    { "ringing", "{}", FALSE, 1 },
    { "incoming", "{}", FALSE, 1 },
    { "accepted", "{}", FALSE, 1 },
    { "held", "{\"by\": \"local\"}", TRUE, 1 },
    { "held", "{\"by\": \"remote\"}", TRUE, 1 },
    { "resumed", "{\"by\": \"local\"}", TRUE, 1 },
    { "diverted", "{\"to\": \"1001\"}", FALSE, 1 },
    { "diverted", "{\"to\": \"2001\", \"from\": \"1001\"}", FALSE, 1 },
    { "transferred", "{\"to\": \"1001\"}", TRUE, 1 },
    { "transferred",
      "{\"transferring\": \"1000\", \"primary\": \"c-1\", \"secondary\": \"c-2\","
      " \"from\": \"2000\", \"to\": \"1001\"}",
      TRUE, 1 },
    { "conferenced",
      "{\"transferring\": \"1000\", \"primary\": \"c-1\", \"secondary\": \"c-2\","
      " \"to\": \"1001\","
      " \"parties\": [{\"call_id\": \"c-1\", \"number\": \"2000\"},"
      " {\"call_id\": \"c-2\", \"number\": \"1001\"}]}",
      TRUE, 1 },
    { "left", "{\"party_call_id\": \"c-2\", \"party\": {\"number\": \"1001\"}}", TRUE, 1 },
    { "ended", "{\"cause\": \"hangup\"}", TRUE, 1 },
    { "ended", "{\"cause\": \"busy\"}", FALSE, 2 },
    { "ended", "{\"cause\": \"hangup\", \"call_cleared\": true}", TRUE, 2 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    for (guint leg = 0; leg < 2; leg++)
      {
        g_autoptr (MgCall) call = new_call ();
        g_autoptr (JsonObject) detail = detail_of (cases[i].detail);
        g_autoptr (GPtrArray) events =
          mg_cti_events_for (call, 0, leg, cases[i].type, detail, cases[i].was_up, NULL);

        g_test_message ("%s %s (caller: leg %u)", cases[i].type, cases[i].detail, leg);
        g_assert_cmpuint (events->len, >=, 1);
        for (guint e = 0; e < events->len; e++)
          assert_schema_order (g_ptr_array_index (events, e));
        mg_call_stop (call);
      }
}

int
main (int argc, char **argv)
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cti-events/schema-order", test_every_event_in_schema_order);
  return g_test_run ();
}
