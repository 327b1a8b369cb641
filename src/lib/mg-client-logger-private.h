/* mg-client-logger-private.h: wss://HOST:9090/clientlog
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "mg-client-log-store-private.h"
#include "mg-http-listener.h"
#include "mg-phone-hub.h"
#include "mg-store.h"
#include "mg-token-signer.h"

G_BEGIN_DECLS

/* How long a log token from the phone WebSocket is valid. */
#define MG_CLIENT_LOG_TOKEN_SECONDS 3600
#define MG_CLIENT_LOG_PATH "/clientlog"

#define MG_TYPE_CLIENT_LOGGER (mg_client_logger_get_type ())
G_DECLARE_FINAL_TYPE (MgClientLogger, mg_client_logger, MG, CLIENT_LOGGER, GObject)

MgClientLogger   *mg_client_logger_new          (MgStore       *store,
                                                 MgTokenSigner *signer,
                                                 const char    *log_dir);
void              mg_client_logger_attach       (MgClientLogger *self,
                                                 MgHttpListener *listener,
                                                 guint           max_connections_per_source,
                                                 guint           max_body_size);
void              mg_client_logger_serve_phones (MgClientLogger *self,
                                                 MgPhoneHub     *hub);
MgClientLogStore *mg_client_logger_get_files    (MgClientLogger *self);

G_END_DECLS
