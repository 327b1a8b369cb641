/* mg-rtp-endpoint.c: the SIP leg's RTP/RTCP sockets, counters, hold, DTMF
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-media"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>

#include <gio/gio.h>
#include <gst/rtp/rtp.h>

#include "mg-rtp-endpoint.h"

/**
 * MgRtpEndpoint:
 *
 * The SIP side of a call's media: an RTP socket (even port) and an RTCP
 * socket (the next port) bound from a port range on a local address before
 * the SDP is written, then handed to the `udpsrc` of the `sip-rtp-recv`
 * shape and the `udpsink` of `sip-rtp-send` (one socket sends and
 * receives: symmetric RTP).
 *
 * Pad probes, no extra elements or threads: received packets are counted
 * (packets, bytes, loss and interarrival jitter as in RFC 3550 A.3/A.8),
 * RFC 4733 events are reported as [signal@Mg.RtpEndpoint::dtmf-received],
 * RTCP arriving on the RTP port (rtcp-mux) is dropped. Packets sent are
 * numbered in the order they leave, so audio and events merged from two
 * paths make one sequence; while on hold nothing is sent and the numbers
 * continue where they stopped (DESIGN.md decision 11). Without packets for the inactivity
 * timeout [signal@Mg.RtpEndpoint::inactive] is emitted (no RTCP or ICE
 * consent tells us the peer has gone).
 *
 * Probes run on streaming threads; they touch only the counters (under a
 * mutex) and hop to the main context of the endpoint's creator for signals.
 * The probes hold no reference: set the pipeline to %GST_STATE_NULL before
 * dropping the last reference to the endpoint.
 */

typedef struct
{
  GMutex lock;
  guint clock_rate;
  int dtmf_pt;          /* -1: none */
  gboolean forward_dtmf;
  /* receive side */
  guint64 packets;
  guint64 bytes;
  guint32 ssrc;
  gboolean have_seq;
  guint32 cycles;
  guint16 base_seq;
  guint16 max_seq;
  guint64 counted; /* packets of the current SSRC */
  gint64 last_transit;
  double jitter;        /* in RTP clock units */
  guint32 last_event_ts;
  gboolean have_event;
  gint64 last_rx_us;    /* monotonic time of the last packet */
  /* send side */
  gboolean hold;
  gboolean numbering;   /* next_seq is set */
  guint16 next_seq;     /* the number of the next packet sent */
  /* one stream for the peer whatever feeds it (decision 11): the first
   * SSRC stays, and a new source's timestamps continue the old ones */
  gboolean have_source;
  guint32 out_ssrc;
  guint32 in_ssrc;
  guint32 ts_offset;
  guint32 last_out_ts;
  gint64 last_sent_us;
  guint64 sent_packets;
  guint64 sent_bytes;
} Counters;

struct _MgRtpEndpoint
{
  GObject parent_instance;

  GMainContext *context;
  GSocket *rtp_socket;
  GSocket *rtcp_socket;
  char *local_address;
  guint local_port;
  char *remote_address;
  guint remote_port;

  GstElement *rtp_src;
  GstElement *rtp_sink;
  GstPad *rx_pad;
  GstPad *tx_pad;
  gulong rx_probe;
  gulong tx_probe;

  Counters c;
  guint inactivity_timeout;
  guint inactivity_id;
  gboolean reported_inactive;
};

