/* mg-webrtc-sdp.c: the WebRTC leg's codec table, answer checks and ICE
 * server URIs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-webrtc"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "mg-webrtc-leg-private.h"

/* The media policy's audio codecs (settings "media.audio_codecs"), with the
 * payload types Chromium and Firefox use. Opus carries no fmtp at all: webrtcbin
 * 1.22 compares sprop-* parameters when matching caps and turns a mismatch into
 * a receive-only transceiver (reference/perf.md §4 #3). */
static const MgWebrtcCodec codecs[] = {
  { "opus", "OPUS", 111, 48000, "2" },
  { "G722", "G722", 9, 8000, NULL },
  { "PCMU", "PCMU", 0, 8000, NULL },
  { "PCMA", "PCMA", 8, 8000, NULL },
  { "telephone-event", "TELEPHONE-EVENT", 101, 8000, NULL },
};

#define TELEPHONE_EVENT (&codecs[G_N_ELEMENTS (codecs) - 1])

const MgWebrtcCodec *
mg_webrtc_codec_lookup (const char *policy_name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (codecs); i++)
    if (g_ascii_strcasecmp (codecs[i].policy_name, policy_name) == 0)
      return &codecs[i];
  return NULL;
}

/* The codecs to offer, in policy order, telephone-event/8000 always last (it
 * is what carries the browser's DTMF). NULL or empty @names means the default
 * policy order. */
GPtrArray *
mg_webrtc_codecs_from_policy (const char *const *names, GError **error)
{
  g_autoptr (GPtrArray) list = g_ptr_array_new ();

  for (gsize i = 0; names != NULL && names[i] != NULL; i++)
    {
      const MgWebrtcCodec *codec = mg_webrtc_codec_lookup (names[i]);

      if (codec == NULL)
        {
          g_set_error (error, MG_WEBRTC_ERROR, MG_WEBRTC_ERROR_INVALID,
                       _("unknown audio codec: %s"), names[i]);
          return NULL;
        }
      if (codec != TELEPHONE_EVENT && !g_ptr_array_find (list, codec, NULL))
        g_ptr_array_add (list, (gpointer) codec);
    }
  if (list->len == 0)
    for (gsize i = 0; i + 1 < G_N_ELEMENTS (codecs); i++)
      g_ptr_array_add (list, (gpointer) &codecs[i]);
  g_ptr_array_add (list, (gpointer) TELEPHONE_EVENT);
  return g_steal_pointer (&list);
}

/* One caps structure per codec, in offer order: webrtcbin writes them into the
 * m-line as they are, which is what makes telephone-event part of the offer. */
GstCaps *
mg_webrtc_codec_preferences (GPtrArray *list)
{
  GstCaps *caps = gst_caps_new_empty ();

  for (guint i = 0; i < list->len; i++)
    {
      const MgWebrtcCodec *codec = g_ptr_array_index (list, i);
      GstStructure *s = gst_structure_new ("application/x-rtp", "media", G_TYPE_STRING, "audio",
                                           "encoding-name", G_TYPE_STRING, codec->encoding_name,
                                           "payload", G_TYPE_INT, codec->payload_type,
                                           "clock-rate", G_TYPE_INT, codec->clock_rate, NULL);

      if (codec->encoding_params != NULL)
        gst_structure_set (s, "encoding-params", G_TYPE_STRING, codec->encoding_params, NULL);
      gst_caps_append_structure (caps, s);
    }
  return caps;
}

