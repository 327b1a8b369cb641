/* mg-http-listener.c: one HTTPS listener with our own connection limits
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-http"

#include "mg-build-config.h"

#include "mg-http-listener.h"

/**
 * MgHttpListener:
 *
 * An HTTPS listener in front of a `SoupServer`.
 *
 * libsoup 3.2 has no per-source connection limit, idle timeout or body size
 * cap, so the listener accepts TCP connections itself (`GSocketService`),
 * refuses a source over its limit, makes the TLS handshake with the current
 * certificate (which can be replaced at run time) and only then hands the
 * stream to the `SoupServer` with `soup_server_accept_iostream()`. Idle
 * connections time out through the socket timeout; request bodies above the
 * limit get 413 before they are read.
 */

struct _MgHttpListener
{
  GObject parent_instance;

  char *name;
  GSocketService *service;
  SoupServer *server;
  GTlsCertificate *certificate;
  GHashTable *per_source; /* address string -> count */
  guint connections;
  guint port;
  guint max_per_source;
  guint idle_timeout;
  guint max_body_size;
  /* a listener for something else than HTTP over TLS: its streams */
  MgStreamHandler stream_handler;
  gpointer stream_handler_data;
};

typedef struct
{
  MgHttpListener *listener; /* weak: cleared when the listener goes */
  GSocketConnection *tcp;
  GTlsConnection *tls;
  char *source;
  GCancellable *cancellable;
  guint timeout_id;
} Handshake;

G_DEFINE_FINAL_TYPE (MgHttpListener, mg_http_listener, G_TYPE_OBJECT)

static void
release_source (MgHttpListener *self, const char *source)
{
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_source, source));

  if (count <= 1)
    g_hash_table_remove (self->per_source, source);
  else
    g_hash_table_insert (self->per_source, g_strdup (source), GUINT_TO_POINTER (count - 1));
  self->connections--;
}

typedef struct
{
  GWeakRef listener;
  char *source;
} Tracked;

/* The SoupServer holds the stream as long as the connection lives; when it
 * lets go, the source's slot is free again. */
static void
on_stream_finalized (gpointer data, GObject *where_the_object_was)
{
  Tracked *tracked = data;
  g_autoptr (MgHttpListener) self = g_weak_ref_get (&tracked->listener);

  if (self != NULL)
    release_source (self, tracked->source);
  g_weak_ref_clear (&tracked->listener);
  g_free (tracked->source);
  g_free (tracked);
}

static void
handshake_free (Handshake *hs)
{
  g_clear_handle_id (&hs->timeout_id, g_source_remove);
  g_clear_object (&hs->cancellable);
  g_clear_object (&hs->tls);
  g_clear_object (&hs->tcp);
  if (hs->listener != NULL)
    g_object_remove_weak_pointer (G_OBJECT (hs->listener), (gpointer *) &hs->listener);
  g_free (hs->source);
  g_free (hs);
}

static gboolean
on_handshake_timeout (gpointer data)
{
  Handshake *hs = data;

  hs->timeout_id = 0;
  g_cancellable_cancel (hs->cancellable);
  return G_SOURCE_REMOVE;
}

static void
on_handshake_done (GObject *source, GAsyncResult *result, gpointer data)
{
  Handshake *hs = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocketAddress) local = NULL;
  g_autoptr (GSocketAddress) remote = NULL;

  if (!g_tls_connection_handshake_finish (hs->tls, result, &error) || hs->listener == NULL)
    {
      g_debug ("TLS handshake from %s failed: %s", hs->source,
               error ? error->message : "listener stopped");
      handshake_free (hs);
      return;
    }

  local = g_socket_connection_get_local_address (hs->tcp, NULL);
  remote = g_socket_connection_get_remote_address (hs->tcp, NULL);
  if (hs->listener->stream_handler != NULL)
    {
      /* the protocol on top keeps its own time (e.g. a CTI session timer) */
      g_socket_set_timeout (g_socket_connection_get_socket (hs->tcp), 0);
      hs->listener->stream_handler (hs->listener, G_IO_STREAM (hs->tls), remote,
                                    hs->listener->stream_handler_data);
      handshake_free (hs);
      return;
    }
  if (!soup_server_accept_iostream (hs->listener->server, G_IO_STREAM (hs->tls), local, remote,
                                    &error))
    g_debug ("cannot serve connection from %s: %s", hs->source, error->message);
  handshake_free (hs);
}

