/* mg-certificate.c: server certificates (GnuTLS)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-tls"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs12.h>
#include <gnutls/x509.h>

#include "mg-certificate.h"

G_DEFINE_QUARK (mg-certificate-error-quark, mg_certificate_error)

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_crt_t, gnutls_x509_crt_deinit, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_privkey_t, gnutls_x509_privkey_deinit, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_pkcs12_t, gnutls_pkcs12_deinit, NULL)

static gboolean
gnutls_ok (int rc, const char *what, GError **error)
{
  if (rc >= 0)
    return TRUE;
  g_set_error (error, MG_CERTIFICATE_ERROR, MG_CERTIFICATE_ERROR_FAILED, "%s: %s", what,
               gnutls_strerror (rc));
  return FALSE;
}

static gboolean
add_alt_names (gnutls_x509_crt_t crt, const char *const *dns_names,
               const char *const *ip_addresses, GError **error)
{
  for (guint i = 0; dns_names && dns_names[i]; i++)
    if (!gnutls_ok (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME, dns_names[i],
                                                          strlen (dns_names[i]),
                                                          GNUTLS_FSAN_APPEND),
                    "subject alt name", error))
      return FALSE;

  for (guint i = 0; ip_addresses && ip_addresses[i]; i++)
    {
      g_autoptr (GInetAddress) addr = g_inet_address_new_from_string (ip_addresses[i]);

      if (addr == NULL)
        {
          g_set_error (error, MG_CERTIFICATE_ERROR, MG_CERTIFICATE_ERROR_INVALID,
                       "not an IP address: %s", ip_addresses[i]);
          return FALSE;
        }
      if (!gnutls_ok (gnutls_x509_crt_set_subject_alt_name (
                        crt, GNUTLS_SAN_IPADDRESS, g_inet_address_to_bytes (addr),
                        g_inet_address_get_native_size (addr), GNUTLS_FSAN_APPEND),
                      "subject alt name", error))
        return FALSE;
    }
  return TRUE;
}

static char *
export_pem (gnutls_x509_privkey_t key, gnutls_x509_crt_t crt, GError **error)
{
  gnutls_datum_t key_pem = { 0 };
  gnutls_datum_t crt_pem = { 0 };
  char *pem = NULL;

  if (gnutls_ok (gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, NULL,
                                                    GNUTLS_PKCS_PLAIN, &key_pem),
                 "export key", error)
      && gnutls_ok (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &crt_pem),
                    "export certificate", error))
    pem = g_strdup_printf ("%.*s%.*s", (int) crt_pem.size, crt_pem.data, (int) key_pem.size,
                           key_pem.data);
  if (key_pem.data)
    {
      gnutls_memset (key_pem.data, 0, key_pem.size);
      gnutls_free (key_pem.data);
    }
  gnutls_free (crt_pem.data);
  return pem;
}

/**
 * mg_certificate_generate_self_signed:
 * @dns_names: (array zero-terminated=1): host names for the subject alternative name; the first is the common name
 * @ip_addresses: (array zero-terminated=1) (nullable): IP addresses for the subject alternative name
 * @valid_days: how long the certificate is valid
 * @pem: (out) (transfer full): the certificate followed by its private key (PKCS#8), PEM
 * @error: return location for a #GError
 *
 * Makes a self-signed ECDSA P-256 server certificate.
 *
 * Returns: whether @pem was set
 */
