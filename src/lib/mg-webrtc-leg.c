/* mg-webrtc-leg.c: one browser's PeerConnection, a webrtcbin in a call's
 * pipeline, with Mediagate as the offerer
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-webrtc"
#define GST_USE_UNSTABLE_API
#define _GNU_SOURCE /* dladdr */

#include "mg-build-config.h"

#include <agent.h> /* libnice */
#include <dlfcn.h>
#include <glib/gi18n-lib.h>
#include <gst/rtp/rtp.h>
#include <gst/webrtc/webrtc.h>
#include <string.h>

#include "mg-webrtc-leg-private.h"

/**
 * MgWebrtcLeg:
 *
 * The WebRTC side of a call: one `webrtcbin` (named after the leg, `webrtc` by
 * default) added to a bin the caller owns, usually the call's pipeline.
 *
 * Mediagate is always the offerer toward the browser (docs/protocol.md):
 * webrtcbin 1.22 answers with the first codec only, so telephone-event is
 * negotiated only when we offer it. The leg offers the media policy's audio
 * codecs plus telephone-event/8000 on one sendrecv transceiver (max-bundle,
 * rtcp-mux, no data channel, no RTX or FEC, a 40 ms jitter buffer).
 *
 * Use: create it, add ICE servers, link RTP into [method@WebrtcLeg.get_sink_pad],
 * bring the bin to at least READY, call [method@WebrtcLeg.create_offer_async]
 * and send the SDP to the browser, forward #MgWebrtcLeg::local-candidate, pass
 * the answer to [method@WebrtcLeg.set_remote_answer] and the browser's
 * candidates to [method@WebrtcLeg.add_remote_candidate]. Received RTP (SRTP
 * removed, not decoded) appears on pads announced by
 * #MgWebrtcLeg::src-pad-added, one per payload type (telephone-event has its
 * own); buffers on a pad nobody linked yet are dropped.
 *
 * webrtcbin 1.22 has no consent freshness, so a browser that vanishes is
 * noticed by an RTP inactivity watch: no RTP for #MgWebrtcLeg:inactivity-timeout
 * after the leg connected emits #MgWebrtcLeg::media-failed.
 *
 * Signals and property notifications are emitted on the main context that
 * was the thread default when the leg was created, never on webrtcbin's
 * threads.
 */

#define DEFAULT_LATENCY_MS 40
#define DEFAULT_INACTIVITY_MS 30000

enum {
  PROP_0,
  PROP_STATE,
  PROP_MID,
  PROP_ENCODING_NAME,
  PROP_PAYLOAD_TYPE,
  PROP_CLOCK_RATE,
  PROP_TELEPHONE_EVENT_PT,
  PROP_INACTIVITY_TIMEOUT,
  N_PROPS
};

enum {
  SIGNAL_LOCAL_CANDIDATE,
  SIGNAL_SRC_PAD_ADDED,
  SIGNAL_MEDIA_FAILED,
  SIGNAL_DTMF_RECEIVED,
  N_SIGNALS
};

static GParamSpec *props[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MgWebrtcLeg, mg_webrtc_leg, G_TYPE_OBJECT)

G_DEFINE_QUARK (mg-webrtc-error-quark, mg_webrtc_error)

static Shared *
shared_ref (Shared *shared)
{
  g_atomic_ref_count_inc (&shared->ref);
  return shared;
}

static void
shared_unref (gpointer data)
{
  Shared *shared = data;

  if (!g_atomic_ref_count_dec (&shared->ref))
    return;
  g_weak_ref_clear (&shared->leg);
  g_main_context_unref (shared->context);
  g_clear_pointer (&shared->audio_caps, gst_caps_unref);
  g_mutex_clear (&shared->pt_lock);
  g_free (shared);
}

static void
shared_closure_unref (gpointer data, GClosure *closure)
{
  shared_unref (data);
}

/* Runs @func on the leg's main context. An idle source rather than
 * g_main_context_invoke_full: with the global default context, invoke would
 * run @func right here on webrtcbin's thread whenever that context happens to
 * be free. */
void
mg_webrtc_leg_hop (GMainContext *context, GSourceFunc func, gpointer data, GDestroyNotify destroy)
{
  g_autoptr (GSource) source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, data, destroy);
  g_source_set_static_name (source, "mg-webrtc-leg hop");
  g_source_attach (source, context);
}

/* A callback's payload on its way to the main context; holds the leg. */
typedef struct
{
  MgWebrtcLeg *leg;
  guint mline;
  char *text;
  GstPad *pad;
  char *encoding_name;
  int payload_type;
} Hop;

static Hop *
hop_new (Shared *shared)
{
  MgWebrtcLeg *leg = g_weak_ref_get (&shared->leg);
  Hop *h;

  if (leg == NULL)
    return NULL;
  h = g_new0 (Hop, 1);
  h->leg = leg;
  return h;
}