enum {
  SIGNAL_DTMF_RECEIVED,
  SIGNAL_INACTIVE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_QUARK (mg-media-error-quark, mg_media_error)
G_DEFINE_FINAL_TYPE (MgRtpEndpoint, mg_rtp_endpoint, G_TYPE_OBJECT)

static void
detach (MgRtpEndpoint *self)
{
  if (self->rx_probe != 0)
    gst_pad_remove_probe (self->rx_pad, self->rx_probe);
  if (self->tx_probe != 0)
    gst_pad_remove_probe (self->tx_pad, self->tx_probe);
  self->rx_probe = self->tx_probe = 0;
  g_clear_object (&self->rx_pad);
  g_clear_object (&self->tx_pad);
  g_clear_object (&self->rtp_src);
  g_clear_object (&self->rtp_sink);
}

static void
mg_rtp_endpoint_dispose (GObject *object)
{
  MgRtpEndpoint *self = MG_RTP_ENDPOINT (object);

  detach (self);
  g_clear_handle_id (&self->inactivity_id, g_source_remove);
  G_OBJECT_CLASS (mg_rtp_endpoint_parent_class)->dispose (object);
}

static void
mg_rtp_endpoint_finalize (GObject *object)
{
  MgRtpEndpoint *self = MG_RTP_ENDPOINT (object);

  if (self->rtp_socket != NULL)
    g_socket_close (self->rtp_socket, NULL);
  if (self->rtcp_socket != NULL)
    g_socket_close (self->rtcp_socket, NULL);
  g_clear_object (&self->rtp_socket);
  g_clear_object (&self->rtcp_socket);
  g_free (self->local_address);
  g_free (self->remote_address);
  g_main_context_unref (self->context);
  g_mutex_clear (&self->c.lock);
  G_OBJECT_CLASS (mg_rtp_endpoint_parent_class)->finalize (object);
}

static void
mg_rtp_endpoint_class_init (MgRtpEndpointClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = mg_rtp_endpoint_dispose;
  object_class->finalize = mg_rtp_endpoint_finalize;

  /**
   * MgRtpEndpoint::dtmf-received:
   * @self: the endpoint
   * @digit: the key: "0"-"9", "*", "#", "A"-"D", or "flash"
   *
   * An RFC 4733 event began in the received stream (emitted once per event,
   * in order, on the creator's main context).
   */
  signals[SIGNAL_DTMF_RECEIVED] =
    g_signal_new ("dtmf-received", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                  NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * MgRtpEndpoint::inactive:
   * @self: the endpoint
   *
   * No RTP arrived for the inactivity timeout while not on hold. Emitted
   * once until packets flow again.
   */
  signals[SIGNAL_INACTIVE] = g_signal_new ("inactive", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
mg_rtp_endpoint_init (MgRtpEndpoint *self)
{
  g_mutex_init (&self->c.lock);
  self->c.dtmf_pt = -1;
  self->c.clock_rate = 8000;
  self->context = g_main_context_ref_thread_default ();
}

static GSocket *
bind_port (GInetAddress *address, guint port)
{
  g_autoptr (GSocket) socket = NULL;
  g_autoptr (GSocketAddress) sa = NULL;

  socket = g_socket_new (g_inet_address_get_family (address), G_SOCKET_TYPE_DATAGRAM,
                         G_SOCKET_PROTOCOL_UDP, NULL);
  if (socket == NULL)
    return NULL;
  sa = g_inet_socket_address_new (address, port);
  if (!g_socket_bind (socket, sa, FALSE, NULL))
    return NULL;
  return g_steal_pointer (&socket);
}

static gboolean
bind_pair (MgRtpEndpoint *self, GInetAddress *address, guint min_port, guint max_port)
{
  guint first = (min_port + 1) & ~1u;
  guint pairs = max_port > first ? (max_port - first + 1) / 2 : 0;
  guint start;

  if (pairs == 0)
    return FALSE;
  /* a random start spreads calls over the range and avoids reusing the
   * port a just-ended call's peer may still send to */
  start = g_random_int_range (0, pairs);
  for (guint i = 0; i < pairs; i++)
    {
      guint port = first + 2 * ((start + i) % pairs);
      g_autoptr (GSocket) rtp = bind_port (address, port);
      g_autoptr (GSocket) rtcp = rtp ? bind_port (address, port + 1) : NULL;

      if (rtcp == NULL)
        continue;
      self->rtp_socket = g_steal_pointer (&rtp);
      self->rtcp_socket = g_steal_pointer (&rtcp);
      self->local_port = port;
      return TRUE;
    }
  return FALSE;
}

/**
 * mg_rtp_endpoint_new:
 * @local_address: the local address to bind (an IPv4 or IPv6 literal)
 * @min_port: the lowest port of the range
 * @max_port: the highest port of the range
 * @error: return location for a #GError
 *
 * Binds an RTP port (even) and its RTCP port (RTP + 1) from the range.
 *
 * Returns: (transfer full): the endpoint, or %NULL with @error set
 */
MgRtpEndpoint *
mg_rtp_endpoint_new (const char *local_address, guint min_port, guint max_port, GError **error)
{
  g_autoptr (MgRtpEndpoint) self = NULL;
  g_autoptr (GInetAddress) address = NULL;

  g_return_val_if_fail (local_address != NULL, NULL);

  address = g_inet_address_new_from_string (local_address);
  if (address == NULL || min_port == 0 || max_port > 65535 || min_port >= max_port)
    {
      g_set_error (error, MG_MEDIA_ERROR, MG_MEDIA_ERROR_INVALID,
                   _("Cannot bind RTP on %s ports %u-%u"), local_address, min_port, max_port);
      return NULL;
    }
  self = g_object_new (MG_TYPE_RTP_ENDPOINT, NULL);
  if (!bind_pair (self, address, min_port, max_port))
    {
      g_set_error (error, MG_MEDIA_ERROR, MG_MEDIA_ERROR_NO_PORT,
                   _("No free RTP port pair on %s in %u-%u"), local_address, min_port, max_port);
      return NULL;
    }
  self->local_address = g_inet_address_to_string (address);
  g_debug ("RTP endpoint bound on %s:%u", self->local_address, self->local_port);
  return g_steal_pointer (&self);
}

/**
 * mg_rtp_endpoint_get_local_address:
 * @self: a #MgRtpEndpoint
 *
 * Returns: the bound local address
 */
const char *
mg_rtp_endpoint_get_local_address (MgRtpEndpoint *self)
{
  g_return_val_if_fail (MG_IS_RTP_ENDPOINT (self), NULL);
  return self->local_address;
}

/**
 * mg_rtp_endpoint_get_local_port:
 * @self: a #MgRtpEndpoint
 *
 * Returns: the bound RTP port, for our SDP
 */
guint
mg_rtp_endpoint_get_local_port (MgRtpEndpoint *self)
{
  g_return_val_if_fail (MG_IS_RTP_ENDPOINT (self), 0);
  return self->local_port;
}

/**
 * mg_rtp_endpoint_get_local_rtcp_port:
 * @self: a #MgRtpEndpoint
 *
 * Returns: the bound RTCP port (RTP port + 1)
 */
guint
mg_rtp_endpoint_get_local_rtcp_port (MgRtpEndpoint *self)
{
  g_return_val_if_fail (MG_IS_RTP_ENDPOINT (self), 0);
  return self->local_port + 1;
}

static void
apply_remote (MgRtpEndpoint *self)
{
  if (self->rtp_sink != NULL && self->remote_address != NULL)
    g_object_set (self->rtp_sink, "host", self->remote_address, "port", (int) self->remote_port,
                  NULL);
}

/**
 * mg_rtp_endpoint_set_remote:
 * @self: a #MgRtpEndpoint
 * @address: the peer's media address from its SDP (an IP literal)
 * @port: the peer's RTP port
 * @error: return location for a #GError
 *
 * Sets where RTP goes; may change during the call (re-INVITE). On failure
 * nothing changes.
 *
 * Returns: %TRUE if the address was accepted
 */
gboolean
mg_rtp_endpoint_set_remote (MgRtpEndpoint *self, const char *address, guint port, GError **error)
{
  g_autoptr (GInetAddress) addr = NULL;

  g_return_val_if_fail (MG_IS_RTP_ENDPOINT (self), FALSE);
  g_return_val_if_fail (address != NULL, FALSE);

  addr = g_inet_address_new_from_string (address);
  if (addr == NULL || port == 0 || port > 65535
      || g_inet_address_get_family (addr) != g_socket_get_family (self->rtp_socket))
    {
      g_set_error (error, MG_MEDIA_ERROR, MG_MEDIA_ERROR_INVALID,
                   _("Cannot send RTP from %s to %s port %u"), self->local_address, address, port);
      return FALSE;
    }
  g_free (self->remote_address);
  self->remote_address = g_inet_address_to_string (addr);
  self->remote_port = port;
  apply_remote (self);
  return TRUE;
}

/* ---- streaming-thread side -------------------------------------------- */

typedef struct
{
  MgRtpEndpoint *self;
  char *digit;
} DtmfReport;

static gboolean
emit_dtmf (gpointer data)
{
  DtmfReport *report = data;

  g_signal_emit (report->self, signals[SIGNAL_DTMF_RECEIVED], 0, report->digit);
  return G_SOURCE_REMOVE;
}

static void
free_report (gpointer data)
{
  DtmfReport *report = data;

  g_object_unref (report->self);
  g_free (report->digit);
  g_free (report);
}

static const char *
event_name (guint event)
{
  static const char *const names[] = { "0", "1", "2", "3", "4", "5", "6", "7", "8",
                                       "9", "*", "#", "A", "B", "C", "D", "flash" };

  return event < G_N_ELEMENTS (names) ? names[event] : NULL;
}

/* Called with the lock held. Returns the digit of a new event, or NULL. */
static const char *
note_dtmf (Counters *c, GstRTPBuffer *rtp)
{
  guint8 *payload = gst_rtp_buffer_get_payload (rtp);
  guint32 ts = gst_rtp_buffer_get_timestamp (rtp);

  if (gst_rtp_buffer_get_payload_len (rtp) < 4)
    return NULL;
  /* every packet of one event carries the event's start timestamp */
  if (c->have_event && c->last_event_ts == ts)
    return NULL;
  c->have_event = TRUE;
  c->last_event_ts = ts;
  return event_name (payload[0]);
}

/* RFC 3550 A.1 (sequence) and A.8 (jitter); lock held. */
static void
count_rtp (Counters *c, GstRTPBuffer *rtp, gsize size, gboolean is_audio)
{
  guint16 seq = gst_rtp_buffer_get_seq (rtp);
  guint32 ssrc = gst_rtp_buffer_get_ssrc (rtp);

  c->packets++;
  c->bytes += size;
  if (!c->have_seq || ssrc != c->ssrc)
    {
      c->have_seq = TRUE;
      c->ssrc = ssrc;
      c->base_seq = c->max_seq = seq;
      c->cycles = 0;
      c->counted = 0;
      c->jitter = 0;
      c->last_transit = G_MININT64;
    }
  else if ((guint16) (seq - c->max_seq) < 3000)
    {
      if (seq < c->max_seq)
        c->cycles += 65536;
      c->max_seq = seq;
    }
  c->counted++;
  if (is_audio)
    {
      gint64 arrival = g_get_monotonic_time () * c->clock_rate / G_USEC_PER_SEC;
      gint64 transit = arrival - gst_rtp_buffer_get_timestamp (rtp);

      if (c->last_transit != G_MININT64)
        {
          /* timestamps wrap at 2^32: compare modulo */
          gint32 d = (gint32) (guint32) (transit - c->last_transit);

          c->jitter += (ABS ((double) d) - c->jitter) / 16.0;
        }
      c->last_transit = transit;
    }
}

static gboolean
is_rtcp (GstBuffer *buffer)
{
  guint8 header[2];

  /* RFC 5761 §4: RTCP packet types 200-204 sit where RTP's marker+PT is */
  return gst_buffer_extract (buffer, 0, header, 2) == 2 && header[1] >= 200 && header[1] <= 204;
}

/* TRUE to keep the buffer. */
static gboolean
receive_one (MgRtpEndpoint *self, GstBuffer *buffer)
{
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  const char *digit = NULL;
  gboolean keep = TRUE;
  Counters *c = &self->c;
  guint pt;

  if (is_rtcp (buffer) || !gst_rtp_buffer_map (buffer, GST_MAP_READ, &rtp))
    return FALSE;
  pt = gst_rtp_buffer_get_payload_type (&rtp);
  g_mutex_lock (&c->lock);
  c->last_rx_us = g_get_monotonic_time ();
  count_rtp (c, &rtp, gst_buffer_get_size (buffer), (int) pt != c->dtmf_pt);
  if ((int) pt == c->dtmf_pt)
    {
      digit = note_dtmf (c, &rtp);
      keep = c->forward_dtmf;
    }
  g_mutex_unlock (&c->lock);
  gst_rtp_buffer_unmap (&rtp);
  if (digit != NULL)
    {
      DtmfReport *report = g_new0 (DtmfReport, 1);

      report->self = g_object_ref (self);
      report->digit = g_strdup (digit);
      g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, emit_dtmf, report,
                                  free_report);
    }
  return keep;
}

static gboolean
keep_received (GstBuffer **buffer, guint idx, gpointer user_data)
{
  if (!receive_one (user_data, *buffer))
    gst_clear_buffer (buffer);
  return TRUE;
}

static GstPadProbeReturn
rx_probe (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  MgRtpEndpoint *self = user_data;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER)
    return receive_one (self, GST_PAD_PROBE_INFO_BUFFER (info)) ? GST_PAD_PROBE_OK
                                                               : GST_PAD_PROBE_DROP;
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST)
    {
      GstBufferList *list = gst_buffer_list_make_writable (GST_PAD_PROBE_INFO_BUFFER_LIST (info));

      GST_PAD_PROBE_INFO_DATA (info) = list;
      gst_buffer_list_foreach (list, keep_received, self);
      return gst_buffer_list_length (list) > 0 ? GST_PAD_PROBE_OK : GST_PAD_PROBE_DROP;
    }
  return GST_PAD_PROBE_OK;
}

/* A new source (a transfer joined another party to this peer) takes over
 * the stream: same SSRC, timestamps going on from the last ones by the
 * time that passed, the marker bit set as after silence. */
static void
keep_one_stream (Counters *c, GstRTPBuffer *rtp)
{
  guint32 ssrc = gst_rtp_buffer_get_ssrc (rtp);
  guint32 ts = gst_rtp_buffer_get_timestamp (rtp);
  gint64 now = g_get_monotonic_time ();

  if (!c->have_source)
    {
      c->have_source = TRUE;
      c->out_ssrc = c->in_ssrc = ssrc;
    }
  else if (ssrc != c->in_ssrc)
    {
      guint32 elapsed = (guint32) ((now - c->last_sent_us) * (gint64) c->clock_rate / G_USEC_PER_SEC);

      c->in_ssrc = ssrc;
      c->ts_offset = c->last_out_ts + MAX (elapsed, 1) - ts;
      gst_rtp_buffer_set_marker (rtp, TRUE);
    }
  ts += c->ts_offset;
  gst_rtp_buffer_set_ssrc (rtp, c->out_ssrc);
  gst_rtp_buffer_set_timestamp (rtp, ts);
  c->last_out_ts = ts;
  c->last_sent_us = now;
}

/* Sends one buffer's worth of bookkeeping; returns the renumbered buffer,
 * or NULL to drop it. Every packet sent takes the next sequence number:
 * what is held back leaves no hole, and the phone's audio and its RFC 4733
 * events, which reach the funnel by two paths, make one numbering (on calls
 * from SIP they were seen thousands apart, which SRTP refuses as a replay). */
static GstBuffer *
send_one (MgRtpEndpoint *self, GstBuffer *buffer)
{
  Counters *c = &self->c;
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;

  buffer = gst_buffer_make_writable (buffer);
  if (!gst_rtp_buffer_map (buffer, GST_MAP_READWRITE, &rtp))
    return buffer;
  g_mutex_lock (&c->lock);
  if (c->hold)
    {
      g_mutex_unlock (&c->lock);
      gst_rtp_buffer_unmap (&rtp);
      gst_buffer_unref (buffer);
      return NULL;
    }
  if (!c->numbering)
    c->next_seq = gst_rtp_buffer_get_seq (&rtp);
  c->numbering = TRUE;
  gst_rtp_buffer_set_seq (&rtp, c->next_seq++);
  keep_one_stream (c, &rtp);
  c->sent_packets++;
  c->sent_bytes += gst_buffer_get_size (buffer);
  g_mutex_unlock (&c->lock);
  gst_rtp_buffer_unmap (&rtp);
  return buffer;
}

static gboolean
send_in_list (GstBuffer **buffer, guint idx, gpointer user_data)
{
  *buffer = send_one (user_data, *buffer);
  return TRUE;
}

static GstPadProbeReturn
tx_probe (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  MgRtpEndpoint *self = user_data;

  if (info->type & GST_PAD_PROBE_TYPE_BUFFER)
    {
      GstBuffer *buffer = send_one (self, GST_PAD_PROBE_INFO_BUFFER (info));

      GST_PAD_PROBE_INFO_DATA (info) = buffer;
      return buffer != NULL ? GST_PAD_PROBE_OK : GST_PAD_PROBE_HANDLED;
    }
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST)
    {
      GstBufferList *list = gst_buffer_list_make_writable (GST_PAD_PROBE_INFO_BUFFER_LIST (info));

      GST_PAD_PROBE_INFO_DATA (info) = list;
      gst_buffer_list_foreach (list, send_in_list, self);
      return gst_buffer_list_length (list) > 0 ? GST_PAD_PROBE_OK : GST_PAD_PROBE_DROP;
    }
  return GST_PAD_PROBE_OK;
}

