/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "mg-client-api.h"
#include "mg-http-listener.h"
#include "mg-server.h"
#include "mg-store.h"
#include "mg-token-signer.h"

G_BEGIN_DECLS

MgClientApi *mg_client_api_new    (MgServer      *server,
                                   MgStore       *store,
                                   MgTokenSigner *signer);
void         mg_client_api_attach (MgClientApi    *self,
                                   MgHttpListener *listener);

G_END_DECLS
