/* Unit tests for the WebRTC leg's pure helpers: the offered codec list, ICE
 * server URIs for webrtcbin, and the checks on a browser's answer. */
#include "mediagate.h"
#include "mg-webrtc-leg-private.h"

static void
test_codecs_policy_order (void)
{
  const char *names[] = { "PCMA", "opus", "telephone-event", "PCMA", NULL };
  g_autoptr (GPtrArray) list = mg_webrtc_codecs_from_policy (names, NULL);
  g_autoptr (GPtrArray) all = mg_webrtc_codecs_from_policy (NULL, NULL);
  g_autoptr (GstCaps) caps = NULL;
  g_autoptr (GError) error = NULL;
  const char *bad[] = { "opus", "H264", NULL };

  /* policy order, duplicates dropped, telephone-event always last */
  g_assert_cmpuint (list->len, ==, 3);
  g_assert_cmpstr (((MgWebrtcCodec *) list->pdata[0])->encoding_name, ==, "PCMA");
  g_assert_cmpstr (((MgWebrtcCodec *) list->pdata[1])->encoding_name, ==, "OPUS");
  g_assert_cmpstr (((MgWebrtcCodec *) list->pdata[2])->encoding_name, ==, "TELEPHONE-EVENT");
  g_assert_cmpuint (all->len, ==, 5);

  caps = mg_webrtc_codec_preferences (all);
  g_assert_cmpuint (gst_caps_get_size (caps), ==, 5);
  g_assert_cmpstr (gst_structure_get_string (gst_caps_get_structure (caps, 0), "encoding-params"),
                   ==, "2");
  g_assert_false (gst_structure_has_field (gst_caps_get_structure (caps, 0), "sprop-stereo"));

  g_assert_null (mg_webrtc_codecs_from_policy (bad, &error));
  g_assert_error (error, MG_WEBRTC_ERROR, MG_WEBRTC_ERROR_INVALID);
}

static void
test_ice_server_uris (void)
{
  struct
  {
    const char *url, *user, *pass, *expected;
    gboolean turn;
  } good[] = {
    { "stun:stun.example.org", NULL, NULL, "stun://stun.example.org:3478", FALSE },
    { "stun:10.0.0.1:19302", NULL, NULL, "stun://10.0.0.1:19302", FALSE },
    /* REST usernames "expiry:user": ':' must reach webrtcbin encoded */
    { "turn:10.0.0.1:3478?transport=udp", "1795422797:gw", "ab+c/d=", "turn://1795422797%3Agw:ab%2Bc%2Fd%3D@10.0.0.1:3478?transport=udp", TRUE },
    { "turns:turn.example.org", "u", "p", "turns://u:p@turn.example.org:5349", TRUE },
    { "turn:[fd00::1]:3478", "u", "p", "turn://u:p@[fd00::1]:3478", TRUE },
  };
  const char *bad[] = { "http://x", "stun:", "stun:host:0", "stun:host:99999", "stun:ho st",
                        "turn:h?transport=sctp", "stun:a@b", NULL };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      gboolean turn = !good[i].turn;
      g_autofree char *uri =
          mg_webrtc_ice_server_uri (good[i].url, good[i].user, good[i].pass, &turn, NULL);

      g_assert_cmpstr (uri, ==, good[i].expected);
      g_assert_cmpint (turn, ==, good[i].turn);
    }
  for (gsize i = 0; bad[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      gboolean turn;

      g_assert_null (mg_webrtc_ice_server_uri (bad[i], NULL, NULL, &turn, &error));
      g_assert_error (error, MG_WEBRTC_ERROR, MG_WEBRTC_ERROR_INVALID);
    }
  {
    g_autoptr (GError) error = NULL;
    gboolean turn;

    g_assert_null (mg_webrtc_ice_server_uri ("turn:h", "u", NULL, &turn, &error));
    g_assert_error (error, MG_WEBRTC_ERROR, MG_WEBRTC_ERROR_INVALID);
  }
}

#define ANSWER_HEAD "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE audio0\r\n"
#define ANSWER_ICE "a=ice-ufrag:abcd\r\na=ice-pwd:0123456789012345678901\r\n" \
                   "a=fingerprint:sha-256 AA:BB\r\na=setup:active\r\na=mid:audio0\r\n"

static void
test_answer_checks (void)
{
  g_autoptr (GPtrArray) offered = mg_webrtc_codecs_from_policy (NULL, NULL);
  struct
  {
    const char *sdp;
    int code; /* -1: accepted */
    const char *codec;
    int te;
  } cases[] = {
    { ANSWER_HEAD "m=audio 9 UDP/TLS/RTP/SAVPF 111 101\r\n" ANSWER_ICE
      "a=rtpmap:111 opus/48000/2\r\na=rtpmap:101 telephone-event/8000\r\n", -1, "OPUS", 101 },
    /* static payload type without rtpmap; no telephone-event */
    { ANSWER_HEAD "m=audio 9 UDP/TLS/RTP/SAVPF 0\r\n" ANSWER_ICE, -1, "PCMU", -1 },
    /* telephone-event at 48 kHz is not what we offered */
    { ANSWER_HEAD "m=audio 9 UDP/TLS/RTP/SAVPF 8 110\r\n" ANSWER_ICE
      "a=rtpmap:8 PCMA/8000\r\na=rtpmap:110 telephone-event/48000\r\n", -1, "PCMA", -1 },
    { "hello", MG_WEBRTC_ERROR_INVALID_SDP },
    { ANSWER_HEAD, MG_WEBRTC_ERROR_INVALID_SDP },
    { ANSWER_HEAD "m=video 9 UDP/TLS/RTP/SAVPF 96\r\n" ANSWER_ICE, MG_WEBRTC_ERROR_NO_AUDIO },
    { ANSWER_HEAD "m=audio 0 UDP/TLS/RTP/SAVPF 111\r\n" ANSWER_ICE, MG_WEBRTC_ERROR_NO_AUDIO },
    { ANSWER_HEAD "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=rtpmap:111 opus/48000/2\r\n",
      MG_WEBRTC_ERROR_INVALID_SDP },
    { ANSWER_HEAD "m=audio 9 UDP/TLS/RTP/SAVPF 96\r\n" ANSWER_ICE "a=rtpmap:96 iLBC/8000\r\n",
      MG_WEBRTC_ERROR_NO_COMMON_CODEC },
    /* only telephone-event is not a common audio codec */
    { ANSWER_HEAD "m=audio 9 UDP/TLS/RTP/SAVPF 101\r\n" ANSWER_ICE
      "a=rtpmap:101 telephone-event/8000\r\n", MG_WEBRTC_ERROR_NO_COMMON_CODEC },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GstSDPMessage) sdp = NULL;
      MgWebrtcAnswerInfo info = { 0 };

      sdp = mg_webrtc_parse_answer (cases[i].sdp, offered, &info, &error);
      if (cases[i].code < 0)
        {
          g_assert_no_error (error);
          g_assert_nonnull (sdp);
          g_assert_cmpstr (info.codec->encoding_name, ==, cases[i].codec);
          g_assert_cmpint (info.telephone_event_pt, ==, cases[i].te);
        }
      else
        {
          g_assert_null (sdp);
          g_assert_error (error, MG_WEBRTC_ERROR, cases[i].code);
        }
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  mg_init ();
  g_test_add_func ("/webrtc/codecs", test_codecs_policy_order);
  g_test_add_func ("/webrtc/ice-server-uri", test_ice_server_uris);
  g_test_add_func ("/webrtc/answer", test_answer_checks);
  return g_test_run ();
}
