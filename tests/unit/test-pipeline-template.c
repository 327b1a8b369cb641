/* Unit tests for MgPipelineTemplate: every shipped shape parses after
 * substitution and keeps its naming contract (DESIGN.md decision 2); bad
 * placeholders and values are refused naming what is wrong. */
#include "mediagate.h"

#include <glib/gstdio.h>

static const char *
pipelines_dir (void)
{
  static char *dir;

  if (dir == NULL)
    dir = g_build_filename (g_getenv ("MG_SOURCE_DIR"), "pipelines", NULL);
  return dir;
}

/* One valid value per whitelisted name. */
static const char *
sample_value (const char *name)
{
  static const char *const samples[][2] = {
    { "PT", "0" }, { "SIP_PT", "8" }, { "WEBRTC_PT", "111" },
    { "SIP_DTMF_PT", "101" }, { "WEBRTC_DTMF_PT", "126" }, { "CLOCK_RATE", "8000" },
    { "LATENCY", "40" }, { "BITRATE", "24000" }, { "COMPLEXITY", "3" }, { "ENCODING", "PCMU" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (samples); i++)
    if (g_str_equal (samples[i][0], name))
      return samples[i][1];
  g_assert_not_reached ();
}

static void
test_every_shape_parses (void)
{
  const char *const *shapes = mg_pipeline_template_list_shapes ();

  g_assert_cmpuint (g_strv_length ((char **) shapes), ==, 20);
  for (guint i = 0; shapes[i] != NULL; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (MgPipelineTemplate) tmpl = mg_pipeline_template_load (pipelines_dir (), shapes[i],
                                                                       &error);
      g_auto (GStrv) names = NULL;
      g_autoptr (GstBin) bin = NULL;
      g_autoptr (GstElement) pipeline = gst_pipeline_new (NULL);
      g_autoptr (GstElement) enc = NULL;

      g_test_message ("shape %s", shapes[i]);
      g_assert_no_error (error);
      names = mg_pipeline_template_dup_variables (tmpl);
      for (guint j = 0; names[j] != NULL; j++)
        {
          g_assert_true (mg_pipeline_template_set (tmpl, names[j], sample_value (names[j]), &error));
          g_assert_no_error (error);
        }
      bin = mg_pipeline_template_instantiate (tmpl, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (bin);
      g_assert_cmpstr (GST_OBJECT_NAME (bin), ==, shapes[i]);
      /* the bin can go into a pipeline and reach READY (all elements exist);
       * srtpenc needs a key for that, which MgSdes sets from the SDP */
      if ((enc = gst_bin_get_by_name (bin, "sip_srtp_enc")) != NULL)
        g_object_set (enc, "random-key", TRUE, NULL);
      gst_bin_add (GST_BIN (pipeline), GST_ELEMENT (gst_object_ref (bin)));
      g_assert_cmpint (gst_element_set_state (pipeline, GST_STATE_READY), !=,
                       GST_STATE_CHANGE_FAILURE);
      gst_element_set_state (pipeline, GST_STATE_NULL);
    }
}

static GstBin *
instantiate (const char *shape)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MgPipelineTemplate) tmpl = mg_pipeline_template_load (pipelines_dir (), shape, &error);
  g_auto (GStrv) names = NULL;
  GstBin *bin;

  g_assert_no_error (error);
  names = mg_pipeline_template_dup_variables (tmpl);
  for (guint j = 0; names[j] != NULL; j++)
    g_assert_true (mg_pipeline_template_set (tmpl, names[j], sample_value (names[j]), NULL));
  bin = mg_pipeline_template_instantiate (tmpl, "x", &error);
  g_assert_no_error (error);
  return bin;
}

static void
assert_pad (GstBin *bin, const char *name, GstPadDirection direction)
{
  g_autoptr (GstPad) pad = gst_element_get_static_pad (GST_ELEMENT (bin), name);

  g_assert_nonnull (pad);
  g_assert_true (GST_IS_GHOST_PAD (pad));
  g_assert_cmpint (GST_PAD_DIRECTION (pad), ==, direction);
}

