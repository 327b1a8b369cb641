/* mg-call-manager-sip.c: the call manager's SIP side: our SDP and the
 * peer's, the dialog's events, INVITEs from the platform, and a call's
 * progress up to connected (which waits for the phones' WebRTC legs)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-call"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>

#include "mg-call-manager-internal.h"
#include "mg-settings.h"

/* -- media policy for the SIP side --------------------------------------------- */

static const char *
cause_of_status (guint status)
{
  switch (status)
    {
    case 486:
    case 600:
      return "busy";
    case 404:
    case 604:
    case 484:
      return "not_found";
    case 408:
    case 487:
      return "no_answer";
    case 480:
    case 503:
      return "unavailable";
    case 603:
      return "declined";
    default:
      return "rejected";
    }
}

static gboolean
policy_has_telephone_event (MgCallManager *self)
{
  g_autoptr (JsonObject) media = mg_settings_load (self->store, "media");
  g_auto (GStrv) all = mg_settings_dup_strv (media, "audio_codecs");

  return g_strv_contains ((const char *const *) all, "telephone-event");
}

static MgSdes *
policy_sdes (MgCallManager *self)
{
  g_autoptr (JsonObject) media = mg_settings_load (self->store, "media");

  return mg_sdes_new (mg_srtp_policy_from_string (mg_settings_get_string (media, "sip_srtp")));
}

static const char *
media_address (MgCallManager *self)
{
  const char *address = mg_config_get_media_address (self->config);

  if (*address != '\0')
    return address;
  address = mg_config_get_sip_address (self->config);
  if (g_str_equal (address, "0.0.0.0") || g_str_equal (address, "::"))
    return "127.0.0.1";
  return address;
}

/* -- SIP media: our SDP, the peer's SDP ------------------------------------------ */

char *
mg_call_manager_build_sip_sdp (MgCallManager *self, MgCall *call, MgCallLeg *sip,
                               MgSdpDirection direction, GError **error)
{
  g_autoptr (GPtrArray) codecs =
    g_ptr_array_new_with_free_func ((GDestroyNotify) mg_sdp_codec_free);
  gboolean secure = FALSE;
  g_autoptr (GPtrArray) cryptos = sip->sdes ? mg_sdes_dup_local (sip->sdes, &secure) : NULL;

  g_ptr_array_add (codecs, mg_sdp_codec_copy (sip->sip_codec));
  if (sip->sip_dtmf_pt >= 0)
    {
      MgSdpCodec *te = mg_sdp_codec_new_default ("telephone-event");

      te->payload_type = sip->sip_dtmf_pt;
      g_ptr_array_add (codecs, te);
    }
  return mg_sip_sdp_build (media_address (self), mg_rtp_endpoint_get_local_port (sip->rtp),
                           g_str_hash (mg_call_get_id (call)), ++sip->sdp_version, codecs,
                           direction, cryptos, secure, error);
}

/* Our INVITE's offer: the phone's codec first (passthrough), then G.711 when
 * the phone speaks Opus (transcoding), and telephone-event. */
static char *
build_sip_offer (MgCallManager *self, MgCall *call, MgCallLeg *phone, MgCallLeg *sip,
                 GError **error)
{
  const char *first = mg_call_manager_policy_name (mg_webrtc_leg_get_encoding_name (phone->webrtc));
  g_auto (GStrv) policy = mg_call_manager_policy_codecs (self);
  g_autoptr (GPtrArray) codecs =
    g_ptr_array_new_with_free_func ((GDestroyNotify) mg_sdp_codec_free);
  g_autoptr (GPtrArray) cryptos = NULL;
  gboolean secure = FALSE;

  sip->sdes = policy_sdes (self);
  cryptos = mg_sdes_dup_offer (sip->sdes, &secure, error);
  if (cryptos == NULL && error != NULL && *error != NULL)
    return NULL;
  g_ptr_array_add (codecs, mg_sdp_codec_new_default (first));
  if (g_strcmp0 (first, "opus") == 0)
    for (guint i = 0; policy[i] != NULL; i++)
      if (g_str_equal (policy[i], "PCMU") || g_str_equal (policy[i], "PCMA"))
        g_ptr_array_add (codecs, mg_sdp_codec_new_default (policy[i]));
  if (policy_has_telephone_event (self))
    g_ptr_array_add (codecs, mg_sdp_codec_new_default ("telephone-event"));
  return mg_sip_sdp_build (media_address (self), mg_rtp_endpoint_get_local_port (sip->rtp),
                           g_str_hash (mg_call_get_id (call)), ++sip->sdp_version, codecs,
                           MG_SDP_DIRECTION_SENDRECV, cryptos, secure, error);
}

