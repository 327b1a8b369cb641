/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

/* Errors that handlers raise for bad requests; each code has an HTTP status
 * and a stable JSON error code (see mg_api_error_to_http). */
#define MG_API_ERROR (mg_api_error_quark ())
GQuark mg_api_error_quark (void);

typedef enum {
  MG_API_ERROR_INVALID,           /* 400 invalid_request */
  MG_API_ERROR_UNAUTHORIZED,      /* 401 unauthorized */
  MG_API_ERROR_FORBIDDEN,         /* 403 forbidden */
  MG_API_ERROR_NOT_FOUND,         /* 404 not_found */
  MG_API_ERROR_METHOD,            /* 405 method_not_allowed */
  MG_API_ERROR_CONFLICT,          /* 409 conflict */
  MG_API_ERROR_TOO_LARGE,         /* 413 payload_too_large */
  MG_API_ERROR_MEDIA_TYPE,        /* 415 unsupported_media_type */
  MG_API_ERROR_TOO_MANY_REQUESTS, /* 429 too_many_requests */
  MG_API_ERROR_INTERNAL,          /* 500 internal_error */
} MgApiError;

typedef struct _MgApiRequest MgApiRequest;

struct _MgApiRequest
{
  SoupServerMessage *msg;
  const char *method;
  const char *path;
  GHashTable *query;  /* nullable */
  GHashTable *params; /* "{name}" captures from the route pattern */
  char *remote_ip;
  char *principal;    /* who authenticated, when the route needs it */
  JsonNode *body;     /* parsed lazily */
};

const char *mg_api_request_get_param   (MgApiRequest *req,
                                        const char   *name);
const char *mg_api_request_get_query   (MgApiRequest *req,
                                        const char   *name);
const char *mg_api_request_get_header  (MgApiRequest *req,
                                        const char   *name);
JsonObject *mg_api_request_get_object  (MgApiRequest *req,
                                        GError      **error);
GBytes     *mg_api_request_get_body    (MgApiRequest *req);

void        mg_api_request_reply_json  (MgApiRequest *req,
                                        guint         status,
                                        JsonNode     *node);
void        mg_api_request_reply_object (MgApiRequest *req,
                                         guint         status,
                                         JsonObject   *object);
void        mg_api_request_reply_empty (MgApiRequest *req,
                                        guint         status);
void        mg_api_request_reply_error (MgApiRequest *req,
                                        guint         status,
                                        const char   *code,
                                        const char   *format,
                                        ...) G_GNUC_PRINTF (4, 5);
void        mg_api_request_reply_gerror (MgApiRequest *req,
                                         const GError *error);
void        mg_api_request_reply_text  (MgApiRequest *req,
                                        guint         status,
                                        const char   *content_type,
                                        GBytes       *body);

guint       mg_api_error_to_http       (const GError *error,
                                        const char  **code);

typedef JsonObject *(*MgApiToJson) (gconstpointer item);
void        mg_api_request_reply_list  (MgApiRequest *req,
                                        const char   *member,
                                        GPtrArray    *items,
                                        MgApiToJson   to_json);

typedef struct _MgRateLimiter MgRateLimiter;
gboolean    mg_api_request_is_rate_limited (MgApiRequest  *req,
                                            MgRateLimiter *limiter,
                                            guint         *retry_after);

G_END_DECLS
