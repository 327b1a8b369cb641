/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(MG_INSIDE) && !defined(MG_COMPILATION)
#error "Only <mediagate.h> can be included directly."
#endif

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * MgSipDialogState:
 * @MG_SIP_DIALOG_STATE_CALLING: an outbound INVITE is under way
 * @MG_SIP_DIALOG_STATE_INCOMING: an inbound INVITE waits for our answer
 * @MG_SIP_DIALOG_STATE_EARLY: the far end alerts (180/183) or we sent 180
 * @MG_SIP_DIALOG_STATE_CONFIRMED: the call is answered
 * @MG_SIP_DIALOG_STATE_TERMINATED: the dialog is over
 *
 * The life of one SIP call dialog.
 */
typedef enum {
  MG_SIP_DIALOG_STATE_CALLING,
  MG_SIP_DIALOG_STATE_INCOMING,
  MG_SIP_DIALOG_STATE_EARLY,
  MG_SIP_DIALOG_STATE_CONFIRMED,
  MG_SIP_DIALOG_STATE_TERMINATED,
} MgSipDialogState;

#define MG_TYPE_SIP_DIALOG (mg_sip_dialog_get_type ())
G_DECLARE_FINAL_TYPE (MgSipDialog, mg_sip_dialog, MG, SIP_DIALOG, GObject)

MgSipDialogState mg_sip_dialog_get_state          (MgSipDialog *self);
gboolean         mg_sip_dialog_is_outbound        (MgSipDialog *self);
const char      *mg_sip_dialog_get_local_number   (MgSipDialog *self);
const char      *mg_sip_dialog_get_remote_number  (MgSipDialog *self);
const char      *mg_sip_dialog_get_remote_display (MgSipDialog *self);
gboolean         mg_sip_dialog_get_identity_withheld (MgSipDialog *self);
const char      *mg_sip_dialog_get_remote_sdp     (MgSipDialog *self);
const char      *mg_sip_dialog_get_call_id        (MgSipDialog *self);
guint            mg_sip_dialog_get_final_status   (MgSipDialog *self);
const char      *mg_sip_dialog_get_final_reason   (MgSipDialog *self);

void             mg_sip_dialog_ring               (MgSipDialog *self);
void             mg_sip_dialog_answer             (MgSipDialog *self,
                                                   const char  *sdp);
void             mg_sip_dialog_redirect           (MgSipDialog *self,
                                                   const char  *target);
void             mg_sip_dialog_reject             (MgSipDialog *self,
                                                   guint        status,
                                                   const char  *reason);
void             mg_sip_dialog_hangup             (MgSipDialog *self);
void             mg_sip_dialog_reinvite           (MgSipDialog *self,
                                                   const char  *sdp);
void             mg_sip_dialog_accept_reinvite    (MgSipDialog *self,
                                                   const char  *sdp);
void             mg_sip_dialog_refuse_reinvite    (MgSipDialog *self,
                                                   guint        status);
void             mg_sip_dialog_send_info          (MgSipDialog *self,
                                                   const char  *content_type,
                                                   const char  *body);
gboolean           mg_sip_dialog_refer            (MgSipDialog *self,
                                                   const char  *target);

G_END_DECLS
