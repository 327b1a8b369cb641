/* mg-call.c: one call's pipeline, its legs and the bridge between them
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-media"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>

#include "mg-call-private.h"
#include "mg-dtmf-injector-private.h"
#include "mg-pipeline-template.h"
#include "mg-webrtc-leg-private.h"

/**
 * MgCall:
 *
 * One call: a small B2BUA of two legs (browser phones or SIP dialogs) and
 * one `GstPipeline` that bridges their media.
 *
 * The bridge picks the cheapest shape from `pipelines/`: passthrough when
 * both legs negotiated the same codec (no decode, payload types mapped), and
 * Opus <-> PCMU/PCMA transcoding otherwise. Each shape carries media one way;
 * the call links the legs' pads to the shapes' ghost pads.
 */

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
   * the phone's `dtmf` requests */
  MgDtmfInjector *dtmf_injector;
  gboolean detect_dtmf[2];  /* the leg's events are decoded here, not relayed */
};

enum {
  SIGNAL_FAILED,
  SIGNAL_DTMF_DETECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MgCall, mg_call, G_TYPE_OBJECT)

static void
leg_clear (MgCallLeg *leg)
{
  if (leg->webrtc != NULL)
    {
      g_signal_handlers_disconnect_by_data (leg->webrtc, leg);
      /* a signal hopping to the main context may still come (it holds the
       * leg): its handlers must find no call */
      g_object_set_data (G_OBJECT (leg->webrtc), "mg-call", NULL);
    }
  g_clear_pointer (&leg->number, g_free);
  g_clear_pointer (&leg->display_name, g_free);
  g_clear_object (&leg->phone);
  g_clear_object (&leg->webrtc);
  g_clear_object (&leg->audio_src);
  g_clear_object (&leg->dtmf_src);
  g_clear_object (&leg->dialog);
  g_clear_object (&leg->rtp);
  g_clear_object (&leg->sdes);
  g_clear_pointer (&leg->sip_codec, mg_sdp_codec_free);
}

static void
mg_call_dispose (GObject *object)
{
  MgCall *self = MG_CALL (object);

  mg_call_stop (self);
  G_OBJECT_CLASS (mg_call_parent_class)->dispose (object);
}

static void
mg_call_finalize (GObject *object)
{
  MgCall *self = MG_CALL (object);

  g_free (self->id);
  g_free (self->shape);
  g_clear_object (&self->config);
  G_OBJECT_CLASS (mg_call_parent_class)->finalize (object);
}

static void
mg_call_class_init (MgCallClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mg_call_dispose;
  object_class->finalize = mg_call_finalize;

  /**
   * MgCall::failed:
   * @self: the call
   * @reason: what failed, for logs
   *
   * The media failed (a pipeline error, ICE/DTLS failure, no RTP): the call
   * must end.
   */
  signals[SIGNAL_FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * MgCall::dtmf-detected:
   * @self: the call
   * @index: the leg that sent it
   * @digit: the digit
   *
   * A phone sent an RFC 4733 digit the SIP peer cannot take in RTP (it
   * offered no telephone-event): it must go as SIP INFO.
   */
  signals[SIGNAL_DTMF_DETECTED] = g_signal_new ("dtmf-detected", G_TYPE_FROM_CLASS (klass),
                                                G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                                G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_STRING);
}

static void
mg_call_init (MgCall *self)
{
  self->legs[0].sip_dtmf_pt = -1;
  self->legs[1].sip_dtmf_pt = -1;
}

static const char *const dtmf_digits = "0123456789*#ABCD";

/* A key from the phone that cannot travel as it is (a transcoded SIP stream
 * has its own SSRC and clock; a peer without telephone-event takes INFO):
 * play it again into the SIP stream, or hand it out for INFO. */
static void
on_phone_key (MgWebrtcLeg *webrtc, const char *digit, MgCall *self)
{
  guint index = self->legs[0].webrtc == webrtc ? 0 : 1;
  const char *at = strchr (dtmf_digits, digit[0]);

  if (!self->detect_dtmf[index] || at == NULL || *digit == '\0'
      || self->state == MG_CALL_STATE_ENDED)
    return;
  if (self->dtmf_injector != NULL)
    mg_dtmf_injector_queue (self->dtmf_injector, digit);
  else
    g_signal_emit (self, signals[SIGNAL_DTMF_DETECTED], 0, index, digit);
}

static gboolean
on_bus_message (GstBus *bus, GstMessage *message, gpointer data)
{
  MgCall *self = data;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ERROR:
      {
        g_autoptr (GError) error = NULL;
        g_autofree char *debug = NULL;

        gst_message_parse_error (message, &error, &debug);
        g_info ("call %s: %s: %s (%s)", self->id, GST_OBJECT_NAME (message->src), error->message,
                debug ? debug : "");
        g_signal_emit (self, signals[SIGNAL_FAILED], 0, error->message);
      }
      break;
    default:
      break;
    }
  return G_SOURCE_CONTINUE;
}