static gboolean
open_rtp (MgCallManager *self, MgCallLeg *sip, GError **error)
{
  if (sip->rtp != NULL)
    return TRUE;
  sip->rtp = mg_rtp_endpoint_new (media_address (self), mg_config_get_rtp_port_min (self->config),
                                  mg_config_get_rtp_port_max (self->config), error);
  return sip->rtp != NULL;
}

/* Takes the SIP peer's SDP (an offer, else an answer to ours): the crypto
 * line under the SRTP policy, the codec (preferring the phone's), its
 * telephone-event and its address. */
static gboolean
take_sip_sdp (MgCallManager *self, MgCallLeg *phone, MgCallLeg *sip, const char *text,
              gboolean offer, GError **error)
{
  g_autoptr (MgSipSdp) sdp = NULL;
  g_auto (GStrv) order = NULL;
  MgSdpCodec *te;
  MgSdpCodec *codec;

  if (text == NULL)
    {
      g_set_error (error, MG_SDP_ERROR, MG_SDP_ERROR_INVALID, _("the SIP peer sent no SDP"));
      return FALSE;
    }
  sdp = mg_sip_sdp_parse (text, -1, error);
  if (sdp == NULL)
    return FALSE;
  if (sip->sdes == NULL)
    sip->sdes = policy_sdes (self);
  if (!(offer ? mg_sdes_take_offer : mg_sdes_take_answer) (sip->sdes, sdp, error))
    return FALSE;
  order = mg_call_manager_codecs_preferring (
    self, mg_call_manager_policy_name (mg_webrtc_leg_get_encoding_name (phone->webrtc)));
  codec = mg_sip_sdp_choose_codec (sdp, (const char *const *) order, error);
  if (codec == NULL)
    return FALSE;
  g_clear_pointer (&sip->sip_codec, mg_sdp_codec_free);
  sip->sip_codec = codec;
  te = mg_sip_sdp_find_telephone_event (sdp, 8000);
  sip->sip_dtmf_pt = te != NULL && policy_has_telephone_event (self) ? (int) te->payload_type : -1;
  return mg_rtp_endpoint_set_remote (sip->rtp, mg_sip_sdp_get_address (sdp),
                                     mg_sip_sdp_get_port (sdp), error);
}

static gboolean
phones_connected (MgCall *call)
{
  for (guint i = 0; i < 2; i++)
    {
      MgWebrtcLeg *webrtc = mg_call_get_leg (call, i)->webrtc;

      if (webrtc != NULL && mg_webrtc_leg_get_state (webrtc) != MG_WEBRTC_LEG_STATE_CONNECTED)
        return FALSE;
    }
  return TRUE;
}

static void announce_when_connected (MgCallManager *self, MgCall *call);
static void play_early_media (MgCallManager *self, MgCall *call);

static void
on_webrtc_state (MgWebrtcLeg *webrtc, GParamSpec *pspec, MgCall *call)
{
  MgCallManager *self = g_object_get_data (G_OBJECT (call), "mg-manager");

  if (mg_webrtc_leg_get_state (webrtc) == MG_WEBRTC_LEG_STATE_FAILED)
    {
      mg_call_manager_end_call (self, call, -1, "media_failed", 0, NULL);
      return;
    }
  if (g_object_get_data (G_OBJECT (call), ANSWERED_KEY) != NULL)
    announce_when_connected (self, call);
  else
    play_early_media (self, call);
}

