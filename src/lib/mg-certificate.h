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
 *
 * Errors about server certificates.
 */
typedef enum {
  MG_CERTIFICATE_ERROR_FAILED,
  MG_CERTIFICATE_ERROR_INVALID,
} MgCertificateError;

gboolean mg_certificate_generate_self_signed (const char * const *dns_names,
                                              const char * const *ip_addresses,
                                              guint               valid_days,
                                              char              **pem,
                                              GError            **error);
gboolean mg_certificate_write_pem            (const char *path,
                                              const char *pem,
                                              GError    **error);

G_END_DECLS