gboolean
mg_certificate_generate_self_signed (const char *const *dns_names, const char *const *ip_addresses,
                                     guint valid_days, char **pem, GError **error)
{
  g_auto (gnutls_x509_privkey_t) key = NULL;
  g_auto (gnutls_x509_crt_t) crt = NULL;
  time_t now = time (NULL);
  guint8 serial[16];
  guint8 key_id[64];
  size_t key_id_size = sizeof key_id;

  g_return_val_if_fail (dns_names != NULL && dns_names[0] != NULL, FALSE);
  g_return_val_if_fail (pem != NULL, FALSE);

  gnutls_rnd (GNUTLS_RND_NONCE, serial, sizeof serial);
  serial[0] &= 0x7f; /* a positive serial number */

  if (!gnutls_ok (gnutls_x509_privkey_init (&key), "key", error)
      || !gnutls_ok (gnutls_x509_privkey_generate (
                       key, GNUTLS_PK_ECDSA, GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0),
                     "generate key", error)
      || !gnutls_ok (gnutls_x509_crt_init (&crt), "certificate", error)
      || !gnutls_ok (gnutls_x509_crt_set_version (crt, 3), "version", error)
      || !gnutls_ok (gnutls_x509_crt_set_serial (crt, serial, sizeof serial), "serial", error)
      || !gnutls_ok (gnutls_x509_crt_set_activation_time (crt, now - 3600), "activation", error)
      || !gnutls_ok (gnutls_x509_crt_set_expiration_time (crt, now + (time_t) valid_days * 86400),
                     "expiration", error)
      || !gnutls_ok (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0,
                                                    dns_names[0], strlen (dns_names[0])),
                     "common name", error)
      || !gnutls_ok (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_ORGANIZATION_NAME, 0,
                                                    "Mediagate", strlen ("Mediagate")),
                     "organization", error)
      || !add_alt_names (crt, dns_names, ip_addresses, error)
      || !gnutls_ok (gnutls_x509_crt_set_key (crt, key), "public key", error)
      || !gnutls_ok (gnutls_x509_crt_set_basic_constraints (crt, 0, -1), "constraints", error)
      || !gnutls_ok (gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE), "usage",
                     error)
      || !gnutls_ok (gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_SERVER, 0),
                     "purpose", error)
      || !gnutls_ok (gnutls_x509_crt_get_key_id (crt, 0, key_id, &key_id_size), "key id", error)
      || !gnutls_ok (gnutls_x509_crt_set_subject_key_id (crt, key_id, key_id_size), "key id",
                     error)
      || !gnutls_ok (gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0), "sign", error))
    return FALSE;

  *pem = export_pem (key, crt, error);
  return *pem != NULL;
}

/**
 * mg_certificate_write_pem:
 * @path: (type filename): where to write
 * @pem: PEM text holding a private key
 * @error: return location for a #GError
 *
 * Writes @pem with mode 0600, atomically: the file is either the old one or
 * the new one, never half written.
 *
 * Returns: whether the file was written
 */
gboolean
mg_certificate_write_pem (const char *path, const char *pem, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (path);

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, MG_CERTIFICATE_ERROR, MG_CERTIFICATE_ERROR_FAILED,
                   _("cannot create %s: %s"), dir, g_strerror (errno));
      return FALSE;
    }
  if (!g_file_set_contents_full (path, pem, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_DURABLE,
                                 0600, error))
    return FALSE;
  return TRUE;
}

/* -- validation of certificates that an admin installs ------------------- */

/* A certificate list as GnuTLS hands it out: leaf first, then its issuers. */
typedef struct
{
  gnutls_x509_crt_t *crts;
  unsigned int n;
} CrtList;

static void
crt_list_clear (CrtList *list)
{
  for (guint i = 0; i < list->n; i++)
    gnutls_x509_crt_deinit (list->crts[i]);
  gnutls_free (list->crts);
  list->crts = NULL;
  list->n = 0;
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CrtList, crt_list_clear)

typedef int (*DnGetter) (gnutls_x509_crt_t crt, gnutls_datum_t *dn, unsigned flags);

static char *
crt_dn (gnutls_x509_crt_t crt, DnGetter get)
{
  gnutls_datum_t dn = { 0 };
  char *text;

  if (get (crt, &dn, 0) < 0)
    return g_strdup ("");
  text = g_strndup ((const char *) dn.data, dn.size);
  gnutls_free (dn.data);
  return text;
}

static char *
crt_subject (gnutls_x509_crt_t crt)
{
  return crt_dn (crt, gnutls_x509_crt_get_dn3);
}

static char *
iso_time (gint64 t)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (t);

  return dt ? g_date_time_format_iso8601 (dt) : g_strdup_printf ("%" G_GINT64_FORMAT, t);
}

/* g_strv_builder_take() is GLib 2.80 */
static void
strv_builder_take (GStrvBuilder *builder, char *value)
{
  g_strv_builder_add (builder, value);
  g_free (value);
}

