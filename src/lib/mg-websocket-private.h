/* mg-websocket-private.h: what the WebSocket endpoints share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <libsoup/soup.h>

#include "mg-source-policy-private.h"

G_BEGIN_DECLS

void mg_websocket_send_error_and_close (SoupWebsocketConnection *connection,
                                        const char              *code,
                                        gushort                  close_code,
                                        const char              *message);

gboolean      mg_websocket_admit     (MgSourcePolicy    *policy,
                                      SoupServerMessage *msg,
                                      const char        *what);
MgSourceSlot *mg_websocket_take_slot (SoupServerMessage *msg);

G_END_DECLS
