/* Unit tests for certificate validation and description (mg-certificate.c).
 *
 * Every certificate is made here with GnuTLS: a CA, an intermediate, leaves
 * for the FQDN and for another name, an expired and a not-yet-valid leaf, a
 * leaf under an expired intermediate, and a second key. No binary fixtures.
 */
#include <gnutls/gnutls.h>
#include <gnutls/pkcs12.h>
#include <gnutls/x509.h>

#include "mediagate.h"
#include "mg-certificate.h"

#define FQDN "mediagate.test"
#define DAY (24 * 60 * 60)

static gint64 now;

static struct
{
  gnutls_x509_privkey_t ca_key, int_key, leaf_key, other_key, key2;
  gnutls_x509_crt_t ca, intermediate, leaf, other, expired, future;
  gnutls_x509_crt_t old_intermediate, leaf_under_old;
} f;

static gnutls_x509_privkey_t
make_key (void)
{
  gnutls_x509_privkey_t key;

  g_assert_cmpint (gnutls_x509_privkey_init (&key), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA,
                                                 GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1),
                                                 0),
                   ==, 0);
  return key;
}

/* A certificate for @key named @cn (and DNS name @dns when not NULL), signed
 * by @issuer/@issuer_key, or self-signed when @issuer is NULL. */
static gnutls_x509_crt_t
make_cert (const char *cn, const char *dns, gnutls_x509_privkey_t key, gnutls_x509_crt_t issuer,
           gnutls_x509_privkey_t issuer_key, gboolean ca, gint64 not_before, gint64 not_after)
{
  static guint8 serial = 1;
  gnutls_x509_crt_t crt;
  guint8 id[64];
  size_t id_size = sizeof id;

  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_version (crt, 3), ==, 0);
  serial++;
  g_assert_cmpint (gnutls_x509_crt_set_serial (crt, &serial, 1), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_activation_time (crt, not_before), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_expiration_time (crt, not_after), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn,
                                                  strlen (cn)),
                   ==, 0);
  if (dns != NULL)
    g_assert_cmpint (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME, dns,
                                                           strlen (dns), GNUTLS_FSAN_APPEND),
                     ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_key (crt, key), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_basic_constraints (crt, ca, -1), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_key_usage (
                     crt, ca ? GNUTLS_KEY_KEY_CERT_SIGN : GNUTLS_KEY_DIGITAL_SIGNATURE),
                   ==, 0);
  g_assert_cmpint (gnutls_x509_crt_get_key_id (crt, 0, id, &id_size), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_subject_key_id (crt, id, id_size), ==, 0);
  if (issuer != NULL)
    {
      id_size = sizeof id;
      g_assert_cmpint (gnutls_x509_crt_get_subject_key_id (issuer, id, &id_size, NULL), ==, 0);
      g_assert_cmpint (gnutls_x509_crt_set_authority_key_id (crt, id, id_size), ==, 0);
    }
  g_assert_cmpint (gnutls_x509_crt_sign2 (crt, issuer ? issuer : crt,
                                          issuer ? issuer_key : key, GNUTLS_DIG_SHA256, 0),
                   ==, 0);
  return crt;
}

static void
make_fixtures (void)
{
  gint64 past = now - 30 * DAY, later = now + 365 * DAY;

  f.ca_key = make_key ();
  f.int_key = make_key ();
  f.leaf_key = make_key ();
  f.other_key = make_key ();
  f.key2 = make_key ();
  f.ca = make_cert ("Test Root CA", NULL, f.ca_key, NULL, NULL, TRUE, past, later + DAY);
  f.intermediate = make_cert ("Test Intermediate", NULL, f.int_key, f.ca, f.ca_key, TRUE, past,
                              later);
  f.leaf = make_cert (FQDN, FQDN, f.leaf_key, f.intermediate, f.int_key, FALSE, past, later);
  f.other = make_cert ("other.test", "other.test", f.other_key, f.intermediate, f.int_key, FALSE,
                       past, later);
  f.expired = make_cert (FQDN, FQDN, f.leaf_key, f.intermediate, f.int_key, FALSE, past,
                         now - DAY);
  f.future = make_cert (FQDN, FQDN, f.leaf_key, f.intermediate, f.int_key, FALSE, now + DAY,
                        later);
  f.old_intermediate = make_cert ("Old Intermediate", NULL, f.int_key, f.ca, f.ca_key, TRUE,
                                  past, now - DAY);
  f.leaf_under_old = make_cert (FQDN, FQDN, f.leaf_key, f.old_intermediate, f.int_key, FALSE,
                                past, later);
}

