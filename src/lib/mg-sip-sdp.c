/* mg-sip-sdp.c: the SIP peer's SDP (audio), parsed and validated; ours, built
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-sip"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>

#include <gio/gio.h>
#include <gst/sdp/sdp.h>

#include "mg-sip-sdp.h"

/* SDP comes from outside: everything here is pure (no I/O, no globals) so
 * it can be fed garbage by tests. gst_sdp_message_parse_buffer() accepts
 * nearly anything; the checks that make a description usable are ours. */

#define MAX_SDP_LENGTH 65536
#define MAX_FORMATS 64

G_DEFINE_QUARK (mg-sdp-error-quark, mg_sdp_error)

/* ---- MgSipSdp --------------------------------------------------------- */

/**
 * MgSipSdp:
 *
 * The audio part of a SIP peer's SDP offer or answer, parsed and checked:
 * where to send RTP (address and port), which codecs with which payload
 * types and format parameters, the telephone-event formats, the media
 * direction (hold), rtcp-mux, and any SDES crypto lines.
 *
 * Garbage gives a #GError, never a crash; the object is immutable.
 */
struct _MgSipSdp
{
  GObject parent_instance;

  char *address;
  guint port;
  guint rtcp_port;
  gboolean rtcp_mux;
  gboolean secure;
  MgSdpDirection direction;
  guint ptime;
  guint64 session_version;
  GPtrArray *codecs;  /* MgSdpCodec, in the peer's order */
  GPtrArray *cryptos; /* MgSdpCrypto */
};

G_DEFINE_FINAL_TYPE (MgSipSdp, mg_sip_sdp, G_TYPE_OBJECT)

static void
mg_sip_sdp_finalize (GObject *object)
{
  MgSipSdp *self = MG_SIP_SDP (object);

  g_free (self->address);
  g_ptr_array_unref (self->codecs);
  g_ptr_array_unref (self->cryptos);
  G_OBJECT_CLASS (mg_sip_sdp_parent_class)->finalize (object);
}

static void
mg_sip_sdp_class_init (MgSipSdpClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mg_sip_sdp_finalize;
}

static void
mg_sip_sdp_init (MgSipSdp *self)
{
  self->codecs = g_ptr_array_new_with_free_func ((GDestroyNotify) mg_sdp_codec_free);
  self->cryptos = g_ptr_array_new_with_free_func ((GDestroyNotify) mg_sdp_crypto_free);
}

static gboolean G_GNUC_PRINTF (2, 3)
fail (GError **error, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  if (error == NULL)
    return FALSE;
  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, MG_SDP_ERROR, MG_SDP_ERROR_INVALID, message);
  return FALSE;
}

/* A decimal number in [0, max]: digits only, at most 10 of them. */
static gboolean
parse_uint (const char *text, gsize len, guint max, guint *out)
{
  guint64 value = 0;

  if (len == 0 || len > 10)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        return FALSE;
      value = value * 10 + (text[i] - '0');
    }
  if (value > max)
    return FALSE;
  *out = (guint) value;
  return TRUE;
}

static gboolean
parse_uint_str (const char *text, guint max, guint *out)
{
  return text != NULL && parse_uint (text, strlen (text), max, out);
}

/* "96 opus/48000/2" -> codec; FALSE if malformed. */
static gboolean
parse_rtpmap (const char *value, guint *pt, char **name, guint *rate, guint *channels)
{
  g_auto (GStrv) parts = NULL;
  const char *space;
  guint n;

  if (value == NULL || (space = strchr (value, ' ')) == NULL)
    return FALSE;
  if (!parse_uint (value, space - value, 127, pt))
    return FALSE;
  parts = g_strsplit (space + 1, "/", 4);
  n = g_strv_length (parts);
  if (n < 2 || n > 3 || *parts[0] == '\0' || strlen (parts[0]) > 32)
    return FALSE;
  if (!parse_uint_str (parts[1], 1000000, rate) || *rate == 0)
    return FALSE;
  *channels = 1;
  if (n == 3 && (!parse_uint_str (parts[2], 8, channels) || *channels == 0))
    return FALSE;
  *name = g_strdup (parts[0]);
  return TRUE;
}

