/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(MG_INSIDE) && !defined(MG_COMPILATION)
#error "Only <mediagate.h> can be included directly."
#endif

#include <gio/gio.h>

#include "mg-config.h"
#include "mg-phone-hub.h"
#include "mg-sip-agent.h"
#include "mg-log.h"
#include "mg-store.h"

G_BEGIN_DECLS

#define MG_TYPE_SERVER (mg_server_get_type ())
G_DECLARE_FINAL_TYPE (MgServer, mg_server, MG, SERVER, GObject)

MgServer    *mg_server_new               (MgConfig *config) G_GNUC_WARN_UNUSED_RESULT;
gboolean     mg_server_start             (MgServer *self,
                                          GError  **error);
void         mg_server_stop              (MgServer *self);
MgConfig    *mg_server_get_config        (MgServer *self);
MgStore     *mg_server_get_store         (MgServer *self);
guint        mg_server_get_client_port   (MgServer *self);
guint        mg_server_get_admin_port    (MgServer *self);
guint        mg_server_get_cti_port      (MgServer *self);
guint        mg_server_get_cti_tls_port  (MgServer *self);
guint        mg_server_get_client_logger_port (MgServer *self);
gint64       mg_server_get_uptime        (MgServer *self);
const char  *mg_server_get_initial_password_file (MgServer *self);
GTlsCertificate *mg_server_get_certificate (MgServer *self);
void         mg_server_set_certificate   (MgServer        *self,
                                          GTlsCertificate *certificate);

void         mg_server_set_log           (MgServer *self,
                                          MgLog    *log);
MgLog       *mg_server_get_log           (MgServer *self);

MgSipAgent  *mg_server_get_sip_agent     (MgServer *self);
MgPhoneHub  *mg_server_get_phone_hub     (MgServer *self);

G_END_DECLS