/* ---- main-thread side --------------------------------------------------- */

static gboolean
read_clock_rate (MgRtpEndpoint *self)
{
  g_autoptr (GstCaps) caps = NULL;
  int rate = 0;

  g_object_get (self->rtp_src, "caps", &caps, NULL);
  if (caps == NULL || gst_caps_get_size (caps) == 0
      || !gst_structure_get_int (gst_caps_get_structure (caps, 0), "clock-rate", &rate)
      || rate <= 0)
    return FALSE;
  self->c.clock_rate = rate;
  return TRUE;
}

static gboolean
set_sockets (MgRtpEndpoint *self, GstBin *bin, GError **error)
{
  g_autoptr (GstElement) rtcp_src = gst_bin_get_by_name (bin, "sip_rtcp_src");
  const char *sink_socket
    = g_socket_get_family (self->rtp_socket) == G_SOCKET_FAMILY_IPV6 ? "socket-v6" : "socket";

  self->rtp_src = gst_bin_get_by_name (bin, "sip_rtp_src");
  self->rtp_sink = gst_bin_get_by_name (bin, "sip_rtp_sink");
  if (self->rtp_src == NULL || self->rtp_sink == NULL || rtcp_src == NULL
      || !read_clock_rate (self))
    {
      detach (self);
      g_set_error (error, MG_MEDIA_ERROR, MG_MEDIA_ERROR_INVALID,
                   _("The bin lacks the “sip-rtp-recv” and “sip-rtp-send” shapes, or a clock rate in their caps"));
      return FALSE;
    }
  g_object_set (self->rtp_src, "socket", self->rtp_socket, "close-socket", FALSE, NULL);
  g_object_set (rtcp_src, "socket", self->rtcp_socket, "close-socket", FALSE, NULL);
  g_object_set (self->rtp_sink, sink_socket, self->rtp_socket, "close-socket", FALSE,
                "auto-multicast", FALSE, NULL);
  return TRUE;
}

