/* mg-call-manager-join.c: the call manager joining calls: attended
 * transfer and conference (the media: mg-call-join.c, mg-conference.c)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-call"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>

#include "mg-call-manager-internal.h"

MgConference *
mg_call_manager_conference_of (MgCall *call)
{
  return g_object_get_data (G_OBJECT (call), CONFERENCE_KEY);
}

static gboolean
is_joined (MgCall *call)
{
  return g_object_get_data (G_OBJECT (call), JOINED_KEY) != NULL;
}

static gboolean
has_party (MgCallLeg *leg)
{
  return leg->phone != NULL || leg->dialog != NULL;
}

/* What a transfer tells observers and the parties that stay. */
static JsonObject *
transfer_detail (const char *device, MgCall *held, MgCallLeg *a, MgCall *active, MgCallLeg *x)
{
  JsonObject *detail = json_object_new ();

  json_object_set_string_member (detail, "transferring", device);
  json_object_set_string_member (detail, "primary", mg_call_get_id (held));
  json_object_set_string_member (detail, "secondary", mg_call_get_id (active));
  json_object_set_string_member (detail, "from", a->number ? a->number : "");
  json_object_set_boolean_member (detail, "from_sip", a->dialog != NULL);
  json_object_set_boolean_member (detail, "from_restricted", a->restricted);
  json_object_set_string_member (detail, "to", x->number ? x->number : "");
  json_object_set_boolean_member (detail, "to_sip", x->dialog != NULL);
  json_object_set_boolean_member (detail, "to_restricted", x->restricted);
  return detail;
}

/* The transferring phone's leg @index leaves @call: the page hears the
 * call end (cause transferred), the media shapes toward it go. */
static void
leave_for_transfer (MgCall *call, int index)
{
  MgCallLeg *leg = mg_call_get_leg (call, index);

  mg_call_manager_send_ended (leg->phone, call, "transferred", 0, NULL);
  mg_call_detach_leg (call, index);
}

/* The device's held and active calls, if their far parties can be joined
 * (neither call joined already, both with a party). */
static gboolean
joinable_pair (MgCallManager *self, const char *held_id, const char *active_id, const char *device,
               MgCallPair *pair, GError **error)
{
  if (!mg_call_manager_find_pair (self, held_id, active_id, device, pair, error))
    return FALSE;
  if (pair->active == pair->held || is_joined (pair->held) || is_joined (pair->active)
      || !has_party (mg_call_get_leg (pair->held, 1 - pair->held_index))
      || !has_party (mg_call_get_leg (pair->active, 1 - pair->active_index)))
    {
      g_set_error (error, MG_CALL_ERROR, MG_CALL_ERROR_ACTIVE_STATE,
                   _("these calls cannot be joined"));
      return FALSE;
    }
  return TRUE;
}

/* The held call's far party hears again (toward a SIP phone, a re-INVITE):
 * it is about to be joined with someone. */
static void
retrieve_quietly (MgCallManager *self, MgCall *held, MgCallLeg *party)
{
  if (party->dialog != NULL)
    {
      g_autofree char *sdp =
        mg_call_manager_build_sip_sdp (self, held, party, MG_SDP_DIRECTION_SENDRECV, NULL);

      if (sdp != NULL)
        mg_sip_dialog_reinvite (party->dialog, sdp);
    }
  mg_call_set_hold (held, FALSE);
  g_object_set_data (G_OBJECT (held), HOLDER_KEY, NULL);
}

/* Two of a device's calls about to be joined (transfer, conference): the
 * calls (kept alive meanwhile), their far parties, what observers are told. */
typedef struct
{
  MgCall *held;
  int held_index;
  MgCall *active;
  int active_index;
  MgCallLeg *a; /* the held call's far party */
  MgCallLeg *x; /* the active call's */
  JsonObject *detail;
} Join;