static void
hop_free (gpointer data)
{
  Hop *h = data;

  g_object_unref (h->leg);
  g_free (h->text);
  g_clear_object (&h->pad);
  g_free (h->encoding_name);
  g_free (h);
}

static void
set_state (MgWebrtcLeg *self, MgWebrtcLegState state)
{
  if (self->state == state)
    return;
  g_debug ("%s: state %d -> %d", GST_ELEMENT_NAME (self->webrtcbin), self->state, state);
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATE]);
}

static void
stop_watch (MgWebrtcLeg *self)
{
  if (self->watch != NULL)
    {
      g_source_destroy (self->watch);
      g_clear_pointer (&self->watch, g_source_unref);
    }
}

static void
fail (MgWebrtcLeg *self, const char *reason)
{
  if (self->state == MG_WEBRTC_LEG_STATE_FAILED)
    return;
  g_info ("%s: media failed: %s", GST_ELEMENT_NAME (self->webrtcbin), reason);
  stop_watch (self);
  set_state (self, MG_WEBRTC_LEG_STATE_FAILED);
  g_signal_emit (self, signals[SIGNAL_MEDIA_FAILED], 0, reason);
}

static gboolean
watch_tick (gpointer data)
{
  MgWebrtcLeg *self = data;
  gsize count = g_atomic_pointer_get (&self->shared->rtp_buffers);
  gint64 now = g_get_monotonic_time ();

  if (count != self->watch_count)
    {
      self->watch_count = count;
      self->watch_since = now;
    }
  else if (now - self->watch_since >= (gint64) self->inactivity_timeout * 1000)
    {
      g_autofree char *reason = g_strdup_printf (_("no RTP received for %u ms"),
                                                 self->inactivity_timeout);

      fail (self, reason); /* destroys this source */
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* Checks a few times per timeout (at most once a second, at least every
 * 100 ms), counting buffers seen by the src pad probes. */
static void
start_watch (MgWebrtcLeg *self)
{
  stop_watch (self);
  if (self->inactivity_timeout == 0 || self->state != MG_WEBRTC_LEG_STATE_CONNECTED)
    return;
  self->watch_count = g_atomic_pointer_get (&self->shared->rtp_buffers);
  self->watch_since = g_get_monotonic_time ();
  self->watch = g_timeout_source_new (CLAMP (self->inactivity_timeout / 4, 100, 1000));
  g_source_set_callback (self->watch, watch_tick, self, NULL);
  g_source_set_static_name (self->watch, "mg-webrtc-leg inactivity");
  g_source_attach (self->watch, self->shared->context);
}

/* --- webrtcbin callbacks (any thread) and their main-context halves ---- */

static gboolean
candidate_main (gpointer data)
{
  Hop *h = data;

  g_signal_emit (h->leg, signals[SIGNAL_LOCAL_CANDIDATE], 0, h->mline, h->leg->mid, h->text);
  return G_SOURCE_REMOVE;
}

static void
on_ice_candidate (GstElement *webrtcbin, guint mline, char *candidate, gpointer data)
{
  Hop *h = hop_new (data);

  if (h == NULL)
    return;
  h->mline = mline;
  h->text = g_strdup (candidate);
  mg_webrtc_leg_hop (((Shared *) data)->context, candidate_main, h, hop_free);
}

static gboolean
connection_main (gpointer data)
{
  Hop *h = data;
  MgWebrtcLeg *self = h->leg;
  GstWebRTCICEConnectionState ice;
  GstWebRTCPeerConnectionState conn;

  if (self->state == MG_WEBRTC_LEG_STATE_FAILED)
    return G_SOURCE_REMOVE;
  g_object_get (self->webrtcbin, "ice-connection-state", &ice, "connection-state", &conn, NULL);
  g_debug ("%s: ice-connection-state %d, connection-state %d", GST_ELEMENT_NAME (self->webrtcbin),
           ice, conn);
  if (ice == GST_WEBRTC_ICE_CONNECTION_STATE_FAILED)
    fail (self, _("ICE failed"));
  else if (conn == GST_WEBRTC_PEER_CONNECTION_STATE_FAILED)
    fail (self, _("DTLS failed"));
  else if (conn == GST_WEBRTC_PEER_CONNECTION_STATE_CONNECTED
           && self->state == MG_WEBRTC_LEG_STATE_CONNECTING)
    {
      set_state (self, MG_WEBRTC_LEG_STATE_CONNECTED);
      start_watch (self);
    }
  return G_SOURCE_REMOVE;
}

/* Only a hop: webrtcbin's property getters take its lock, so they are read on
 * the main context. */
static void
on_connection_notify (GObject *webrtcbin, GParamSpec *pspec, gpointer data)
{
  Hop *h = hop_new (data);

  if (h != NULL)
    mg_webrtc_leg_hop (((Shared *) data)->context, connection_main, h, hop_free);
}

static GstPadProbeReturn
count_rtp (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  Shared *shared = data;
  gsize n = 1;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST)
    n = gst_buffer_list_length (GST_PAD_PROBE_INFO_BUFFER_LIST (info));
  g_atomic_pointer_add (&shared->rtp_buffers, n);
  /* unlinked until the application links it: drop rather than let
   * not-linked stop webrtcbin's receive path */
  return gst_pad_is_linked (pad) ? GST_PAD_PROBE_OK : GST_PAD_PROBE_DROP;
}

static gboolean
pad_main (gpointer data)
{
  Hop *h = data;

  g_debug ("%s: src pad %s for %s/%d", GST_ELEMENT_NAME (h->leg->webrtcbin), GST_PAD_NAME (h->pad),
           h->encoding_name, h->payload_type);
  g_signal_emit (h->leg, signals[SIGNAL_SRC_PAD_ADDED], 0, h->pad, h->encoding_name,
                 h->payload_type);
  return G_SOURCE_REMOVE;
}

typedef struct
{
  Shared *shared;
  gboolean seen; /* streaming thread only */
  guint32 last_ts;
} EventWatch;

typedef struct
{
  Shared *shared;
  char digit[2];
} KeyHop;

static void
event_watch_free (gpointer data)
{
  EventWatch *watch = data;

  shared_unref (watch->shared);
  g_free (watch);
}

static void
key_hop_free (gpointer data)
{
  KeyHop *hop = data;

  shared_unref (hop->shared);
  g_free (hop);
}

static gboolean
key_main (gpointer data)
{
  KeyHop *hop = data;
  g_autoptr (MgWebrtcLeg) self = g_weak_ref_get (&hop->shared->leg);

  if (self != NULL)
    g_signal_emit (self, signals[SIGNAL_DTMF_RECEIVED], 0, hop->digit);
  return G_SOURCE_REMOVE;
}

/* Every packet of one RFC 4733 event carries the event's start timestamp: a
 * new timestamp is a new key press. Installed when the pad appears, before
 * its first packet passes, so that the first key is not missed. */
static GstPadProbeReturn
detect_keys (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  static const char keys[] = "0123456789*#ABCD";
  EventWatch *watch = data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  KeyHop *hop;
  guint32 ts;
  guint8 event;

  if (buffer == NULL || !gst_rtp_buffer_map (buffer, GST_MAP_READ, &rtp))
    return GST_PAD_PROBE_OK;
  if (gst_rtp_buffer_get_payload_len (&rtp) < 4)
    {
      gst_rtp_buffer_unmap (&rtp);
      return GST_PAD_PROBE_OK;
    }
  ts = gst_rtp_buffer_get_timestamp (&rtp);
  event = ((guint8 *) gst_rtp_buffer_get_payload (&rtp))[0];
  gst_rtp_buffer_unmap (&rtp);
  if ((watch->seen && watch->last_ts == ts) || event >= 16)
    return GST_PAD_PROBE_OK;
  watch->seen = TRUE;
  watch->last_ts = ts;
  hop = g_new0 (KeyHop, 1);
  hop->shared = shared_ref (watch->shared);
  hop->digit[0] = keys[event];
  mg_webrtc_leg_hop (watch->shared->context, key_main, hop, key_hop_free);
  return GST_PAD_PROBE_OK;
}

static void
watch_keys (GstPad *pad, Shared *shared)
{
  g_autoptr (GstCaps) caps = gst_pad_get_current_caps (pad);
  const GstStructure *s = NULL;
  EventWatch *watch;

  if (caps != NULL && gst_caps_get_size (caps) > 0)
    s = gst_caps_get_structure (caps, 0);
  if (s == NULL
      || g_strcmp0 (gst_structure_get_string (s, "encoding-name"), "TELEPHONE-EVENT") != 0)
    return;
  watch = g_new0 (EventWatch, 1);
  watch->shared = shared_ref (shared);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER, detect_keys, watch, event_watch_free);
}

