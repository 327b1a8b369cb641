/* mg-call-manager-phones.c: the call manager, driven by the phones'
 * requests (docs/protocol.md: call, accept, decline, hangup, dtmf, hold,
 * mute) and their media negotiation
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-call"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>

#include "mg-call-manager-internal.h"

/* -- phone requests ------------------------------------------------------------ */

static MgCall *
call_of_request (MgCallManager *self, MgPhoneSession *phone, gint64 id, JsonObject *message,
                 int *index)
{
  const char *call_id = json_object_get_string_member_with_default (message, "call_id", NULL);
  MgCall *call = call_id ? g_hash_table_lookup (self->calls, call_id) : NULL;

  if (call == NULL || (*index = mg_call_find_phone_leg (call, phone)) < 0)
    {
      mg_phone_session_reply_error (phone, id, "unknown_call", _("no such call on this phone"));
      return NULL;
    }
  return call;
}

/* Whether @id is a MakeCall of @extension to @to; it is used up.
 * @consultation_of: the call held for it, if it is a consultation */
static gboolean
take_make_call (MgCallManager *self, const char *id, const char *extension, const char *to,
                char **consultation_of, gboolean *blind_transfer)
{
  MakeCall *make_call = g_hash_table_lookup (self->make_calls, id);

  if (make_call == NULL || g_strcmp0 (make_call->extension, extension) != 0
      || g_strcmp0 (make_call->to, to) != 0 || g_hash_table_contains (self->calls, id))
    return FALSE;
  *consultation_of = g_steal_pointer (&make_call->consultation_of);
  *blind_transfer = make_call->blind_transfer;
  g_hash_table_remove (self->make_calls, id);
  return TRUE;
}

/* The far party of the call a blind transfer's consultation was placed
 * for (by @phone). */
static MgCallLeg *
transferred_party (MgCallManager *self, MgCall *consultation, MgPhoneSession *phone)
{
  const char *held_id = g_object_get_data (G_OBJECT (consultation), CONSULTATION_KEY);
  MgCall *held = held_id ? mg_call_manager_lookup (self, held_id) : NULL;
  int index = held ? mg_call_find_phone_leg (held, phone) : -1;

  return index >= 0 ? mg_call_get_leg (held, 1 - index) : NULL;
}

