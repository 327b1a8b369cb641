/* Unit tests for the settings sections: defaults, validation, merge rules,
 * write-only secrets, restart_required and the value checks. */
#include "mediagate.h"
#include "mg-settings-checks-private.h"
#include "mg-settings.h"

static JsonObject *
object_from (const char *json)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonNode) node = json_from_string (json, &error);

  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

static char *
to_json (JsonObject *object)
{
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, object);
  return json_to_string (node, FALSE);
}

/* Merges @input into @section's defaults (or @current); returns the error. */
static GError *
merge_error (const char *section, const char *input, gboolean replace)
{
  g_autoptr (JsonObject) current = mg_settings_get_defaults (section);
  g_autoptr (JsonObject) in = object_from (input);
  g_autoptr (JsonObject) merged = NULL;
  GError *error = NULL;

  merged = mg_settings_merge (section, current, in, replace, NULL, &error);
  g_assert_true ((merged == NULL) == (error != NULL));
  return error;
}

static void
assert_rejected (const char *section, const char *input, const char *key)
{
  g_autoptr (GError) error = merge_error (section, input, FALSE);

  if (error == NULL)
    g_error ("%s %s was accepted", section, input);
  g_assert_true (g_str_has_prefix (error->message, key));
  g_assert_cmpint (error->message[strlen (key)], ==, ':');
}

static void
assert_accepted (const char *section, const char *input)
{
  g_autoptr (GError) error = merge_error (section, input, FALSE);

  g_assert_no_error (error);
}

static void
test_defaults (void)
{
  g_autoptr (JsonObject) turn = mg_settings_get_defaults ("turn");
  g_autoptr (JsonObject) media = mg_settings_get_defaults ("media");
  g_autoptr (JsonObject) sip = mg_settings_get_defaults ("sip");
  g_autoptr (JsonObject) diag = mg_settings_get_defaults ("diagnostics");
  g_autofree char *codecs = NULL;
  g_auto (GStrv) audio = mg_settings_dup_strv (media, "audio_codecs");

  g_assert_false (mg_settings_get_bool (turn, "enabled"));
  g_assert_cmpint (mg_settings_get_int (turn, "ttl"), ==, 600);
  g_assert_cmpstr (mg_settings_get_string (turn, "shared_secret"), ==,
                   MG_SETTINGS_DEFAULT_TURN_SECRET);
  codecs = g_strjoinv (",", audio);
  g_assert_cmpstr (codecs, ==, "opus,G722,PCMU,PCMA,telephone-event");
  g_assert_cmpstr (mg_settings_get_string (media, "sip_srtp"), ==, "none");
  g_assert_cmpint (mg_settings_get_int (media, "max_video_bitrate"), ==, 500);
  g_assert_cmpint (mg_settings_get_int (sip, "registration_expiry"), ==, 600);
  g_assert_cmpint (mg_settings_get_int (sip, "local_port"), ==, 5060);
  g_assert_cmpstr (mg_settings_get_string (sip, "primary_uri"), ==, "");
  g_assert_cmpint (mg_settings_get_log_level (diag, "mediagate-sip"), ==, G_LOG_LEVEL_MESSAGE);
  g_assert_true (mg_settings_has_section ("diagnostics"));
  g_assert_false (mg_settings_has_section ("destinations"));
}

