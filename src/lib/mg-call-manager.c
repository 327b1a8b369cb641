/* mg-call-manager.c: the call manager: its calls, the phones' WebRTC legs,
 * how calls start and end. The phones' requests are in -phones.c, the SIP
 * side and a call's progress to connected in -sip.c, CTI call control in
 * -control.c, transfers and conferences in -join.c.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-call"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>

#include "mg-call-manager-internal.h"
#include "mg-crypto-private.h"
#include "mg-settings.h"
#include "mg-turn-private.h"

enum {
  SIGNAL_PARTY_EVENT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MgCallManager, mg_call_manager, G_TYPE_OBJECT)

Route
mg_call_manager_route_of (MgCall *call)
{
  return GPOINTER_TO_INT (g_object_get_data (G_OBJECT (call), ROUTE_KEY));
}

/* The leg facing leg @index of @call: the other leg of the call, or, in a
 * call a transfer joined with another, that call's remaining leg.
 * @far_call: the call that leg is in. */
MgCallLeg *
mg_call_manager_far_party (MgCall *call, int index, MgCall **far_call)
{
  MgCallLeg *other = mg_call_get_leg (call, 1 - index);
  MgCall *joined = g_object_get_data (G_OBJECT (call), JOINED_KEY);

  *far_call = call;
  if (other->phone != NULL || other->dialog != NULL || joined == NULL)
    return other;
  *far_call = joined;
  for (int i = 0; i < 2; i++)
    {
      MgCallLeg *leg = mg_call_get_leg (joined, i);

      if (leg->phone != NULL || leg->dialog != NULL)
        return leg;
    }
  return other;
}

/**
 * mg_call_manager_far_leg: (skip)
 * @call: a call
 * @index: one of its legs
 * @far_call: (out): the call the far leg is in
 *
 * Returns: the leg facing @index (across a transfer's join, the other
 *   call's)
 */
MgCallLeg *
mg_call_manager_far_leg (MgCall *call, guint index, MgCall **far_call)
{
  return mg_call_manager_far_party (call, (int) index, far_call);
}

/**
 * mg_call_manager_get_linkage: (skip)
 *
 * Returns: the ID that links @call with the calls a transfer joined it
 *   with (its own ID otherwise)
 */
const char *
mg_call_manager_get_linkage (MgCall *call)
{
  const char *linkage = g_object_get_data (G_OBJECT (call), LINKAGE_KEY);

  return linkage ? linkage : mg_call_get_id (call);
}

void
mg_call_manager_make_call_free (gpointer data)
{
  MakeCall *make_call = data;

  g_clear_handle_id (&make_call->timeout_id, g_source_remove);
  g_free (make_call->extension);
  g_free (make_call->to);
  g_free (make_call->consultation_of);
  g_free (make_call);
}

static void
mg_call_manager_dispose (GObject *object)
{
  MgCallManager *self = MG_CALL_MANAGER (object);

  if (self->calls != NULL)
    mg_call_manager_end_all (self);
  g_clear_pointer (&self->calls, g_hash_table_unref);
  g_clear_pointer (&self->make_calls, g_hash_table_unref);
  if (self->hub != NULL)
    g_signal_handlers_disconnect_by_data (self->hub, self);
  if (self->agent != NULL)
    g_signal_handlers_disconnect_by_data (self->agent, self);
  g_clear_object (&self->hub);
  g_clear_object (&self->agent);
  g_clear_object (&self->store);
  g_clear_object (&self->config);
  G_OBJECT_CLASS (mg_call_manager_parent_class)->dispose (object);
}

