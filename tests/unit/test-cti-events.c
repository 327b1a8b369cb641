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

/* Each message's children in schema order, from the table the CTI test
 * clients check every received message against (tests/api/cstaschema.txt):
 * name -> GStrv. */
static GHashTable *
load_order (void)
{
  g_autofree char *path =
    g_build_filename (g_getenv ("MG_SOURCE_DIR"), "tests", "api", "cstaschema.txt", NULL);
  g_autofree char *text = NULL;
  g_auto (GStrv) lines = NULL;
  GHashTable *order =
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_strfreev);

  g_assert_nonnull (g_getenv ("MG_SOURCE_DIR"));
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *colon = strchr (lines[i], ':');

      if (lines[i][0] == '#' || colon == NULL)
        continue;
      *colon = '\0';
      g_hash_table_insert (order, g_strdup (g_strstrip (lines[i])),
                           g_strsplit_set (g_strstrip (colon + 1), " ", -1));
    }
  return order;
}

static int
position (const char *const *order, const char *name)
{
  for (int i = 0; order[i] != NULL; i++)
    if (g_str_equal (order[i], name))
      return i;
  return -1;
}

/* The event's children are known to its type and in schema order (after
 * monitorCrossRefID, which the session writes); call events carry a cause. */
static void
assert_schema_order (GHashTable *orders, MgCtiEvent *event)
{
  const char *const *order = g_hash_table_lookup (orders, event->name);
  g_autofree char *xml = NULL;
  g_autoptr (GError) error = NULL;
  MgCstaMessage *msg;
  int last = 0; /* monitorCrossRefID */

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

  g_autoptr (GHashTable) orders = load_order ();

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
          assert_schema_order (orders, g_ptr_array_index (events, e));
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
