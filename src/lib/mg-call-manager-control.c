/* mg-call-manager-control.c: the call manager, controlled by applications
 * (CTI): a device's phone acts as if the agent had done it in the page
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-call"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>

#include "mg-call-manager-internal.h"

/* the quark name is dashed, which clang-format would space out */
/* clang-format off */
G_DEFINE_QUARK (mg-call-error-quark, mg_call_error)
/* clang-format on */

/* @call_id's leg of the phone of @device. */
MgCall *
mg_call_manager_call_of_device (MgCallManager *self, const char *call_id, const char *device,
                                int *index, GError **error)
{
  MgCall *call = call_id ? g_hash_table_lookup (self->calls, call_id) : NULL;

  for (int i = 0; call != NULL && i < 2; i++)
    {
      MgCallLeg *leg = mg_call_get_leg (call, i);

      if (leg->phone != NULL && g_strcmp0 (leg->number, device) == 0)
        {
          *index = i;
          return call;
        }
    }
  g_set_error (error, MG_CALL_ERROR, MG_CALL_ERROR_NO_CONNECTION,
               _("no call %s at %s"), call_id ? call_id : "", device ? device : "");
  return NULL;
}

gboolean
mg_call_manager_check_state (MgCall *call, MgCallState state, GError **error)
{
  if (mg_call_get_state (call) == state)
    return TRUE;
  g_set_error (error, MG_CALL_ERROR, MG_CALL_ERROR_STATE,
               _("the call is %s"), mg_call_state_to_string (mg_call_get_state (call)));
  return FALSE;
}

/* The device's phone answers its ringing call, as if the agent had
 * pressed answer: the page follows (it answers our WebRTC offer). */
gboolean
mg_call_manager_answer (MgCallManager *self, const char *call_id, const char *device,
                        GError **error)
{
  int index;
  MgCall *call = mg_call_manager_call_of_device (self, call_id, device, &index, error);

  if (call == NULL)
    return FALSE;
  if (!mg_call_manager_can_accept (call, index))
    {
      g_set_error (error, MG_CALL_ERROR, MG_CALL_ERROR_STATE,
                   _("the call is not ringing at %s"), device);
      return FALSE;
    }
  if (!mg_phone_session_is_connected (mg_call_get_leg (call, index)->phone))
    {
      g_set_error (error, MG_CALL_ERROR, MG_CALL_ERROR_OUT_OF_SERVICE,
                   _("the phone of %s is not connected"), device);
      return FALSE;
    }
  mg_call_manager_accept_leg (self, call, index);
  return TRUE;
}

/* The device leaves the call (hangs up, cancels or declines it). */
gboolean
mg_call_manager_clear (MgCallManager *self, const char *call_id, const char *device, GError **error)
{
  int index;
  MgCall *call = mg_call_manager_call_of_device (self, call_id, device, &index, error);

  if (call == NULL)
    return FALSE;
  mg_call_manager_hang_up (self, call, index);
  return TRUE;
}

/* The whole call ends (CTI ClearCall): every party is told the call was
 * cleared, a conference ends for everyone. */
gboolean
mg_call_manager_clear_call (MgCallManager *self, const char *call_id, const char *device,
                            GError **error)
{
  int index;
  MgCall *call = mg_call_manager_call_of_device (self, call_id, device, &index, error);
  MgConference *conference;

  if (call == NULL)
    return FALSE;
  conference = mg_call_manager_conference_of (call);
  g_object_set_data (G_OBJECT (call), CALL_CLEARED_KEY, GINT_TO_POINTER (TRUE));
  if (conference != NULL)
    {
      MgCall *host = mg_conference_get_host (conference);

      g_object_set_data (G_OBJECT (host), CALL_CLEARED_KEY, GINT_TO_POINTER (TRUE));
      mg_call_manager_end_conference (self, conference, "remote_hangup");
    }
  else
    mg_call_manager_hang_up (self, call, index);
  return TRUE;
}

gboolean
mg_call_manager_hold (MgCallManager *self, const char *call_id, const char *device, gboolean hold,
                      GError **error)
{
  int index;
  MgCall *call = mg_call_manager_call_of_device (self, call_id, device, &index, error);

  if (call == NULL || !mg_call_manager_check_state (call, MG_CALL_STATE_CONNECTED, error)
      || !mg_call_manager_can_hold (call, index, hold, error))
    return FALSE;
  mg_call_manager_set_hold (self, call, index, hold);
  return TRUE;
}