static void
handle_call (MgCallManager *self, MgPhoneSession *phone, gint64 id, JsonObject *message)
{
  const char *to = json_object_get_string_member_with_default (message, "to", NULL);
  const char *make_call = json_object_get_string_member_with_default (message, "make_call", NULL);
  const char *from = mg_phone_session_get_extension (phone);
  g_autoptr (MgExtension) caller = mg_store_get_extension (self->store, from, NULL);
  g_autoptr (MgExtension) callee = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (JsonObject) reply = json_object_new ();
  g_autofree char *consultation_of = NULL;
  gboolean blind_transfer = FALSE;
  MgPhoneSession *target = NULL;
  Route route;
  MgCall *call;

  if (!mg_call_manager_is_dialable (to) || g_strcmp0 (to, from) == 0)
    {
      mg_phone_session_reply_error (
        phone, id, "bad_request",
        _("\"to\" must be another number: letters, digits, + * # . _ -"));
      return;
    }
  if (make_call != NULL
      && !take_make_call (self, make_call, from, to, &consultation_of, &blind_transfer))
    {
      mg_phone_session_reply_error (
        phone, id, "bad_request",
        _("\"make_call\" names no call an application asked this phone to place to this number"));
      return;
    }
  if (mg_extension_number_is_valid (to))
    callee = mg_store_get_extension (self->store, to, NULL);
  if (callee != NULL)
    route = ROUTE_LOCAL;
  else if (mg_sip_agent_get_active_registrar (self->agent) != NULL)
    route = ROUTE_SIP_OUT;
  else
    {
      mg_phone_session_reply_error (phone, id, "not_found", _("no such number"));
      return;
    }

  call = mg_call_manager_new_call (self, route, make_call);
  mg_call_manager_set_phone (mg_call_get_leg (call, 0), phone, caller);
  mg_call_get_leg (call, 1)->number = g_strdup (to);
  json_object_set_string_member (reply, "call_id", mg_call_get_id (call));
  mg_phone_session_reply_ok (phone, id, reply);
  json_object_set_boolean_member (reply, "make_call", make_call != NULL);
  if (consultation_of != NULL)
    {
      json_object_set_string_member (reply, "consultation_of", consultation_of);
      if (blind_transfer)
        g_object_set_data (G_OBJECT (call), BLIND_TRANSFER_KEY, GINT_TO_POINTER (TRUE));
      g_object_set_data_full (G_OBJECT (call), CONSULTATION_KEY, g_steal_pointer (&consultation_of),
                              g_free);
    }
  mg_call_manager_tell_observers (call, 0, "dialing", reply);

  if (!mg_call_manager_start_phone_leg (self, call, 0, NULL, &error))
    {
      g_warning ("call %s: %s", mg_call_get_id (call), error->message);
      mg_call_manager_end_call (self, call, -1, "failed", 0, NULL);
      return;
    }
  if (route != ROUTE_LOCAL)
    return;

  target = mg_phone_hub_lookup (self->hub, to);
  if (target == NULL || !mg_phone_session_is_connected (target)
      || !mg_extension_get_enabled (callee))
    {
      mg_call_manager_end_call (self, call, -1, "unavailable", 480, "Temporarily Unavailable");
      return;
    }
  mg_call_manager_set_phone (mg_call_get_leg (call, 1), target, callee);
  {
    g_autoptr (JsonObject) extra = json_object_new ();
    MgCallLeg *transferred = blind_transfer ? transferred_party (self, call, phone) : NULL;

    /* a blind transfer rings with the party being transferred */
    if (transferred != NULL)
      {
        json_object_set_object_member (
          extra, "from", mg_call_manager_party (transferred->number, transferred->display_name));
        json_object_set_string_member (extra, "transferred_by", from);
      }
    else
      json_object_set_object_member (
        extra, "from",
        mg_call_manager_party (from, caller ? mg_extension_get_display_name (caller) : ""));
    mg_call_manager_send_event (target, "incoming", call, extra);
  }
  mg_call_set_state (call, MG_CALL_STATE_RINGING);
  mg_call_manager_send_event (phone, "ringing", call, NULL);
}

gboolean
mg_call_manager_can_accept (MgCall *call, int index)
{
  Route route = mg_call_manager_route_of (call);

  return mg_call_get_state (call) == MG_CALL_STATE_RINGING
         && ((route == ROUTE_LOCAL && index == 1) || (route == ROUTE_SIP_IN && index == 0))
         && mg_call_get_leg (call, index)->webrtc == NULL;
}

static void
handle_accept (MgCallManager *self, MgPhoneSession *phone, gint64 id, JsonObject *message)
{
  int index;
  MgCall *call = call_of_request (self, phone, id, message, &index);

  if (call == NULL)
    return;
  if (!mg_call_manager_can_accept (call, index))
    {
      mg_phone_session_reply_error (phone, id, "invalid_state",
                                    _("this call cannot be accepted now"));
      return;
    }
  mg_phone_session_reply_ok (phone, id, NULL);
  mg_call_manager_accept_leg (self, call, index);
}

/* The phone of leg @index takes the ringing call: the phone's WebRTC leg
 * starts (our offer, which the phone answers). */
void
mg_call_manager_accept_leg (MgCallManager *self, MgCall *call, int index)
{
  g_autoptr (GError) error = NULL;
  MgCallLeg *sip;
  const char *preferred = NULL;

  if (mg_call_manager_route_of (call) == ROUTE_SIP_IN)
    {
      /* offer the SIP peer's codec first, so the browser can take it: passthrough */
      g_autoptr (MgSipSdp) offer = NULL;
      g_auto (GStrv) policy = mg_call_manager_policy_codecs (self);
      g_autoptr (MgSdpCodec) chosen = NULL;

      sip = mg_call_get_leg (call, 1);
      offer = mg_sip_sdp_parse (mg_sip_dialog_get_remote_sdp (sip->dialog), -1, NULL);
      chosen = offer ? mg_sip_sdp_choose_codec (offer, (const char *const *) policy, NULL) : NULL;
      preferred = chosen ? mg_call_manager_policy_name (chosen->encoding_name) : NULL;
    }
  else
    {
      /* the caller's phone negotiated already: the same codec makes passthrough */
      MgWebrtcLeg *caller = mg_call_get_leg (call, 0)->webrtc;

      preferred = caller && mg_webrtc_leg_get_encoding_name (caller)
                    ? mg_call_manager_policy_name (mg_webrtc_leg_get_encoding_name (caller))
                    : NULL;
    }
  if (!mg_call_manager_start_phone_leg (self, call, index, preferred, &error))
    {
      g_warning ("call %s: %s", mg_call_get_id (call), error->message);
      mg_call_manager_end_call (self, call, -1, "failed", 0, NULL);
    }
}

