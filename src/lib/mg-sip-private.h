/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <sofia-sip/nua.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/su_glib.h>

#include "mg-sip-dialog.h"
#include "mg-sip-registration.h"

G_BEGIN_DECLS

/* What a registration needs from the agent that owns it. */
typedef struct
{
  char *number;       /* AOR user and Contact user: the extension */
  char *auth_user;    /* digest user name (the number when empty) */
  char *password;     /* digest password; never logged */
  char *realm;        /* expected realm, or NULL for any */
  char *display_name;
} MgSipAccount;

void               mg_sip_account_clear           (MgSipAccount *account);
char              *mg_sip_account_answer_challenge (const MgSipAccount *account,
                                                    const sip_t        *sip);

MgSipRegistration *mg_sip_registration_new        (const MgSipAccount *account,
                                                   guint               expiry);
void               mg_sip_registration_start      (MgSipRegistration *self,
                                                   nua_t             *nua,
                                                   const char        *registrar);
void               mg_sip_registration_stop       (MgSipRegistration *self);
void               mg_sip_registration_set_account (MgSipRegistration  *self,
                                                    const MgSipAccount *account);
void               mg_sip_registration_handle_response (MgSipRegistration *self,
                                                        nua_event_t        event,
                                                        int                status,
                                                        const char        *phrase,
                                                        const sip_t       *sip);
gboolean           mg_sip_registration_owns_handle (MgSipRegistration *self,
                                                    nua_handle_t      *nh);
void               mg_sip_registration_set_retry_limits (MgSipRegistration *self,
                                                         guint              first_retry,
                                                         guint              max_retry);

G_END_DECLS

G_BEGIN_DECLS

const MgSipAccount *mg_sip_registration_get_account (MgSipRegistration *self);

MgSipDialog *mg_sip_dialog_new_outbound (nua_t              *nua,
                                         const MgSipAccount *account,
                                         const char         *from_aor,
                                         const char         *to_uri,
                                         const char         *sdp);
MgSipDialog *mg_sip_dialog_new_inbound  (nua_handle_t       *nh,
                                         const MgSipAccount *account,
                                         const sip_t        *sip);
void         mg_sip_dialog_detach       (MgSipDialog *self);
gboolean     mg_sip_dialog_owns_handle  (MgSipDialog  *self,
                                         nua_handle_t *nh);
void         mg_sip_dialog_handle_event (MgSipDialog *self,
                                         nua_event_t  event,
                                         int          status,
                                         const char  *phrase,
                                         const sip_t *sip,
                                         tagi_t       tags[]);

G_END_DECLS