gboolean
mg_call_manager_send_digits (MgCallManager *self, const char *call_id, const char *device,
                             const char *digits, GError **error)
{
  int index;
  MgCall *call = mg_call_manager_call_of_device (self, call_id, device, &index, error);

  if (call == NULL || !mg_call_manager_check_state (call, MG_CALL_STATE_CONNECTED, error))
    return FALSE;
  if (!mg_call_manager_valid_digits (digits))
    {
      g_set_error (error, MG_CALL_ERROR, MG_CALL_ERROR_INVALID,
                   _("digits: 1 to 32 of 0-9 * # A-D"));
      return FALSE;
    }
  mg_call_manager_send_leg_digits (call, index, digits);
  return TRUE;
}

typedef struct
{
  MgCallManager *self;
  char *id;
} MakeCallTimeout;

static gboolean
on_make_call_timeout (gpointer data)
{
  MakeCallTimeout *timeout = data;
  MakeCall *make_call = g_hash_table_lookup (timeout->self->make_calls, timeout->id);

  make_call->timeout_id = 0;
  g_info ("call %s: the phone of %s did not place it", timeout->id, make_call->extension);
  g_hash_table_remove (timeout->self->make_calls, timeout->id);
  return G_SOURCE_REMOVE;
}

static void
make_call_timeout_free (gpointer data)
{
  MakeCallTimeout *timeout = data;

  g_free (timeout->id);
  g_free (timeout);
}

/* Asks the phone of @device to call @to (docs/protocol.md `make_call`): at
 * once, or (@prompt) once the agent confirms. Returns the ID the call will
 * have. @consultation_of: the call the device held for this one. */
static char *
reserve_make_call (MgCallManager *self, const char *device, const char *to, gboolean prompt,
                   const char *consultation_of, GError **error)
{
  MgPhoneSession *phone = mg_phone_hub_lookup (self->hub, device);
  g_autoptr (JsonObject) event = NULL;
  MakeCall *make_call;
  MakeCallTimeout *timeout;
  char *id;

  if (!mg_call_manager_is_dialable (to) || g_strcmp0 (to, device) == 0)
    {
      g_set_error (error, MG_CALL_ERROR, MG_CALL_ERROR_INVALID, _("%s cannot be called"), to);
      return NULL;
    }
  if (phone == NULL || !mg_phone_session_is_connected (phone))
    {
      g_set_error (error, MG_CALL_ERROR, MG_CALL_ERROR_OUT_OF_SERVICE,
                   _("the phone of %s is not connected"), device);
      return NULL;
    }
  id = mg_call_manager_new_call_id ();
  make_call = g_new0 (MakeCall, 1);
  make_call->extension = g_strdup (device);
  make_call->to = g_strdup (to);
  make_call->consultation_of = g_strdup (consultation_of);
  timeout = g_new0 (MakeCallTimeout, 1);
  timeout->self = self;
  timeout->id = g_strdup (id);
  make_call->timeout_id = g_timeout_add_seconds_full (
    G_PRIORITY_DEFAULT, MAKE_CALL_TIMEOUT_S, on_make_call_timeout, timeout, make_call_timeout_free);
  g_hash_table_insert (self->make_calls, g_strdup (id), make_call);

  event = json_object_new ();
  json_object_set_string_member (event, "type", "make_call");
  json_object_set_string_member (event, "make_call", id);
  json_object_set_string_member (event, "to", to);
  json_object_set_boolean_member (event, "prompt", prompt);
  mg_phone_session_send (phone, event);
  return id;
}

/* Click-to-dial: the phone of @device calls @to. Returns the call's ID. */
char *
mg_call_manager_make_call (MgCallManager *self, const char *device, const char *to, gboolean prompt,
                           GError **error)
{
  return reserve_make_call (self, device, to, prompt, NULL, error);
}

gboolean
mg_call_manager_is_held_by (MgCall *call, int index)
{
  MgConference *conference = mg_call_manager_conference_of (call);

  if (conference != NULL)
    return mg_conference_is_held (conference, call, (guint) index);
  return GPOINTER_TO_INT (g_object_get_data (G_OBJECT (call), HOLDER_KEY)) == index + 1;
}

/* Whether leg @index may hold (or retrieve) the call: not if it holds it
 * already (or does not). */
gboolean
mg_call_manager_can_hold (MgCall *call, int index, gboolean hold, GError **error)
{
  if (mg_call_manager_is_held_by (call, index) != hold)
    return TRUE;
  g_set_error (error, MG_CALL_ERROR, MG_CALL_ERROR_STATE,
               hold ? _("the call is on hold already") : _("the call is not on hold here"));
  return FALSE;
}

/* Leg @index of a connected call holds it (or retrieves it); a conference
 * goes on for the others. */
