/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(MG_INSIDE) && !defined(MG_COMPILATION)
#error "Only <mediagate.h> can be included directly."
#endif

#include <gio/gio.h>
#include <gst/gst.h>

G_BEGIN_DECLS

/**
 * MG_WEBRTC_ERROR:
 *
 * The error domain of the WebRTC leg.
 */
#define MG_WEBRTC_ERROR (mg_webrtc_error_quark ())
GQuark mg_webrtc_error_quark (void);

/**
 * MgWebrtcError:
 * @MG_WEBRTC_ERROR_FAILED: webrtcbin refused the operation
 * @MG_WEBRTC_ERROR_INVALID: an argument is not valid (codec name, ICE server, candidate)
 * @MG_WEBRTC_ERROR_INVALID_SDP: the SDP text does not parse or lacks ICE/DTLS attributes
 * @MG_WEBRTC_ERROR_NO_AUDIO: the SDP has no usable audio m-line
 * @MG_WEBRTC_ERROR_NO_COMMON_CODEC: the answer accepts none of the offered codecs
 * @MG_WEBRTC_ERROR_INVALID_STATE: not possible now (e.g. an answer before our offer)
 *
 * Errors of #MgWebrtcLeg.
 */
typedef enum {
  MG_WEBRTC_ERROR_FAILED,
  MG_WEBRTC_ERROR_INVALID,
  MG_WEBRTC_ERROR_INVALID_SDP,
  MG_WEBRTC_ERROR_NO_AUDIO,
  MG_WEBRTC_ERROR_NO_COMMON_CODEC,
  MG_WEBRTC_ERROR_INVALID_STATE,
} MgWebrtcError;

/**
 * MgWebrtcLegState:
 * @MG_WEBRTC_LEG_STATE_NEW: nothing negotiated yet
 * @MG_WEBRTC_LEG_STATE_OFFERED: our offer is the local description
 * @MG_WEBRTC_LEG_STATE_CONNECTING: the answer is set; ICE and DTLS are under way
 * @MG_WEBRTC_LEG_STATE_CONNECTED: ICE and DTLS are up: media can flow
 * @MG_WEBRTC_LEG_STATE_FAILED: ICE or DTLS failed, or no RTP arrived for the
 *   inactivity timeout (see #MgWebrtcLeg::media-failed); final
 *
 * Where one WebRTC leg stands.
 */
typedef enum {
  MG_WEBRTC_LEG_STATE_NEW,
  MG_WEBRTC_LEG_STATE_OFFERED,
  MG_WEBRTC_LEG_STATE_CONNECTING,
  MG_WEBRTC_LEG_STATE_CONNECTED,
  MG_WEBRTC_LEG_STATE_FAILED,
} MgWebrtcLegState;

#define MG_TYPE_WEBRTC_LEG (mg_webrtc_leg_get_type ())
G_DECLARE_FINAL_TYPE (MgWebrtcLeg, mg_webrtc_leg, MG, WEBRTC_LEG, GObject)

MgWebrtcLeg     *mg_webrtc_leg_new                  (GstBin             *bin,
                                                     const char         *name,
                                                     const char *const  *codecs,
                                                     GError            **error);
gboolean         mg_webrtc_leg_add_ice_server       (MgWebrtcLeg        *self,
                                                     const char         *url,
                                                     const char         *username,
                                                     const char         *credential,
                                                     GError            **error);
void             mg_webrtc_leg_create_offer_async   (MgWebrtcLeg        *self,
                                                     GCancellable       *cancellable,
                                                     GAsyncReadyCallback callback,
                                                     gpointer            user_data);
char            *mg_webrtc_leg_create_offer_finish  (MgWebrtcLeg        *self,
                                                     GAsyncResult       *result,
                                                     GError            **error);
gboolean         mg_webrtc_leg_set_remote_answer    (MgWebrtcLeg        *self,
                                                     const char         *sdp,
                                                     GError            **error);
gboolean         mg_webrtc_leg_add_remote_candidate (MgWebrtcLeg        *self,
                                                     guint               mline,
                                                     const char         *mid,
                                                     const char         *candidate,
                                                     GError            **error);
GstPad          *mg_webrtc_leg_get_sink_pad         (MgWebrtcLeg        *self);
GstElement      *mg_webrtc_leg_get_webrtcbin        (MgWebrtcLeg        *self);
MgWebrtcLegState mg_webrtc_leg_get_state            (MgWebrtcLeg        *self);
const char      *mg_webrtc_leg_get_mid              (MgWebrtcLeg        *self);
const char      *mg_webrtc_leg_get_encoding_name    (MgWebrtcLeg        *self);
int              mg_webrtc_leg_get_payload_type     (MgWebrtcLeg        *self);
int              mg_webrtc_leg_get_clock_rate       (MgWebrtcLeg        *self);
int              mg_webrtc_leg_get_telephone_event_pt (MgWebrtcLeg      *self);
guint            mg_webrtc_leg_get_inactivity_timeout (MgWebrtcLeg      *self);
void             mg_webrtc_leg_set_inactivity_timeout (MgWebrtcLeg      *self,
                                                       guint             timeout_ms);
guint64          mg_webrtc_leg_get_rtp_received     (MgWebrtcLeg        *self);

G_END_DECLS
