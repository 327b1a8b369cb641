/* mg-router.c: method + path pattern dispatch for the REST APIs
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-http"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>

#include "mg-http-listener.h"
#include "mg-router-private.h"

/* MgRouter: maps "METHOD /path/{param}" to handlers. A path that matches with
 * another method gets 405 with Allow; no match gets 404; both as JSON errors.
 * Routes flagged MG_ROUTE_AUTH pass the router's auth function first. */

typedef struct
{
  char *method;
  char **segments; /* pattern split on '/', "{name}" segments capture */
  MgRouteFlags flags;
  MgRouteHandler handler;
  gpointer user_data;
} Route;

struct _MgRouter
{
  GObject parent_instance;

  GPtrArray *routes;
  MgRouterAuthFunc auth;
  gpointer auth_data;
};

G_DEFINE_FINAL_TYPE (MgRouter, mg_router, G_TYPE_OBJECT)

static void
route_free (Route *route)
{
  g_free (route->method);
  g_strfreev (route->segments);
  g_free (route);
}

static void
mg_router_finalize (GObject *object)
{
  MgRouter *self = MG_ROUTER (object);

  g_ptr_array_unref (self->routes);
  G_OBJECT_CLASS (mg_router_parent_class)->finalize (object);
}

static void
mg_router_class_init (MgRouterClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mg_router_finalize;
}

static void
mg_router_init (MgRouter *self)
{
  self->routes = g_ptr_array_new_with_free_func ((GDestroyNotify) route_free);
}

MgRouter *
mg_router_new (MgRouterAuthFunc auth, gpointer auth_data)
{
  MgRouter *self = g_object_new (MG_TYPE_ROUTER, NULL);

  self->auth = auth;
  self->auth_data = auth_data;
  return self;
}

void
mg_router_add (MgRouter *self, const char *method, const char *pattern, MgRouteFlags flags,
               MgRouteHandler handler, gpointer user_data)
{
  Route *route = g_new0 (Route, 1);

  route->method = g_strdup (method);
  route->segments = g_strsplit (pattern, "/", -1);
  route->flags = flags;
  route->handler = handler;
  route->user_data = user_data;
  g_ptr_array_add (self->routes, route);
}

static gboolean
is_capture (const char *segment)
{
  gsize len = strlen (segment);

  return len > 2 && segment[0] == '{' && segment[len - 1] == '}';
}

/* Matches @path_segments against @route; fills @params with the decoded captures. */
static gboolean
route_matches (Route *route, char **path_segments, GHashTable *params)
{
  guint i;

  for (i = 0; route->segments[i] != NULL && path_segments[i] != NULL; i++)
    {
      const char *want = route->segments[i];

      if (is_capture (want))
        {
          g_autofree char *value = g_uri_unescape_string (path_segments[i], NULL);

          if (value == NULL || *value == '\0')
            return FALSE;
          g_hash_table_insert (params, g_strndup (want + 1, strlen (want) - 2),
                               g_steal_pointer (&value));
        }
      else if (!g_str_equal (want, path_segments[i]))
        return FALSE;
    }
  return route->segments[i] == NULL && path_segments[i] == NULL;
}

static void
dispatch (MgRouter *self, MgApiRequest *req)
{
  g_auto (GStrv) path_segments = g_strsplit (req->path, "/", -1);
  g_autoptr (GString) allowed = g_string_new (NULL);

  for (guint i = 0; i < self->routes->len; i++)
    {
      Route *route = g_ptr_array_index (self->routes, i);

      g_hash_table_remove_all (req->params);
      if (!route_matches (route, path_segments, req->params))
        continue;
      if (!g_str_equal (route->method, req->method))
        {
          g_string_append_printf (allowed, "%s%s", allowed->len ? ", " : "", route->method);
          continue;
        }
      if ((route->flags & MG_ROUTE_AUTH)
          && (self->auth == NULL || !self->auth (req, self->auth_data)))
        return;
      route->handler (req, route->user_data);
      return;
    }

  if (allowed->len > 0)
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (req->msg), "Allow",
                                    allowed->str);
      mg_api_request_reply_error (req, 405, "method_not_allowed",
                                  _("%s is not allowed on %s"), req->method, req->path);
      return;
    }
  mg_api_request_reply_error (req, 404, "not_found", _("no such resource: %s"), req->path);
}

static char *
remote_ip_of (SoupServerMessage *msg)
{
  GSocketAddress *remote = soup_server_message_get_remote_address (msg);

  if (G_IS_INET_SOCKET_ADDRESS (remote))
    return g_inet_address_to_string (
      g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (remote)));
  return g_strdup ("unknown");
}

static void
on_request (SoupServer *server, SoupServerMessage *msg, const char *path, GHashTable *query,
            gpointer user_data)
{
  MgRouter *self = user_data;
  MgApiRequest req = { 0 };

  /* an early handler may have answered already (body too large) */
  if (soup_server_message_get_status (msg) != 0)
    return;

  req.msg = msg;
  req.method = soup_server_message_get_method (msg);
  req.path = path;
  req.query = query;
  req.params = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  req.remote_ip = remote_ip_of (msg);

  dispatch (self, &req);

  g_hash_table_unref (req.params);
  g_free (req.remote_ip);
  g_free (req.principal);
  g_clear_pointer (&req.body, json_node_unref);
}

/* Serves every route under @prefix on @server. The router must outlive the
 * server's handler, which holds a reference. */
void
mg_router_attach (MgRouter *self, MgHttpListener *listener, const char *prefix)
{
  mg_http_listener_add_handler (listener, prefix, on_request, g_object_ref (self), g_object_unref);
}