void
mg_call_manager_set_hold (MgCallManager *self, MgCall *call, int index, gboolean hold)
{
  if (!mg_call_manager_hold_conference (self, call, index, hold))
    mg_call_manager_hold_leg (self, call, index, hold, NULL);
}

/* @call_id at @device, held there (@held) or connected and not held by it;
 * else @code. */
MgCall *
mg_call_manager_call_in_state (MgCallManager *self, const char *call_id, const char *device,
                               gboolean held, MgCallError code, int *index, GError **error)
{
  MgCall *call = mg_call_manager_call_of_device (self, call_id, device, index, error);

  if (call == NULL)
    return NULL;
  if (mg_call_get_state (call) != MG_CALL_STATE_CONNECTED
      || mg_call_manager_is_held_by (call, *index) != held
      || mg_call_manager_conference_of (call) != NULL)
    {
      g_set_error (error, MG_CALL_ERROR, code,
                   held ? _("%s does not hold call %s")
                        : _("call %s is not active at %s"), held ? device : call_id,
                             held ? call_id : device);
      return NULL;
    }
  return call;
}

/* Consultation: @device holds @call_id and its phone calls @to at once
 * (as MakeCall doNotPrompt); both carry cause consultation for observers.
 * Returns the new call's ID. */
char *
mg_call_manager_consult (MgCallManager *self, const char *call_id, const char *device,
                         const char *to, GError **error)
{
  int index;
  MgCall *call = mg_call_manager_call_in_state (self, call_id, device, FALSE, MG_CALL_ERROR_STATE,
                                                &index, error);
  char *id;

  if (call == NULL)
    return NULL;
  id = reserve_make_call (self, device, to, FALSE, call_id, error);
  if (id != NULL)
    mg_call_manager_hold_leg (self, call, index, TRUE, "consultation");
  return id;
}

/* @held_id held by @device and @active_id active there (not held by it). */
gboolean
mg_call_manager_find_pair (MgCallManager *self, const char *held_id, const char *active_id,
                           const char *device, MgCallPair *pair, GError **error)
{
  pair->held = mg_call_manager_call_in_state (self, held_id, device, TRUE, MG_CALL_ERROR_HELD_STATE,
                                              &pair->held_index, error);
  pair->active = pair->held ? mg_call_manager_call_in_state (self, active_id, device, FALSE,
                                                             MG_CALL_ERROR_ACTIVE_STATE,
                                                             &pair->active_index, error)
                            : NULL;
  return pair->active != NULL;
}

/* @device swaps its calls: holds @active_id, retrieves @held_id. */
gboolean
mg_call_manager_alternate (MgCallManager *self, const char *held_id, const char *active_id,
                           const char *device, GError **error)
{
  MgCallPair pair;

  if (!mg_call_manager_find_pair (self, held_id, active_id, device, &pair, error))
    return FALSE;
  mg_call_manager_hold_leg (self, pair.active, pair.active_index, TRUE, "alternate");
  mg_call_manager_hold_leg (self, pair.held, pair.held_index, FALSE, "alternate");
  return TRUE;
}

/* @device leaves @active_id and retrieves @held_id. */
gboolean
mg_call_manager_reconnect (MgCallManager *self, const char *held_id, const char *active_id,
                           const char *device, GError **error)
{
  int held_index, active_index;
  MgCall *held = mg_call_manager_call_in_state (self, held_id, device, TRUE,
                                                MG_CALL_ERROR_HELD_STATE, &held_index, error);
  MgCall *active =
    held ? mg_call_manager_call_of_device (self, active_id, device, &active_index, error) : NULL;

  if (active == NULL)
    return FALSE;
  if (active == held)
    {
      g_set_error (error, MG_CALL_ERROR, MG_CALL_ERROR_ACTIVE_STATE,
                   _("the active and the held call are the same"));
      return FALSE;
    }
  mg_call_manager_hang_up (self, active, active_index);
  mg_call_manager_hold_leg (self, held, held_index, FALSE, NULL);
  return TRUE;
}

static void
on_referred (MgSipDialog *dialog, guint status, MgCall *call)
{
  MgCallManager *self = g_object_get_data (G_OBJECT (call), "mg-manager");
  int leg = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (call), "mg-transfer-leg")) - 1;
  const char *to = g_object_get_data (G_OBJECT (call), "mg-transfer-to");
  g_autoptr (JsonObject) detail = json_object_new ();

  g_signal_handlers_disconnect_by_func (dialog, on_referred, call);
  if (status >= 300 || leg < 0 || mg_call_get_state (call) == MG_CALL_STATE_ENDED)
    {
      g_info ("call %s: the far end refused the transfer to %s (%u)", mg_call_get_id (call), to,
              status);
      return;
    }
  g_info ("call %s: transferred to %s", mg_call_get_id (call), to);
  json_object_set_string_member (detail, "to", to);
  mg_call_manager_tell_observers (call, leg, "transferred", detail);
  mg_call_manager_end_call (self, call, leg, "transferred", 0, NULL);
}

