/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "mg-call-manager-private.h"
#include "mg-client-logger-private.h"
#include "mg-cti-server.h"
#include "mg-server.h"

G_BEGIN_DECLS

MgCallManager  *mg_server_get_call_manager  (MgServer *self);
MgCtiServer    *mg_server_get_cti_server    (MgServer *self);
MgClientLogger *mg_server_get_client_logger (MgServer *self);

G_END_DECLS
