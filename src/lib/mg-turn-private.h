/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "mg-store.h"
#include "mg-turn.h"

G_BEGIN_DECLS

JsonArray *mg_turn_dup_ice_servers (MgStore    *store,
                                    const char *number);

G_END_DECLS