MgCall *
mg_call_new (const char *id, MgConfig *config)
{
  MgCall *self = g_object_new (MG_TYPE_CALL, NULL);
  g_autofree char *name = g_strconcat ("call-", id, NULL);
  g_autoptr (GstBus) bus = NULL;

  self->id = g_strdup (id);
  self->config = g_object_ref (config);
  self->created_at = g_get_real_time ();
  self->pipeline = GST_PIPELINE (gst_pipeline_new (name));
  bus = gst_pipeline_get_bus (self->pipeline);
  self->bus_watch = gst_bus_add_watch (bus, on_bus_message, self);
  gst_element_set_state (GST_ELEMENT (self->pipeline), GST_STATE_PLAYING);
  return self;
}

MgCallLeg *
mg_call_get_leg (MgCall *self, guint index)
{
  g_return_val_if_fail (index < 2, NULL);
  return &self->legs[index];
}

int
mg_call_find_phone_leg (MgCall *self, MgPhoneSession *phone)
{
  for (int i = 0; i < 2; i++)
    if (self->legs[i].phone == phone)
      return i;
  return -1;
}

void
mg_call_set_state (MgCall *self, MgCallState state)
{
  if (self->state == state || self->state == MG_CALL_STATE_ENDED)
    return;
  g_info ("call %s: %s -> %s", self->id, mg_call_state_to_string (self->state),
          mg_call_state_to_string (state));
  self->state = state;
  if (state == MG_CALL_STATE_CONNECTED)
    self->connected_at = g_get_real_time ();
  if (state == MG_CALL_STATE_CONNECTED || state == MG_CALL_STATE_ENDED)
    GST_DEBUG_BIN_TO_DOT_FILE_WITH_TS (GST_BIN (self->pipeline), GST_DEBUG_GRAPH_SHOW_ALL,
                                       self->id);
}

/* Held calls and muted legs send nothing from the phone onward. */
static GstPadProbeReturn
gate_phone_audio (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  MgCallLeg *leg = data;
  MgCall *self = g_object_get_data (G_OBJECT (pad), "mg-call");

  if (self == NULL)
    return GST_PAD_PROBE_OK;
  return (leg->muted || self->held || !gst_pad_is_linked (pad)) ? GST_PAD_PROBE_DROP
                                                                 : GST_PAD_PROBE_OK;
}

/* What a leg sends while it has no partner (between a transfer's
 * detach and join) goes nowhere, quietly: an unlinked push would stop the
 * source that made it. */
static GstPadProbeReturn
drop_unlinked (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  return gst_pad_is_linked (pad) ? GST_PAD_PROBE_OK : GST_PAD_PROBE_DROP;
}

static void
link_or_log (MgCall *self, GstPad *src, GstPad *sink)
{
  GstPadLinkReturn ret;

  if (src == NULL || sink == NULL || gst_pad_is_linked (src))
    return;
  ret = gst_pad_link (src, sink);
  if (ret != GST_PAD_LINK_OK)
    g_info ("call %s: cannot link %s to %s: %s", self->id, GST_PAD_NAME (src),
            GST_PAD_NAME (sink), gst_pad_link_get_name (ret));
}

static void
on_src_pad_added (MgWebrtcLeg *webrtc, GstPad *pad, const char *encoding_name, int payload_type,
                  MgCallLeg *leg)
{
  MgCall *self = g_object_get_data (G_OBJECT (webrtc), "mg-call");
  guint index = leg == &self->legs[0] ? 0 : 1;

  if (g_strcmp0 (encoding_name, "TELEPHONE-EVENT") == 0)
    {
      g_set_object (&leg->dtmf_src, pad);
      gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
                         drop_unlinked, NULL, NULL);
      link_or_log (self, pad, self->dtmf_sink[index]);
      return;
    }
  g_set_object (&leg->audio_src, pad);
  g_object_set_data (G_OBJECT (pad), "mg-call", self);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
                     gate_phone_audio, leg, NULL);
  link_or_log (self, pad, self->audio_sink[index]);
}

static void
on_media_failed (MgWebrtcLeg *webrtc, const char *reason, MgCallLeg *leg)
{
  MgCall *self = g_object_get_data (G_OBJECT (webrtc), "mg-call");

  g_signal_emit (self, signals[SIGNAL_FAILED], 0, reason);
}

static void
add_ice_servers (MgWebrtcLeg *webrtc, JsonArray *servers)
{
  for (guint i = 0; servers != NULL && i < json_array_get_length (servers); i++)
    {
      JsonObject *server = json_array_get_object_element (servers, i);
      JsonArray *urls = json_object_get_array_member (server, "urls");

      for (guint j = 0; urls != NULL && j < json_array_get_length (urls); j++)
        {
          g_autoptr (GError) error = NULL;

          if (!mg_webrtc_leg_add_ice_server (
                webrtc, json_array_get_string_element (urls, j),
                json_object_get_string_member_with_default (server, "username", NULL),
                json_object_get_string_member_with_default (server, "credential", NULL), &error))
            g_info ("ICE server not used: %s", error->message);
        }
    }
}