static void
test_put_and_patch (void)
{
  g_autoptr (JsonObject) current = mg_settings_get_defaults ("media");
  g_autoptr (JsonObject) patch = object_from ("{\"max_video_bitrate\": 800}");
  g_autoptr (JsonObject) put = object_from ("{\"sip_srtp\": \"required\"}");
  g_autoptr (JsonObject) patched = NULL;
  g_autoptr (JsonObject) replaced = NULL;
  g_autoptr (GError) error = NULL;

  json_object_set_string_member (current, "sip_srtp", "preferred");
  patched = mg_settings_merge ("media", current, patch, FALSE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (mg_settings_get_int (patched, "max_video_bitrate"), ==, 800);
  g_assert_cmpstr (mg_settings_get_string (patched, "sip_srtp"), ==, "preferred");
  /* the input to a merge is never modified */
  g_assert_cmpint (mg_settings_get_int (current, "max_video_bitrate"), ==, 500);

  replaced = mg_settings_merge ("media", patched, put, TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (mg_settings_get_int (replaced, "max_video_bitrate"), ==, 500);
  g_assert_cmpstr (mg_settings_get_string (replaced, "sip_srtp"), ==, "required");
}

static void
test_unknown_key (void)
{
  g_autoptr (GError) error = merge_error ("turn", "{\"ttl\": 600, \"tll\": 5}", TRUE);

  g_assert_error (error, MG_SETTINGS_ERROR, MG_SETTINGS_ERROR_UNKNOWN_KEY);
  g_assert_true (g_str_has_prefix (error->message, "tll:"));
}

static void
test_bad_values (void)
{
  assert_rejected ("turn", "{\"enabled\": \"yes\"}", "enabled");
  assert_rejected ("turn", "{\"ttl\": 59}", "ttl");
  assert_rejected ("turn", "{\"ttl\": 86401}", "ttl");
  assert_rejected ("turn", "{\"ttl\": 600.5}", "ttl");
  assert_rejected ("turn", "{\"ttl\": \"600\"}", "ttl");
  assert_rejected ("turn", "{\"shared_secret\": \"short\"}", "shared_secret");
  assert_rejected ("turn", "{\"shared_secret\": \"has a space in it!!\"}", "shared_secret");
  assert_rejected ("turn", "{\"relay_addresses\": [\"10.0.0.300\"]}", "relay_addresses");
  assert_rejected ("turn", "{\"relay_addresses\": \"10.0.0.1\"}", "relay_addresses");
  assert_rejected ("turn", "{\"relay_addresses\": [\"10.0.0.1\", \"10.0.0.1\"]}",
                   "relay_addresses");
  assert_rejected ("turn", "{\"external_addresses\": [\"turn\"]}", "external_addresses");
  assert_rejected ("turn", "{\"external_addresses\": [\"-a.example.com\"]}", "external_addresses");
  assert_rejected ("turn", "{\"external_addresses\": [\"10.0.0.1\"]}", "external_addresses");
  assert_rejected ("media", "{\"sip_srtp\": \"always\"}", "sip_srtp");
  assert_rejected ("media", "{\"audio_codecs\": []}", "audio_codecs");
  assert_rejected ("media", "{\"audio_codecs\": [\"opus\", \"opus\"]}", "audio_codecs");
  assert_rejected ("media", "{\"audio_codecs\": [\"G729\"]}", "audio_codecs");
  assert_rejected ("media", "{\"audio_codecs\": [\"pcmu\"]}", "audio_codecs");
  assert_rejected ("media", "{\"video_codecs\": [\"AV1\"]}", "video_codecs");
  assert_rejected ("media", "{\"max_video_bitrate\": 0}", "max_video_bitrate");
  assert_rejected ("sip", "{\"registration_expiry\": 299}", "registration_expiry");
  assert_rejected ("sip", "{\"local_port\": 65536}", "local_port");
  assert_rejected ("sip", "{\"transport\": \"sctp\"}", "transport");
  assert_rejected ("sip", "{\"secondary_uri\": \"sip:b.example.com\"}", "secondary_uri");
  assert_rejected ("diagnostics", "{\"log_levels\": {\"sip\": \"verbose\"}}", "log_levels");
  assert_rejected ("diagnostics", "{\"log_levels\": {\"nosuch\": \"debug\"}}", "log_levels");
  assert_rejected ("diagnostics", "{\"log_levels\": [\"debug\"]}", "log_levels");
  assert_rejected ("diagnostics", "{\"log_file_size\": 1000}", "log_file_size");
  assert_rejected ("diagnostics", "{\"log_file_count\": 0}", "log_file_count");
  assert_rejected ("diagnostics", "{\"log_retention_days\": -1}", "log_retention_days");

  assert_accepted ("media", "{\"video_codecs\": [], \"audio_codecs\": [\"PCMA\", \"opus\"]}");
  assert_accepted ("sip", "{\"registration_expiry\": 300, \"transport\": \"tls\"}");
  assert_accepted ("turn", "{\"external_addresses\": [\"turn.example.com\"], "
                   "\"relay_addresses\": [\"192.0.2.1\", \"2001:db8::1\"]}");
}

static void
test_transport_addresses (void)
{
  static const char *const good[] = { "192.0.2.1:3478/UDP", "192.0.2.1:3478/TCP",
                                      "10.1.2.3:5349/TLS", "[2001:db8::1]:3478/UDP",
                                      "[::1]:65535/TCP" };
  static const char *const bad[] = { "192.0.2.1:3478", "192.0.2.1/UDP", "192.0.2.1:0/UDP",
                                     "192.0.2.1:65536/UDP", "192.0.2.1:3478/udp",
                                     "192.0.2.1:3478/SCTP", "2001:db8::1:3478/UDP",
                                     "[192.0.2.1]:3478/UDP", "turn.example.com:3478/UDP",
                                     "[2001:db8::1]/UDP", "192.0.2.1:34a8/UDP", "" };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *reason = NULL;
      g_assert_true (mg_settings_check_transport_address (good[i], &reason));
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *reason = NULL;
      if (mg_settings_check_transport_address (bad[i], &reason))
        g_error ("\"%s\" was accepted", bad[i]);
      g_assert_nonnull (reason);
    }
}

static void
test_sip_uris (void)
{
  static const char *const good[] = { "", "sip:pbx.example.com", "sips:pbx.example.com:5061",
                                      "sip:192.0.2.10:5060", "sip:[2001:db8::5]:5060",
                                      "sip:registrar@pbx", "sip:pbx.example.com;transport=tcp" };
  static const char *const bad[] = { "pbx.example.com", "http://pbx", "sip:", "sip:pbx:0",
                                     "sip:pbx:70000", "sip:[2001:db8::5", "sip:pbx example",
                                     "sip:-pbx", "sip:pbx..example", "sip:pbx?x=y" };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autofree char *reason = NULL;
      if (!mg_settings_check_sip_uri (good[i], &reason))
        g_error ("\"%s\" was refused: %s", good[i], reason);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *reason = NULL;
      if (mg_settings_check_sip_uri (bad[i], &reason))
        g_error ("\"%s\" was accepted", bad[i]);
    }
}

