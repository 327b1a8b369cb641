/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What one application (client credential) may do over CTI: which devices
 * it may monitor and control, and how caller IDs are masked for it. */
typedef struct _MgCtiPolicy MgCtiPolicy;

gboolean     mg_cti_policy_check_devices (const char *devices,
                                          GError    **error);
gboolean     mg_cti_policy_check_masking (const char *masking,
                                          GError    **error);
MgCtiPolicy *mg_cti_policy_new           (const char *devices,
                                          const char *masking,
                                          GBytes     *hash_key);
void         mg_cti_policy_free          (MgCtiPolicy *self);
gboolean     mg_cti_policy_allows        (MgCtiPolicy *self,
                                          const char  *device);
gboolean     mg_cti_policy_masks         (MgCtiPolicy *self);
const char  *mg_cti_policy_get_masking   (MgCtiPolicy *self);
char        *mg_cti_policy_mask          (MgCtiPolicy *self,
                                          const char  *number);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MgCtiPolicy, mg_cti_policy_free)

G_END_DECLS
