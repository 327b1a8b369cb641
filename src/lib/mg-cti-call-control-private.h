/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "mg-csta-private.h"
#include "mg-cti-session-private.h"

G_BEGIN_DECLS

void mg_cti_handle_make_call        (MgCtiSession  *self,
                                     guint          invoke_id,
                                     MgCstaMessage *msg);
void mg_cti_handle_answer_call      (MgCtiSession  *self,
                                     guint          invoke_id,
                                     MgCstaMessage *msg);
void mg_cti_handle_clear_connection (MgCtiSession  *self,
                                     guint          invoke_id,
                                     MgCstaMessage *msg);
void mg_cti_handle_clear_call       (MgCtiSession  *self,
                                     guint          invoke_id,
                                     MgCstaMessage *msg);
void mg_cti_handle_hold_call        (MgCtiSession  *self,
                                     guint          invoke_id,
                                     MgCstaMessage *msg);
void mg_cti_handle_retrieve_call    (MgCtiSession  *self,
                                     guint          invoke_id,
                                     MgCstaMessage *msg);
void mg_cti_handle_single_step_transfer (MgCtiSession  *self,
                                         guint          invoke_id,
                                         MgCstaMessage *msg);
void mg_cti_handle_deflect_call     (MgCtiSession  *self,
                                     guint          invoke_id,
                                     MgCstaMessage *msg);
void mg_cti_handle_generate_digits  (MgCtiSession  *self,
                                     guint          invoke_id,
                                     MgCstaMessage *msg);
void mg_cti_handle_consultation_call (MgCtiSession  *self,
                                      guint          invoke_id,
                                      MgCstaMessage *msg);
void mg_cti_handle_alternate_call   (MgCtiSession  *self,
                                     guint          invoke_id,
                                     MgCstaMessage *msg);
void mg_cti_handle_reconnect_call   (MgCtiSession  *self,
                                     guint          invoke_id,
                                     MgCstaMessage *msg);
void mg_cti_handle_transfer_call    (MgCtiSession  *self,
                                     guint          invoke_id,
                                     MgCstaMessage *msg);
void mg_cti_handle_conference_call  (MgCtiSession  *self,
                                     guint          invoke_id,
                                     MgCstaMessage *msg);

G_END_DECLS
