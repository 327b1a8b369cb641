/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "mg-admin-api.h"
#include "mg-router-private.h"
#include "mg-server.h"
#include "mg-store.h"
#include "mg-token-signer.h"

G_BEGIN_DECLS

MgAdminApi *mg_admin_api_new        (MgServer      *server,
                                     MgStore       *store,
                                     MgTokenSigner *signer);
void        mg_admin_api_attach     (MgAdminApi     *self,
                                     MgHttpListener *listener);
MgServer   *mg_admin_api_get_server (MgAdminApi *self);
MgStore    *mg_admin_api_get_store  (MgAdminApi *self);

/* Each area of the admin API adds its routes from its own file. */
void        mg_admin_api_add_call_routes (MgAdminApi *self,
                                          MgRouter   *router);
void        mg_admin_api_add_cti_routes (MgAdminApi *self,
                                         MgRouter   *router);
void        mg_admin_api_add_registration_routes (MgAdminApi *self,
                                                  MgRouter   *router);
void        mg_admin_api_add_session_routes (MgAdminApi *self,
                                             MgRouter   *router);
void        mg_admin_api_add_certificate_routes (MgAdminApi *self,
                                                 MgRouter   *router);
void        mg_admin_api_add_extension_routes (MgAdminApi *self,
                                               MgRouter   *router);
void        mg_admin_api_add_settings_routes (MgAdminApi *self,
                                              MgRouter   *router);
void        mg_admin_api_add_client_routes  (MgAdminApi *self,
                                             MgRouter   *router);
void        mg_admin_api_add_destination_routes (MgAdminApi *self,
                                                 MgRouter   *router);
void        mg_admin_api_add_client_log_routes (MgAdminApi *self,
                                                MgRouter   *router);
void        mg_admin_api_add_diagnostics_routes (MgAdminApi *self,
                                                 MgRouter   *router);

G_END_DECLS
