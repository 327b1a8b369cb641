/* mg-cti-monitoring.c: monitoring and snapshot services: MonitorStart,
 * MonitorStop, GetMonitors, SnapshotDevice, and the events for monitors
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-cti"

#include "mg-build-config.h"

#include "mg-csta-private.h"
#include "mg-cti-events-private.h"
#include "mg-cti-monitoring-private.h"

/* -- monitors ------------------------------------------------------------------ */

#define MAX_MONITORS 1000

/* A device monitor: the events of @device this application gets. */
typedef struct
{
  char *id;
  char *device;
  GHashTable *suppressed; /* MonitorFilter flag -> its group; TRUE suppresses */
  gboolean invert; /* private invertFilter: the flags set select instead */
} Monitor;

static void
monitor_free (gpointer data)
{
  Monitor *monitor = data;

  g_free (monitor->id);
  g_free (monitor->device);
  g_hash_table_unref (monitor->suppressed);
  g_free (monitor);
}

/* Monitors of one session, by monitorCrossRefID. */
GHashTable *
mg_cti_monitors_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, NULL, monitor_free);
}

/* requestedMonitorFilter: groups of booleans, true = do not send (the
 * TSAPI heritage, reference/csta.md §3.4). */
static void
read_filter (Monitor *monitor, xmlNode *filter)
{
  for (xmlNode *group = filter ? filter->children : NULL; group != NULL; group = group->next)
    for (xmlNode *flag = group->children; group->type == XML_ELEMENT_NODE && flag != NULL;
         flag = flag->next)
      if (flag->type == XML_ELEMENT_NODE)
        {
          xmlChar *text = xmlNodeGetContent (flag);
          g_autofree char *value = g_strstrip (g_strdup ((const char *) text));

          xmlFree (text);
          if (g_str_equal (value, "true") || g_str_equal (value, "1"))
            g_hash_table_insert (monitor->suppressed, g_strdup ((const char *) flag->name),
                                 g_strdup ((const char *) group->name));
        }
}

/* Our private options of a MonitorStart (docs/cti.md):
 * extensions/privateData/private/{invertFilter, existingCalls}. */
static gboolean
private_flag (xmlNode *request, const char *name, const char *value)
{
  xmlNode *private = mg_csta_find (request, "extensions/privateData/private");
  g_autofree char *text = private ? mg_csta_dup_text (private, name) : NULL;

  return g_strcmp0 (text, value) == 0
         || (g_strcmp0 (value, "true") == 0 && g_strcmp0 (text, "1") == 0);
}

/* The device's calls as SnapshotDevice reports them: one
 * snapshotDeviceResponseInfo per connection. */
static void
write_device_snapshot (GString *out, GArray *connections, const char *device)
{
  for (guint i = 0; i < connections->len; i++)
    {
      MgCtiConnection *c = &g_array_index (connections, MgCtiConnection, i);

      mg_csta_open (out, "snapshotDeviceResponseInfo", NULL);
      mg_csta_open (out, "connectionIdentifier", NULL);
      mg_csta_leaf (out, "callID", c->call_id);
      mg_csta_leaf (out, "deviceID", device);
      mg_csta_close (out, "connectionIdentifier");
      mg_csta_open (out, "localCallState", NULL);
      mg_csta_open (out, "compoundCallState", NULL);
      mg_csta_leaf (out, "localConnectionState", c->state);
      mg_csta_close (out, "compoundCallState");
      mg_csta_close (out, "localCallState");
      mg_csta_close (out, "snapshotDeviceResponseInfo");
    }
}

/* MonitorStartResponse's private part: the filter's sense, and the calls
 * in progress when asked for. */
