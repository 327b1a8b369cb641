/* mg-websocket.c: what the WebSocket endpoints (client logger, later CTI
 * and the phone hub) share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-http"

#include "mg-build-config.h"

#include <json-glib/json-glib.h>

#include "mg-websocket-private.h"

static void
on_closing_done (SoupWebsocketConnection *connection, gpointer user_data)
{
  g_signal_handlers_disconnect_by_func (connection, on_closing_done, user_data);
  g_object_unref (connection);
}

/* Sends {"type":"error","code":…,"message":…} and closes with @close_code;
 * the connection is kept alive until its close handshake ends. Nothing
 * happens to a connection that is no longer open. */
void
mg_websocket_send_error_and_close (SoupWebsocketConnection *connection, const char *code,
                                   gushort close_code, const char *message)
{
  g_autoptr (JsonObject) error = json_object_new ();
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;

  if (soup_websocket_connection_get_state (connection) != SOUP_WEBSOCKET_STATE_OPEN)
    return;
  json_object_set_string_member (error, "type", "error");
  json_object_set_string_member (error, "code", code);
  json_object_set_string_member (error, "message", message);
  json_node_set_object (node, error);
  text = json_to_string (node, FALSE);
  g_signal_connect (g_object_ref (connection), "closed", G_CALLBACK (on_closing_done), NULL);
  soup_websocket_connection_send_text (connection, text);
  soup_websocket_connection_close (connection, close_code, code);
}
