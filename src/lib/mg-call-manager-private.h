/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "mg-call.h"
#include "mg-call-private.h"
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
MgCallLeg     *mg_call_manager_far_leg        (MgCall  *call,
                                               guint    index,
                                               MgCall **far_call);
const char    *mg_call_manager_get_linkage    (MgCall *call);

/* control by applications (CTI): the device's phone acts as if the agent
 * had done it in the page */
#define MG_CALL_ERROR (mg_call_error_quark ())
GQuark mg_call_error_quark (void);

typedef enum {
  MG_CALL_ERROR_NO_CONNECTION,  /* no such call at that device */
  MG_CALL_ERROR_STATE,          /* not in a state that allows it */
  MG_CALL_ERROR_INVALID,        /* a bad argument */
  MG_CALL_ERROR_OUT_OF_SERVICE, /* the device's phone is not connected */
  MG_CALL_ERROR_HELD_STATE,     /* the "held" call is not held by the device */
  MG_CALL_ERROR_ACTIVE_STATE,   /* the "active" call is not active at the device */
} MgCallError;

gboolean mg_call_manager_answer      (MgCallManager *self,
                                      const char    *call_id,
                                      const char    *device,
                                      GError       **error);
gboolean mg_call_manager_clear       (MgCallManager *self,
                                      const char    *call_id,
                                      const char    *device,
                                      GError       **error);
gboolean mg_call_manager_clear_call  (MgCallManager *self,
                                      const char    *call_id,
                                      const char    *device,
                                      GError       **error);
gboolean mg_call_manager_hold        (MgCallManager *self,
                                      const char    *call_id,
                                      const char    *device,
                                      gboolean       hold,
                                      GError       **error);
char    *mg_call_manager_make_call   (MgCallManager *self,
                                      const char    *device,
                                      const char    *to,
                                      gboolean       prompt,
                                      GError       **error);
char    *mg_call_manager_consult     (MgCallManager *self,
                                      const char    *call_id,
                                      const char    *device,
                                      const char    *to,
                                      GError       **error);
gboolean mg_call_manager_alternate   (MgCallManager *self,
                                      const char    *held_id,
                                      const char    *active_id,
                                      const char    *device,
                                      GError       **error);
gboolean mg_call_manager_reconnect   (MgCallManager *self,
                                      const char    *held_id,
                                      const char    *active_id,
                                      const char    *device,
                                      GError       **error);
gboolean mg_call_manager_transfer_calls (MgCallManager *self,
                                         const char    *held_id,
                                         const char    *active_id,
                                         const char    *device,
                                         GError       **error);
gboolean mg_call_manager_conference  (MgCallManager *self,
                                      const char    *held_id,
                                      const char    *active_id,
                                      const char    *device,
                                      GError       **error);
gboolean mg_call_manager_deflect     (MgCallManager *self,
                                      const char    *call_id,
                                      const char    *device,
                                      const char    *to,
                                      GError       **error);
gboolean mg_call_manager_transfer    (MgCallManager *self,
                                      const char    *call_id,
                                      const char    *device,
                                      const char    *to,
                                      GError       **error);
gboolean mg_call_manager_send_digits (MgCallManager *self,
                                      const char    *call_id,
                                      const char    *device,
                                      const char    *digits,
                                      GError       **error);

G_END_DECLS