static gboolean
take_source_slot (MgHttpListener *self, const char *source)
{
  guint count = GPOINTER_TO_UINT (g_hash_table_lookup (self->per_source, source));

  if (count >= self->max_per_source)
    return FALSE;
  g_hash_table_insert (self->per_source, g_strdup (source), GUINT_TO_POINTER (count + 1));
  self->connections++;
  return TRUE;
}

static char *
describe_source (GSocketConnection *connection)
{
  g_autoptr (GSocketAddress) remote = g_socket_connection_get_remote_address (connection, NULL);

  if (G_IS_INET_SOCKET_ADDRESS (remote))
    return g_inet_address_to_string (
      g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));
  return g_strdup ("unknown");
}

/* A TLS server connection without a certificate database: we do not ask
 * clients for certificates, and the default database (the system's trust
 * list) costs about 3.7 MB per connection in glib-networking 2.74, which
 * builds a GnuTLS trust list from it for every connection. */
static GTlsConnection *
new_server_connection (GIOStream *base, GTlsCertificate *certificate, GError **error)
{
  GTlsBackend *backend = g_tls_backend_get_default ();

  return g_initable_new (g_tls_backend_get_server_connection_type (backend), NULL, error,
                         "base-io-stream", base, "certificate", certificate, "database", NULL,
                         NULL);
}

static gboolean
on_incoming (GSocketService *service, GSocketConnection *connection, GObject *source_object,
             gpointer user_data)
{
  MgHttpListener *self = user_data;
  g_autofree char *source = describe_source (connection);
  g_autoptr (GError) error = NULL;
  Handshake *hs;
  Tracked *tracked;

  if (!take_source_slot (self, source))
    {
      g_info ("%s listener: refusing connection from %s: %u connections already", self->name,
              source, self->max_per_source);
      g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
      return TRUE;
    }

  g_socket_set_timeout (g_socket_connection_get_socket (connection), self->idle_timeout);

  hs = g_new0 (Handshake, 1);
  hs->tcp = g_object_ref (connection);
  hs->source = g_strdup (source);
  hs->tls = new_server_connection (G_IO_STREAM (connection), self->certificate, &error);
  if (hs->tls == NULL)
    {
      g_warning ("%s listener: cannot start TLS: %s", self->name, error->message);
      release_source (self, source);
      handshake_free (hs);
      return TRUE;
    }

  tracked = g_new0 (Tracked, 1);
  g_weak_ref_init (&tracked->listener, self);
  tracked->source = g_strdup (source);
  g_object_weak_ref (G_OBJECT (hs->tls), on_stream_finalized, tracked);

  hs->listener = self;
  g_object_add_weak_pointer (G_OBJECT (self), (gpointer *) &hs->listener);
  hs->cancellable = g_cancellable_new ();
  hs->timeout_id = g_timeout_add_seconds (self->idle_timeout, on_handshake_timeout, hs);
  g_tls_connection_handshake_async (hs->tls, G_PRIORITY_DEFAULT, hs->cancellable,
                                    on_handshake_done, hs);
  return TRUE;
}

/* Refuse what we would not read: bodies over the cap, and bodies of unknown
 * length (chunked), before libsoup buffers them. */
static void
on_early_request (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
                  gpointer user_data)
{
  MgHttpListener *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupEncoding encoding = soup_message_headers_get_encoding (headers);
  static const char too_large[] =
    "{\"error\":{\"code\":\"payload_too_large\",\"message\":\"request body too large\"}}";
  static const char need_length[] =
    "{\"error\":{\"code\":\"length_required\",\"message\":\"send a Content-Length\"}}";

  if (encoding == SOUP_ENCODING_CONTENT_LENGTH
      && soup_message_headers_get_content_length (headers) > self->max_body_size)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, too_large,
                                        sizeof too_large - 1);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection",
                                    "close");
    }
  else if (encoding == SOUP_ENCODING_CHUNKED || encoding == SOUP_ENCODING_EOF)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_LENGTH_REQUIRED, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, need_length,
                                        sizeof need_length - 1);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection",
                                    "close");
    }
}

