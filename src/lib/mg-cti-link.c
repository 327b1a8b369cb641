/* mg-cti-link.c: a WebSocket or a raw TLS stream carrying CSTA messages
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-cti"

#include "mg-build-config.h"

#include "mg-cti-link-private.h"

#include <sys/ioctl.h>

/*
 * The session (mg-cti-session.c) sees one kind of link: bytes come in
 * ("received", with whether they came as binary), frames go out
 * (mg_cti_link_send), and the link ends once ("closed").
 *
 * A raw TLS link is always binary: its bytes are the ECMA-323 TCP stream
 * and the session re-frames them on the 8-byte header, as for csta-xml-tcp.
 * Writes are queued and go out one at a time, in order; a reader that
 * lets more than MG_CTI_LINK_MAX_QUEUED pile up is dropped.
 *
 * libsoup keeps a WebSocket's outgoing queue to itself (3.2 has no
 * "buffered amount"), so there a stalled reader is seen in the kernel: a
 * socket whose send queue stays over STALL_BYTES for STALL_CHECKS checks in
 * a row (the application has not read for that long) is dropped, before
 * libsoup's queue grows without bound. The session waits for a resume.
 */

#define READ_CHUNK 65536
#define KEEPALIVE_S 20
#define STALL_CHECK_S 5
#define STALL_CHECKS 3
#define STALL_BYTES (256 * 1024)

struct _MgCtiLink
{
  GObject parent_instance;

  SoupWebsocketConnection *websocket;
  GIOStream *stream;
  GCancellable *cancellable;
  GQueue writes; /* GBytes, the head being written */
  gsize queued; /* bytes in writes */
  gboolean closing;
  gboolean stream_closing;
  gboolean closed;
  gint64 next_stall_check; /* monotonic µs; 0: not watched */
  guint stalled; /* checks in a row with a full send queue */
};

enum {
  SIGNAL_RECEIVED,
  SIGNAL_CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MgCtiLink, mg_cti_link, G_TYPE_OBJECT)

static void
emit_closed (MgCtiLink *self)
{
  if (self->closed)
    return;
  self->closed = self->closing = TRUE;
  g_signal_emit (self, signals[SIGNAL_CLOSED], 0);
}

