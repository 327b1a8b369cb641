/* mg-call-join.c: the media of two calls joined (attended transfer)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-media"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>

#include "mg-call-private.h"
#include "mg-pipeline-template.h"

/*
 * A transfer joins the far party of one call with the far party of
 * another. The legs stay where they are (DESIGN.md, decision 1): each
 * one's media is shaped for the other in its own call's pipeline, then
 * crosses to the other pipeline through a proxysink/proxysrc pair:
 *
 *   call 1: leg a src -> shape (a's codec -> x's) -> proxysink
 *   call 2:                         proxysrc -> leg x sink
 *
 * and the same the other way. Two SIP parties with one codec stay in
 * passthrough (MgRtpEndpoint keeps the SSRC, numbering and timestamps
 * continuous for the far phone, decision 11).
 */

#define TRANSCODE_LATENCY_MS 40
#define OPUS_COMPLEXITY 3
#define OPUS_BITRATE 24000

static gboolean
is_g711 (const char *name)
{
  return g_ascii_strcasecmp (name, "PCMU") == 0 || g_ascii_strcasecmp (name, "PCMA") == 0;
}

/* The shape turning what @from sends into what @to takes, in @self's
 * pipeline: passthrough for one codec, else a transcoder. */
static GstBin *
add_converter (MgCall *self, guint index, MgCallLeg *to, GError **error)
{
  MgCallLeg *from = mg_call_get_leg (self, index);
  const char *in = mg_call_leg_get_codec (from);
  const char *out = mg_call_leg_get_codec (to);
  gboolean to_sip = to->rtp != NULL;
  g_autofree char *in_lower = in ? g_ascii_strdown (in, -1) : NULL;
  g_autofree char *out_lower = out ? g_ascii_strdown (out, -1) : NULL;
  g_autofree char *name = NULL;
  const char *sip_vars[] = { "SIP_PT", NULL };
  const char *g711_vars[] = { "SIP_PT", "LATENCY", NULL };
  const char *opus_vars[] = { "WEBRTC_PT", "LATENCY", "COMPLEXITY", "BITRATE", NULL };
  guint values[] = { mg_call_leg_get_payload_type (to), TRANSCODE_LATENCY_MS, OPUS_COMPLEXITY,
                     OPUS_BITRATE };
  GstBin *shape;

  if (in == NULL || out == NULL)
    {
      g_set_error (error, MG_SDP_ERROR, MG_SDP_ERROR_NO_CODEC, _("a leg has no codec yet"));
      return NULL;
    }
  if (g_ascii_strcasecmp (in, out) == 0)
    {
      const char *webrtc_vars[] = { "WEBRTC_PT", NULL };

      shape = mg_call_add_shape (self, to_sip ? "passthrough-to-sip" : "passthrough-to-webrtc",
                                 index, to_sip ? sip_vars : webrtc_vars, values, error);
      /* the packets keep their payload type unless mapped */
      if (shape != NULL && mg_call_leg_get_payload_type (from) >= 0)
        {
          g_autoptr (GstPad) sink = gst_element_get_static_pad (GST_ELEMENT (shape), "sink");

          mg_rtp_pad_map_payload_type (sink, mg_call_leg_get_payload_type (from),
                                       mg_call_leg_get_payload_type (to));
        }
      if (shape != NULL)
        mg_call_set_shape (self, "passthrough");
      return shape;
    }
  name = g_strconcat (in_lower, "-to-", out_lower, NULL);
  if (g_ascii_strcasecmp (in, "OPUS") == 0 && is_g711 (out))
    shape = mg_call_add_shape (self, name, index, sip_vars, values, error);
  else if (is_g711 (in) && g_ascii_strcasecmp (out, "OPUS") == 0)
    shape = mg_call_add_shape (self, name, index, opus_vars, values, error);
  else if (is_g711 (in) && is_g711 (out))
    shape = mg_call_add_shape (self, name, index, g711_vars, values, error);
  else
    {
      g_set_error (error, MG_SDP_ERROR, MG_SDP_ERROR_NO_CODEC,
                   _("no media shape bridges %s and %s"), in, out);
      return NULL;
    }
  if (shape != NULL)
    mg_call_set_shape (self, "transcoding");
  return shape;
}

gboolean
mg_call_link_pads (GstPad *src, GstPad *sink, GError **error)
{
  GstPadLinkReturn ret = src && sink ? gst_pad_link (src, sink) : GST_PAD_LINK_NOFORMAT;

  if (ret == GST_PAD_LINK_OK)
    return TRUE;
  g_set_error (error, MG_PIPELINE_ERROR, 0, "cannot link %s to %s: %s",
               src ? GST_PAD_NAME (src) : "(none)", sink ? GST_PAD_NAME (sink) : "(none)",
               gst_pad_link_get_name (ret));
  return FALSE;
}

