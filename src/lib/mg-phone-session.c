/* mg-phone-session.c: one browser phone's signaling session
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-phone"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>

#include "mg-crypto-private.h"
#include "mg-phone-session-private.h"

/**
 * MgPhoneSession:
 *
 * One logged-in browser phone (an extension) and its WebSocket, as
 * docs/protocol.md describes.
 *
 * The session outlives its WebSocket by a grace period, so a phone whose
 * connection dropped can come back (`resume`) and keep its calls. Requests
 * from the phone reach whoever handles calls through
 * [signal@Mg.PhoneSession::request]; media negotiation messages through
 * [signal@Mg.PhoneSession::media].
 */

struct _MgPhoneSession
{
  GObject parent_instance;

  char *id;
  char *extension;
  char *token_subject; /* the session token's identity, to match a resume */
  SoupWebsocketConnection *connection;
};

enum {
  SIGNAL_REQUEST,
  SIGNAL_MEDIA,
  SIGNAL_DISCONNECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MgPhoneSession, mg_phone_session, G_TYPE_OBJECT)

static void
detach_connection (MgPhoneSession *self)
{
  if (self->connection == NULL)
    return;
  g_signal_handlers_disconnect_by_data (self->connection, self);
  g_clear_object (&self->connection);
}

static void
on_closing_done (SoupWebsocketConnection *connection, gpointer user_data)
{
  g_signal_handlers_disconnect_by_func (connection, on_closing_done, user_data);
  g_object_unref (connection);
}

/* Closes @connection with @code, keeping it until the close handshake ends. */
static void
close_connection (SoupWebsocketConnection *connection, gushort code, const char *reason)
{
  if (soup_websocket_connection_get_state (connection) != SOUP_WEBSOCKET_STATE_OPEN)
    return;
  g_signal_connect (g_object_ref (connection), "closed", G_CALLBACK (on_closing_done), NULL);
  soup_websocket_connection_close (connection, code, reason);
}

static void
mg_phone_session_dispose (GObject *object)
{
  MgPhoneSession *self = MG_PHONE_SESSION (object);

  if (self->connection != NULL)
    close_connection (self->connection, SOUP_WEBSOCKET_CLOSE_GOING_AWAY, NULL);
  detach_connection (self);
  G_OBJECT_CLASS (mg_phone_session_parent_class)->dispose (object);
}

static void
mg_phone_session_finalize (GObject *object)
{
  MgPhoneSession *self = MG_PHONE_SESSION (object);

  g_free (self->id);
  g_free (self->extension);
  g_free (self->token_subject);
  G_OBJECT_CLASS (mg_phone_session_parent_class)->finalize (object);
}

static void
mg_phone_session_class_init (MgPhoneSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GType type = G_TYPE_FROM_CLASS (klass);

  object_class->dispose = mg_phone_session_dispose;
  object_class->finalize = mg_phone_session_finalize;

  /**
   * MgPhoneSession::request:
   * @self: the session
   * @id: the request id the phone chose
   * @type: the request type ("call", "accept", "hangup", …)
   * @message: the whole request
   *
   * A request from the phone. The handler that takes it answers with
   * [method@Mg.PhoneSession.reply_ok] or [method@Mg.PhoneSession.reply_error]
   * and returns %TRUE; a request nobody takes is answered `bad_request`.
   *
   * Returns: whether a handler took the request
   */
  signals[SIGNAL_REQUEST] = g_signal_new ("request", type, G_SIGNAL_RUN_LAST, 0,
                                          g_signal_accumulator_true_handled, NULL, NULL,
                                          G_TYPE_BOOLEAN, 3, G_TYPE_INT64, G_TYPE_STRING,
                                          JSON_TYPE_OBJECT);
  /**
   * MgPhoneSession::media:
   * @self: the session
   * @type: "sdp" or "ice"
   * @message: the whole message
   *
   * A media negotiation message from the phone.
   */
  signals[SIGNAL_MEDIA] = g_signal_new ("media", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 2, G_TYPE_STRING, JSON_TYPE_OBJECT);
  /**
   * MgPhoneSession::disconnected:
   * @self: the session
   *
   * The phone's WebSocket closed; the session waits for a resume.
   */
  signals[SIGNAL_DISCONNECTED] = g_signal_new ("disconnected", type, G_SIGNAL_RUN_LAST, 0, NULL,
                                               NULL, NULL, G_TYPE_NONE, 0);
}