static MgSdpCodec *
static_codec (guint pt)
{
  switch (pt)
    {
    case 0:
      return mg_sdp_codec_new (0, "PCMU", 8000, 1, NULL);
    case 8:
      return mg_sdp_codec_new (8, "PCMA", 8000, 1, NULL);
    case 9:
      return mg_sdp_codec_new (9, "G722", 8000, 1, NULL);
    case 18:
      return mg_sdp_codec_new (18, "G729", 8000, 1, NULL);
    default:
      return NULL;
    }
}

static const char *
find_attribute_for_pt (const GstSDPMedia *media, const char *key, guint pt)
{
  for (guint i = 0; i < gst_sdp_media_attributes_len (media); i++)
    {
      const GstSDPAttribute *attr = gst_sdp_media_get_attribute (media, i);
      const char *space;
      guint attr_pt;

      if (g_strcmp0 (attr->key, key) != 0 || attr->value == NULL)
        continue;
      space = strchr (attr->value, ' ');
      if (space != NULL && parse_uint (attr->value, space - attr->value, 127, &attr_pt)
          && attr_pt == pt)
        return attr->value;
    }
  return NULL;
}

static gboolean
parse_codecs (MgSipSdp *self, const GstSDPMedia *media, GError **error)
{
  guint n = gst_sdp_media_formats_len (media);

  if (n == 0 || n > MAX_FORMATS)
    return fail (error, _("The audio media description lists %u formats"), n);
  for (guint i = 0; i < n; i++)
    {
      const char *fmt = gst_sdp_media_get_format (media, i);
      const char *rtpmap;
      const char *fmtp;
      g_autofree char *name = NULL;
      guint pt, map_pt, rate, channels;
      MgSdpCodec *codec;

      if (!parse_uint_str (fmt, 127, &pt))
        return fail (error, _("“%s” is not an RTP payload type"), fmt ? fmt : "");
      rtpmap = find_attribute_for_pt (media, "rtpmap", pt);
      if (rtpmap != NULL)
        {
          if (!parse_rtpmap (rtpmap, &map_pt, &name, &rate, &channels))
            return fail (error, _("Malformed rtpmap “%s”"), rtpmap);
          codec = mg_sdp_codec_new (pt, name, rate, channels, NULL);
        }
      else if ((codec = static_codec (pt)) == NULL)
        continue; /* a dynamic type without rtpmap: unusable, not fatal */
      fmtp = find_attribute_for_pt (media, "fmtp", pt);
      if (fmtp != NULL)
        codec->fmtp = g_strdup (strchr (fmtp, ' ') + 1);
      g_ptr_array_add (self->codecs, codec);
    }
  if (self->codecs->len == 0)
    return fail (error, _("The audio media description has no usable format"));
  return TRUE;
}

static gboolean
parse_address (MgSipSdp *self, const GstSDPConnection *conn, GError **error)
{
  g_autoptr (GInetAddress) addr = NULL;
  GSocketFamily family;

  if (conn == NULL || conn->address == NULL || *conn->address == '\0')
    return fail (error, _("No connection address (c=) for the audio stream"));
  if (g_strcmp0 (conn->nettype, "IN") != 0)
    return fail (error, _("Unknown network type “%s” in c="), conn->nettype ? conn->nettype : "");
  if (g_strcmp0 (conn->addrtype, "IP4") == 0)
    family = G_SOCKET_FAMILY_IPV4;
  else if (g_strcmp0 (conn->addrtype, "IP6") == 0)
    family = G_SOCKET_FAMILY_IPV6;
  else
    return fail (error, _("Unknown address type “%s” in c="),
                 conn->addrtype ? conn->addrtype : "");
  addr = g_inet_address_new_from_string (conn->address);
  if (addr == NULL || g_inet_address_get_family (addr) != family)
    {
      g_set_error (error, MG_SDP_ERROR, MG_SDP_ERROR_UNSUPPORTED,
                   _("Connection address “%.64s” is not an %s address"), conn->address,
                   conn->addrtype);
      return FALSE;
    }
  if (g_inet_address_get_is_multicast (addr))
    {
      g_set_error (error, MG_SDP_ERROR, MG_SDP_ERROR_UNSUPPORTED,
                   _("Multicast media (%s) is not supported"), conn->address);
      return FALSE;
    }
  self->address = g_inet_address_to_string (addr);
  /* RFC 2543 hold: c=0.0.0.0 means "do not send to me" */
  if (g_inet_address_get_is_any (addr))
    self->direction = mg_sdp_direction_answer (mg_sdp_direction_answer (self->direction, TRUE),
                                               FALSE);
  return TRUE;
}

