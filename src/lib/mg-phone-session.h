/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(MG_INSIDE) && !defined(MG_COMPILATION)
#error "Only <mediagate.h> can be included directly."
#endif

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define MG_TYPE_PHONE_SESSION (mg_phone_session_get_type ())
G_DECLARE_FINAL_TYPE (MgPhoneSession, mg_phone_session, MG, PHONE_SESSION, GObject)

const char *mg_phone_session_get_id          (MgPhoneSession *self);
const char *mg_phone_session_get_extension   (MgPhoneSession *self);
gboolean    mg_phone_session_is_connected    (MgPhoneSession *self);
void        mg_phone_session_send            (MgPhoneSession *self,
                                              JsonObject     *message);
void        mg_phone_session_reply_ok        (MgPhoneSession *self,
                                              gint64          request_id,
                                              JsonObject     *fields);
void        mg_phone_session_reply_error     (MgPhoneSession *self,
                                              gint64          request_id,
                                              const char     *code,
                                              const char     *message);

G_END_DECLS