/* @to at the SIP platform whose registrar is @registrar. */
static char *
sip_target (const char *registrar, const char *to)
{
  return g_strdup_printf ("%s%s@%s", g_str_has_prefix (registrar, "sips:") ? "sips:" : "sip:", to,
                          strchr (registrar, ':') + 1);
}

/* The device's phone (leg @index) stops ringing: a deflect toward @to.
 * Every monitor hears of it: the deflecting device's call leaves it; the
 * caller's call stays and now rings @to. */
static void
leave_for_deflect (MgCall *call, int index, const char *device, const char *to)
{
  MgCallLeg *leg = mg_call_get_leg (call, index);
  g_autoptr (JsonObject) detail = json_object_new ();
  g_autoptr (JsonObject) at_caller = json_object_new ();

  json_object_set_string_member (detail, "to", to);
  mg_call_manager_tell_observers (call, index, "diverted", detail);
  json_object_set_string_member (at_caller, "to", to);
  json_object_set_string_member (at_caller, "from", device);
  mg_call_manager_tell_observers (call, 1 - index, "diverted", at_caller);
  mg_call_manager_send_ended (leg->phone, call, "deflected", 0, NULL);
  g_clear_object (&leg->phone);
}

/* Deflect toward a number on the SIP side: the ringing INVITE is answered
 * 302 with @to at the platform as Contact, and the device's page stops
 * ringing. */
static gboolean
redirect (MgCallManager *self, MgCall *call, int index, const char *device, const char *to,
          GError **error)
{
  const char *registrar = mg_sip_agent_get_active_registrar (self->agent);
  MgCallLeg *caller = mg_call_get_leg (call, 1 - index);
  g_autofree char *target = NULL;

  if (registrar == NULL || caller->dialog == NULL)
    {
      g_set_error (error, MG_CALL_ERROR, MG_CALL_ERROR_INVALID,
                   _("%s is not one of our extensions, and no SIP platform takes calls"), to);
      return FALSE;
    }
  target = sip_target (registrar, to);
  leave_for_deflect (call, index, device, to);
  g_info ("call %s deflected from %s to %s on the SIP side", mg_call_get_id (call), device, to);
  mg_sip_dialog_redirect (caller->dialog, target);
  return TRUE;
}

/* Deflect a call between our phones toward a number on the SIP side: the
 * ringing leg becomes an outbound SIP call from the caller's phone (its
 * registration, its WebRTC leg), as if the caller had dialled @to. */
static gboolean
reroute_to_sip (MgCallManager *self, MgCall *call, int index, const char *device, const char *to,
                GError **error)
{
  MgCallLeg *leg = mg_call_get_leg (call, index);

  if (index != 1 || mg_sip_agent_get_active_registrar (self->agent) == NULL)
    {
      g_set_error (error, MG_CALL_ERROR, MG_CALL_ERROR_INVALID,
                   _("%s is not one of our extensions, and no SIP platform takes calls"), to);
      return FALSE;
    }
  leave_for_deflect (call, index, device, to);
  g_free (leg->number);
  leg->number = g_strdup (to);
  g_clear_pointer (&leg->display_name, g_free);
  g_object_set_data (G_OBJECT (call), ROUTE_KEY, GINT_TO_POINTER (ROUTE_SIP_OUT));
  g_info ("call %s deflected from %s to %s on the SIP side", mg_call_get_id (call), device, to);
  /* the INVITE leaves now, or once the caller's phone answered our offer */
  mg_call_manager_phone_answered (self, call);
  return TRUE;
}

/* Blind transfer between our phones: the far party waits on hold while
 * the device's phone calls @to; once answered, the two are joined and the
 * device leaves (the consultation and transfer, in one step). */
static gboolean
transfer_on_answer (MgCallManager *self, const char *call_id, const char *device, const char *to,
                    GError **error)
{
  g_autofree char *id = mg_call_manager_consult (self, call_id, device, to, error);
  MakeCall *make_call = id ? g_hash_table_lookup (self->make_calls, id) : NULL;

  if (make_call == NULL)
    return FALSE;
  make_call->blind_transfer = TRUE;
  return TRUE;
}

/* Blind transfer: the far party on the SIP side is asked (REFER) to call
 * @to instead; once it agrees, the device's phone leaves the call. A far
 * party that is one of our phones is joined with @to once @to answers. */