static MgSdpDirection
direction_of (const char *const *keys, gboolean *found)
{
  for (MgSdpDirection d = MG_SDP_DIRECTION_SENDRECV; d <= MG_SDP_DIRECTION_INACTIVE; d++)
    if (g_strv_contains (keys, mg_sdp_direction_to_string (d)))
      {
        *found = TRUE;
        return d;
      }
  *found = FALSE;
  return MG_SDP_DIRECTION_SENDRECV;
}

static GStrv
media_attribute_keys (const GstSDPMedia *media)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  GStrv keys;

  for (guint i = 0; i < gst_sdp_media_attributes_len (media); i++)
    g_strv_builder_add (builder, gst_sdp_media_get_attribute (media, i)->key);
  keys = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return keys;
}

static GStrv
session_attribute_keys (const GstSDPMessage *msg)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  GStrv keys;

  for (guint i = 0; i < gst_sdp_message_attributes_len (msg); i++)
    g_strv_builder_add (builder, gst_sdp_message_get_attribute (msg, i)->key);
  keys = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return keys;
}

static void
parse_direction (MgSipSdp *self, const GstSDPMessage *msg, const GstSDPMedia *media)
{
  g_auto (GStrv) media_keys = media_attribute_keys (media);
  g_auto (GStrv) session_keys = session_attribute_keys (msg);
  gboolean found;

  /* media-level wins over session-level (RFC 4566 §6) */
  self->direction = direction_of ((const char *const *) media_keys, &found);
  if (!found)
    self->direction = direction_of ((const char *const *) session_keys, &found);
  self->rtcp_mux = g_strv_contains ((const char *const *) media_keys, "rtcp-mux");
}

/* A malformed crypto line is skipped (RTP/SAVP without a usable line fails
 * below; under RTP/AVP the line was optional); MgSdes judges the rest. The
 * key parameters are secret: never in a message. */
static void
parse_crypto (MgSipSdp *self, const GstSDPMedia *media)
{
  const char *value;

  for (guint i = 0; (value = gst_sdp_media_get_attribute_val_n (media, "crypto", i)) != NULL; i++)
    {
      g_auto (GStrv) parts = g_strsplit (value, " ", 4);
      MgSdpCrypto *crypto;
      guint tag;

      if (g_strv_length (parts) < 3 || !parse_uint_str (parts[0], 999999999, &tag))
        {
          g_info ("SDP: crypto line %u is malformed; skipped", i + 1);
          continue;
        }
      crypto = g_new0 (MgSdpCrypto, 1);
      crypto->tag = tag;
      crypto->suite = g_strdup (parts[1]);
      crypto->key_params = g_strdup (parts[2]);
      crypto->session_params = g_strdup (parts[3]);
      g_ptr_array_add (self->cryptos, crypto);
    }
}

static gboolean
parse_ports (MgSipSdp *self, const GstSDPMedia *media, GError **error)
{
  const char *rtcp = gst_sdp_media_get_attribute_val (media, "rtcp");
  guint rtcp_port;

  self->port = gst_sdp_media_get_port (media);
  if (self->port == 0 || self->port > 65535 || gst_sdp_media_get_num_ports (media) > 1)
    return fail (error, _("Bad audio port %u"), self->port);
  self->rtcp_port = self->rtcp_mux ? self->port : self->port + 1;
  if (rtcp != NULL)
    {
      const char *end = strchr (rtcp, ' ');

      if (!parse_uint (rtcp, end ? (gsize) (end - rtcp) : strlen (rtcp), 65535, &rtcp_port)
          || rtcp_port == 0)
        return fail (error, _("Malformed rtcp attribute “%.40s”"), rtcp);
      self->rtcp_port = rtcp_port;
    }
  return TRUE;
}