static void
write_monitor_private (GString *out, Monitor *monitor, GArray *existing)
{
  if (!monitor->invert && existing == NULL)
    return;
  mg_csta_open (out, "extensions", NULL);
  mg_csta_open (out, "privateData", NULL);
  mg_csta_open (out, "private", NULL);
  g_string_append_printf (out, "<x:monitor xmlns:x=\"%s\">", MG_CSTA_NS_PRIVATE);
  if (monitor->invert)
    g_string_append (out, "<x:invertFilter>true</x:invertFilter>");
  if (existing != NULL)
    {
      g_string_append (out, "<x:snapshot>");
      write_device_snapshot (out, existing, monitor->device);
      g_string_append (out, "</x:snapshot>");
    }
  g_string_append (out, "</x:monitor>");
  mg_csta_close (out, "private");
  mg_csta_close (out, "privateData");
  mg_csta_close (out, "extensions");
}

/* The filter in effect, groups in schema order, flags sorted (as the
 * schema lists them). */
static void
write_filter (GString *out, const char *tag, Monitor *monitor)
{
  static const char *const groups[] = {
    "callcontrol",          "callAssociated", "mediaAttachment", "physicalDeviceFeature",
    "logicalDeviceFeature", "maintenance",    "voice",           "private"
  };
  g_autoptr (GList) flags =
    g_list_sort (g_hash_table_get_keys (monitor->suppressed), (GCompareFunc) g_strcmp0);

  mg_csta_open (out, tag, NULL);
  for (gsize i = 0; i < G_N_ELEMENTS (groups); i++)
    {
      gboolean open = FALSE;

      for (GList *l = flags; l != NULL; l = l->next)
        if (g_str_equal (g_hash_table_lookup (monitor->suppressed, l->data), groups[i]))
          {
            if (!open)
              mg_csta_open (out, groups[i], NULL);
            open = TRUE;
            mg_csta_leaf (out, l->data, "true");
          }
      if (open)
        mg_csta_close (out, groups[i]);
    }
  mg_csta_close (out, tag);
}

void
mg_cti_handle_monitor_start (MgCtiSession *self, guint invoke_id, MgCstaMessage *msg)
{
  g_autofree char *device = mg_csta_dup_text (msg->root, "monitorObject/deviceObject");
  g_autoptr (GString) out = g_string_new (NULL);
  xmlNode *filter = mg_csta_find (msg->root, "requestedMonitorFilter");
  g_autoptr (GArray) existing = NULL;
  Monitor *monitor;

  if (device == NULL)
    {
      mg_cti_session_reply_error (self, invoke_id, "operation",
                                  mg_csta_find (msg->root, "monitorObject/callObject")
                                    ? "invalidMonitorObject"
                                    : "invalidParameterValue");
      return;
    }
  if (!mg_cti_session_check_device (self, invoke_id, device, "invalidDeviceID"))
    return;
  if (g_hash_table_size (mg_cti_session_get_monitors (self)) >= MAX_MONITORS)
    {
      mg_cti_session_reply_error (self, invoke_id, "subscribedResourceAvailability",
                                  "objectMonitorLimitExceeded");
      return;
    }
  monitor = g_new0 (Monitor, 1);
  monitor->id = mg_cti_session_next_monitor_id (self);
  monitor->device = g_steal_pointer (&device);
  monitor->suppressed = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  read_filter (monitor, filter);
  monitor->invert = private_flag (msg->root, "invertFilter", "true");
  g_hash_table_insert (mg_cti_session_get_monitors (self), monitor->id, monitor);
  if (private_flag (msg->root, "existingCalls", "snapshot"))
    existing = mg_cti_server_snapshot_device (mg_cti_session_get_server (self), monitor->device);

  mg_csta_open (out, "MonitorStartResponse", mg_cti_session_get_namespace (self));
  mg_csta_leaf (out, "monitorCrossRefID", monitor->id);
  if (filter != NULL)
    write_filter (out, "actualMonitorFilter", monitor);
  /* the device's calls in progress report their next events here too */
  mg_csta_leaf (out, "monitorExistingCalls", "true");
  write_monitor_private (out, monitor, existing);
  mg_csta_close (out, "MonitorStartResponse");
  mg_cti_session_send (self, invoke_id, out->str);
  g_info ("CTI session %s monitors %s (%s)", mg_cti_session_get_id (self), monitor->device,
          monitor->id);
}

