/* mg-call-manager-internal.h: what the call manager's files share
 * (mg-call-manager.c: routing, calls, SIP; mg-call-manager-phones.c: the
 * phones' requests; mg-call-manager-control.c: control by applications;
 * mg-call-manager-join.c: transfer and conference)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "mg-call-manager-private.h"
#include "mg-call-private.h"
#include "mg-conference-private.h"
#include "mg-extension.h"

G_BEGIN_DECLS

typedef enum {
  ROUTE_LOCAL,    /* phone -> phone, inside the server */
  ROUTE_SIP_OUT,  /* phone -> SIP platform */
  ROUTE_SIP_IN,   /* SIP platform -> phone */
} Route;

struct _MgCallManager
{
  GObject parent_instance;

  MgConfig *config;
  MgStore *store;
  MgPhoneHub *hub;
  MgSipAgent *agent;
  GHashTable *calls; /* id -> MgCall */
  GHashTable *make_calls; /* call ID reserved by an application -> MakeCall */
};

/* per-call bookkeeping kept on the MgCall */
#define ROUTE_KEY "mg-route"
#define INVITED_KEY "mg-invited"
/* set once the call was answered and waits for its phones to connect */
#define ANSWERED_KEY "mg-answered"
/* the leg that put the call on hold, plus one (0: not held) */
#define HOLDER_KEY "mg-holder"
/* a consultation call: the ID of the call its device held for it */
#define CONSULTATION_KEY "mg-consultation-of"
/* a call whose remaining leg a transfer joined with another call's: that
 * call (they end together) */
#define JOINED_KEY "mg-joined"
/* the call ID a transfer keeps for both calls it joined */
#define LINKAGE_KEY "mg-linkage"
/* the conference a call's legs are in (the host call's, or a consultation
 * whose far party was added) */
#define CONFERENCE_KEY "mg-conference"
/* a consultation placed for a blind transfer between our phones: once
 * answered, it is joined with the held call (CONSULTATION_KEY) */
#define BLIND_TRANSFER_KEY "mg-blind-transfer"
/* an application cleared the whole call (CTI ClearCall) */
#define CALL_CLEARED_KEY "mg-call-cleared"

/* A call an application asked a phone to place (CTI MakeCall): its ID is
 * given out at once; the phone places it with that ID, at once or once the
 * agent confirmed it, within MAKE_CALL_TIMEOUT_S. */
#define MAKE_CALL_TIMEOUT_S 60

typedef struct
{
  char *extension;
  char *to;
  char *consultation_of; /* ConsultationCall: the call held for it */
  gboolean blind_transfer; /* joined with that call once answered */
  guint timeout_id;
} MakeCall;

/* mg-call-manager.c */
Route       mg_call_manager_route_of        (MgCall *call);
MgCallLeg  *mg_call_manager_far_party       (MgCall  *call,
                                             int      index,
                                             MgCall **far_call);
void        mg_call_manager_make_call_free  (gpointer data);
void        mg_call_manager_tell_observers  (MgCall     *call,
                                             int         leg,
                                             const char *type,
                                             JsonObject *event);
void        mg_call_manager_send_event      (MgPhoneSession *phone,
                                             const char     *type,
                                             MgCall         *call,
                                             JsonObject     *extra);
void        mg_call_manager_send_ended      (MgPhoneSession *phone,
                                             MgCall         *call,
                                             const char     *cause,
                                             guint           sip_status,
                                             const char     *reason);
void        mg_call_manager_end_call        (MgCallManager *self,
                                             MgCall        *call,
                                             int            ender,
                                             const char    *cause,
                                             guint          sip_status,
                                             const char    *reason);
char       *mg_call_manager_build_sip_sdp   (MgCallManager  *self,
                                             MgCall         *call,
                                             MgCallLeg      *sip,
                                             MgSdpDirection  direction,
                                             GError        **error);
char       *mg_call_manager_new_call_id     (void);
void        mg_call_manager_set_phone       (MgCallLeg      *leg,
                                             MgPhoneSession *phone,
                                             MgExtension    *extension);
JsonObject *mg_call_manager_party           (const char *number,
                                             const char *display_name);
gboolean    mg_call_manager_is_dialable     (const char *to);
gboolean    mg_call_manager_can_accept      (MgCall *call,
                                             int     index);
void        mg_call_manager_accept_leg      (MgCallManager *self,
                                             MgCall        *call,
                                             int            index);
