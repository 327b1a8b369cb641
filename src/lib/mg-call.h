/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(MG_INSIDE) && !defined(MG_COMPILATION)
#error "Only <mediagate.h> can be included directly."
#endif

#include <gst/gst.h>

G_BEGIN_DECLS

/**
 * MgCallState:
 * @MG_CALL_STATE_SETUP: legs are being set up (offer/answer, INVITE)
 * @MG_CALL_STATE_RINGING: the called party is alerting
 * @MG_CALL_STATE_CONNECTED: answered; media is bridged
 * @MG_CALL_STATE_ENDED: over; the pipeline is gone
 *
 * Where a call stands.
 */
typedef enum {
  MG_CALL_STATE_SETUP,
  MG_CALL_STATE_RINGING,
  MG_CALL_STATE_CONNECTED,
  MG_CALL_STATE_ENDED,
} MgCallState;

#define MG_TYPE_CALL (mg_call_get_type ())
G_DECLARE_FINAL_TYPE (MgCall, mg_call, MG, CALL, GObject)

const char  *mg_call_get_id          (MgCall *self);
MgCallState  mg_call_get_state       (MgCall *self);
const char  *mg_call_get_shape       (MgCall *self);
GstPipeline *mg_call_get_pipeline    (MgCall *self);
const char  *mg_call_state_to_string (MgCallState state);

G_END_DECLS
