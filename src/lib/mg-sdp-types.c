/* mg-sdp-types.c: SDP directions, codec and crypto descriptions
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-sip"

#include "mg-build-config.h"

#include "mg-sip-sdp.h"

G_DEFINE_ENUM_TYPE (MgSdpDirection, mg_sdp_direction,
                    G_DEFINE_ENUM_VALUE (MG_SDP_DIRECTION_SENDRECV, "sendrecv"),
                    G_DEFINE_ENUM_VALUE (MG_SDP_DIRECTION_SENDONLY, "sendonly"),
                    G_DEFINE_ENUM_VALUE (MG_SDP_DIRECTION_RECVONLY, "recvonly"),
                    G_DEFINE_ENUM_VALUE (MG_SDP_DIRECTION_INACTIVE, "inactive"))

static const char *const direction_names[] = { "sendrecv", "sendonly", "recvonly", "inactive" };

/**
 * mg_sdp_direction_to_string:
 * @direction: a direction
 *
 * Returns: the SDP attribute name, e.g. "sendonly"
 */
const char *
mg_sdp_direction_to_string (MgSdpDirection direction)
{
  g_return_val_if_fail (direction <= MG_SDP_DIRECTION_INACTIVE, NULL);

  return direction_names[direction];
}

/**
 * mg_sdp_direction_answer:
 * @offered: the direction in the peer's offer
 * @hold: whether we hold the call (we send nothing)
 *
 * The direction to answer with (RFC 3264 §6.1): a sendonly offer is answered
 * recvonly and so on; holding removes our sending.
 *
 * Returns: the direction for our answer
 */
MgSdpDirection
mg_sdp_direction_answer (MgSdpDirection offered, gboolean hold)
{
  gboolean we_send = offered == MG_SDP_DIRECTION_SENDRECV || offered == MG_SDP_DIRECTION_RECVONLY;
  gboolean we_recv = offered == MG_SDP_DIRECTION_SENDRECV || offered == MG_SDP_DIRECTION_SENDONLY;

  if (hold)
    we_send = FALSE;
  if (we_send && we_recv)
    return MG_SDP_DIRECTION_SENDRECV;
  if (we_send)
    return MG_SDP_DIRECTION_SENDONLY;
  if (we_recv)
    return MG_SDP_DIRECTION_RECVONLY;
  return MG_SDP_DIRECTION_INACTIVE;
}

G_DEFINE_BOXED_TYPE (MgSdpCodec, mg_sdp_codec, mg_sdp_codec_copy, mg_sdp_codec_free)
G_DEFINE_BOXED_TYPE (MgSdpCrypto, mg_sdp_crypto, mg_sdp_crypto_copy, mg_sdp_crypto_free)

/**
 * mg_sdp_codec_new:
 * @payload_type: the payload type, 0-127
 * @encoding_name: the encoding name, e.g. "PCMU"
 * @clock_rate: the RTP clock rate
 * @channels: the channel count
 * @fmtp: (nullable): format parameters
 *
 * Returns: (transfer full): a new codec description
 */
MgSdpCodec *
mg_sdp_codec_new (guint payload_type, const char *encoding_name, guint clock_rate,
                  guint channels, const char *fmtp)
{
  MgSdpCodec *codec;

  g_return_val_if_fail (payload_type <= 127, NULL);
  g_return_val_if_fail (encoding_name != NULL, NULL);

  codec = g_new0 (MgSdpCodec, 1);
  codec->payload_type = payload_type;
  codec->encoding_name = g_strdup (encoding_name);
  codec->clock_rate = clock_rate;
  codec->channels = MAX (channels, 1);
  codec->fmtp = g_strdup (fmtp);
  return codec;
}

/**
 * mg_sdp_codec_new_default:
 * @name: a codec name of the media policy: "opus", "G722", "PCMU", "PCMA"
 *   or "telephone-event"
 *
 * The codec as Mediagate offers it to SIP peers: static payload types for
 * G.711 and G.722, 111 for Opus, 101 for telephone-event (8 kHz).
 *
 * Returns: (transfer full) (nullable): the codec, or %NULL for an unknown name
 */
MgSdpCodec *
mg_sdp_codec_new_default (const char *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  if (g_ascii_strcasecmp (name, "PCMU") == 0)
    return mg_sdp_codec_new (0, "PCMU", 8000, 1, NULL);
  if (g_ascii_strcasecmp (name, "PCMA") == 0)
    return mg_sdp_codec_new (8, "PCMA", 8000, 1, NULL);
  if (g_ascii_strcasecmp (name, "G722") == 0)
    return mg_sdp_codec_new (9, "G722", 8000, 1, NULL);
  if (g_ascii_strcasecmp (name, "opus") == 0)
    return mg_sdp_codec_new (111, "opus", 48000, 2, "minptime=10;useinbandfec=1");
  if (g_ascii_strcasecmp (name, "telephone-event") == 0)
    return mg_sdp_codec_new (101, "telephone-event", 8000, 1, "0-16");
  return NULL;
}

/**
 * mg_sdp_codec_copy:
 * @codec: a codec
 *
 * Returns: (transfer full): a copy of @codec
 */
MgSdpCodec *
mg_sdp_codec_copy (const MgSdpCodec *codec)
{
  return mg_sdp_codec_new (codec->payload_type, codec->encoding_name, codec->clock_rate,
                           codec->channels, codec->fmtp);
}

/**
 * mg_sdp_codec_free:
 * @codec: (transfer full): a codec
 *
 * Frees @codec.
 */
void
mg_sdp_codec_free (MgSdpCodec *codec)
{
  if (codec == NULL)
    return;
  g_free (codec->encoding_name);
  g_free (codec->fmtp);
  g_free (codec);
}

/**
 * mg_sdp_crypto_copy:
 * @crypto: a crypto line
 *
 * Returns: (transfer full): a copy of @crypto
 */
MgSdpCrypto *
mg_sdp_crypto_copy (const MgSdpCrypto *crypto)
{
  MgSdpCrypto *copy = g_new0 (MgSdpCrypto, 1);

  copy->tag = crypto->tag;
  copy->suite = g_strdup (crypto->suite);
  copy->key_params = g_strdup (crypto->key_params);
  copy->session_params = g_strdup (crypto->session_params);
  return copy;
}

/**
 * mg_sdp_crypto_free:
 * @crypto: (transfer full): a crypto line
 *
 * Frees @crypto.
 */
void
mg_sdp_crypto_free (MgSdpCrypto *crypto)
{
  if (crypto == NULL)
    return;
  g_free (crypto->suite);
  g_free (crypto->key_params);
  g_free (crypto->session_params);
  g_free (crypto);
}

