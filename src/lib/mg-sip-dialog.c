/* mg-sip-dialog.c: one SIP call dialog (INVITE, re-INVITE, INFO, BYE)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-sip"

#include "mg-build-config.h"

#include <sofia-sip/sip_status.h>

#include "mg-sip-private.h"

/**
 * MgSipDialog:
 *
 * One SIP call dialog of an extension, in either direction, on the agent's
 * sofia-sip stack. Sofia-sip does no SDP here: the dialog carries the SDP
 * the call's media layer writes and reports the far end's.
 *
 * Outbound, the INVITE answers one digest challenge with the extension's
 * credentials; 180/183 are [signal@Mg.SipDialog::progress], 2xx is
 * [signal@Mg.SipDialog::answered]. Inbound, the owner rings, answers or
 * rejects. A re-INVITE from the far end (hold, retrieve) is
 * [signal@Mg.SipDialog::reoffered], answered with
 * [method@Mg.SipDialog.accept_reinvite]. Whatever ends the dialog emits
 * [signal@Mg.SipDialog::ended] once.
 */

struct _MgSipDialog
{
  GObject parent_instance;

  nua_handle_t *nh;
  MgSipAccount account;
  gboolean outbound;
  MgSipDialogState state;
  char *remote_number;
  char *remote_display;
  gboolean identity_withheld; /* Privacy: id (or user, header), or anonymous */
  char *remote_sdp;
  char *call_id;
  guint final_status;
  char *final_reason;
  gboolean answered_challenge;
  gboolean hangup_sent;
  gboolean reinvite_pending;
  gboolean ended;
};

