/* mg-rtp-pt-map.c: payload type rewriting in a pad probe
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-media"

#include "mg-build-config.h"

#include <gst/rtp/rtp.h>

#include "mg-rtp-endpoint.h"

typedef struct
{
  gint8 map[128]; /* -1: unchanged */
} PtMap;

static GstBuffer *
map_one (const PtMap *map, GstBuffer *buffer)
{
  GstRTPBuffer rtp = GST_RTP_BUFFER_INIT;
  guint8 header[2];
  int to;

  /* peek first: most packets need no change and stay unmapped */
  if (gst_buffer_extract (buffer, 0, header, 2) != 2)
    return buffer;
  to = map->map[header[1] & 0x7f];
  if (to < 0)
    return buffer;
  buffer = gst_buffer_make_writable (buffer);
  if (gst_rtp_buffer_map (buffer, GST_MAP_READWRITE, &rtp))
    {
      gst_rtp_buffer_set_payload_type (&rtp, to);
      gst_rtp_buffer_unmap (&rtp);
    }
  return buffer;
}

static gboolean
map_in_list (GstBuffer **buffer, guint idx, gpointer user_data)
{
  *buffer = map_one (user_data, *buffer);
  return TRUE;
}

static GstPadProbeReturn
map_probe (GstPad *pad, GstPadProbeInfo *info, gpointer user_data)
{
  if (info->type & GST_PAD_PROBE_TYPE_BUFFER)
    GST_PAD_PROBE_INFO_DATA (info) = map_one (user_data, GST_PAD_PROBE_INFO_BUFFER (info));
  else if (info->type & GST_PAD_PROBE_TYPE_BUFFER_LIST)
    {
      GstBufferList *list = gst_buffer_list_make_writable (GST_PAD_PROBE_INFO_BUFFER_LIST (info));

      GST_PAD_PROBE_INFO_DATA (info) = list;
      gst_buffer_list_foreach (list, map_in_list, user_data);
    }
  return GST_PAD_PROBE_OK;
}

/**
 * mg_rtp_pad_map_payload_type:
 * @pad: a pad carrying RTP (e.g. a passthrough shape's element pad)
 * @from: the payload type on one leg
 * @to: the payload type negotiated on the other leg for the same codec
 *
 * Rewrites the payload type of packets passing @pad from @from to @to,
 * leaving SSRC, sequence numbers and timestamps alone. Call once per mapping
 * (e.g. audio and telephone-event) before the pad carries data.
 */
void
mg_rtp_pad_map_payload_type (GstPad *pad, guint from, guint to)
{
  static GQuark quark;
  PtMap *map;

  g_return_if_fail (GST_IS_PAD (pad));
  g_return_if_fail (from <= 127 && to <= 127);

  if (quark == 0)
    quark = g_quark_from_static_string ("mg-pt-map");
  map = g_object_get_qdata (G_OBJECT (pad), quark);
  if (map == NULL)
    {
      map = g_new (PtMap, 1);
      memset (map->map, -1, sizeof map->map);
      g_object_set_qdata_full (G_OBJECT (pad), quark, map, g_free);
      gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
                         map_probe, map, NULL);
    }
  map->map[from] = from == to ? -1 : (gint8) to;
}
