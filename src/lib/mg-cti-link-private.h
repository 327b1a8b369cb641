/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

/* What carries one CTI application's messages: a WebSocket (subprotocol
 * csta-xml: text frames; csta-xml-tcp: the ECMA-323 TCP byte stream in
 * binary frames) or a raw TLS stream with the same 8-byte framing (the
 * optional listener for existing TCP CSTA tools). */
#define MG_TYPE_CTI_LINK (mg_cti_link_get_type ())
G_DECLARE_FINAL_TYPE (MgCtiLink, mg_cti_link, MG, CTI_LINK, GObject)

/* the most a raw TLS link keeps queued for a slow reader before it drops
 * the connection (the session waits for a resume) */
#define MG_CTI_LINK_MAX_QUEUED (1024 * 1024)

MgCtiLink  *mg_cti_link_new_websocket   (SoupWebsocketConnection *connection,
                                         gsize                    max_message);
MgCtiLink  *mg_cti_link_new_stream      (GIOStream *stream);
gboolean    mg_cti_link_is_binary       (MgCtiLink *self);
gboolean    mg_cti_link_is_open         (MgCtiLink *self);
const char *mg_cti_link_get_subprotocol (MgCtiLink *self);
void        mg_cti_link_send            (MgCtiLink *self,
                                         GBytes    *frame);
void        mg_cti_link_close           (MgCtiLink  *self,
                                         gushort     code,
                                         const char *reason);
void        mg_cti_link_tick            (MgCtiLink *self,
                                         gint64     now);

G_END_DECLS
