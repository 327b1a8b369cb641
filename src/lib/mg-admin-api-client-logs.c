/* mg-admin-api-client-logs.c: list, download and delete the browser phones'
 * log files
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-admin"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>

#include "mg-admin-api-private.h"
#include "mg-client-logger-private.h"
#include "mg-server-private.h"

static MgClientLogStore *
files_of (MgAdminApi *self)
{
  return mg_client_logger_get_files (mg_server_get_client_logger (mg_admin_api_get_server (self)));
}

/* Bad names are 400, unknown ones 404, the file system's refusals 500. */
static void
reply_client_log_error (MgApiRequest *req, const GError *error)
{
  g_autoptr (GError) api_error = NULL;
  MgApiError code = MG_API_ERROR_INTERNAL;

  if (g_error_matches (error, MG_CLIENT_LOG_ERROR, MG_CLIENT_LOG_ERROR_INVALID))
    code = MG_API_ERROR_INVALID;
  else if (g_error_matches (error, MG_CLIENT_LOG_ERROR, MG_CLIENT_LOG_ERROR_NOT_FOUND))
    code = MG_API_ERROR_NOT_FOUND;
  api_error = g_error_new_literal (MG_API_ERROR, code, error->message);
  mg_api_request_reply_gerror (req, api_error);
}

static void
handle_list (MgApiRequest *req, gpointer user_data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) reply = NULL;

  reply =
    mg_client_log_store_list (files_of (user_data), mg_api_request_get_param (req, "date"), &error);
  if (reply == NULL)
    reply_client_log_error (req, error);
  else
    mg_api_request_reply_object (req, 200, reply);
}

static void
handle_download (MgApiRequest *req, gpointer user_data)
{
  const char *date = mg_api_request_get_param (req, "date");
  const char *name = mg_api_request_get_param (req, "file");
  g_autoptr (GError) error = NULL;
  g_autofree char *path = mg_client_log_store_file_path (files_of (user_data), date, name, &error);
  g_autoptr (GMappedFile) mapped = NULL;
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *disposition = NULL;
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (req->msg);

  if (path != NULL && (mapped = g_mapped_file_new (path, FALSE, &error)) == NULL)
    g_prefix_error (&error, "%s: ", path);
  if (mapped == NULL)
    {
      reply_client_log_error (req, error);
      return;
    }
  /* an empty file maps to no data: keep GBytes well-defined */
  bytes = g_mapped_file_get_length (mapped) > 0 ? g_mapped_file_get_bytes (mapped)
                                                : g_bytes_new_static ("", 0);
  disposition = g_strdup_printf ("attachment; filename=\"%s-%s\"", date, name);
  soup_message_headers_replace (headers, "Content-Disposition", disposition);
  soup_message_headers_replace (headers, "Cache-Control", "no-store");
  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_headers_set_content_type (headers, "text/plain; charset=utf-8", NULL);
  soup_server_message_set_status (req->msg, 200, NULL);
  soup_message_body_append_bytes (soup_server_message_get_response_body (req->msg), bytes);
}

static void
handle_delete_file (MgApiRequest *req, gpointer user_data)
{
  const char *date = mg_api_request_get_param (req, "date");
  const char *name = mg_api_request_get_param (req, "file");
  g_autoptr (GError) error = NULL;

  if (!mg_client_log_store_delete_file (files_of (user_data), date, name, &error))
    {
      reply_client_log_error (req, error);
      return;
    }
  g_info ("admin '%s' deleted the client log %s of %s", req->principal, name, date);
  mg_api_request_reply_empty (req, 204);
}

static void
handle_delete_date (MgApiRequest *req, gpointer user_data)
{
  const char *date = mg_api_request_get_param (req, "date");
  g_autoptr (GError) error = NULL;

  if (!mg_client_log_store_delete_date (files_of (user_data), date, &error))
    {
      reply_client_log_error (req, error);
      return;
    }
  g_info ("admin '%s' deleted the client logs of %s", req->principal, date);
  mg_api_request_reply_empty (req, 204);
}

void
mg_admin_api_add_client_log_routes (MgAdminApi *self, MgRouter *router)
{
  mg_router_add (router, "GET", "/cms/api/v1/client-logs", MG_ROUTE_AUTH, handle_list, self);
  mg_router_add (router, "GET", "/cms/api/v1/client-logs/{date}", MG_ROUTE_AUTH, handle_list, self);
  mg_router_add (router, "DELETE", "/cms/api/v1/client-logs/{date}", MG_ROUTE_AUTH,
                 handle_delete_date, self);
  mg_router_add (router, "GET", "/cms/api/v1/client-logs/{date}/{file}", MG_ROUTE_AUTH,
                 handle_download, self);
  mg_router_add (router, "DELETE", "/cms/api/v1/client-logs/{date}/{file}", MG_ROUTE_AUTH,
                 handle_delete_file, self);
}