static void
on_pad_added (GstElement *webrtcbin, GstPad *pad, gpointer data)
{
  g_autoptr (GstCaps) caps = NULL;
  const GstStructure *s = NULL;
  Hop *h;

  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC)
    return;
  watch_keys (pad, data);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST, count_rtp,
                     shared_ref (data), shared_unref);
  h = hop_new (data);
  if (h == NULL)
    return;
  h->pad = gst_object_ref (pad);
  caps = gst_pad_get_current_caps (pad);
  if (caps != NULL && gst_caps_get_size (caps) > 0)
    s = gst_caps_get_structure (caps, 0);
  h->encoding_name = g_strdup (s ? gst_structure_get_string (s, "encoding-name") : NULL);
  h->payload_type = -1;
  if (s != NULL)
    gst_structure_get_int (s, "payload", &h->payload_type);
  mg_webrtc_leg_hop (((Shared *) data)->context, pad_main, h, hop_free);
}

/* webrtcbin builds the offer from the codec preferences intersected with
 * what a caps query on the sink pad's peer returns, so until the offer is made
 * the leg answers that query itself with the preferences. */
static GstPadProbeReturn
answer_caps_query (GstPad *pad, GstPadProbeInfo *info, gpointer data)
{
  GstQuery *query = GST_PAD_PROBE_INFO_QUERY (info);
  GstCaps *filter = NULL;
  g_autoptr (GstCaps) caps = NULL;

  if (GST_QUERY_TYPE (query) != GST_QUERY_CAPS)
    return GST_PAD_PROBE_OK;
  gst_query_parse_caps (query, &filter);
  caps = filter ? gst_caps_intersect_full (filter, data, GST_CAPS_INTERSECT_FIRST)
                : gst_caps_ref (data);
  gst_query_set_caps_result (query, caps);
  return GST_PAD_PROBE_HANDLED;
}

