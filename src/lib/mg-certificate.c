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
#include <gnutls/x509.h>

#include "mg-certificate.h"

G_DEFINE_QUARK (mg-certificate-error-quark, mg_certificate_error)

G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_crt_t, gnutls_x509_crt_deinit, NULL)
G_DEFINE_AUTO_CLEANUP_FREE_FUNC (gnutls_x509_privkey_t, gnutls_x509_privkey_deinit, NULL)

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
