/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "mg-csta-private.h"
#include "mg-cti-session-private.h"

G_BEGIN_DECLS

GHashTable *mg_cti_monitors_new           (void);
void        mg_cti_monitors_deliver       (MgCtiSession *self,
                                           const char   *device,
                                           GPtrArray    *events);
gboolean    mg_cti_monitors_watch         (MgCtiSession *self,
                                           const char   *device);
void        mg_cti_handle_monitor_start   (MgCtiSession  *self,
                                           guint          invoke_id,
                                           MgCstaMessage *msg);
void        mg_cti_handle_monitor_stop    (MgCtiSession  *self,
                                           guint          invoke_id,
                                           MgCstaMessage *msg);
void        mg_cti_handle_change_monitor_filter (MgCtiSession  *self,
                                                 guint          invoke_id,
                                                 MgCstaMessage *msg);
void        mg_cti_handle_snapshot_call   (MgCtiSession  *self,
                                           guint          invoke_id,
                                           MgCstaMessage *msg);
void        mg_cti_handle_get_monitors    (MgCtiSession  *self,
                                           guint          invoke_id,
                                           MgCstaMessage *msg);
void        mg_cti_handle_snapshot_device (MgCtiSession  *self,
                                           guint          invoke_id,
                                           MgCstaMessage *msg);

G_END_DECLS
