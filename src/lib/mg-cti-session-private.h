/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <libsoup/soup.h>

#include "mg-cti-server-private.h"

G_BEGIN_DECLS

#define MG_TYPE_CTI_SESSION (mg_cti_session_get_type ())
G_DECLARE_FINAL_TYPE (MgCtiSession, mg_cti_session, MG, CTI_SESSION, GObject)

MgCtiSession *mg_cti_session_new    (MgCtiServer             *server,
                                     SoupWebsocketConnection *connection,
                                     const char              *remote_ip,
                                     const char              *bearer_token);
const char   *mg_cti_session_get_id (MgCtiSession *self);
void          mg_cti_session_close  (MgCtiSession *self,
                                     gushort       code,
                                     const char   *reason);

G_END_DECLS