static void
handle_decline (MgCallManager *self, MgPhoneSession *phone, gint64 id, JsonObject *message)
{
  int index;
  MgCall *call = call_of_request (self, phone, id, message, &index);
  MgCallLeg *sip;

  if (call == NULL)
    return;
  if (mg_call_get_state (call) != MG_CALL_STATE_RINGING
      || (mg_call_manager_route_of (call) == ROUTE_LOCAL && index != 1)
      || (mg_call_manager_route_of (call) == ROUTE_SIP_OUT))
    {
      mg_phone_session_reply_error (phone, id, "invalid_state",
                                    _("only a ringing incoming call can be declined"));
      return;
    }
  mg_phone_session_reply_ok (phone, id, NULL);
  sip = mg_call_get_leg (call, 1);
  if (sip->dialog != NULL)
    {
      g_signal_handlers_disconnect_by_data (sip->dialog, call);
      mg_sip_dialog_reject (sip->dialog, 603, "Decline");
    }
  mg_call_manager_end_call (self, call, index, "declined", sip->dialog ? 603 : 0,
                            sip->dialog ? "Decline" : NULL);
}

static void
handle_hangup (MgCallManager *self, MgPhoneSession *phone, gint64 id, JsonObject *message)
{
  int index;
  MgCall *call = call_of_request (self, phone, id, message, &index);

  if (call == NULL)
    return;
  mg_phone_session_reply_ok (phone, id, NULL);
  mg_call_manager_hang_up (self, call, index);
}

/* Leg @index leaves the call, which ends. */
void
mg_call_manager_hang_up (MgCallManager *self, MgCall *call, int index)
{
  MgCallLeg *leg = mg_call_get_leg (call, index);
  /* the other phone of a call not yet up hears that the caller gave up */
  const char *cause_for_other =
    mg_call_get_state (call) == MG_CALL_STATE_CONNECTED ? "remote_hangup" : "cancelled";

  if (leg->phone != NULL)
    {
      mg_call_manager_send_ended (leg->phone, call, "hangup", 0, NULL);
      g_clear_object (&leg->phone);
    }
  mg_call_manager_end_call (self, call, index, cause_for_other, 0, NULL);
}

gboolean
mg_call_manager_valid_digits (const char *digits)
{
  if (digits == NULL || *digits == '\0' || strlen (digits) > 32)
    return FALSE;
  for (const char *p = digits; *p; p++)
    if (!strchr ("0123456789*#ABCDabcd", *p))
      return FALSE;
  return TRUE;
}

static void
handle_dtmf (MgCallManager *self, MgPhoneSession *phone, gint64 id, JsonObject *message)
{
  const char *digits = json_object_get_string_member_with_default (message, "digits", NULL);
  int index;
  MgCall *call = call_of_request (self, phone, id, message, &index);

  if (call == NULL)
    return;
  if (!mg_call_manager_valid_digits (digits))
    {
      mg_phone_session_reply_error (phone, id, "bad_request",
                                    _("\"digits\": 1 to 32 of 0-9 * # A-D"));
      return;
    }
  if (mg_call_get_state (call) != MG_CALL_STATE_CONNECTED)
    {
      mg_phone_session_reply_error (phone, id, "invalid_state", _("the call is not connected"));
      return;
    }
  mg_phone_session_reply_ok (phone, id, NULL);
  mg_call_manager_send_leg_digits (call, index, digits);
}

/* @digits to @leg of @call: RFC 4733 in the SIP stream where the peer
 * takes it, else SIP INFO; `dtmf` events for a phone. */