void
mg_cti_handle_monitor_stop (MgCtiSession *self, guint invoke_id, MgCstaMessage *msg)
{
  g_autofree char *id = mg_csta_dup_text (msg->root, "monitorCrossRefID");
  g_autoptr (GString) out = g_string_new (NULL);

  if (id == NULL || !g_hash_table_remove (mg_cti_session_get_monitors (self), id))
    {
      mg_cti_session_reply_error (self, invoke_id, "operation", "invalidMonitorCrossRefID");
      return;
    }
  mg_csta_empty (out, "MonitorStopResponse", mg_cti_session_get_namespace (self));
  mg_cti_session_send (self, invoke_id, out->str);
}

/* A new filter for a monitor of ours; the answer repeats it. */
void
mg_cti_handle_change_monitor_filter (MgCtiSession *self, guint invoke_id, MgCstaMessage *msg)
{
  g_autofree char *id = mg_csta_dup_text (msg->root, "monitorCrossRefID");
  Monitor *monitor = id ? g_hash_table_lookup (mg_cti_session_get_monitors (self), id) : NULL;
  g_autoptr (GString) out = g_string_new (NULL);

  if (monitor == NULL)
    {
      mg_cti_session_reply_error (self, invoke_id, "operation", "invalidMonitorCrossRefID");
      return;
    }
  g_hash_table_remove_all (monitor->suppressed);
  read_filter (monitor, mg_csta_find (msg->root, "requestedFilterList"));
  mg_csta_open (out, "ChangeMonitorFilterResponse", mg_cti_session_get_namespace (self));
  write_filter (out, "actualFilterList", monitor);
  mg_csta_close (out, "ChangeMonitorFilterResponse");
  mg_cti_session_send (self, invoke_id, out->str);
}

void
mg_cti_handle_get_monitors (MgCtiSession *self, guint invoke_id, MgCstaMessage *msg)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GList) monitors = g_hash_table_get_values (mg_cti_session_get_monitors (self));

  mg_csta_open (out, "GetMonitorsResponse", mg_cti_session_get_namespace (self));
  mg_csta_open (out, "monitorList", NULL);
  for (GList *l = monitors; l != NULL; l = l->next)
    {
      Monitor *monitor = l->data;

      mg_csta_open (out, "monitorListEntry", NULL);
      mg_csta_leaf (out, "monitorCrossRefID", monitor->id);
      mg_csta_open (out, "monitorObject", NULL);
      mg_csta_leaf (out, "deviceObject", monitor->device);
      mg_csta_close (out, "monitorObject");
      mg_csta_close (out, "monitorListEntry");
    }
  mg_csta_close (out, "monitorList");
  mg_csta_close (out, "GetMonitorsResponse");
  mg_cti_session_send (self, invoke_id, out->str);
}

void
mg_cti_handle_snapshot_device (MgCtiSession *self, guint invoke_id, MgCstaMessage *msg)
{
  g_autofree char *device = mg_csta_dup_text (msg->root, "snapshotObject");
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (GArray) connections = NULL;

  if (!mg_cti_session_check_device (self, invoke_id, device, "invalidDeviceID"))
    return;
  connections = mg_cti_server_snapshot_device (mg_cti_session_get_server (self), device);
  mg_csta_open (out, "SnapshotDeviceResponse", mg_cti_session_get_namespace (self));
  mg_csta_open (out, "crossRefIDorSnapshotData", NULL);
  mg_csta_open (out, "snapshotData", NULL);
  write_device_snapshot (out, connections, device);
  mg_csta_close (out, "snapshotData");
  mg_csta_close (out, "crossRefIDorSnapshotData");
  mg_csta_close (out, "SnapshotDeviceResponse");
  mg_cti_session_send (self, invoke_id, out->str);
}