static char *
crt_pem (gnutls_x509_crt_t crt)
{
  gnutls_datum_t out = { 0 };
  char *text;

  g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &out), ==, 0);
  text = g_strndup ((const char *) out.data, out.size);
  gnutls_free (out.data);
  return text;
}

static char *
key_pem (gnutls_x509_privkey_t key)
{
  gnutls_datum_t out = { 0 };
  char *text;

  g_assert_cmpint (gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, NULL,
                                                      GNUTLS_PKCS_PLAIN, &out),
                   ==, 0);
  text = g_strndup ((const char *) out.data, out.size);
  gnutls_free (out.data);
  return text;
}

/* The PEM of several certificates, in the order given. */
static char *
chain_pem (gnutls_x509_crt_t first, ...)
{
  GString *out = g_string_new (NULL);
  va_list args;

  va_start (args, first);
  for (gnutls_x509_crt_t crt = first; crt != NULL; crt = va_arg (args, gnutls_x509_crt_t))
    {
      g_autofree char *pem = crt_pem (crt);
      g_string_append (out, pem);
    }
  va_end (args);
  return g_string_free (out, FALSE);
}

static void
assert_pem_fails (const char *chain, gnutls_x509_privkey_t key, const char *fqdn, gint64 at,
                  MgCertificateError code)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *kpem = key ? key_pem (key) : g_strdup ("");
  g_autofree char *combined = NULL;

  g_assert_false (mg_certificate_validate_pem (chain, kpem, fqdn, at, &combined, &error));
  g_assert_error (error, MG_CERTIFICATE_ERROR, (gint) code);
  g_assert_null (combined);
  g_assert_cmpstr (error->message, !=, "");
  /* says what is wrong without quoting the PEM text (let alone the key) */
  g_assert_null (strstr (error->message, "-----END"));
  if (kpem[0] != '\0')
    g_assert_null (strstr (error->message, kpem + strlen ("-----BEGIN PRIVATE KEY-----\n")));
  g_test_message ("%s", error->message);
}

static void
test_good_chain (void)
{
  g_autofree char *chain = chain_pem (f.leaf, f.intermediate, NULL);
  g_autofree char *leaf = crt_pem (f.leaf);
  g_autofree char *inter = crt_pem (f.intermediate);
  g_autofree char *kpem = key_pem (f.leaf_key);
  g_autofree char *combined = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GTlsCertificate) cert = NULL;

  g_assert_true (mg_certificate_validate_pem (chain, kpem, FQDN, now, &combined, &error));
  g_assert_no_error (error);
  /* leaf first, then the intermediate, then the key */
  g_assert_true (g_str_has_prefix (combined, leaf));
  g_assert_true (strstr (combined, inter) == combined + strlen (leaf));
  g_assert_nonnull (strstr (combined, "-----BEGIN PRIVATE KEY-----"));

  cert = g_tls_certificate_new_from_pem (combined, -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (g_tls_certificate_get_issuer (cert));
}

static void
test_good_chain_with_root_and_key_inline (void)
{
  g_autofree char *chain = chain_pem (f.leaf, f.intermediate, f.ca, NULL);
  g_autofree char *kpem = key_pem (f.leaf_key);
  g_autofree char *with_key = g_strconcat (chain, kpem, NULL);
  g_autoptr (GError) error = NULL;

  g_assert_true (mg_certificate_validate_pem (chain, kpem, FQDN, now, NULL, &error));
  g_assert_no_error (error);
  /* no separate key: it is taken from the chain text */
  g_assert_true (mg_certificate_validate_pem (with_key, NULL, FQDN, now, NULL, &error));
  g_assert_no_error (error);
}

