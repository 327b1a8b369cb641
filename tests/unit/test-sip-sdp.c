/* Unit tests for MgSipSdp: real-world SIP SDPs (baresip, sipp, Asterisk),
 * hold variants, IPv6, c= at session or media level, SDES crypto; garbage
 * and mutated SDPs give a GError and never crash; our offers and answers
 * parse back to what was asked. SDES-SRTP (MgSdes): crypto lines of real
 * phones, bad keys, and the policy's offer/answer decisions. */
#include "mediagate.h"
#include "mg-sdes-private.h"

#define CRLF "\r\n"

static const char baresip_sdp[] =
  "v=0" CRLF "o=- 3821461722 1048914330 IN IP4 127.0.0.1" CRLF "s=-" CRLF
  "c=IN IP4 127.0.0.1" CRLF "t=0 0" CRLF "m=audio 10048 RTP/AVP 0 8 101" CRLF
  "b=AS:87" CRLF "a=rtpmap:0 PCMU/8000" CRLF "a=rtpmap:8 PCMA/8000" CRLF
  "a=rtpmap:101 telephone-event/8000" CRLF "a=fmtp:101 0-15" CRLF "a=sendrecv" CRLF
  "a=label:1" CRLF "a=ssrc:1486457612 cname:sip:2000@127.0.0.1" CRLF "a=rtcp-rsize" CRLF
  "a=ptime:20" CRLF;

static const char sipp_sdp[] =
  "v=0\n"
  "o=user1 53655765 2353687637 IN IP4 127.0.0.1\n"
  "s=-\n"
  "c=IN IP4 127.0.0.1\n"
  "t=0 0\n"
  "m=audio 6000 RTP/AVP 0\n"
  "a=rtpmap:0 PCMU/8000\n";

static const char asterisk_sdp[] =
  "v=0" CRLF "o=- 1595933223 1595933224 IN IP4 192.0.2.10" CRLF "s=Asterisk" CRLF
  "c=IN IP4 192.0.2.10" CRLF "t=0 0" CRLF "m=audio 14582 RTP/AVP 107 8 0 9 101" CRLF
  "a=rtpmap:107 opus/48000/2" CRLF "a=fmtp:107 useinbandfec=1" CRLF "a=rtpmap:8 PCMA/8000" CRLF
  "a=rtpmap:0 PCMU/8000" CRLF "a=rtpmap:9 G722/8000" CRLF "a=rtpmap:101 telephone-event/8000" CRLF
  "a=fmtp:101 0-16" CRLF "a=ptime:20" CRLF "a=maxptime:150" CRLF "a=sendrecv" CRLF;