/* Events of @device for every monitor of ours on it, minus filtered ones. */
void
mg_cti_monitors_deliver (MgCtiSession *self, const char *device, GPtrArray *events)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, mg_cti_session_get_monitors (self));
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Monitor *monitor = value;

      if (g_strcmp0 (monitor->device, device) != 0)
        continue;
      for (guint i = 0; i < events->len; i++)
        {
          MgCtiEvent *event = g_ptr_array_index (events, i);
          g_autofree char *flag = mg_cti_event_filter_flag (event->name);

          /* a flag set suppresses its event, or, inverted, selects it */
          if (g_hash_table_contains (monitor->suppressed, flag) == monitor->invert)
            mg_cti_session_send_event (self, monitor->id, event);
        }
    }
}

/* Whether a monitor of ours watches @device. */
gboolean
mg_cti_monitors_watch (MgCtiSession *self, const char *device)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, mg_cti_session_get_monitors (self));
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (g_strcmp0 (((Monitor *) value)->device, device) == 0)
      return TRUE;
  return FALSE;
}

/* The parties of a call of a device this application may use, with their
 * connection states (the far party masked by its policy). */
void
mg_cti_handle_snapshot_call (MgCtiSession *self, guint invoke_id, MgCstaMessage *msg)
{
  MgCtiServer *server = mg_cti_session_get_server (self);
  g_autofree char *call_id = mg_csta_dup_text (msg->root, "snapshotObject/callID");
  g_autoptr (GArray) parties = call_id ? mg_cti_server_snapshot_call (server, call_id) : NULL;
  g_autoptr (GString) out = g_string_new (NULL);
  gboolean allowed = FALSE;

  for (guint i = 0; parties != NULL && i < parties->len; i++)
    {
      MgCtiParty *party = &g_array_index (parties, MgCtiParty, i);

      allowed |= party->extension && mg_cti_session_may_use (self, party->device);
    }
  if (parties == NULL || parties->len == 0)
    {
      mg_cti_session_reply_error (self, invoke_id, "operation", "invalidCallID");
      return;
    }
  if (!allowed)
    {
      mg_cti_session_reply_error (self, invoke_id, "operation",
                                  "privilegeViolationSpecifiedDevice");
      return;
    }
  mg_csta_open (out, "SnapshotCallResponse", mg_cti_session_get_namespace (self));
  mg_csta_open (out, "crossRefIDorSnapshotData", NULL);
  mg_csta_open (out, "snapshotData", NULL);
  for (guint i = 0; i < parties->len; i++)
    {
      MgCtiParty *party = &g_array_index (parties, MgCtiParty, i);
      g_autofree char *shown = party->extension    ? g_strdup (party->device)
                               : party->restricted ? NULL
                                                   : mg_cti_session_mask (self, party->device);

      mg_csta_open (out, "snapshotCallResponseInfo", NULL);
      mg_csta_open (out, "deviceOnCall", NULL);
      if (shown != NULL)
        mg_csta_leaf (out, "deviceIdentifier", shown);
      else
        mg_csta_empty (out, "restricted", NULL);
      mg_csta_close (out, "deviceOnCall");
      mg_csta_open (out, "callIdentifier", NULL);
      mg_csta_leaf (out, "callID", call_id);
      if (shown != NULL)
        mg_csta_leaf (out, "deviceID", shown);
      mg_csta_close (out, "callIdentifier");
      mg_csta_leaf (out, "localConnectionInfo", party->state);
      mg_csta_close (out, "snapshotCallResponseInfo");
    }
  mg_csta_close (out, "snapshotData");
  mg_csta_close (out, "crossRefIDorSnapshotData");
  mg_csta_close (out, "SnapshotCallResponse");
  mg_cti_session_send (self, invoke_id, out->str);
}