void
mg_call_manager_send_digits_to (MgCall *call, MgCallLeg *leg, const char *digits)
{
  if (leg->dialog != NULL && mg_call_send_dtmf (call, digits))
    return;
  for (const char *p = digits; *p; p++)
    {
      char digit[2] = { g_ascii_toupper (*p), 0 };

      if (leg->dialog != NULL)
        {
          g_autofree char *body = g_strdup_printf ("Signal=%s\r\nDuration=160\r\n", digit);
          mg_sip_dialog_send_info (leg->dialog, "application/dtmf-relay", body);
        }
      else if (leg->phone != NULL)
        mg_call_manager_send_digit (leg->phone, call, digit);
    }
}

/* @digits from leg @index to whoever faces it: the other leg, the party
 * across a transfer's join, or every other party of a conference. */
void
mg_call_manager_send_leg_digits (MgCall *call, int index, const char *digits)
{
  MgConference *conference = mg_call_manager_conference_of (call);
  MgCall *far_call;
  MgCallLeg *other;

  if (conference != NULL)
    {
      mg_call_manager_conference_digits (conference, call, index, digits);
      return;
    }
  other = mg_call_manager_far_party (call, index, &far_call);
  mg_call_manager_send_digits_to (far_call, other, digits);
}

static void
handle_hold (MgCallManager *self, MgPhoneSession *phone, gint64 id, JsonObject *message,
             gboolean hold)
{
  int index;
  MgCall *call = call_of_request (self, phone, id, message, &index);
  g_autoptr (GError) error = NULL;

  if (call == NULL)
    return;
  if (mg_call_get_state (call) != MG_CALL_STATE_CONNECTED)
    {
      mg_phone_session_reply_error (phone, id, "invalid_state", _("the call is not connected"));
      return;
    }
  if (!mg_call_manager_can_hold (call, index, hold, &error))
    {
      mg_phone_session_reply_error (phone, id, "invalid_state", error->message);
      return;
    }
  mg_phone_session_reply_ok (phone, id, NULL);
  mg_call_manager_set_hold (self, call, index, hold);
}

/* Leg @index holds (or retrieves) the call: a re-INVITE toward a SIP peer,
 * the media gated both ways, both phones told who did it.
 * @cause: (nullable): why, for observers ("consultation", …) */
void
mg_call_manager_hold_leg (MgCallManager *self, MgCall *call, int index, gboolean hold,
                          const char *cause)
{
  MgCall *far_call;
  MgCallLeg *other = mg_call_manager_far_party (call, index, &far_call);
  g_autoptr (JsonObject) local = json_object_new ();
  g_autoptr (JsonObject) remote = json_object_new ();

  if (other->dialog != NULL)
    {
      g_autofree char *sdp = mg_call_manager_build_sip_sdp (
        self, far_call, other, hold ? MG_SDP_DIRECTION_SENDONLY : MG_SDP_DIRECTION_SENDRECV, NULL);
      if (sdp != NULL)
        mg_sip_dialog_reinvite (other->dialog, sdp);
    }
  mg_call_set_hold (call, hold);
  if (far_call != call)
    mg_call_set_hold (far_call, hold);
  g_object_set_data (G_OBJECT (call), HOLDER_KEY, GINT_TO_POINTER (hold ? index + 1 : 0));
  json_object_set_string_member (local, "by", "local");
  json_object_set_string_member (remote, "by", "remote");
  if (cause != NULL)
    json_object_set_string_member (local, "cause", cause);
  mg_call_manager_send_event (mg_call_get_leg (call, index)->phone, hold ? "held" : "resumed", call,
                              local);
  mg_call_manager_send_event (other->phone, hold ? "held" : "resumed", far_call, remote);
}

static void
handle_mute (MgCallManager *self, MgPhoneSession *phone, gint64 id, JsonObject *message)
{
  int index;
  MgCall *call = call_of_request (self, phone, id, message, &index);
  JsonNode *muted = json_object_get_member (message, "muted");

  if (call == NULL)
    return;
  if (muted == NULL || json_node_get_value_type (muted) != G_TYPE_BOOLEAN)
    {
      mg_phone_session_reply_error (phone, id, "bad_request",
                                    _("\"muted\" must be true or false"));
      return;
    }
  mg_call_set_mute (call, index, json_node_get_boolean (muted));
  mg_phone_session_reply_ok (phone, id, NULL);
}