static void
mg_cti_link_dispose (GObject *object)
{
  MgCtiLink *self = MG_CTI_LINK (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->websocket != NULL)
    g_signal_handlers_disconnect_by_data (self->websocket, self);
  g_clear_object (&self->websocket);
  g_queue_clear_full (&self->writes, (GDestroyNotify) g_bytes_unref);
  if (self->stream != NULL && !g_io_stream_is_closed (self->stream))
    g_io_stream_close_async (self->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  g_clear_object (&self->stream);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (mg_cti_link_parent_class)->dispose (object);
}

static void
mg_cti_link_class_init (MgCtiLinkClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = mg_cti_link_dispose;

  signals[SIGNAL_RECEIVED] =
    g_signal_new ("received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_BYTES, G_TYPE_BOOLEAN);
  signals[SIGNAL_CLOSED] = g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                         NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
mg_cti_link_init (MgCtiLink *self)
{
  g_queue_init (&self->writes);
}

/* -- WebSocket ------------------------------------------------------------ */

static void
on_websocket_message (SoupWebsocketConnection *connection, SoupWebsocketDataType type,
                      GBytes *message, MgCtiLink *self)
{
  g_signal_emit (self, signals[SIGNAL_RECEIVED], 0, message, type == SOUP_WEBSOCKET_DATA_BINARY);
}

static void
on_websocket_closed (SoupWebsocketConnection *connection, MgCtiLink *self)
{
  g_autoptr (MgCtiLink) alive = g_object_ref (self);

  self->next_stall_check = 0;
  emit_closed (self);
}

/* The TCP connection under @stream: libsoup's SoupIOStream holds the TLS
 * connection ("base-iostream"), which holds it ("base-io-stream"). */
static GSocketConnection *
socket_connection_of (GIOStream *stream)
{
  g_autoptr (GIOStream) current = g_object_ref (stream);

  for (guint depth = 0; depth < 4 && !G_IS_SOCKET_CONNECTION (current); depth++)
    {
      GObjectClass *klass = G_OBJECT_GET_CLASS (current);
      const char *name = g_object_class_find_property (klass, "base-iostream")    ? "base-iostream"
                         : g_object_class_find_property (klass, "base-io-stream") ? "base-io-stream"
                                                                                  : NULL;
      GIOStream *base = NULL;

      if (name == NULL)
        return NULL;
      g_object_get (current, name, &base, NULL);
      g_object_unref (current);
      current = base;
      if (current == NULL)
        return NULL;
    }
  return G_IS_SOCKET_CONNECTION (current) ? G_SOCKET_CONNECTION (g_steal_pointer (&current)) : NULL;
}

/* Bytes the kernel holds for the peer on the WebSocket's TCP socket (-1:
 * unknown). */
static int
unsent_bytes (MgCtiLink *self)
{
  g_autoptr (GSocketConnection) tcp =
    socket_connection_of (soup_websocket_connection_get_io_stream (self->websocket));
  int pending = -1;

  if (tcp == NULL
      || ioctl (g_socket_get_fd (g_socket_connection_get_socket (tcp)), TIOCOUTQ, &pending) != 0)
    return -1;
  return pending;
}

static void
shut_down (MgCtiLink *self)
{
  g_autoptr (GSocketConnection) tcp =
    socket_connection_of (soup_websocket_connection_get_io_stream (self->websocket));
  g_autoptr (GError) error = NULL;

  if (tcp != NULL && !g_socket_shutdown (g_socket_connection_get_socket (tcp), TRUE, TRUE, &error))
    g_info ("CTI link: %s", error->message);
}

static void
check_stall (MgCtiLink *self)
{
  int pending = unsent_bytes (self);

  self->stalled = pending >= STALL_BYTES ? self->stalled + 1 : 0;
  if (self->stalled < STALL_CHECKS)
    return;
  self->next_stall_check = 0;
  g_info ("CTI link: the application has not read for %d s (%d bytes waiting), dropped",
          STALL_CHECK_S * STALL_CHECKS, pending);
  /* a close frame would wait behind what is queued: shut the TCP
   * connection down (libsoup's reads end, it reports the connection closed) */
  self->closing = TRUE;
  shut_down (self);
}

/*
 * mg_cti_link_tick:
 * @now: g_get_monotonic_time()
 *
 * The link's periodic work (a WebSocket's stall check), from the CTI
 * server's one timer for all connections: a few hundred sessions would
 * otherwise each add timers that every main loop iteration walks.
 */
void
mg_cti_link_tick (MgCtiLink *self, gint64 now)
{
  if (self->next_stall_check == 0 || now < self->next_stall_check || self->closing)
    return;
  self->next_stall_check = now + STALL_CHECK_S * G_USEC_PER_SEC;
  check_stall (self);
}

/* @max_message: the largest message the session takes; libsoup's own cap
 * is twice that (over it libsoup drops the connection without a close
 * frame, so the session checks first and closes with 1009) */
MgCtiLink *
mg_cti_link_new_websocket (SoupWebsocketConnection *connection, gsize max_message)
{
  MgCtiLink *self = g_object_new (MG_TYPE_CTI_LINK, NULL);

  self->websocket = g_object_ref (connection);
  soup_websocket_connection_set_max_incoming_payload_size (connection, 2 * max_message);
  soup_websocket_connection_set_keepalive_interval (connection, KEEPALIVE_S);
  g_signal_connect (connection, "message", G_CALLBACK (on_websocket_message), self);
  g_signal_connect (connection, "closed", G_CALLBACK (on_websocket_closed), self);
  self->next_stall_check = g_get_monotonic_time () + STALL_CHECK_S * G_USEC_PER_SEC;
  return self;
}

/* -- raw TLS stream ------------------------------------------------------- */

static void read_next (MgCtiLink *self);

static void
on_read (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (MgCtiLink) self = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) bytes =
    g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), result, &error);

  if (self->closed)
    return;
  if (bytes == NULL || g_bytes_get_size (bytes) == 0)
    {
      if (error != NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_info ("CTI link: %s", error->message);
      mg_cti_link_close (self, 0, "end of stream");
      return;
    }
  g_signal_emit (self, signals[SIGNAL_RECEIVED], 0, bytes, TRUE);
  if (!self->closing)
    read_next (self);
}

static void
read_next (MgCtiLink *self)
{
  g_input_stream_read_bytes_async (g_io_stream_get_input_stream (self->stream), READ_CHUNK,
                                   G_PRIORITY_DEFAULT, self->cancellable, on_read,
                                   g_object_ref (self));
}

MgCtiLink *
mg_cti_link_new_stream (GIOStream *stream)
{
  MgCtiLink *self = g_object_new (MG_TYPE_CTI_LINK, NULL);

  self->stream = g_object_ref (stream);
  self->cancellable = g_cancellable_new ();
  read_next (self);
  return self;
}

static void
on_stream_closed (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (MgCtiLink) self = data;

  g_io_stream_close_finish (G_IO_STREAM (source), result, NULL);
  emit_closed (self);
}

static void
close_stream (MgCtiLink *self)
{
  if (self->stream_closing)
    return;
  self->stream_closing = TRUE;
  g_cancellable_cancel (self->cancellable);
  g_io_stream_close_async (self->stream, G_PRIORITY_DEFAULT, NULL, on_stream_closed,
                           g_object_ref (self));
}

static void write_next (MgCtiLink *self);

static void
on_written (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr (MgCtiLink) self = data;
  g_autoptr (GError) error = NULL;
  GBytes *done;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_info ("CTI link: %s", error->message);
      if (!self->closed)
        close_stream (self);
      return;
    }
  done = g_queue_pop_head (&self->writes);
  self->queued -= g_bytes_get_size (done);
  g_bytes_unref (done);
  if (!g_queue_is_empty (&self->writes))
    write_next (self);
  else if (self->closing && !self->closed)
    close_stream (self); /* what was queued before the close went out */
}