/* "DNS:name", "IP:address", … for each subject alternative name. */
static GStrv
subject_alt_names (gnutls_x509_crt_t crt)
{
  g_autoptr (GStrvBuilder) names = g_strv_builder_new ();

  for (guint i = 0;; i++)
    {
      char buf[1024];
      size_t size = sizeof buf;
      int rc = gnutls_x509_crt_get_subject_alt_name (crt, i, buf, &size, NULL);
      g_autoptr (GInetAddress) addr = NULL;
      g_autofree char *ip = NULL;

      if (rc == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        break;
      if (rc == GNUTLS_SAN_DNSNAME)
        strv_builder_take (names, g_strdup_printf ("DNS:%.*s", (int) size, buf));
      else if (rc == GNUTLS_SAN_RFC822NAME)
        strv_builder_take (names, g_strdup_printf ("email:%.*s", (int) size, buf));
      else if (rc == GNUTLS_SAN_URI)
        strv_builder_take (names, g_strdup_printf ("URI:%.*s", (int) size, buf));
      else if (rc == GNUTLS_SAN_IPADDRESS && (size == 4 || size == 16))
        {
          addr = g_inet_address_new_from_bytes ((const guint8 *) buf,
                                                size == 4 ? G_SOCKET_FAMILY_IPV4
                                                          : G_SOCKET_FAMILY_IPV6);
          ip = g_inet_address_to_string (addr);
          strv_builder_take (names, g_strdup_printf ("IP:%s", ip));
        }
      /* other kinds (and names too long for buf) do not matter for a server */
    }
  return g_strv_builder_end (names);
}

static gboolean
import_certificates (const char *pem, CrtList *list, GError **error)
{
  gnutls_datum_t data;
  int rc;

  if (strstr (pem, "-----BEGIN CERTIFICATE-----") == NULL)
    {
      g_set_error (error, MG_CERTIFICATE_ERROR, MG_CERTIFICATE_ERROR_NO_CERTIFICATE,
                   _("no certificate found: give PEM text with -----BEGIN CERTIFICATE----- blocks, "
                     "the server certificate first"));
      return FALSE;
    }
  data.data = (unsigned char *) pem;
  data.size = strlen (pem);
  rc = gnutls_x509_crt_list_import2 (&list->crts, &list->n, &data, GNUTLS_X509_FMT_PEM, 0);
  if (rc < 0)
    {
      g_set_error (error, MG_CERTIFICATE_ERROR, MG_CERTIFICATE_ERROR_BAD_PEM,
                   _("a certificate in the PEM text cannot be read: %s"), gnutls_strerror (rc));
      return FALSE;
    }
  return TRUE;
}

static gboolean
import_key (const char *pem, gnutls_x509_privkey_t *key, GError **error)
{
  gnutls_datum_t data;
  int rc;

  if (pem == NULL || strstr (pem, "PRIVATE KEY-----") == NULL)
    {
      g_set_error (error, MG_CERTIFICATE_ERROR, MG_CERTIFICATE_ERROR_NO_KEY,
                   _("no private key found: give the server certificate's key as PEM "
                     "(-----BEGIN PRIVATE KEY-----)"));
      return FALSE;
    }
  if (strstr (pem, "-----BEGIN ENCRYPTED PRIVATE KEY-----") != NULL)
    {
      g_set_error (error, MG_CERTIFICATE_ERROR, MG_CERTIFICATE_ERROR_BAD_PEM,
                   _("the private key is encrypted; give it unencrypted (or use PKCS#12 with "
                     "a passphrase)"));
      return FALSE;
    }
  data.data = (unsigned char *) pem;
  data.size = strlen (pem);
  rc = gnutls_x509_privkey_init (key);
  if (rc >= 0)
    rc = gnutls_x509_privkey_import2 (*key, &data, GNUTLS_X509_FMT_PEM, NULL, 0);
  if (rc < 0)
    {
      /* gnutls_strerror() never quotes the key material */
      g_set_error (error, MG_CERTIFICATE_ERROR, MG_CERTIFICATE_ERROR_BAD_PEM,
                   _("the private key cannot be read: %s"), gnutls_strerror (rc));
      return FALSE;
    }
  return TRUE;
}

static gboolean
crt_has_key (gnutls_x509_crt_t crt, const guint8 *key_id, size_t key_id_size)
{
  guint8 id[64];
  size_t size = sizeof id;

  return gnutls_x509_crt_get_key_id (crt, GNUTLS_KEYID_USE_SHA256, id, &size) >= 0
         && size == key_id_size && memcmp (id, key_id, size) == 0;
}

/* The key must belong to the first certificate: that is the one a TLS
 * server sends first, the leaf. */
static gboolean
check_leaf (const CrtList *list, gnutls_x509_privkey_t key, GError **error)
{
  guint8 key_id[64];
  size_t key_id_size = sizeof key_id;
  g_autofree char *subject = crt_subject (list->crts[0]);

  if (!gnutls_ok (gnutls_x509_privkey_get_key_id (key, GNUTLS_KEYID_USE_SHA256, key_id,
                                                  &key_id_size),
                  "key id", error))
    return FALSE;
  if (crt_has_key (list->crts[0], key_id, key_id_size))
    return TRUE;

  for (guint i = 1; i < list->n; i++)
    if (crt_has_key (list->crts[i], key_id, key_id_size))
      {
        g_autofree char *leaf = crt_subject (list->crts[i]);

        g_set_error (error, MG_CERTIFICATE_ERROR, MG_CERTIFICATE_ERROR_CHAIN_ORDER,
                     _("the certificate of the private key (%s) is number %u in the list; it "
                       "must come first, followed by its issuer, then that one's issuer"),
                     leaf, i + 1);
        return FALSE;
      }
  g_set_error (error, MG_CERTIFICATE_ERROR, MG_CERTIFICATE_ERROR_KEY_MISMATCH,
               _("the private key does not belong to the certificate %s"), subject);
  return FALSE;
}

static gboolean
check_chain_order (const CrtList *list, GError **error)
{
  for (guint i = 0; i + 1 < list->n; i++)
    if (gnutls_x509_crt_check_issuer (list->crts[i], list->crts[i + 1]) != 1)
      {
        g_autofree char *subject = crt_subject (list->crts[i]);
        g_autofree char *issuer = crt_dn (list->crts[i], gnutls_x509_crt_get_issuer_dn3);
        g_autofree char *next = crt_subject (list->crts[i + 1]);

        g_set_error (error, MG_CERTIFICATE_ERROR, MG_CERTIFICATE_ERROR_CHAIN_ORDER,
                     _("certificate %u (%s) is issued by %s, but certificate %u is %s: list the "
                       "server certificate first, then its issuer, then that one's issuer"),
                     i + 1, subject, issuer, i + 2, next);
        return FALSE;
      }
  return TRUE;
}

static gboolean
check_validity (const CrtList *list, gint64 now, GError **error)
{
  for (guint i = 0; i < list->n; i++)
    {
      gint64 not_before = gnutls_x509_crt_get_activation_time (list->crts[i]);
      gint64 not_after = gnutls_x509_crt_get_expiration_time (list->crts[i]);
      g_autofree char *subject = crt_subject (list->crts[i]);
      g_autofree char *which = i == 0 ? g_strdup (_("the server certificate"))
                                      : g_strdup_printf (_("chain certificate %u"), i + 1);

      if (not_after != -1 && now > not_after)
        {
          g_autofree char *when = iso_time (not_after);
          g_set_error (error, MG_CERTIFICATE_ERROR, MG_CERTIFICATE_ERROR_EXPIRED,
                       _("%s (%s) expired on %s"), which, subject, when);
          return FALSE;
        }
      if (not_before != -1 && now < not_before)
        {
          g_autofree char *when = iso_time (not_before);
          g_set_error (error, MG_CERTIFICATE_ERROR, MG_CERTIFICATE_ERROR_NOT_YET_VALID,
                       _("%s (%s) is not valid before %s"), which, subject, when);
          return FALSE;
        }
    }
  return TRUE;
}

/* Browsers ignore the common name, so the subject alternative names must
 * cover the FQDN that clients use. No FQDN configured: nothing to check. */
static gboolean
check_fqdn (gnutls_x509_crt_t leaf, const char *fqdn, GError **error)
{
  g_auto (GStrv) names = NULL;
  g_autofree char *listed = NULL;

  if (fqdn == NULL || *fqdn == '\0')
    return TRUE;
  names = subject_alt_names (leaf);
  if (names[0] != NULL && gnutls_x509_crt_check_hostname2 (leaf, fqdn, 0))
    return TRUE;
  listed = names[0] ? g_strjoinv (", ", names) : g_strdup (_("none"));
  g_set_error (error, MG_CERTIFICATE_ERROR, MG_CERTIFICATE_ERROR_FQDN_NOT_IN_SAN,
               _("the server certificate's subject alternative names (%s) do not cover %s, the "
                 "server's configured FQDN"),
               listed, fqdn);
  return FALSE;
}

static char *
export_chain_and_key (const CrtList *list, gnutls_x509_privkey_t key, GError **error)
{
  GString *out = g_string_new (NULL);
  gnutls_datum_t key_pem = { 0 };
  gboolean ok = TRUE;

  for (guint i = 0; ok && i < list->n; i++)
    {
      gnutls_datum_t pem = { 0 };

      ok = gnutls_ok (gnutls_x509_crt_export2 (list->crts[i], GNUTLS_X509_FMT_PEM, &pem),
                      "export certificate", error);
      if (ok)
        g_string_append_len (out, (const char *) pem.data, pem.size);
      gnutls_free (pem.data);
    }
  if (ok)
    ok = gnutls_ok (gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, NULL,
                                                       GNUTLS_PKCS_PLAIN, &key_pem),
                    "export key", error);
  if (ok)
    g_string_append_len (out, (const char *) key_pem.data, key_pem.size);
  if (key_pem.data)
    {
      gnutls_memset (key_pem.data, 0, key_pem.size);
      gnutls_free (key_pem.data);
    }
  if (!ok)
    {
      memset (out->str, 0, out->len);
      g_string_free (out, TRUE);
      return NULL;
    }
  return g_string_free (out, FALSE);
}

