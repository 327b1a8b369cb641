/* mg-api-request.c: what a REST handler sees of one request, and its replies
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-http"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>

#include "mg-api-request-private.h"
#include "mg-rate-limiter-private.h"
#include "mg-extension.h"
#include "mg-store.h"

G_DEFINE_QUARK (mg-api-error-quark, mg_api_error)

static const struct
{
  guint status;
  const char *code;
} api_errors[] = {
  [MG_API_ERROR_INVALID] = { 400, "invalid_request" },
  [MG_API_ERROR_UNAUTHORIZED] = { 401, "unauthorized" },
  [MG_API_ERROR_FORBIDDEN] = { 403, "forbidden" },
  [MG_API_ERROR_NOT_FOUND] = { 404, "not_found" },
  [MG_API_ERROR_METHOD] = { 405, "method_not_allowed" },
  [MG_API_ERROR_CONFLICT] = { 409, "conflict" },
  [MG_API_ERROR_TOO_LARGE] = { 413, "payload_too_large" },
  [MG_API_ERROR_MEDIA_TYPE] = { 415, "unsupported_media_type" },
  [MG_API_ERROR_TOO_MANY_REQUESTS] = { 429, "too_many_requests" },
  [MG_API_ERROR_INTERNAL] = { 500, "internal_error" },
};

/* The HTTP status and JSON code for an error raised by any module. */
guint
mg_api_error_to_http (const GError *error, const char **code)
{
  if (error->domain == MG_API_ERROR && error->code >= 0
      && (gsize) error->code < G_N_ELEMENTS (api_errors))
    {
      *code = api_errors[error->code].code;
      return api_errors[error->code].status;
    }
  if (error->domain == MG_STORE_ERROR)
    {
      switch ((MgStoreError) error->code)
        {
        case MG_STORE_ERROR_NOT_FOUND:
          *code = "not_found";
          return 404;
        case MG_STORE_ERROR_CONFLICT:
          *code = "conflict";
          return 409;
        case MG_STORE_ERROR_INVALID:
          *code = "invalid_request";
          return 400;
        case MG_STORE_ERROR_FAILED:
        case MG_STORE_ERROR_SCHEMA:
          break;
        }
    }
  if (error->domain == MG_EXTENSION_ERROR)
    {
      *code = "invalid_request";
      return 400;
    }
  if (error->domain == JSON_PARSER_ERROR)
    {
      *code = "invalid_json";
      return 400;
    }
  *code = "internal_error";
  return 500;
}

const char *
mg_api_request_get_param (MgApiRequest *req, const char *name)
{
  return req->params ? g_hash_table_lookup (req->params, name) : NULL;
}

const char *
mg_api_request_get_query (MgApiRequest *req, const char *name)
{
  return req->query ? g_hash_table_lookup (req->query, name) : NULL;
}

const char *
mg_api_request_get_header (MgApiRequest *req, const char *name)
{
  return soup_message_headers_get_one (soup_server_message_get_request_headers (req->msg), name);
}

GBytes *
mg_api_request_get_body (MgApiRequest *req)
{
  SoupMessageBody *body = soup_server_message_get_request_body (req->msg);

  return soup_message_body_flatten (body);
}

/* The request body as a JSON object; a wrong content type, malformed JSON or
 * a non-object is an error that says so. The object belongs to @req. */
JsonObject *
mg_api_request_get_object (MgApiRequest *req, GError **error)
{
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autofree char *content_type = NULL;
  const char *ct;
  gsize size = 0;
  const char *data;

  if (req->body != NULL)
    return json_node_get_object (req->body);

  ct = soup_message_headers_get_content_type (
    soup_server_message_get_request_headers (req->msg), NULL);
  if (ct == NULL || g_ascii_strcasecmp (ct, "application/json") != 0)
    {
      g_set_error (error, MG_API_ERROR, MG_API_ERROR_MEDIA_TYPE,
                   _("the request body must be JSON (Content-Type: application/json)"));
      return NULL;
    }

  body = mg_api_request_get_body (req);
  data = g_bytes_get_data (body, &size);
  if (size == 0 || !g_utf8_validate (data, size, NULL))
    {
      g_set_error (error, MG_API_ERROR, MG_API_ERROR_INVALID,
                   size == 0 ? _("the request body is empty") : _("the request body is not UTF-8"));
      return NULL;
    }
  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, size, error))
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, MG_API_ERROR, MG_API_ERROR_INVALID,
                   _("the request body must be a JSON object"));
      return NULL;
    }
  req->body = json_node_ref (json_parser_get_root (parser));
  return json_node_get_object (req->body);
}

