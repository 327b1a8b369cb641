/* mg-call.c: one call's pipeline, its legs and the bridge between them
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-media"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>

#include "mg-call-internal.h"
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



enum {
  SIGNAL_FAILED,
  SIGNAL_DTMF_DETECTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MgCall, mg_call, G_TYPE_OBJECT)

void
mg_call_leg_clear (MgCallLeg *leg)
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
   * A phone sent an RFC 4733 digit that cannot travel in the stream as it
   * is: the SIP peer offered no telephone-event (it must go as SIP INFO),
   * or the call is joined with another or in a conference (the manager
   * sends it to the far parties).
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
 * has its own SSRC and clock; a peer without telephone-event takes INFO;
 * across a transfer's join or in a conference the keys' path is gone):
 * play it again into the SIP stream, or hand it out. */
static void
on_phone_key (MgWebrtcLeg *webrtc, const char *digit, MgCall *self)
{
  guint index = self->legs[0].webrtc == webrtc ? 0 : 1;
  const char *at = strchr (dtmf_digits, digit[0]);

  if (at == NULL || *digit == '\0' || self->state != MG_CALL_STATE_CONNECTED)
    return;
  if (self->bridged && !self->detect_dtmf[index])
    return; /* relayed in the stream as it is */
  if (self->bridged && self->dtmf_injector != NULL)
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
GstPadProbeReturn
mg_call_drop_unlinked (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  return gst_pad_is_linked (pad) ? GST_PAD_PROBE_OK : GST_PAD_PROBE_DROP;
}

void
mg_call_link_or_log (MgCall *self, GstPad *src, GstPad *sink)
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
                         mg_call_drop_unlinked, NULL, NULL);
      mg_call_link_or_log (self, pad, self->dtmf_sink[index]);
      return;
    }
  g_set_object (&leg->audio_src, pad);
  g_object_set_data (G_OBJECT (pad), "mg-call", self);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
                     gate_phone_audio, leg, NULL);
  mg_call_link_or_log (self, pad, self->audio_sink[index]);
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

/* Leg @index's webrtcbin leaves the pipeline and stops on its own (a leg
 * that leaves the call, or a call ending; see mg_call_stop()). */
void
mg_call_take_out_webrtcbin (MgCall *self, guint index)
{
  GstElement *webrtcbin =
    self->legs[index].webrtc ? mg_webrtc_leg_get_webrtcbin (self->legs[index].webrtc) : NULL;
  g_autoptr (GstElement) keep = NULL;

  if (webrtcbin == NULL || GST_ELEMENT_PARENT (webrtcbin) != GST_ELEMENT (self->pipeline))
    return;
  keep = gst_object_ref (webrtcbin);
  gst_element_set_locked_state (webrtcbin, TRUE);
  gst_bin_remove (GST_BIN (self->pipeline), webrtcbin);
  gst_element_set_state (webrtcbin, GST_STATE_NULL);
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
  /* two phones in one pipeline make a cycle in its graph (each webrtcbin
   * sends and receives), which GStreamer warns about at every state change
   * ("loop detected in the graph of bin"): their webrtcbins go first */
  if (self->legs[0].webrtc != NULL && self->legs[1].webrtc != NULL)
    for (guint i = 0; i < 2; i++)
      mg_call_take_out_webrtcbin (self, i);
  gst_element_set_state (GST_ELEMENT (self->pipeline), GST_STATE_NULL);
  for (guint i = 0; i < 2; i++)
    if (self->legs[i].webrtc != NULL)
      g_signal_handlers_disconnect_by_data (self->legs[i].webrtc, self);
  /* the endpoints' sockets go after the pipeline let go of them */
  mg_call_leg_clear (&self->legs[0]);
  mg_call_leg_clear (&self->legs[1]);
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
