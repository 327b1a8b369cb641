/* Unit tests for MgTokenSigner: sign, verify, tamper, kind, expiry. */
#include "mediagate.h"
#include "mg-crypto-private.h"
#include "mg-token-signer.h"

static MgTokenSigner *
make_signer (guint8 fill)
{
  guint8 key[32];

  memset (key, fill, sizeof key);
  g_autoptr (GBytes) secret = g_bytes_new (key, sizeof key);
  return mg_token_signer_new (secret);
}

static void
test_round_trip (void)
{
  g_autoptr (MgTokenSigner) signer = make_signer (1);
  g_autoptr (GError) error = NULL;
  g_autofree char *token = mg_token_signer_sign (signer, "session", "1000", 2000);
  g_autofree char *subject = NULL;
  gint64 expires_at = 0;

  g_assert_true (g_str_has_prefix (token, "mg1."));
  subject = mg_token_signer_verify (signer, token, "session", 1999, &expires_at, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (subject, ==, "1000");
  g_assert_cmpint (expires_at, ==, 2000);
}

static void
test_expiry (void)
{
  g_autoptr (MgTokenSigner) signer = make_signer (1);
  g_autoptr (GError) error = NULL;
  g_autofree char *token = mg_token_signer_sign (signer, "access", "app", 2000);
  g_autofree char *forever = mg_token_signer_sign (signer, "access", "app", 0);
  g_autofree char *subject = NULL;

  subject = mg_token_signer_verify (signer, token, "access", 2000, NULL, &error);
  g_assert_null (subject);
  g_assert_error (error, MG_TOKEN_ERROR, MG_TOKEN_ERROR_EXPIRED);
  g_clear_error (&error);

  subject = mg_token_signer_verify (signer, forever, "access", G_MAXINT32, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (subject, ==, "app");
}

static void
test_wrong_kind (void)
{
  g_autoptr (MgTokenSigner) signer = make_signer (1);
  g_autoptr (GError) error = NULL;
  g_autofree char *token = mg_token_signer_sign (signer, "session", "1000", 0);
  g_autofree char *subject = mg_token_signer_verify (signer, token, "admin", 1, NULL, &error);

  g_assert_null (subject);
  g_assert_error (error, MG_TOKEN_ERROR, MG_TOKEN_ERROR_KIND);
}

static void
test_tampered_and_foreign (void)
{
  g_autoptr (MgTokenSigner) signer = make_signer (1);
  g_autoptr (MgTokenSigner) other = make_signer (2);
  g_autoptr (GError) error = NULL;
  g_autofree char *token = mg_token_signer_sign (signer, "admin", "alice", 0);
  g_autofree char *tampered = g_strdup (token);
  char *subject;

  /* flip one character of the payload */
  tampered[6] = tampered[6] == 'A' ? 'B' : 'A';
  subject = mg_token_signer_verify (signer, tampered, "admin", 1, NULL, &error);
  g_assert_null (subject);
  g_assert_error (error, MG_TOKEN_ERROR, MG_TOKEN_ERROR_SIGNATURE);
  g_clear_error (&error);

  subject = mg_token_signer_verify (other, token, "admin", 1, NULL, &error);
  g_assert_null (subject);
  g_assert_error (error, MG_TOKEN_ERROR, MG_TOKEN_ERROR_SIGNATURE);
  g_clear_error (&error);

  for (guint i = 0; i < 4; i++)
    {
      static const char *const junk[] = { "", "mg1.", "Bearer x", "mg1.abc" };
      subject = mg_token_signer_verify (signer, junk[i], "admin", 1, NULL, &error);
      g_assert_null (subject);
      g_assert_error (error, MG_TOKEN_ERROR, MG_TOKEN_ERROR_MALFORMED);
      g_clear_error (&error);
    }
}

static void
test_constant_time_equal (void)
{
  g_assert_true (mg_constant_time_equal ("abc", "abc"));
  g_assert_false (mg_constant_time_equal ("abc", "abd"));
  g_assert_false (mg_constant_time_equal ("abc", "abcd"));
  g_assert_false (mg_constant_time_equal ("", ""));
  g_assert_false (mg_constant_time_equal (NULL, "a"));
}

static void
test_base64url (void)
{
  static const guint8 data[] = { 0xfb, 0xff, 0xfe, 0x00, 0x41 };
  g_autofree char *text = mg_base64url_encode (data, sizeof data);
  g_autoptr (GBytes) back = mg_base64url_decode (text);

  g_assert_cmpstr (text, ==, "-__-AEE");
  g_assert_cmpmem (g_bytes_get_data (back, NULL), g_bytes_get_size (back), data, sizeof data);
  g_assert_null (mg_base64url_decode ("a+b/"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/token/round-trip", test_round_trip);
  g_test_add_func ("/token/expiry", test_expiry);
  g_test_add_func ("/token/wrong-kind", test_wrong_kind);
  g_test_add_func ("/token/tampered-and-foreign", test_tampered_and_foreign);
  g_test_add_func ("/crypto/constant-time-equal", test_constant_time_equal);
  g_test_add_func ("/crypto/base64url", test_base64url);
  return g_test_run ();
}