static void
set_common_headers (MgApiRequest *req)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (req->msg);

  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
}

void
mg_api_request_reply_text (MgApiRequest *req, guint status, const char *content_type,
                           GBytes *body)
{
  gsize size = 0;
  const char *data = g_bytes_get_data (body, &size);

  set_common_headers (req);
  soup_server_message_set_status (req->msg, status, NULL);
  soup_server_message_set_response (req->msg, content_type, SOUP_MEMORY_COPY, data, size);
}

void
mg_api_request_reply_json (MgApiRequest *req, guint status, JsonNode *node)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  gsize length = 0;
  char *text;

  json_generator_set_root (gen, node);
  text = json_generator_to_data (gen, &length);
  set_common_headers (req);
  soup_server_message_set_status (req->msg, status, NULL);
  soup_server_message_set_response (req->msg, "application/json", SOUP_MEMORY_TAKE, text, length);
}

void
mg_api_request_reply_object (MgApiRequest *req, guint status, JsonObject *object)
{
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, object);
  mg_api_request_reply_json (req, status, node);
}

void
mg_api_request_reply_empty (MgApiRequest *req, guint status)
{
  set_common_headers (req);
  soup_server_message_set_status (req->msg, status, NULL);
}

static void
reply_error_literal (MgApiRequest *req, guint status, const char *code, const char *message)
{
  g_autoptr (JsonObject) error = json_object_new ();
  g_autoptr (JsonObject) root = json_object_new ();

  json_object_set_string_member (error, "code", code);
  json_object_set_string_member (error, "message", message);
  json_object_set_object_member (root, "error", g_steal_pointer (&error));
  mg_api_request_reply_object (req, status, root);
}

void
mg_api_request_reply_error (MgApiRequest *req, guint status, const char *code, const char *format,
                            ...)
{
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  reply_error_literal (req, status, code, message);
}

/* {"<member>": [to_json (item)…]} with 200. */
void
mg_api_request_reply_list (MgApiRequest *req, const char *member, GPtrArray *items,
                           MgApiToJson to_json)
{
  g_autoptr (JsonObject) reply = json_object_new ();
  JsonArray *array = json_array_sized_new (items->len);

  for (guint i = 0; i < items->len; i++)
    json_array_add_object_element (array, to_json (g_ptr_array_index (items, i)));
  json_object_set_array_member (reply, member, array);
  mg_api_request_reply_object (req, 200, reply);
}

/* Whether the request's source is over @limiter's failures; if so, sets
 * Retry-After and @retry_after, and the caller answers 429 in its own words. */
gboolean
mg_api_request_is_rate_limited (MgApiRequest *req, MgRateLimiter *limiter, guint *retry_after)
{
  g_autofree char *retry = NULL;

  if (!mg_rate_limiter_is_blocked (limiter, req->remote_ip, g_get_monotonic_time (), retry_after))
    return FALSE;
  retry = g_strdup_printf ("%u", *retry_after);
  soup_message_headers_replace (soup_server_message_get_response_headers (req->msg), "Retry-After",
                                retry);
  return TRUE;
}

void
mg_api_request_reply_gerror (MgApiRequest *req, const GError *error)
{
  const char *code = NULL;
  guint status = mg_api_error_to_http (error, &code);

  if (status >= 500)
    {
      /* the details are for the log; the client learns only that it failed */
      g_warning ("%s %s failed: %s", req->method, req->path, error->message);
      reply_error_literal (req, status, code, _("internal error; see the server log"));
      return;
    }
  reply_error_literal (req, status, code, error->message);
}
