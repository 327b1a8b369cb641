/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(MG_INSIDE) && !defined(MG_COMPILATION)
#error "Only <mediagate.h> can be included directly."
#endif

#include <libsoup/soup.h>

G_BEGIN_DECLS

#define MG_TYPE_ADMIN_API (mg_admin_api_get_type ())
G_DECLARE_FINAL_TYPE (MgAdminApi, mg_admin_api, MG, ADMIN_API, GObject)

G_END_DECLS
