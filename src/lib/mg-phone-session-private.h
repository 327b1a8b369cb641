/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "mg-phone-session.h"

G_BEGIN_DECLS

MgPhoneSession *mg_phone_session_new        (const char *extension,
                                             const char *token_subject);
void            mg_phone_session_attach     (MgPhoneSession          *self,
                                             SoupWebsocketConnection *connection,
                                             JsonObject              *registered);
void            mg_phone_session_close      (MgPhoneSession *self,
                                             gushort         code,
                                             const char     *reason);
const char     *mg_phone_session_get_token_subject (MgPhoneSession *self);
void            mg_phone_session_dispatch   (MgPhoneSession *self,
                                             JsonObject     *message);

G_END_DECLS
