/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "mg-csta-private.h"
#include "mg-cti-session-private.h"

G_BEGIN_DECLS

void mg_cti_handle_set_agent_state (MgCtiSession  *self,
                                    guint          invoke_id,
                                    MgCstaMessage *msg);
void mg_cti_handle_get_agent_state (MgCtiSession  *self,
                                    guint          invoke_id,
                                    MgCstaMessage *msg);

void mg_cti_agents_log_off         (MgCtiServer *server,
                                    const char  *device);

G_END_DECLS
