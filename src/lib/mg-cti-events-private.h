/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "mg-call.h"
#include "mg-cti-policy-private.h"

G_BEGIN_DECLS

/* One CSTA event for a monitor: its element name and its children after
 * monitorCrossRefID (schema order), without extensions. */
typedef struct
{
  const char *name;
  GString *body;
  char *private_data; /* nullable: XML for extensions/privateData/private */
} MgCtiEvent;

GPtrArray *mg_cti_events_for        (MgCall     *call,
                                     guint       leg,
                                     guint       caller,
                                     const char *type,
                                     JsonObject *detail,
                                     gboolean    was_up,
                                     MgCtiPolicy *policy);
void       mg_cti_event_free        (gpointer data);
char      *mg_cti_event_filter_flag (const char *name);

G_END_DECLS
