/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(MG_INSIDE) && !defined(MG_COMPILATION)
#error "Only <mediagate.h> can be included directly."
#endif

#include <gst/gst.h>

G_BEGIN_DECLS

/**
 * MG_MEDIA_ERROR:
 *
 * Error domain of the call's media (sockets, pipelines).
 */
#define MG_MEDIA_ERROR (mg_media_error_quark ())
GQuark mg_media_error_quark (void);

/**
 * MgMediaError:
 * @MG_MEDIA_ERROR_NO_PORT: no free port pair in the configured range
 * @MG_MEDIA_ERROR_INVALID: an address, port or bin is not usable
 *
 * Errors of [class@Mg.RtpEndpoint].
 */
typedef enum {
  MG_MEDIA_ERROR_NO_PORT,
  MG_MEDIA_ERROR_INVALID,
} MgMediaError;

#define MG_TYPE_RTP_ENDPOINT (mg_rtp_endpoint_get_type ())
G_DECLARE_FINAL_TYPE (MgRtpEndpoint, mg_rtp_endpoint, MG, RTP_ENDPOINT, GObject)

MgRtpEndpoint *mg_rtp_endpoint_new                    (const char *local_address,
                                                       guint       min_port,
                                                       guint       max_port,
                                                       GError    **error) G_GNUC_WARN_UNUSED_RESULT;
const char    *mg_rtp_endpoint_get_local_address      (MgRtpEndpoint *self);
guint          mg_rtp_endpoint_get_local_port         (MgRtpEndpoint *self);
guint          mg_rtp_endpoint_get_local_rtcp_port    (MgRtpEndpoint *self);
gboolean       mg_rtp_endpoint_set_remote             (MgRtpEndpoint *self,
                                                       const char    *address,
                                                       guint          port,
                                                       GError       **error);
gboolean       mg_rtp_endpoint_attach                 (MgRtpEndpoint *self,
                                                       GstBin        *bin,
                                                       GError       **error);
void           mg_rtp_endpoint_set_hold               (MgRtpEndpoint *self,
                                                       gboolean       hold);
gboolean       mg_rtp_endpoint_get_hold               (MgRtpEndpoint *self);
void           mg_rtp_endpoint_set_dtmf_payload_type  (MgRtpEndpoint *self,
                                                       int            payload_type,
                                                       gboolean       forward);
void           mg_rtp_endpoint_set_inactivity_timeout (MgRtpEndpoint *self,
                                                       guint          seconds);
guint64        mg_rtp_endpoint_get_packets_received   (MgRtpEndpoint *self);
guint64        mg_rtp_endpoint_get_bytes_received     (MgRtpEndpoint *self);
gint64         mg_rtp_endpoint_get_packets_lost       (MgRtpEndpoint *self);
double         mg_rtp_endpoint_get_jitter             (MgRtpEndpoint *self);
guint64        mg_rtp_endpoint_get_packets_sent       (MgRtpEndpoint *self);
guint64        mg_rtp_endpoint_get_bytes_sent         (MgRtpEndpoint *self);

void           mg_rtp_pad_map_payload_type            (GstPad *pad,
                                                       guint   from,
                                                       guint   to);

G_END_DECLS
