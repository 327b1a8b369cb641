/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "mg-call.h"
#include "mg-config.h"
#include "mg-phone-session.h"
#include "mg-rtp-endpoint.h"
#include "mg-sdes-private.h"
#include "mg-sip-dialog.h"
#include "mg-sip-sdp.h"
#include "mg-webrtc-leg.h"

G_BEGIN_DECLS

/* One side of a call: a browser phone (webrtc) or a SIP dialog. */
typedef struct
{
  char *number;
  char *display_name;
  /* a browser phone */
  MgPhoneSession *phone;
  MgWebrtcLeg *webrtc;
  gboolean answered;   /* the phone's SDP answer is applied */
  GstPad *audio_src;   /* webrtcbin's audio src pad, once it exists */
  GstPad *dtmf_src;    /* its telephone-event src pad */
  /* a SIP dialog */
  MgSipDialog *dialog;
  MgRtpEndpoint *rtp;
  MgSdes *sdes;        /* SDES-SRTP under the media policy */
  MgSdpCodec *sip_codec;
  int sip_dtmf_pt;
  guint64 sdp_version;
  gboolean muted;
  gboolean restricted; /* the SIP caller withheld its identity: CTI shows restricted */
} MgCallLeg;

MgCall     *mg_call_new            (const char *id,
                                    MgConfig   *config);
MgCallLeg  *mg_call_get_leg        (MgCall *self,
                                    guint   index);
int         mg_call_find_phone_leg (MgCall         *self,
                                    MgPhoneSession *phone);
void        mg_call_set_state      (MgCall      *self,
                                    MgCallState  state);
MgWebrtcLeg *mg_call_add_webrtc    (MgCall            *self,
                                    guint              index,
                                    const char *const *codecs,
                                    JsonArray         *ice_servers,
                                    GError           **error);
gboolean    mg_call_bridge         (MgCall  *self,
                                    GError **error);
gboolean    mg_call_is_bridged     (MgCall *self);
void        mg_call_set_hold       (MgCall  *self,
                                    gboolean hold);
void        mg_call_set_mute       (MgCall  *self,
                                    guint    index,
                                    gboolean muted);
gboolean    mg_call_send_dtmf      (MgCall     *self,
                                    const char *digits);
void        mg_call_stop           (MgCall *self);
const char *mg_call_leg_get_codec        (MgCallLeg *leg);
int         mg_call_leg_get_payload_type (MgCallLeg *leg);
/* joining calls (transfer, conference): mg-call-join.c */
GstBin     *mg_call_add_shape      (MgCall             *self,
                                    const char         *shape,
                                    guint               leg,
                                    const char *const  *names,
                                    const guint        *values,
                                    GError            **error);
GstPad     *mg_call_get_leg_src    (MgCall *self,
                                    guint   index);
GstPad     *mg_call_get_leg_sink   (MgCall *self,
                                    guint   index);
void        mg_call_set_path       (MgCall *self,
                                    guint   index,
                                    GstBin *path);
void        mg_call_set_shape      (MgCall     *self,
                                    const char *shape);
void        mg_call_unbridge       (MgCall *self);
void        mg_call_detach_leg     (MgCall *self,
                                    guint   index);
void        mg_call_remove_element (MgCall     *self,
                                    GstElement *element);
void        mg_call_unlink_quietly (GstPad *pad);
gboolean    mg_call_link_leg_src   (MgCall  *self,
                                    guint    index,
                                    GstPad  *sink,
                                    GError **error);
void        mg_call_unlink_leg_src (MgCall *self,
                                    guint   index);
gboolean    mg_call_link_pads      (GstPad  *src,
                                    GstPad  *sink,
                                    GError **error);
gboolean    mg_call_add_proxy_pair (MgCall      *from,
                                    MgCall      *to,
                                    GstElement **proxysink,
                                    GstElement **proxysrc,
                                    GError     **error);
gboolean    mg_call_join_media     (MgCall  *self,
                                    guint    index,
                                    MgCall  *peer,
                                    guint    peer_index,
                                    GError **error);
JsonObject *mg_call_describe       (MgCall *self);
char       *mg_call_dump_dot       (MgCall *self);

G_END_DECLS