/* Where packets are plain RTP: after an SRTP shape's decoder, before its
 * encoder (the funnel's src pad: the sink's peer in the plain shape). */
static GstPad *
clear_pad (GstBin *bin, const char *name, const char *pad, GstElement *fallback,
           const char *fallback_pad)
{
  g_autoptr (GstElement) element = gst_bin_get_by_name (bin, name);

  return element ? gst_element_get_static_pad (element, pad)
                 : gst_element_get_static_pad (fallback, fallback_pad);
}

/**
 * mg_rtp_endpoint_attach:
 * @self: a #MgRtpEndpoint
 * @bin: a bin holding the `sip-rtp-recv` and `sip-rtp-send` shapes (e.g.
 *   the call's pipeline; elements are found by name, recursively), not yet
 *   playing
 * @error: return location for a #GError
 *
 * Gives the shape's `udpsrc`/`udpsink` our sockets and the remote address,
 * and installs the counting, DTMF and hold probes.
 *
 * Returns: %TRUE on success
 */
gboolean
mg_rtp_endpoint_attach (MgRtpEndpoint *self, GstBin *bin, GError **error)
{
  GstPadProbeType types = GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST;

  g_return_val_if_fail (MG_IS_RTP_ENDPOINT (self), FALSE);
  g_return_val_if_fail (GST_IS_BIN (bin), FALSE);
  g_return_val_if_fail (self->rtp_src == NULL, FALSE);

  if (!set_sockets (self, bin, error))
    return FALSE;
  apply_remote (self);
  self->rx_pad = clear_pad (bin, "sip_srtp_dec", "rtp_src", self->rtp_src, "src");
  self->tx_pad = clear_pad (bin, "sip_rtp_mux", "src", self->rtp_sink, "sink");
  self->rx_probe = gst_pad_add_probe (self->rx_pad, types, rx_probe, self, NULL);
  self->tx_probe = gst_pad_add_probe (self->tx_pad, types, tx_probe, self, NULL);
  g_mutex_lock (&self->c.lock);
  self->c.last_rx_us = g_get_monotonic_time ();
  g_mutex_unlock (&self->c.lock);
  return TRUE;
}

