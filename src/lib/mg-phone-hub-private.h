/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "mg-http-listener.h"
#include "mg-phone-hub.h"
#include "mg-sip-agent.h"
#include "mg-store.h"
#include "mg-token-signer.h"

G_BEGIN_DECLS

MgPhoneHub *mg_phone_hub_new    (MgStore       *store,
                                 MgTokenSigner *signer,
                                 MgSipAgent    *agent);
void        mg_phone_hub_attach (MgPhoneHub     *self,
                                 MgHttpListener *listener);

G_END_DECLS
