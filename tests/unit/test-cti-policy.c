/* Unit tests: which devices an application may use over CTI, and how its
 * caller IDs are masked. */
#include "mg-cti-policy-private.h"

#include <string.h>

static void
test_devices (void)
{
  g_autoptr (MgCtiPolicy) all = mg_cti_policy_new ("*", "none", NULL);
  g_autoptr (MgCtiPolicy) some = mg_cti_policy_new ("1000-1009, 2001", "none", NULL);

  g_assert_true (mg_cti_policy_allows (all, "4242"));
  g_assert_true (mg_cti_policy_allows (some, "1000"));
  g_assert_true (mg_cti_policy_allows (some, "1009"));
  g_assert_true (mg_cti_policy_allows (some, "2001"));
  g_assert_false (mg_cti_policy_allows (some, "1010"));
  g_assert_false (mg_cti_policy_allows (some, "100"));
  g_assert_false (mg_cti_policy_allows (some, "10005"));
  g_assert_false (mg_cti_policy_allows (some, "2002"));

  for (const char *const *ok = (const char *[]){ "*", "1000", "1000-1099", "1,2-3", NULL }; *ok;
       ok++)
    g_assert_true (mg_cti_policy_check_devices (*ok, NULL));
  for (const char *const *bad = (const char *[]){ "", "all", "1000-", "1099-1000", "100-1000",
                                                  "1000;2000", "1-2-3", NULL };
       *bad; bad++)
    {
      g_autoptr (GError) error = NULL;

      g_assert_false (mg_cti_policy_check_devices (*bad, &error));
      g_assert_nonnull (error);
    }
  /* an unusable stored value allows nothing */
  {
    g_autoptr (MgCtiPolicy) broken = mg_cti_policy_new ("garbage", "none", NULL);

    g_assert_false (mg_cti_policy_allows (broken, "1000"));
  }
}

static void
test_masking (void)
{
  g_autoptr (GBytes) key = g_bytes_new_static ("install-secret", 14);
  g_autoptr (GBytes) other_key = g_bytes_new_static ("other-secret", 12);
  g_autoptr (MgCtiPolicy) none = mg_cti_policy_new ("*", "none", key);
  g_autoptr (MgCtiPolicy) full = mg_cti_policy_new ("*", "full", key);
  g_autoptr (MgCtiPolicy) partial = mg_cti_policy_new ("*", "partial:4", key);
  g_autoptr (MgCtiPolicy) hash = mg_cti_policy_new ("*", "hash", key);
  g_autoptr (MgCtiPolicy) hash2 = mg_cti_policy_new ("*", "hash", other_key);
  g_autofree char *plain = mg_cti_policy_mask (none, "+4930123456");
  g_autofree char *part = mg_cti_policy_mask (partial, "+4930123456");
  g_autofree char *h1 = mg_cti_policy_mask (hash, "+4930123456");
  g_autofree char *h2 = mg_cti_policy_mask (hash, "+4930123456");
  g_autofree char *h3 = mg_cti_policy_mask (hash, "+4930123457");
  g_autofree char *h4 = mg_cti_policy_mask (hash2, "+4930123456");

  g_assert_false (mg_cti_policy_masks (none));
  g_assert_cmpstr (plain, ==, "+4930123456");
  g_assert_null (mg_cti_policy_mask (full, "+4930123456"));
  g_assert_cmpstr (part, ==, "+XXXXXX3456");
  g_assert_cmpstr (h1, ==, h2); /* the same number: the same token */
  g_assert_cmpstr (h1, !=, h3);
  g_assert_cmpstr (h1, !=, h4); /* keyed: not a plain hash of the number */
  g_assert_true (g_str_has_prefix (h1, "h-"));
  g_assert_null (strstr (h1, "3456"));

  for (const char *const *ok =
         (const char *[]){ "none", "full", "hash", "partial:1", "partial:8", NULL };
       *ok; ok++)
    g_assert_true (mg_cti_policy_check_masking (*ok, NULL));
  for (const char *const *bad =
         (const char *[]){ "", "partial", "partial:0", "partial:9", "partial:x", "FULL", NULL };
       *bad; bad++)
    g_assert_false (mg_cti_policy_check_masking (*bad, NULL));
  /* an unusable stored value masks everything */
  {
    g_autoptr (MgCtiPolicy) broken = mg_cti_policy_new ("*", "garbage", key);

    g_assert_null (mg_cti_policy_mask (broken, "2000"));
  }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cti-policy/devices", test_devices);
  g_test_add_func ("/cti-policy/masking", test_masking);
  return g_test_run ();
}