gboolean
mg_call_manager_on_request (MgPhoneSession *phone, gint64 id, const char *type, JsonObject *message,
                            MgCallManager *self)
{
  if (g_str_equal (type, "call"))
    handle_call (self, phone, id, message);
  else if (g_str_equal (type, "accept"))
    handle_accept (self, phone, id, message);
  else if (g_str_equal (type, "decline"))
    handle_decline (self, phone, id, message);
  else if (g_str_equal (type, "hangup"))
    handle_hangup (self, phone, id, message);
  else if (g_str_equal (type, "dtmf"))
    handle_dtmf (self, phone, id, message);
  else if (g_str_equal (type, "hold"))
    handle_hold (self, phone, id, message, TRUE);
  else if (g_str_equal (type, "unhold"))
    handle_hold (self, phone, id, message, FALSE);
  else if (g_str_equal (type, "mute"))
    handle_mute (self, phone, id, message);
  else
    return FALSE;
  return TRUE;
}

/* -- media negotiation from phones --------------------------------------------- */

static void
media_error (MgPhoneSession *phone, const char *call_id, const char *message)
{
  g_autoptr (JsonObject) event = json_object_new ();

  json_object_set_string_member (event, "type", "error");
  json_object_set_string_member (event, "code", "bad_request");
  json_object_set_string_member (event, "message", message);
  if (call_id != NULL)
    json_object_set_string_member (event, "call_id", call_id);
  mg_phone_session_send (phone, event);
}

void
mg_call_manager_on_media (MgPhoneSession *phone, const char *type, JsonObject *message,
                          MgCallManager *self)
{
  const char *call_id = json_object_get_string_member_with_default (message, "call_id", NULL);
  MgCall *call = call_id ? g_hash_table_lookup (self->calls, call_id) : NULL;
  int index = call ? mg_call_find_phone_leg (call, phone) : -1;
  MgCallLeg *leg;
  g_autoptr (GError) error = NULL;

  if (index < 0 || (leg = mg_call_get_leg (call, index))->webrtc == NULL)
    {
      media_error (phone, call_id, _("no such call on this phone"));
      return;
    }
  if (g_str_equal (type, "sdp"))
    {
      JsonObject *sdp = json_object_get_object_member (message, "sdp");
      const char *sdp_type =
        sdp ? json_object_get_string_member_with_default (sdp, "type", NULL) : NULL;
      const char *text = sdp ? json_object_get_string_member_with_default (sdp, "sdp", NULL) : NULL;

      if (g_strcmp0 (sdp_type, "answer") != 0 || text == NULL)
        media_error (phone, call_id, _("expected {\"sdp\":{\"type\":\"answer\",\"sdp\":\"…\"}}"));
      else if (leg->answered)
        media_error (phone, call_id, _("this call's answer was given already"));
      else if (!mg_webrtc_leg_set_remote_answer (leg->webrtc, text, &error))
        media_error (phone, call_id, error->message);
      else
        {
          leg->answered = TRUE;
          mg_call_manager_phone_answered (self, call);
        }
      return;
    }
  /* ice */
  {
    JsonNode *node = json_object_get_member (message, "candidate");
    JsonObject *c;

    if (node == NULL || JSON_NODE_HOLDS_NULL (node))
      return; /* end of candidates */
    c = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
    if (c == NULL || json_object_get_string_member_with_default (c, "candidate", NULL) == NULL)
      {
        media_error (phone, call_id,
                     _("a candidate is {\"candidate\",\"sdpMid\",\"sdpMLineIndex\"}"));
        return;
      }
    if (*json_object_get_string_member (c, "candidate") == '\0')
      return;
    if (!mg_webrtc_leg_add_remote_candidate (
          leg->webrtc, json_object_get_int_member_with_default (c, "sdpMLineIndex", 0),
          json_object_get_string_member_with_default (c, "sdpMid", NULL),
          json_object_get_string_member (c, "candidate"), &error))
      media_error (phone, call_id, error->message);
  }
}