static void
mg_phone_session_init (MgPhoneSession *self)
{
}

MgPhoneSession *
mg_phone_session_new (const char *extension, const char *token_subject)
{
  MgPhoneSession *self = g_object_new (MG_TYPE_PHONE_SESSION, NULL);
  g_autofree char *random = mg_random_token (12);

  self->id = g_strconcat ("s-", random, NULL);
  self->extension = g_strdup (extension);
  self->token_subject = g_strdup (token_subject);
  return self;
}

/**
 * mg_phone_session_send:
 * @self: a session
 * @message: a protocol message with its "type"
 *
 * Sends @message to the phone, if it is connected (messages sent while the
 * phone is away are dropped: a resume re-synchronises from the call list).
 */
void
mg_phone_session_send (MgPhoneSession *self, JsonObject *message)
{
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *text = NULL;

  g_return_if_fail (MG_IS_PHONE_SESSION (self));

  if (self->connection == NULL
      || soup_websocket_connection_get_state (self->connection) != SOUP_WEBSOCKET_STATE_OPEN)
    return;
  json_node_set_object (node, message);
  text = json_to_string (node, FALSE);
  soup_websocket_connection_send_text (self->connection, text);
}

static void
send_error_event (MgPhoneSession *self, const char *code, const char *message)
{
  g_autoptr (JsonObject) event = json_object_new ();

  json_object_set_string_member (event, "type", "error");
  json_object_set_string_member (event, "code", code);
  json_object_set_string_member (event, "message", message);
  mg_phone_session_send (self, event);
}

/**
 * mg_phone_session_reply_ok:
 * @self: a session
 * @request_id: the request's id
 * @fields: (nullable): more members of the response (e.g. "call_id")
 *
 * Answers a request successfully.
 */
void
mg_phone_session_reply_ok (MgPhoneSession *self, gint64 request_id, JsonObject *fields)
{
  g_autoptr (JsonObject) response = json_object_new ();

  g_return_if_fail (MG_IS_PHONE_SESSION (self));

  json_object_set_string_member (response, "type", "response");
  json_object_set_int_member (response, "id", request_id);
  json_object_set_boolean_member (response, "ok", TRUE);
  if (fields != NULL)
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      json_object_iter_init (&iter, fields);
      while (json_object_iter_next (&iter, &name, &value))
        json_object_set_member (response, name, json_node_copy (value));
    }
  mg_phone_session_send (self, response);
}

/**
 * mg_phone_session_reply_error:
 * @self: a session
 * @request_id: the request's id
 * @code: the error code of docs/protocol.md
 * @message: what went wrong, for a person
 *
 * Answers a request with an error.
 */
void
mg_phone_session_reply_error (MgPhoneSession *self, gint64 request_id, const char *code,
                              const char *message)
{
  g_autoptr (JsonObject) response = json_object_new ();
  g_autoptr (JsonObject) error = json_object_new ();

  g_return_if_fail (MG_IS_PHONE_SESSION (self));

  json_object_set_string_member (error, "code", code);
  json_object_set_string_member (error, "message", message);
  json_object_set_string_member (response, "type", "response");
  json_object_set_int_member (response, "id", request_id);
  json_object_set_boolean_member (response, "ok", FALSE);
  json_object_set_object_member (response, "error", g_steal_pointer (&error));
  mg_phone_session_send (self, response);
}

