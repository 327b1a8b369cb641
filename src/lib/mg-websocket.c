/* mg-websocket.c: what the WebSocket endpoints (client logger, later CTI
 * and the phone hub) share
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-http"

#include "mg-build-config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "mg-websocket-private.h"

#define SLOT_KEY "mg-source-slot"

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

static void
reply_forbidden (SoupServerMessage *msg, const char *message)
{
  g_autoptr (JsonObject) error = json_object_new ();
  g_autoptr (JsonObject) root = json_object_new ();
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  char *text;

  json_object_set_string_member (error, "code", "already_connected");
  json_object_set_string_member (error, "message", message);
  json_object_set_object_member (root, "error", g_steal_pointer (&error));
  json_node_set_object (node, root);
  text = json_to_string (node, FALSE);
  soup_server_message_set_status (msg, SOUP_STATUS_FORBIDDEN, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, text, strlen (text));
}

/* For a handler on a WebSocket path, before the upgrade: admits the
 * connection by @policy (one live connection per client address, except
 * behind listed load balancers) and keeps its slot on @msg for
 * mg_websocket_take_slot(); else answers 403 with a JSON body. @what names
 * the endpoint in the log. */
gboolean
mg_websocket_admit (MgSourcePolicy *policy, SoupServerMessage *msg, const char *what)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);
  g_autoptr (GError) error = NULL;
  MgSourceSlot *slot;

  if (soup_server_message_get_status (msg) != 0 || !G_IS_INET_SOCKET_ADDRESS (remote))
    return FALSE;
  slot = mg_source_policy_admit (policy,
                                 g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)),
                                 soup_server_message_get_request_headers (msg), &error);
  if (slot != NULL)
    {
      g_object_set_data_full (G_OBJECT (msg), SLOT_KEY, slot, (GDestroyNotify) mg_source_slot_free);
      return TRUE;
    }
  g_info ("%s connection refused: %s", what, error->message);
  reply_forbidden (msg, error->message);
  return FALSE;
}

/* The slot mg_websocket_admit() kept on the upgrade's message (the caller
 * frees it when the connection ends). */
MgSourceSlot *
mg_websocket_take_slot (SoupServerMessage *msg)
{
  return g_object_steal_data (G_OBJECT (msg), SLOT_KEY);
}
