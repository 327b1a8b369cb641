/* mg-static-files.c: the web client's files under a URL prefix
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-http"

#include "mg-build-config.h"

#include <gio/gio.h>

#include "mg-static-files-private.h"

/* Serves GET/HEAD of regular files below one directory: only names made of
 * safe characters, no dot segments, a fixed table of content types (module
 * scripts need text/javascript), and headers that keep the pages from being
 * sniffed or framed by strangers. */

typedef struct
{
  char *prefix;
  char *directory;
} StaticFiles;

static const struct
{
  const char *suffix;
  const char *type;
} content_types[] = {
  { ".html", "text/html; charset=utf-8" },
  { ".js", "text/javascript; charset=utf-8" },
  { ".mjs", "text/javascript; charset=utf-8" },
  { ".css", "text/css; charset=utf-8" },
  { ".json", "application/json" },
  { ".svg", "image/svg+xml" },
  { ".png", "image/png" },
  { ".ico", "image/x-icon" },
  { ".wav", "audio/wav" },
};

static void
static_files_free (gpointer data)
{
  StaticFiles *files = data;

  g_free (files->prefix);
  g_free (files->directory);
  g_free (files);
}

static const char *
content_type_of (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (content_types); i++)
    if (g_str_has_suffix (name, content_types[i].suffix))
      return content_types[i].type;
  return NULL;
}

/* The path below the prefix, or NULL when it is not a plain relative path. */
static char *
relative_path (StaticFiles *files, const char *path)
{
  const char *rest = path + strlen (files->prefix);
  g_auto (GStrv) segments = NULL;

  if (*rest == '\0')
    return NULL; /* "/webkit" itself: redirected */
  rest++;
  if (*rest == '\0')
    return g_strdup ("index.html");
  segments = g_strsplit (rest, "/", -1);
  for (guint i = 0; segments[i] != NULL; i++)
    {
      const char *s = segments[i];

      if (*s == '\0' || *s == '.')
        return NULL;
      for (const char *p = s; *p; p++)
        if (!g_ascii_isalnum (*p) && !strchr ("-_.", *p))
          return NULL;
    }
  return g_strdup (rest);
}

static void
set_headers (SoupServerMessage *msg)
{
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);

  soup_message_headers_replace (headers, "X-Content-Type-Options", "nosniff");
  soup_message_headers_replace (headers, "Referrer-Policy", "no-referrer");
  soup_message_headers_replace (headers, "Cache-Control", "no-cache");
  soup_message_headers_replace (headers, "Content-Security-Policy",
                                "default-src 'self'; connect-src 'self' wss:; "
                                "media-src 'self' blob:; img-src 'self' data:; "
                                "object-src 'none'; base-uri 'none'");
}

static void
reply_status (SoupServerMessage *msg, guint status)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC,
                                    soup_status_get_phrase (status),
                                    strlen (soup_status_get_phrase (status)));
}

static void
on_request (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
            gpointer user_data)
{
  StaticFiles *files = user_data;
  const char *method = soup_server_message_get_method (msg);
  g_autofree char *relative = NULL;
  g_autofree char *file = NULL;
  g_autofree char *data = NULL;
  g_autofree char *location = NULL;
  const char *type;
  gsize length = 0;

  if (soup_server_message_get_status (msg) != 0)
    return;
  set_headers (msg);
  if (g_strcmp0 (method, "GET") != 0 && g_strcmp0 (method, "HEAD") != 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Allow",
                                    "GET, HEAD");
      reply_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED);
      return;
    }
  if (g_str_equal (path, files->prefix))
    {
      location = g_strconcat (files->prefix, "/", NULL);
      soup_server_message_set_redirect (msg, SOUP_STATUS_MOVED_PERMANENTLY, location);
      return;
    }
  relative = relative_path (files, path);
  type = relative ? content_type_of (relative) : NULL;
  file = relative ? g_build_filename (files->directory, relative, NULL) : NULL;
  if (type == NULL || !g_file_test (file, G_FILE_TEST_IS_REGULAR)
      || !g_file_get_contents (file, &data, &length, NULL))
    {
      reply_status (msg, SOUP_STATUS_NOT_FOUND);
      return;
    }
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, type, SOUP_MEMORY_TAKE, g_steal_pointer (&data), length);
}

/* Serves @directory at @prefix (e.g. "/webkit") on @listener. */
void
mg_static_files_attach (MgHttpListener *listener, const char *prefix, const char *directory)
{
  StaticFiles *files = g_new0 (StaticFiles, 1);

  files->prefix = g_strdup (prefix);
  files->directory = g_strdup (directory);
  mg_http_listener_add_handler (listener, prefix, on_request, files, static_files_free);
}
