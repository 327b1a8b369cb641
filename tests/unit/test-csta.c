/* Unit tests: CSTA framing in both WebSocket modes, hardened XML parsing,
 * writing. */
#include "mg-csta-private.h"

#include <string.h>

#define NS6 "http://www.ecma-international.org/standards/ecma-323/csta/ed6"

static void
test_text_frames (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *frame = mg_csta_text_frame (7, "<MakeCall/>");
  const char *xml;
  gsize len;
  guint id;

  g_assert_cmpstr (frame, ==, "0007<MakeCall/>");
  g_assert_true (mg_csta_parse_text_frame (frame, strlen (frame), &id, &xml, &len, &error));
  g_assert_cmpuint (id, ==, 7);
  g_assert_cmpmem (xml, len, "<MakeCall/>", 11);
  g_assert_true (mg_csta_parse_text_frame ("9999<E/>", 8, &id, &xml, &len, NULL));
  g_assert_cmpuint (id, ==, MG_CSTA_EVENT_INVOKE_ID);

  for (const char *const *bad = (const char *[]){ "", "12", "12a4<x/>", " 123<x/>", NULL }; *bad;
       bad++)
    {
      g_clear_error (&error);
      g_assert_false (mg_csta_parse_text_frame (*bad, strlen (*bad), &id, &xml, &len, &error));
      g_assert_error (error, MG_CSTA_ERROR, MG_CSTA_ERROR_FRAMING);
    }
}

static void
test_text_frame_too_big (void)
{
  g_autoptr (GError) error = NULL;
  gsize len = 4 + MG_CSTA_MAX_XML + 1;
  g_autofree char *big = g_malloc (len);
  const char *xml;
  gsize xml_len;
  guint id;

  memset (big, 'a', len);
  memcpy (big, "0001", 4);
  g_assert_false (mg_csta_parse_text_frame (big, len, &id, &xml, &xml_len, &error));
  g_assert_error (error, MG_CSTA_ERROR, MG_CSTA_ERROR_TOO_BIG);
  g_assert_true (mg_csta_parse_text_frame (big, len - 1, &id, &xml, &xml_len, NULL));
}

static GBytes *
next (MgCstaStream *stream, guint *id)
{
  GBytes *xml = NULL;
  g_autoptr (GError) error = NULL;

  if (!mg_csta_stream_next (stream, id, &xml, &error))
    {
      g_assert_no_error (error);
      return NULL;
    }
  return xml;
}

/* A binary frame may hold part of a message or several. */
static void
test_binary_stream (void)
{
  g_autoptr (GBytes) a = mg_csta_binary_frame (1, "<A/>");
  g_autoptr (GBytes) b = mg_csta_binary_frame (9999, "<BEvent/>");
  g_autoptr (GByteArray) both = g_byte_array_new ();
  g_autoptr (MgCstaStream) stream = mg_csta_stream_new ();
  g_autoptr (GBytes) got = NULL;
  const guint8 *bytes;
  gsize size;
  guint id = 0;

  bytes = g_bytes_get_data (a, &size);
  g_assert_cmpuint (size, ==, 12);
  g_assert_cmpmem (bytes, 8,
                   "\0\0\0\x0c"
                   "0001",
                   8);
  g_byte_array_append (both, bytes, size);
  bytes = g_bytes_get_data (b, &size);
  g_byte_array_append (both, bytes, size);

  /* split anywhere, even inside the header */
  mg_csta_stream_push (stream, both->data, 3);
  g_assert_null (next (stream, &id));
  mg_csta_stream_push (stream, both->data + 3, 10);
  got = next (stream, &id);
  g_assert_nonnull (got);
  g_assert_cmpuint (id, ==, 1);
  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), "<A/>", 4);
  g_clear_pointer (&got, g_bytes_unref);
  g_assert_null (next (stream, &id));
  mg_csta_stream_push (stream, both->data + 13, both->len - 13);
  got = next (stream, &id);
  g_assert_cmpuint (id, ==, 9999);
  g_assert_cmpmem (g_bytes_get_data (got, NULL), g_bytes_get_size (got), "<BEvent/>", 9);
  g_assert_null (next (stream, &id));
}

static void
test_binary_stream_garbage (void)
{
  static const guint8 *const bad[] = {
    (const guint8 *) "\x01\0\0\x0c"
                     "0001<A/>", /* format word */
    (const guint8 *) "\0\0\0\x04"
                     "0001<A/>", /* length below the header */
    (const guint8 *) "\0\0\0\x0c"
                     "00x1<A/>", /* invokeID */
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (MgCstaStream) stream = mg_csta_stream_new ();
      g_autoptr (GError) error = NULL;
      GBytes *xml = NULL;
      guint id;

      mg_csta_stream_push (stream, bad[i], 12);
      g_assert_false (mg_csta_stream_next (stream, &id, &xml, &error));
      g_assert_error (error, MG_CSTA_ERROR, MG_CSTA_ERROR_FRAMING);
    }
  /* a message larger than the 16-bit length allows has no binary frame */
  {
    g_autofree char *big = g_strnfill (MG_CSTA_MAX_XML + 1, 'a');
    g_autofree char *fits = g_strnfill (MG_CSTA_MAX_XML, 'a');
    g_autoptr (GBytes) frame = mg_csta_binary_frame (1, fits);

    g_assert_null (mg_csta_binary_frame (1, big));
    g_assert_cmpuint (g_bytes_get_size (frame), ==, MG_CSTA_MAX_MESSAGE);
  }
}

