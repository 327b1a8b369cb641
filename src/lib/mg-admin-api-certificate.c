/* mg-admin-api-certificate.c: GET/PUT /cms/api/v1/certificate
 *
 * The server certificate that both listeners present. GET describes it (never
 * the key); PUT validates a new chain and key (PEM, or PKCS#12 with a
 * passphrase), keeps it in <data-dir>/tls/server.pem and makes the listeners
 * present it to new connections, without a restart. A PUT that fails changes
 * nothing: validation and loading happen before the file is (atomically)
 * replaced, and the listeners are switched only after that.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-tls"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

#include "mg-admin-api-private.h"
#include "mg-certificate.h"

/* The first line of a server.pem installed through this API. PEM allows text
 * outside the BEGIN/END blocks (RFC 7468 §2), so the file records how it was
 * made, atomically with its content, and GET can tell "uploaded" from
 * "generated" after a restart. */
#define UPLOADED_MARK "Mediagate server certificate, installed through the admin API"

static const struct
{
  guint status;
  const char *code;
} certificate_errors[] = {
  [MG_CERTIFICATE_ERROR_FAILED] = { 500, "internal_error" },
  [MG_CERTIFICATE_ERROR_INVALID] = { 422, "invalid_certificate" },
  [MG_CERTIFICATE_ERROR_BAD_PEM] = { 400, "bad_pem" },
  [MG_CERTIFICATE_ERROR_NO_CERTIFICATE] = { 400, "no_certificate" },
  [MG_CERTIFICATE_ERROR_NO_KEY] = { 400, "no_key" },
  [MG_CERTIFICATE_ERROR_KEY_MISMATCH] = { 422, "key_mismatch" },
  [MG_CERTIFICATE_ERROR_FQDN_NOT_IN_SAN] = { 422, "fqdn_not_in_san" },
  [MG_CERTIFICATE_ERROR_CHAIN_ORDER] = { 422, "chain_order" },
  [MG_CERTIFICATE_ERROR_EXPIRED] = { 422, "expired" },
  [MG_CERTIFICATE_ERROR_NOT_YET_VALID] = { 422, "not_yet_valid" },
  [MG_CERTIFICATE_ERROR_BAD_PKCS12] = { 400, "bad_pkcs12" },
  [MG_CERTIFICATE_ERROR_BAD_PASSPHRASE] = { 422, "bad_passphrase" },
};

static void
reply_certificate_error (MgApiRequest *req, const GError *error)
{
  if (error->domain == MG_CERTIFICATE_ERROR && error->code >= 0
      && (gsize) error->code < G_N_ELEMENTS (certificate_errors)
      && certificate_errors[error->code].status < 500)
    {
      mg_api_request_reply_error (req, certificate_errors[error->code].status,
                                  certificate_errors[error->code].code, "%s", error->message);
      return;
    }
  mg_api_request_reply_gerror (req, error);
}

static gboolean
pinned_by_config (MgConfig *config)
{
  return *mg_config_get_tls_certificate (config) != '\0' || *mg_config_get_tls_key (config) != '\0';
}

static char *
kept_path (MgConfig *config)
{
  return g_build_filename (mg_config_get_data_dir (config), "tls", "server.pem", NULL);
}

/* "config", "uploaded" or "generated": where the active certificate came from. */
static const char *
certificate_source (MgConfig *config)
{
  g_autofree char *path = NULL;
  char head[sizeof UPLOADED_MARK] = { 0 };
  FILE *file;

  if (pinned_by_config (config))
    return "config";
  path = kept_path (config);
  file = fopen (path, "re");
  if (file == NULL)
    return "generated";
  /* only the first line: the key further down stays unread */
  if (fread (head, 1, sizeof head - 1, file) != sizeof head - 1)
    head[0] = '\0';
  fclose (file);
  return strcmp (head, UPLOADED_MARK) == 0 ? "uploaded" : "generated";
}

static char *
iso_time (gint64 t)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (t);

  return dt ? g_date_time_format_iso8601 (dt) : g_strdup ("");
}

