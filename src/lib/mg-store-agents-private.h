/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "mg-store.h"

G_BEGIN_DECLS

/* An agent logged on at a device (an extension's phone) over CTI. */
typedef struct
{
  char *device;
  char *agent_id;
  char *state;  /* ready, notReady or workingAfterCall */
  char *reason; /* nullable: the notReady reason code */
} MgAgentState;

void          mg_agent_state_free       (MgAgentState *agent);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MgAgentState, mg_agent_state_free)

MgAgentState *mg_store_get_agent_state  (MgStore    *self,
                                         const char *device);
gboolean      mg_store_set_agent_state  (MgStore    *self,
                                         const char *device,
                                         const char *agent_id,
                                         const char *state,
                                         const char *reason,
                                         GError    **error);
gboolean      mg_store_clear_agent_state (MgStore    *self,
                                          const char *device,
                                          GError    **error);

G_END_DECLS