static void
test_secret_is_write_only (void)
{
  g_autoptr (JsonObject) current = mg_settings_get_defaults ("turn");
  g_autoptr (JsonObject) view = mg_settings_public_view ("turn", current);
  g_autoptr (JsonObject) put = object_from ("{\"shared_secret\": \"0123456789abcdefXYZ\"}");
  g_autoptr (JsonObject) put_again = object_from ("{\"ttl\": 900, \"shared_secret_set\": true}");
  g_autoptr (JsonObject) first = NULL;
  g_autoptr (JsonObject) second = NULL;
  g_autoptr (JsonObject) view2 = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;

  /* the default secret: flagged, warned about, never shown */
  g_assert_false (json_object_has_member (view, "shared_secret"));
  g_assert_true (json_object_get_boolean_member (view, "shared_secret_is_default"));
  g_assert_false (json_object_get_boolean_member (view, "shared_secret_set"));
  g_assert_true (json_object_has_member (view, "warnings"));

  first = mg_settings_merge ("turn", current, put, TRUE, NULL, &error);
  g_assert_no_error (error);
  /* a PUT without the secret keeps it: nobody can read it back to resend it */
  second = mg_settings_merge ("turn", first, put_again, TRUE, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mg_settings_get_string (second, "shared_secret"), ==, "0123456789abcdefXYZ");
  g_assert_cmpint (mg_settings_get_int (second, "ttl"), ==, 900);

  view2 = mg_settings_public_view ("turn", second);
  text = to_json (view2);
  g_assert_null (strstr (text, "0123456789abcdefXYZ"));
  g_assert_true (json_object_get_boolean_member (view2, "shared_secret_set"));
  g_assert_false (json_object_get_boolean_member (view2, "shared_secret_is_default"));
  g_assert_false (json_object_has_member (view2, "warnings"));
}

static void
test_secret_not_in_error (void)
{
  g_autoptr (GError) error = merge_error ("turn", "{\"shared_secret\": \"secret with spaces!\"}",
                                          FALSE);

  g_assert_nonnull (error);
  g_assert_null (strstr (error->message, "spaces!"));
}

