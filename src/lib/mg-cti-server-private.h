/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "mg-cti-server.h"

G_BEGIN_DECLS

#define MG_CTI_OUTSTANDING_LIMIT 16

char  *mg_cti_server_authenticate      (MgCtiServer *self,
                                        const char  *token,
                                        GError     **error);
guint  mg_cti_server_get_session_timeout   (MgCtiServer *self);
guint  mg_cti_server_get_heartbeat_interval (MgCtiServer *self);
void   mg_cti_server_session_started   (MgCtiServer *self,
                                        gpointer     session,
                                        const char  *id);
void   mg_cti_server_session_closed    (MgCtiServer *self,
                                        gpointer     session);

G_END_DECLS