static void
mg_call_manager_class_init (MgCallManagerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = mg_call_manager_dispose;

  /*
   * MgCallManager::party-event:
   * @call: the call
   * @leg: the phone's leg in @call
   * @type: what the phone was told (docs/protocol.md events: "incoming",
   *   "ringing", "progress", "accepted", "held", "resumed", "dtmf", "ended"),
   *   or "dialing" when it placed the call
   * @detail: the event's fields
   *
   * What each phone of a call sees, for observers such as the CTI server:
   * they report the same happenings as the page shows.
   */
  signals[SIGNAL_PARTY_EVENT] =
    g_signal_new ("party-event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 4, MG_TYPE_CALL, G_TYPE_UINT, G_TYPE_STRING, JSON_TYPE_OBJECT);
}

static void
mg_call_manager_init (MgCallManager *self)
{
  self->calls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->make_calls =
    g_hash_table_new_full (g_str_hash, g_str_equal, g_free, mg_call_manager_make_call_free);
}

/* -- messages to phones ---------------------------------------------------- */

void
mg_call_manager_tell_observers (MgCall *call, int leg, const char *type, JsonObject *event)
{
  MgCallManager *self = g_object_get_data (G_OBJECT (call), "mg-manager");

  if (self != NULL && leg >= 0)
    g_signal_emit (self, signals[SIGNAL_PARTY_EVENT], 0, call, (guint) leg, type, event);
}

void
mg_call_manager_send_event (MgPhoneSession *phone, const char *type, MgCall *call,
                            JsonObject *extra)
{
  g_autoptr (JsonObject) event = extra ? json_object_ref (extra) : json_object_new ();

  if (phone == NULL)
    return;
  json_object_set_string_member (event, "type", type);
  json_object_set_string_member (event, "call_id", mg_call_get_id (call));
  mg_phone_session_send (phone, event);
  if (!g_str_equal (type, "sdp") && !g_str_equal (type, "ice"))
    mg_call_manager_tell_observers (call, mg_call_find_phone_leg (call, phone), type, event);
}

void
mg_call_manager_send_ended (MgPhoneSession *phone, MgCall *call, const char *cause,
                            guint sip_status, const char *reason)
{
  g_autoptr (JsonObject) extra = json_object_new ();

  json_object_set_string_member (extra, "cause", cause);
  if (sip_status != 0)
    json_object_set_int_member (extra, "sip_status", sip_status);
  else
    json_object_set_null_member (extra, "sip_status");
  if (reason != NULL)
    json_object_set_string_member (extra, "reason", reason);
  else
    json_object_set_null_member (extra, "reason");
  if (g_object_get_data (G_OBJECT (call), CALL_CLEARED_KEY) != NULL)
    json_object_set_boolean_member (extra, "call_cleared", TRUE);
  mg_call_manager_send_event (phone, "ended", call, extra);
}

/* -- media policy ------------------------------------------------------------ */

GStrv
mg_call_manager_policy_codecs (MgCallManager *self)
{
  g_autoptr (JsonObject) media = mg_settings_load (self->store, "media");
  g_auto (GStrv) all = mg_settings_dup_strv (media, "audio_codecs");
  g_autoptr (GStrvBuilder) audio = g_strv_builder_new ();

  for (guint i = 0; all[i] != NULL; i++)
    if (g_strcmp0 (all[i], "telephone-event") != 0)
      g_strv_builder_add (audio, all[i]);
  return g_strv_builder_end (audio);
}

/* "OPUS" (webrtcbin's encoding name) -> "opus" (the policy's name) */
const char *
mg_call_manager_policy_name (const char *encoding_name)
{
  static const char *const names[] = { "opus", "G722", "PCMU", "PCMA" };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (names[i], encoding_name) == 0)
      return names[i];
  return NULL;
}

/* The policy, with @first (if in it) moved to the front. */
GStrv
mg_call_manager_codecs_preferring (MgCallManager *self, const char *first)
{
  g_auto (GStrv) policy = mg_call_manager_policy_codecs (self);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  if (first != NULL && g_strv_contains ((const char *const *) policy, first))
    g_strv_builder_add (builder, first);
  for (guint i = 0; policy[i] != NULL; i++)
    if (g_strcmp0 (policy[i], first) != 0)
      g_strv_builder_add (builder, policy[i]);
  return g_strv_builder_end (builder);
}

/* -- the phone's WebRTC leg -------------------------------------------------- */

typedef struct
{
  MgCallManager *manager;
  MgCall *call;
  guint index;
} LegRef;

static void
leg_ref_free (LegRef *ref)
{
  g_object_unref (ref->call);
  g_free (ref);
}

