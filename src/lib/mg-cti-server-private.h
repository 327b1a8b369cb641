/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <libsoup/soup.h>

#include "mg-call-manager-private.h"
#include "mg-sip-agent.h"
#include "mg-cti-link-private.h"
#include "mg-cti-policy-private.h"
#include "mg-cti-server.h"

G_BEGIN_DECLS

#define MG_CTI_OUTSTANDING_LIMIT 16

char  *mg_cti_server_authenticate      (MgCtiServer *self,
                                        const char  *token,
                                        GError     **error);
guint  mg_cti_server_get_session_timeout   (MgCtiServer *self);
guint  mg_cti_server_get_heartbeat_interval (MgCtiServer *self);
void   mg_cti_server_session_started   (MgCtiServer *self,
                                        gpointer     session,
                                        const char  *id);
void   mg_cti_server_session_closed    (MgCtiServer *self,
                                        gpointer     session);
void   mg_cti_server_session_detached  (MgCtiServer *self,
                                        gpointer     session);
void   mg_cti_server_adopt             (MgCtiServer *self,
                                        MgCtiLink   *link,
                                        gpointer     session);
gpointer mg_cti_server_lookup_session  (MgCtiServer *self,
                                        const char  *id);
guint  mg_cti_server_get_resume_delay  (MgCtiServer *self);
guint  mg_cti_server_get_max_sessions  (MgCtiServer *self);
JsonArray *mg_cti_server_describe_sessions (MgCtiServer *self);
gboolean   mg_cti_server_drop_session      (MgCtiServer *self,
                                            const char  *id,
                                            const char  *reason);
guint  mg_cti_server_get_replay_events (MgCtiServer *self);
gboolean mg_cti_server_get_logout_on_timeout (MgCtiServer *self);
void   mg_cti_server_set_call_manager  (MgCtiServer   *self,
                                        MgCallManager *calls);
gboolean mg_cti_server_device_exists   (MgCtiServer *self,
                                        const char  *device);
MgCallManager *mg_cti_server_get_call_manager (MgCtiServer *self);
MgStore       *mg_cti_server_get_store        (MgCtiServer *self);
void           mg_cti_server_set_sip_agent    (MgCtiServer *self,
                                               MgSipAgent  *agent);
gboolean       mg_cti_server_device_out_of_service (MgCtiServer *self,
                                                    const char  *device);
void   mg_cti_server_deliver           (MgCtiServer *self,
                                        const char  *device,
                                        GPtrArray   *events);

/* a phone's event, for each session to render as CSTA events */
typedef struct
{
  MgCall *call;
  guint leg;
  guint caller;
  const char *type;
  JsonObject *detail;
  gboolean was_up;
} MgCtiPartyEvent;

MgCtiPolicy *mg_cti_server_policy_for (MgCtiServer *self,
                                       const char  *client_id);

/* one of a device's calls, for SnapshotDevice */
typedef struct
{
  const char *call_id;
  const char *state; /* LocalConnectionState */
} MgCtiConnection;

GArray *mg_cti_server_snapshot_device  (MgCtiServer *self,
                                        const char  *device);

/* a party of a call, for SnapshotCall */
typedef struct
{
  const char *device;
  const char *state;  /* LocalConnectionState */
  gboolean extension; /* one of our phones (else the SIP side) */
  gboolean restricted; /* the caller withheld its identity */
} MgCtiParty;

GArray *mg_cti_server_snapshot_call    (MgCtiServer *self,
                                        const char  *call_id);

G_END_DECLS