static void
on_unknown_path (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
                 gpointer user_data)
{
  static const char not_found[] =
    "{\"error\":{\"code\":\"not_found\",\"message\":\"no such resource\"}}";

  soup_server_message_set_status (msg, SOUP_STATUS_NOT_FOUND, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, not_found,
                                    sizeof not_found - 1);
}

static void
mg_http_listener_dispose (GObject *object)
{
  MgHttpListener *self = MG_HTTP_LISTENER (object);

  mg_http_listener_stop (self);
  g_clear_object (&self->service);
  g_clear_object (&self->server);
  g_clear_object (&self->certificate);

  G_OBJECT_CLASS (mg_http_listener_parent_class)->dispose (object);
}

static void
mg_http_listener_finalize (GObject *object)
{
  MgHttpListener *self = MG_HTTP_LISTENER (object);

  g_hash_table_unref (self->per_source);
  g_free (self->name);

  G_OBJECT_CLASS (mg_http_listener_parent_class)->finalize (object);
}

static void
mg_http_listener_class_init (MgHttpListenerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mg_http_listener_dispose;
  object_class->finalize = mg_http_listener_finalize;
}

static void
mg_http_listener_init (MgHttpListener *self)
{
  self->per_source = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->max_per_source = 64;
  self->idle_timeout = 60;
  self->max_body_size = 4 * 1024 * 1024;
  self->server = soup_server_new ("server-header", "mediagate", NULL);
  mg_http_listener_add_handler (self, NULL, on_unknown_path, NULL, NULL);
}

/**
 * mg_http_listener_new:
 * @name: what to call the listener in logs ("client", "admin")
 * @certificate: the server certificate with its private key
 *
 * Returns: (transfer full): a listener, not yet bound
 */
MgHttpListener *
mg_http_listener_new (const char *name, GTlsCertificate *certificate)
{
  MgHttpListener *self;

  g_return_val_if_fail (name != NULL, NULL);
  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  self = g_object_new (MG_TYPE_HTTP_LISTENER, NULL);
  self->name = g_strdup (name);
  self->certificate = g_object_ref (certificate);
  return self;
}

/**
 * mg_http_listener_set_limits:
 * @self: a listener
 * @max_connections_per_source: connections one source address may hold
 * @idle_timeout: seconds of silence after which a connection is closed
 * @max_body_size: largest request body accepted, in bytes
 *
 * Sets the listener's limits; they apply to connections accepted afterwards.
 */
void
mg_http_listener_set_limits (MgHttpListener *self, guint max_connections_per_source,
                             guint idle_timeout, guint max_body_size)
{
  g_return_if_fail (MG_IS_HTTP_LISTENER (self));

  self->max_per_source = MAX (max_connections_per_source, 1);
  self->idle_timeout = MAX (idle_timeout, 1);
  self->max_body_size = max_body_size;
}

/**
 * mg_http_listener_listen:
 * @self: a listener
 * @address: an IP address to bind
 * @port: a TCP port, or 0 for any free one ([method@Mg.HttpListener.get_port] tells)
 * @error: return location for a #GError
 *
 * Binds and starts accepting connections on the thread-default main context.
 *
 * Returns: whether the listener is bound
 */
gboolean
mg_http_listener_listen (MgHttpListener *self, const char *address, guint port, GError **error)
{
  g_autoptr (GInetAddress) inet = NULL;
  g_autoptr (GSocketAddress) sockaddr = NULL;
  g_autoptr (GSocketAddress) effective = NULL;

  g_return_val_if_fail (MG_IS_HTTP_LISTENER (self), FALSE);
  g_return_val_if_fail (self->service == NULL, FALSE);

  inet = g_inet_address_new_from_string (address);
  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "%s listener: bad address %s",
                   self->name, address);
      return FALSE;
    }
  sockaddr = g_inet_socket_address_new (inet, port);
  self->service = g_socket_service_new ();
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), sockaddr,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                      &effective, error))
    {
      g_prefix_error (error, "%s listener on %s:%u: ", self->name, address, port);
      g_clear_object (&self->service);
      return FALSE;
    }
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_signal_connect (self->service, "incoming", G_CALLBACK (on_incoming), self);
  g_socket_service_start (self->service);
  g_info ("%s listener on https://%s:%u/", self->name, address, self->port);
  return TRUE;
}