/* Calls on_webrtc_state whenever a phone's leg changes state (once). */
static void
watch_phone_legs (MgCall *call)
{
  for (guint i = 0; i < 2; i++)
    {
      MgWebrtcLeg *webrtc = mg_call_get_leg (call, i)->webrtc;

      if (webrtc != NULL
          && !g_signal_handler_find (webrtc, G_SIGNAL_MATCH_DATA | G_SIGNAL_MATCH_FUNC, 0, 0, NULL,
                                     on_webrtc_state, call))
        g_signal_connect (webrtc, "notify::state", G_CALLBACK (on_webrtc_state), call);
    }
}

/* Both sides agreed: the call is up, but the phones hear it only once their
 * WebRTC legs connected (ICE, DTLS). The bridge waits for that too: media
 * pushed into webrtcbin before its DTLS transport runs is refused (flushing),
 * which stops a transcoding jitter buffer for good. */
static void
announce_when_connected (MgCallManager *self, MgCall *call)
{
  g_autoptr (GError) error = NULL;

  g_object_set_data (G_OBJECT (call), ANSWERED_KEY, GINT_TO_POINTER (1));
  if (mg_call_get_state (call) == MG_CALL_STATE_CONNECTED
      || mg_call_get_state (call) == MG_CALL_STATE_ENDED)
    return;
  if (!phones_connected (call))
    {
      watch_phone_legs (call);
      return;
    }
  if (!mg_call_bridge (call, &error))
    {
      g_info ("call %s: %s", mg_call_get_id (call), error->message);
      mg_call_manager_end_call (self, call, -1, "media_failed", 0, NULL);
      return;
    }
  mg_call_set_state (call, MG_CALL_STATE_CONNECTED);
  for (guint i = 0; i < 2; i++)
    mg_call_manager_send_event (mg_call_get_leg (call, i)->phone, "accepted", call, NULL);
  if (g_object_get_data (G_OBJECT (call), BLIND_TRANSFER_KEY) != NULL)
    mg_call_manager_blind_transfer_answered (self, call);
}

static void
send_progress (MgCall *call)
{
  g_autoptr (JsonObject) extra = json_object_new ();

  json_object_set_boolean_member (extra, "early_media", mg_call_is_bridged (call));
  mg_call_manager_send_event (mg_call_get_leg (call, 0)->phone, "progress", call, extra);
}

/* The far end sent SDP before answering (183) and its address is taken:
 * bridge as soon as the phone's leg runs, so the phone hears ringback,
 * announcements or tones before the answer. The same bridge carries the
 * call once answered. */
static void
play_early_media (MgCallManager *self, MgCall *call)
{
  g_autoptr (GError) error = NULL;

  if (mg_call_get_state (call) != MG_CALL_STATE_RINGING || mg_call_is_bridged (call))
    return;
  if (!phones_connected (call))
    {
      watch_phone_legs (call);
      return;
    }
  if (!mg_call_bridge (call, &error))
    {
      g_info ("call %s: no early media: %s", mg_call_get_id (call), error->message);
      return;
    }
  send_progress (call);
}

/* -- SIP dialog events ------------------------------------------------------- */

void
mg_call_manager_send_digit (MgPhoneSession *phone, MgCall *call, const char *digit)
{
  g_autoptr (JsonObject) extra = json_object_new ();

  json_object_set_string_member (extra, "digit", digit);
  mg_call_manager_send_event (phone, "dtmf", call, extra);
}

/* A digit from the SIP mg_call_manager_party (leg 1) to whoever faces it. */
static void
relay_sip_digit (MgCall *call, const char *digit)
{
  MgCall *far_call;
  MgCallLeg *far = mg_call_manager_far_party (call, 1, &far_call);

  if (far->phone != NULL)
    mg_call_manager_send_digit (far->phone, far_call, digit);
  else if (far->dialog != NULL)
    {
      g_autofree char *body = g_strdup_printf ("Signal=%s\r\nDuration=160\r\n", digit);

      mg_sip_dialog_send_info (far->dialog, "application/dtmf-relay", body);
    }
}