static const GstSDPMedia *
find_audio (const GstSDPMessage *msg, GError **error)
{
  for (guint i = 0; i < gst_sdp_message_medias_len (msg); i++)
    {
      const GstSDPMedia *media = gst_sdp_message_get_media (msg, i);
      const char *proto = gst_sdp_media_get_proto (media);

      if (g_strcmp0 (gst_sdp_media_get_media (media), "audio") != 0
          || gst_sdp_media_get_port (media) == 0)
        continue;
      if (g_strcmp0 (proto, "RTP/AVP") != 0 && g_strcmp0 (proto, "RTP/SAVP") != 0
          && g_strcmp0 (proto, "RTP/AVPF") != 0 && g_strcmp0 (proto, "RTP/SAVPF") != 0)
        {
          g_set_error (error, MG_SDP_ERROR, MG_SDP_ERROR_UNSUPPORTED,
                       _("Audio transport “%.40s” is not supported"), proto ? proto : "");
          return NULL;
        }
      return media;
    }
  fail (error, _("The SDP has no active audio stream"));
  return NULL;
}

static gboolean
parse_message (MgSipSdp *self, const GstSDPMessage *msg, GError **error)
{
  const GstSDPMedia *media;
  const GstSDPOrigin *origin = gst_sdp_message_get_origin (msg);
  const char *ptime;

  if (g_strcmp0 (gst_sdp_message_get_version (msg), "0") != 0)
    return fail (error, _("Not an SDP: it must start with “v=0”"));
  if (origin->sess_version != NULL
      && !g_ascii_string_to_unsigned (origin->sess_version, 10, 0, G_MAXUINT64,
                                      &self->session_version, NULL))
    return fail (error, _("Malformed session version in o="));
  media = find_audio (msg, error);
  if (media == NULL)
    return FALSE;
  parse_direction (self, msg, media);
  if (!parse_address (self, gst_sdp_media_connections_len (media) > 0
                              ? gst_sdp_media_get_connection (media, 0)
                              : gst_sdp_message_get_connection (msg),
                      error))
    return FALSE;
  if (!parse_ports (self, media, error) || !parse_codecs (self, media, error))
    return FALSE;
  parse_crypto (self, media);
  self->secure = g_str_has_prefix (gst_sdp_media_get_proto (media), "RTP/SAVP");
  if (self->secure && self->cryptos->len == 0)
    return fail (error, _("RTP/SAVP without any well-formed crypto line"));
  ptime = gst_sdp_media_get_attribute_val (media, "ptime");
  if (ptime == NULL || !parse_uint_str (ptime, 1000, &self->ptime))
    self->ptime = 0;
  return TRUE;
}

/**
 * mg_sip_sdp_parse:
 * @text: the SDP body
 * @length: the length of @text, or -1 if it is NUL-terminated
 * @error: return location for a #GError
 *
 * Parses and checks a SIP peer's SDP; only its first active audio stream is
 * kept.
 *
 * Returns: (transfer full): the parsed SDP, or %NULL with @error set
 */
MgSipSdp *
mg_sip_sdp_parse (const char *text, gssize length, GError **error)
{
  g_autoptr (MgSipSdp) self = NULL;
  GstSDPMessage *msg = NULL;
  gsize len;
  gboolean ok;

  g_return_val_if_fail (text != NULL || length == 0, NULL);

  len = length < 0 ? strlen (text) : (gsize) length;
  if (len == 0 || len > MAX_SDP_LENGTH)
    {
      fail (error, _("SDP of %" G_GSIZE_FORMAT " bytes (allowed: 1 to %u)"), len,
            MAX_SDP_LENGTH);
      return NULL;
    }
  if (memchr (text, '\0', len) != NULL)
    {
      fail (error, _("SDP contains a NUL byte"));
      return NULL;
    }
  self = g_object_new (MG_TYPE_SIP_SDP, NULL);
  gst_sdp_message_new (&msg);
  ok = gst_sdp_message_parse_buffer ((const guint8 *) text, len, msg) == GST_SDP_OK
       && parse_message (self, msg, error);
  if (!ok && error != NULL && *error == NULL)
    fail (error, _("Malformed SDP"));
  gst_sdp_message_free (msg);
  return ok ? g_steal_pointer (&self) : NULL;
}