static JsonArray *
strv_to_array (GVariant *strv)
{
  JsonArray *array = json_array_new ();
  g_autofree const char **items = g_variant_get_strv (strv, NULL);

  for (guint i = 0; items[i] != NULL; i++)
    json_array_add_string_element (array, items[i]);
  return array;
}

/* The JSON description of @cert: what mg_certificate_describe() says, with
 * times as ISO 8601, and where the certificate came from. */
static JsonObject *
describe (MgAdminApi *self, GTlsCertificate *cert, GError **error)
{
  MgConfig *config = mg_server_get_config (mg_admin_api_get_server (self));
  g_autoptr (GVariant) d = mg_certificate_describe (cert, error);
  g_autoptr (GVariant) names = NULL;
  g_autoptr (GVariant) chain = NULL;
  g_autofree char *not_before = NULL;
  g_autofree char *not_after = NULL;
  g_autofree char *file = NULL;
  const char *subject, *issuer, *fingerprint, *serial;
  gint64 nb, na;
  gboolean self_signed;
  JsonObject *object;

  if (d == NULL)
    return NULL;
  g_variant_lookup (d, "subject", "&s", &subject);
  g_variant_lookup (d, "issuer", "&s", &issuer);
  g_variant_lookup (d, "sha256_fingerprint", "&s", &fingerprint);
  g_variant_lookup (d, "serial", "&s", &serial);
  g_variant_lookup (d, "not_before", "x", &nb);
  g_variant_lookup (d, "not_after", "x", &na);
  g_variant_lookup (d, "self_signed", "b", &self_signed);
  names = g_variant_lookup_value (d, "subject_alt_names", G_VARIANT_TYPE_STRING_ARRAY);
  chain = g_variant_lookup_value (d, "chain", G_VARIANT_TYPE_STRING_ARRAY);
  not_before = iso_time (nb);
  not_after = iso_time (na);
  file = pinned_by_config (config) ? g_strdup (mg_config_get_tls_certificate (config))
                                   : kept_path (config);

  object = json_object_new ();
  json_object_set_string_member (object, "subject", subject);
  json_object_set_string_member (object, "issuer", issuer);
  json_object_set_array_member (object, "subject_alt_names", strv_to_array (names));
  json_object_set_string_member (object, "not_before", not_before);
  json_object_set_string_member (object, "not_after", not_after);
  json_object_set_string_member (object, "sha256_fingerprint", fingerprint);
  json_object_set_string_member (object, "serial", serial);
  json_object_set_boolean_member (object, "self_signed", self_signed);
  json_object_set_array_member (object, "chain", strv_to_array (chain));
  json_object_set_string_member (object, "source", certificate_source (config));
  json_object_set_string_member (object, "file", file);
  return object;
}

static void
handle_get (MgApiRequest *req, gpointer user_data)
{
  MgAdminApi *self = user_data;
  GTlsCertificate *cert = mg_server_get_certificate (mg_admin_api_get_server (self));
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) reply = describe (self, cert, &error);

  if (reply == NULL)
    {
      mg_api_request_reply_gerror (req, error);
      return;
    }
  mg_api_request_reply_object (req, 200, reply);
}

/* A string member, or NULL when absent; anything but a string is an error. */
static gboolean
get_string (JsonObject *body, const char *name, const char **value, GError **error)
{
  JsonNode *node = json_object_get_member (body, name);

  *value = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, MG_API_ERROR, MG_API_ERROR_INVALID, _("\"%s\" must be a string"), name);
      return FALSE;
    }
  *value = json_node_get_string (node);
  return TRUE;
}