static void
on_rtp_dtmf (MgRtpEndpoint *rtp, const char *digit, MgCall *call)
{
  relay_sip_digit (call, digit);
}

static void
on_dialog_progress (MgSipDialog *dialog, guint status, const char *reason, const char *sdp,
                    MgCall *call)
{
  MgCallManager *self = g_object_get_data (G_OBJECT (call), "mg-manager");
  MgCallLeg *phone = mg_call_get_leg (call, 0);
  MgCallLeg *sip = mg_call_get_leg (call, 1);
  g_autoptr (GError) error = NULL;

  mg_call_set_state (call, MG_CALL_STATE_RINGING);
  if (status == 180 && sdp == NULL)
    {
      mg_call_manager_send_event (phone->phone, "ringing", call, NULL);
      return;
    }
  if (sdp != NULL && !mg_call_is_bridged (call))
    {
      if (take_sip_sdp (self, phone, sip, sdp, FALSE, &error))
        play_early_media (self, call);
      else
        g_info ("call %s: no early media: %s", mg_call_get_id (call), error->message);
    }
  if (!mg_call_is_bridged (call)) /* else play_early_media told the phone */
    send_progress (call);
}

static void
on_dialog_answered (MgSipDialog *dialog, const char *sdp, MgCall *call)
{
  MgCallManager *self = g_object_get_data (G_OBJECT (call), "mg-manager");
  MgCallLeg *phone = mg_call_get_leg (call, 0);
  MgCallLeg *sip = mg_call_get_leg (call, 1);
  g_autoptr (GError) error = NULL;

  if (!mg_call_is_bridged (call) && !take_sip_sdp (self, phone, sip, sdp, FALSE, &error))
    {
      gboolean srtp = g_error_matches (error, MG_SDP_ERROR, MG_SDP_ERROR_SRTP);

      g_info ("call %s: cannot take the SIP answer: %s", mg_call_get_id (call), error->message);
      mg_call_manager_end_call (self, call, -1, srtp ? "srtp_required" : "media_failed", 0, NULL);
      return;
    }
  announce_when_connected (self, call);
}

static void
on_dialog_ended (MgSipDialog *dialog, guint status, const char *reason, gboolean by_remote,
                 MgCall *call)
{
  MgCallManager *self = g_object_get_data (G_OBJECT (call), "mg-manager");

  if (status != 0)
    mg_call_manager_end_call (self, call, 1, cause_of_status (status), status, reason);
  else
    mg_call_manager_end_call (self, call, 1, "remote_hangup", 0, NULL);
}

static void
on_dialog_reoffered (MgSipDialog *dialog, const char *sdp, MgCall *call)
{
  MgCallManager *self = g_object_get_data (G_OBJECT (call), "mg-manager");
  MgCallLeg *sip = mg_call_get_leg (call, 1);
  g_autoptr (MgSipSdp) offer = sdp ? mg_sip_sdp_parse (sdp, -1, NULL) : NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *answer = NULL;
  MgSdpDirection offered;
  gboolean hold;

  if (offer == NULL || (sip->sdes != NULL && !mg_sdes_take_offer (sip->sdes, offer, &error)))
    {
      g_info ("call %s: re-INVITE refused: %s", mg_call_get_id (call),
              error ? error->message : "no usable SDP");
      mg_sip_dialog_refuse_reinvite (dialog, 488);
      return;
    }
  offered = mg_sip_sdp_get_direction (offer);
  hold = offered == MG_SDP_DIRECTION_SENDONLY || offered == MG_SDP_DIRECTION_INACTIVE;
  answer = mg_call_manager_build_sip_sdp (self, call, sip, mg_sdp_direction_answer (offered, FALSE),
                                          &error);
  if (answer == NULL)
    {
      mg_sip_dialog_refuse_reinvite (dialog, 488);
      return;
    }
  mg_sip_dialog_accept_reinvite (dialog, answer);
  mg_call_set_hold (call, hold);
  g_object_set_data (G_OBJECT (call), HOLDER_KEY, GINT_TO_POINTER (hold ? 2 : 0));
  {
    g_autoptr (JsonObject) extra = json_object_new ();
    MgCall *far_call;
    MgCallLeg *far = mg_call_manager_far_party (call, 1, &far_call);

    json_object_set_string_member (extra, "by", "remote");
    if (far_call != call)
      mg_call_set_hold (far_call, hold);
    mg_call_manager_send_event (far->phone, hold ? "held" : "resumed", far_call, extra);
  }
}