static MgSipSdp *
parse_ok (const char *text)
{
  g_autoptr (GError) error = NULL;
  MgSipSdp *sdp = mg_sip_sdp_parse (text, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (sdp);
  return sdp;
}

static MgSdpCodec *
codec_at (MgSipSdp *sdp, guint i)
{
  return g_ptr_array_index (mg_sip_sdp_get_codecs (sdp), i);
}

static void
test_baresip (void)
{
  g_autoptr (MgSipSdp) sdp = parse_ok (baresip_sdp);
  MgSdpCodec *te = mg_sip_sdp_find_telephone_event (sdp, 8000);

  g_assert_cmpstr (mg_sip_sdp_get_address (sdp), ==, "127.0.0.1");
  g_assert_cmpuint (mg_sip_sdp_get_port (sdp), ==, 10048);
  g_assert_cmpuint (mg_sip_sdp_get_rtcp_port (sdp), ==, 10049);
  g_assert_false (mg_sip_sdp_get_rtcp_mux (sdp));
  g_assert_cmpint (mg_sip_sdp_get_direction (sdp), ==, MG_SDP_DIRECTION_SENDRECV);
  g_assert_cmpuint (mg_sip_sdp_get_ptime (sdp), ==, 20);
  g_assert_cmpuint (mg_sip_sdp_get_session_version (sdp), ==, 1048914330);
  g_assert_cmpuint (mg_sip_sdp_get_codecs (sdp)->len, ==, 3);
  g_assert_cmpstr (codec_at (sdp, 1)->encoding_name, ==, "PCMA");
  g_assert_cmpuint (codec_at (sdp, 1)->payload_type, ==, 8);
  g_assert_nonnull (te);
  g_assert_cmpuint (te->payload_type, ==, 101);
  g_assert_cmpstr (te->fmtp, ==, "0-15");
  g_assert_null (mg_sip_sdp_find_telephone_event (sdp, 48000));
  g_assert_false (mg_sip_sdp_get_secure (sdp));
}

static void
test_sipp_without_telephone_event (void)
{
  g_autoptr (MgSipSdp) sdp = parse_ok (sipp_sdp);
  const char *policy[] = { "opus", "G722", "PCMU", "PCMA", "telephone-event", NULL };
  g_autoptr (MgSdpCodec) chosen = mg_sip_sdp_choose_codec (sdp, policy, NULL);

  g_assert_cmpuint (mg_sip_sdp_get_port (sdp), ==, 6000);
  g_assert_null (mg_sip_sdp_find_telephone_event (sdp, 8000));
  g_assert_cmpstr (chosen->encoding_name, ==, "PCMU");
  g_assert_cmpuint (chosen->payload_type, ==, 0);
  g_assert_cmpuint (mg_sip_sdp_get_ptime (sdp), ==, 0);
}

static void
test_asterisk_policy_order (void)
{
  g_autoptr (MgSipSdp) sdp = parse_ok (asterisk_sdp);
  const char *opus_first[] = { "opus", "PCMU", NULL };
  const char *g711_first[] = { "PCMU", "opus", NULL };
  const char *only_g729[] = { "G729", "telephone-event", NULL };
  g_autoptr (MgSdpCodec) a = mg_sip_sdp_choose_codec (sdp, opus_first, NULL);
  g_autoptr (MgSdpCodec) b = mg_sip_sdp_choose_codec (sdp, g711_first, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (MgSdpCodec) c = mg_sip_sdp_choose_codec (sdp, only_g729, &error);

  g_assert_cmpstr (a->encoding_name, ==, "opus");
  g_assert_cmpuint (a->payload_type, ==, 107);
  g_assert_cmpuint (a->clock_rate, ==, 48000);
  g_assert_cmpuint (a->channels, ==, 2);
  g_assert_cmpstr (a->fmtp, ==, "useinbandfec=1");
  g_assert_cmpstr (b->encoding_name, ==, "PCMU");
  g_assert_null (c);
  g_assert_error (error, MG_SDP_ERROR, MG_SDP_ERROR_NO_CODEC);
}

static void
test_hold_variants (void)
{
  static const struct
  {
    const char *session_attr;
    const char *media_attr;
    const char *address;
    MgSdpDirection expected;
  } cases[] = {
    { "", "a=sendonly\n", "10.0.0.1", MG_SDP_DIRECTION_SENDONLY },
    { "", "a=inactive\n", "10.0.0.1", MG_SDP_DIRECTION_INACTIVE },
    { "", "a=recvonly\n", "10.0.0.1", MG_SDP_DIRECTION_RECVONLY },
    { "a=sendonly\n", "", "10.0.0.1", MG_SDP_DIRECTION_SENDONLY },
    { "a=sendonly\n", "a=sendrecv\n", "10.0.0.1", MG_SDP_DIRECTION_SENDRECV },
    { "", "", "0.0.0.0", MG_SDP_DIRECTION_SENDONLY },            /* RFC 2543 hold */
    { "", "a=recvonly\n", "0.0.0.0", MG_SDP_DIRECTION_INACTIVE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = g_strdup_printf ("v=0\no=- 1 2 IN IP4 10.0.0.1\ns=-\n"
                                               "c=IN IP4 %s\nt=0 0\n%s"
                                               "m=audio 4000 RTP/AVP 8\n%s",
                                               cases[i].address, cases[i].session_attr,
                                               cases[i].media_attr);
      g_autoptr (MgSipSdp) sdp = parse_ok (text);

      g_assert_cmpint (mg_sip_sdp_get_direction (sdp), ==, cases[i].expected);
    }
  g_assert_cmpint (mg_sdp_direction_answer (MG_SDP_DIRECTION_SENDONLY, FALSE), ==,
                   MG_SDP_DIRECTION_RECVONLY);
  g_assert_cmpint (mg_sdp_direction_answer (MG_SDP_DIRECTION_SENDRECV, TRUE), ==,
                   MG_SDP_DIRECTION_RECVONLY);
  g_assert_cmpint (mg_sdp_direction_answer (MG_SDP_DIRECTION_RECVONLY, FALSE), ==,
                   MG_SDP_DIRECTION_SENDONLY);
  g_assert_cmpint (mg_sdp_direction_answer (MG_SDP_DIRECTION_INACTIVE, FALSE), ==,
                   MG_SDP_DIRECTION_INACTIVE);
  g_assert_cmpint (mg_sdp_direction_answer (MG_SDP_DIRECTION_RECVONLY, TRUE), ==,
                   MG_SDP_DIRECTION_INACTIVE);
}

static void
test_ipv6_and_connection_levels (void)
{
  g_autoptr (MgSipSdp) v6 = parse_ok ("v=0\no=- 1 1 IN IP6 2001:db8::1\ns=-\n"
                                      "c=IN IP6 2001:DB8::1\nt=0 0\n"
                                      "m=audio 5004 RTP/AVP 0\n");
  g_autoptr (MgSipSdp) media_only = parse_ok ("v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\nt=0 0\n"
                                              "m=audio 5004 RTP/AVP 0\nc=IN IP4 10.0.0.7\n");
  g_autoptr (MgSipSdp) both = parse_ok ("v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\n"
                                        "c=IN IP4 10.0.0.1\nt=0 0\n"
                                        "m=audio 5004 RTP/AVP 0\nc=IN IP4 10.0.0.9\n"
                                        "a=rtcp-mux\n");
  g_autoptr (MgSipSdp) rtcp = parse_ok ("v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\n"
                                        "c=IN IP4 10.0.0.1\nt=0 0\n"
                                        "m=audio 5004 RTP/AVP 0\na=rtcp:6001 IN IP4 10.0.0.1\n");
  g_autoptr (GError) error = NULL;
  g_autoptr (MgSipSdp) none = mg_sip_sdp_parse ("v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\nt=0 0\n"
                                                "m=audio 5004 RTP/AVP 0\n",
                                                -1, &error);

  g_assert_cmpstr (mg_sip_sdp_get_address (v6), ==, "2001:db8::1");
  g_assert_cmpstr (mg_sip_sdp_get_address (media_only), ==, "10.0.0.7");
  g_assert_cmpstr (mg_sip_sdp_get_address (both), ==, "10.0.0.9");
  g_assert_true (mg_sip_sdp_get_rtcp_mux (both));
  g_assert_cmpuint (mg_sip_sdp_get_rtcp_port (both), ==, 5004);
  g_assert_cmpuint (mg_sip_sdp_get_rtcp_port (rtcp), ==, 6001);
  g_assert_null (none);
  g_assert_error (error, MG_SDP_ERROR, MG_SDP_ERROR_INVALID);
}

static void
test_sdes_crypto (void)
{
  g_autoptr (MgSipSdp) sdp = parse_ok (
    "v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\nc=IN IP4 10.0.0.1\nt=0 0\n"
    "m=audio 5004 RTP/SAVP 0 101\na=rtpmap:101 telephone-event/8000\n"
    "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^20|1:4\n"
    "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj\n");
  MgSdpCrypto *first;

  g_assert_true (mg_sip_sdp_get_secure (sdp));
  g_assert_cmpuint (mg_sip_sdp_get_cryptos (sdp)->len, ==, 2);
  first = g_ptr_array_index (mg_sip_sdp_get_cryptos (sdp), 0);
  g_assert_cmpuint (first->tag, ==, 1);
  g_assert_cmpstr (first->suite, ==, "AES_CM_128_HMAC_SHA1_80");
  g_assert_true (g_str_has_prefix (first->key_params, "inline:WVNf"));
}

static void
test_garbage (void)
{
  static const struct
  {
    const char *text;
    int code;
  } cases[] = {
    { "hello", MG_SDP_ERROR_INVALID },
    { "v=1\nm=audio 4000 RTP/AVP 0\nc=IN IP4 1.2.3.4\n", MG_SDP_ERROR_INVALID },
    { "v=0\nc=IN IP4 1.2.3.4\nm=video 4000 RTP/AVP 96\n", MG_SDP_ERROR_INVALID },
    { "v=0\nc=IN IP4 1.2.3.4\nm=audio 0 RTP/AVP 0\n", MG_SDP_ERROR_INVALID },
    { "v=0\nc=IN IP4 1.2.3.4\nm=audio 4000 RTP/AVP abc\n", MG_SDP_ERROR_INVALID },
    { "v=0\nc=IN IP4 1.2.3.4\nm=audio 4000 RTP/AVP 128\n", MG_SDP_ERROR_INVALID },
    { "v=0\nc=IN IP4 1.2.3.4\nm=audio 4000 RTP/AVP\n", MG_SDP_ERROR_INVALID },
    { "v=0\nc=IN IP4 1.2.3.4\nm=audio 4000 RTP/AVP 96\n", MG_SDP_ERROR_INVALID },
    { "v=0\nc=IN IP4 1.2.3.4\nm=audio 4000 RTP/AVP 96\na=rtpmap:96 opus\n", MG_SDP_ERROR_INVALID },
    { "v=0\nc=IN IP4 1.2.3.4\nm=audio 4000 RTP/AVP 96\na=rtpmap:96 opus/x\n", MG_SDP_ERROR_INVALID },
    { "v=0\nc=IN IP4 1.2.3.4\nm=audio 99999 RTP/AVP 0\n", MG_SDP_ERROR_INVALID },
    { "v=0\nc=IN IP4 1.2.3.4\nm=audio 4000/2 RTP/AVP 0\n", MG_SDP_ERROR_INVALID },
    { "v=0\nc=IN IP4 1.2.3.4\nm=audio 4000 RTP/AVP 0\na=rtcp:0\n", MG_SDP_ERROR_INVALID },
    { "v=0\nc=IN IP4 1.2.3.4\nm=audio 4000 RTP/SAVP 0\n", MG_SDP_ERROR_INVALID },
    { "v=0\nc=IN IP4 1.2.3.4\nm=audio 4000 RTP/SAVP 0\na=crypto:x y\n", MG_SDP_ERROR_INVALID },
    { "v=0\nc=IN IP4 pbx.example.com\nm=audio 4000 RTP/AVP 0\n", MG_SDP_ERROR_UNSUPPORTED },
    { "v=0\nc=IN IP4 224.2.1.1/127\nm=audio 4000 RTP/AVP 0\n", MG_SDP_ERROR_UNSUPPORTED },
    { "v=0\nc=IN IP4 224.2.1.1\nm=audio 4000 RTP/AVP 0\n", MG_SDP_ERROR_UNSUPPORTED },
    { "v=0\nc=IN IP6 1.2.3.4\nm=audio 4000 RTP/AVP 0\n", MG_SDP_ERROR_UNSUPPORTED },
    { "v=0\nc=IN IPX 1.2.3.4\nm=audio 4000 RTP/AVP 0\n", MG_SDP_ERROR_INVALID },
    { "v=0\nc=IN IP4 1.2.3.4\nm=audio 4000 UDP/TLS/RTP/SAVPF 111\n", MG_SDP_ERROR_UNSUPPORTED },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (MgSipSdp) sdp = mg_sip_sdp_parse (cases[i].text, -1, &error);

      g_test_message ("%s -> %s", cases[i].text, error ? error->message : "(parsed)");
      g_assert_null (sdp);
      g_assert_error (error, MG_SDP_ERROR, cases[i].code);
    }
  {
    g_autoptr (GError) error = NULL;
    g_autofree char *big = g_strnfill (70000, 'a');

    g_assert_null (mg_sip_sdp_parse (big, -1, &error));
    g_assert_error (error, MG_SDP_ERROR, MG_SDP_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_null (mg_sip_sdp_parse ("v=0\n\0m=audio", 13, &error));
    g_assert_error (error, MG_SDP_ERROR, MG_SDP_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_null (mg_sip_sdp_parse ("", 0, &error));
    g_assert_error (error, MG_SDP_ERROR, MG_SDP_ERROR_INVALID);
  }
}

/* Random byte flips, truncations and line duplications of real SDPs: each
 * either parses into something consistent or fails with a GError. */
static void
test_mutations (void)
{
  const char *seeds[] = { baresip_sdp, sipp_sdp, asterisk_sdp };
  static const char alphabet[] = "0123456789 =/:\r\nabcmvtoIPN\xff-";
  guint parsed = 0, refused = 0;

  for (guint round = 0; round < 20000; round++)
    {
      const char *seed = seeds[round % G_N_ELEMENTS (seeds)];
      g_autoptr (GString) text = g_string_new (seed);
      g_autoptr (GError) error = NULL;
      g_autoptr (MgSipSdp) sdp = NULL;
      guint edits = g_test_rand_int_range (1, 6);

      for (guint e = 0; e < edits; e++)
        {
          guint pos = g_test_rand_int_range (0, text->len);

          switch (g_test_rand_int_range (0, 3))
            {
            case 0:
              text->str[pos] = alphabet[g_test_rand_int_range (0, sizeof alphabet - 1)];
              break;
            case 1:
              g_string_truncate (text, pos);
              break;
            default:
              g_string_insert_len (text, pos, text->str, MIN (text->len - pos, 40));
              break;
            }
          if (text->len == 0)
            g_string_append_c (text, 'v');
        }
      sdp = mg_sip_sdp_parse (text->str, text->len, &error);
      if (sdp != NULL)
        {
          g_assert_no_error (error);
          g_assert_cmpuint (mg_sip_sdp_get_port (sdp), >, 0);
          g_assert_cmpuint (mg_sip_sdp_get_port (sdp), <=, 65535);
          g_assert_cmpuint (mg_sip_sdp_get_codecs (sdp)->len, >, 0);
          g_assert_nonnull (mg_sip_sdp_get_address (sdp));
          parsed++;
        }
      else
        {
          g_assert_nonnull (error);
          g_assert_true (error->domain == MG_SDP_ERROR);
          refused++;
        }
    }
  g_test_message ("mutations: %u parsed, %u refused", parsed, refused);
  g_assert_cmpuint (parsed, >, 0);
  g_assert_cmpuint (refused, >, 0);
}

static void
test_build_answer_round_trip (void)
{
  g_autoptr (MgSipSdp) offer = parse_ok (baresip_sdp);
  const char *policy[] = { "opus", "G722", "PCMU", "PCMA", NULL };
  g_autoptr (GPtrArray) codecs = g_ptr_array_new_with_free_func ((GDestroyNotify) mg_sdp_codec_free);
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr (MgSipSdp) answer = NULL;
  MgSdpCodec *chosen = mg_sip_sdp_choose_codec (offer, policy, &error);

  g_assert_no_error (error);
  g_ptr_array_add (codecs, chosen);
  g_ptr_array_add (codecs, mg_sdp_codec_copy (mg_sip_sdp_find_telephone_event (offer, 8000)));
  text = mg_sip_sdp_build ("192.0.2.5", 20000, 42, 1, codecs,
                           mg_sdp_direction_answer (mg_sip_sdp_get_direction (offer), TRUE),
                           NULL, FALSE, &error);
  g_assert_no_error (error);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "m=audio 20000 RTP/AVP 0 101\r\n"));
  g_assert_nonnull (strstr (text, "a=fmtp:101 0-15\r\n"));
  g_assert_nonnull (strstr (text, "a=recvonly\r\n"));
  answer = parse_ok (text);
  g_assert_cmpstr (mg_sip_sdp_get_address (answer), ==, "192.0.2.5");
  g_assert_cmpuint (mg_sip_sdp_get_port (answer), ==, 20000);
  g_assert_cmpint (mg_sip_sdp_get_direction (answer), ==, MG_SDP_DIRECTION_RECVONLY);
  g_assert_cmpuint (mg_sip_sdp_get_codecs (answer)->len, ==, 2);
  g_assert_cmpuint (mg_sip_sdp_get_session_version (answer), ==, 1);
}

static void
test_build_offer (void)
{
  const char *names[] = { "opus", "G722", "PCMU", "PCMA", "telephone-event" };
  g_autoptr (GPtrArray) codecs = g_ptr_array_new_with_free_func ((GDestroyNotify) mg_sdp_codec_free);
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  g_autoptr (MgSipSdp) back = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    g_ptr_array_add (codecs, mg_sdp_codec_new_default (names[i]));
  g_assert_null (mg_sdp_codec_new_default ("G729"));
  text = mg_sip_sdp_build ("2001:db8::5", 30000, 7, 3, codecs, MG_SDP_DIRECTION_SENDRECV, NULL, FALSE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, "c=IN IP6 2001:db8::5\r\n"));
  g_assert_nonnull (strstr (text, "m=audio 30000 RTP/AVP 111 9 0 8 101\r\n"));
  g_assert_nonnull (strstr (text, "a=rtpmap:111 opus/48000/2\r\n"));
  back = parse_ok (text);
  g_assert_cmpuint (mg_sip_sdp_get_codecs (back)->len, ==, 5);
  g_assert_nonnull (mg_sip_sdp_find_telephone_event (back, 8000));

  /* bad inputs to the builder are refused */
  g_clear_pointer (&text, g_free);
  text = mg_sip_sdp_build ("pbx.example.com", 30000, 7, 3, codecs, MG_SDP_DIRECTION_SENDRECV, NULL, FALSE,
                           &error);
  g_assert_null (text);
  g_assert_error (error, MG_SDP_ERROR, MG_SDP_ERROR_INVALID);
  g_clear_error (&error);
  g_ptr_array_add (codecs, mg_sdp_codec_new (96, "x\r\na=evil", 8000, 1, NULL));
  text = mg_sip_sdp_build ("10.0.0.1", 30000, 7, 3, codecs, MG_SDP_DIRECTION_SENDRECV, NULL, FALSE, &error);
  g_assert_null (text);
  g_assert_error (error, MG_SDP_ERROR, MG_SDP_ERROR_INVALID);
}

/* SDES offers in the shape real phones send them (keys are random test
 * values; the Asterisk and Cisco ones follow their documented forms, not
 * captures). */
static const char asterisk_savp_sdp[] =
  "v=0" CRLF "o=- 1595933223 1595933224 IN IP4 192.0.2.10" CRLF "s=Asterisk" CRLF
  "c=IN IP4 192.0.2.10" CRLF "t=0 0" CRLF "m=audio 14582 RTP/SAVP 0 101" CRLF
  "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:l67a4X3v29KzdKHxDIaCgvUi2R+jICxZlfvVpOoF" CRLF
  "a=rtpmap:0 PCMU/8000" CRLF "a=rtpmap:101 telephone-event/8000" CRLF "a=fmtp:101 0-16" CRLF
  "a=ptime:20" CRLF "a=sendrecv" CRLF;

/* baresip 1.0.0's srtp module (mediaenc=srtp-mand) as seen on the wire in
 * the e2e SrtpSipLeg: one line */
static const char baresip_savp_sdp[] =
  "v=0" CRLF "o=- 3821461722 1048914330 IN IP4 127.0.0.1" CRLF "s=-" CRLF
  "c=IN IP4 127.0.0.1" CRLF "t=0 0" CRLF "m=audio 35102 RTP/SAVP 0 101" CRLF
  "b=AS:87" CRLF "a=rtpmap:0 PCMU/8000" CRLF "a=rtpmap:101 telephone-event/8000" CRLF
  "a=fmtp:101 0-15" CRLF "a=sendrecv" CRLF "a=label:1" CRLF
  "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:l67a4X3v29KzdKHxDIaCgvUi2R+jICxZlfvVpOoF" CRLF
  "a=rtcp-rsize" CRLF "a=ptime:20" CRLF;

/* a phone offering four suites, 256-bit first (made up: the order is the
 * phone's, and we take its first usable line) */
static const char multi_suite_savp_sdp[] =
  "v=0" CRLF "o=- 3821461722 1048914330 IN IP4 127.0.0.1" CRLF "s=-" CRLF
  "c=IN IP4 127.0.0.1" CRLF "t=0 0" CRLF "m=audio 10048 RTP/SAVP 0 101" CRLF
  "a=rtpmap:0 PCMU/8000" CRLF "a=rtpmap:101 telephone-event/8000" CRLF "a=fmtp:101 0-15" CRLF
  "a=sendrecv" CRLF
  "a=crypto:1 AES_256_CM_HMAC_SHA1_32 inline:JkT0HzQtqV7VflZ97X4unkNXw+rnQknsGhRB9ZxwgMXJt6EvtIm0BZxVGhgimw==" CRLF
  "a=crypto:2 AES_256_CM_HMAC_SHA1_80 inline:JkT0HzQtqV7VflZ97X4unkNXw+rnQknsGhRB9ZxwgMXJt6EvtIm0BZxVGhgimw==" CRLF
  "a=crypto:3 AES_CM_128_HMAC_SHA1_32 inline:l67a4X3v29KzdKHxDIaCgvUi2R+jICxZlfvVpOoF" CRLF
  "a=crypto:4 AES_CM_128_HMAC_SHA1_80 inline:l67a4X3v29KzdKHxDIaCgvUi2R+jICxZlfvVpOoF" CRLF;

/* Cisco CUCM: an AEAD suite we lack first, a lifetime on the key */
static const char cisco_savp_sdp[] =
  "v=0" CRLF "o=CiscoSystemsCCM-SIP 2000 1 IN IP4 198.51.100.7" CRLF "s=SIP Call" CRLF
  "c=IN IP4 198.51.100.7" CRLF "t=0 0" CRLF "m=audio 24580 RTP/SAVP 0 101" CRLF
  "a=rtpmap:0 PCMU/8000" CRLF "a=ptime:20" CRLF "a=rtpmap:101 telephone-event/8000" CRLF
  "a=fmtp:101 0-15" CRLF
  "a=crypto:1 AEAD_AES_256_GCM inline:JkT0HzQtqV7VflZ97X4unkNXw+rnQknsGhRB9ZxwgMXJt6Ev|2^48" CRLF
  "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:l67a4X3v29KzdKHxDIaCgvUi2R+jICxZlfvVpOoF|2^31" CRLF;

static MgSdes *
sdes_taking_offer (MgSrtpPolicy policy, const char *text, GError **error)
{
  g_autoptr (MgSipSdp) offer = parse_ok (text);
  g_autoptr (MgSdes) sdes = mg_sdes_new (policy);

  return mg_sdes_take_offer (sdes, offer, error) ? g_steal_pointer (&sdes) : NULL;
}

static MgSdpCrypto *
local_line (MgSdes *sdes, gboolean *secure)
{
  g_autoptr (GPtrArray) local = mg_sdes_dup_local (sdes, secure);

  g_assert_nonnull (local);
  g_assert_cmpuint (local->len, ==, 1);
  return mg_sdp_crypto_copy (g_ptr_array_index (local, 0));
}

static void
test_sdes_real_offers (void)
{
  static const struct
  {
    const char *sdp;
    guint tag;
    const char *suite;
  } cases[] = {
    { asterisk_savp_sdp, 1, "AES_CM_128_HMAC_SHA1_80" },
    { baresip_savp_sdp, 1, "AES_CM_128_HMAC_SHA1_80" },
    { multi_suite_savp_sdp, 1, "AES_256_CM_HMAC_SHA1_32" },
    { cisco_savp_sdp, 2, "AES_CM_128_HMAC_SHA1_32" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (MgSdes) sdes = sdes_taking_offer (MG_SRTP_POLICY_REQUIRED, cases[i].sdp, &error);
      g_autoptr (MgSipSdp) offer = parse_ok (cases[i].sdp);
      MgSdpCrypto *theirs = NULL;
      g_autoptr (MgSdpCrypto) ours = NULL;
      gboolean secure = FALSE;

      g_assert_no_error (error);
      g_assert_true (mg_sdes_is_active (sdes));
      g_assert_cmpstr (mg_sdes_get_suite (sdes), ==, cases[i].suite);
      /* our answer: same tag and suite, our own fresh key */
      ours = local_line (sdes, &secure);
      g_assert_true (secure);
      g_assert_cmpuint (ours->tag, ==, cases[i].tag);
      g_assert_cmpstr (ours->suite, ==, cases[i].suite);
      for (guint j = 0; j < mg_sip_sdp_get_cryptos (offer)->len; j++)
        if ((theirs = g_ptr_array_index (mg_sip_sdp_get_cryptos (offer), j))->tag == ours->tag)
          break;
      g_assert_cmpstr (ours->key_params, !=, theirs->key_params);
      /* a re-INVITE with the same lines keeps both keys */
      g_assert_true (mg_sdes_take_offer (sdes, offer, &error));
      g_assert_no_error (error);
      {
        g_autoptr (MgSdpCrypto) again = local_line (sdes, &secure);

        g_assert_cmpstr (again->key_params, ==, ours->key_params);
      }
    }
}

static void
test_sdes_bad_lines (void)
{
  static const struct
  {
    const char *line;
    const char *why;
  } cases[] = {
    { "1 AES_CM_128_HMAC_SHA1_80 inline:aobA/qDDNDNAoCRpEq9nVbWhxhPY87+p8ulbJYM=", "30 bytes" },
    { "1 AES_CM_128_HMAC_SHA1_80 inline:!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!", "30 bytes" },
    { "1 AES_CM_128_HMAC_SHA1_80 inline:l67a4X3v29Kz=dKHxDIaCgvUi2R+jICxZlfvVpOoF", "30 bytes" },
    { "1 AES_CM_128_HMAC_SHA1_80 inline:", "30 bytes" },
    { "1 AES_CM_128_HMAC_SHA1_80 inline:JkT0HzQtqV7VflZ97X4unkNXw+rnQknsGhRB9ZxwgMXJt6EvtIm0BZxVGhgimw==", "30 bytes" },
    { "1 F8_128_HMAC_SHA1_80 inline:l67a4X3v29KzdKHxDIaCgvUi2R+jICxZlfvVpOoF", "unknown" },
    { "1 AES_CM_128_HMAC_SHA1_80 inline:l67a4X3v29KzdKHxDIaCgvUi2R+jICxZlfvVpOoF|2^20|1:4", "MKI" },
    { "1 AES_CM_128_HMAC_SHA1_80 inline:l67a4X3v29KzdKHxDIaCgvUi2R+jICxZlfvVpOoF;inline:l67a4X3v29KzdKHxDIaCgvUi2R+jICxZlfvVpOoF", "MKI" },
    { "1 AES_CM_128_HMAC_SHA1_80 uri:https://keys.example/1", "inline" },
    { "1 AES_CM_128_HMAC_SHA1_80 inline:l67a4X3v29KzdKHxDIaCgvUi2R+jICxZlfvVpOoF UNENCRYPTED_SRTP", "UNENCRYPTED_SRTP" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *savp = g_strdup_printf ("v=0\nc=IN IP4 1.2.3.4\nm=audio 4000 RTP/SAVP 0\n"
                                               "a=crypto:%s\n", cases[i].line);
      g_autofree char *avp = g_strdup_printf ("v=0\nc=IN IP4 1.2.3.4\nm=audio 4000 RTP/AVP 0\n"
                                              "a=crypto:%s\n", cases[i].line);
      g_autoptr (GError) error = NULL;
      g_autoptr (MgSdes) refused = sdes_taking_offer (MG_SRTP_POLICY_PREFERRED, savp, &error);
      g_autoptr (MgSdes) plain = NULL;

      g_test_message ("%s -> %s", cases[i].line, error ? error->message : "(taken)");
      g_assert_null (refused);
      g_assert_error (error, MG_SDP_ERROR, MG_SDP_ERROR_SRTP);
      g_assert_nonnull (strstr (error->message, cases[i].why));
      /* the key never shows in the message */
      g_assert_null (strstr (error->message, "l67a4X"));
      g_clear_error (&error);
      /* RTP/AVP with a bad line: ignored when SRTP is only preferred */
      plain = sdes_taking_offer (MG_SRTP_POLICY_PREFERRED, avp, &error);
      g_assert_no_error (error);
      g_assert_false (mg_sdes_is_active (plain));
      g_assert_cmpstr (mg_sdes_get_suite (plain), ==, "none");
    }
}

static void
test_sdes_policy_offers (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MgSdes) sdes = NULL;

  /* plain offers: refused when required, plain otherwise */
  g_assert_null (sdes_taking_offer (MG_SRTP_POLICY_REQUIRED, sipp_sdp, &error));
  g_assert_error (error, MG_SDP_ERROR, MG_SDP_ERROR_SRTP);
  g_clear_error (&error);
  for (MgSrtpPolicy p = MG_SRTP_POLICY_NONE; p <= MG_SRTP_POLICY_PREFERRED; p++)
    {
      g_autoptr (MgSdes) plain = sdes_taking_offer (p, sipp_sdp, &error);

      g_assert_no_error (error);
      g_assert_false (mg_sdes_is_active (plain));
      g_assert_null (mg_sdes_dup_local (plain, &(gboolean){ TRUE }));
    }
  /* RTP/SAVP with SRTP off: refused; RTP/AVP with a crypto line: ignored */
  g_assert_null (sdes_taking_offer (MG_SRTP_POLICY_NONE, asterisk_savp_sdp, &error));
  g_assert_error (error, MG_SDP_ERROR, MG_SDP_ERROR_SRTP);
  g_clear_error (&error);
  {
    g_autofree char *avp = g_strdup (asterisk_savp_sdp);

    memcpy (strstr (avp, "RTP/SAVP"), "RTP/AVP ", 8);
    sdes = sdes_taking_offer (MG_SRTP_POLICY_NONE, avp, &error);
    g_assert_no_error (error);
    g_assert_false (mg_sdes_is_active (sdes));
    g_clear_object (&sdes);
    /* preferred: best-effort SRTP in RTP/AVP, answered the same way */
    sdes = sdes_taking_offer (MG_SRTP_POLICY_PREFERRED, avp, &error);
    g_assert_no_error (error);
    g_assert_true (mg_sdes_is_active (sdes));
    {
      gboolean secure = TRUE;
      g_autoptr (MgSdpCrypto) line = local_line (sdes, &secure);

      g_assert_false (secure);
      g_assert_cmpuint (line->tag, ==, 1);
    }
    /* a re-offer that drops SRTP is refused; the call keeps its keys */
    {
      g_autoptr (MgSdpCrypto) before = local_line (sdes, &(gboolean){ FALSE });
      g_autoptr (MgSdpCrypto) after = NULL;
      g_autoptr (MgSipSdp) reoffer = parse_ok (sipp_sdp);

      g_assert_false (mg_sdes_take_offer (sdes, reoffer, &error));
      g_assert_error (error, MG_SDP_ERROR, MG_SDP_ERROR_SRTP);
      g_clear_error (&error);
      after = local_line (sdes, &(gboolean){ FALSE });
      g_assert_cmpstr (after->key_params, ==, before->key_params);
    }
  }
}

static char *
answer_with (const char *line, gboolean savp)
{
  return g_strdup_printf ("v=0\nc=IN IP4 1.2.3.4\nm=audio 4000 %s 0\n%s%s\n",
                          savp ? "RTP/SAVP" : "RTP/AVP", line ? "a=crypto:" : "", line ? line : "");
}

static gboolean
take_answer (MgSdes *sdes, const char *text, GError **error)
{
  g_autoptr (MgSipSdp) answer = parse_ok (text);

  return mg_sdes_take_answer (sdes, answer, error);
}

static void
test_sdes_our_offer_and_answers (void)
{
  g_autoptr (MgSdes) required = mg_sdes_new (MG_SRTP_POLICY_REQUIRED);
  g_autoptr (MgSdes) preferred = mg_sdes_new (MG_SRTP_POLICY_PREFERRED);
  g_autoptr (MgSdes) none = mg_sdes_new (MG_SRTP_POLICY_NONE);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) offer = NULL;
  g_autoptr (GPtrArray) codecs = g_ptr_array_new_with_free_func ((GDestroyNotify) mg_sdp_codec_free);
  g_autofree char *text = NULL;
  g_autofree char *redacted = NULL;
  g_autofree char *plain = answer_with (NULL, FALSE);
  g_autofree char *bad_tag = answer_with ("7 AES_CM_128_HMAC_SHA1_80 inline:l67a4X3v29KzdKHxDIaCgvUi2R+jICxZlfvVpOoF", TRUE);
  g_autofree char *good = answer_with ("2 AES_CM_128_HMAC_SHA1_32 inline:l67a4X3v29KzdKHxDIaCgvUi2R+jICxZlfvVpOoF", TRUE);
  g_autoptr (MgSipSdp) parsed = NULL;
  gboolean secure = FALSE;
  MgSdpCrypto *a, *b;

  g_assert_null (mg_sdes_dup_offer (none, &secure, &error));
  g_assert_no_error (error);
  g_assert_false (secure);

  offer = mg_sdes_dup_offer (required, &secure, &error);
  g_assert_no_error (error);
  g_assert_true (secure);
  g_assert_cmpuint (offer->len, ==, 2);
  a = g_ptr_array_index (offer, 0);
  b = g_ptr_array_index (offer, 1);
  g_assert_cmpstr (a->suite, ==, "AES_CM_128_HMAC_SHA1_80");
  g_assert_cmpstr (b->suite, ==, "AES_CM_128_HMAC_SHA1_32");
  g_assert_cmpuint (strlen (a->key_params), ==, strlen ("inline:") + 40);
  g_assert_cmpstr (a->key_params, !=, b->key_params);

  /* our SDP: RTP/SAVP with both lines, and a log-safe copy of it */
  g_ptr_array_add (codecs, mg_sdp_codec_new_default ("PCMU"));
  text = mg_sip_sdp_build ("192.0.2.5", 20000, 1, 1, codecs, MG_SDP_DIRECTION_SENDRECV, offer,
                           TRUE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (text, "m=audio 20000 RTP/SAVP 0\r\n"));
  parsed = parse_ok (text);
  g_assert_true (mg_sip_sdp_get_secure (parsed));
  g_assert_cmpuint (mg_sip_sdp_get_cryptos (parsed)->len, ==, 2);
  redacted = mg_sdes_redact (text);
  g_assert_null (strstr (redacted, a->key_params));
  g_assert_nonnull (strstr (redacted, "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:<redacted>\r\n"));
  g_assert_null (mg_sip_sdp_build ("192.0.2.5", 20000, 1, 1, codecs, MG_SDP_DIRECTION_SENDRECV,
                                   NULL, TRUE, &error));
  g_clear_error (&error);

  /* answers: plain refused when required, a tag we never offered refused */
  g_assert_false (take_answer (required, plain, &error));
  g_assert_error (error, MG_SDP_ERROR, MG_SDP_ERROR_SRTP);
  g_clear_error (&error);
  g_assert_false (take_answer (required, bad_tag, &error));
  g_assert_error (error, MG_SDP_ERROR, MG_SDP_ERROR_SRTP);
  g_clear_error (&error);
  g_assert_true (take_answer (required, good, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (mg_sdes_get_suite (required), ==, "AES_CM_128_HMAC_SHA1_32");
  {
    g_autoptr (MgSdpCrypto) line = local_line (required, &secure);
    g_autoptr (GPtrArray) again = mg_sdes_dup_offer (required, &secure, &error);

    /* we keep the key of the line the peer chose, for re-INVITEs too */
    g_assert_cmpstr (line->key_params, ==, b->key_params);
    g_assert_cmpuint (again->len, ==, 1);
  }

  /* the answer to our re-INVITE may carry a new key: ours stays */
  {
    g_autofree char *rekeyed = answer_with (
      "2 AES_CM_128_HMAC_SHA1_32 inline:aobA/qDDNDNAoCRpEq9nVbWhxhPY87+p8ulbJYM0", TRUE);
    g_autoptr (MgSdpCrypto) line = NULL;

    g_assert_true (take_answer (required, rekeyed, &error));
    g_assert_no_error (error);
    line = local_line (required, &secure);
    g_assert_cmpstr (line->key_params, ==, b->key_params);
    /* and one that drops SRTP is refused */
    g_assert_false (take_answer (required, plain, &error));
    g_assert_error (error, MG_SDP_ERROR, MG_SDP_ERROR_SRTP);
    g_clear_error (&error);
  }

  /* preferred offers RTP/AVP and takes a plain answer */
  g_clear_pointer (&offer, g_ptr_array_unref);
  offer = mg_sdes_dup_offer (preferred, &secure, &error);
  g_assert_false (secure);
  g_assert_cmpuint (offer->len, ==, 2);
  g_assert_true (take_answer (preferred, plain, &error));
  g_assert_no_error (error);
  g_assert_false (mg_sdes_is_active (preferred));
}

static void
test_sdes_decoder_caps (void)
{
  MgSdpCrypto crypto = { 3, "AES_CM_128_HMAC_SHA1_32",
                         "inline:l67a4X3v29KzdKHxDIaCgvUi2R+jICxZlfvVpOoF|2^31", NULL };
  MgSdesKey key;
  g_autoptr (GError) error = NULL;
  g_autoptr (GstCaps) caps = NULL;
  GstStructure *s;
  const GValue *value;

  g_assert_true (mg_sdes_key_parse (&crypto, &key, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (key.key_len, ==, 30);
  caps = mg_sdes_key_to_caps (&key);
  s = gst_caps_get_structure (caps, 0);
  g_assert_cmpstr (gst_structure_get_string (s, "srtp-cipher"), ==, "aes-128-icm");
  g_assert_cmpstr (gst_structure_get_string (s, "srtp-auth"), ==, "hmac-sha1-32");
  g_assert_cmpstr (gst_structure_get_string (s, "srtcp-auth"), ==, "hmac-sha1-80");
  value = gst_structure_get_value (s, "srtp-key");
  g_assert_cmpuint (gst_buffer_get_size (gst_value_get_buffer (value)), ==, 30);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  gst_init (&argc, &argv);
  g_test_add_func ("/sip-sdp/baresip", test_baresip);
  g_test_add_func ("/sip-sdp/sipp-without-telephone-event", test_sipp_without_telephone_event);
  g_test_add_func ("/sip-sdp/asterisk-policy-order", test_asterisk_policy_order);
  g_test_add_func ("/sip-sdp/hold-variants", test_hold_variants);
  g_test_add_func ("/sip-sdp/ipv6-and-connection-levels", test_ipv6_and_connection_levels);
  g_test_add_func ("/sip-sdp/sdes-crypto", test_sdes_crypto);
  g_test_add_func ("/sip-sdp/sdes-real-offers", test_sdes_real_offers);
  g_test_add_func ("/sip-sdp/sdes-bad-lines", test_sdes_bad_lines);
  g_test_add_func ("/sip-sdp/sdes-policy-offers", test_sdes_policy_offers);
  g_test_add_func ("/sip-sdp/sdes-our-offer-and-answers", test_sdes_our_offer_and_answers);
  g_test_add_func ("/sip-sdp/sdes-decoder-caps", test_sdes_decoder_caps);
  g_test_add_func ("/sip-sdp/garbage", test_garbage);
  g_test_add_func ("/sip-sdp/mutations", test_mutations);
  g_test_add_func ("/sip-sdp/build-answer-round-trip", test_build_answer_round_trip);
  g_test_add_func ("/sip-sdp/build-offer", test_build_offer);
  return g_test_run ();
}