static void
on_offer_made (GObject *source, GAsyncResult *result, gpointer data)
{
  LegRef *ref = data;
  g_autoptr (GError) error = NULL;
  g_autofree char *sdp = mg_webrtc_leg_create_offer_finish (MG_WEBRTC_LEG (source), result, &error);
  MgCallLeg *leg = mg_call_get_leg (ref->call, ref->index);
  g_autoptr (JsonObject) extra = json_object_new ();
  JsonObject *description;

  if (mg_call_get_state (ref->call) == MG_CALL_STATE_ENDED)
    {
      leg_ref_free (ref);
      return;
    }
  if (sdp == NULL)
    {
      g_warning ("call %s: no WebRTC offer: %s", mg_call_get_id (ref->call), error->message);
      mg_call_manager_end_call (ref->manager, ref->call, -1, "media_failed", 0, NULL);
      leg_ref_free (ref);
      return;
    }
  description = json_object_new ();
  json_object_set_string_member (description, "type", "offer");
  json_object_set_string_member (description, "sdp", sdp);
  json_object_set_object_member (extra, "sdp", description);
  mg_call_manager_send_event (leg->phone, "sdp", ref->call, extra);
  leg_ref_free (ref);
}

static MgCallLeg *
leg_of_webrtc (MgCall *call, MgWebrtcLeg *webrtc)
{
  for (guint i = 0; i < 2; i++)
    if (mg_call_get_leg (call, i)->webrtc == webrtc)
      return mg_call_get_leg (call, i);
  return NULL;
}

static void
on_local_candidate (MgWebrtcLeg *webrtc, guint mline, const char *mid, const char *candidate,
                    MgCallManager *self)
{
  MgCall *call = g_object_get_data (G_OBJECT (webrtc), "mg-call");
  MgCallLeg *leg = call ? leg_of_webrtc (call, webrtc) : NULL;
  g_autoptr (JsonObject) extra = NULL;
  JsonObject *c;

  if (leg == NULL || leg->phone == NULL) /* the call ended meanwhile */
    return;
  extra = json_object_new ();
  c = json_object_new ();

  json_object_set_string_member (c, "candidate", candidate);
  json_object_set_int_member (c, "sdpMLineIndex", mline);
  if (mid != NULL)
    json_object_set_string_member (c, "sdpMid", mid);
  else
    json_object_set_null_member (c, "sdpMid");
  json_object_set_object_member (extra, "candidate", c);
  mg_call_manager_send_event (leg->phone, "ice", call, extra);
}

static void
on_call_failed (MgCall *call, const char *reason, MgCallManager *self)
{
  g_info ("call %s: media failed: %s", mg_call_get_id (call), reason);
  mg_call_manager_end_call (self, call, -1, "media_failed", 0, NULL);
}

gboolean
mg_call_manager_start_phone_leg (MgCallManager *self, MgCall *call, guint index,
                                 const char *preferred, GError **error)
{
  MgCallLeg *leg = mg_call_get_leg (call, index);
  g_auto (GStrv) codecs = mg_call_manager_codecs_preferring (self, preferred);
  g_autoptr (JsonArray) ice = mg_turn_dup_ice_servers (self->store, leg->number);
  MgWebrtcLeg *webrtc = mg_call_add_webrtc (call, index, (const char *const *) codecs, ice, error);
  LegRef *ref;

  if (webrtc == NULL)
    return FALSE;
  g_signal_connect (webrtc, "local-candidate", G_CALLBACK (on_local_candidate), self);
  ref = g_new0 (LegRef, 1);
  ref->manager = self;
  ref->call = g_object_ref (call);
  ref->index = index;
  mg_webrtc_leg_create_offer_async (webrtc, NULL, on_offer_made, ref);
  return TRUE;
}

/* -- ending ------------------------------------------------------------------ */

/* Ends @call: the leg @ender (-1: neither, e.g. media failed) hung up. Every
 * phone hears `ended` (the ender with @cause, the other side remote_hangup
 * once the call was up), every SIP dialog is hung up. */