gboolean
mg_call_manager_transfer (MgCallManager *self, const char *call_id, const char *device,
                          const char *to, GError **error)
{
  int index;
  MgCall *call = mg_call_manager_call_of_device (self, call_id, device, &index, error);
  MgCallLeg *other;
  const char *registrar = mg_sip_agent_get_active_registrar (self->agent);
  g_autofree char *target = NULL;

  if (call == NULL || !mg_call_manager_check_state (call, MG_CALL_STATE_CONNECTED, error))
    return FALSE;
  other = mg_call_get_leg (call, 1 - index);
  if (other->phone != NULL)
    return transfer_on_answer (self, call_id, device, to, error);
  if (!mg_call_manager_is_dialable (to) || other->dialog == NULL || registrar == NULL)
    {
      g_set_error (
        error, MG_CALL_ERROR, MG_CALL_ERROR_INVALID,
        _("only a far party on the SIP side or one of our phones can be transferred, to a number"));
      return FALSE;
    }
  target = sip_target (registrar, to);
  g_object_set_data (G_OBJECT (call), "mg-transfer-leg", GINT_TO_POINTER (index + 1));
  g_object_set_data_full (G_OBJECT (call), "mg-transfer-to", g_strdup (to), g_free);
  g_signal_connect (other->dialog, "referred", G_CALLBACK (on_referred), call);
  if (!mg_sip_dialog_refer (other->dialog, target))
    {
      g_signal_handlers_disconnect_by_func (other->dialog, on_referred, call);
      g_set_error (error, MG_CALL_ERROR, MG_CALL_ERROR_STATE, _("the SIP dialog is not up"));
      return FALSE;
    }
  return TRUE;
}

/* Deflect: a call still ringing the device's phone (from the SIP side or
 * from another of our phones) rings another of our phones instead (the
 * caller keeps hearing it ring), or a number on the SIP side (302). */
gboolean
mg_call_manager_deflect (MgCallManager *self, const char *call_id, const char *device,
                         const char *to, GError **error)
{
  int index;
  MgCall *call = mg_call_manager_call_of_device (self, call_id, device, &index, error);
  MgPhoneSession *target = to ? mg_phone_hub_lookup (self->hub, to) : NULL;
  g_autoptr (MgExtension) extension = NULL;
  g_autoptr (JsonObject) extra = NULL;
  MgCallLeg *leg;
  MgCallLeg *caller;

  if (call == NULL)
    return FALSE;
  if (!mg_call_manager_can_accept (call, index))
    {
      g_set_error (error, MG_CALL_ERROR, MG_CALL_ERROR_STATE,
                   _("only a call still ringing the device can be deflected"));
      return FALSE;
    }
  caller = mg_call_get_leg (call, 1 - index);
  extension = to ? mg_store_get_extension (self->store, to, NULL) : NULL;
  /* not one of ours: a call from the SIP side goes back there, redirected;
   * a call from one of our phones goes there as that phone's call */
  if (extension == NULL && mg_call_manager_is_dialable (to) && g_strcmp0 (to, caller->number) != 0)
    {
      if (caller->dialog != NULL)
        return redirect (self, call, index, device, to, error);
      if (caller->phone != NULL)
        return reroute_to_sip (self, call, index, device, to, error);
    }
  if (target == NULL || !mg_phone_session_is_connected (target) || g_strcmp0 (to, device) == 0
      || g_strcmp0 (to, caller->number) == 0 || extension == NULL
      || !mg_extension_get_enabled (extension))
    {
      g_set_error (error, MG_CALL_ERROR, MG_CALL_ERROR_INVALID,
                   _("%s is not another extension with a connected phone"), to ? to : "");
      return FALSE;
    }
  leg = mg_call_get_leg (call, index);
  leave_for_deflect (call, index, device, to);
  g_clear_pointer (&leg->number, g_free);
  g_clear_pointer (&leg->display_name, g_free);
  mg_call_manager_set_phone (leg, target, extension);
  extra = json_object_new ();
  json_object_set_object_member (extra, "from",
                                 mg_call_manager_party (caller->number, caller->display_name));
  json_object_set_string_member (extra, "deflected_by", device);
  mg_call_manager_send_event (target, "incoming", call, extra);
  /* the caller's page goes on ringing; its monitors see the new destination */
  if (caller->phone != NULL)
    {
      g_autoptr (JsonObject) ringing = json_object_new ();

      mg_call_manager_tell_observers (call, 1 - index, "ringing", ringing);
    }
  g_info ("call %s deflected from %s to %s", mg_call_get_id (call), device, to);
  return TRUE;
}
