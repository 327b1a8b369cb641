/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(MG_INSIDE) && !defined(MG_COMPILATION)
#error "Only <mediagate.h> can be included directly."
#endif

#include <glib-object.h>

#include "mg-http-listener.h"
#include "mg-store.h"
#include "mg-token-signer.h"

G_BEGIN_DECLS

#define MG_TYPE_CTI_SERVER (mg_cti_server_get_type ())
G_DECLARE_FINAL_TYPE (MgCtiServer, mg_cti_server, MG, CTI_SERVER, GObject)

MgCtiServer *mg_cti_server_new            (MgStore       *store,
                                           MgTokenSigner *signer);
void         mg_cti_server_attach         (MgCtiServer    *self,
                                           MgHttpListener *listener);
void         mg_cti_server_attach_tls     (MgCtiServer    *self,
                                           MgHttpListener *listener);
guint        mg_cti_server_count_sessions (MgCtiServer *self);

G_END_DECLS