static void
test_restart_required (void)
{
  g_autoptr (JsonObject) current = mg_settings_get_defaults ("sip");
  g_autoptr (JsonObject) same = object_from ("{\"local_port\": 5060, \"registration_expiry\": 900}");
  g_autoptr (JsonObject) port = object_from ("{\"local_port\": 5070}");
  g_autoptr (JsonObject) transport = object_from ("{\"transport\": \"tcp\"}");
  g_autoptr (JsonObject) a = NULL, b = NULL, c = NULL;
  gboolean restart = TRUE;

  a = mg_settings_merge ("sip", current, same, FALSE, &restart, NULL);
  g_assert_nonnull (a);
  g_assert_false (restart);
  b = mg_settings_merge ("sip", current, port, FALSE, &restart, NULL);
  g_assert_nonnull (b);
  g_assert_true (restart);
  c = mg_settings_merge ("sip", current, transport, FALSE, &restart, NULL);
  g_assert_nonnull (c);
  g_assert_true (restart);
}

static void
test_level_map_merges (void)
{
  g_autoptr (JsonObject) current = mg_settings_get_defaults ("diagnostics");
  g_autoptr (JsonObject) sip_debug = object_from ("{\"log_levels\": {\"sip\": \"debug\"}}");
  g_autoptr (JsonObject) cti_info = object_from ("{\"log_levels\": {\"cti\": \"info\"}}");
  g_autoptr (JsonObject) a = NULL, b = NULL, c = NULL;

  a = mg_settings_merge ("diagnostics", current, sip_debug, FALSE, NULL, NULL);
  b = mg_settings_merge ("diagnostics", a, cti_info, FALSE, NULL, NULL);
  g_assert_cmpint (mg_settings_get_log_level (b, "sip"), ==, G_LOG_LEVEL_DEBUG);
  g_assert_cmpint (mg_settings_get_log_level (b, "mediagate-cti"), ==, G_LOG_LEVEL_INFO);
  g_assert_cmpint (mg_settings_get_log_level (b, "store"), ==, G_LOG_LEVEL_MESSAGE);
  /* PUT starts from the defaults */
  c = mg_settings_merge ("diagnostics", b, cti_info, TRUE, NULL, NULL);
  g_assert_cmpint (mg_settings_get_log_level (c, "sip"), ==, G_LOG_LEVEL_MESSAGE);
  g_assert_cmpint (mg_settings_get_log_level (c, "cti"), ==, G_LOG_LEVEL_INFO);
}

static void
test_normalize (void)
{
  g_autoptr (JsonObject) a = mg_settings_normalize ("media", NULL);
  g_autoptr (JsonObject) b = mg_settings_normalize ("media", "{\"max_video_bitrate\": 900, "
                                                    "\"sip_srtp\": \"bogus\", \"gone\": 1}");
  g_autoptr (JsonObject) c = mg_settings_normalize ("media", "not json");

  g_assert_cmpint (mg_settings_get_int (a, "max_video_bitrate"), ==, 500);
  g_assert_cmpint (mg_settings_get_int (b, "max_video_bitrate"), ==, 900);
  g_assert_cmpstr (mg_settings_get_string (b, "sip_srtp"), ==, "none");
  g_assert_false (json_object_has_member (b, "gone"));
  g_assert_cmpint (json_object_get_size (c), ==, 5);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/settings/defaults", test_defaults);
  g_test_add_func ("/settings/put-and-patch", test_put_and_patch);
  g_test_add_func ("/settings/unknown-key", test_unknown_key);
  g_test_add_func ("/settings/bad-values", test_bad_values);
  g_test_add_func ("/settings/transport-addresses", test_transport_addresses);
  g_test_add_func ("/settings/sip-uris", test_sip_uris);
  g_test_add_func ("/settings/secret-is-write-only", test_secret_is_write_only);
  g_test_add_func ("/settings/secret-not-in-error", test_secret_not_in_error);
  g_test_add_func ("/settings/restart-required", test_restart_required);
  g_test_add_func ("/settings/level-map-merges", test_level_map_merges);
  g_test_add_func ("/settings/normalize", test_normalize);
  return g_test_run ();
}
