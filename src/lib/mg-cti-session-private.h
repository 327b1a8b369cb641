/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <libsoup/soup.h>

#include "mg-cti-events-private.h"
#include "mg-cti-server-private.h"
#include "mg-source-policy-private.h"

G_BEGIN_DECLS

#define MG_TYPE_CTI_SESSION (mg_cti_session_get_type ())
G_DECLARE_FINAL_TYPE (MgCtiSession, mg_cti_session, MG, CTI_SESSION, GObject)

MgCtiSession *mg_cti_session_new    (MgCtiServer             *server,
                                     SoupWebsocketConnection *connection,
                                     MgSourceSlot            *slot,
                                     const char              *bearer_token);
const char   *mg_cti_session_get_id (MgCtiSession *self);
void          mg_cti_session_close  (MgCtiSession *self,
                                     gushort       code,
                                     const char   *reason);
void          mg_cti_session_deliver (MgCtiSession *self,
                                      const char   *device,
                                      GPtrArray    *events);
void          mg_cti_session_deliver_party_event (MgCtiSession          *self,
                                                  const char            *device,
                                                  const MgCtiPartyEvent *event);
gboolean      mg_cti_session_may_use (MgCtiSession *self,
                                      const char   *device);
gboolean      mg_cti_session_check_device (MgCtiSession *self,
                                           guint         invoke_id,
                                           const char   *device,
                                           const char   *unknown);

/* for the service files (mg-cti-monitoring.c, …) */
void         mg_cti_session_send          (MgCtiSession *self,
                                           guint         invoke_id,
                                           const char   *xml);
void         mg_cti_session_reply_error   (MgCtiSession *self,
                                           guint         invoke_id,
                                           const char   *category,
                                           const char   *value);
const char  *mg_cti_session_get_namespace (MgCtiSession *self);
MgCtiServer *mg_cti_session_get_server    (MgCtiSession *self);
GHashTable  *mg_cti_session_get_monitors  (MgCtiSession *self);
char        *mg_cti_session_next_monitor_id (MgCtiSession *self);
void         mg_cti_session_send_event    (MgCtiSession *self,
                                           const char   *monitor_id,
                                           MgCtiEvent   *event);

G_END_DECLS