static void
test_contract_ports (void)
{
  const char *const *shapes = mg_pipeline_template_list_shapes ();
  g_autoptr (GstBin) recv = instantiate ("sip-rtp-recv");
  g_autoptr (GstBin) send = instantiate ("sip-rtp-send");
  g_autoptr (GstBin) trans = instantiate ("opus-to-pcma");
  g_autoptr (GstElement) src = gst_bin_get_by_name (recv, "sip_rtp_src");
  g_autoptr (GstCaps) caps = NULL;
  g_autoptr (GstCaps) expected = gst_caps_from_string ("application/x-rtp,media=audio,"
                                                       "encoding-name=PCMU,clock-rate=8000,"
                                                       "payload=0");
  g_autoptr (GstElement) pay = gst_bin_get_by_name (trans, "g711_pay");
  guint pt = 0;

  assert_pad (recv, "src", GST_PAD_SRC);
  assert_pad (send, "sink", GST_PAD_SINK);
  assert_pad (send, "dtmf_sink", GST_PAD_SINK);
  /* the SRTP variants have the same ports */
  for (const char *const *sip = (const char *const[]){ "sip-srtp-recv", "sip-srtp-send", NULL };
       *sip != NULL; sip++)
    {
      g_autoptr (GstBin) bin = instantiate (*sip);

      if (g_str_has_suffix (*sip, "-recv"))
        assert_pad (bin, "src", GST_PAD_SRC);
      else
        {
          assert_pad (bin, "sink", GST_PAD_SINK);
          assert_pad (bin, "dtmf_sink", GST_PAD_SINK);
        }
    }
  /* every other shape carries media one way, sink -> src */
  for (guint i = 0; shapes[i] != NULL; i++)
    {
      g_autoptr (GstBin) bin = NULL;

      if (g_str_has_prefix (shapes[i], "sip-rtp-") || g_str_has_prefix (shapes[i], "sip-srtp-"))
        continue;
      bin = instantiate (shapes[i]);
      /* a conference's shapes: one voice to two mixes, two voices to one */
      if (g_str_has_suffix (shapes[i], "-to-raw"))
        {
          assert_pad (bin, "sink", GST_PAD_SINK);
          assert_pad (bin, "src_a", GST_PAD_SRC);
          assert_pad (bin, "src_b", GST_PAD_SRC);
          continue;
        }
      if (g_str_has_prefix (shapes[i], "mix-to-"))
        {
          assert_pad (bin, "sink_a", GST_PAD_SINK);
          assert_pad (bin, "sink_b", GST_PAD_SINK);
          assert_pad (bin, "src", GST_PAD_SRC);
          continue;
        }
      assert_pad (bin, "sink", GST_PAD_SINK);
      if (!g_str_equal (shapes[i], "dtmf-detect"))
        assert_pad (bin, "src", GST_PAD_SRC);
    }

  /* the substituted values reached the elements */
  g_object_get (src, "caps", &caps, NULL);
  g_assert_true (gst_caps_is_equal (caps, expected));
  g_object_get (pay, "pt", &pt, NULL);
  g_assert_cmpuint (pt, ==, 8);
}

static void
test_bad_values (void)
{
  static const char *const bad[][2] = {
    { "PT", "128" }, { "PT", "-1" }, { "PT", " 1" }, { "PT", "01" }, { "PT", "0x10" },
    { "PT", "" }, { "PT", "1 ! fakesink" }, { "CLOCK_RATE", "44100" }, { "LATENCY", "1001" },
    { "BITRATE", "5999" }, { "BITRATE", "99999999999999" }, { "COMPLEXITY", "11" },
    { "ENCODING", "pcmu" }, { "ENCODING", "PCMU ! fakesink" }, { "SIP_DTMF_PT", "95" },
  };
  g_autoptr (MgPipelineTemplate) tmpl = mg_pipeline_template_load (pipelines_dir (), "sip-rtp-recv",
                                                                   NULL);
  g_autofree char *text = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;

      g_assert_false (mg_pipeline_template_set (tmpl, bad[i][0], bad[i][1], &error));
      g_assert_error (error, MG_PIPELINE_ERROR, MG_PIPELINE_ERROR_VARIABLE);
      g_assert_nonnull (strstr (error->message, bad[i][0]));
    }
  {
    g_autoptr (GError) error = NULL;

    g_assert_false (mg_pipeline_template_set (tmpl, "HOST", "10.0.0.1", &error));
    g_assert_error (error, MG_PIPELINE_ERROR, MG_PIPELINE_ERROR_VARIABLE);
    g_assert_nonnull (strstr (error->message, "HOST"));
  }
  /* nothing was set by the refused calls: expansion names the first missing */
  {
    g_autoptr (GError) error = NULL;

    text = mg_pipeline_template_expand (tmpl, &error);
    g_assert_null (text);
    g_assert_error (error, MG_PIPELINE_ERROR, MG_PIPELINE_ERROR_VARIABLE);
    g_assert_nonnull (strstr (error->message, "${ENCODING}"));
  }
}

