/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(MG_INSIDE) && !defined(MG_COMPILATION)
#error "Only <mediagate.h> can be included directly."
#endif

#include <glib-object.h>

#include "mg-sip-dialog.h"
#include "mg-sip-registration.h"

G_BEGIN_DECLS

/**
 * MG_SIP_ERROR:
 *
 * Error domain of the SIP side.
 */
#define MG_SIP_ERROR (mg_sip_error_quark ())
GQuark mg_sip_error_quark (void);

/**
 * MgSipError:
 * @MG_SIP_ERROR_FAILED: the SIP stack could not start
 * @MG_SIP_ERROR_INVALID: a SIP URI, address or number is not valid
 * @MG_SIP_ERROR_NO_PLATFORM: no SIP platform is configured (the embedded default)
 *
 * Errors of [class@Mg.SipAgent].
 */
typedef enum {
  MG_SIP_ERROR_FAILED,
  MG_SIP_ERROR_INVALID,
  MG_SIP_ERROR_NO_PLATFORM,
} MgSipError;

#define MG_TYPE_SIP_AGENT (mg_sip_agent_get_type ())
G_DECLARE_FINAL_TYPE (MgSipAgent, mg_sip_agent, MG, SIP_AGENT, GObject)

MgSipAgent        *mg_sip_agent_new                 (void) G_GNUC_WARN_UNUSED_RESULT;
gboolean           mg_sip_agent_start               (MgSipAgent *self,
                                                     const char *address,
                                                     guint       port,
                                                     GError    **error);
void               mg_sip_agent_stop                (MgSipAgent *self);
gboolean           mg_sip_agent_set_platform        (MgSipAgent *self,
                                                     const char *primary,
                                                     const char *secondary,
                                                     guint       expiry,
                                                     GError    **error);
void               mg_sip_agent_set_keepalive       (MgSipAgent *self,
                                                     guint       interval,
                                                     guint       max_missed);
void               mg_sip_agent_set_retry_limits    (MgSipAgent *self,
                                                     guint       first_retry,
                                                     guint       max_retry);
MgSipRegistration *mg_sip_agent_add_account         (MgSipAgent *self,
                                                     const char *number,
                                                     const char *auth_user,
                                                     const char *password,
                                                     const char *realm,
                                                     const char *display_name);
void               mg_sip_agent_remove_account      (MgSipAgent *self,
                                                     const char *number);
MgSipRegistration *mg_sip_agent_lookup_registration (MgSipAgent *self,
                                                     const char *number);
GPtrArray         *mg_sip_agent_dup_registrations   (MgSipAgent *self);
const char        *mg_sip_agent_get_active_registrar (MgSipAgent *self);
guint              mg_sip_agent_count_registered    (MgSipAgent *self);
MgSipDialog       *mg_sip_agent_call                (MgSipAgent *self,
                                                     const char *from_number,
                                                     const char *to,
                                                     const char *sdp,
                                                     GError    **error);

G_END_DECLS
