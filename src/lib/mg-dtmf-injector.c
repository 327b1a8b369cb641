/* mg-dtmf-injector.c: RFC 4733 events written into an RTP stream in place
 * of its audio packets
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-media"

#include "mg-build-config.h"

#include <gst/rtp/rtp.h>
#include <string.h>

#include "mg-dtmf-injector-private.h"

/*
 * Digits the server plays toward a SIP peer (a phone's `dtmf` request, a
 * key from a transcoded phone) travel as RFC 4733 events in the peer's own
 * stream. Each event packet takes the place of one audio packet: SSRC and
 * sequence numbers stay continuous, so the peer never sees a new stream
 * (DESIGN.md decision 11), whatever the shape (passthrough or transcoding)
 * and without a mixer element or an extra thread. The events follow the
 * stream's clock: they run while audio flows (not during a hold).
 *
 * A digit: ON_MS of event packets (timestamp of the first, growing
 * duration, marker on the first), its end packet three times (RFC 4733
 * §2.5.1.4), then GAP_MS of audio before the next digit.
 */

#define ON_MS 160
#define GAP_MS 80
#define END_PACKETS 3
#define VOLUME 10 /* -10 dBm0 */

struct _MgDtmfInjector
{
  gatomicrefcount ref;
  GMutex lock;
  GString *pending; /* digits not started yet (lock) */
  guint8 payload_type;
  guint clock_rate;

  /* the streaming thread's own state */
  int event; /* RFC 4733 event code playing, -1: none */
  guint32 start_ts;
  guint32 duration;
  guint ends_sent;
  gboolean in_gap;
  guint32 gap_until;
  gboolean have_last;
  guint32 last_ts;
  guint32 step; /* timestamp units between packets, as seen */
};

static int
event_code (char digit)
{
  static const char codes[] = "0123456789*#ABCD";
  const char *at = strchr (codes, g_ascii_toupper (digit));

  return digit != '\0' && at != NULL ? (int) (at - codes) : -1;
}

MgDtmfInjector *
mg_dtmf_injector_ref (MgDtmfInjector *self)
{
  g_atomic_ref_count_inc (&self->ref);
  return self;
}

void
mg_dtmf_injector_unref (MgDtmfInjector *self)
{
  if (!g_atomic_ref_count_dec (&self->ref))
    return;
  g_mutex_clear (&self->lock);
  g_string_free (self->pending, TRUE);
  g_free (self);
}

static void
unref_notify (gpointer data)
{
  mg_dtmf_injector_unref (data);
}

/* The next digit to play, once the gap after the last one has passed. */
static int
next_event (MgDtmfInjector *self, guint32 ts)
{
  int code = -1;

  if (self->in_gap && (gint32) (ts - self->gap_until) < 0)
    return -1;
  self->in_gap = FALSE;
  g_mutex_lock (&self->lock);
  while (code < 0 && self->pending->len > 0)
    {
      code = event_code (self->pending->str[0]);
      g_string_erase (self->pending, 0, 1);
    }
  g_mutex_unlock (&self->lock);
  return code;
}

static GstBuffer *
event_packet (MgDtmfInjector *self, GstBuffer *audio, guint32 ssrc, guint16 seq, gboolean first,
              gboolean end)
{
  GstBuffer *packet = gst_rtp_buffer_new_allocate (4, 0, 0);
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  guint8 *payload;

  gst_rtp_buffer_map (packet, GST_MAP_WRITE, &rtp);
  gst_rtp_buffer_set_ssrc (&rtp, ssrc);
  gst_rtp_buffer_set_seq (&rtp, seq);
  gst_rtp_buffer_set_timestamp (&rtp, self->start_ts);
  gst_rtp_buffer_set_payload_type (&rtp, self->payload_type);
  gst_rtp_buffer_set_marker (&rtp, first);
  payload = gst_rtp_buffer_get_payload (&rtp);
  payload[0] = self->event;
  payload[1] = (end ? 0x80 : 0) | VOLUME;
  payload[2] = self->duration >> 8;
  payload[3] = self->duration & 0xff;
  gst_rtp_buffer_unmap (&rtp);
  GST_BUFFER_PTS (packet) = GST_BUFFER_PTS (audio);
  GST_BUFFER_DTS (packet) = GST_BUFFER_DTS (audio);
  return packet;
}

