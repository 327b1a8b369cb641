/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib-object.h>

#include "mg-api-request-private.h"
#include "mg-http-listener.h"

G_BEGIN_DECLS

typedef void (*MgRouteHandler) (MgApiRequest *req,
                                gpointer      user_data);

/* Decides whether a request may reach a route flagged MG_ROUTE_AUTH; sets
 * req->principal and returns TRUE, or replies with an error and returns
 * FALSE. */
typedef gboolean (*MgRouterAuthFunc) (MgApiRequest *req,
                                      gpointer      user_data);

typedef enum {
  MG_ROUTE_PUBLIC = 0,
  MG_ROUTE_AUTH = 1 << 0,
} MgRouteFlags;

#define MG_TYPE_ROUTER (mg_router_get_type ())
G_DECLARE_FINAL_TYPE (MgRouter, mg_router, MG, ROUTER, GObject)

MgRouter *mg_router_new      (MgRouterAuthFunc auth,
                              gpointer         auth_data);
void      mg_router_add      (MgRouter       *self,
                              const char     *method,
                              const char     *pattern,
                              MgRouteFlags    flags,
                              MgRouteHandler  handler,
                              gpointer        user_data);
void      mg_router_attach   (MgRouter       *self,
                              MgHttpListener *listener,
                              const char     *prefix);

G_END_DECLS