MgWebrtcLeg *
mg_call_add_webrtc (MgCall *self, guint index, const char *const *codecs, JsonArray *ice_servers,
                    GError **error)
{
  MgCallLeg *leg = &self->legs[index];
  const char *name = index == 0 ? "webrtc_a" : "webrtc_b";

  leg->webrtc = mg_webrtc_leg_new (GST_BIN (self->pipeline), name, codecs, error);
  if (leg->webrtc == NULL)
    return NULL;
  g_object_set_data (G_OBJECT (leg->webrtc), "mg-call", self);
  add_ice_servers (leg->webrtc, ice_servers);
  g_signal_connect (leg->webrtc, "src-pad-added", G_CALLBACK (on_src_pad_added), leg);
  g_signal_connect (leg->webrtc, "media-failed", G_CALLBACK (on_media_failed), leg);
  g_signal_connect (leg->webrtc, "dtmf-received", G_CALLBACK (on_phone_key), self);
  return leg->webrtc;
}

/* A shape's bin in the call's pipeline, named "<shape>-<leg>" (a call may
 * hold the same shape once per leg). The bin is borrowed: the pipeline owns
 * it, so it goes (sockets, cancellables' eventfds and all) with the pipeline. */
static GstBin *
add_template (MgCall *self, MgPipelineTemplate *template, guint leg, GError **error)
{
  g_autofree char *name = g_strdup_printf ("%s-%u", mg_pipeline_template_get_shape (template), leg);
  g_autoptr (GstBin) bin = mg_pipeline_template_instantiate (template, name, error);

  if (bin == NULL)
    return NULL;
  if (!gst_bin_add (GST_BIN (self->pipeline), GST_ELEMENT (bin)))
    {
      g_set_error (error, MG_PIPELINE_ERROR, 0, "cannot add %s to the call's pipeline", name);
      return NULL;
    }
  return bin;
}

GstBin *
mg_call_add_shape (MgCall *self, const char *shape, guint leg, const char *const *names,
                   const guint *values, GError **error)
{
  g_autoptr (MgPipelineTemplate) template = mg_pipeline_template_load_for_config (self->config,
                                                                                 shape, error);

  if (template == NULL)
    return NULL;
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    if (!mg_pipeline_template_set_uint (template, names[i], values[i], error))
      return NULL;
  return add_template (self, template, leg, error);
}

static GstPad *
ghost (GstBin *bin, const char *name)
{
  GstPad *pad = gst_element_get_static_pad (GST_ELEMENT (bin), name);

  if (pad != NULL)
    g_object_unref (pad); /* the bin keeps it */
  return pad;
}

/* Phone @from's audio into phone @to: the same codec only, PT mapped. */
static gboolean
bridge_phones (MgCall *self, guint from, guint to, GError **error)
{
  MgWebrtcLeg *a = self->legs[from].webrtc;
  MgWebrtcLeg *b = self->legs[to].webrtc;
  const char *names[] = { "WEBRTC_PT", NULL };
  guint values[] = { mg_webrtc_leg_get_payload_type (b) };
  GstBin *shape;
  GstPad *sink;

  if (g_strcmp0 (mg_webrtc_leg_get_encoding_name (a), mg_webrtc_leg_get_encoding_name (b)) != 0)
    {
      g_set_error (error, MG_WEBRTC_ERROR, MG_WEBRTC_ERROR_NO_COMMON_CODEC,
                   _("the two phones use different codecs (%s, %s)"),
                   mg_webrtc_leg_get_encoding_name (a), mg_webrtc_leg_get_encoding_name (b));
      return FALSE;
    }
  shape = mg_call_add_shape (self, "passthrough-to-webrtc", to, names, values, error);
  if (shape == NULL)
    return FALSE;
  sink = mg_webrtc_leg_get_sink_pad (b);
  link_or_log (self, ghost (shape, "src"), sink);
  self->audio_sink[from] = ghost (shape, "sink");
  self->path[from] = shape;
  gst_element_sync_state_with_parent (GST_ELEMENT (shape));
  link_or_log (self, self->legs[from].audio_src, self->audio_sink[from]);
  return TRUE;
}

static gboolean
is_g711 (const char *name)
{
  return g_ascii_strcasecmp (name, "PCMU") == 0 || g_ascii_strcasecmp (name, "PCMA") == 0;
}

/* The phone's RFC 4733 events toward the SIP peer: in RTP with the peer's
 * telephone-event PT, or, when it offered none, decoded here for SIP INFO. */