/* Opens the way into webrtcbin once the offer is made: the valve then
 * pushes the held-back sticky events (caps) ahead of the first buffer. */
static void
release_sink_pad (MgWebrtcLeg *self)
{
  if (self->query_probe != 0)
    gst_pad_remove_probe (self->webrtc_sink, self->query_probe);
  self->query_probe = 0;
  if (self->hold != NULL)
    g_object_set (self->hold, "drop", FALSE, NULL);
}

/* --- GObject --------------------------------------------------------- */

static void
mg_webrtc_leg_dispose (GObject *object)
{
  MgWebrtcLeg *self = MG_WEBRTC_LEG (object);

  stop_watch (self);
  if (self->pending != NULL)
    mg_webrtc_leg_interrupt (self);
  g_clear_pointer (&self->pending, gst_promise_unref);
  if (self->webrtc_sink != NULL)
    release_sink_pad (self);
  if (self->webrtcbin != NULL && self->handlers != NULL)
    for (guint i = 0; i < self->handlers->len; i++)
      g_signal_handler_disconnect (self->webrtcbin,
                                   GPOINTER_TO_SIZE (g_ptr_array_index (self->handlers, i)));
  g_clear_pointer (&self->handlers, g_ptr_array_unref);
  g_clear_object (&self->sink_pad);
  g_clear_object (&self->webrtc_sink);
  g_clear_object (&self->hold);
  g_clear_object (&self->webrtcbin);
  G_OBJECT_CLASS (mg_webrtc_leg_parent_class)->dispose (object);
}

static void
mg_webrtc_leg_finalize (GObject *object)
{
  MgWebrtcLeg *self = MG_WEBRTC_LEG (object);

  g_clear_pointer (&self->codecs, g_ptr_array_unref);
  g_free (self->mid);
  shared_unref (self->shared);
  G_OBJECT_CLASS (mg_webrtc_leg_parent_class)->finalize (object);
}