static void
join_clear (Join *j)
{
  g_clear_object (&j->held);
  g_clear_object (&j->active);
  g_clear_pointer (&j->detail, json_object_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Join, join_clear)

static gboolean
start_join (MgCallManager *self, const char *held_id, const char *active_id, const char *device,
            Join *j, GError **error)
{
  MgCallPair pair;

  if (!joinable_pair (self, held_id, active_id, device, &pair, error))
    return FALSE;
  j->held = g_object_ref (pair.held);
  j->held_index = pair.held_index;
  j->active = g_object_ref (pair.active);
  j->active_index = pair.active_index;
  j->a = mg_call_get_leg (j->held, 1 - j->held_index);
  j->x = mg_call_get_leg (j->active, 1 - j->active_index);
  j->detail = transfer_detail (device, j->held, j->a, j->active, j->x);
  retrieve_quietly (self, j->held, j->a);
  return TRUE;
}

/* A party that stays learns whom it talks to now (a page shows it). */
static void
tell_new_party (MgCall *call, MgCallLeg *leg, MgCallLeg *party_leg, JsonObject *detail)
{
  g_autoptr (JsonObject) event = json_object_ref (detail);

  if (leg->phone == NULL)
    return;
  json_object_set_object_member (
    event, "party", mg_call_manager_party (party_leg->number, party_leg->display_name));
  mg_call_manager_send_event (leg->phone, "transferred", call, event);
}

/* Attended transfer: @device holds @held_id and is active in @active_id;
 * their far parties are joined and @device leaves both. The parties keep
 * their calls (and call IDs); the media crosses between the two calls'
 * pipelines, and the calls end together. */
static gboolean join_transfer (MgCallManager *self, const char *held_id, const char *active_id,
                               const char *device, gboolean single_step, GError **error);

gboolean
mg_call_manager_transfer_calls (MgCallManager *self, const char *held_id, const char *active_id,
                                const char *device, GError **error)
{
  return join_transfer (self, held_id, active_id, device, FALSE, error);
}

static gboolean
join_blind_transfer (gpointer data)
{
  MgCall *consultation = data;
  MgCallManager *self = g_object_get_data (G_OBJECT (consultation), "mg-manager");
  const char *held_id = g_object_get_data (G_OBJECT (consultation), CONSULTATION_KEY);
  const char *device = mg_call_get_leg (consultation, 0)->number;
  g_autoptr (GError) error = NULL;

  if (self == NULL || mg_call_get_state (consultation) != MG_CALL_STATE_CONNECTED)
    return G_SOURCE_REMOVE;
  if (!join_transfer (self, held_id, mg_call_get_id (consultation), device, TRUE, &error))
    g_info ("blind transfer of %s by %s: %s", held_id, device, error->message);
  return G_SOURCE_REMOVE;
}

/* The consultation a blind transfer placed was answered: the join follows
 * from the main loop (we are in the answering leg's own signal here). */
void
mg_call_manager_blind_transfer_answered (MgCallManager *self, MgCall *consultation)
{
  g_object_set_data (G_OBJECT (consultation), BLIND_TRANSFER_KEY, NULL);
  g_idle_add_full (G_PRIORITY_DEFAULT, join_blind_transfer, g_object_ref (consultation),
                   g_object_unref);
}

/* The consultation a blind transfer placed ended unanswered: the held
 * party is back with the device. */
void
mg_call_manager_blind_transfer_failed (MgCallManager *self, MgCall *consultation)
{
  const char *held_id = g_object_get_data (G_OBJECT (consultation), CONSULTATION_KEY);
  const char *device = mg_call_get_leg (consultation, 0)->number;
  MgCall *held = held_id ? mg_call_manager_lookup (self, held_id) : NULL;
  int index;

  g_object_set_data (G_OBJECT (consultation), BLIND_TRANSFER_KEY, NULL);
  if (held == NULL
      || mg_call_manager_call_in_state (self, held_id, device, TRUE, MG_CALL_ERROR_HELD_STATE,
                                        &index, NULL)
           == NULL)
    return;
  g_info ("blind transfer of %s by %s failed: the call is retrieved", held_id, device);
  mg_call_manager_hold_leg (self, held, index, FALSE, NULL);
}

/* Attended (or, @single_step, blind) transfer: see above. */
static gboolean
join_transfer (MgCallManager *self, const char *held_id, const char *active_id, const char *device,
               gboolean single_step, GError **error)
{
  g_auto (Join) j = { 0 };
  g_autoptr (GError) media_error = NULL;

  if (!start_join (self, held_id, active_id, device, &j, error))
    return FALSE;
  if (single_step)
    json_object_set_boolean_member (j.detail, "single_step", TRUE);
  mg_call_manager_tell_observers (j.held, j.held_index, "transferred", j.detail);

  leave_for_transfer (j.held, j.held_index);
  leave_for_transfer (j.active, j.active_index);
  g_object_set_data (G_OBJECT (j.held), JOINED_KEY, j.active);
  g_object_set_data (G_OBJECT (j.active), JOINED_KEY, j.held);
  g_object_set_data_full (G_OBJECT (j.active), LINKAGE_KEY,
                          g_strdup (mg_call_manager_get_linkage (j.held)), g_free);
  if (!mg_call_join_media (j.held, 1 - j.held_index, j.active, 1 - j.active_index, &media_error))
    {
      g_warning ("transfer of %s and %s: %s", held_id, active_id, media_error->message);
      mg_call_manager_end_call (self, j.held, -1, "media_failed", 0, NULL);
      return TRUE;
    }
  tell_new_party (j.held, j.a, j.x, j.detail);
  tell_new_party (j.active, j.x, j.a, j.detail);
  g_info ("%s transferred: call %s joined with call %s", device, held_id, active_id);
  return TRUE;
}

/* -- conference ----------------------------------------------------------- */

typedef struct
{
  MgCall *call; /* owned: ending one party's call may free another's */
  int index;
} PartyRef;

static void
party_ref_clear (gpointer data)
{
  g_clear_object (&((PartyRef *) data)->call);
}

/* The conference's parties (its legs with a phone or a dialog). */
static GArray *
conference_parties (MgConference *conference)
{
  GArray *parties = g_array_new (FALSE, FALSE, sizeof (PartyRef));

  g_array_set_clear_func (parties, party_ref_clear);
  for (guint slot = 0; slot < MG_CONFERENCE_MAX_PARTIES; slot++)
    {
      guint index;
      MgCall *call = mg_conference_get_party (conference, slot, &index);

      if (call != NULL)
        g_array_append_val (parties, ((PartyRef){ g_object_ref (call), (int) index }));
    }
  return parties;
}

static JsonArray *
describe_parties (MgConference *conference)
{
  g_autoptr (GArray) parties = conference_parties (conference);
  JsonArray *array = json_array_new ();

  for (guint i = 0; i < parties->len; i++)
    {
      PartyRef *ref = &g_array_index (parties, PartyRef, i);
      MgCallLeg *leg = mg_call_get_leg (ref->call, ref->index);
      JsonObject *item = mg_call_manager_party (leg->number, leg->display_name);

      json_object_set_string_member (item, "call_id", mg_call_get_id (ref->call));
      json_object_set_boolean_member (item, "sip", leg->dialog != NULL);
      json_object_set_boolean_member (item, "restricted", leg->restricted);
      json_array_add_object_element (array, item);
    }
  return array;
}

/* Every party that stays hears of a change (`conferenced`, `left`). */
static void
tell_parties (MgConference *conference, const char *type, JsonObject *detail)
{
  g_autoptr (GArray) parties = conference_parties (conference);

  for (guint i = 0; i < parties->len; i++)
    {
      PartyRef *ref = &g_array_index (parties, PartyRef, i);
      MgCallLeg *leg = mg_call_get_leg (ref->call, ref->index);
      g_autoptr (JsonObject) event = json_object_ref (detail);

      if (leg->phone == NULL)
        continue;
      json_object_set_array_member (event, "parties", describe_parties (conference));
      mg_call_manager_send_event (leg->phone, type, ref->call, event);
    }
}

/* A party holds the conference (or comes back): it is out of the others'
 * mixes for the time and hears nothing; the others talk on and are not
 * told (their pages see nothing change). */
gboolean
mg_call_manager_hold_conference (MgCallManager *self, MgCall *call, int index, gboolean hold)
{
  MgConference *conference = mg_call_manager_conference_of (call);
  g_autoptr (JsonObject) local = json_object_new ();

  if (conference == NULL || !mg_conference_set_hold (conference, call, (guint) index, hold))
    return FALSE;
  json_object_set_string_member (local, "by", "local");
  mg_call_manager_send_event (mg_call_get_leg (call, index)->phone, hold ? "held" : "resumed", call,
                              local);
  return TRUE;
}

/* @digits from a party to every other one: RFC 4733 in a SIP party's
 * stream where it takes them, else SIP INFO; `dtmf` events for a page. */
void
mg_call_manager_conference_digits (MgConference *conference, MgCall *call, int index,
                                   const char *digits)
{
  g_autoptr (GArray) parties = conference_parties (conference);

  for (guint i = 0; i < parties->len; i++)
    {
      PartyRef *ref = &g_array_index (parties, PartyRef, i);

      if (ref->call != call || ref->index != index)
        mg_call_manager_send_digits_to (ref->call, mg_call_get_leg (ref->call, ref->index), digits);
    }
}

static void
set_conference (MgCall *call, MgConference *conference)
{
  g_object_set_data_full (G_OBJECT (call), CONFERENCE_KEY,
                          conference ? g_object_ref (conference) : NULL, g_object_unref);
}

/* Leg @index leaves its conference: the others stop hearing it and are
 * told; with one party left, the conference is over. */
void
mg_call_manager_leave_conference (MgCallManager *self, MgCall *call, int index)
{
  g_autoptr (MgConference) conference = g_object_ref (mg_call_manager_conference_of (call));
  g_autoptr (MgCall) keep = g_object_ref (call);
  MgCall *host = mg_conference_get_host (conference);
  MgCallLeg *leg = mg_call_get_leg (call, index);
  g_autoptr (JsonObject) detail = json_object_new ();
  JsonObject *who = mg_call_manager_party (leg->number, leg->display_name);

  json_object_set_boolean_member (who, "sip", leg->dialog != NULL);
  json_object_set_boolean_member (who, "restricted", leg->restricted);
  json_object_set_object_member (detail, "party", who);
  json_object_set_string_member (detail, "party_call_id", mg_call_get_id (call));
  mg_conference_remove (conference, call, index);
  if (leg->phone != NULL)
    mg_call_manager_send_ended (leg->phone, call, "hangup", 0, NULL);
  if (leg->dialog != NULL)
    {
      g_signal_handlers_disconnect_by_data (leg->dialog, call);
      mg_sip_dialog_hangup (leg->dialog);
    }
  if (call == host)
    mg_call_detach_leg (call, index);
  else
    {
      /* the party's own call holds nothing else */
      set_conference (call, NULL);
      g_clear_object (&leg->phone);
      mg_call_manager_end_call (self, call, -1, "hangup", 0, NULL);
    }
  g_info ("conference in call %s: a party of call %s left", mg_call_get_id (host),
          mg_call_get_id (call));
  if (mg_conference_count (conference) < 2)
    mg_call_manager_end_conference (self, conference, "remote_hangup");
  else
    tell_parties (conference, "left", detail);
}

/* The conference ends for everyone left in it. */
void
mg_call_manager_end_conference (MgCallManager *self, MgConference *conference, const char *cause)
{
  g_autoptr (GArray) parties = conference_parties (conference);
  g_autoptr (MgConference) keep = g_object_ref (conference);
  g_autoptr (MgCall) host = g_object_ref (mg_conference_get_host (conference));

  for (guint i = 0; i < parties->len; i++)
    {
      PartyRef *ref = &g_array_index (parties, PartyRef, i);

      mg_conference_remove (conference, ref->call, ref->index);
      set_conference (ref->call, NULL);
    }
  set_conference (host, NULL);
  for (guint i = 0; i < parties->len; i++)
    mg_call_manager_end_call (self, g_array_index (parties, PartyRef, i).call, -1, cause, 0, NULL);
  mg_call_manager_end_call (self, host, -1, cause, 0, NULL);
}

/* Conference: @device holds @held_id and is active in @active_id; the far
 * party of the active call joins the held call, which becomes a
 * three-party conference mixed in its pipeline. The device's page keeps
 * the held call (now the conference) and sees the other end (cause
 * conferenced). */
gboolean
mg_call_manager_conference (MgCallManager *self, const char *held_id, const char *active_id,
                            const char *device, GError **error)
{
  g_auto (Join) j = { 0 };
  g_autoptr (MgConference) conference = NULL;
  g_autoptr (GError) media_error = NULL;

  if (!start_join (self, held_id, active_id, device, &j, error))
    return FALSE;

  mg_call_manager_send_ended (mg_call_get_leg (j.active, j.active_index)->phone, j.active,
                              "conferenced", 0, NULL);
  mg_call_detach_leg (j.active, j.active_index);
  mg_call_unbridge (j.held);

  conference = mg_conference_new (j.held);
  set_conference (j.held, conference);
  set_conference (j.active, conference);
  g_object_set_data_full (G_OBJECT (j.active), LINKAGE_KEY,
                          g_strdup (mg_call_manager_get_linkage (j.held)), g_free);
  if (!mg_conference_add (conference, j.held, j.held_index, &media_error)
      || !mg_conference_add (conference, j.held, 1 - j.held_index, &media_error)
      || !mg_conference_add (conference, j.active, 1 - j.active_index, &media_error))
    {
      g_warning ("conference of %s and %s: %s", held_id, active_id, media_error->message);
      mg_call_manager_end_conference (self, conference, "media_failed");
      return TRUE;
    }
  tell_parties (conference, "conferenced", j.detail);
  g_info ("%s conferenced calls %s and %s", device, held_id, active_id);
  return TRUE;
}