/**
 * mg_rtp_endpoint_set_hold:
 * @self: a #MgRtpEndpoint
 * @hold: %TRUE to stop sending
 *
 * Holds or resumes the SIP side: while held nothing is sent to the peer
 * (the other leg keeps streaming into the bridge), and the inactivity timer
 * does not fire. On resume the sequence numbers continue without a gap.
 */
void
mg_rtp_endpoint_set_hold (MgRtpEndpoint *self, gboolean hold)
{
  g_return_if_fail (MG_IS_RTP_ENDPOINT (self));

  g_mutex_lock (&self->c.lock);
  self->c.hold = hold;
  /* the timer restarts when the hold ends */
  self->c.last_rx_us = g_get_monotonic_time ();
  g_mutex_unlock (&self->c.lock);
}

/**
 * mg_rtp_endpoint_get_hold:
 * @self: a #MgRtpEndpoint
 *
 * Returns: whether the endpoint is on hold
 */
gboolean
mg_rtp_endpoint_get_hold (MgRtpEndpoint *self)
{
  gboolean hold;

  g_return_val_if_fail (MG_IS_RTP_ENDPOINT (self), FALSE);

  g_mutex_lock (&self->c.lock);
  hold = self->c.hold;
  g_mutex_unlock (&self->c.lock);
  return hold;
}