static void
test_parse_and_find (void)
{
  static const char xml[] =
    "<?xml version=\"1.0\"?><MonitorStart xmlns=\"" NS6 "\">"
    "<monitorObject><deviceObject typeOfNumber=\"dialingNumber\"> 2001 </deviceObject></monitorObject>"
    "</MonitorStart>";
  g_autoptr (GError) error = NULL;
  g_autoptr (MgCstaMessage) msg = mg_csta_message_parse (xml, strlen (xml), &error);
  g_autofree char *device = NULL;

  g_assert_no_error (error);
  g_assert_cmpstr (msg->name, ==, "MonitorStart");
  g_assert_cmpint (mg_csta_edition_from_namespace (msg->namespace), ==, MG_CSTA_EDITION_6);
  device = mg_csta_dup_text (msg->root, "monitorObject/deviceObject");
  g_assert_cmpstr (device, ==, "2001");
  g_assert_null (mg_csta_find (msg->root, "monitorObject/callObject"));
  g_assert_null (mg_csta_dup_text (msg->root, "monitorType"));
  /* no namespace at all: still a message (some clients send none) */
  g_clear_pointer (&msg, mg_csta_message_free);
  msg = mg_csta_message_parse ("<ClearConnection/>", 18, &error);
  g_assert_no_error (error);
  g_assert_null (msg->namespace);
  g_assert_cmpint (mg_csta_edition_from_namespace ("urn:other"), ==, MG_CSTA_EDITION_UNKNOWN);
}

static void
test_hostile_xml (void)
{
  static const char *const forbidden[] = {
    "<!DOCTYPE x [<!ENTITY a \"aaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]><x>&b;</x>",
    "<!DOCTYPE x SYSTEM \"http://example.com/x.dtd\"><x/>",
    "<x><!ENTITY a SYSTEM \"file:///etc/passwd\"></x>",
  };
  static const char *const malformed[] = { "",         "<a>",  "<a></b>",
                                           "<a/><b/>", "text", "<a>&undefined;</a>" };
  GString *deep = g_string_new (NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (forbidden); i++)
    {
      g_autoptr (GError) error = NULL;

      g_assert_null (mg_csta_message_parse (forbidden[i], strlen (forbidden[i]), &error));
      g_assert_error (error, MG_CSTA_ERROR, MG_CSTA_ERROR_FORBIDDEN_XML);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      g_autoptr (GError) error = NULL;

      g_assert_null (mg_csta_message_parse (malformed[i], strlen (malformed[i]), &error));
      g_assert_error (error, MG_CSTA_ERROR, MG_CSTA_ERROR_XML);
    }
  for (int i = 0; i < MG_CSTA_MAX_DEPTH + 1; i++)
    g_string_append (deep, "<a>");
  for (int i = 0; i < MG_CSTA_MAX_DEPTH + 1; i++)
    g_string_append (deep, "</a>");
  {
    g_autoptr (GError) error = NULL;

    g_assert_null (mg_csta_message_parse (deep->str, deep->len, &error));
    g_assert_error (error, MG_CSTA_ERROR, MG_CSTA_ERROR_FORBIDDEN_XML);
  }
  g_string_free (deep, TRUE);
}

static void
test_write_escapes (void)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autoptr (MgCstaMessage) back = NULL;
  g_autofree char *text = NULL;

  mg_csta_open (out, "SystemStatus", NS6);
  mg_csta_leaf (out, "systemStatus", "<&\"'>");
  mg_csta_empty (out, "extensions", NULL);
  mg_csta_close (out, "SystemStatus");
  back = mg_csta_message_parse (out->str, out->len, NULL);
  g_assert_nonnull (back);
  text = mg_csta_dup_text (back->root, "systemStatus");
  g_assert_cmpstr (text, ==, "<&\"'>");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/csta/text-frames", test_text_frames);
  g_test_add_func ("/csta/text-frame-too-big", test_text_frame_too_big);
  g_test_add_func ("/csta/binary-stream", test_binary_stream);
  g_test_add_func ("/csta/binary-stream-garbage", test_binary_stream_garbage);
  g_test_add_func ("/csta/parse-and-find", test_parse_and_find);
  g_test_add_func ("/csta/hostile-xml", test_hostile_xml);
  g_test_add_func ("/csta/write-escapes", test_write_escapes);
  return g_test_run ();
}