/**
 * mg_http_listener_stop:
 * @self: a listener
 *
 * Stops accepting connections and closes the listening socket.
 */
void
mg_http_listener_stop (MgHttpListener *self)
{
  g_return_if_fail (MG_IS_HTTP_LISTENER (self));

  if (self->service == NULL)
    return;
  g_socket_service_stop (self->service);
  g_socket_listener_close (G_SOCKET_LISTENER (self->service));
  g_signal_handlers_disconnect_by_data (self->service, self);
}

/**
 * mg_http_listener_get_port:
 * @self: a listener
 *
 * Returns: the bound TCP port, or 0 before [method@Mg.HttpListener.listen]
 */
guint
mg_http_listener_get_port (MgHttpListener *self)
{
  g_return_val_if_fail (MG_IS_HTTP_LISTENER (self), 0);
  return self->port;
}

/**
 * mg_http_listener_get_name:
 * @self: a listener
 *
 * Returns: the listener's name
 */
const char *
mg_http_listener_get_name (MgHttpListener *self)
{
  g_return_val_if_fail (MG_IS_HTTP_LISTENER (self), NULL);
  return self->name;
}

/**
 * mg_http_listener_get_soup_server:
 * @self: a listener
 *
 * Returns: (transfer none): the server to add handlers to
 */
SoupServer *
mg_http_listener_get_soup_server (MgHttpListener *self)
{
  g_return_val_if_fail (MG_IS_HTTP_LISTENER (self), NULL);
  return self->server;
}

/**
 * mg_http_listener_set_certificate:
 * @self: a listener
 * @certificate: the new server certificate with its private key
 *
 * Replaces the certificate; new connections use it, open ones keep theirs.
 */
void
mg_http_listener_set_certificate (MgHttpListener *self, GTlsCertificate *certificate)
{
  g_return_if_fail (MG_IS_HTTP_LISTENER (self));
  g_return_if_fail (G_IS_TLS_CERTIFICATE (certificate));

  g_set_object (&self->certificate, certificate);
}

/**
 * mg_http_listener_add_handler:
 * @self: a listener
 * @path: (nullable): the path prefix to serve, or %NULL for every path no other handler takes
 * @callback: (scope notified) (closure user_data): the handler
 * @user_data: data for @callback
 * @destroy: (nullable): frees @user_data when the handler goes
 *
 * Serves @path with @callback, behind the listener's limits: libsoup looks
 * up one handler per path, so the body size check is installed as the early
 * handler of the same path.
 */
void
mg_http_listener_add_handler (MgHttpListener *self, const char *path, SoupServerCallback callback,
                              gpointer user_data, GDestroyNotify destroy)
{
  g_return_if_fail (MG_IS_HTTP_LISTENER (self));

  soup_server_add_early_handler (self->server, path, on_early_request, self, NULL);
  soup_server_add_handler (self->server, path, callback, user_data, destroy);
}

/**
 * mg_http_listener_get_connection_count:
 * @self: a listener
 *
 * Returns: how many connections are open (including handshakes)
 */
/**
 * mg_http_listener_set_stream_handler: (skip)
 * @self: a listener
 * @handler: what takes each connection once its TLS handshake is done
 * @user_data: for @handler
 *
 * Makes @self a listener for another protocol over TLS (e.g. raw CSTA):
 * its connections go to @handler instead of HTTP. The per-source limit
 * and the handshake timeout still apply; the idle timeout does not.
 */
void
mg_http_listener_set_stream_handler (MgHttpListener *self, MgStreamHandler handler,
                                     gpointer user_data)
{
  g_return_if_fail (MG_IS_HTTP_LISTENER (self));

  self->stream_handler = handler;
  self->stream_handler_data = user_data;
}

guint
mg_http_listener_get_connection_count (MgHttpListener *self)
{
  g_return_val_if_fail (MG_IS_HTTP_LISTENER (self), 0);
  return self->connections;
}
