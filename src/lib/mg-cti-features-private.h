/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "mg-csta-private.h"
#include "mg-cti-session-private.h"

G_BEGIN_DECLS

void mg_cti_handle_get_csta_features (MgCtiSession  *self,
                                      guint          invoke_id,
                                      MgCstaMessage *msg);

G_END_DECLS
