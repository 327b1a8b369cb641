/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(MG_INSIDE) && !defined(MG_COMPILATION)
#error "Only <mediagate.h> can be included directly."
#endif

#include <gio/gio.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define MG_TYPE_HTTP_LISTENER (mg_http_listener_get_type ())
G_DECLARE_FINAL_TYPE (MgHttpListener, mg_http_listener, MG, HTTP_LISTENER, GObject)

MgHttpListener  *mg_http_listener_new             (const char      *name,
                                                   GTlsCertificate *certificate) G_GNUC_WARN_UNUSED_RESULT;
gboolean         mg_http_listener_listen          (MgHttpListener *self,
                                                   const char     *address,
                                                   guint           port,
                                                   GError        **error);
void             mg_http_listener_stop            (MgHttpListener *self);
guint            mg_http_listener_get_port        (MgHttpListener *self);
const char      *mg_http_listener_get_name        (MgHttpListener *self);
SoupServer      *mg_http_listener_get_soup_server (MgHttpListener *self);
void             mg_http_listener_set_certificate (MgHttpListener  *self,
                                                   GTlsCertificate *certificate);
void             mg_http_listener_set_limits      (MgHttpListener *self,
                                                   guint           max_connections_per_source,
                                                   guint           idle_timeout,
                                                   guint           max_body_size);
void             mg_http_listener_add_handler     (MgHttpListener    *self,
                                                   const char        *path,
                                                   SoupServerCallback callback,
                                                   gpointer           user_data,
                                                   GDestroyNotify     destroy);
guint            mg_http_listener_get_connection_count (MgHttpListener *self);

/**
 * MgStreamHandler:
 * @listener: the listener
 * @stream: (transfer none): the TLS connection, handshake done
 * @remote: (transfer none): the peer's address
 * @user_data: the handler's data
 *
 * Takes a connection of a listener that does not serve HTTP; it keeps a
 * reference to @stream as long as it uses it.
 */
typedef void (*MgStreamHandler) (MgHttpListener *listener,
                                 GIOStream      *stream,
                                 GSocketAddress *remote,
                                 gpointer        user_data);

void             mg_http_listener_set_stream_handler (MgHttpListener *self,
                                                      MgStreamHandler handler,
                                                      gpointer        user_data);

G_END_DECLS
