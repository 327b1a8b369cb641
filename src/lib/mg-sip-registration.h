/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(MG_INSIDE) && !defined(MG_COMPILATION)
#error "Only <mediagate.h> can be included directly."
#endif

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * MgSipRegistrationState:
 * @MG_SIP_REGISTRATION_STATE_UNREGISTERED: not registered (not started, or removed)
 * @MG_SIP_REGISTRATION_STATE_REGISTERING: a REGISTER is under way
 * @MG_SIP_REGISTRATION_STATE_REGISTERED: the platform accepted the registration
 * @MG_SIP_REGISTRATION_STATE_FAILED: the last REGISTER failed; a retry is scheduled
 *
 * Where one extension's registration with the SIP platform stands.
 */
typedef enum {
  MG_SIP_REGISTRATION_STATE_UNREGISTERED,
  MG_SIP_REGISTRATION_STATE_REGISTERING,
  MG_SIP_REGISTRATION_STATE_REGISTERED,
  MG_SIP_REGISTRATION_STATE_FAILED,
} MgSipRegistrationState;

#define MG_TYPE_SIP_REGISTRATION (mg_sip_registration_get_type ())
G_DECLARE_FINAL_TYPE (MgSipRegistration, mg_sip_registration, MG, SIP_REGISTRATION, GObject)

const char            *mg_sip_registration_get_number     (MgSipRegistration *self);
MgSipRegistrationState mg_sip_registration_get_state      (MgSipRegistration *self);
const char            *mg_sip_registration_get_registrar  (MgSipRegistration *self);
gint64                 mg_sip_registration_get_expires_at (MgSipRegistration *self);
const char            *mg_sip_registration_get_last_error (MgSipRegistration *self);
const char            *mg_sip_registration_state_to_string (MgSipRegistrationState state);

G_END_DECLS