/**
 * mg_rtp_endpoint_set_dtmf_payload_type:
 * @self: a #MgRtpEndpoint
 * @payload_type: the telephone-event payload type the peer negotiated, or -1
 * @forward: whether event packets continue downstream (passthrough) or are
 *   dropped after being reported (transcoding: the other leg gets them
 *   regenerated)
 *
 * Tells the endpoint which received packets are RFC 4733 events.
 */
void
mg_rtp_endpoint_set_dtmf_payload_type (MgRtpEndpoint *self, int payload_type, gboolean forward)
{
  g_return_if_fail (MG_IS_RTP_ENDPOINT (self));
  g_return_if_fail (payload_type >= -1 && payload_type <= 127);

  g_mutex_lock (&self->c.lock);
  self->c.dtmf_pt = payload_type;
  self->c.forward_dtmf = forward;
  g_mutex_unlock (&self->c.lock);
}

static gboolean
check_inactivity (gpointer data)
{
  MgRtpEndpoint *self = data;
  gboolean hold, idle;

  g_mutex_lock (&self->c.lock);
  hold = self->c.hold;
  idle = g_get_monotonic_time () - self->c.last_rx_us
         >= (gint64) self->inactivity_timeout * G_USEC_PER_SEC;
  g_mutex_unlock (&self->c.lock);
  if (hold || !idle)
    self->reported_inactive = FALSE;
  else if (!self->reported_inactive && self->rtp_src != NULL)
    {
      self->reported_inactive = TRUE;
      g_info ("No RTP from %s:%u for %u s", self->remote_address ? self->remote_address : "?",
              self->remote_port, self->inactivity_timeout);
      g_signal_emit (self, signals[SIGNAL_INACTIVE], 0);
    }
  return G_SOURCE_CONTINUE;
}