static void
test_chain_order (void)
{
  g_autofree char *reversed = chain_pem (f.intermediate, f.leaf, NULL);
  g_autofree char *skipping = chain_pem (f.leaf, f.ca, f.intermediate, NULL);
  g_autofree char *root_first = chain_pem (f.leaf, f.ca, NULL);

  assert_pem_fails (reversed, f.leaf_key, FQDN, now, MG_CERTIFICATE_ERROR_CHAIN_ORDER);
  assert_pem_fails (skipping, f.leaf_key, FQDN, now, MG_CERTIFICATE_ERROR_CHAIN_ORDER);
  assert_pem_fails (root_first, f.leaf_key, FQDN, now, MG_CERTIFICATE_ERROR_CHAIN_ORDER);
}

static void
test_key_mismatch (void)
{
  g_autofree char *chain = chain_pem (f.leaf, f.intermediate, NULL);

  assert_pem_fails (chain, f.key2, FQDN, now, MG_CERTIFICATE_ERROR_KEY_MISMATCH);
  assert_pem_fails (chain, f.other_key, FQDN, now, MG_CERTIFICATE_ERROR_KEY_MISMATCH);
}

static void
test_fqdn_not_in_san (void)
{
  g_autofree char *chain = chain_pem (f.other, f.intermediate, NULL);
  g_autofree char *kpem = key_pem (f.other_key);
  g_autoptr (GError) error = NULL;

  assert_pem_fails (chain, f.other_key, FQDN, now, MG_CERTIFICATE_ERROR_FQDN_NOT_IN_SAN);
  /* no FQDN configured: names are not checked */
  g_assert_true (mg_certificate_validate_pem (chain, kpem, NULL, now, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (mg_certificate_validate_pem (chain, kpem, "", now, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (mg_certificate_validate_pem (chain, kpem, "other.test", now, NULL, &error));
  g_assert_no_error (error);
}

static void
test_validity (void)
{
  g_autofree char *expired = chain_pem (f.expired, f.intermediate, NULL);
  g_autofree char *future = chain_pem (f.future, f.intermediate, NULL);
  g_autofree char *good = chain_pem (f.leaf, f.intermediate, NULL);
  g_autofree char *old_chain = chain_pem (f.leaf_under_old, f.old_intermediate, NULL);
  g_autoptr (GError) error = NULL;
  g_autofree char *kpem = key_pem (f.leaf_key);

  assert_pem_fails (expired, f.leaf_key, FQDN, now, MG_CERTIFICATE_ERROR_EXPIRED);
  assert_pem_fails (future, f.leaf_key, FQDN, now, MG_CERTIFICATE_ERROR_NOT_YET_VALID);
  /* the chain counts too, not only the leaf */
  assert_pem_fails (old_chain, f.leaf_key, FQDN, now, MG_CERTIFICATE_ERROR_EXPIRED);
  g_assert_false (mg_certificate_validate_pem (old_chain, kpem, FQDN, now, NULL, &error));
  g_assert_nonnull (strstr (error->message, "chain certificate 2"));
  g_clear_error (&error);
  /* @now is what the times are checked against */
  assert_pem_fails (good, f.leaf_key, FQDN, now + 2 * 365 * DAY, MG_CERTIFICATE_ERROR_EXPIRED);
  assert_pem_fails (good, f.leaf_key, FQDN, now - 60 * DAY, MG_CERTIFICATE_ERROR_NOT_YET_VALID);
  g_assert_true (mg_certificate_validate_pem (expired, kpem, FQDN, now - 2 * DAY, NULL, &error));
  g_assert_no_error (error);
}

static void
test_bad_pem (void)
{
  g_autofree char *chain = chain_pem (f.leaf, f.intermediate, NULL);
  g_autofree char *kpem = key_pem (f.leaf_key);
  g_autofree char *broken_key = g_strdup (kpem);
  g_autoptr (GError) error = NULL;
  static const char broken_cert[] = "-----BEGIN CERTIFICATE-----\nnot*base64!\n"
                                    "-----END CERTIFICATE-----\n";

  assert_pem_fails ("hello", f.leaf_key, FQDN, now, MG_CERTIFICATE_ERROR_NO_CERTIFICATE);
  assert_pem_fails ("", f.leaf_key, FQDN, now, MG_CERTIFICATE_ERROR_NO_CERTIFICATE);
  assert_pem_fails (broken_cert, f.leaf_key, FQDN, now, MG_CERTIFICATE_ERROR_BAD_PEM);
  assert_pem_fails (chain, NULL, FQDN, now, MG_CERTIFICATE_ERROR_NO_KEY);

  /* damage the key's base64 body */
  broken_key[40] = '*';
  broken_key[41] = '!';
  g_assert_false (mg_certificate_validate_pem (chain, broken_key, FQDN, now, NULL, &error));
  g_assert_error (error, MG_CERTIFICATE_ERROR, MG_CERTIFICATE_ERROR_BAD_PEM);
  g_clear_error (&error);
  g_assert_false (mg_certificate_validate_pem (chain, "just text", FQDN, now, NULL, &error));
  g_assert_error (error, MG_CERTIFICATE_ERROR, MG_CERTIFICATE_ERROR_NO_KEY);
}

/* A PKCS#12 file holding @crts (the first is @key's) and @key, under @pass. */
static GBytes *
make_pkcs12 (gnutls_x509_crt_t *crts, guint n, gnutls_x509_privkey_t key, const char *pass)
{
  gnutls_pkcs12_t p12;
  gnutls_pkcs12_bag_t certs, keys;
  gnutls_datum_t out = { 0 };
  guint8 id[64];
  size_t id_size = sizeof id;
  gnutls_datum_t key_id;
  GBytes *bytes;
  int idx;

  g_assert_cmpint (gnutls_x509_privkey_get_key_id (key, 0, id, &id_size), ==, 0);
  key_id.data = id;
  key_id.size = id_size;
  g_assert_cmpint (gnutls_pkcs12_bag_init (&certs), ==, 0);
  for (guint i = 0; i < n; i++)
    {
      idx = gnutls_pkcs12_bag_set_crt (certs, crts[i]);
      g_assert_cmpint (idx, >=, 0);
      if (i == 0)
        g_assert_cmpint (gnutls_pkcs12_bag_set_key_id (certs, idx, &key_id), ==, 0);
    }
  g_assert_cmpint (gnutls_pkcs12_bag_encrypt (certs, pass, GNUTLS_PKCS_PBES2_AES_128), ==, 0);
  g_assert_cmpint (gnutls_pkcs12_bag_init (&keys), ==, 0);
  idx = gnutls_pkcs12_bag_set_privkey (keys, key, pass, GNUTLS_PKCS_PBES2_AES_128);
  g_assert_cmpint (idx, >=, 0);
  g_assert_cmpint (gnutls_pkcs12_bag_set_key_id (keys, idx, &key_id), ==, 0);

  g_assert_cmpint (gnutls_pkcs12_init (&p12), ==, 0);
  g_assert_cmpint (gnutls_pkcs12_set_bag (p12, certs), ==, 0);
  g_assert_cmpint (gnutls_pkcs12_set_bag (p12, keys), ==, 0);
  g_assert_cmpint (gnutls_pkcs12_generate_mac2 (p12, GNUTLS_MAC_SHA256, pass), ==, 0);
  g_assert_cmpint (gnutls_pkcs12_export2 (p12, GNUTLS_X509_FMT_DER, &out), ==, 0);
  bytes = g_bytes_new (out.data, out.size);
  gnutls_free (out.data);
  gnutls_pkcs12_deinit (p12);
  gnutls_pkcs12_bag_deinit (certs);
  gnutls_pkcs12_bag_deinit (keys);
  return bytes;
}

static void
test_pkcs12 (void)
{
  gnutls_x509_crt_t good[] = { f.leaf, f.intermediate };
  gnutls_x509_crt_t other[] = { f.other, f.intermediate };
  gnutls_x509_crt_t expired[] = { f.expired, f.intermediate };
  g_autoptr (GBytes) p12 = make_pkcs12 (good, 2, f.leaf_key, "s3cret");
  g_autoptr (GBytes) p12_other = make_pkcs12 (other, 2, f.other_key, "s3cret");
  g_autoptr (GBytes) p12_expired = make_pkcs12 (expired, 2, f.leaf_key, "s3cret");
  g_autoptr (GBytes) garbage = g_bytes_new_static ("not a pkcs12 file", 17);
  g_autofree char *chain = chain_pem (f.leaf, f.intermediate, NULL);
  g_autofree char *combined = NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (mg_certificate_validate_pkcs12 (p12, "s3cret", FQDN, now, &combined, &error));
  g_assert_no_error (error);
  /* the same certificates, in order, as the PEM path gives */
  g_assert_true (g_str_has_prefix (combined, chain));
  g_assert_nonnull (strstr (combined, "-----BEGIN PRIVATE KEY-----"));

  g_assert_false (mg_certificate_validate_pkcs12 (p12, "wrong", FQDN, now, NULL, &error));
  g_assert_error (error, MG_CERTIFICATE_ERROR, MG_CERTIFICATE_ERROR_BAD_PASSPHRASE);
  g_clear_error (&error);
  g_assert_false (mg_certificate_validate_pkcs12 (p12, NULL, FQDN, now, NULL, &error));
  g_assert_error (error, MG_CERTIFICATE_ERROR, MG_CERTIFICATE_ERROR_BAD_PASSPHRASE);
  g_clear_error (&error);
  g_assert_false (mg_certificate_validate_pkcs12 (garbage, "s3cret", FQDN, now, NULL, &error));
  g_assert_error (error, MG_CERTIFICATE_ERROR, MG_CERTIFICATE_ERROR_BAD_PKCS12);
  g_clear_error (&error);
  g_assert_false (
    mg_certificate_validate_pkcs12 (p12_other, "s3cret", FQDN, now, NULL, &error));
  g_assert_error (error, MG_CERTIFICATE_ERROR, MG_CERTIFICATE_ERROR_FQDN_NOT_IN_SAN);
  g_clear_error (&error);
  g_assert_false (
    mg_certificate_validate_pkcs12 (p12_expired, "s3cret", FQDN, now, NULL, &error));
  g_assert_error (error, MG_CERTIFICATE_ERROR, MG_CERTIFICATE_ERROR_EXPIRED);
}

static char *
sha256_colons (gnutls_x509_crt_t crt)
{
  gnutls_datum_t der = { 0 };
  g_autofree char *hex = NULL;
  GString *out = g_string_new (NULL);

  g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der), ==, 0);
  hex = g_compute_checksum_for_data (G_CHECKSUM_SHA256, der.data, der.size);
  gnutls_free (der.data);
  for (guint i = 0; hex[i]; i += 2)
    g_string_append_printf (out, "%s%c%c", i ? ":" : "", g_ascii_toupper (hex[i]),
                            g_ascii_toupper (hex[i + 1]));
  return g_string_free (out, FALSE);
}

static void
test_describe (void)
{
  g_autofree char *chain = chain_pem (f.leaf, f.intermediate, NULL);
  g_autofree char *kpem = key_pem (f.leaf_key);
  g_autofree char *combined = g_strconcat (chain, kpem, NULL);
  g_autofree char *ca_pem = crt_pem (f.ca);
  g_autofree char *expected_fp = sha256_colons (f.leaf);
  g_autoptr (GError) error = NULL;
  g_autoptr (GTlsCertificate) cert = g_tls_certificate_new_from_pem (combined, -1, &error);
  g_autoptr (GTlsCertificate) ca = NULL;
  g_autoptr (GVariant) d = NULL;
  g_autoptr (GVariant) d_ca = NULL;
  g_autofree const char **names = NULL;
  g_autofree const char **issuers = NULL;
  const char *s;
  gint64 t;
  gboolean b;

  g_assert_no_error (error);
  d = mg_certificate_describe (cert, &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_lookup (d, "subject", "&s", &s));
  g_assert_cmpstr (s, ==, "CN=" FQDN);
  g_assert_true (g_variant_lookup (d, "issuer", "&s", &s));
  g_assert_cmpstr (s, ==, "CN=Test Intermediate");
  g_assert_true (g_variant_lookup (d, "subject_alt_names", "^a&s", &names));
  g_assert_cmpuint (g_strv_length ((char **) names), ==, 1);
  g_assert_cmpstr (names[0], ==, "DNS:" FQDN);
  g_assert_true (g_variant_lookup (d, "sha256_fingerprint", "&s", &s));
  g_assert_cmpstr (s, ==, expected_fp);
  g_assert_true (g_variant_lookup (d, "not_after", "x", &t));
  g_assert_cmpint (t, ==, gnutls_x509_crt_get_expiration_time (f.leaf));
  g_assert_true (g_variant_lookup (d, "not_before", "x", &t));
  g_assert_cmpint (t, ==, gnutls_x509_crt_get_activation_time (f.leaf));
  g_assert_true (g_variant_lookup (d, "self_signed", "b", &b));
  g_assert_false (b);
  g_assert_true (g_variant_lookup (d, "chain", "^a&s", &issuers));
  g_assert_cmpuint (g_strv_length ((char **) issuers), ==, 1);
  g_assert_cmpstr (issuers[0], ==, "CN=Test Intermediate");
  /* nothing of the key */
  g_autofree char *printed = g_variant_print (d, TRUE);
  g_assert_null (strstr (printed, "PRIVATE"));

  ca = g_tls_certificate_new_from_pem (ca_pem, -1, &error);
  g_assert_no_error (error);
  d_ca = mg_certificate_describe (ca, &error);
  g_assert_no_error (error);
  g_assert_true (g_variant_lookup (d_ca, "self_signed", "b", &b));
  g_assert_true (b);
}

static void
test_self_signed_is_valid (void)
{
  static const char *const names[] = { FQDN, "localhost", NULL };
  static const char *const ips[] = { "127.0.0.1", NULL };
  g_autofree char *pem = NULL;
  g_autoptr (GError) error = NULL;

  /* what the server generates passes its own validation */
  g_assert_true (mg_certificate_generate_self_signed (names, ips, 30, &pem, &error));
  g_assert_true (mg_certificate_validate_pem (pem, NULL, FQDN, now, NULL, &error));
  g_assert_no_error (error);
}

int
main (int argc, char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  now = g_get_real_time () / G_USEC_PER_SEC;
  make_fixtures ();

  g_test_add_func ("/certificate/pem/good-chain", test_good_chain);
  g_test_add_func ("/certificate/pem/root-and-inline-key", test_good_chain_with_root_and_key_inline);
  g_test_add_func ("/certificate/pem/chain-order", test_chain_order);
  g_test_add_func ("/certificate/pem/key-mismatch", test_key_mismatch);
  g_test_add_func ("/certificate/pem/fqdn", test_fqdn_not_in_san);
  g_test_add_func ("/certificate/pem/validity", test_validity);
  g_test_add_func ("/certificate/pem/bad-pem", test_bad_pem);
  g_test_add_func ("/certificate/pkcs12", test_pkcs12);
  g_test_add_func ("/certificate/describe", test_describe);
  g_test_add_func ("/certificate/self-signed", test_self_signed_is_valid);
  ret = g_test_run ();

  for (gnutls_x509_crt_t *c = &f.ca; c <= &f.leaf_under_old; c++)
    gnutls_x509_crt_deinit (*c);
  for (gnutls_x509_privkey_t *k = &f.ca_key; k <= &f.key2; k++)
    gnutls_x509_privkey_deinit (*k);
  return ret;
}