enum {
  SIGNAL_PROGRESS,
  SIGNAL_ANSWERED,
  SIGNAL_CONFIRMED,
  SIGNAL_REOFFERED,
  SIGNAL_REINVITE_ANSWERED,
  SIGNAL_INFO,
  SIGNAL_REFERRED,
  SIGNAL_ENDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (MgSipDialog, mg_sip_dialog, G_TYPE_OBJECT)

static void
drop_handle (MgSipDialog *self)
{
  if (self->nh != NULL)
    {
      nua_handle_bind (self->nh, NULL);
      nua_handle_destroy (self->nh);
      self->nh = NULL;
    }
}

static void
mg_sip_dialog_dispose (GObject *object)
{
  MgSipDialog *self = MG_SIP_DIALOG (object);

  /* a dialog dropped while alive still says goodbye to the far end */
  if (self->nh != NULL && !self->ended)
    mg_sip_dialog_hangup (self);
  drop_handle (self);
  G_OBJECT_CLASS (mg_sip_dialog_parent_class)->dispose (object);
}

static void
mg_sip_dialog_finalize (GObject *object)
{
  MgSipDialog *self = MG_SIP_DIALOG (object);

  mg_sip_account_clear (&self->account);
  g_free (self->remote_number);
  g_free (self->remote_display);
  g_free (self->remote_sdp);
  g_free (self->call_id);
  g_free (self->final_reason);
  G_OBJECT_CLASS (mg_sip_dialog_parent_class)->finalize (object);
}

static void
mg_sip_dialog_class_init (MgSipDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GType type = G_TYPE_FROM_CLASS (klass);

  object_class->dispose = mg_sip_dialog_dispose;
  object_class->finalize = mg_sip_dialog_finalize;

  /**
   * MgSipDialog::progress:
   * @self: the dialog
   * @status: 180 or 183
   * @reason: the reason phrase
   * @sdp: (nullable): early media SDP of the far end
   *
   * The far end is alerting or sends early media.
   */
  signals[SIGNAL_PROGRESS] = g_signal_new ("progress", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                           NULL, G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_STRING,
                                           G_TYPE_STRING);
  /**
   * MgSipDialog::answered:
   * @self: the dialog
   * @sdp: (nullable): the far end's SDP answer
   *
   * Our INVITE was answered (2xx).
   */
  signals[SIGNAL_ANSWERED] = g_signal_new ("answered", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                           NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * MgSipDialog::confirmed:
   * @self: the dialog
   *
   * An inbound call we answered was confirmed by the far end's ACK.
   */
  signals[SIGNAL_CONFIRMED] = g_signal_new ("confirmed", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                            NULL, G_TYPE_NONE, 0);
  /**
   * MgSipDialog::reoffered:
   * @self: the dialog
   * @sdp: (nullable): the far end's new offer
   *
   * The far end sent a re-INVITE (hold, retrieve, new media). Answer it with
   * [method@Mg.SipDialog.accept_reinvite].
   */
  signals[SIGNAL_REOFFERED] = g_signal_new ("reoffered", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                            NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /**
   * MgSipDialog::reinvite-answered:
   * @self: the dialog
   * @status: the final status of our re-INVITE
   * @sdp: (nullable): the far end's SDP answer
   *
   * Our re-INVITE got its final answer.
   */
  signals[SIGNAL_REINVITE_ANSWERED] = g_signal_new ("reinvite-answered", type, G_SIGNAL_RUN_LAST,
                                                    0, NULL, NULL, NULL, G_TYPE_NONE, 2,
                                                    G_TYPE_UINT, G_TYPE_STRING);
  /**
   * MgSipDialog::info:
   * @self: the dialog
   * @content_type: (nullable): the INFO's content type
   * @body: (nullable): its body
   *
   * The far end sent an INFO (e.g. `application/dtmf-relay`).
   */
  signals[SIGNAL_INFO] = g_signal_new ("info", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                       G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  /**
   * MgSipDialog::referred:
   * @self: the dialog
   * @status: the final status of our REFER (2xx: the far end takes it)
   *
   * The far end answered our REFER ([method@Mg.SipDialog.refer]).
   */
  signals[SIGNAL_REFERRED] = g_signal_new ("referred", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL,
                                           NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  /**
   * MgSipDialog::ended:
   * @self: the dialog
   * @status: the final SIP status when the call failed or was rejected, 0 after a BYE
   * @reason: (nullable): its reason phrase
   * @by_remote: whether the far end ended it
   *
   * The dialog is over; emitted once.
   */
  signals[SIGNAL_ENDED] = g_signal_new ("ended", type, G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                        G_TYPE_NONE, 3, G_TYPE_UINT, G_TYPE_STRING,
                                        G_TYPE_BOOLEAN);
}

static void
mg_sip_dialog_init (MgSipDialog *self)
{
}

static void
copy_account (MgSipAccount *dest, const MgSipAccount *src)
{
  dest->number = g_strdup (src->number);
  dest->auth_user = g_strdup (src->auth_user);
  dest->password = g_strdup (src->password);
  dest->realm = g_strdup (src->realm);
  dest->display_name = g_strdup (src->display_name);
}

static char *
sdp_of (const sip_t *sip)
{
  if (sip == NULL || sip->sip_payload == NULL || sip->sip_payload->pl_len == 0)
    return NULL;
  if (sip->sip_content_type != NULL && sip->sip_content_type->c_type != NULL
      && g_ascii_strcasecmp (sip->sip_content_type->c_type, "application/sdp") != 0)
    return NULL;
  return g_strndup (sip->sip_payload->pl_data, sip->sip_payload->pl_len);
}

MgSipDialog *
mg_sip_dialog_new_outbound (nua_t *nua, const MgSipAccount *account, const char *from_aor,
                            const char *to_uri, const char *sdp)
{
  MgSipDialog *self = g_object_new (MG_TYPE_SIP_DIALOG, NULL);
  g_autofree char *from = NULL;

  copy_account (&self->account, account);
  self->outbound = TRUE;
  self->state = MG_SIP_DIALOG_STATE_CALLING;
  self->remote_number = g_strdup (to_uri);
  from = account->display_name && *account->display_name
           ? g_strdup_printf ("\"%s\" <%s>", account->display_name, from_aor)
           : g_strdup (from_aor);
  self->nh = nua_handle (nua, self, SIPTAG_TO_STR (to_uri), SIPTAG_FROM_STR (from), TAG_END ());
  nua_invite (self->nh, NUTAG_URL (URL_STRING_MAKE (to_uri)), NUTAG_M_USERNAME (account->number),
              SIPTAG_CONTENT_TYPE_STR ("application/sdp"), SIPTAG_PAYLOAD_STR (sdp), TAG_END ());
  return self;
}

/* RFC 3323/3325: the caller asked that its identity not be passed on. */
static gboolean
withholds_identity (const sip_t *sip)
{
  if (sip->sip_privacy != NULL && sip->sip_privacy->priv_values != NULL)
    for (const msg_param_t *value = sip->sip_privacy->priv_values; *value != NULL; value++)
      if (g_ascii_strcasecmp (*value, "id") == 0 || g_ascii_strcasecmp (*value, "user") == 0
          || g_ascii_strcasecmp (*value, "header") == 0)
        return TRUE;
  return sip->sip_from != NULL && sip->sip_from->a_url->url_user != NULL
         && g_ascii_strcasecmp (sip->sip_from->a_url->url_user, "anonymous") == 0;
}

MgSipDialog *
mg_sip_dialog_new_inbound (nua_handle_t *nh, const MgSipAccount *account, const sip_t *sip)
{
  MgSipDialog *self = g_object_new (MG_TYPE_SIP_DIALOG, NULL);

  copy_account (&self->account, account);
  self->nh = nh;
  nua_handle_bind (nh, self);
  self->state = MG_SIP_DIALOG_STATE_INCOMING;
  if (sip->sip_from != NULL)
    {
      self->remote_number = g_strdup (sip->sip_from->a_url->url_user);
      if (sip->sip_from->a_display != NULL)
        self->remote_display = g_strdup (sip->sip_from->a_display);
    }
  if (sip->sip_call_id != NULL)
    self->call_id = g_strdup (sip->sip_call_id->i_id);
  self->identity_withheld = withholds_identity (sip);
  self->remote_sdp = sdp_of (sip);
  return self;
}

gboolean
mg_sip_dialog_owns_handle (MgSipDialog *self, nua_handle_t *nh)
{
  return self->nh != NULL && self->nh == nh;
}

static void
end (MgSipDialog *self, guint status, const char *reason, gboolean by_remote)
{
  g_autoptr (MgSipDialog) keep = g_object_ref (self);

  if (self->ended)
    return;
  self->ended = TRUE;
  self->state = MG_SIP_DIALOG_STATE_TERMINATED;
  if (status != 0 && self->final_status == 0)
    {
      self->final_status = status;
      g_free (self->final_reason);
      self->final_reason = g_strdup (reason);
    }
  g_info ("call %s %s %s ended: %u %s (%s)", self->account.number,
          self->outbound ? "->" : "<-", self->remote_number ? self->remote_number : "?",
          self->final_status, self->final_reason ? self->final_reason : "",
          by_remote ? "far end" : "here");
  g_signal_emit (self, signals[SIGNAL_ENDED], 0, self->final_status, self->final_reason, by_remote);
}

static gboolean
answer_challenge (MgSipDialog *self, const sip_t *sip)
{
  g_autofree char *auth = NULL;

  if (self->answered_challenge
      || (auth = mg_sip_account_answer_challenge (&self->account, sip)) == NULL)
    return FALSE;
  self->answered_challenge = TRUE;
  nua_authenticate (self->nh, NUTAG_AUTH (auth), TAG_END ());
  memset (auth, 0, strlen (auth));
  return TRUE;
}

static void
handle_invite_response (MgSipDialog *self, int status, const char *phrase, const sip_t *sip)
{
  g_autofree char *sdp = sdp_of (sip);

  if (sip != NULL && sip->sip_call_id != NULL && self->call_id == NULL)
    self->call_id = g_strdup (sip->sip_call_id->i_id);
  if (self->reinvite_pending && self->state == MG_SIP_DIALOG_STATE_CONFIRMED)
    {
      if (status < 200)
        return;
      self->reinvite_pending = FALSE;
      if (sdp != NULL)
        {
          g_free (self->remote_sdp);
          self->remote_sdp = g_strdup (sdp);
        }
      g_signal_emit (self, signals[SIGNAL_REINVITE_ANSWERED], 0, (guint) status, sdp);
      return;
    }
  if (status == 180 || status == 183)
    {
      self->state = MG_SIP_DIALOG_STATE_EARLY;
      if (sdp != NULL)
        {
          g_free (self->remote_sdp);
          self->remote_sdp = g_strdup (sdp);
        }
      g_signal_emit (self, signals[SIGNAL_PROGRESS], 0, (guint) status, phrase, sdp);
    }
  else if (status >= 200 && status < 300)
    {
      self->state = MG_SIP_DIALOG_STATE_CONFIRMED;
      if (sdp != NULL)
        {
          g_free (self->remote_sdp);
          self->remote_sdp = g_strdup (sdp);
        }
      g_signal_emit (self, signals[SIGNAL_ANSWERED], 0, self->remote_sdp);
    }
  else if (status >= 300)
    {
      if ((status == 401 || status == 407) && answer_challenge (self, sip))
        return;
      self->final_status = status;
      g_free (self->final_reason);
      self->final_reason = g_strdup (phrase);
    }
}

static void
handle_reinvite (MgSipDialog *self, const sip_t *sip)
{
  g_autofree char *sdp = sdp_of (sip);

  if (sdp != NULL)
    {
      g_free (self->remote_sdp);
      self->remote_sdp = g_strdup (sdp);
    }
  g_signal_emit (self, signals[SIGNAL_REOFFERED], 0, sdp);
}

static void
handle_info (MgSipDialog *self, const sip_t *sip)
{
  g_autofree char *body = NULL;
  const char *type = NULL;

  if (sip != NULL && sip->sip_payload != NULL)
    body = g_strndup (sip->sip_payload->pl_data, sip->sip_payload->pl_len);
  if (sip != NULL && sip->sip_content_type != NULL)
    type = sip->sip_content_type->c_type;
  g_signal_emit (self, signals[SIGNAL_INFO], 0, type, body);
}

static void
handle_state (MgSipDialog *self, tagi_t tags[])
{
  int state = nua_callstate_init;

  tl_gets (tags, NUTAG_CALLSTATE_REF (state), TAG_END ());
  if (state == nua_callstate_ready && !self->outbound
      && self->state != MG_SIP_DIALOG_STATE_CONFIRMED)
    {
      self->state = MG_SIP_DIALOG_STATE_CONFIRMED;
      g_signal_emit (self, signals[SIGNAL_CONFIRMED], 0);
    }
  else if (state == nua_callstate_terminated)
    {
      end (self, 0, NULL, !self->hangup_sent);
      drop_handle (self);
    }
}

/**
 * mg_sip_dialog_handle_event: (skip)
 * @self: a dialog
 * @event: the nua event for its handle
 * @status: SIP status
 * @phrase: reason phrase
 * @sip: the message
 * @tags: event tags
 *
 * Advances the dialog with one sofia-sip event.
 */
void
mg_sip_dialog_handle_event (MgSipDialog *self, nua_event_t event, int status, const char *phrase,
                            const sip_t *sip, tagi_t tags[])
{
  g_autoptr (MgSipDialog) keep = g_object_ref (self);

  switch (event)
    {
    case nua_r_invite:
      handle_invite_response (self, status, phrase, sip);
      break;
    case nua_i_invite:
      handle_reinvite (self, sip);
      break;
    case nua_i_info:
      handle_info (self, sip);
      break;
    case nua_r_refer:
      if (status >= 200)
        g_signal_emit (self, signals[SIGNAL_REFERRED], 0, (guint) status);
      break;
    case nua_i_cancel:
      end (self, 487, "Request Terminated", TRUE);
      break;
    case nua_i_bye:
      end (self, 0, NULL, TRUE);
      break;
    case nua_i_state:
      handle_state (self, tags);
      break;
    default:
      g_debug ("dialog %s: nua event %s %d %s", self->account.number, nua_event_name (event),
               status, phrase ? phrase : "");
      break;
    }
}

/**
 * mg_sip_dialog_detach: (skip)
 * @self: a dialog
 *
 * The SIP stack is going away: end the dialog here without sending
 * anything more and forget the handle.
 */
void
mg_sip_dialog_detach (MgSipDialog *self)
{
  g_autoptr (MgSipDialog) keep = g_object_ref (self);

  self->hangup_sent = TRUE;
  end (self, 0, NULL, FALSE);
  drop_handle (self);
}

/**
 * mg_sip_dialog_ring:
 * @self: an inbound dialog
 *
 * Tells the caller we are alerting (180 Ringing).
 */
void
mg_sip_dialog_ring (MgSipDialog *self)
{
  g_return_if_fail (MG_IS_SIP_DIALOG (self));

  if (self->nh == NULL || self->outbound || self->state != MG_SIP_DIALOG_STATE_INCOMING)
    return;
  self->state = MG_SIP_DIALOG_STATE_EARLY;
  nua_respond (self->nh, SIP_180_RINGING, TAG_END ());
}

/**
 * mg_sip_dialog_answer:
 * @self: an inbound dialog
 * @sdp: our SDP answer
 *
 * Answers the call (200 OK with @sdp).
 */
void
mg_sip_dialog_answer (MgSipDialog *self, const char *sdp)
{
  g_return_if_fail (MG_IS_SIP_DIALOG (self));
  g_return_if_fail (sdp != NULL);

  if (self->nh == NULL || self->outbound || self->ended)
    return;
  nua_respond (self->nh, SIP_200_OK, SIPTAG_CONTENT_TYPE_STR ("application/sdp"),
               SIPTAG_PAYLOAD_STR (sdp), TAG_END ());
}

/**
 * mg_sip_dialog_reject:
 * @self: an inbound dialog not yet answered
 * @status: a final status, 300 to 699
 * @reason: (nullable): its reason phrase, or %NULL for the standard one
 *
 * Rejects the call.
 */
void
mg_sip_dialog_reject (MgSipDialog *self, guint status, const char *reason)
{
  g_return_if_fail (MG_IS_SIP_DIALOG (self));
  g_return_if_fail (status >= 300 && status < 700);

  if (self->nh == NULL || self->outbound || self->ended
      || self->state == MG_SIP_DIALOG_STATE_CONFIRMED)
    return;
  self->hangup_sent = TRUE;
  nua_respond (self->nh, status, reason ? reason : sip_status_phrase (status), TAG_END ());
  end (self, status, reason ? reason : sip_status_phrase (status), FALSE);
}

/**
 * mg_sip_dialog_redirect:
 * @self: an incoming dialog not answered yet
 * @target: where the caller should call instead (a SIP URI; ours, not the
 *   caller's input: it is checked by the caller of this function)
 *
 * Answers the INVITE with 302 Moved Temporarily and @target as Contact:
 * the caller (or its proxy) calls there instead.
 */
void
mg_sip_dialog_redirect (MgSipDialog *self, const char *target)
{
  g_return_if_fail (MG_IS_SIP_DIALOG (self));
  g_return_if_fail (target != NULL);

  if (self->nh == NULL || self->outbound || self->ended
      || self->state == MG_SIP_DIALOG_STATE_CONFIRMED)
    return;
  self->hangup_sent = TRUE;
  nua_respond (self->nh, SIP_302_MOVED_TEMPORARILY, SIPTAG_CONTACT_STR (target), TAG_END ());
  end (self, 302, sip_status_phrase (302), FALSE);
}

/**
 * mg_sip_dialog_hangup:
 * @self: a dialog
 *
 * Ends the call from our side: CANCEL before an answer to our INVITE, 480
 * to an inbound call not yet answered, BYE once answered.
 */
void
mg_sip_dialog_hangup (MgSipDialog *self)
{
  g_return_if_fail (MG_IS_SIP_DIALOG (self));

  if (self->nh == NULL || self->ended || self->hangup_sent)
    return;
  self->hangup_sent = TRUE;
  if (self->state == MG_SIP_DIALOG_STATE_CONFIRMED)
    nua_bye (self->nh, TAG_END ());
  else if (self->outbound)
    nua_cancel (self->nh, TAG_END ());
  else
    {
      nua_respond (self->nh, SIP_480_TEMPORARILY_UNAVAILABLE, TAG_END ());
      end (self, 480, "Temporarily Unavailable", FALSE);
    }
}

/**
 * mg_sip_dialog_reinvite:
 * @self: a confirmed dialog
 * @sdp: our new offer (e.g. `a=sendonly` to hold)
 *
 * Sends a re-INVITE; [signal@Mg.SipDialog::reinvite-answered] reports the answer.
 */
void
mg_sip_dialog_reinvite (MgSipDialog *self, const char *sdp)
{
  g_return_if_fail (MG_IS_SIP_DIALOG (self));
  g_return_if_fail (sdp != NULL);

  if (self->nh == NULL || self->state != MG_SIP_DIALOG_STATE_CONFIRMED)
    return;
  self->reinvite_pending = TRUE;
  nua_invite (self->nh, SIPTAG_CONTENT_TYPE_STR ("application/sdp"), SIPTAG_PAYLOAD_STR (sdp),
              TAG_END ());
}

/**
 * mg_sip_dialog_accept_reinvite:
 * @self: a dialog that got [signal@Mg.SipDialog::reoffered]
 * @sdp: our SDP answer
 *
 * Answers the far end's re-INVITE with 200 OK.
 */
void
mg_sip_dialog_accept_reinvite (MgSipDialog *self, const char *sdp)
{
  g_return_if_fail (MG_IS_SIP_DIALOG (self));
  g_return_if_fail (sdp != NULL);

  if (self->nh == NULL || self->ended)
    return;
  nua_respond (self->nh, SIP_200_OK, SIPTAG_CONTENT_TYPE_STR ("application/sdp"),
               SIPTAG_PAYLOAD_STR (sdp), TAG_END ());
}

/**
 * mg_sip_dialog_refuse_reinvite:
 * @self: a confirmed dialog with a re-INVITE pending
 * @status: the final status, 400-699 (e.g. 488 for an unusable offer)
 *
 * Refuses the far end's re-INVITE; the call goes on with the media as it was
 * (RFC 3261 §14.2).
 */
void
mg_sip_dialog_refuse_reinvite (MgSipDialog *self, guint status)
{
  g_return_if_fail (MG_IS_SIP_DIALOG (self));
  g_return_if_fail (status >= 400 && status < 700);

  if (self->nh == NULL || self->ended)
    return;
  nua_respond (self->nh, status, sip_status_phrase (status), TAG_END ());
}

/**
 * mg_sip_dialog_send_info:
 * @self: a confirmed dialog
 * @content_type: e.g. "application/dtmf-relay"
 * @body: the body
 *
 * Sends an in-dialog INFO.
 */
void
mg_sip_dialog_send_info (MgSipDialog *self, const char *content_type, const char *body)
{
  g_return_if_fail (MG_IS_SIP_DIALOG (self));

  if (self->nh == NULL || self->state != MG_SIP_DIALOG_STATE_CONFIRMED)
    return;
  nua_info (self->nh, SIPTAG_CONTENT_TYPE_STR (content_type), SIPTAG_PAYLOAD_STR (body),
            TAG_END ());
}

/**
 * mg_sip_dialog_refer:
 * @self: a confirmed dialog
 * @target: the SIP URI the far end should call instead (blind transfer)
 *
 * Sends REFER; #MgSipDialog::referred tells how the far end answered.
 *
 * Returns: whether the REFER went out
 */
gboolean
mg_sip_dialog_refer (MgSipDialog *self, const char *target)
{
  g_return_val_if_fail (MG_IS_SIP_DIALOG (self), FALSE);

  if (self->nh == NULL || self->state != MG_SIP_DIALOG_STATE_CONFIRMED)
    return FALSE;
  nua_refer (self->nh, SIPTAG_REFER_TO_STR (target), TAG_END ());
  return TRUE;
}

/**
 * mg_sip_dialog_get_state:
 * @self: a dialog
 *
 * Returns: where the dialog stands
 */
MgSipDialogState
mg_sip_dialog_get_state (MgSipDialog *self)
{
  g_return_val_if_fail (MG_IS_SIP_DIALOG (self), MG_SIP_DIALOG_STATE_TERMINATED);
  return self->state;
}

/**
 * mg_sip_dialog_is_outbound:
 * @self: a dialog
 *
 * Returns: whether we sent the INVITE
 */
gboolean
mg_sip_dialog_is_outbound (MgSipDialog *self)
{
  g_return_val_if_fail (MG_IS_SIP_DIALOG (self), FALSE);
  return self->outbound;
}

/**
 * mg_sip_dialog_get_local_number:
 * @self: a dialog
 *
 * Returns: the extension this dialog belongs to
 */
const char *
mg_sip_dialog_get_local_number (MgSipDialog *self)
{
  g_return_val_if_fail (MG_IS_SIP_DIALOG (self), NULL);
  return self->account.number;
}

/**
 * mg_sip_dialog_get_remote_number:
 * @self: a dialog
 *
 * Returns: (nullable): the far end: the caller's user part inbound, the dialled URI outbound
 */
const char *
mg_sip_dialog_get_remote_number (MgSipDialog *self)
{
  g_return_val_if_fail (MG_IS_SIP_DIALOG (self), NULL);
  return self->remote_number;
}

/**
 * mg_sip_dialog_get_remote_display:
 * @self: a dialog
 *
 * Returns: (nullable): the caller's display name
 */
const char *
mg_sip_dialog_get_remote_display (MgSipDialog *self)
{
  g_return_val_if_fail (MG_IS_SIP_DIALOG (self), NULL);
  return self->remote_display;
}

/**
 * mg_sip_dialog_get_identity_withheld:
 * @self: a dialog
 *
 * Returns: whether the caller asked for privacy (`Privacy: id`, `user` or
 *   `header`, or an anonymous From): applications get `restricted`
 */
gboolean
mg_sip_dialog_get_identity_withheld (MgSipDialog *self)
{
  g_return_val_if_fail (MG_IS_SIP_DIALOG (self), FALSE);
  return self->identity_withheld;
}

/**
 * mg_sip_dialog_get_remote_sdp:
 * @self: a dialog
 *
 * Returns: (nullable): the far end's latest SDP
 */
const char *
mg_sip_dialog_get_remote_sdp (MgSipDialog *self)
{
  g_return_val_if_fail (MG_IS_SIP_DIALOG (self), NULL);
  return self->remote_sdp;
}

/**
 * mg_sip_dialog_get_call_id:
 * @self: a dialog
 *
 * Returns: (nullable): the SIP Call-ID
 */
const char *
mg_sip_dialog_get_call_id (MgSipDialog *self)
{
  g_return_val_if_fail (MG_IS_SIP_DIALOG (self), NULL);
  return self->call_id;
}

/**
 * mg_sip_dialog_get_final_status:
 * @self: a dialog
 *
 * Returns: the final failure status (e.g. 486), or 0
 */
guint
mg_sip_dialog_get_final_status (MgSipDialog *self)
{
  g_return_val_if_fail (MG_IS_SIP_DIALOG (self), 0);
  return self->final_status;
}

/**
 * mg_sip_dialog_get_final_reason:
 * @self: a dialog
 *
 * Returns: (nullable): the reason phrase of the final failure status
 */
const char *
mg_sip_dialog_get_final_reason (MgSipDialog *self)
{
  g_return_val_if_fail (MG_IS_SIP_DIALOG (self), NULL);
  return self->final_reason;
}