static void
on_dialog_info (MgSipDialog *dialog, const char *content_type, const char *body, MgCall *call)
{
  const char *signal;
  char digit[2] = { 0, 0 };

  if (body == NULL || g_strcmp0 (content_type, "application/dtmf-relay") != 0
      || (signal = strstr (body, "Signal=")) == NULL)
    return;
  digit[0] = g_ascii_toupper (signal[strlen ("Signal=")]);
  if (digit[0] != '\0' && strchr ("0123456789*#ABCD", digit[0]))
    relay_sip_digit (call, digit);
}

/* The peer may give a new key in its answer to our re-INVITE (hold). */
static void
on_dialog_reinvite_answered (MgSipDialog *dialog, guint status, const char *sdp, MgCall *call)
{
  MgCallLeg *sip = mg_call_get_leg (call, 1);
  g_autoptr (MgSipSdp) answer = sdp && status < 300 ? mg_sip_sdp_parse (sdp, -1, NULL) : NULL;
  g_autoptr (GError) error = NULL;

  if (answer != NULL && sip->sdes != NULL && !mg_sdes_take_answer (sip->sdes, answer, &error))
    g_info ("call %s: the answer to our re-INVITE: %s", mg_call_get_id (call), error->message);
}

static void
watch_dialog (MgCall *call, MgSipDialog *dialog, MgRtpEndpoint *rtp)
{
  g_signal_connect (dialog, "reinvite-answered", G_CALLBACK (on_dialog_reinvite_answered), call);
  g_signal_connect (dialog, "progress", G_CALLBACK (on_dialog_progress), call);
  g_signal_connect (dialog, "answered", G_CALLBACK (on_dialog_answered), call);
  g_signal_connect (dialog, "ended", G_CALLBACK (on_dialog_ended), call);
  g_signal_connect (dialog, "reoffered", G_CALLBACK (on_dialog_reoffered), call);
  g_signal_connect (dialog, "info", G_CALLBACK (on_dialog_info), call);
  g_signal_connect (rtp, "dtmf-received", G_CALLBACK (on_rtp_dtmf), call);
}

/* -- progress once a phone answered our offer -------------------------------- */

static void
invite_sip (MgCallManager *self, MgCall *call)
{
  MgCallLeg *phone = mg_call_get_leg (call, 0);
  MgCallLeg *sip = mg_call_get_leg (call, 1);
  g_autoptr (GError) error = NULL;
  g_autofree char *offer = NULL;

  if (!open_rtp (self, sip, &error)
      || (offer = build_sip_offer (self, call, phone, sip, &error)) == NULL
      || (sip->dialog = mg_sip_agent_call (self->agent, phone->number, sip->number, offer, &error))
           == NULL)
    {
      g_info ("call %s: cannot call %s: %s", mg_call_get_id (call), sip->number, error->message);
      mg_call_manager_end_call (self, call, -1, "failed", 0, NULL);
      return;
    }
  watch_dialog (call, sip->dialog, sip->rtp);
}

static void
answer_sip (MgCallManager *self, MgCall *call)
{
  MgCallLeg *phone = mg_call_get_leg (call, 0);
  MgCallLeg *sip = mg_call_get_leg (call, 1);
  g_autoptr (GError) error = NULL;
  g_autofree char *answer = NULL;

  if (!open_rtp (self, sip, &error)
      || !take_sip_sdp (self, phone, sip, mg_sip_dialog_get_remote_sdp (sip->dialog), TRUE, &error)
      || (answer =
            mg_call_manager_build_sip_sdp (self, call, sip, MG_SDP_DIRECTION_SENDRECV, &error))
           == NULL)
    {
      g_info ("call %s: cannot answer: %s", mg_call_get_id (call), error->message);
      mg_sip_dialog_reject (sip->dialog, 488, NULL);
      mg_call_manager_end_call (self, call, -1, "media_failed", 488, "Not Acceptable Here");
      return;
    }
  g_signal_connect (sip->rtp, "dtmf-received", G_CALLBACK (on_rtp_dtmf), call);
  mg_sip_dialog_answer (sip->dialog, answer);
  announce_when_connected (self, call);
}

