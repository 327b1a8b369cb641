/* Unit tests for MgExtension: numbers, ranges, credential increment,
 * membership, the export document, and the store's all-or-nothing writes. */
#include <glib/gstdio.h>

#include "mediagate.h"
#include "mg-extension-json-private.h"
#include "mg-store-private.h"

static void
test_number_forms (void)
{
  const char *good[] = { "1", "1000", "0100", "123456789012345", "+1", "+4930123456",
                         "+123456789012345" };
  const char *bad[] = { "", "+", "++1", "1234567890123456", "+1234567890123456", "10a0", "1 000",
                        "-100", "1+2", "١٢٣" /* Arabic-Indic digits are not ASCII digits */ };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    g_assert_true (mg_extension_number_is_valid (good[i]));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *n = mg_extension_number_normalize (bad[i], &error);

      g_assert_false (mg_extension_number_is_valid (bad[i]));
      g_assert_null (n);
      g_assert_error (error, MG_EXTENSION_ERROR, MG_EXTENSION_ERROR_NUMBER);
    }
  g_assert_false (mg_extension_number_is_valid (NULL));
  g_assert_true (mg_extension_number_is_e164 ("+49"));
  g_assert_false (mg_extension_number_is_e164 ("49"));
}

static void
test_number_normalize_keeps_form (void)
{
  g_autofree char *a = mg_extension_number_normalize ("  0100 ", NULL);
  g_autofree char *b = mg_extension_number_normalize ("+4930100\n", NULL);

  g_assert_cmpstr (a, ==, "0100");
  g_assert_cmpstr (b, ==, "+4930100");
}

static void
assert_range_error (const char *from, const char *to, int code)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MgExtensionRange) range = mg_extension_range_new (from, to, &error);

  g_assert_null (range);
  g_assert_error (error, MG_EXTENSION_ERROR, code);
}

static void
test_range_validation (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MgExtensionRange) range = mg_extension_range_new ("1000", "1099", &error);
  g_autoptr (MgExtensionRange) single = mg_extension_range_new ("+4930100", "+4930100", &error);
  g_autoptr (MgExtensionRange) biggest = mg_extension_range_new ("10000", "19999", &error);

  g_assert_no_error (error);
  g_assert_cmpuint (mg_extension_range_get_size (range), ==, 100);
  g_assert_cmpuint (mg_extension_range_get_size (single), ==, 1);
  g_assert_cmpuint (mg_extension_range_get_size (biggest), ==, MG_EXTENSION_RANGE_MAX_SIZE);

  assert_range_error ("1099", "1000", MG_EXTENSION_ERROR_RANGE);        /* from > to */
  assert_range_error ("1000", "+1099", MG_EXTENSION_ERROR_RANGE);       /* mixed forms */
  assert_range_error ("+1000", "1099", MG_EXTENSION_ERROR_RANGE);
  assert_range_error ("100", "1099", MG_EXTENSION_ERROR_RANGE);         /* lengths differ */
  assert_range_error ("10000", "20000", MG_EXTENSION_ERROR_RANGE_TOO_LARGE);
  assert_range_error ("1x", "19", MG_EXTENSION_ERROR_NUMBER);
  assert_range_error ("10", NULL, MG_EXTENSION_ERROR_NUMBER);
}

static void
test_range_numbers_keep_width (void)
{
  g_autoptr (MgExtensionRange) padded = mg_extension_range_new ("0098", "0101", NULL);
  g_autoptr (MgExtensionRange) e164 = mg_extension_range_new ("+4930098", "+4930101", NULL);
  g_autofree char *a = mg_extension_range_get_number (padded, 0);
  g_autofree char *b = mg_extension_range_get_number (padded, 2);
  g_autofree char *c = mg_extension_range_get_number (e164, 3);

  g_assert_cmpuint (mg_extension_range_get_size (padded), ==, 4);
  g_assert_cmpstr (a, ==, "0098");
  g_assert_cmpstr (b, ==, "0100");
  g_assert_cmpstr (c, ==, "+4930101");
}