static void
write_next (MgCtiLink *self)
{
  GBytes *head = g_queue_peek_head (&self->writes);

  g_output_stream_write_all_async (g_io_stream_get_output_stream (self->stream),
                                   g_bytes_get_data (head, NULL), g_bytes_get_size (head),
                                   G_PRIORITY_DEFAULT, self->cancellable, on_written,
                                   g_object_ref (self));
}

/* -- both ------------------------------------------------------------------ */

gboolean
mg_cti_link_is_binary (MgCtiLink *self)
{
  return self->stream != NULL
         || g_strcmp0 (soup_websocket_connection_get_protocol (self->websocket), "csta-xml-tcp")
              == 0;
}

gboolean
mg_cti_link_is_open (MgCtiLink *self)
{
  if (self->closing)
    return FALSE;
  return self->stream != NULL
         || soup_websocket_connection_get_state (self->websocket) == SOUP_WEBSOCKET_STATE_OPEN;
}

/* "csta-xml", "csta-xml-tcp", or "tls" for the raw listener */
const char *
mg_cti_link_get_subprotocol (MgCtiLink *self)
{
  if (self->stream != NULL)
    return "tls";
  return mg_cti_link_is_binary (self) ? "csta-xml-tcp" : "csta-xml";
}

/* @frame: a text frame (csta-xml) or 8-byte-framed bytes */
void
mg_cti_link_send (MgCtiLink *self, GBytes *frame)
{
  if (!mg_cti_link_is_open (self))
    return;
  if (self->websocket != NULL)
    {
      if (mg_cti_link_is_binary (self))
        soup_websocket_connection_send_message (self->websocket, SOUP_WEBSOCKET_DATA_BINARY, frame);
      else
        soup_websocket_connection_send_message (self->websocket, SOUP_WEBSOCKET_DATA_TEXT, frame);
      return;
    }
  if (self->queued + g_bytes_get_size (frame) > MG_CTI_LINK_MAX_QUEUED)
    {
      g_info ("CTI link: the application reads too slowly (%" G_GSIZE_FORMAT " bytes waiting)",
              self->queued);
      self->closing = TRUE;
      close_stream (self);
      return;
    }
  g_queue_push_tail (&self->writes, g_bytes_ref (frame));
  self->queued += g_bytes_get_size (frame);
  if (g_queue_get_length (&self->writes) == 1)
    write_next (self);
}

/* @code: the WebSocket close code (a raw stream just ends, after what was
 * queued) */
void
mg_cti_link_close (MgCtiLink *self, gushort code, const char *reason)
{
  if (self->closing)
    return;
  self->closing = TRUE;
  if (self->websocket != NULL)
    {
      if (soup_websocket_connection_get_state (self->websocket) == SOUP_WEBSOCKET_STATE_OPEN)
        soup_websocket_connection_close (self->websocket, code, reason);
      return;
    }
  if (g_queue_is_empty (&self->writes))
    close_stream (self);
}