/* One message from the phone, already known to be a JSON object with a string "type". */
void
mg_phone_session_dispatch (MgPhoneSession *self, JsonObject *message)
{
  const char *type = json_object_get_string_member (message, "type");
  JsonNode *id_node = json_object_get_member (message, "id");
  gboolean taken = FALSE;
  gint64 id;

  if (g_str_equal (type, "sdp") || g_str_equal (type, "ice"))
    {
      g_signal_emit (self, signals[SIGNAL_MEDIA], 0, type, message);
      return;
    }
  if (id_node == NULL || !JSON_NODE_HOLDS_VALUE (id_node)
      || json_node_get_value_type (id_node) != G_TYPE_INT64)
    {
      send_error_event (self, "bad_request", _("a request needs a numeric \"id\""));
      return;
    }
  id = json_node_get_int (id_node);
  if (g_str_equal (type, "ping"))
    {
      mg_phone_session_reply_ok (self, id, NULL);
      return;
    }
  g_signal_emit (self, signals[SIGNAL_REQUEST], 0, id, type, message, &taken);
  if (!taken)
    {
      g_autofree char *text = g_strdup_printf (_("unknown request type \"%s\""), type);
      mg_phone_session_reply_error (self, id, "bad_request", text);
    }
}

static void
on_message (SoupWebsocketConnection *connection, gint data_type, GBytes *data,
            MgPhoneSession *self)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (MgPhoneSession) keep = g_object_ref (self);
  gsize size = 0;
  const char *text = g_bytes_get_data (data, &size);
  JsonNode *root;
  JsonObject *message;

  if (data_type != SOUP_WEBSOCKET_DATA_TEXT || !g_utf8_validate (text, size, NULL)
      || !json_parser_load_from_data (parser, text, size, NULL)
      || !JSON_NODE_HOLDS_OBJECT ((root = json_parser_get_root (parser))))
    {
      send_error_event (self, "bad_request", _("each message must be one JSON object"));
      return;
    }
  message = json_node_get_object (root);
  if (json_object_get_string_member_with_default (message, "type", NULL) == NULL)
    {
      send_error_event (self, "bad_request", _("the message has no string \"type\""));
      return;
    }
  mg_phone_session_dispatch (self, message);
}

static void
on_closed (SoupWebsocketConnection *connection, MgPhoneSession *self)
{
  g_autoptr (MgPhoneSession) keep = g_object_ref (self);

  g_info ("phone %s (%s): WebSocket closed", self->extension, self->id);
  detach_connection (self);
  g_signal_emit (self, signals[SIGNAL_DISCONNECTED], 0);
}

/* Takes over @connection (a resume replaces the old one) and sends @registered. */
void
mg_phone_session_attach (MgPhoneSession *self, SoupWebsocketConnection *connection,
                         JsonObject *registered)
{
  if (self->connection != NULL && self->connection != connection)
    {
      g_autoptr (SoupWebsocketConnection) old = g_object_ref (self->connection);

      detach_connection (self);
      close_connection (old, 4000, "replaced by a resumed connection");
    }
  self->connection = g_object_ref (connection);
  g_signal_connect (connection, "message", G_CALLBACK (on_message), self);
  g_signal_connect (connection, "closed", G_CALLBACK (on_closed), self);
  mg_phone_session_send (self, registered);
}

/* Closes the WebSocket (if any) with @code; the session stays until dropped. */
void
mg_phone_session_close (MgPhoneSession *self, gushort code, const char *reason)
{
  g_autoptr (SoupWebsocketConnection) connection = NULL;

  if (self->connection == NULL)
    return;
  connection = g_object_ref (self->connection);
  detach_connection (self);
  close_connection (connection, code, reason);
}

const char *
mg_phone_session_get_token_subject (MgPhoneSession *self)
{
  return self->token_subject;
}

/**
 * mg_phone_session_get_id:
 * @self: a session
 *
 * Returns: the session id the phone resumes with
 */
const char *
mg_phone_session_get_id (MgPhoneSession *self)
{
  g_return_val_if_fail (MG_IS_PHONE_SESSION (self), NULL);
  return self->id;
}

/**
 * mg_phone_session_get_extension:
 * @self: a session
 *
 * Returns: the extension this phone is
 */
const char *
mg_phone_session_get_extension (MgPhoneSession *self)
{
  g_return_val_if_fail (MG_IS_PHONE_SESSION (self), NULL);
  return self->extension;
}

/**
 * mg_phone_session_is_connected:
 * @self: a session
 *
 * Returns: whether the phone's WebSocket is open now
 */
gboolean
mg_phone_session_is_connected (MgPhoneSession *self)
{
  g_return_val_if_fail (MG_IS_PHONE_SESSION (self), FALSE);
  return self->connection != NULL;
}
