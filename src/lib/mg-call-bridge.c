/* mg-call-bridge.c: the shapes between a call's two legs (passthrough, or
 * Opus <-> G.711 transcoding, and the phone's DTMF toward a SIP peer), the
 * legs' pads, and taking the shapes or a leg away in a running pipeline
 * (unbridge, detach: transfer and conference)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-media"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>

#include "mg-call-internal.h"
#include "mg-webrtc-leg-private.h"

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
  g_autoptr (MgPipelineTemplate) template =
    mg_pipeline_template_load_for_config (self->config, shape, error);

  if (template == NULL)
    return NULL;
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    if (!mg_pipeline_template_set_uint (template, names[i], values[i], error))
      return NULL;
  return add_template (self, template, leg, error);
}

GstPad *
mg_call_ghost (GstBin *bin, const char *name)
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
  mg_call_link_or_log (self, mg_call_ghost (shape, "src"), sink);
  self->audio_sink[from] = mg_call_ghost (shape, "sink");
  self->path[from] = shape;
  gst_element_sync_state_with_parent (GST_ELEMENT (shape));
  mg_call_link_or_log (self, self->legs[from].audio_src, self->audio_sink[from]);
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
      mg_call_link_or_log (self, mg_call_ghost (shape, "src"), mg_call_ghost (send, "dtmf_sink"));
    }
  else
    {
      /* a sink for the events; a probe on the phone's pad reads them */
      shape = mg_call_add_shape (self, "dtmf-detect", w, NULL, NULL, error);
      if (shape == NULL)
        return FALSE;
      self->detect_dtmf[w] = TRUE;
    }
  self->dtmf_sink[w] = mg_call_ghost (shape, "sink");
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

  recv_template = mg_pipeline_template_load_for_config (
    self->config, srtp ? "sip-srtp-recv" : "sip-rtp-recv", error);
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
      to_webrtc = to_sip ? mg_call_add_shape (self, to_webrtc_name, w, to_webrtc_vars,
                                              to_webrtc_values, error)
                         : NULL;
    }
  if (to_sip == NULL || to_webrtc == NULL
      || !mg_rtp_endpoint_attach (sip->rtp, GST_BIN (self->pipeline), error)
      || (srtp && !mg_sdes_attach (sip->sdes, GST_BIN (self->pipeline), error)))
    return FALSE;
  mg_rtp_endpoint_set_dtmf_payload_type (sip->rtp, sip->sip_dtmf_pt, FALSE);

  self->sip_recv[s] = recv;
  self->sip_send[s] = send;
  self->path[w] = to_sip;
  self->path[s] = to_webrtc;
  gst_pad_add_probe (mg_call_ghost (recv, "src"),
                     GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
                     mg_call_drop_unlinked, NULL, NULL);

  /* SIP -> phone */
  webrtc_sink = mg_webrtc_leg_get_sink_pad (phone->webrtc);
  mg_call_link_or_log (self, mg_call_ghost (recv, "src"), mg_call_ghost (to_webrtc, "sink"));
  mg_call_link_or_log (self, mg_call_ghost (to_webrtc, "src"), webrtc_sink);
  /* phone -> SIP; telephone-event is defined at 8000 Hz here, so digits
   * are played into streams with that clock only (G.711, G.722). The
   * injector sits at the socket shape's input, which stays when a
   * transfer or a conference feeds the SIP leg from elsewhere. */
  mg_call_link_or_log (self, mg_call_ghost (to_sip, "src"), mg_call_ghost (send, "sink"));
  if (sip->sip_dtmf_pt >= 0 && sip->sip_codec->clock_rate == 8000)
    self->dtmf_injector =
      mg_dtmf_injector_attach (mg_call_ghost (send, "sink"), sip->sip_dtmf_pt, 8000);
  self->audio_sink[w] = mg_call_ghost (to_sip, "sink");
  if (!add_dtmf_path (self, w, sip, send, passthrough, error))
    return FALSE;

  g_free (self->shape);
  self->shape = g_strdup (passthrough ? "passthrough" : "transcoding");
  /* downstream first: a source that starts before what it feeds gets
   * FLUSHING back and stops for good */
  for (GstBin **bin = (GstBin *[]){ to_webrtc, to_sip, send, recv, NULL }; *bin; bin++)
    gst_element_sync_state_with_parent (GST_ELEMENT (*bin));
  mg_call_link_or_log (self, phone->audio_src, self->audio_sink[w]);
  mg_call_link_or_log (self, phone->dtmf_src, self->dtmf_sink[w]);
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
  return self->sip_recv[index] ? mg_call_ghost (self->sip_recv[index], "src") : NULL;
}

/* Where what leg @index receives enters it. */
GstPad *
mg_call_get_leg_sink (MgCall *self, guint index)
{
  MgCallLeg *leg = &self->legs[index];

  if (leg->webrtc != NULL)
    return mg_webrtc_leg_get_sink_pad (leg->webrtc);
  return self->sip_send[index] ? mg_call_ghost (self->sip_send[index], "sink") : NULL;
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

/* What the admin API shows of the media once a join or a conference wired
 * the call anew: "passthrough", "transcoding" or "mixing". */
void
mg_call_set_shape (MgCall *self, const char *shape)
{
  g_free (self->shape);
  self->shape = g_strdup (shape);
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
 * dropped by the pad's probes (gate_phone_audio, mg_call_drop_unlinked). */
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
                     g_atomic_rc_box_acquire (quiet), (GDestroyNotify) g_atomic_rc_box_release);
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

  g_return_if_fail (index < 2 && self->pipeline != NULL);

  if (self->bridged)
    mg_call_unbridge (self);
  mg_call_unlink_leg_src (self, index);
  mg_call_unlink_quietly (leg->dtmf_src);
  if (leg->webrtc != NULL)
    {
      mg_webrtc_leg_interrupt (leg->webrtc);
      g_signal_handlers_disconnect_by_data (leg->webrtc, self);
      mg_call_take_out_webrtcbin (self, index);
    }
  if (self->sip_send[index] != NULL)
    g_clear_pointer (&self->dtmf_injector, mg_dtmf_injector_unref);
  remove_bin (self, &self->sip_recv[index]);
  remove_bin (self, &self->sip_send[index]);
  self->hold_probes[index] = 0;
  mg_call_leg_clear (leg);
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