static gboolean
add_dtmf_path (MgCall *self, guint w, MgCallLeg *sip, GstBin *send, gboolean passthrough,
               GError **error)
{
  GstBin *shape;

  /* in passthrough the phone's events share the SIP stream's SSRC and clock:
   * they pass as they are; a transcoded stream has its own, so events are
   * decoded and played again into it (MgDtmfInjector, on the way to SIP) */
  if (sip->sip_dtmf_pt >= 0 && passthrough)
    {
      const char *vars[] = { "SIP_DTMF_PT", NULL };
      guint values[] = { sip->sip_dtmf_pt };

      shape = mg_call_add_shape (self, "dtmf-to-sip", w, vars, values, error);
      if (shape == NULL)
        return FALSE;
      link_or_log (self, ghost (shape, "src"), ghost (send, "dtmf_sink"));
    }
  else
    {
      /* a sink for the events; a probe on the phone's pad reads them */
      shape = mg_call_add_shape (self, "dtmf-detect", w, NULL, NULL, error);
      if (shape == NULL)
        return FALSE;
      self->detect_dtmf[w] = TRUE;
    }
  self->dtmf_sink[w] = ghost (shape, "sink");
  self->dtmf_path[w] = shape;
  gst_element_sync_state_with_parent (GST_ELEMENT (shape));
  return TRUE;
}

/* Shapes between phone leg @w and SIP leg @s: passthrough or Opus<->G.711. */
static gboolean
bridge_sip (MgCall *self, guint w, guint s, GError **error)
{
  MgCallLeg *phone = &self->legs[w];
  MgCallLeg *sip = &self->legs[s];
  const char *webrtc_codec = mg_webrtc_leg_get_encoding_name (phone->webrtc);
  const char *sip_codec = sip->sip_codec->encoding_name;
  g_autofree char *sip_lower = g_ascii_strdown (sip_codec, -1);
  g_autofree char *to_sip_name = NULL;
  g_autofree char *to_webrtc_name = NULL;
  guint webrtc_pt = mg_webrtc_leg_get_payload_type (phone->webrtc);
  GstBin *recv, *send, *to_sip, *to_webrtc;
  GstPad *webrtc_sink;
  g_autoptr (MgPipelineTemplate) recv_template = NULL;
  gboolean passthrough = g_ascii_strcasecmp (webrtc_codec, sip_codec) == 0;
  /* SDES-SRTP: the same shapes with srtpdec/srtpenc at the socket */
  gboolean srtp = sip->sdes != NULL && mg_sdes_is_active (sip->sdes);

  if (!passthrough && !(g_ascii_strcasecmp (webrtc_codec, "OPUS") == 0 && is_g711 (sip_codec)))
    {
      g_set_error (error, MG_SDP_ERROR, MG_SDP_ERROR_NO_CODEC,
                   _("no media shape bridges %s and %s"), webrtc_codec, sip_codec);
      return FALSE;
    }

  recv_template = mg_pipeline_template_load_for_config (self->config,
                                                       srtp ? "sip-srtp-recv" : "sip-rtp-recv", error);
  if (recv_template == NULL
      || !mg_pipeline_template_set (recv_template, "ENCODING", sip_codec, error)
      || !mg_pipeline_template_set_uint (recv_template, "CLOCK_RATE", sip->sip_codec->clock_rate,
                                         error)
      || !mg_pipeline_template_set_uint (recv_template, "PT", sip->sip_codec->payload_type, error)
      || (recv = add_template (self, recv_template, s, error)) == NULL)
    return FALSE;
  send = mg_call_add_shape (self, srtp ? "sip-srtp-send" : "sip-rtp-send", s, NULL, NULL, error);
  if (send == NULL)
    return FALSE;

  if (passthrough)
    {
      const char *to_sip_vars[] = { "SIP_PT", NULL };
      guint to_sip_values[] = { sip->sip_codec->payload_type };
      const char *to_webrtc_vars[] = { "WEBRTC_PT", NULL };
      guint to_webrtc_values[] = { webrtc_pt };

      to_sip = mg_call_add_shape (self, "passthrough-to-sip", s, to_sip_vars, to_sip_values, error);
      to_webrtc = to_sip ? mg_call_add_shape (self, "passthrough-to-webrtc", w, to_webrtc_vars,
                                      to_webrtc_values, error)
                         : NULL;
    }
  else
    {
      const char *to_sip_vars[] = { "SIP_PT", NULL };
      guint to_sip_values[] = { sip->sip_codec->payload_type };
      const char *to_webrtc_vars[] = { "WEBRTC_PT", "LATENCY", "COMPLEXITY", "BITRATE", NULL };
      guint to_webrtc_values[] = { webrtc_pt, TRANSCODE_LATENCY_MS, OPUS_COMPLEXITY, OPUS_BITRATE };

      to_sip_name = g_strconcat ("opus-to-", sip_lower, NULL);
      to_webrtc_name = g_strconcat (sip_lower, "-to-opus", NULL);
      to_sip = mg_call_add_shape (self, to_sip_name, s, to_sip_vars, to_sip_values, error);
      to_webrtc = to_sip ? mg_call_add_shape (self, to_webrtc_name, w, to_webrtc_vars, to_webrtc_values,
                                      error)
                         : NULL;
    }
  if (to_sip == NULL || to_webrtc == NULL || !mg_rtp_endpoint_attach (sip->rtp, GST_BIN (self->pipeline), error)
      || (srtp && !mg_sdes_attach (sip->sdes, GST_BIN (self->pipeline), error)))
    return FALSE;
  mg_rtp_endpoint_set_dtmf_payload_type (sip->rtp, sip->sip_dtmf_pt, FALSE);

  self->sip_recv[s] = recv;
  self->sip_send[s] = send;
  self->path[w] = to_sip;
  self->path[s] = to_webrtc;
  gst_pad_add_probe (ghost (recv, "src"), GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
                     drop_unlinked, NULL, NULL);

  /* SIP -> phone */
  webrtc_sink = mg_webrtc_leg_get_sink_pad (phone->webrtc);
  link_or_log (self, ghost (recv, "src"), ghost (to_webrtc, "sink"));
  link_or_log (self, ghost (to_webrtc, "src"), webrtc_sink);
  /* phone -> SIP; telephone-event is defined at 8000 Hz here, so digits
   * are played into streams with that clock only (G.711, G.722) */
  link_or_log (self, ghost (to_sip, "src"), ghost (send, "sink"));
  if (sip->sip_dtmf_pt >= 0 && sip->sip_codec->clock_rate == 8000)
    self->dtmf_injector = mg_dtmf_injector_attach (ghost (to_sip, "src"), sip->sip_dtmf_pt, 8000);
  self->audio_sink[w] = ghost (to_sip, "sink");
  if (!add_dtmf_path (self, w, sip, send, passthrough, error))
    return FALSE;

  g_free (self->shape);
  self->shape = g_strdup (passthrough ? "passthrough" : "transcoding");
  /* downstream first: a source that starts before what it feeds gets
   * FLUSHING back and stops for good */
  for (GstBin **bin = (GstBin *[]){ to_webrtc, to_sip, send, recv, NULL }; *bin; bin++)
    gst_element_sync_state_with_parent (GST_ELEMENT (*bin));
  link_or_log (self, phone->audio_src, self->audio_sink[w]);
  link_or_log (self, phone->dtmf_src, self->dtmf_sink[w]);
  return TRUE;
}