/**
 * mg_sip_sdp_get_address:
 * @self: a #MgSipSdp
 *
 * Returns: the address to send RTP to (media-level c= or else session-level)
 */
const char *
mg_sip_sdp_get_address (MgSipSdp *self)
{
  g_return_val_if_fail (MG_IS_SIP_SDP (self), NULL);
  return self->address;
}

/**
 * mg_sip_sdp_get_port:
 * @self: a #MgSipSdp
 *
 * Returns: the port to send RTP to
 */
guint
mg_sip_sdp_get_port (MgSipSdp *self)
{
  g_return_val_if_fail (MG_IS_SIP_SDP (self), 0);
  return self->port;
}

/**
 * mg_sip_sdp_get_rtcp_port:
 * @self: a #MgSipSdp
 *
 * Returns: the port to send RTCP to: a=rtcp, else the RTP port with
 *   rtcp-mux, else RTP port + 1
 */
guint
mg_sip_sdp_get_rtcp_port (MgSipSdp *self)
{
  g_return_val_if_fail (MG_IS_SIP_SDP (self), 0);
  return self->rtcp_port;
}

/**
 * mg_sip_sdp_get_rtcp_mux:
 * @self: a #MgSipSdp
 *
 * Returns: whether the peer offered a=rtcp-mux
 */
gboolean
mg_sip_sdp_get_rtcp_mux (MgSipSdp *self)
{
  g_return_val_if_fail (MG_IS_SIP_SDP (self), FALSE);
  return self->rtcp_mux;
}

/**
 * mg_sip_sdp_get_direction:
 * @self: a #MgSipSdp
 *
 * The peer's direction; c=0.0.0.0 (old-style hold) counts as not receiving.
 *
 * Returns: the direction from the peer's point of view
 */
MgSdpDirection
mg_sip_sdp_get_direction (MgSipSdp *self)
{
  g_return_val_if_fail (MG_IS_SIP_SDP (self), MG_SDP_DIRECTION_INACTIVE);
  return self->direction;
}

/**
 * mg_sip_sdp_get_secure:
 * @self: a #MgSipSdp
 *
 * Returns: whether the stream is RTP/SAVP (SDES-SRTP with crypto lines)
 */
gboolean
mg_sip_sdp_get_secure (MgSipSdp *self)
{
  g_return_val_if_fail (MG_IS_SIP_SDP (self), FALSE);
  return self->secure;
}

/**
 * mg_sip_sdp_get_ptime:
 * @self: a #MgSipSdp
 *
 * Returns: the a=ptime in milliseconds, or 0 if none
 */
guint
mg_sip_sdp_get_ptime (MgSipSdp *self)
{
  g_return_val_if_fail (MG_IS_SIP_SDP (self), 0);
  return self->ptime;
}

/**
 * mg_sip_sdp_get_session_version:
 * @self: a #MgSipSdp
 *
 * Returns: the o= session version (a re-INVITE with the same one changes nothing)
 */
guint64
mg_sip_sdp_get_session_version (MgSipSdp *self)
{
  g_return_val_if_fail (MG_IS_SIP_SDP (self), 0);
  return self->session_version;
}

/**
 * mg_sip_sdp_get_codecs:
 * @self: a #MgSipSdp
 *
 * Returns: (transfer none) (element-type MgSdpCodec): the formats in the
 *   peer's order, telephone-event and comfort noise included
 */
GPtrArray *
mg_sip_sdp_get_codecs (MgSipSdp *self)
{
  g_return_val_if_fail (MG_IS_SIP_SDP (self), NULL);
  return self->codecs;
}

/**
 * mg_sip_sdp_get_cryptos:
 * @self: a #MgSipSdp
 *
 * Returns: (transfer none) (element-type MgSdpCrypto): the SDES crypto lines
 */
GPtrArray *
mg_sip_sdp_get_cryptos (MgSipSdp *self)
{
  g_return_val_if_fail (MG_IS_SIP_SDP (self), NULL);
  return self->cryptos;
}