void
mg_call_manager_end_call (MgCallManager *self, MgCall *call, int ender, const char *cause,
                          guint sip_status, const char *reason)
{
  g_autoptr (MgCall) keep = g_object_ref (call);
  gboolean was_up = mg_call_get_state (call) == MG_CALL_STATE_CONNECTED;
  MgCall *joined = g_object_get_data (G_OBJECT (call), JOINED_KEY);

  if (mg_call_get_state (call) == MG_CALL_STATE_ENDED)
    return;
  if (g_object_get_data (G_OBJECT (call), BLIND_TRANSFER_KEY) != NULL)
    mg_call_manager_blind_transfer_failed (self, call);
  if (mg_call_manager_conference_of (call) != NULL)
    {
      /* a party leaves, the others talk on; anything else ends it all */
      if (ender >= 0)
        mg_call_manager_leave_conference (self, call, ender);
      else
        mg_call_manager_end_conference (self, mg_call_manager_conference_of (call), cause);
      return;
    }
  if (joined != NULL)
    {
      /* the two halves of a transferred call end together: the other
       * half's party heard the far end hang up */
      g_object_set_data (G_OBJECT (call), JOINED_KEY, NULL);
      g_object_set_data (G_OBJECT (joined), JOINED_KEY, NULL);
      mg_call_manager_end_call (self, joined, -1, ender >= 0 ? "remote_hangup" : cause, sip_status,
                                reason);
    }
  for (int i = 0; i < 2; i++)
    {
      MgCallLeg *leg = mg_call_get_leg (call, i);
      const char *leg_cause = cause;

      if (ender >= 0 && i != ender && was_up)
        leg_cause = "remote_hangup";
      if (leg->phone != NULL)
        mg_call_manager_send_ended (leg->phone, call, leg_cause, sip_status, reason);
      if (leg->dialog != NULL)
        {
          g_signal_handlers_disconnect_by_data (leg->dialog, call);
          mg_sip_dialog_hangup (leg->dialog);
        }
      if (leg->rtp != NULL)
        g_signal_handlers_disconnect_by_data (leg->rtp, call);
      if (leg->webrtc != NULL)
        g_signal_handlers_disconnect_by_data (leg->webrtc, call);
    }
  g_signal_handlers_disconnect_by_data (call, self);
  mg_call_stop (call);
  g_info ("call %s ended: %s", mg_call_get_id (call), cause);
  g_hash_table_remove (self->calls, mg_call_get_id (call));
}

/* A phone's key its call could not relay in the stream: to the far party,
 * across a join too. */
static void
on_call_dtmf_detected (MgCall *call, guint index, const char *digit, MgCallManager *self)
{
  mg_call_manager_send_leg_digits (call, (int) index, digit);
}

/* -- new calls ----------------------------------------------------------------- */

char *
mg_call_manager_new_call_id (void)
{
  g_autofree char *random = mg_random_token (12);

  return g_strconcat ("c-", random, NULL);
}

/* @reserved: (nullable): the ID of a MakeCall, else a new one */
MgCall *
mg_call_manager_new_call (MgCallManager *self, Route route, const char *reserved)
{
  g_autofree char *id = reserved ? g_strdup (reserved) : mg_call_manager_new_call_id ();
  MgCall *call = mg_call_new (id, self->config);

  g_object_set_data (G_OBJECT (call), ROUTE_KEY, GINT_TO_POINTER (route));
  g_object_set_data (G_OBJECT (call), "mg-manager", self);
  g_signal_connect (call, "failed", G_CALLBACK (on_call_failed), self);
  g_signal_connect (call, "dtmf-detected", G_CALLBACK (on_call_dtmf_detected), self);
  g_hash_table_insert (self->calls, g_strdup (id), call);
  return call;
}

void
mg_call_manager_set_phone (MgCallLeg *leg, MgPhoneSession *phone, MgExtension *extension)
{
  leg->phone = g_object_ref (phone);
  leg->number = g_strdup (mg_phone_session_get_extension (phone));
  leg->display_name = g_strdup (extension ? mg_extension_get_display_name (extension) : "");
}

JsonObject *
mg_call_manager_party (const char *number, const char *display_name)
{
  JsonObject *from = json_object_new ();

  json_object_set_string_member (from, "number", number ? number : "");
  json_object_set_string_member (from, "display_name", display_name ? display_name : "");
  return from;
}

gboolean
mg_call_manager_is_dialable (const char *to)
{
  if (to == NULL || *to == '\0' || strlen (to) > 64)
    return FALSE;
  for (const char *p = to; *p; p++)
    if (!g_ascii_isalnum (*p) && !strchr ("+*#._-", *p))
      return FALSE;
  return TRUE;
}