/* Links the legs' media once both are negotiated: the phone's answer is
 * applied, and a SIP leg has its codec and remote address. */
gboolean
mg_call_bridge (MgCall *self, GError **error)
{
  MgCallLeg *a = &self->legs[0];
  MgCallLeg *b = &self->legs[1];

  if (self->bridged)
    return TRUE;
  if (a->webrtc != NULL && b->webrtc != NULL)
    {
      if (!bridge_phones (self, 0, 1, error) || !bridge_phones (self, 1, 0, error))
        return FALSE;
      g_free (self->shape);
      self->shape = g_strdup ("passthrough");
    }
  else if (a->webrtc != NULL && b->rtp != NULL)
    {
      if (!bridge_sip (self, 0, 1, error))
        return FALSE;
    }
  else
    {
      g_set_error (error, MG_SDP_ERROR, MG_SDP_ERROR_INVALID, "call %s has no legs to bridge",
                   self->id);
      return FALSE;
    }
  self->bridged = TRUE;
  g_info ("call %s bridged: %s", self->id, self->shape);
  return TRUE;
}

/* The codec a leg negotiated (its encoding name), NULL before. */
const char *
mg_call_leg_get_codec (MgCallLeg *leg)
{
  if (leg->webrtc != NULL)
    return mg_webrtc_leg_get_encoding_name (leg->webrtc);
  return leg->sip_codec ? leg->sip_codec->encoding_name : NULL;
}

/* Its payload type for that codec, -1 before. */
int
mg_call_leg_get_payload_type (MgCallLeg *leg)
{
  if (leg->webrtc != NULL)
    return mg_webrtc_leg_get_payload_type (leg->webrtc);
  return leg->sip_codec ? (int) leg->sip_codec->payload_type : -1;
}

/* What leg @index sends into the bridge: webrtcbin's audio pad, or the
 * SIP socket shape's output. */
GstPad *
mg_call_get_leg_src (MgCall *self, guint index)
{
  MgCallLeg *leg = &self->legs[index];

  if (leg->webrtc != NULL)
    return leg->audio_src;
  return self->sip_recv[index] ? ghost (self->sip_recv[index], "src") : NULL;
}

/* Where what leg @index receives enters it. */
GstPad *
mg_call_get_leg_sink (MgCall *self, guint index)
{
  MgCallLeg *leg = &self->legs[index];

  if (leg->webrtc != NULL)
    return mg_webrtc_leg_get_sink_pad (leg->webrtc);
  return self->sip_send[index] ? ghost (self->sip_send[index], "sink") : NULL;
}