static gboolean
check_and_export (const CrtList *list, gnutls_x509_privkey_t key, const char *fqdn, gint64 now,
                  char **combined_pem, GError **error)
{
  if (!check_leaf (list, key, error) || !check_chain_order (list, error)
      || !check_validity (list, now, error) || !check_fqdn (list->crts[0], fqdn, error))
    return FALSE;
  if (combined_pem == NULL)
    return TRUE;
  *combined_pem = export_chain_and_key (list, key, error);
  return *combined_pem != NULL;
}

/**
 * mg_certificate_validate_pem:
 * @chain_pem: the server certificate followed by its issuers (without the
 *   root, or with it last), PEM
 * @key_pem: (nullable): the server certificate's private key, PEM
 *   (unencrypted PKCS#1, PKCS#8 or SEC1); %NULL or "" to take it from @chain_pem
 * @fqdn: (nullable): the name clients use for the server; %NULL or "" not to check names
 * @now: the time to check validity at, seconds since the Unix epoch
 * @combined_pem: (out) (optional) (transfer full): the certificates in
 *   order followed by the key (PKCS#8), normalised PEM ready to be loaded
 * @error: return location for a #GError
 *
 * Checks that a certificate chain and key can serve TLS: the text parses,
 * the key belongs to the first certificate, each certificate is issued by
 * the one after it, every certificate is valid at @now, and the first
 * certificate's subject alternative names cover @fqdn. The first problem
 * found is reported with its own #MgCertificateError code and a message that
 * says what is wrong (never the key itself).
 *
 * Returns: whether the chain and key are usable
 */
