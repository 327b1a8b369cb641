/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "mg-call.h"
#include "mg-config.h"
#include "mg-phone-hub.h"
#include "mg-sip-agent.h"
#include "mg-store.h"

G_BEGIN_DECLS

/* Routes the phones' requests and the SIP platform's calls into MgCalls
 * (docs/protocol.md), and owns the calls until they end. */
#define MG_TYPE_CALL_MANAGER (mg_call_manager_get_type ())
G_DECLARE_FINAL_TYPE (MgCallManager, mg_call_manager, MG, CALL_MANAGER, GObject)

MgCallManager *mg_call_manager_new      (MgConfig   *config,
                                         MgStore    *store,
                                         MgPhoneHub *hub,
                                         MgSipAgent *agent);
guint          mg_call_manager_count    (MgCallManager *self);
MgCall        *mg_call_manager_lookup   (MgCallManager *self,
                                         const char    *id);
JsonArray     *mg_call_manager_describe (MgCallManager *self);
gboolean       mg_call_manager_hangup   (MgCallManager *self,
                                         const char    *id);
void           mg_call_manager_end_all  (MgCallManager *self);
guint          mg_call_manager_get_caller_leg (MgCall *call);

G_END_DECLS
