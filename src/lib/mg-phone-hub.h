/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(MG_INSIDE) && !defined(MG_COMPILATION)
#error "Only <mediagate.h> can be included directly."
#endif

#include <glib-object.h>

#include "mg-phone-session.h"

G_BEGIN_DECLS

#define MG_TYPE_PHONE_HUB (mg_phone_hub_get_type ())
G_DECLARE_FINAL_TYPE (MgPhoneHub, mg_phone_hub, MG, PHONE_HUB, GObject)

MgPhoneSession *mg_phone_hub_lookup   (MgPhoneHub *self,
                                       const char *extension);
guint           mg_phone_hub_count    (MgPhoneHub *self);
void            mg_phone_hub_set_grace_period (MgPhoneHub *self,
                                               guint       seconds);

G_END_DECLS