static char *
write_shape (const char *shape, const char *text)
{
  g_autofree char *dir = g_dir_make_tmp ("mg-pipelines-XXXXXX", NULL);
  g_autofree char *file = g_strconcat (shape, ".pipeline", NULL);
  g_autofree char *path = g_build_filename (dir, file, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return g_steal_pointer (&dir);
}

static void
remove_shape (const char *dir, const char *shape)
{
  g_autofree char *file = g_strconcat (shape, ".pipeline", NULL);
  g_autofree char *path = g_build_filename (dir, file, NULL);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_bad_files (void)
{
  static const struct
  {
    const char *shape;
    const char *text;
    int code;
    const char *mention;
  } cases[] = {
    { "passthrough-to-sip", "capssetter name=webrtc_to_sip caps=${HOST}", MG_PIPELINE_ERROR_VARIABLE, "HOST" },
    { "passthrough-to-sip", "capssetter name=webrtc_to_sip caps=${PT", MG_PIPELINE_ERROR_VARIABLE, "${" },
    { "sip-rtp-recv", "udpsrc name=sip_rtp_src", MG_PIPELINE_ERROR_CONTRACT, "sip_rtcp_src" },
    { "passthrough-to-sip", "capssetter name=webrtc_to_sip ! fakesink",
      MG_PIPELINE_ERROR_CONTRACT, "webrtc_to_sip" },
    { "passthrough-to-sip", "nosuchelement name=webrtc_to_sip", MG_PIPELINE_ERROR_PARSE, "nosuchelement" },
    { "passthrough-to-sip", "identity name=a ! ! identity", MG_PIPELINE_ERROR_PARSE, "passthrough-to-sip" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *dir = write_shape (cases[i].shape, cases[i].text);
      g_autoptr (GError) error = NULL;
      g_autoptr (MgPipelineTemplate) tmpl = mg_pipeline_template_load (dir, cases[i].shape, &error);
      g_autoptr (GstBin) bin = NULL;

      if (tmpl != NULL)
        bin = mg_pipeline_template_instantiate (tmpl, NULL, &error);
      g_test_message ("%s -> %s", cases[i].text, error ? error->message : "(no error)");
      g_assert_null (bin);
      g_assert_error (error, MG_PIPELINE_ERROR, cases[i].code);
      g_assert_nonnull (strstr (error->message, cases[i].mention));
      remove_shape (dir, cases[i].shape);
    }
}

static void
test_bad_shape_names (void)
{
  static const char *const names[] = { "../etc/passwd", "Passthrough-to-sip", "", "nosuch", "a/b" };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (MgPipelineTemplate) tmpl = mg_pipeline_template_load (pipelines_dir (), names[i],
                                                                       &error);

      g_assert_null (tmpl);
      g_assert_error (error, MG_PIPELINE_ERROR, MG_PIPELINE_ERROR_NOT_FOUND);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  mg_init ();
  g_test_add_func ("/pipeline-template/every-shape-parses", test_every_shape_parses);
  g_test_add_func ("/pipeline-template/contract-ports", test_contract_ports);
  g_test_add_func ("/pipeline-template/bad-values", test_bad_values);
  g_test_add_func ("/pipeline-template/bad-files", test_bad_files);
  g_test_add_func ("/pipeline-template/bad-shape-names", test_bad_shape_names);
  return g_test_run ();
}