/**
 * mg_rtp_endpoint_set_inactivity_timeout:
 * @self: a #MgRtpEndpoint
 * @seconds: seconds without RTP before [signal@Mg.RtpEndpoint::inactive], or
 *   0 to turn the check off
 *
 * Arms the RTP inactivity timer on the creator's main context.
 */
void
mg_rtp_endpoint_set_inactivity_timeout (MgRtpEndpoint *self, guint seconds)
{
  g_autoptr (GSource) source = NULL;

  g_return_if_fail (MG_IS_RTP_ENDPOINT (self));

  g_clear_handle_id (&self->inactivity_id, g_source_remove);
  self->inactivity_timeout = seconds;
  self->reported_inactive = FALSE;
  if (seconds == 0)
    return;
  /* check a few times per timeout so the signal comes close to it */
  source = g_timeout_source_new (MAX (seconds * 1000 / 4, 50));
  g_source_set_callback (source, check_inactivity, self, NULL);
  g_source_set_static_name (source, "mg-rtp-inactivity");
  self->inactivity_id = g_source_attach (source, self->context);
}

#define COUNTER_GETTER(type, name, expr)                                                           \
  type mg_rtp_endpoint_get_##name (MgRtpEndpoint *self)                                           \
  {                                                                                                \
    type value;                                                                                    \
                                                                                                   \
    g_return_val_if_fail (MG_IS_RTP_ENDPOINT (self), 0);                                           \
    g_mutex_lock (&self->c.lock);                                                                  \
    value = (expr);                                                                                \
    g_mutex_unlock (&self->c.lock);                                                                \
    return value;                                                                                  \
  }

