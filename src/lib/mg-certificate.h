/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(MG_INSIDE) && !defined(MG_COMPILATION)
#error "Only <mediagate.h> can be included directly."
#endif

#include <gio/gio.h>

G_BEGIN_DECLS

/**
 * MG_CERTIFICATE_ERROR:
 *
 * Error domain for server certificates.
 */
#define MG_CERTIFICATE_ERROR (mg_certificate_error_quark ())
GQuark mg_certificate_error_quark (void);

/**
 * MgCertificateError:
 * @MG_CERTIFICATE_ERROR_FAILED: the certificate could not be made or written
 * @MG_CERTIFICATE_ERROR_INVALID: the data is not a usable certificate or key
 * @MG_CERTIFICATE_ERROR_BAD_PEM: a PEM block is malformed (bad base64 or DER,
 *   or an encrypted key)
 * @MG_CERTIFICATE_ERROR_NO_CERTIFICATE: the PEM text holds no certificate
 * @MG_CERTIFICATE_ERROR_NO_KEY: no private key was given
 * @MG_CERTIFICATE_ERROR_KEY_MISMATCH: the private key belongs to none of the
 *   certificates
 * @MG_CERTIFICATE_ERROR_FQDN_NOT_IN_SAN: the leaf certificate's subject
 *   alternative names do not cover the configured FQDN
 * @MG_CERTIFICATE_ERROR_CHAIN_ORDER: the certificates are not in the order
 *   leaf, then each certificate's issuer
 * @MG_CERTIFICATE_ERROR_EXPIRED: a certificate of the chain has expired
 * @MG_CERTIFICATE_ERROR_NOT_YET_VALID: a certificate of the chain is not yet valid
 * @MG_CERTIFICATE_ERROR_BAD_PKCS12: the data is not a PKCS#12 file, or it
 *   holds no usable key and certificate
 * @MG_CERTIFICATE_ERROR_BAD_PASSPHRASE: the PKCS#12 passphrase is wrong
 *
 * Errors about server certificates.
 */
typedef enum {
  MG_CERTIFICATE_ERROR_FAILED,
  MG_CERTIFICATE_ERROR_INVALID,
  MG_CERTIFICATE_ERROR_BAD_PEM,
  MG_CERTIFICATE_ERROR_NO_CERTIFICATE,
  MG_CERTIFICATE_ERROR_NO_KEY,
  MG_CERTIFICATE_ERROR_KEY_MISMATCH,
  MG_CERTIFICATE_ERROR_FQDN_NOT_IN_SAN,
  MG_CERTIFICATE_ERROR_CHAIN_ORDER,
  MG_CERTIFICATE_ERROR_EXPIRED,
  MG_CERTIFICATE_ERROR_NOT_YET_VALID,
  MG_CERTIFICATE_ERROR_BAD_PKCS12,
  MG_CERTIFICATE_ERROR_BAD_PASSPHRASE,
} MgCertificateError;

gboolean mg_certificate_generate_self_signed (const char * const *dns_names,
                                              const char * const *ip_addresses,
                                              guint               valid_days,
                                              char              **pem,
                                              GError            **error);
gboolean mg_certificate_write_pem            (const char *path,
                                              const char *pem,
                                              GError    **error);
gboolean mg_certificate_validate_pem         (const char *chain_pem,
                                              const char *key_pem,
                                              const char *fqdn,
                                              gint64      now,
                                              char      **combined_pem,
                                              GError    **error);
gboolean mg_certificate_validate_pkcs12      (GBytes     *der,
                                              const char *passphrase,
                                              const char *fqdn,
                                              gint64      now,
                                              char      **combined_pem,
                                              GError    **error);
GVariant *mg_certificate_describe            (GTlsCertificate *certificate,
                                              GError         **error);

G_END_DECLS
