/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <libsoup/soup.h>

#include "mg-csta-private.h"
#include "mg-cti-link-private.h"
#include "mg-cti-events-private.h"
#include "mg-cti-policy-private.h"
#include "mg-cti-replay-private.h"
#include "mg-cti-server-private.h"
#include "mg-cti-timers-private.h"
#include "mg-source-policy-private.h"

G_BEGIN_DECLS

#define MG_TYPE_CTI_SESSION (mg_cti_session_get_type ())
G_DECLARE_FINAL_TYPE (MgCtiSession, mg_cti_session, MG, CTI_SESSION, GObject)

/* One application's session: mg-cti-session.c (connection, dispatch,
 * events) and mg-cti-application.c (ECMA-354 start, resume, stop) share it. */
struct _MgCtiSession
{
  GObject parent_instance;

  MgCtiServer *server; /* owns us */
  MgCtiLink *link;
  gboolean binary; /* csta-xml-tcp or raw TLS: the 8-byte framed stream */
  MgCstaStream *stream;
  MgSourceSlot *slot; /* our hold on the client address */
  const char *remote_ip;
  char *bearer_token;

  char *id; /* once started */
  char *application_id;
  char *client_id;
  MgCtiPolicy *policy; /* the client credential's devices and masking */
  MgCstaEdition edition;
  guint duration;

  MgCtiTimers timers; /* checked by the server's one timer (mg_cti_session_tick()) */
  guint next_invoke_id; /* our own requests: 0000-9998, wrapping */
  guint outstanding; /* the application's requests not answered yet */
  gboolean handling; /* a request is being handled: its events wait */
  GPtrArray *deferred; /* events (XML) held back until the response went */
  guint64 sequence; /* events sent, for extensions/security */
  GHashTable *monitors; /* monitorCrossRefID -> its monitor (mg-cti-monitoring.c) */
  guint monitors_started;
  gboolean closing; /* the connection is closing or gone */
  MgCtiReplay *replay; /* the last events, for a resume */
  gboolean ended; /* stopped, or its resume time ran out: gone for good */
  gboolean timed_out; /* the session timer ran out */
  guint cleanup_id; /* detached: how long it waits for a resume */
  GHashTable *agents; /* devices where this session logged an agent on */
  char *audit_result; /* the error of the request being handled, for the audit */
  gint64 started_at; /* real time, µs */
  gint64 last_activity; /* real time of the last application message, µs */
};

void mg_cti_session_restart_timer   (MgCtiSession *self);
void mg_cti_session_tick            (MgCtiSession *self,
                                     gint64        now);
JsonObject *mg_cti_session_describe (MgCtiSession *self);
void mg_cti_session_drop            (MgCtiSession *self,
                                     const char   *reason);
void mg_cti_session_send_system_status (MgCtiSession *self,
                                        const char   *status);
void mg_cti_session_start_timers   (MgCtiSession *self);
void mg_cti_session_connect         (MgCtiSession *self,
                                     MgCtiLink    *link);

/* mg-cti-application.c */
void mg_cti_start_application_session (MgCtiSession  *self,
                                       guint          invoke_id,
                                       MgCstaMessage *msg);
void mg_cti_handle_reset_timer        (MgCtiSession  *self,
                                       guint          invoke_id,
                                       MgCstaMessage *msg);
void mg_cti_handle_stop               (MgCtiSession  *self,
                                       guint          invoke_id,
                                       MgCstaMessage *msg);

MgCtiSession *mg_cti_session_new    (MgCtiServer  *server,
                                     MgCtiLink    *link,
                                     MgSourceSlot *slot,
                                     const char   *bearer_token);
const char   *mg_cti_session_get_id (MgCtiSession *self);
void          mg_cti_session_close  (MgCtiSession *self,
                                     gushort       code,
                                     const char   *reason);
void          mg_cti_session_deliver (MgCtiSession *self,
                                      const char   *device,
                                      GPtrArray    *events);
void          mg_cti_session_deliver_party_event (MgCtiSession          *self,
                                                  const char            *device,
                                                  const MgCtiPartyEvent *event);
char         *mg_cti_session_mask (MgCtiSession *self,
                                   const char   *number);
void          mg_cti_session_note_agent (MgCtiSession *self,
                                         const char   *device,
                                         gboolean      logged_on);
gboolean      mg_cti_session_may_use (MgCtiSession *self,
                                      const char   *device);
gboolean      mg_cti_session_check_device (MgCtiSession *self,
                                           guint         invoke_id,
                                           const char   *device,
                                           const char   *unknown);

/* for the service files (mg-cti-monitoring.c, …) */
void         mg_cti_session_send          (MgCtiSession *self,
                                           guint         invoke_id,
                                           const char   *xml);
void         mg_cti_session_reply_error   (MgCtiSession *self,
                                           guint         invoke_id,
                                           const char   *category,
                                           const char   *value);
const char  *mg_cti_session_get_namespace (MgCtiSession *self);
MgCtiServer *mg_cti_session_get_server    (MgCtiSession *self);
GHashTable  *mg_cti_session_get_monitors  (MgCtiSession *self);
char        *mg_cti_session_next_monitor_id (MgCtiSession *self);
void         mg_cti_session_send_event    (MgCtiSession *self,
                                           const char   *monitor_id,
                                           MgCtiEvent   *event);

G_END_DECLS