/**
 * mg_call_link_leg_src: (skip)
 * @self: a call
 * @index: a leg
 * @sink: where its media goes from now on
 * @error: return location for a #GError
 *
 * Links what leg @index sends to @sink: at once, or, for a phone whose
 * first packet has not come yet, when webrtcbin adds its pad.
 *
 * Returns: %TRUE if linked or waiting for the pad
 */
gboolean
mg_call_link_leg_src (MgCall *self, guint index, GstPad *sink, GError **error)
{
  GstPad *src = mg_call_get_leg_src (self, index);

  if (self->legs[index].webrtc != NULL)
    {
      self->audio_sink[index] = sink;
      if (src == NULL)
        return TRUE;
    }
  return mg_call_link_pads (src, sink, error);
}

/* Leg @index's media stops going where it went (between two buffers). */
void
mg_call_unlink_leg_src (MgCall *self, guint index)
{
  self->audio_sink[index] = NULL;
  mg_call_unlink_quietly (mg_call_get_leg_src (self, index));
}

void
mg_call_set_path (MgCall *self, guint index, GstBin *path)
{
  self->path[index] = path;
}

typedef struct
{
  GMutex lock;
  GCond cond;
  gboolean done;
} Quiet;

static void
quiet_unref (gpointer data)
{
  Quiet *quiet = data;

  g_mutex_clear (&quiet->lock);
  g_cond_clear (&quiet->cond);
}

static GstPadProbeReturn
unlink_when_idle (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  Quiet *quiet = data;
  g_autoptr (GstPad) peer = gst_pad_get_peer (pad);

  if (peer != NULL)
    gst_pad_unlink (pad, peer);
  g_mutex_lock (&quiet->lock);
  quiet->done = TRUE;
  g_cond_signal (&quiet->cond);
  g_mutex_unlock (&quiet->lock);
  return GST_PAD_PROBE_REMOVE;
}

/* Unlinks @pad from its peer between two buffers, waiting (briefly) for
 * the one in flight: the shape downstream can then go without its source
 * getting FLUSHING back, which would stop it for good. Later pushes are
 * dropped by the pad's probes (gate_phone_audio, drop_unlinked). */
void
mg_call_unlink_quietly (GstPad *pad)
{
  Quiet *quiet;
  gint64 until = g_get_monotonic_time () + 200 * G_TIME_SPAN_MILLISECOND;

  if (pad == NULL || !gst_pad_is_linked (pad))
    return;
  quiet = g_atomic_rc_box_new0 (Quiet);
  g_mutex_init (&quiet->lock);
  g_cond_init (&quiet->cond);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_IDLE, unlink_when_idle,
                     g_atomic_rc_box_acquire (quiet),
                     (GDestroyNotify) g_atomic_rc_box_release);
  g_mutex_lock (&quiet->lock);
  while (!quiet->done && g_cond_wait_until (&quiet->cond, &quiet->lock, until))
    ;
  g_mutex_unlock (&quiet->lock);
  g_atomic_rc_box_release_full (quiet, quiet_unref);
}

static void
remove_bin (MgCall *self, GstBin **bin)
{
  if (*bin == NULL)
    return;
  mg_call_remove_element (self, GST_ELEMENT (*bin));
  *bin = NULL;
}

/**
 * mg_call_unbridge: (skip)
 * @self: a call
 *
 * Takes the shapes between the legs away (a transfer or a conference
 * wires the legs anew): each leg's source is unlinked between two
 * buffers and drops what it sends until linked again.
 */
void
mg_call_unbridge (MgCall *self)
{
  g_return_if_fail (self->pipeline != NULL);

  for (guint i = 0; i < 2; i++)
    {
      mg_call_unlink_leg_src (self, i);
      mg_call_unlink_quietly (self->legs[i].dtmf_src);
    }
  g_clear_pointer (&self->dtmf_injector, mg_dtmf_injector_unref);
  for (guint i = 0; i < 2; i++)
    {
      remove_bin (self, &self->path[i]);
      remove_bin (self, &self->dtmf_path[i]);
      self->audio_sink[i] = self->dtmf_sink[i] = NULL;
      self->detect_dtmf[i] = FALSE;
    }
  self->bridged = FALSE;
}

/**
 * mg_call_detach_leg: (skip)
 * @self: a call
 * @index: the leg that leaves
 *
 * Leg @index leaves the call's media (its phone handed the other party on
 * in a transfer, or left a conference): the shapes it was linked to go
 * (mg_call_unbridge(), or the conference's own), then the leg's elements.
 */
