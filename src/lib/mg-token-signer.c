/* mg-token-signer.c: HMAC-SHA256 signed, expiring tokens
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-auth"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "mg-crypto-private.h"
#include "mg-token-signer.h"

/**
 * MgTokenSigner:
 *
 * Makes and checks the tokens Mediagate hands out (admin, access and session
 * tokens).
 *
 * A token is `mg1.<payload>.<signature>`: the payload is base64url JSON with
 * its kind, subject, issue and expiry times and a random id; the signature is
 * base64url HMAC-SHA256 of `mg1.<payload>` with the per-install secret. The
 * signature is compared in constant time. Tokens are never logged.
 */

#define TOKEN_PREFIX "mg1."

struct _MgTokenSigner
{
  GObject parent_instance;

  GBytes *secret;
};

G_DEFINE_QUARK (mg-token-error-quark, mg_token_error)
G_DEFINE_FINAL_TYPE (MgTokenSigner, mg_token_signer, G_TYPE_OBJECT)

static void
mg_token_signer_finalize (GObject *object)
{
  MgTokenSigner *self = MG_TOKEN_SIGNER (object);

  g_bytes_unref (self->secret);
  G_OBJECT_CLASS (mg_token_signer_parent_class)->finalize (object);
}

static void
mg_token_signer_class_init (MgTokenSignerClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mg_token_signer_finalize;
}

static void
mg_token_signer_init (MgTokenSigner *self)
{
}

/**
 * mg_token_signer_new:
 * @secret: the signing key (at least 16 bytes)
 *
 * Returns: (transfer full): a signer
 */
MgTokenSigner *
mg_token_signer_new (GBytes *secret)
{
  MgTokenSigner *self;

  g_return_val_if_fail (secret != NULL && g_bytes_get_size (secret) >= 16, NULL);

  self = g_object_new (MG_TYPE_TOKEN_SIGNER, NULL);
  self->secret = g_bytes_ref (secret);
  return self;
}

static char *
signature_of (MgTokenSigner *self, const char *signed_part)
{
  g_autoptr (GBytes) mac = mg_hmac (G_CHECKSUM_SHA256, self->secret, signed_part, strlen (signed_part));

  return mg_base64url_encode (g_bytes_get_data (mac, NULL), g_bytes_get_size (mac));
}

/**
 * mg_token_signer_sign:
 * @self: a signer
 * @kind: what the token is for, e.g. "admin", "access", "session"
 * @subject: whom it names (an admin, a client id, an extension)
 * @expires_at: Unix time in seconds when it stops being valid, or 0 for never
 *
 * Returns: (transfer full): the token
 */
char *
mg_token_signer_sign (MgTokenSigner *self, const char *kind, const char *subject, gint64 expires_at)
{
  g_autoptr (JsonBuilder) builder = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *json = NULL;
  g_autofree char *payload = NULL;
  g_autofree char *signed_part = NULL;
  g_autofree char *signature = NULL;
  g_autofree char *nonce = mg_random_token (12);

  g_return_val_if_fail (MG_IS_TOKEN_SIGNER (self), NULL);
  g_return_val_if_fail (kind != NULL && subject != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "k");
  json_builder_add_string_value (builder, kind);
  json_builder_set_member_name (builder, "sub");
  json_builder_add_string_value (builder, subject);
  json_builder_set_member_name (builder, "iat");
  json_builder_add_int_value (builder, g_get_real_time () / G_USEC_PER_SEC);
  json_builder_set_member_name (builder, "exp");
  json_builder_add_int_value (builder, expires_at);
  json_builder_set_member_name (builder, "jti");
  json_builder_add_string_value (builder, nonce);
  json_builder_end_object (builder);
  root = json_builder_get_root (builder);
  json_generator_set_root (gen, root);
  json = json_generator_to_data (gen, NULL);

  payload = mg_base64url_encode ((const guint8 *) json, strlen (json));
  signed_part = g_strconcat (TOKEN_PREFIX, payload, NULL);
  signature = signature_of (self, signed_part);
  return g_strconcat (signed_part, ".", signature, NULL);
}

static JsonObject *
decode_payload (const char *payload, GError **error)
{
  g_autoptr (JsonParser) parser = json_parser_new_immutable ();
  g_autoptr (GBytes) json = mg_base64url_decode (payload);
  JsonNode *root;

  if (json == NULL
      || !json_parser_load_from_data (parser, g_bytes_get_data (json, NULL),
                                      g_bytes_get_size (json), NULL)
      || !JSON_NODE_HOLDS_OBJECT ((root = json_parser_get_root (parser))))
    {
      g_set_error (error, MG_TOKEN_ERROR, MG_TOKEN_ERROR_MALFORMED, _("malformed token"));
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

/**
 * mg_token_signer_verify:
 * @self: a signer
 * @token: the token presented
 * @kind: the kind it must have
 * @now: the current Unix time in seconds
 * @expires_at: (out) (optional): when the token expires (0: never)
 * @error: return location for a #GError
 *
 * Checks the signature (in constant time), the kind and the expiry.
 *
 * Returns: (transfer full) (nullable): the subject, or %NULL with @error set
 */
char *
mg_token_signer_verify (MgTokenSigner *self, const char *token, const char *kind, gint64 now,
                        gint64 *expires_at, GError **error)
{
  g_autoptr (JsonObject) claims = NULL;
  g_autofree char *signed_part = NULL;
  g_autofree char *expected = NULL;
  const char *dot;
  gint64 exp;

  g_return_val_if_fail (MG_IS_TOKEN_SIGNER (self), NULL);
  g_return_val_if_fail (kind != NULL, NULL);

  if (token == NULL || !g_str_has_prefix (token, TOKEN_PREFIX)
      || (dot = strchr (token + strlen (TOKEN_PREFIX), '.')) == NULL)
    {
      g_set_error (error, MG_TOKEN_ERROR, MG_TOKEN_ERROR_MALFORMED, _("malformed token"));
      return NULL;
    }

  signed_part = g_strndup (token, dot - token);
  expected = signature_of (self, signed_part);
  if (!mg_constant_time_equal (expected, dot + 1))
    {
      g_set_error (error, MG_TOKEN_ERROR, MG_TOKEN_ERROR_SIGNATURE, _("invalid token signature"));
      return NULL;
    }

  claims = decode_payload (signed_part + strlen (TOKEN_PREFIX), error);
  if (claims == NULL)
    return NULL;
  if (g_strcmp0 (json_object_get_string_member_with_default (claims, "k", ""), kind) != 0)
    {
      g_set_error (error, MG_TOKEN_ERROR, MG_TOKEN_ERROR_KIND, _("this is not a %s token"), kind);
      return NULL;
    }
  exp = json_object_get_int_member_with_default (claims, "exp", -1);
  if (exp < 0 || (exp != 0 && exp <= now))
    {
      g_set_error (error, MG_TOKEN_ERROR, MG_TOKEN_ERROR_EXPIRED, _("the token has expired"));
      return NULL;
    }
  if (expires_at != NULL)
    *expires_at = exp;
  return g_strdup (json_object_get_string_member_with_default (claims, "sub", ""));
}