/**
 * mg_call_add_proxy_pair: (skip)
 * @from: the call whose pipeline gets the proxysink
 * @to: the call whose pipeline gets the proxysrc
 * @proxysink: (out) (transfer none): the sink, in @from's pipeline
 * @proxysrc: (out) (transfer none): the source, in @to's pipeline
 * @error: return location for a #GError
 *
 * A way for media from one call's pipeline into another's. The source's
 * pad takes the difference of the pipelines' base times, so buffers keep
 * their running time. Link, then bring to playing downstream first.
 *
 * Returns: %TRUE if both elements exist
 */
gboolean
mg_call_add_proxy_pair (MgCall *from, MgCall *to, GstElement **proxysink, GstElement **proxysrc,
                        GError **error)
{
  GstElement *here = GST_ELEMENT (mg_call_get_pipeline (from));
  GstElement *there = GST_ELEMENT (mg_call_get_pipeline (to));
  g_autoptr (GstPad) out = NULL;

  *proxysink = gst_element_factory_make ("proxysink", NULL);
  *proxysrc = gst_element_factory_make ("proxysrc", NULL);
  if (*proxysink == NULL || *proxysrc == NULL)
    {
      g_clear_object (proxysink);
      g_clear_object (proxysrc);
      g_set_error (error, MG_PIPELINE_ERROR, 0, "proxysink/proxysrc are missing (gst-plugins-bad)");
      return FALSE;
    }
  gst_bin_add (GST_BIN (here), *proxysink);
  gst_bin_add (GST_BIN (there), *proxysrc);
  g_object_set (*proxysrc, "proxysink", *proxysink, NULL);
  /* the two pipelines count running time from their own base times */
  out = gst_element_get_static_pad (*proxysrc, "src");
  gst_pad_set_offset (out, (gint64) gst_element_get_base_time (here)
                             - (gint64) gst_element_get_base_time (there));
  return TRUE;
}

/* What leg @index of @self sends, shaped for leg @to_index of @to and
 * handed over to @to's pipeline. */
static gboolean
cross_over (MgCall *self, guint index, MgCall *to, guint to_index, GError **error)
{
  GstElement *proxysink, *proxysrc;
  g_autoptr (GstPad) out = NULL;
  g_autoptr (GstPad) in = NULL;
  g_autoptr (GstPad) shape_sink = NULL;
  g_autoptr (GstPad) shape_src = NULL;
  GstBin *shape;

  shape = add_converter (self, index, mg_call_get_leg (to, to_index), error);
  if (shape == NULL || !mg_call_add_proxy_pair (self, to, &proxysink, &proxysrc, error))
    return FALSE;
  out = gst_element_get_static_pad (proxysrc, "src");
  in = gst_element_get_static_pad (proxysink, "sink");
  shape_sink = gst_element_get_static_pad (GST_ELEMENT (shape), "sink");
  shape_src = gst_element_get_static_pad (GST_ELEMENT (shape), "src");
  if (!mg_call_link_pads (out, mg_call_get_leg_sink (to, to_index), error)
      || !mg_call_link_pads (shape_src, in, error))
    return FALSE;
  /* downstream first: a source that pushes into what is not playing yet
   * gets FLUSHING back and stops for good */
  gst_element_sync_state_with_parent (proxysrc);
  gst_element_sync_state_with_parent (proxysink);
  gst_element_sync_state_with_parent (GST_ELEMENT (shape));
  mg_call_set_path (self, index, shape);
  return mg_call_link_leg_src (self, index, shape_sink, error);
}

/**
 * mg_call_join_media: (skip)
 * @self: a call left with one leg (mg_call_detach_leg())
 * @index: that leg
 * @peer: another such call
 * @peer_index: its leg
 * @error: return location for a #GError
 *
 * Joins the media of the two legs, each staying in its own call's
 * pipeline. Both calls must end together.
 *
 * Returns: %TRUE once both directions are linked
 */
gboolean
mg_call_join_media (MgCall *self, guint index, MgCall *peer, guint peer_index, GError **error)
{
  g_return_val_if_fail (mg_call_get_pipeline (self) && mg_call_get_pipeline (peer), FALSE);

  if (!cross_over (self, index, peer, peer_index, error)
      || !cross_over (peer, peer_index, self, index, error))
    return FALSE;
  g_info ("call %s leg %u joined with call %s leg %u", mg_call_get_id (self), index,
          mg_call_get_id (peer), peer_index);
  return TRUE;
}