void
mg_call_detach_leg (MgCall *self, guint index)
{
  MgCallLeg *leg = &self->legs[index];
  GstElement *webrtcbin = leg->webrtc ? mg_webrtc_leg_get_webrtcbin (leg->webrtc) : NULL;

  g_return_if_fail (index < 2 && self->pipeline != NULL);

  if (self->bridged)
    mg_call_unbridge (self);
  mg_call_unlink_leg_src (self, index);
  mg_call_unlink_quietly (leg->dtmf_src);
  if (leg->webrtc != NULL)
    {
      g_autoptr (GstElement) keep = gst_object_ref (webrtcbin);

      mg_webrtc_leg_interrupt (leg->webrtc);
      g_signal_handlers_disconnect_by_data (leg->webrtc, self);
      gst_element_set_locked_state (webrtcbin, TRUE);
      gst_bin_remove (GST_BIN (self->pipeline), webrtcbin);
      gst_element_set_state (webrtcbin, GST_STATE_NULL);
    }
  remove_bin (self, &self->sip_recv[index]);
  remove_bin (self, &self->sip_send[index]);
  self->hold_probes[index] = 0;
  leg_clear (leg);
  g_info ("call %s: leg %u left the media", self->id, index);
}

/* Takes @element out of the running pipeline (what fed it unlinked
 * first, with mg_call_unlink_quietly()). */
void
mg_call_remove_element (MgCall *self, GstElement *element)
{
  g_autoptr (GstElement) keep = gst_object_ref (element); /* the bin held the last one */

  gst_element_set_locked_state (element, TRUE);
  gst_bin_remove (GST_BIN (self->pipeline), element);
  gst_element_set_state (element, GST_STATE_NULL);
}

gboolean
mg_call_is_bridged (MgCall *self)
{
  return self->bridged;
}

static GstPadProbeReturn
gate_held (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  MgCall *self = data;

  return self->held ? GST_PAD_PROBE_DROP : GST_PAD_PROBE_OK;
}

/* Hold stops the media both ways without touching the WebRTC session: the
 * phones' audio is dropped where it leaves webrtcbin (gate_phone_audio), the
 * far end's where it enters (gate_held), and the SIP leg sends nothing. */
void
mg_call_set_hold (MgCall *self, gboolean hold)
{
  for (guint i = 0; i < 2 && hold && !self->held; i++)
    if (self->legs[i].webrtc != NULL)
      self->hold_probes[i] = gst_pad_add_probe (mg_webrtc_leg_get_sink_pad (self->legs[i].webrtc),
                                                GST_PAD_PROBE_TYPE_BUFFER
                                                  | GST_PAD_PROBE_TYPE_BUFFER_LIST,
                                                gate_held, self, NULL);
  for (guint i = 0; i < 2 && !hold && self->held; i++)
    if (self->legs[i].webrtc != NULL && self->hold_probes[i] != 0)
      {
        gst_pad_remove_probe (mg_webrtc_leg_get_sink_pad (self->legs[i].webrtc),
                              self->hold_probes[i]);
        self->hold_probes[i] = 0;
      }
  self->held = hold;
  for (guint i = 0; i < 2; i++)
    if (self->legs[i].rtp != NULL)
      mg_rtp_endpoint_set_hold (self->legs[i].rtp, hold);
}

/* Plays @digits toward the SIP leg as RFC 4733 events in its stream, if
 * the peer takes them there; FALSE: use SIP INFO instead. */
gboolean
mg_call_send_dtmf (MgCall *self, const char *digits)
{
  if (self->dtmf_injector == NULL)
    return FALSE;
  mg_dtmf_injector_queue (self->dtmf_injector, digits);
  return TRUE;
}

void
mg_call_set_mute (MgCall *self, guint index, gboolean muted)
{
  self->legs[index].muted = muted;
}

void
mg_call_stop (MgCall *self)
{
  if (self->pipeline == NULL)
    return;
  mg_call_set_state (self, MG_CALL_STATE_ENDED);
  g_clear_handle_id (&self->bus_watch, g_source_remove);
  g_clear_pointer (&self->dtmf_injector, mg_dtmf_injector_unref);
  for (guint i = 0; i < 2; i++)
    if (self->legs[i].webrtc != NULL)
      mg_webrtc_leg_interrupt (self->legs[i].webrtc);
  gst_element_set_state (GST_ELEMENT (self->pipeline), GST_STATE_NULL);
  for (guint i = 0; i < 2; i++)
    if (self->legs[i].webrtc != NULL)
      g_signal_handlers_disconnect_by_data (self->legs[i].webrtc, self);
  /* the endpoints' sockets go after the pipeline let go of them */
  leg_clear (&self->legs[0]);
  leg_clear (&self->legs[1]);
  self->audio_sink[0] = self->audio_sink[1] = NULL;
  self->hold_probes[0] = self->hold_probes[1] = 0;
  self->dtmf_sink[0] = self->dtmf_sink[1] = NULL;
  memset (self->path, 0, sizeof self->path);
  memset (self->dtmf_path, 0, sizeof self->dtmf_path);
  memset (self->sip_recv, 0, sizeof self->sip_recv);
  memset (self->sip_send, 0, sizeof self->sip_send);
  g_clear_object (&self->pipeline);
}