gboolean
mg_certificate_validate_pem (const char *chain_pem, const char *key_pem, const char *fqdn,
                             gint64 now, char **combined_pem, GError **error)
{
  g_auto (CrtList) list = { 0 };
  g_auto (gnutls_x509_privkey_t) key = NULL;

  g_return_val_if_fail (chain_pem != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (key_pem == NULL || *key_pem == '\0')
    key_pem = chain_pem;
  if (!import_certificates (chain_pem, &list, error) || !import_key (key_pem, &key, error))
    return FALSE;
  return check_and_export (&list, key, fqdn, now, combined_pem, error);
}

/**
 * mg_certificate_validate_pkcs12:
 * @der: a PKCS#12 file (DER)
 * @passphrase: (nullable): its passphrase
 * @fqdn: (nullable): the name clients use for the server; %NULL or "" not to check names
 * @now: the time to check validity at, seconds since the Unix epoch
 * @combined_pem: (out) (optional) (transfer full): the certificates in
 *   order followed by the key (PKCS#8), PEM
 * @error: return location for a #GError
 *
 * Like mg_certificate_validate_pem() for a PKCS#12 file: its key, the
 * certificate of that key and the issuers it holds. A wrong @passphrase is
 * %MG_CERTIFICATE_ERROR_BAD_PASSPHRASE, anything that is not a usable
 * PKCS#12 file %MG_CERTIFICATE_ERROR_BAD_PKCS12.
 *
 * Returns: whether the file holds a usable chain and key
 */
gboolean
mg_certificate_validate_pkcs12 (GBytes *der, const char *passphrase, const char *fqdn, gint64 now,
                                char **combined_pem, GError **error)
{
  g_auto (gnutls_pkcs12_t) p12 = NULL;
  g_auto (gnutls_x509_privkey_t) key = NULL;
  g_auto (CrtList) list = { 0 };
  g_auto (CrtList) extra = { 0 };
  gnutls_datum_t data;
  gsize size = 0;
  int rc;

  g_return_val_if_fail (der != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  data.data = (unsigned char *) g_bytes_get_data (der, &size);
  data.size = size;
  rc = gnutls_pkcs12_init (&p12);
  if (rc >= 0)
    rc = gnutls_pkcs12_import (p12, &data, GNUTLS_X509_FMT_DER, 0);
  if (rc < 0)
    {
      g_set_error (error, MG_CERTIFICATE_ERROR, MG_CERTIFICATE_ERROR_BAD_PKCS12,
                   _("this is not a PKCS#12 file: %s"), gnutls_strerror (rc));
      return FALSE;
    }
  rc = gnutls_pkcs12_verify_mac (p12, passphrase);
  if (rc == GNUTLS_E_MAC_VERIFY_FAILED)
    {
      g_set_error (error, MG_CERTIFICATE_ERROR, MG_CERTIFICATE_ERROR_BAD_PASSPHRASE,
                   _("the PKCS#12 passphrase is wrong"));
      return FALSE;
    }
  rc = gnutls_pkcs12_simple_parse (p12, passphrase, &key, &list.crts, &list.n, &extra.crts,
                                   &extra.n, NULL, 0);
  if (rc == GNUTLS_E_DECRYPTION_FAILED || rc == GNUTLS_E_MAC_VERIFY_FAILED)
    {
      g_set_error (error, MG_CERTIFICATE_ERROR, MG_CERTIFICATE_ERROR_BAD_PASSPHRASE,
                   _("the PKCS#12 passphrase is wrong"));
      return FALSE;
    }
  if (rc < 0 || key == NULL || list.n == 0)
    {
      g_set_error (error, MG_CERTIFICATE_ERROR, MG_CERTIFICATE_ERROR_BAD_PKCS12,
                   _("the PKCS#12 file does not hold a private key and its certificate: %s"),
                   rc < 0 ? gnutls_strerror (rc) : _("one of them is missing"));
      return FALSE;
    }
  return check_and_export (&list, key, fqdn, now, combined_pem, error);
}

static char *
fingerprint_sha256 (gnutls_x509_crt_t crt)
{
  guint8 digest[32];
  size_t size = sizeof digest;
  GString *out = g_string_new (NULL);

  if (gnutls_x509_crt_get_fingerprint (crt, GNUTLS_DIG_SHA256, digest, &size) < 0)
    return g_string_free (out, FALSE);
  for (gsize i = 0; i < size; i++)
    g_string_append_printf (out, i ? ":%02X" : "%02X", digest[i]);
  return g_string_free (out, FALSE);
}

static gboolean
import_one (GTlsCertificate *certificate, gnutls_x509_crt_t *crt, GError **error)
{
  g_autofree char *pem = NULL;
  gnutls_datum_t data;

  g_object_get (certificate, "certificate-pem", &pem, NULL);
  if (pem == NULL)
    {
      g_set_error (error, MG_CERTIFICATE_ERROR, MG_CERTIFICATE_ERROR_INVALID,
                   _("the certificate has no PEM form"));
      return FALSE;
    }
  data.data = (unsigned char *) pem;
  data.size = strlen (pem);
  return gnutls_ok (gnutls_x509_crt_init (crt), "certificate", error)
         && gnutls_ok (gnutls_x509_crt_import (*crt, &data, GNUTLS_X509_FMT_PEM), "certificate",
                       error);
}

/**
 * mg_certificate_describe:
 * @certificate: a certificate
 * @error: return location for a #GError
 *
 * Describes @certificate for people, never its key. The dictionary holds
 * `subject` and `issuer` (RFC 4514 strings), `subject_alt_names` (`as`,
 * entries like `DNS:example.com` or `IP:127.0.0.1`), `not_before` and
 * `not_after` (`x`, seconds since the Unix epoch), `sha256_fingerprint`
 * (upper-case hex bytes separated by colons, of the DER form), `serial`
 * (hex), `self_signed` (`b`) and `chain` (`as`, the subjects of the issuer
 * certificates that come with it, nearest first).
 *
 * Returns: (transfer full): an `a{sv}` dictionary, or %NULL on error
 */
GVariant *
mg_certificate_describe (GTlsCertificate *certificate, GError **error)
{
  g_auto (gnutls_x509_crt_t) crt = NULL;
  g_autoptr (GStrvBuilder) chain = g_strv_builder_new ();
  g_auto (GStrv) chain_subjects = NULL;
  g_auto (GStrv) names = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *issuer = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *serial_hex = NULL;
  guint8 serial[64];
  size_t serial_size = sizeof serial;
  GVariantDict dict;

  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  if (!import_one (certificate, &crt, error))
    return NULL;
  for (GTlsCertificate *c = g_tls_certificate_get_issuer (certificate); c != NULL;
       c = g_tls_certificate_get_issuer (c))
    {
      g_auto (gnutls_x509_crt_t) issuer_crt = NULL;

      if (import_one (c, &issuer_crt, NULL))
        strv_builder_take (chain, crt_subject (issuer_crt));
    }
  chain_subjects = g_strv_builder_end (chain);
  subject = crt_subject (crt);
  issuer = crt_dn (crt, gnutls_x509_crt_get_issuer_dn3);
  names = subject_alt_names (crt);
  fingerprint = fingerprint_sha256 (crt);
  if (gnutls_x509_crt_get_serial (crt, serial, &serial_size) < 0)
    serial_size = 0;
  serial_hex = g_malloc0 (serial_size * 2 + 1);
  for (gsize i = 0; i < serial_size; i++)
    g_snprintf (serial_hex + 2 * i, 3, "%02x", serial[i]);

  g_variant_dict_init (&dict, NULL);
  g_variant_dict_insert (&dict, "subject", "s", subject);
  g_variant_dict_insert (&dict, "issuer", "s", issuer);
  g_variant_dict_insert_value (&dict, "subject_alt_names",
                               g_variant_new_strv ((const char *const *) names, -1));
  g_variant_dict_insert (&dict, "not_before", "x",
                         (gint64) gnutls_x509_crt_get_activation_time (crt));
  g_variant_dict_insert (&dict, "not_after", "x",
                         (gint64) gnutls_x509_crt_get_expiration_time (crt));
  g_variant_dict_insert (&dict, "sha256_fingerprint", "s", fingerprint);
  g_variant_dict_insert (&dict, "serial", "s", serial_hex);
  g_variant_dict_insert (&dict, "self_signed", "b",
                         gnutls_x509_crt_check_issuer (crt, crt) == 1);
  g_variant_dict_insert_value (&dict, "chain",
                               g_variant_new_strv ((const char *const *) chain_subjects, -1));
  return g_variant_ref_sink (g_variant_dict_end (&dict));
}