/**
 * mg_sip_sdp_find_telephone_event:
 * @self: a #MgSipSdp
 * @clock_rate: the clock rate of the chosen audio codec
 *
 * Finds the RFC 4733 format to use with an audio codec of @clock_rate
 * (telephone-event shares the audio stream's clock).
 *
 * Returns: (transfer none) (nullable): the telephone-event format, or %NULL
 *   if the peer offered none at that rate (then DTMF goes as SIP INFO)
 */
MgSdpCodec *
mg_sip_sdp_find_telephone_event (MgSipSdp *self, guint clock_rate)
{
  g_return_val_if_fail (MG_IS_SIP_SDP (self), NULL);

  for (guint i = 0; i < self->codecs->len; i++)
    {
      MgSdpCodec *codec = g_ptr_array_index (self->codecs, i);

      if (g_ascii_strcasecmp (codec->encoding_name, "telephone-event") == 0
          && codec->clock_rate == clock_rate)
        return codec;
    }
  return NULL;
}

static gboolean
codec_matches (const MgSdpCodec *codec, const char *name)
{
  if (g_ascii_strcasecmp (codec->encoding_name, name) != 0)
    return FALSE;
  if (g_ascii_strcasecmp (name, "opus") == 0)
    return codec->clock_rate == 48000;
  return codec->clock_rate == 8000;
}

/**
 * mg_sip_sdp_choose_codec:
 * @self: a #MgSipSdp
 * @policy: (array zero-terminated=1): codec names in our order of
 *   preference, as in the media settings ("opus", "G722", "PCMU", "PCMA";
 *   "telephone-event" is skipped)
 * @error: return location for a #GError
 *
 * Picks the audio codec: the first of @policy that the peer offered, with the
 * peer's payload type and format parameters.
 *
 * Returns: (transfer full): the chosen codec, or %NULL with @error set
 */
MgSdpCodec *
mg_sip_sdp_choose_codec (MgSipSdp *self, const char *const *policy, GError **error)
{
  g_return_val_if_fail (MG_IS_SIP_SDP (self), NULL);
  g_return_val_if_fail (policy != NULL, NULL);

  for (guint p = 0; policy[p] != NULL; p++)
    {
      if (g_ascii_strcasecmp (policy[p], "telephone-event") == 0)
        continue;
      for (guint i = 0; i < self->codecs->len; i++)
        {
          MgSdpCodec *codec = g_ptr_array_index (self->codecs, i);

          if (codec_matches (codec, policy[p]))
            return mg_sdp_codec_copy (codec);
        }
    }
  g_set_error (error, MG_SDP_ERROR, MG_SDP_ERROR_NO_CODEC,
               _("None of the offered audio codecs is allowed by the media settings"));
  return NULL;
}

static void
add_codec (GstSDPMedia *media, const MgSdpCodec *codec)
{
  g_autofree char *pt = g_strdup_printf ("%u", codec->payload_type);
  g_autofree char *rtpmap = NULL;

  gst_sdp_media_add_format (media, pt);
  if (codec->channels > 1)
    rtpmap = g_strdup_printf ("%u %s/%u/%u", codec->payload_type, codec->encoding_name,
                              codec->clock_rate, codec->channels);
  else
    rtpmap = g_strdup_printf ("%u %s/%u", codec->payload_type, codec->encoding_name,
                              codec->clock_rate);
  gst_sdp_media_add_attribute (media, "rtpmap", rtpmap);
  if (codec->fmtp != NULL && *codec->fmtp != '\0')
    {
      g_autofree char *fmtp = g_strdup_printf ("%u %s", codec->payload_type, codec->fmtp);

      gst_sdp_media_add_attribute (media, "fmtp", fmtp);
    }
}

static void
add_crypto (GstSDPMedia *media, const MgSdpCrypto *crypto)
{
  g_autofree char *line = g_strdup_printf ("%u %s %s", crypto->tag, crypto->suite,
                                           crypto->key_params);

  gst_sdp_media_add_attribute (media, "crypto", line);
}