/**
 * mg_rtp_endpoint_get_packets_received:
 * @self: a #MgRtpEndpoint
 *
 * Returns: RTP packets received from the peer (RTCP and garbage not counted)
 */
COUNTER_GETTER (guint64, packets_received, self->c.packets)

/**
 * mg_rtp_endpoint_get_bytes_received:
 * @self: a #MgRtpEndpoint
 *
 * Returns: bytes of the RTP packets received (headers included)
 */
COUNTER_GETTER (guint64, bytes_received, self->c.bytes)

/**
 * mg_rtp_endpoint_get_packets_lost:
 * @self: a #MgRtpEndpoint
 *
 * The cumulative number of packets lost in the current stream (RFC 3550
 * A.3: expected minus received; negative with duplicates).
 *
 * Returns: packets lost
 */
COUNTER_GETTER (gint64, packets_lost,
                self->c.have_seq ? (gint64) (self->c.cycles + self->c.max_seq) - self->c.base_seq
                                     + 1 - (gint64) self->c.counted
                                 : 0)

/**
 * mg_rtp_endpoint_get_jitter:
 * @self: a #MgRtpEndpoint
 *
 * Returns: the interarrival jitter of the received audio in milliseconds
 */
COUNTER_GETTER (double, jitter, self->c.jitter * 1000.0 / self->c.clock_rate)

/**
 * mg_rtp_endpoint_get_packets_sent:
 * @self: a #MgRtpEndpoint
 *
 * Returns: RTP packets sent to the peer (not those held back)
 */
COUNTER_GETTER (guint64, packets_sent, self->c.sent_packets)

/**
 * mg_rtp_endpoint_get_bytes_sent:
 * @self: a #MgRtpEndpoint
 *
 * Returns: bytes of the RTP packets sent
 */
COUNTER_GETTER (guint64, bytes_sent, self->c.sent_bytes)