static void
test_range_membership (void)
{
  g_autoptr (MgExtensionRange) range = mg_extension_range_new ("1000", "1099", NULL);
  g_autoptr (MgExtensionRange) e164 = mg_extension_range_new ("+1000", "+1099", NULL);
  g_autoptr (MgExtensionRange) inner = mg_extension_range_new ("1050", "1200", NULL);
  g_autoptr (MgExtensionRange) after = mg_extension_range_new ("1100", "1200", NULL);

  g_assert_true (mg_extension_range_contains (range, "1000"));
  g_assert_true (mg_extension_range_contains (range, "1050"));
  g_assert_true (mg_extension_range_contains (range, "1099"));
  g_assert_false (mg_extension_range_contains (range, "0999"));
  g_assert_false (mg_extension_range_contains (range, "1100"));
  g_assert_false (mg_extension_range_contains (range, "105"));     /* shorter */
  g_assert_false (mg_extension_range_contains (range, "10500"));   /* longer */
  g_assert_false (mg_extension_range_contains (range, "+1050"));   /* other form */
  g_assert_false (mg_extension_range_contains (range, "10a0"));
  g_assert_false (mg_extension_range_contains (range, NULL));
  g_assert_true (mg_extension_range_contains (e164, "+1050"));
  g_assert_false (mg_extension_range_contains (e164, "1050"));

  g_assert_true (mg_extension_range_overlaps (range, inner));
  g_assert_true (mg_extension_range_overlaps (inner, range));
  g_assert_false (mg_extension_range_overlaps (range, after));
  g_assert_false (mg_extension_range_overlaps (range, e164));
}

static void
assert_increment (const char *credential, guint64 offset, const char *expected)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *got = mg_extension_credential_increment (credential, offset, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (got, ==, expected);
}

static void
test_credential_increment (void)
{
  assert_increment ("u1000", 0, "u1000");
  assert_increment ("u1000", 1, "u1001");
  assert_increment ("p1000", 99, "p1099");
  assert_increment ("u0099", 1, "u0100");       /* zero padding kept */
  assert_increment ("u0009", 991, "u1000");
  assert_increment ("u9", 1, "u10");            /* width overflow grows */
  assert_increment ("u99", 1, "u100");
  assert_increment ("u99", 12345, "u12444");
  assert_increment ("7", 3, "10");              /* all digits */
  assert_increment ("ab12cd07", 5, "ab12cd12"); /* only the trailing run counts */
  assert_increment ("x999999999999999999", 1, "x1000000000000000000"); /* counted as text, not as an integer */
}

static void
test_credential_increment_needs_digits (void)
{
  const char *bad[] = { "user", "", "u1000x", "p1 " };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autofree char *got = mg_extension_credential_increment (bad[i], 1, &error);

      g_assert_null (got);
      g_assert_error (error, MG_EXTENSION_ERROR, MG_EXTENSION_ERROR_CREDENTIALS);
      g_assert_nonnull (strstr (error->message, "digits"));
    }
}

static void
test_credentials_checked (void)
{
  g_autofree char *long_user = g_strnfill (129, 'u');

  g_assert_true (mg_extension_check_credentials ("u1", "p1", NULL, NULL));
  g_assert_true (mg_extension_check_credentials ("u1", "p\"1", "example.com", NULL));
  g_assert_false (mg_extension_check_credentials ("", "p1", NULL, NULL));
  g_assert_false (mg_extension_check_credentials ("u1", "", NULL, NULL));
  g_assert_false (mg_extension_check_credentials ("u1", NULL, NULL, NULL));
  g_assert_false (mg_extension_check_credentials ("u\"1", "p1", NULL, NULL));
  g_assert_false (mg_extension_check_credentials ("u1", "p\n1", NULL, NULL));
  g_assert_false (mg_extension_check_credentials (long_user, "p1", NULL, NULL));
  g_assert_false (mg_extension_check_display_name ("tab\there", NULL));
}