static gboolean
check_codec (const MgSdpCodec *codec, GError **error)
{
  /* our own values, but they end up in SIP: keep them to SDP's token set */
  for (const char *p = codec->encoding_name; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.' && *p != '_')
      return fail (error, _("Bad encoding name “%s”"), codec->encoding_name);
  if (codec->payload_type > 127 || codec->clock_rate == 0
      || (codec->fmtp != NULL && strpbrk (codec->fmtp, "\r\n") != NULL))
    return fail (error, _("Bad codec “%s”"), codec->encoding_name);
  return TRUE;
}

/**
 * mg_sip_sdp_build:
 * @address: our media address (an IPv4 or IPv6 literal)
 * @port: our RTP port
 * @session_id: the o= session id
 * @session_version: the o= session version (increment it on every change)
 * @codecs: (element-type MgSdpCodec): the formats to offer or answer, in
 *   order, telephone-event included
 * @direction: our direction, e.g. %MG_SDP_DIRECTION_SENDONLY to hold
 * @cryptos: (nullable) (element-type MgSdpCrypto): SDES crypto lines
 *   (RFC 4568) to add, or %NULL
 * @secure: %TRUE for the RTP/SAVP profile (needs @cryptos), else RTP/AVP
 * @error: return location for a #GError
 *
 * Builds our SDP offer or answer for the SIP leg (ptime 20). The text holds
 * the crypto lines' keys: log it through mg_sdes_redact() only.
 *
 * Returns: (transfer full): the SDP text, or %NULL with @error set
 */
char *
mg_sip_sdp_build (const char *address, guint port, guint64 session_id, guint64 session_version,
                  GPtrArray *codecs, MgSdpDirection direction, GPtrArray *cryptos,
                  gboolean secure, GError **error)
{
  g_autoptr (GInetAddress) addr = NULL;
  GstSDPMessage *msg = NULL;
  GstSDPMedia media = { 0 };
  g_autofree char *id = g_strdup_printf ("%" G_GUINT64_FORMAT, session_id);
  g_autofree char *version = g_strdup_printf ("%" G_GUINT64_FORMAT, session_version);
  const char *addrtype;
  char *text;

  g_return_val_if_fail (address != NULL, NULL);
  g_return_val_if_fail (codecs != NULL, NULL);
  g_return_val_if_fail (direction <= MG_SDP_DIRECTION_INACTIVE, NULL);

  addr = g_inet_address_new_from_string (address);
  if (addr == NULL || port == 0 || port > 65535 || codecs->len == 0
      || (secure && (cryptos == NULL || cryptos->len == 0)))
    {
      fail (error, _("Cannot build an SDP for %s port %u with %u codecs"), address, port,
            codecs->len);
      return NULL;
    }
  for (guint i = 0; i < codecs->len; i++)
    if (!check_codec (g_ptr_array_index (codecs, i), error))
      return NULL;
  addrtype = g_inet_address_get_family (addr) == G_SOCKET_FAMILY_IPV6 ? "IP6" : "IP4";
  gst_sdp_message_new (&msg);
  gst_sdp_message_set_version (msg, "0");
  gst_sdp_message_set_origin (msg, "mediagate", id, version, "IN", addrtype, address);
  gst_sdp_message_set_session_name (msg, "mediagate");
  gst_sdp_message_set_connection (msg, "IN", addrtype, address, 0, 0);
  gst_sdp_message_add_time (msg, "0", "0", NULL);
  gst_sdp_media_init (&media);
  gst_sdp_media_set_media (&media, "audio");
  gst_sdp_media_set_port_info (&media, port, 1);
  gst_sdp_media_set_proto (&media, secure ? "RTP/SAVP" : "RTP/AVP");
  for (guint i = 0; i < codecs->len; i++)
    add_codec (&media, g_ptr_array_index (codecs, i));
  for (guint i = 0; cryptos != NULL && i < cryptos->len; i++)
    add_crypto (&media, g_ptr_array_index (cryptos, i));
  gst_sdp_media_add_attribute (&media, "ptime", "20");
  gst_sdp_media_add_attribute (&media, mg_sdp_direction_to_string (direction), NULL);
  /* takes the contents of media */
  gst_sdp_message_add_media (msg, &media);
  text = gst_sdp_message_as_text (msg);
  gst_sdp_message_free (msg);
  return text;
}