/* Validates the uploaded chain and key; *combined_pem holds them in order. */
static gboolean
validate_upload (JsonObject *body, const char *fqdn, char **combined_pem, GError **error)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *certificate, *key, *pkcs12, *passphrase;
  g_autoptr (GBytes) der = NULL;
  guchar *data;
  gsize size = 0;

  if (!get_string (body, "certificate", &certificate, error) || !get_string (body, "key", &key, error)
      || !get_string (body, "pkcs12", &pkcs12, error)
      || !get_string (body, "passphrase", &passphrase, error))
    return FALSE;
  if ((certificate == NULL) == (pkcs12 == NULL))
    {
      g_set_error (error, MG_API_ERROR, MG_API_ERROR_INVALID,
                   _("give either \"certificate\" (PEM, the server certificate then its issuers) "
                     "and \"key\" (PEM), or \"pkcs12\" (base64) and \"passphrase\""));
      return FALSE;
    }
  if (certificate != NULL)
    return mg_certificate_validate_pem (certificate, key ? key : "", fqdn, now, combined_pem,
                                        error);

  data = g_base64_decode (pkcs12, &size);
  der = g_bytes_new_take (data, size);
  return mg_certificate_validate_pkcs12 (der, passphrase, fqdn, now, combined_pem, error);
}

/* Loads @combined_pem, keeps it in server.pem and switches the listeners,
 * in that order: a failure before the switch leaves everything as it was. */
static GTlsCertificate *
install (MgAdminApi *self, const char *combined_pem, GError **error)
{
  MgServer *server = mg_admin_api_get_server (self);
  g_autoptr (GTlsCertificate) cert = NULL;
  g_autoptr (GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *when = g_date_time_format_iso8601 (now);
  g_autofree char *path = kept_path (mg_server_get_config (server));
  g_autofree char *text = NULL;
  gboolean written;

  cert = g_tls_certificate_new_from_pem (combined_pem, -1, error);
  if (cert == NULL)
    {
      g_prefix_error (error, _("the TLS library cannot load this certificate and key: "));
      if ((*error)->domain != MG_CERTIFICATE_ERROR)
        {
          GError *e = g_error_new_literal (MG_CERTIFICATE_ERROR, MG_CERTIFICATE_ERROR_INVALID,
                                           (*error)->message);
          g_clear_error (error);
          g_propagate_error (error, e);
        }
      return NULL;
    }
  text = g_strdup_printf (UPLOADED_MARK " on %s.\n%s", when, combined_pem);
  written = mg_certificate_write_pem (path, text, error);
  memset (text, 0, strlen (text));
  if (!written)
    return NULL;
  mg_server_set_certificate (server, cert);
  return g_steal_pointer (&cert);
}

static void
handle_put (MgApiRequest *req, gpointer user_data)
{
  MgAdminApi *self = user_data;
  MgConfig *config = mg_server_get_config (mg_admin_api_get_server (self));
  g_autoptr (GError) error = NULL;
  g_autoptr (GTlsCertificate) cert = NULL;
  g_autoptr (JsonObject) reply = NULL;
  g_autofree char *combined = NULL;
  JsonObject *body;

  if (pinned_by_config (config))
    {
      mg_api_request_reply_error (
        req, 409, "managed_by_config",
        _("the certificate is managed by the configuration file ([tls] certificate = %s): "
          "replace that file or change the configuration, then restart"),
        mg_config_get_tls_certificate (config));
      return;
    }
  body = mg_api_request_get_object (req, &error);
  if (body == NULL)
    {
      mg_api_request_reply_gerror (req, error);
      return;
    }
  if (!validate_upload (body, mg_config_get_fqdn (config), &combined, &error)
      || (cert = install (self, combined, &error)) == NULL)
    {
      g_info ("refused a new TLS certificate from %s: %s", req->remote_ip, error->message);
      reply_certificate_error (req, error);
    }
  else if ((reply = describe (self, cert, &error)) == NULL)
    mg_api_request_reply_gerror (req, error);
  else
    {
      g_message ("admin '%s' installed a new TLS certificate for %s (SHA-256 %s)",
                 req->principal, json_object_get_string_member (reply, "subject"),
                 json_object_get_string_member (reply, "sha256_fingerprint"));
      mg_api_request_reply_object (req, 200, reply);
    }
  if (combined != NULL)
    memset (combined, 0, strlen (combined));
}

void
mg_admin_api_add_certificate_routes (MgAdminApi *self, MgRouter *router)
{
  mg_router_add (router, "GET", "/cms/api/v1/certificate", MG_ROUTE_AUTH, handle_get, self);
  mg_router_add (router, "PUT", "/cms/api/v1/certificate", MG_ROUTE_AUTH, handle_put, self);
}
