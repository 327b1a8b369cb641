/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib-object.h>

#include "mg-sip-agent.h"
#include "mg-store.h"

G_BEGIN_DECLS

/* Keeps the SIP agent's accounts in step with the store's enabled
 * extensions, and its platform with the "sip" settings section, as they
 * change (MgStore::changed). */
#define MG_TYPE_SIP_PROVISIONER (mg_sip_provisioner_get_type ())
G_DECLARE_FINAL_TYPE (MgSipProvisioner, mg_sip_provisioner, MG, SIP_PROVISIONER, GObject)

MgSipProvisioner *mg_sip_provisioner_new   (MgStore    *store,
                                            MgSipAgent *agent);
void              mg_sip_provisioner_sync_accounts (MgSipProvisioner *self);
void              mg_sip_provisioner_sync_platform (MgSipProvisioner *self);

G_END_DECLS
