/* Unit tests for MgSourcePolicy: networks, forwarding headers, one
 * connection per client address. */
#include "mediagate.h"
#include "mg-source-policy-private.h"

static GInetAddress *
ip (const char *text)
{
  GInetAddress *address = g_inet_address_new_from_string (text);

  g_assert_nonnull (address);
  return address;
}

static MgSourcePolicy *
policy_with (const char *const *balancers)
{
  MgSourcePolicy *policy = mg_source_policy_new ();
  g_autoptr (GError) error = NULL;

  g_assert_true (mg_source_policy_set_load_balancers (policy, balancers, &error));
  g_assert_no_error (error);
  return policy;
}

static void
test_networks (void)
{
  const char *good[] = { "192.0.2.7", "10.0.0.0/8", "2001:db8::/32", "::1", "0.0.0.0/0" };
  const char *bad[] = {
    "", "10.0.0.1/8", "10.0.0.0/33", "host.example", "10.0.0.0 /8", "2001:db8::1/129", "1.2.3"
  };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GInetAddressMask) mask = mg_source_policy_parse_network (good[i], &error);

      g_assert_no_error (error);
      g_assert_nonnull (mask);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GInetAddressMask) mask = mg_source_policy_parse_network (bad[i], &error);

      g_assert_error (error, MG_SOURCE_POLICY_ERROR, MG_SOURCE_POLICY_ERROR_INVALID);
      g_assert_null (mask);
    }
}

static void
test_cidr_matching (void)
{
  const char *const balancers[] = { "10.1.0.0/16", "192.0.2.7", "2001:db8:1::/48", NULL };
  g_autoptr (MgSourcePolicy) policy = policy_with (balancers);
  struct
  {
    const char *address;
    gboolean balancer;
  } cases[] = {
    { "10.1.0.1", TRUE },       { "10.1.255.254", TRUE },    { "10.2.0.1", FALSE },
    { "192.0.2.7", TRUE },      { "192.0.2.8", FALSE },      { "2001:db8:1::5", TRUE },
    { "2001:db8:2::5", FALSE }, { "::ffff:10.1.2.3", TRUE }, { "::ffff:10.9.2.3", FALSE },
    { "::1", FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GInetAddress) address = ip (cases[i].address);

      g_assert_cmpint (mg_source_policy_is_load_balancer (policy, address), ==, cases[i].balancer);
    }
}

static void
test_bad_list_keeps_old (void)
{
  const char *const good[] = { "10.0.0.0/8", NULL };
  const char *const bad[] = { "10.0.0.0/8", "nonsense", NULL };
  g_autoptr (MgSourcePolicy) policy = policy_with (good);
  g_autoptr (GError) error = NULL;
  g_autoptr (GInetAddress) address = ip ("10.3.3.3");

  g_assert_false (mg_source_policy_set_load_balancers (policy, bad, &error));
  g_assert_error (error, MG_SOURCE_POLICY_ERROR, MG_SOURCE_POLICY_ERROR_INVALID);
  g_assert_true (mg_source_policy_is_load_balancer (policy, address));
}

static char *
node_text (GPtrArray *nodes, guint i)
{
  GInetAddress *node = g_ptr_array_index (nodes, i);

  return node ? g_inet_address_to_string (node) : g_strdup ("(none)");
}

static void
assert_nodes (GPtrArray *nodes, const char *const *expected)
{
  g_assert_cmpuint (nodes->len, ==, g_strv_length ((char **) expected));
  for (guint i = 0; i < nodes->len; i++)
    {
      g_autofree char *text = node_text (nodes, i);
      g_assert_cmpstr (text, ==, expected[i]);
    }
}

static void
test_forwarded_header (void)
{
  g_autoptr (GPtrArray) a = mg_source_policy_parse_forwarded (
    "for=192.0.2.60;proto=https;by=203.0.113.43, for=\"[2001:db8:cafe::17]:4711\"");
  g_autoptr (GPtrArray) b = mg_source_policy_parse_forwarded (
    "For=\"192.0.2.43:47011\", for=unknown, proto=https, for=_hidden");
  g_autoptr (GPtrArray) c = mg_source_policy_parse_forwarded ("");
  const char *const want_a[] = { "192.0.2.60", "2001:db8:cafe::17", NULL };
  const char *const want_b[] = { "192.0.2.43", "(none)", "(none)", "(none)", NULL };
  const char *const none[] = { NULL };

  assert_nodes (a, want_a);
  assert_nodes (b, want_b);
  assert_nodes (c, none);
}

static void
test_x_forwarded_for (void)
{
  g_autoptr (GPtrArray) a = mg_source_policy_parse_x_forwarded_for (
    " 198.51.100.1 , 10.0.0.2,2001:db8::9 , [2001:db8::a]:443, ::ffff:10.0.0.3");
  g_autoptr (GPtrArray) b = mg_source_policy_parse_x_forwarded_for ("garbage, 198.51.100.2");
  const char *const want_a[] = { "198.51.100.1", "10.0.0.2", "2001:db8::9",
                                 "2001:db8::a",  "10.0.0.3", NULL };
  const char *const want_b[] = { "(none)", "198.51.100.2", NULL };

  assert_nodes (a, want_a);
  assert_nodes (b, want_b);
}

