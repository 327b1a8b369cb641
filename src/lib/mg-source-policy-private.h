/* mg-source-policy-private.h: who may connect to a WebSocket listener
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

G_BEGIN_DECLS

#define MG_SOURCE_POLICY_ERROR (mg_source_policy_error_quark ())
GQuark mg_source_policy_error_quark (void);

typedef enum {
  MG_SOURCE_POLICY_ERROR_INVALID, /* not an address or CIDR network */
  MG_SOURCE_POLICY_ERROR_BUSY,    /* the client has a live connection already */
} MgSourcePolicyError;

/* One admitted connection's hold on its client address; freeing it releases
 * the address (also after the policy is gone). */
typedef struct _MgSourceSlot MgSourceSlot;

#define MG_TYPE_SOURCE_POLICY (mg_source_policy_get_type ())
G_DECLARE_FINAL_TYPE (MgSourcePolicy, mg_source_policy, MG, SOURCE_POLICY, GObject)

MgSourcePolicy   *mg_source_policy_new                (void);
gboolean          mg_source_policy_set_load_balancers (MgSourcePolicy     *self,
                                                       const char *const  *networks,
                                                       GError            **error);
gboolean          mg_source_policy_is_load_balancer   (MgSourcePolicy *self,
                                                       GInetAddress   *address);
char             *mg_source_policy_client_address     (MgSourcePolicy     *self,
                                                       GInetAddress       *peer,
                                                       SoupMessageHeaders *headers);
MgSourceSlot     *mg_source_policy_admit              (MgSourcePolicy     *self,
                                                       GInetAddress       *peer,
                                                       SoupMessageHeaders *headers,
                                                       GError            **error);
guint             mg_source_policy_count              (MgSourcePolicy *self,
                                                       const char     *client);

const char       *mg_source_slot_get_client           (MgSourceSlot *slot);
void              mg_source_slot_free                 (MgSourceSlot *slot);

/* Pure helpers, unit tested on their own. */
GInetAddressMask *mg_source_policy_parse_network      (const char *text,
                                                       GError    **error);
GInetAddress     *mg_source_policy_normalize_address  (GInetAddress *address);
GPtrArray        *mg_source_policy_parse_forwarded    (const char *forwarded);
GPtrArray        *mg_source_policy_parse_x_forwarded_for (const char *value);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MgSourceSlot, mg_source_slot_free)

G_END_DECLS