/* -- sessions and SIP -------------------------------------------------------- */

static void
on_session_added (MgPhoneHub *hub, MgPhoneSession *phone, MgCallManager *self)
{
  g_signal_connect_object (phone, "request", G_CALLBACK (mg_call_manager_on_request), self, 0);
  g_signal_connect_object (phone, "media", G_CALLBACK (mg_call_manager_on_media), self, 0);
}

/* The phone's calls that go on, for its `registered` message: after a
 * resume the phone keeps these and ends the others. */
static void
on_registering (MgPhoneHub *hub, MgPhoneSession *phone, JsonObject *message, MgCallManager *self)
{
  JsonArray *calls = json_object_get_array_member (message, "calls");
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->calls);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (mg_call_get_state (value) != MG_CALL_STATE_ENDED
        && mg_call_find_phone_leg (value, phone) >= 0)
      {
        JsonObject *call = json_object_new ();

        json_object_set_string_member (call, "call_id", mg_call_get_id (value));
        json_object_set_string_member (call, "state",
                                       mg_call_state_to_string (mg_call_get_state (value)));
        json_array_add_object_element (calls, call);
      }
}

static void
on_session_removed (MgPhoneHub *hub, MgPhoneSession *phone, MgCallManager *self)
{
  GHashTableIter iter;
  gpointer value;
  g_autoptr (GPtrArray) gone = g_ptr_array_new_with_free_func (g_object_unref);

  g_hash_table_iter_init (&iter, self->calls);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (mg_call_find_phone_leg (value, phone) >= 0)
      g_ptr_array_add (gone, g_object_ref (value));
  for (guint i = 0; i < gone->len; i++)
    {
      MgCall *call = g_ptr_array_index (gone, i);

      mg_call_manager_end_call (self, call, mg_call_find_phone_leg (call, phone), "media_failed", 0,
                                NULL);
    }
}

MgCallManager *
mg_call_manager_new (MgConfig *config, MgStore *store, MgPhoneHub *hub, MgSipAgent *agent)
{
  MgCallManager *self = g_object_new (MG_TYPE_CALL_MANAGER, NULL);

  self->config = g_object_ref (config);
  self->store = g_object_ref (store);
  self->hub = g_object_ref (hub);
  self->agent = g_object_ref (agent);
  g_signal_connect (hub, "session-added", G_CALLBACK (on_session_added), self);
  g_signal_connect (hub, "session-removed", G_CALLBACK (on_session_removed), self);
  g_signal_connect (hub, "registering", G_CALLBACK (on_registering), self);
  g_signal_connect (agent, "incoming-call", G_CALLBACK (mg_call_manager_on_incoming_sip), self);
  return self;
}

/* The leg that placed @call: the SIP side for calls from the platform. */
guint
mg_call_manager_get_caller_leg (MgCall *call)
{
  return mg_call_manager_route_of (call) == ROUTE_SIP_IN ? 1 : 0;
}

guint
mg_call_manager_count (MgCallManager *self)
{
  return g_hash_table_size (self->calls);
}

MgCall *
mg_call_manager_lookup (MgCallManager *self, const char *id)
{
  return g_hash_table_lookup (self->calls, id);
}

JsonArray *
mg_call_manager_describe (MgCallManager *self)
{
  JsonArray *items = json_array_new ();
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->calls);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    json_array_add_object_element (items, mg_call_describe (value));
  return items;
}

gboolean
mg_call_manager_hangup (MgCallManager *self, const char *id)
{
  MgCall *call = g_hash_table_lookup (self->calls, id);

  if (call == NULL)
    return FALSE;
  mg_call_manager_end_call (self, call, -1, "hangup", 0, NULL);
  return TRUE;
}

void
mg_call_manager_end_all (MgCallManager *self)
{
  GList *ids = g_hash_table_get_keys (self->calls);

  for (GList *l = ids; l != NULL; l = l->next)
    {
      MgCall *call = g_hash_table_lookup (self->calls, l->data);

      if (call != NULL)
        mg_call_manager_end_call (self, call, -1, "shutdown", 0, NULL);
    }
  g_list_free (ids);
}