static void
mg_webrtc_leg_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  MgWebrtcLeg *self = MG_WEBRTC_LEG (object);

  switch (prop_id)
    {
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_MID:
      g_value_set_string (value, self->mid);
      break;
    case PROP_ENCODING_NAME:
      g_value_set_string (value, mg_webrtc_leg_get_encoding_name (self));
      break;
    case PROP_PAYLOAD_TYPE:
      g_value_set_int (value, mg_webrtc_leg_get_payload_type (self));
      break;
    case PROP_CLOCK_RATE:
      g_value_set_int (value, mg_webrtc_leg_get_clock_rate (self));
      break;
    case PROP_TELEPHONE_EVENT_PT:
      g_value_set_int (value, self->telephone_event_pt);
      break;
    case PROP_INACTIVITY_TIMEOUT:
      g_value_set_uint (value, self->inactivity_timeout);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mg_webrtc_leg_set_property (GObject *object, guint prop_id, const GValue *value,
                            GParamSpec *pspec)
{
  MgWebrtcLeg *self = MG_WEBRTC_LEG (object);

  switch (prop_id)
    {
    case PROP_INACTIVITY_TIMEOUT:
      mg_webrtc_leg_set_inactivity_timeout (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mg_webrtc_leg_class_init (MgWebrtcLegClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = mg_webrtc_leg_dispose;
  object_class->finalize = mg_webrtc_leg_finalize;
  object_class->get_property = mg_webrtc_leg_get_property;
  object_class->set_property = mg_webrtc_leg_set_property;

  /**
   * MgWebrtcLeg:state:
   *
   * Where the leg stands, a #MgWebrtcLegState.
   */
  props[PROP_STATE] = g_param_spec_int ("state", NULL, NULL, 0, MG_WEBRTC_LEG_STATE_FAILED, 0, ro);
  /**
   * MgWebrtcLeg:mid:
   *
   * The media id of the audio m-line of our offer, or %NULL before the offer.
   */
  props[PROP_MID] = g_param_spec_string ("mid", NULL, NULL, NULL, ro);
  /**
   * MgWebrtcLeg:encoding-name:
   *
   * The negotiated audio codec as an RTP caps encoding-name ("OPUS", "G722",
   * "PCMU", "PCMA"), or %NULL before the answer.
   */
  props[PROP_ENCODING_NAME] = g_param_spec_string ("encoding-name", NULL, NULL, NULL, ro);
  /**
   * MgWebrtcLeg:payload-type:
   *
   * The negotiated audio codec's RTP payload type, or -1 before the answer.
   */
  props[PROP_PAYLOAD_TYPE] = g_param_spec_int ("payload-type", NULL, NULL, -1, 127, -1, ro);
  /**
   * MgWebrtcLeg:clock-rate:
   *
   * The negotiated audio codec's RTP clock rate, or 0 before the answer.
   */
  props[PROP_CLOCK_RATE] = g_param_spec_int ("clock-rate", NULL, NULL, 0, G_MAXINT, 0, ro);
  /**
   * MgWebrtcLeg:telephone-event-pt:
   *
   * The payload type of telephone-event/8000 (RFC 4733 DTMF) in the answer,
   * or -1 when the browser did not accept it.
   */
  props[PROP_TELEPHONE_EVENT_PT] =
      g_param_spec_int ("telephone-event-pt", NULL, NULL, -1, 127, -1, ro);
  /**
   * MgWebrtcLeg:inactivity-timeout:
   *
   * Milliseconds without received RTP, once connected, after which the leg
   * fails with #MgWebrtcLeg::media-failed; 0 turns the watch off.
   */
  props[PROP_INACTIVITY_TIMEOUT] =
      g_param_spec_uint ("inactivity-timeout", NULL, NULL, 0, G_MAXUINT, DEFAULT_INACTIVITY_MS,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, props);

  /**
   * MgWebrtcLeg::local-candidate:
   * @self: the leg
   * @mline: the m-line index
   * @mid: (nullable): the m-line's media id
   * @candidate: the candidate line, "candidate:…"
   *
   * A local ICE candidate to trickle to the browser. webrtcbin 1.22 signals no
   * end of candidates.
   */
  signals[SIGNAL_LOCAL_CANDIDATE] =
      g_signal_new ("local-candidate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                    NULL, NULL, G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_STRING, G_TYPE_STRING);
  /**
   * MgWebrtcLeg::src-pad-added:
   * @self: the leg
   * @pad: webrtcbin's new src pad: RTP, SRTP removed, not decoded
   * @encoding_name: (nullable): its caps' encoding-name, e.g. "OPUS" or "TELEPHONE-EVENT"
   * @payload_type: its payload type, or -1 if unknown
   *
   * webrtcbin received the first RTP of a payload type. Link the pad from the
   * handler; until it is linked its buffers are dropped.
   */
  signals[SIGNAL_SRC_PAD_ADDED] =
      g_signal_new ("src-pad-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 3, GST_TYPE_PAD, G_TYPE_STRING, G_TYPE_INT);
  /**
   * MgWebrtcLeg::media-failed:
   * @self: the leg
   * @reason: what failed, for logs
   *
   * ICE or DTLS failed, or no RTP arrived for #MgWebrtcLeg:inactivity-timeout.
   * Emitted once; the state is then %MG_WEBRTC_LEG_STATE_FAILED. The call
   * ends with cause `media_failed`.
   */
  signals[SIGNAL_MEDIA_FAILED] =
      g_signal_new ("media-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                    NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * MgWebrtcLeg::dtmf-received:
   * @self: the leg
   * @digit: the key the browser sent (RFC 4733): "0"-"9", "*", "#", "A"-"D"
   *
   * A new telephone-event from the browser, once per key press, in order.
   */
  signals[SIGNAL_DTMF_RECEIVED] =
    g_signal_new ("dtmf-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
mg_webrtc_leg_init (MgWebrtcLeg *self)
{
  self->shared = g_new0 (Shared, 1);
  g_atomic_ref_count_init (&self->shared->ref);
  g_weak_ref_init (&self->shared->leg, self);
  self->shared->context = g_main_context_ref_thread_default ();
  self->handlers = g_ptr_array_new ();
  self->payload_type = -1;
  self->telephone_event_pt = -1;
  self->inactivity_timeout = DEFAULT_INACTIVITY_MS;
}

static void
connect_webrtcbin (MgWebrtcLeg *self, const char *signal, GCallback callback)
{
  gulong id = g_signal_connect_data (self->webrtcbin, signal, callback, shared_ref (self->shared),
                                     shared_closure_unref, 0);

  g_ptr_array_add (self->handlers, GSIZE_TO_POINTER (id));
}

/* Fewer threads and sockets per call: no UPnP discovery (its own thread) and
 * no ICE-TCP listeners (reference/perf.md §7). */
static void
tune_ice (GstElement *webrtcbin)
{
  g_autoptr (GObject) ice = NULL;
  g_autoptr (GObject) agent = NULL;

  g_object_get (webrtcbin, "ice-agent", &ice, NULL);
  if (ice == NULL)
    return;
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (ice), "ice-tcp"))
    g_object_set (ice, "ice-tcp", FALSE, NULL);
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (ice), "agent"))
    g_object_get (ice, "agent", &agent, NULL);
  if (NICE_IS_AGENT (agent))
    g_object_set (agent, "upnp", FALSE, NULL);
}

/* libnice and sofia-sip both export stun_message_length(); the definition
 * first in the process's global scope serves both, and with sofia-sip's every
 * ICE check fails ("conncheck created 0", "Incorrectly multiplexed STUN
 * message"). libmediagate lists libnice before sofia-sip so that libnice's
 * comes first; this catches a process where that order was lost. */
static gboolean
check_stun_symbols (GError **error)
{
  static gsize checked = 0;
  static gboolean ok = FALSE;
  Dl_info info = { 0 };

  if (g_once_init_enter (&checked))
    {
      gpointer symbol = dlsym (RTLD_DEFAULT, "stun_message_length");

      ok = symbol == NULL
           || (dladdr (symbol, &info) != 0 && info.dli_fname != NULL
               && strstr (info.dli_fname, "libnice") != NULL);
      if (!ok)
        g_warning ("stun_message_length comes from %s, not libnice: ICE cannot work in this "
                   "process (load libnice before sofia-sip)",
                   info.dli_fname ? info.dli_fname : "?");
      g_once_init_leave (&checked, 1);
    }
  if (!ok)
    g_set_error (error, MG_WEBRTC_ERROR, MG_WEBRTC_ERROR_FAILED,
                 _("libnice's STUN functions are shadowed by another library"));
  return ok;
}

/* The sink pad and its transceiver. webrtcbin 1.22 gives a requested pad a
 * transceiver of its own (it never adopts one from add-transceiver), so the
 * preferences go on that one. Until the offer is made webrtcbin must see
 * nothing narrower than the preferences, or the offer carries only the codec
 * of the linked payloader (reference/perf.md §4 #5): a valve in front drops
 * data (caps included) until then, and the caps query webrtcbin sends
 * upstream is answered with the preferences. (A blocking pad probe instead
 * left the stream stuck for good after removal on 1.22.) */
static gboolean
setup_transceiver (MgWebrtcLeg *self, const char *name, GError **error)
{
  g_autoptr (GstWebRTCRTPTransceiver) transceiver = NULL;
  g_autoptr (GstCaps) prefs = mg_webrtc_codec_preferences (self->codecs);
  g_autofree char *hold_name = g_strdup_printf ("%s-hold", name);

  self->webrtc_sink = gst_element_request_pad_simple (self->webrtcbin, "sink_%u");
  self->hold = gst_element_factory_make ("valve", hold_name);
  if (self->webrtc_sink == NULL || self->hold == NULL)
    {
      g_set_error (error, MG_WEBRTC_ERROR, MG_WEBRTC_ERROR_FAILED,
                   _("webrtcbin gave no sink pad"));
      return FALSE;
    }
  gst_object_ref_sink (self->hold);
  g_object_set (self->hold, "drop", TRUE, NULL);
  self->sink_pad = gst_element_get_static_pad (self->hold, "sink");
  g_object_get (self->webrtc_sink, "transceiver", &transceiver, NULL);
  g_object_set (transceiver, "direction", GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_SENDRECV,
                "codec-preferences", prefs, "do-nack", FALSE, "fec-type",
                GST_WEBRTC_FEC_TYPE_NONE, NULL);
  self->query_probe =
      gst_pad_add_probe (self->webrtc_sink, GST_PAD_PROBE_TYPE_QUERY_UPSTREAM, answer_caps_query,
                         gst_caps_ref (prefs), (GDestroyNotify) gst_caps_unref);
  return TRUE;
}

/* Both element names must be free in @bin. */
static gboolean
names_free (GstBin *bin, const char *name, GError **error)
{
  g_autofree char *hold_name = g_strdup_printf ("%s-hold", name);
  g_autoptr (GstElement) a = gst_bin_get_by_name (bin, name);
  g_autoptr (GstElement) b = gst_bin_get_by_name (bin, hold_name);

  if (a == NULL && b == NULL)
    return TRUE;
  g_set_error (error, MG_WEBRTC_ERROR, MG_WEBRTC_ERROR_INVALID,
               _("the bin already has an element named %s"), a ? name : hold_name);
  return FALSE;
}

/* webrtcbin 1.22 maps only the first format of the media to caps
 * (reference/perf.md §4 #1): a browser that answers with another codec of our
 * offer (PCMU, say) or sends telephone-event has its packets dropped by
 * rtpbin for want of caps. rtpbin asks its handlers in turn until one
 * answers: after webrtcbin's, we answer for the negotiated payload types. */
static GstCaps *
on_request_pt_map (GstElement *rtpbin, guint session, guint pt, gpointer data)
{
  Shared *shared = data;
  GstCaps *caps = NULL;

  g_mutex_lock (&shared->pt_lock);
  if ((int) pt == shared->audio_pt && shared->audio_caps != NULL)
    caps = gst_caps_ref (shared->audio_caps);
  else if ((int) pt == shared->telephone_event_pt)
    caps = gst_caps_new_simple ("application/x-rtp", "media", G_TYPE_STRING, "audio",
                                "encoding-name", G_TYPE_STRING, "TELEPHONE-EVENT", "clock-rate",
                                G_TYPE_INT, 8000, "payload", G_TYPE_INT, pt, NULL);
  g_mutex_unlock (&shared->pt_lock);
  return caps;
}

static void
complete_pt_map (MgWebrtcLeg *self)
{
  g_autoptr (GstElement) rtpbin = gst_bin_get_by_name (GST_BIN (self->webrtcbin), "rtpbin");

  g_mutex_init (&self->shared->pt_lock);
  self->shared->audio_pt = -1;
  self->shared->telephone_event_pt = -1;
  if (rtpbin == NULL)
    {
      g_info ("%s: no rtpbin inside webrtcbin: other formats than the first may be dropped",
              GST_ELEMENT_NAME (self->webrtcbin));
      return;
    }
  g_atomic_ref_count_inc (&self->shared->ref);
  g_signal_connect_data (rtpbin, "request-pt-map", G_CALLBACK (on_request_pt_map), self->shared,
                         shared_closure_unref, G_CONNECT_AFTER);
}

/**
 * mg_webrtc_leg_new:
 * @bin: the bin (usually the call's pipeline) the leg's webrtcbin joins
 * @name: (nullable): the webrtcbin's element name, unique in @bin; %NULL for "webrtc"
 * @codecs: (array zero-terminated=1) (nullable): the audio codecs to offer in
 *   order of preference, by media policy name ("opus", "G722", "PCMU", "PCMA");
 *   %NULL or empty for all of them. telephone-event/8000 is always offered last.
 * @error: return location for a #GError
 *
 * Creates a WebRTC leg and adds its webrtcbin (named @name) and a valve in
 * front of it (named @name-hold) to @bin, in @bin's state.
 *
 * Returns: (transfer full): the leg, or %NULL with @error set (unknown codec,
 *   names taken in @bin, webrtcbin missing)
 */
MgWebrtcLeg *
mg_webrtc_leg_new (GstBin *bin, const char *name, const char *const *codecs, GError **error)
{
  g_autoptr (MgWebrtcLeg) self = NULL;
  g_autoptr (GPtrArray) list = NULL;

  g_return_val_if_fail (GST_IS_BIN (bin), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (name == NULL)
    name = "webrtc";
  if (!check_stun_symbols (error))
    return NULL;
  list = mg_webrtc_codecs_from_policy (codecs, error);
  if (list == NULL)
    return NULL;
  if (!names_free (bin, name, error))
    return NULL;
  self = g_object_new (MG_TYPE_WEBRTC_LEG, NULL);
  self->codecs = g_steal_pointer (&list);
  self->webrtcbin = gst_element_factory_make ("webrtcbin", name);
  if (self->webrtcbin == NULL)
    {
      g_set_error (error, MG_WEBRTC_ERROR, MG_WEBRTC_ERROR_FAILED,
                   _("the GStreamer element webrtcbin is not installed"));
      return NULL;
    }
  gst_object_ref_sink (self->webrtcbin);
  g_object_set (self->webrtcbin, "bundle-policy", GST_WEBRTC_BUNDLE_POLICY_MAX_BUNDLE, "latency",
                DEFAULT_LATENCY_MS, NULL);
  tune_ice (self->webrtcbin);
  if (!setup_transceiver (self, name, error))
    return NULL;
  connect_webrtcbin (self, "on-ice-candidate", G_CALLBACK (on_ice_candidate));
  connect_webrtcbin (self, "notify::ice-connection-state", G_CALLBACK (on_connection_notify));
  connect_webrtcbin (self, "notify::connection-state", G_CALLBACK (on_connection_notify));
  connect_webrtcbin (self, "pad-added", G_CALLBACK (on_pad_added));
  complete_pt_map (self);
  gst_bin_add_many (bin, self->webrtcbin, self->hold, NULL);
  gst_element_link_pads (self->hold, "src", self->webrtcbin, GST_PAD_NAME (self->webrtc_sink));
  gst_element_sync_state_with_parent (self->webrtcbin);
  gst_element_sync_state_with_parent (self->hold);
  return g_steal_pointer (&self);
}

/* Called with the answer's payload types before webrtcbin gets it. */
void
mg_webrtc_leg_map_payload_types (MgWebrtcLeg *self, const MgWebrtcAnswerInfo *info)
{
  GstCaps *caps = gst_caps_new_simple ("application/x-rtp", "media", G_TYPE_STRING, "audio",
                                       "encoding-name", G_TYPE_STRING, info->codec->encoding_name,
                                       "clock-rate", G_TYPE_INT, info->codec->clock_rate,
                                       "payload", G_TYPE_INT, info->payload_type, NULL);

  if (info->codec->encoding_params != NULL)
    gst_caps_set_simple (caps, "encoding-params", G_TYPE_STRING, info->codec->encoding_params,
                         NULL);
  g_mutex_lock (&self->shared->pt_lock);
  g_clear_pointer (&self->shared->audio_caps, gst_caps_unref);
  self->shared->audio_caps = caps;
  self->shared->audio_pt = info->payload_type;
  self->shared->telephone_event_pt = info->telephone_event_pt;
  g_mutex_unlock (&self->shared->pt_lock);
}

/* The offer is our local description. */
void
mg_webrtc_leg_offered (MgWebrtcLeg *self)
{
  set_state (self, MG_WEBRTC_LEG_STATE_OFFERED);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_MID]);
  release_sink_pad (self);
}

/* The answer is the remote description. */
void
mg_webrtc_leg_answered (MgWebrtcLeg *self, const MgWebrtcAnswerInfo *info)
{
  self->codec = info->codec;
  self->payload_type = info->payload_type;
  self->telephone_event_pt = info->telephone_event_pt;
  g_info ("%s: negotiated %s/%d pt %d, telephone-event pt %d", GST_ELEMENT_NAME (self->webrtcbin),
          self->codec->encoding_name, self->codec->clock_rate, self->payload_type,
          self->telephone_event_pt);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ENCODING_NAME]);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PAYLOAD_TYPE]);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_CLOCK_RATE]);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_TELEPHONE_EVENT_PT]);
  set_state (self, MG_WEBRTC_LEG_STATE_CONNECTING);
  /* ICE and DTLS may have connected while webrtcbin took the answer */
  mg_webrtc_leg_hop (self->shared->context, connection_main, hop_new (self->shared), hop_free);
}