static void
test_password_only_through_accessor (void)
{
  g_autoptr (MgExtension) extension = mg_extension_new ("1000");
  gboolean password_set = FALSE;

  g_assert_false (mg_extension_get_password_set (extension));
  mg_extension_set_digest (extension, "u1000", "p1000", "example.com");
  g_object_get (extension, "password-set", &password_set, NULL);
  g_assert_true (password_set);
  g_assert_cmpstr (mg_extension_get_auth_password (extension), ==, "p1000");
  /* the password is no property: nothing that walks properties can leak it */
  g_assert_null (g_object_class_find_property (G_OBJECT_GET_CLASS (extension), "auth-password"));
  g_assert_null (g_object_class_find_property (G_OBJECT_GET_CLASS (extension), "password"));
  mg_extension_set_digest (extension, NULL, "ignored", "ignored");
  g_assert_false (mg_extension_get_password_set (extension));
  g_assert_null (mg_extension_get_auth_realm (extension));
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr (JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
test_document_round_trip (void)
{
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) ranges = g_ptr_array_new_with_free_func (
    (GDestroyNotify) mg_extension_range_unref);
  g_autoptr (GPtrArray) items2 = NULL;
  g_autoptr (GPtrArray) ranges2 = NULL;
  g_autoptr (JsonNode) doc = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *bad_number = NULL;
  MgExtension *a = mg_extension_new ("1000");
  gint bad_row = 7;

  mg_extension_set_digest (a, "u1000", "p1000", "example.com");
  mg_extension_set_display_name (a, "Agent");
  g_ptr_array_add (items, a);
  g_ptr_array_add (items, mg_extension_new ("+4930100"));
  g_ptr_array_add (ranges, mg_extension_range_new ("1000", "1009", NULL));
  doc = mg_extensions_document_build (items, ranges, 0);

  g_assert_true (mg_extensions_document_parse (json_node_get_object (doc), &items2, &ranges2,
                                               &bad_row, &bad_number, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (items2->len, ==, 2);
  g_assert_cmpuint (ranges2->len, ==, 1);
  g_assert_cmpstr (mg_extension_get_auth_password (g_ptr_array_index (items2, 0)), ==, "p1000");
  g_assert_cmpstr (mg_extension_get_display_name (g_ptr_array_index (items2, 0)), ==, "Agent");
  g_assert_cmpstr (mg_extension_get_number (g_ptr_array_index (items2, 1)), ==, "+4930100");
}

static void
assert_bad_document (const char *text, gint row, const char *number, const char *reason)
{
  g_autoptr (JsonObject) doc = parse_object (text);
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (GPtrArray) ranges = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *bad_number = NULL;
  gint bad_row = 0;

  g_assert_false (mg_extensions_document_parse (doc, &items, &ranges, &bad_row, &bad_number,
                                                &error));
  g_assert_null (items);
  g_assert_nonnull (error);
  g_assert_cmpint (bad_row, ==, row);
  g_assert_cmpstr (bad_number, ==, number);
  if (strstr (error->message, reason) == NULL)
    g_error ("“%s” does not say “%s”", error->message, reason);
}

#define HEAD "{\"format\":\"mediagate-extensions\",\"version\":1,"

static void
test_document_refusals (void)
{
  assert_bad_document ("{\"format\":\"other\",\"version\":1,\"extensions\":[]}", -1, NULL,
                       "format");
  assert_bad_document ("{\"format\":\"mediagate-extensions\",\"version\":2,\"extensions\":[]}",
                       -1, NULL, "version");
  assert_bad_document (HEAD "\"extensions\":{}}", -1, NULL, "array");
  assert_bad_document (HEAD "\"ranges\":[{\"from\":\"2\",\"to\":\"1\"}],\"extensions\":[]}", -1,
                       NULL, "ranges[0]");
  assert_bad_document (HEAD "\"extensions\":[{\"number\":\"1\"},{\"number\":\"x1\"}]}", 1, "x1",
                       "extensions[1]");
  assert_bad_document (HEAD "\"extensions\":[{\"number\":\"1\"},{\"number\":\"1\"}]}", 1, "1",
                       "twice");
  assert_bad_document (HEAD "\"extensions\":[{\"number\":\"1\",\"enabled\":\"yes\"}]}", 0, "1",
                       "enabled");
  assert_bad_document (HEAD "\"extensions\":[{\"number\":\"1\",\"colour\":1}]}", 0, "1",
                       "colour");
  assert_bad_document (HEAD "\"extensions\":[{\"number\":\"1\",\"digest\":{\"username\":\"u\"}}]}",
                       0, "1", "password");
  assert_bad_document (HEAD "\"extensions\":[{\"display_name\":\"x\"}]}", 0, NULL, "missing");
  assert_bad_document (HEAD "\"extensions\":[7]}", 0, NULL, "object");
}

typedef struct
{
  char *dir;
  MgStore *store;
} Fixture;

static void
setup (Fixture *f, gconstpointer data)
{
  g_autofree char *path = NULL;

  f->dir = g_dir_make_tmp ("mg-ext-XXXXXX", NULL);
  path = g_build_filename (f->dir, "mediagate.db", NULL);
  f->store = mg_store_open (path, NULL);
  g_assert_nonnull (f->store);
}

static void
teardown (Fixture *f, gconstpointer data)
{
  g_autoptr (GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  g_clear_object (&f->store);
  while (dir && (name = g_dir_read_name (dir)))
    {
      g_autofree char *p = g_build_filename (f->dir, name, NULL);
      g_unlink (p);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
}

static guint
count_extensions (MgStore *store)
{
  guint total = 0;
  g_autoptr (GPtrArray) items = mg_store_list_extensions (store, NULL, 0, 0, &total, NULL);

  g_assert_nonnull (items);
  return total;
}

static void
test_store_range_is_all_or_nothing (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MgExtensionRange) first = mg_extension_range_new ("1000", "1009", NULL);
  g_autoptr (MgExtensionRange) clash = mg_extension_range_new ("0995", "1005", NULL);
  g_autoptr (MgExtension) template_ = mg_extension_new ("1000");
  g_autoptr (MgExtension) got = NULL;
  g_autoptr (MgExtensionRange) holder = NULL;

  mg_extension_set_digest (template_, "u0998", "p1000", NULL);
  g_assert_cmpuint (mg_store_add_extension_range (f->store, first, template_, TRUE, &error), ==,
                    10);
  g_assert_no_error (error);
  got = mg_store_get_extension (f->store, "1003", &error);
  g_assert_cmpstr (mg_extension_get_auth_username (got), ==, "u1001");
  g_assert_cmpstr (mg_extension_get_auth_password (got), ==, "p1003");

  g_assert_cmpuint (mg_store_add_extension_range (f->store, clash, NULL, FALSE, &error), ==, 0);
  g_assert_error (error, MG_STORE_ERROR, MG_STORE_ERROR_CONFLICT);
  g_assert_nonnull (strstr (error->message, "1000"));
  g_assert_cmpuint (count_extensions (f->store), ==, 10);
  g_clear_error (&error);
  g_assert_null (mg_store_get_extension (f->store, "0995", &error));
  g_assert_error (error, MG_STORE_ERROR, MG_STORE_ERROR_NOT_FOUND);

  holder = mg_store_find_extension_range (f->store, "1009");
  g_assert_nonnull (holder);
  g_assert_cmpstr (mg_extension_range_get_from (holder), ==, "1000");
  g_assert_null (mg_store_find_extension_range (f->store, "1010"));
}

static void
test_store_import_is_atomic (Fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (MgExtensionRange) range = mg_extension_range_new ("1000", "1004", NULL);
  g_autoptr (GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  MgExtension *bad = mg_extension_new ("2001");
  guint created = 9, updated = 9, deleted = 9;

  g_assert_cmpuint (mg_store_add_extension_range (f->store, range, NULL, FALSE, &error), ==, 5);
  g_ptr_array_add (items, mg_extension_new ("1000"));
  g_ptr_array_add (items, mg_extension_new ("2000"));
  g_ptr_array_add (items, bad);
  mg_extension_set_digest (bad, "u", "", NULL); /* empty password: refused */
  g_assert_false (mg_store_import_extensions (f->store, items, NULL, MG_STORE_IMPORT_REPLACE,
                                              &created, &updated, &deleted, &error));
  g_assert_nonnull (error);
  g_assert_cmpuint (count_extensions (f->store), ==, 5);
  g_clear_error (&error);

  g_ptr_array_remove_index (items, 2);
  g_assert_true (mg_store_import_extensions (f->store, items, NULL, MG_STORE_IMPORT_REPLACE,
                                             &created, &updated, &deleted, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (created, ==, 1);
  g_assert_cmpuint (updated, ==, 1);
  g_assert_cmpuint (deleted, ==, 4);
  g_assert_cmpuint (count_extensions (f->store), ==, 2);
  g_assert_null (mg_store_find_extension_range (f->store, "1001"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/extension/number/forms", test_number_forms);
  g_test_add_func ("/extension/number/normalize", test_number_normalize_keeps_form);
  g_test_add_func ("/extension/range/validation", test_range_validation);
  g_test_add_func ("/extension/range/width", test_range_numbers_keep_width);
  g_test_add_func ("/extension/range/membership", test_range_membership);
  g_test_add_func ("/extension/increment/counts", test_credential_increment);
  g_test_add_func ("/extension/increment/needs-digits", test_credential_increment_needs_digits);
  g_test_add_func ("/extension/credentials", test_credentials_checked);
  g_test_add_func ("/extension/password-accessor", test_password_only_through_accessor);
  g_test_add_func ("/extension/document/round-trip", test_document_round_trip);
  g_test_add_func ("/extension/document/refusals", test_document_refusals);
  g_test_add ("/extension/store/range-all-or-nothing", Fixture, NULL, setup,
              test_store_range_is_all_or_nothing, teardown);
  g_test_add ("/extension/store/import-atomic", Fixture, NULL, setup, test_store_import_is_atomic,
              teardown);
  return g_test_run ();
}