/* One packet of the stream: passed on, or replaced by an event packet. */
static GstBuffer *
inject_one (MgDtmfInjector *self, GstBuffer *buffer)
{
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  guint32 ts, ssrc;
  guint16 seq;
  gboolean first = FALSE, end;
  GstBuffer *packet;

  if (!gst_rtp_buffer_map (buffer, GST_MAP_READ, &rtp))
    return buffer;
  ts = gst_rtp_buffer_get_timestamp (&rtp);
  ssrc = gst_rtp_buffer_get_ssrc (&rtp);
  seq = gst_rtp_buffer_get_seq (&rtp);
  gst_rtp_buffer_unmap (&rtp);

  if (self->have_last && ts - self->last_ts > 0 && ts - self->last_ts < self->clock_rate / 5)
    self->step = ts - self->last_ts;
  self->have_last = TRUE;
  self->last_ts = ts;

  if (self->event < 0)
    {
      self->event = next_event (self, ts);
      if (self->event < 0)
        return buffer;
      first = TRUE;
      self->start_ts = ts;
      self->ends_sent = 0;
    }
  if (self->ends_sent == 0)
    self->duration = MIN (ts - self->start_ts + self->step, G_MAXUINT16);
  end = self->duration >= self->clock_rate * ON_MS / 1000;
  packet = event_packet (self, buffer, ssrc, seq, first, end);
  if (end && ++self->ends_sent == END_PACKETS)
    {
      self->event = -1;
      self->in_gap = TRUE;
      self->gap_until = ts + self->clock_rate * GAP_MS / 1000;
    }
  gst_buffer_unref (buffer);
  return packet;
}

static gboolean
inject_in_list (GstBuffer **buffer, guint idx, gpointer user_data)
{
  *buffer = inject_one (user_data, *buffer);
  return TRUE;
}

static GstPadProbeReturn
inject_probe (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER)
    GST_PAD_PROBE_INFO_DATA (info) = inject_one (user_data, GST_PAD_PROBE_INFO_BUFFER (info));
  else if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST)
    {
      GstBufferList *list = gst_buffer_list_make_writable (GST_PAD_PROBE_INFO_BUFFER_LIST (info));

      GST_PAD_PROBE_INFO_DATA (info) = list;
      gst_buffer_list_foreach (list, inject_in_list, user_data);
    }
  return GST_PAD_PROBE_OK;
}

/*
 * mg_dtmf_injector_attach:
 * @pad: a pad carrying one RTP stream toward a peer
 * @payload_type: the peer's telephone-event payload type
 * @clock_rate: the stream's RTP clock rate, which must be telephone-event's
 *
 * Returns: (transfer full): the injector; the probe on @pad holds its own
 * reference, so digits queued after the pipeline is gone are dropped.
 */
MgDtmfInjector *
mg_dtmf_injector_attach (GstPad *pad, guint payload_type, guint clock_rate)
{
  MgDtmfInjector *self = g_new0 (MgDtmfInjector, 1);

  g_return_val_if_fail (payload_type <= 127 && clock_rate > 0, NULL);
  g_atomic_ref_count_init (&self->ref);
  g_mutex_init (&self->lock);
  self->pending = g_string_new (NULL);
  self->payload_type = payload_type;
  self->clock_rate = clock_rate;
  self->event = -1;
  self->step = clock_rate / 50; /* 20 ms until packets tell otherwise */
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST, inject_probe,
                     mg_dtmf_injector_ref (self), unref_notify);
  return self;
}

/*
 * mg_dtmf_injector_queue:
 * @digits: 0-9 * # A-D (others are skipped)
 *
 * Plays @digits after those queued before, from the stream's next packet.
 */
void
mg_dtmf_injector_queue (MgDtmfInjector *self, const char *digits)
{
  g_mutex_lock (&self->lock);
  g_string_append (self->pending, digits);
  g_mutex_unlock (&self->lock);
}