static gboolean
valid_host (const char *host)
{
  if (*host == '\0')
    return FALSE;
  if (*host == '[')
    {
      gsize n = strlen (host);

      return n > 2 && host[n - 1] == ']' && strspn (host + 1, "0123456789abcdefABCDEF:.") == n - 2;
    }
  return strspn (host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-")
         == strlen (host);
}

/* Splits "host[:port]" (host may be a bracketed IPv6 address). */
static gboolean
split_host_port (const char *text, char **host, guint *port)
{
  const char *colon = strrchr (text, ':');
  const char *bracket = strrchr (text, ']');
  guint64 value;

  if (colon == NULL || (bracket != NULL && colon < bracket))
    {
      *host = g_strdup (text);
      return valid_host (*host);
    }
  if (!g_ascii_string_to_unsigned (colon + 1, 10, 1, 65535, &value, NULL))
    return FALSE;
  *host = g_strndup (text, colon - text);
  *port = value;
  return valid_host (*host);
}

/* Turns a browser-style ICE server URL ("stun:host[:port]",
 * "turn:host[:port][?transport=udp|tcp]", "turns:…") into webrtcbin's form
 * ("stun://host:port", "turn://user:pass@host:port"). TURN REST usernames are
 * "expiry:user": webrtcbin splits userinfo at the first ':', so user and
 * password are percent-encoded (PEERS.md). */
char *
mg_webrtc_ice_server_uri (const char *url, const char *username, const char *credential,
                          gboolean *is_turn, GError **error)
{
  g_autofree char *host = NULL;
  g_autofree char *user = NULL;
  g_autofree char *pass = NULL;
  const char *scheme = NULL;
  const char *rest = NULL;
  const char *query;
  g_autofree char *hostport = NULL;
  guint port = 0;

  if (url != NULL)
    {
      static const char *const schemes[] = { "stun", "turn", "turns" };

      for (gsize i = 0; i < G_N_ELEMENTS (schemes) && scheme == NULL; i++)
        if (g_str_has_prefix (url, schemes[i]) && url[strlen (schemes[i])] == ':')
          {
            scheme = schemes[i];
            rest = url + strlen (schemes[i]) + 1;
          }
    }
  if (scheme == NULL)
    goto invalid;
  if (g_str_has_prefix (rest, "//"))
    rest += 2;
  query = strchr (rest, '?');
  hostport = query ? g_strndup (rest, query - rest) : g_strdup (rest);
  port = g_str_equal (scheme, "turns") ? 5349 : 3478;
  if (!split_host_port (hostport, &host, &port))
    goto invalid;
  if (query != NULL && !g_str_equal (query, "?transport=udp") && !g_str_equal (query, "?transport=tcp"))
    goto invalid;
  *is_turn = !g_str_equal (scheme, "stun");
  if (!*is_turn)
    return g_strdup_printf ("stun://%s:%u", host, port);
  if (username == NULL || *username == '\0' || credential == NULL || *credential == '\0')
    {
      g_set_error (error, MG_WEBRTC_ERROR, MG_WEBRTC_ERROR_INVALID,
                   _("a TURN server needs a username and a credential"));
      return NULL;
    }
  user = g_uri_escape_string (username, NULL, FALSE);
  pass = g_uri_escape_string (credential, NULL, FALSE);
  return g_strdup_printf ("%s://%s:%s@%s:%u%s", scheme, user, pass, host, port, query ? query : "");

invalid:
  g_set_error (error, MG_WEBRTC_ERROR, MG_WEBRTC_ERROR_INVALID, _("not a STUN or TURN URL: %s"),
               url ? url : "(null)");
  return NULL;
}

static const char *
attribute_value (const GstSDPMessage *sdp, const GstSDPMedia *media, const char *key)
{
  const char *value = gst_sdp_media_get_attribute_val (media, key);

  return value ? value : gst_sdp_message_get_attribute_val (sdp, key);
}

/* The codec an answer's payload type stands for: its rtpmap, or the static
 * assignment when the rtpmap is left out (allowed for 0, 8 and 9). */
static gboolean
format_codec (const GstSDPMedia *media, int pt, char **name, int *rate)
{
  for (guint i = 0; i < gst_sdp_media_attributes_len (media); i++)
    {
      const GstSDPAttribute *a = gst_sdp_media_get_attribute (media, i);
      g_auto (GStrv) parts = NULL;
      char *end;

      if (g_strcmp0 (a->key, "rtpmap") != 0 || a->value == NULL)
        continue;
      if (strtol (a->value, &end, 10) != pt || *end != ' ')
        continue;
      parts = g_strsplit (end + 1, "/", 3);
      if (parts[0] == NULL || parts[1] == NULL)
        return FALSE;
      *name = g_strdup (parts[0]);
      *rate = atoi (parts[1]);
      return TRUE;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (codecs); i++)
    if (codecs[i].payload_type == pt && pt < 96)
      {
        *name = g_strdup (codecs[i].encoding_name);
        *rate = codecs[i].clock_rate;
        return TRUE;
      }
  return FALSE;
}

static const GstSDPMedia *
first_audio (const GstSDPMessage *sdp)
{
  for (guint i = 0; i < gst_sdp_message_medias_len (sdp); i++)
    {
      const GstSDPMedia *media = gst_sdp_message_get_media (sdp, i);

      if (g_strcmp0 (gst_sdp_media_get_media (media), "audio") == 0
          && gst_sdp_media_get_port (media) != 0 && gst_sdp_media_formats_len (media) > 0)
        return media;
    }
  return NULL;
}

/* Matches the answer's formats against what we offered, in the answer's
 * order: the first shared codec is the one both sides send. */
static gboolean
match_codecs (const GstSDPMedia *media, GPtrArray *offered, MgWebrtcAnswerInfo *info)
{
  info->codec = NULL;
  info->telephone_event_pt = -1;
  for (guint i = 0; i < gst_sdp_media_formats_len (media); i++)
    {
      int pt = atoi (gst_sdp_media_get_format (media, i));
      g_autofree char *name = NULL;
      int rate = 0;

      if (!format_codec (media, pt, &name, &rate))
        continue;
      for (guint j = 0; j < offered->len; j++)
        {
          const MgWebrtcCodec *codec = g_ptr_array_index (offered, j);

          if (g_ascii_strcasecmp (codec->encoding_name, name) != 0 || codec->clock_rate != rate
              || codec->payload_type != pt)
            continue;
          if (codec == TELEPHONE_EVENT)
            info->telephone_event_pt = pt;
          else if (info->codec == NULL)
            {
              info->codec = codec;
              info->payload_type = pt;
            }
        }
    }
  return info->codec != NULL;
}

/* Parses and checks a browser's answer to our offer. Returns the parsed
 * message, or NULL with @error set (parse failure, no audio, no ICE or DTLS
 * attributes, no codec in common); nothing is changed either way. */
GstSDPMessage *
mg_webrtc_parse_answer (const char *text, GPtrArray *offered, MgWebrtcAnswerInfo *info,
                        GError **error)
{
  g_autoptr (GstSDPMessage) sdp = NULL;
  const GstSDPMedia *media;

  if (text == NULL || !g_str_has_prefix (text, "v=0")
      || gst_sdp_message_new_from_text (text, &sdp) != GST_SDP_OK
      || gst_sdp_message_medias_len (sdp) == 0)
    {
      g_set_error (error, MG_WEBRTC_ERROR, MG_WEBRTC_ERROR_INVALID_SDP,
                   _("the answer is not a valid SDP session description"));
      return NULL;
    }
  media = first_audio (sdp);
  if (media == NULL)
    {
      g_set_error (error, MG_WEBRTC_ERROR, MG_WEBRTC_ERROR_NO_AUDIO,
                   _("the answer has no audio m-line"));
      return NULL;
    }
  if (attribute_value (sdp, media, "ice-ufrag") == NULL
      || attribute_value (sdp, media, "ice-pwd") == NULL
      || attribute_value (sdp, media, "fingerprint") == NULL)
    {
      g_set_error (error, MG_WEBRTC_ERROR, MG_WEBRTC_ERROR_INVALID_SDP,
                   _("the answer lacks ICE credentials or a DTLS fingerprint"));
      return NULL;
    }
  if (!match_codecs (media, offered, info))
    {
      g_set_error (error, MG_WEBRTC_ERROR, MG_WEBRTC_ERROR_NO_COMMON_CODEC,
                   _("the answer accepts none of the offered audio codecs"));
      return NULL;
    }
  return g_steal_pointer (&sdp);
}

/* The mid of the first m-line ("audio0" for webrtcbin's offers). */
char *
mg_webrtc_sdp_first_mid (const GstSDPMessage *sdp)
{
  if (gst_sdp_message_medias_len (sdp) == 0)
    return NULL;
  return g_strdup (gst_sdp_media_get_attribute_val (gst_sdp_message_get_media (sdp, 0), "mid"));
}