static char *
client_for (MgSourcePolicy *policy, const char *peer, const char *header, const char *value)
{
  g_autoptr (SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autoptr (GInetAddress) address = ip (peer);

  if (header != NULL)
    soup_message_headers_append (headers, header, value);
  return mg_source_policy_client_address (policy, address, headers);
}

static void
test_client_address (void)
{
  const char *const balancers[] = { "10.0.0.0/8", NULL };
  g_autoptr (MgSourcePolicy) policy = policy_with (balancers);
  struct
  {
    const char *peer, *header, *value, *client;
  } cases[] = {
    /* a direct peer's headers are anyone's words: ignored */
    { "198.51.100.9", "X-Forwarded-For", "192.0.2.1", "198.51.100.9" },
    { "198.51.100.9", "Forwarded", "for=192.0.2.1", "198.51.100.9" },
    /* behind a balancer: the rightmost address that is not a balancer */
    { "10.0.0.1", "X-Forwarded-For", "192.0.2.1", "192.0.2.1" },
    { "10.0.0.1", "X-Forwarded-For", "6.6.6.6, 192.0.2.1, 10.0.0.2", "192.0.2.1" },
    { "10.0.0.1", "Forwarded", "for=6.6.6.6, for=\"[2001:db8::1]:5\"", "2001:db8::1" },
    { "::ffff:10.0.0.1", "X-Forwarded-For", "192.0.2.1", "192.0.2.1" },
    /* a balancer that names nobody usable: the balancer itself */
    { "10.0.0.1", NULL, NULL, "10.0.0.1" },
    { "10.0.0.1", "Forwarded", "for=unknown", "10.0.0.1" },
    { "::ffff:198.51.100.9", NULL, NULL, "198.51.100.9" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *client = client_for (policy, cases[i].peer, cases[i].header, cases[i].value);
      g_assert_cmpstr (client, ==, cases[i].client);
    }
}

static MgSourceSlot *
admit (MgSourcePolicy *policy, const char *peer, const char *xff, GError **error)
{
  g_autoptr (SoupMessageHeaders) headers = soup_message_headers_new (SOUP_MESSAGE_HEADERS_REQUEST);
  g_autoptr (GInetAddress) address = ip (peer);

  if (xff != NULL)
    soup_message_headers_append (headers, "X-Forwarded-For", xff);
  return mg_source_policy_admit (policy, address, headers, error);
}

static void
test_one_per_client (void)
{
  const char *const balancers[] = { "10.0.0.1", NULL };
  g_autoptr (MgSourcePolicy) policy = policy_with (balancers);
  g_autoptr (GError) error = NULL;
  g_autoptr (MgSourceSlot) first = admit (policy, "192.0.2.1", NULL, &error);
  MgSourceSlot *second = admit (policy, "192.0.2.1", NULL, &error);
  g_autoptr (MgSourceSlot) other = NULL;
  g_autoptr (MgSourceSlot) lb1 = NULL;
  g_autoptr (MgSourceSlot) lb2 = NULL;
  g_autoptr (MgSourceSlot) bare1 = NULL;
  g_autoptr (MgSourceSlot) bare2 = NULL;

  g_assert_nonnull (first);
  g_assert_null (second);
  g_assert_error (error, MG_SOURCE_POLICY_ERROR, MG_SOURCE_POLICY_ERROR_BUSY);
  g_clear_error (&error);
  other = admit (policy, "192.0.2.2", NULL, &error);
  g_assert_nonnull (other);

  /* behind the balancer: per forwarded client */
  lb1 = admit (policy, "10.0.0.1", "198.51.100.1", &error);
  lb2 = admit (policy, "10.0.0.1", "198.51.100.2", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (mg_source_slot_get_client (lb2), ==, "198.51.100.2");
  second = admit (policy, "10.0.0.1", "198.51.100.1", &error);
  g_assert_null (second);
  g_clear_error (&error);
  /* a balancer naming nobody is not limited */
  bare1 = admit (policy, "10.0.0.1", NULL, &error);
  bare2 = admit (policy, "10.0.0.1", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (bare2);

  /* closing frees the address */
  g_clear_pointer (&first, mg_source_slot_free);
  g_assert_cmpuint (mg_source_policy_count (policy, "192.0.2.1"), ==, 0);
  first = admit (policy, "192.0.2.1", NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (first);
}

static void
test_slot_outlives_policy (void)
{
  MgSourcePolicy *policy = mg_source_policy_new ();
  MgSourceSlot *slot = admit (policy, "192.0.2.1", NULL, NULL);

  g_object_unref (policy);
  mg_source_slot_free (slot);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/source-policy/networks", test_networks);
  g_test_add_func ("/source-policy/cidr-matching", test_cidr_matching);
  g_test_add_func ("/source-policy/bad-list-keeps-old", test_bad_list_keeps_old);
  g_test_add_func ("/source-policy/forwarded", test_forwarded_header);
  g_test_add_func ("/source-policy/x-forwarded-for", test_x_forwarded_for);
  g_test_add_func ("/source-policy/client-address", test_client_address);
  g_test_add_func ("/source-policy/one-per-client", test_one_per_client);
  g_test_add_func ("/source-policy/slot-outlives-policy", test_slot_outlives_policy);
  return g_test_run ();
}
