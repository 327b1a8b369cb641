/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(MG_INSIDE) && !defined(MG_COMPILATION)
#error "Only <mediagate.h> can be included directly."
#endif

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * MG_TOKEN_ERROR:
 *
 * Error domain for token verification.
 */
#define MG_TOKEN_ERROR (mg_token_error_quark ())
GQuark mg_token_error_quark (void);

/**
 * MgTokenError:
 * @MG_TOKEN_ERROR_MALFORMED: not a Mediagate token
 * @MG_TOKEN_ERROR_SIGNATURE: the signature does not match
 * @MG_TOKEN_ERROR_EXPIRED: the token has expired
 * @MG_TOKEN_ERROR_KIND: a valid token of another kind (e.g. a session token used as an access token)
 *
 * Why a token was refused.
 */
typedef enum {
  MG_TOKEN_ERROR_MALFORMED,
  MG_TOKEN_ERROR_SIGNATURE,
  MG_TOKEN_ERROR_EXPIRED,
  MG_TOKEN_ERROR_KIND,
} MgTokenError;

#define MG_TYPE_TOKEN_SIGNER (mg_token_signer_get_type ())
G_DECLARE_FINAL_TYPE (MgTokenSigner, mg_token_signer, MG, TOKEN_SIGNER, GObject)

MgTokenSigner *mg_token_signer_new    (GBytes *secret) G_GNUC_WARN_UNUSED_RESULT;
char          *mg_token_signer_sign   (MgTokenSigner *self,
                                       const char    *kind,
                                       const char    *subject,
                                       gint64         expires_at);
char          *mg_token_signer_verify (MgTokenSigner *self,
                                       const char    *token,
                                       const char    *kind,
                                       gint64         now,
                                       gint64        *expires_at,
                                       GError       **error);

G_END_DECLS
