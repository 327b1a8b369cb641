/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(MG_INSIDE) && !defined(MG_COMPILATION)
#error "Only <mediagate.h> can be included directly."
#endif

#include <glib-object.h>

G_BEGIN_DECLS

#define MG_TYPE_CLIENT_API (mg_client_api_get_type ())
G_DECLARE_FINAL_TYPE (MgClientApi, mg_client_api, MG, CLIENT_API, GObject)

G_END_DECLS
