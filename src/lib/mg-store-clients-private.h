/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "mg-store.h"

G_BEGIN_DECLS

/* An app server's OAuth client credentials; the secret is only ever kept
 * as a yescrypt hash. */
typedef struct
{
  char *client_id;
  char *description;
  guint token_validity; /* minutes; 0: tokens never expire */
  gint64 created;       /* Unix time */
  char *cti_devices;       /* "*" or numbers and ranges: "1000-1099,2001" */
  char *caller_id_masking; /* none, full, partial:N or hash */
} MgClientCredential;

#define MG_CLIENT_DEFAULT_TOKEN_VALIDITY 20
#define MG_CLIENT_MAX_TOKEN_VALIDITY (60 * 24 * 30)

void                mg_client_credential_free (MgClientCredential *cred);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MgClientCredential, mg_client_credential_free)

gboolean            mg_client_check_id        (const char *client_id,
                                               GError    **error);
gboolean            mg_client_check_secret    (const char *secret,
                                               GError    **error);

GPtrArray          *mg_store_list_clients     (MgStore    *self,
                                               GError    **error);
MgClientCredential *mg_store_get_client       (MgStore    *self,
                                               const char *client_id,
                                               GError    **error);
gboolean            mg_store_add_client       (MgStore    *self,
                                               const char *client_id,
                                               const char *secret,
                                               guint       token_validity,
                                               const char *description,
                                               GError    **error);
gboolean            mg_store_update_client    (MgStore    *self,
                                               const char *client_id,
                                               const char *secret,
                                               gint        token_validity,
                                               const char *description,
                                               GError    **error);
gboolean            mg_store_delete_client    (MgStore    *self,
                                               const char *client_id,
                                               GError    **error);
gboolean            mg_store_check_client     (MgStore    *self,
                                               const char *client_id,
                                               const char *secret,
                                               guint      *token_validity);

gboolean            mg_store_set_client_cti_policy (MgStore    *self,
                                                    const char *client_id,
                                                    const char *devices,
                                                    const char *masking,
                                                    GError    **error);

G_END_DECLS