void        mg_call_manager_hang_up         (MgCallManager *self,
                                             MgCall        *call,
                                             int            index);
gboolean    mg_call_manager_valid_digits    (const char *digits);
void        mg_call_manager_send_leg_digits (MgCall     *call,
                                             int         index,
                                             const char *digits);
void        mg_call_manager_send_digits_to  (MgCall     *call,
                                             MgCallLeg  *leg,
                                             const char *digits);
void        mg_call_manager_hold_leg        (MgCallManager *self,
                                             MgCall        *call,
                                             int            index,
                                             gboolean       hold,
                                             const char    *cause);

/* mg-call-manager.c, for the phones' requests (mg-call-manager-phones.c) */
MgCall     *mg_call_manager_new_call        (MgCallManager *self,
                                             Route          route,
                                             const char    *reserved);
GStrv       mg_call_manager_policy_codecs   (MgCallManager *self);
GStrv       mg_call_manager_codecs_preferring (MgCallManager *self,
                                               const char    *first);
const char *mg_call_manager_policy_name     (const char *encoding_name);

/* mg-call-manager-sip.c */
void        mg_call_manager_phone_answered  (MgCallManager *self,
                                             MgCall        *call);
void        mg_call_manager_send_digit      (MgPhoneSession *phone,
                                             MgCall         *call,
                                             const char     *digit);
gboolean    mg_call_manager_on_incoming_sip (MgSipAgent    *agent,
                                             MgSipDialog   *dialog,
                                             MgCallManager *self);
gboolean    mg_call_manager_start_phone_leg (MgCallManager *self,
                                             MgCall        *call,
                                             guint          index,
                                             const char    *preferred,
                                             GError       **error);

/* mg-call-manager-phones.c */
gboolean    mg_call_manager_on_request      (MgPhoneSession *phone,
                                             gint64          id,
                                             const char     *type,
                                             JsonObject     *message,
                                             MgCallManager  *self);
void        mg_call_manager_on_media        (MgPhoneSession *phone,
                                             const char     *type,
                                             JsonObject     *message,
                                             MgCallManager  *self);

/* mg-call-manager-control.c */
typedef struct
{
  MgCall *held; /* held by the device */
  int held_index;
  MgCall *active; /* active at the device */
  int active_index;
} MgCallPair;

gboolean    mg_call_manager_find_pair       (MgCallManager *self,
                                             const char    *held_id,
                                             const char    *active_id,
                                             const char    *device,
                                             MgCallPair    *pair,
                                             GError       **error);
MgCall     *mg_call_manager_call_of_device  (MgCallManager *self,
                                             const char    *call_id,
                                             const char    *device,
                                             int           *index,
                                             GError       **error);
gboolean    mg_call_manager_check_state     (MgCall      *call,
                                             MgCallState  state,
                                             GError     **error);
gboolean    mg_call_manager_can_hold        (MgCall   *call,
                                             int       index,
                                             gboolean  hold,
                                             GError  **error);
void        mg_call_manager_set_hold        (MgCallManager *self,
                                             MgCall        *call,
                                             int            index,
                                             gboolean       hold);
gboolean    mg_call_manager_is_held_by      (MgCall *call,
                                             int     index);
MgCall     *mg_call_manager_call_in_state   (MgCallManager *self,
                                             const char    *call_id,
                                             const char    *device,
                                             gboolean       held,
                                             MgCallError    code,
                                             int           *index,
                                             GError       **error);

/* mg-call-manager-join.c */
void          mg_call_manager_blind_transfer_answered (MgCallManager *self,
                                                       MgCall        *consultation);
void          mg_call_manager_blind_transfer_failed   (MgCallManager *self,
                                                       MgCall        *consultation);
MgConference *mg_call_manager_conference_of    (MgCall *call);
void          mg_call_manager_leave_conference (MgCallManager *self,
                                                MgCall        *call,
                                                int            index);
void          mg_call_manager_end_conference   (MgCallManager *self,
                                                MgConference  *conference,
                                                const char    *cause);
gboolean      mg_call_manager_hold_conference  (MgCallManager *self,
                                                MgCall        *call,
                                                int            index,
                                                gboolean       hold);
void          mg_call_manager_conference_digits (MgConference *conference,
                                                 MgCall       *call,
                                                 int           index,
                                                 const char   *digits);

G_END_DECLS