void
mg_call_manager_phone_answered (MgCallManager *self, MgCall *call)
{
  MgCallLeg *a = mg_call_get_leg (call, 0);
  MgCallLeg *b = mg_call_get_leg (call, 1);
  g_autoptr (GError) error = NULL;

  switch (mg_call_manager_route_of (call))
    {
    case ROUTE_SIP_OUT:
      if (a->answered && !g_object_get_data (G_OBJECT (call), INVITED_KEY))
        {
          g_object_set_data (G_OBJECT (call), INVITED_KEY, GINT_TO_POINTER (1));
          invite_sip (self, call);
        }
      break;
    case ROUTE_SIP_IN:
      if (a->answered)
        answer_sip (self, call);
      break;
    case ROUTE_LOCAL:
      if (a->answered && b->answered)
        announce_when_connected (self, call);
      break;
    }
}

gboolean
mg_call_manager_on_incoming_sip (MgSipAgent *agent, MgSipDialog *dialog, MgCallManager *self)
{
  const char *number = mg_sip_dialog_get_local_number (dialog);
  MgPhoneSession *phone = mg_phone_hub_lookup (self->hub, number);
  g_autoptr (MgExtension) extension = NULL;
  g_autoptr (JsonObject) extra = NULL;
  const char *text = mg_sip_dialog_get_remote_sdp (dialog);
  g_autoptr (MgSipSdp) offer = text ? mg_sip_sdp_parse (text, -1, NULL) : NULL;
  g_autoptr (MgSdes) sdes = policy_sdes (self);
  g_autoptr (GError) error = NULL;
  MgCall *call;
  MgCallLeg *sip;

  if (phone == NULL || !mg_phone_session_is_connected (phone))
    return FALSE; /* 480 */
  /* an offer the SRTP policy refuses never rings the phone */
  if (offer != NULL && !mg_sdes_take_offer (sdes, offer, &error))
    {
      g_info ("INVITE from %s refused (488): %s", mg_sip_dialog_get_remote_number (dialog),
              error->message);
      mg_sip_dialog_reject (dialog, 488, "Not Acceptable Here");
      return TRUE;
    }
  extension = mg_store_get_extension (self->store, number, NULL);
  call = mg_call_manager_new_call (self, ROUTE_SIP_IN, NULL);
  mg_call_manager_set_phone (mg_call_get_leg (call, 0), phone, extension);
  sip = mg_call_get_leg (call, 1);
  sip->sdes = g_steal_pointer (&sdes);
  sip->dialog = g_object_ref (dialog);
  sip->number = g_strdup (mg_sip_dialog_get_remote_number (dialog));
  sip->display_name = g_strdup (mg_sip_dialog_get_remote_display (dialog));
  sip->restricted = mg_sip_dialog_get_identity_withheld (dialog);
  g_signal_connect (dialog, "ended", G_CALLBACK (on_dialog_ended), call);
  g_signal_connect (dialog, "reoffered", G_CALLBACK (on_dialog_reoffered), call);
  g_signal_connect (dialog, "reinvite-answered", G_CALLBACK (on_dialog_reinvite_answered), call);
  g_signal_connect (dialog, "info", G_CALLBACK (on_dialog_info), call);
  mg_call_set_state (call, MG_CALL_STATE_RINGING);
  mg_sip_dialog_ring (dialog);
  extra = json_object_new ();
  json_object_set_object_member (extra, "from",
                                 mg_call_manager_party (sip->number, sip->display_name));
  mg_call_manager_send_event (phone, "incoming", call, extra);
  return TRUE;
}