static JsonObject *
describe_leg (MgCallLeg *leg)
{
  JsonObject *object = json_object_new ();

  json_object_set_string_member (object, "kind", leg->dialog ? "sip" : "webrtc");
  json_object_set_string_member (object, "number", leg->number ? leg->number : "");
  if (leg->webrtc != NULL && mg_webrtc_leg_get_encoding_name (leg->webrtc) != NULL)
    {
      json_object_set_string_member (object, "codec", mg_webrtc_leg_get_encoding_name (leg->webrtc));
      json_object_set_int_member (object, "payload_type",
                                  mg_webrtc_leg_get_payload_type (leg->webrtc));
      json_object_set_int_member (object, "packets_received",
                                  mg_webrtc_leg_get_rtp_received (leg->webrtc));
    }
  if (leg->sip_codec != NULL)
    {
      json_object_set_string_member (object, "codec", leg->sip_codec->encoding_name);
      json_object_set_int_member (object, "payload_type", leg->sip_codec->payload_type);
    }
  if (leg->dialog != NULL)
    json_object_set_string_member (object, "srtp",
                                   leg->sdes ? mg_sdes_get_suite (leg->sdes) : "none");
  if (leg->rtp != NULL)
    {
      json_object_set_int_member (object, "local_port", mg_rtp_endpoint_get_local_port (leg->rtp));
      json_object_set_int_member (object, "packets_received",
                                  mg_rtp_endpoint_get_packets_received (leg->rtp));
      json_object_set_int_member (object, "bytes_received",
                                  mg_rtp_endpoint_get_bytes_received (leg->rtp));
      json_object_set_int_member (object, "packets_sent",
                                  mg_rtp_endpoint_get_packets_sent (leg->rtp));
      json_object_set_int_member (object, "bytes_sent", mg_rtp_endpoint_get_bytes_sent (leg->rtp));
      json_object_set_int_member (object, "packets_lost",
                                  mg_rtp_endpoint_get_packets_lost (leg->rtp));
      json_object_set_double_member (object, "jitter", mg_rtp_endpoint_get_jitter (leg->rtp));
    }
  json_object_set_boolean_member (object, "muted", leg->muted);
  return object;
}

JsonObject *
mg_call_describe (MgCall *self)
{
  JsonObject *object = json_object_new ();
  JsonArray *legs = json_array_new ();
  gint64 now = g_get_real_time ();

  json_object_set_string_member (object, "id", self->id);
  json_object_set_string_member (object, "state", mg_call_state_to_string (self->state));
  if (self->shape != NULL)
    json_object_set_string_member (object, "shape", self->shape);
  else
    json_object_set_null_member (object, "shape");
  json_object_set_int_member (object, "created_at", self->created_at / G_USEC_PER_SEC);
  json_object_set_int_member (object, "duration",
                              self->connected_at ? (now - self->connected_at) / G_USEC_PER_SEC : 0);
  json_object_set_boolean_member (object, "held", self->held);
  for (guint i = 0; i < 2; i++)
    if (self->legs[i].webrtc != NULL || self->legs[i].dialog != NULL)
      json_array_add_object_element (legs, describe_leg (&self->legs[i]));
  json_object_set_array_member (object, "legs", legs);
  return object;
}

char *
mg_call_dump_dot (MgCall *self)
{
  if (self->pipeline == NULL)
    return NULL;
  return gst_debug_bin_to_dot_data (GST_BIN (self->pipeline), GST_DEBUG_GRAPH_SHOW_ALL);
}

/**
 * mg_call_get_id:
 * @self: a call
 *
 * Returns: the call's id
 */
const char *
mg_call_get_id (MgCall *self)
{
  g_return_val_if_fail (MG_IS_CALL (self), NULL);
  return self->id;
}

/**
 * mg_call_get_state:
 * @self: a call
 *
 * Returns: where the call stands
 */
MgCallState
mg_call_get_state (MgCall *self)
{
  g_return_val_if_fail (MG_IS_CALL (self), MG_CALL_STATE_ENDED);
  return self->state;
}

/**
 * mg_call_get_shape:
 * @self: a call
 *
 * Returns: (nullable): "passthrough" or "transcoding" once bridged
 */
const char *
mg_call_get_shape (MgCall *self)
{
  g_return_val_if_fail (MG_IS_CALL (self), NULL);
  return self->shape;
}

/**
 * mg_call_get_pipeline:
 * @self: a call
 *
 * Returns: (transfer none) (nullable): the call's pipeline, until it ends
 */
GstPipeline *
mg_call_get_pipeline (MgCall *self)
{
  g_return_val_if_fail (MG_IS_CALL (self), NULL);
  return self->pipeline;
}

/**
 * mg_call_state_to_string:
 * @state: a call state
 *
 * Returns: the state as the API shows it
 */
const char *
mg_call_state_to_string (MgCallState state)
{
  switch (state)
    {
    case MG_CALL_STATE_SETUP:
      return "setup";
    case MG_CALL_STATE_RINGING:
      return "ringing";
    case MG_CALL_STATE_CONNECTED:
      return "connected";
    case MG_CALL_STATE_ENDED:
      return "ended";
    }
  return "unknown";
}
