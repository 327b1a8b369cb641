/* mg-websocket-private.h: what the WebSocket endpoints share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

void mg_websocket_send_error_and_close (SoupWebsocketConnection *connection,
                                        const char              *code,
                                        gushort                  close_code,
                                        const char              *message);

G_END_DECLS