/* --- accessors --------------------------------------------------------- */

/**
 * mg_webrtc_leg_get_inactivity_timeout:
 * @self: a #MgWebrtcLeg
 *
 * Returns: the RTP inactivity timeout in milliseconds; 0 when off
 */
guint
mg_webrtc_leg_get_inactivity_timeout (MgWebrtcLeg *self)
{
  g_return_val_if_fail (MG_IS_WEBRTC_LEG (self), 0);
  return self->inactivity_timeout;
}

/**
 * mg_webrtc_leg_set_inactivity_timeout:
 * @self: a #MgWebrtcLeg
 * @timeout_ms: milliseconds without received RTP before the leg fails; 0 for never
 *
 * Sets #MgWebrtcLeg:inactivity-timeout; a connected leg starts counting anew.
 */
void
mg_webrtc_leg_set_inactivity_timeout (MgWebrtcLeg *self, guint timeout_ms)
{
  g_return_if_fail (MG_IS_WEBRTC_LEG (self));

  if (self->inactivity_timeout == timeout_ms)
    return;
  self->inactivity_timeout = timeout_ms;
  start_watch (self);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_INACTIVITY_TIMEOUT]);
}

/**
 * mg_webrtc_leg_get_rtp_received:
 * @self: a #MgWebrtcLeg
 *
 * Returns: how many RTP packets webrtcbin has delivered on its src pads
 */
guint64
mg_webrtc_leg_get_rtp_received (MgWebrtcLeg *self)
{
  g_return_val_if_fail (MG_IS_WEBRTC_LEG (self), 0);
  return g_atomic_pointer_get (&self->shared->rtp_buffers);
}
