/* mg-call-internal.h: the call's state, shared by mg-call.c (legs,
 * hold, joining) and mg-call-bridge.c (the shapes between the legs)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "mg-call-private.h"
#include "mg-dtmf-injector-private.h"
#include "mg-pipeline-template.h"

G_BEGIN_DECLS

#define TRANSCODE_LATENCY_MS 40
#define OPUS_COMPLEXITY 3
#define OPUS_BITRATE 24000

struct _MgCall
{
  GObject parent_instance;

  char *id;
  MgConfig *config;
  GstPipeline *pipeline;
  guint bus_watch;
  MgCallState state;
  gint64 created_at;
  gint64 connected_at;
  char *shape;
  gboolean bridged;
  gboolean held;
  MgCallLeg legs[2];
  /* the shapes the webrtc src pads link into, once bridged */
  GstPad *audio_sink[2];
  GstPad *dtmf_sink[2];
  /* per leg: the shape carrying what it sends (to the other leg, or
   * across a join), its DTMF shape, and a SIP leg's socket shapes */
  GstBin *path[2];
  GstBin *dtmf_path[2];
  GstBin *sip_recv[2];
  GstBin *sip_send[2];
  gulong hold_probes[2];
  /* digits played into the SIP stream as RFC 4733 (the peer has
   * telephone-event at the audio's clock rate): a transcoded phone's keys,
   * the phone's `dtmf` requests, digits from across a transfer or a
   * conference */
  MgDtmfInjector *dtmf_injector;
  gboolean detect_dtmf[2];  /* the leg's events are decoded here, not relayed */
};

/* mg-call.c */
void    mg_call_leg_clear     (MgCallLeg *leg);
void    mg_call_take_out_webrtcbin (MgCall *self,
                                    guint   index);
void    mg_call_link_or_log   (MgCall *self,
                               GstPad *src,
                               GstPad *sink);
GstPadProbeReturn mg_call_drop_unlinked (GstPad          *pad,
                                         GstPadProbeInfo *info,
                                         gpointer         data);

/* mg-call-bridge.c */
GstPad *mg_call_ghost         (GstBin     *bin,
                               const char *name);

G_END_DECLS
