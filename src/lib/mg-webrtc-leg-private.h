/* mg-webrtc-leg-private.h: codec table, SDP checks and ICE server URIs of the
 * WebRTC leg (not public API; unit-tested directly)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gst/sdp/sdp.h>

#include "mg-webrtc-leg.h"

G_BEGIN_DECLS

/* One audio codec the leg can offer. The payload types are the ones browsers
 * use, so answers rarely remap them; telephone-event is always 8000 Hz. */
typedef struct
{
  const char *policy_name;   /* as in the "media" settings: "opus", "PCMU", … */
  const char *encoding_name; /* RTP caps encoding-name: "OPUS", "PCMU", … */
  int payload_type;
  int clock_rate;
  const char *encoding_params; /* channels in the rtpmap, or NULL */
} MgWebrtcCodec;

/* What an accepted answer negotiated. */
typedef struct
{
  const MgWebrtcCodec *codec;
  int payload_type;
  int telephone_event_pt; /* -1 when the answer has no telephone-event/8000 */
} MgWebrtcAnswerInfo;

/* What webrtcbin's threads may touch: a weak reference to the leg, its main
 * context and the RTP counter. Outlives the leg while callbacks hold it. */
typedef struct
{
  gatomicrefcount ref;
  GWeakRef leg;
  GMainContext *context;
  gsize rtp_buffers; /* atomic */
  /* the answer's payload types, for rtpbin's pt map (set before the answer
   * is applied, read on streaming threads) */
  GMutex pt_lock;
  GstCaps *audio_caps;
  int audio_pt;
  int telephone_event_pt;
} Shared;

struct _MgWebrtcLeg
{
  GObject parent_instance;

  Shared *shared;
  GstElement *webrtcbin;
  GstElement *hold;      /* valve: drops data until the offer is made */
  GstPad *sink_pad;      /* the valve's: what callers link to */
  GstPad *webrtc_sink;   /* webrtcbin's sink_%u */
  gulong query_probe;
  GPtrArray *codecs;
  GPtrArray *handlers; /* signal handler ids on webrtcbin */
  char *mid;
  MgWebrtcLegState state;
  gboolean offer_pending;
  GstPromise *pending; /* create-offer or set-local-description in flight */
  const MgWebrtcCodec *codec;
  int payload_type;
  int telephone_event_pt;
  guint inactivity_timeout;
  GSource *watch;
  gsize watch_count;
  gint64 watch_since;
  gboolean have_stun;
};

void mg_webrtc_leg_hop (GMainContext *context, GSourceFunc func, gpointer data,
                        GDestroyNotify destroy);
void mg_webrtc_leg_offered (MgWebrtcLeg *self);
void mg_webrtc_leg_interrupt (MgWebrtcLeg *self);
void mg_webrtc_leg_answered (MgWebrtcLeg *self, const MgWebrtcAnswerInfo *info);
void mg_webrtc_leg_map_payload_types (MgWebrtcLeg *self, const MgWebrtcAnswerInfo *info);

const MgWebrtcCodec *mg_webrtc_codec_lookup (const char *policy_name);
GPtrArray *mg_webrtc_codecs_from_policy (const char *const *codecs, GError **error);
GstCaps *mg_webrtc_codec_preferences (GPtrArray *codecs);
char *mg_webrtc_ice_server_uri (const char *url, const char *username, const char *credential,
                                gboolean *is_turn, GError **error);
GstSDPMessage *mg_webrtc_parse_answer (const char *text, GPtrArray *offered,
                                       MgWebrtcAnswerInfo *info, GError **error);
char *mg_webrtc_sdp_first_mid (const GstSDPMessage *sdp);

G_END_DECLS
