/* mg-webrtc-negotiation.c: the WebRTC leg's offer, answer, candidates and
 * ICE servers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-webrtc"
#define GST_USE_UNSTABLE_API

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>
#include <gst/webrtc/webrtc.h>
#include <string.h>

#include "mg-webrtc-leg-private.h"

/* --- offer and answer ------------------------------------------------- */

/* Whether a webrtcbin promise succeeded, with its reply (which may be NULL
 * on success). Promises can be interrupted, and a reply can carry an "error"
 * field instead of a result. */
static gboolean
promise_ok (GstPromise *promise, const char *what, const GstStructure **reply, GError **error)
{
  const GstStructure *r;
  g_autoptr (GError) reason = NULL;

  if (gst_promise_wait (promise) != GST_PROMISE_RESULT_REPLIED)
    {
      g_set_error (error, MG_WEBRTC_ERROR, MG_WEBRTC_ERROR_FAILED, _("%s: no reply from webrtcbin"),
                   what);
      return FALSE;
    }
  r = gst_promise_get_reply (promise);
  if (r != NULL && gst_structure_has_field (r, "error"))
    {
      gst_structure_get (r, "error", G_TYPE_ERROR, &reason, NULL);
      g_set_error (error, MG_WEBRTC_ERROR, MG_WEBRTC_ERROR_FAILED, "%s: %s", what,
                   reason ? reason->message : _("unknown error"));
      return FALSE;
    }
  if (reply != NULL)
    *reply = r;
  return TRUE;
}

typedef struct
{
  GTask *task;
  GstWebRTCSessionDescription *offer;
  GError *error;
} OfferHop;

static void
offer_hop_free (gpointer data)
{
  OfferHop *h = data;

  g_object_unref (h->task);
  g_clear_pointer (&h->offer, gst_webrtc_session_description_free);
  g_clear_error (&h->error);
  g_free (h);
}

static void
return_offer_error (GTask *task, GError *error)
{
  MgWebrtcLeg *self = g_task_get_source_object (task);

  self->offer_pending = FALSE;
  g_clear_pointer (&self->pending, gst_promise_unref);
  g_task_return_error (task, error);
}

/**
 * mg_webrtc_leg_interrupt:
 * @self: a #MgWebrtcLeg
 *
 * Interrupts the offer in flight, if any, before the pipeline stops:
 * webrtcbin drops its queued operations unanswered when it stops, so the
 * offer's task would never return and the promise would be freed pending.
 */
void
mg_webrtc_leg_interrupt (MgWebrtcLeg *self)
{
  if (self->pending != NULL)
    gst_promise_interrupt (self->pending);
}

static gboolean
local_set_main (gpointer data)
{
  OfferHop *h = data;
  MgWebrtcLeg *self = g_task_get_source_object (h->task);

  if (h->error != NULL)
    {
      return_offer_error (h->task, g_steal_pointer (&h->error));
      return G_SOURCE_REMOVE;
    }
  self->offer_pending = FALSE;
  g_clear_pointer (&self->pending, gst_promise_unref);
  mg_webrtc_leg_offered (self);
  g_task_return_pointer (h->task, g_strdup (g_task_get_task_data (h->task)), g_free);
  return G_SOURCE_REMOVE;
}

static void
on_local_set (GstPromise *promise, gpointer data)
{
  OfferHop *h = g_new0 (OfferHop, 1);

  h->task = g_object_ref (data);
  promise_ok (promise, _("webrtcbin refused our offer"), NULL, &h->error);
  mg_webrtc_leg_hop (g_task_get_context (h->task), local_set_main, h, offer_hop_free);
}

static gboolean
offer_main (gpointer data)
{
  OfferHop *h = data;
  MgWebrtcLeg *self = g_task_get_source_object (h->task);
  GstPromise *promise;

  if (h->error != NULL)
    {
      return_offer_error (h->task, g_steal_pointer (&h->error));
      return G_SOURCE_REMOVE;
    }
  g_task_set_task_data (h->task, gst_sdp_message_as_text (h->offer->sdp), g_free);
  g_free (self->mid);
  self->mid = mg_webrtc_sdp_first_mid (h->offer->sdp);
  promise = gst_promise_new_with_change_func (on_local_set, g_object_ref (h->task), g_object_unref);
  g_clear_pointer (&self->pending, gst_promise_unref);
  self->pending = promise;
  g_signal_emit_by_name (self->webrtcbin, "set-local-description", h->offer, promise);
  return G_SOURCE_REMOVE;
}

static void
on_offer_created (GstPromise *promise, gpointer data)
{
  OfferHop *h = g_new0 (OfferHop, 1);
  const GstStructure *reply = NULL;

  h->task = g_object_ref (data);
  if (promise_ok (promise, _("webrtcbin could not create an offer"), &reply, &h->error)
      && (reply == NULL
          || !gst_structure_get (reply, "offer", GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &h->offer, NULL)))
    g_set_error (&h->error, MG_WEBRTC_ERROR, MG_WEBRTC_ERROR_FAILED,
                 _("webrtcbin replied without an offer"));
  mg_webrtc_leg_hop (g_task_get_context (h->task), offer_main, h, offer_hop_free);
}

/**
 * mg_webrtc_leg_create_offer_async:
 * @self: a #MgWebrtcLeg
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the offer
 * @user_data: data for @callback
 *
 * Creates the offer and makes it the local description. The leg's bin must
 * be at least READY (webrtcbin runs its work on a thread it starts then).
 * Candidates follow through #MgWebrtcLeg::local-candidate.
 */
void
mg_webrtc_leg_create_offer_async (MgWebrtcLeg *self, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr (GTask) task = NULL;
  GstPromise *promise;

  g_return_if_fail (MG_IS_WEBRTC_LEG (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, mg_webrtc_leg_create_offer_async);
  if (self->state != MG_WEBRTC_LEG_STATE_NEW || self->offer_pending)
    {
      g_task_return_new_error (task, MG_WEBRTC_ERROR, MG_WEBRTC_ERROR_INVALID_STATE,
                               _("the leg has already made its offer"));
      return;
    }
  self->offer_pending = TRUE;
  promise = gst_promise_new_with_change_func (on_offer_created, g_object_ref (task),
                                              g_object_unref);
  self->pending = promise; /* our reference, for mg_webrtc_leg_interrupt() */
  g_signal_emit_by_name (self->webrtcbin, "create-offer", NULL, promise);
}

/**
 * mg_webrtc_leg_create_offer_finish:
 * @self: a #MgWebrtcLeg
 * @result: the #GAsyncResult given to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the offer's SDP text, or %NULL with @error set
 */
char *
mg_webrtc_leg_create_offer_finish (MgWebrtcLeg *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * mg_webrtc_leg_set_remote_answer:
 * @self: a #MgWebrtcLeg
 * @sdp: the browser's answer, SDP text
 * @error: return location for a #GError
 *
 * Checks the browser's answer (it parses, has an audio m-line with ICE
 * credentials and a DTLS fingerprint, and accepts one of the offered codecs)
 * and makes it the remote description. Waits for webrtcbin's verdict, so
 * its refusal is reported here too. On error nothing has changed and the leg
 * still waits for a valid answer.
 *
 * Returns: %TRUE on success
 */
gboolean
mg_webrtc_leg_set_remote_answer (MgWebrtcLeg *self, const char *sdp, GError **error)
{
  g_autoptr (GstSDPMessage) message = NULL;
  g_autoptr (GstPromise) promise = NULL;
  GstWebRTCSessionDescription *answer;
  MgWebrtcAnswerInfo info;

  g_return_val_if_fail (MG_IS_WEBRTC_LEG (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->state != MG_WEBRTC_LEG_STATE_OFFERED)
    {
      g_set_error (error, MG_WEBRTC_ERROR, MG_WEBRTC_ERROR_INVALID_STATE,
                   _("the leg is not waiting for an answer"));
      return FALSE;
    }
  message = mg_webrtc_parse_answer (sdp, self->codecs, &info, error);
  if (message == NULL)
    return FALSE;
  mg_webrtc_leg_map_payload_types (self, &info);
  answer = gst_webrtc_session_description_new (GST_WEBRTC_SDP_TYPE_ANSWER,
                                               g_steal_pointer (&message));
  promise = gst_promise_new ();
  g_signal_emit_by_name (self->webrtcbin, "set-remote-description", answer, promise);
  gst_webrtc_session_description_free (answer);
  /* webrtcbin works on its own thread and never needs ours: safe to wait */
  if (!promise_ok (promise, _("webrtcbin refused the answer"), NULL, error))
    return FALSE;
  mg_webrtc_leg_answered (self, &info);
  return TRUE;
}

/**
 * mg_webrtc_leg_add_remote_candidate:
 * @self: a #MgWebrtcLeg
 * @mline: the candidate's m-line index (`sdpMLineIndex`)
 * @mid: (nullable): the candidate's media id (`sdpMid`)
 * @candidate: (nullable): the candidate line, "candidate:…"; %NULL or empty
 *   (the browser's end of candidates) is ignored
 * @error: return location for a #GError
 *
 * Passes one of the browser's trickled ICE candidates to webrtcbin.
 *
 * Returns: %TRUE when the candidate was passed on or ignored; %FALSE with
 *   @error set when it is not a candidate or names another m-line
 */
gboolean
mg_webrtc_leg_add_remote_candidate (MgWebrtcLeg *self, guint mline, const char *mid,
                                    const char *candidate, GError **error)
{
  g_return_val_if_fail (MG_IS_WEBRTC_LEG (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (candidate == NULL || *candidate == '\0')
    return TRUE;
  if (g_str_has_prefix (candidate, "a="))
    candidate += 2;
  if (!g_str_has_prefix (candidate, "candidate:") || strpbrk (candidate, "\r\n") != NULL)
    {
      g_set_error (error, MG_WEBRTC_ERROR, MG_WEBRTC_ERROR_INVALID, _("not an ICE candidate"));
      return FALSE;
    }
  /* one bundled m-line: anything else is not ours */
  if (mline != 0 || (mid != NULL && self->mid != NULL && !g_str_equal (mid, self->mid)))
    {
      g_set_error (error, MG_WEBRTC_ERROR, MG_WEBRTC_ERROR_INVALID,
                   _("the candidate is for an unknown m-line"));
      return FALSE;
    }
  g_signal_emit_by_name (self->webrtcbin, "add-ice-candidate", mline, candidate);
  return TRUE;
}

/**
 * mg_webrtc_leg_add_ice_server:
 * @self: a #MgWebrtcLeg
 * @url: a STUN or TURN URL as browsers take them: "stun:host[:port]",
 *   "turn:host[:port][?transport=udp|tcp]" or "turns:…"
 * @username: (nullable): the TURN username (REST usernames "expiry:user" are fine)
 * @credential: (nullable): the TURN password
 * @error: return location for a #GError
 *
 * Adds an ICE server; call it before creating the offer. webrtcbin takes one
 * STUN server: later ones are ignored.
 *
 * Returns: %TRUE on success, %FALSE with @error set for a bad URL or a TURN
 *   server without credentials
 */
gboolean
mg_webrtc_leg_add_ice_server (MgWebrtcLeg *self, const char *url, const char *username,
                              const char *credential, GError **error)
{
  g_autofree char *uri = NULL;
  gboolean is_turn = FALSE;
  gboolean added = FALSE;

  g_return_val_if_fail (MG_IS_WEBRTC_LEG (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  uri = mg_webrtc_ice_server_uri (url, username, credential, &is_turn, error);
  if (uri == NULL)
    return FALSE;
  if (!is_turn)
    {
      if (!self->have_stun)
        g_object_set (self->webrtcbin, "stun-server", uri, NULL);
      else
        g_debug ("ignoring a second STUN server");
      self->have_stun = TRUE;
      return TRUE;
    }
  g_signal_emit_by_name (self->webrtcbin, "add-turn-server", uri, &added);
  if (!added)
    {
      g_set_error (error, MG_WEBRTC_ERROR, MG_WEBRTC_ERROR_INVALID,
                   _("webrtcbin refused the TURN server %s"), url);
      return FALSE;
    }
  return TRUE;
}

/* --- accessors --------------------------------------------------------- */

/**
 * mg_webrtc_leg_get_sink_pad:
 * @self: a #MgWebrtcLeg
 *
 * The pad to send RTP toward the browser into: the negotiated codec's
 * payload type (and telephone-event packets with theirs). Data that arrives
 * before the offer is made waits.
 *
 * Returns: (transfer none): webrtcbin's sink pad of the audio transceiver
 */
GstPad *
mg_webrtc_leg_get_sink_pad (MgWebrtcLeg *self)
{
  g_return_val_if_fail (MG_IS_WEBRTC_LEG (self), NULL);
  return self->sink_pad;
}

/**
 * mg_webrtc_leg_get_webrtcbin:
 * @self: a #MgWebrtcLeg
 *
 * For diagnostics (statistics, pipeline graphs); do not renegotiate through it.
 *
 * Returns: (transfer none): the leg's webrtcbin
 */
GstElement *
mg_webrtc_leg_get_webrtcbin (MgWebrtcLeg *self)
{
  g_return_val_if_fail (MG_IS_WEBRTC_LEG (self), NULL);
  return self->webrtcbin;
}

/**
 * mg_webrtc_leg_get_state:
 * @self: a #MgWebrtcLeg
 *
 * Returns: where the leg stands
 */
MgWebrtcLegState
mg_webrtc_leg_get_state (MgWebrtcLeg *self)
{
  g_return_val_if_fail (MG_IS_WEBRTC_LEG (self), MG_WEBRTC_LEG_STATE_NEW);
  return self->state;
}

/**
 * mg_webrtc_leg_get_mid:
 * @self: a #MgWebrtcLeg
 *
 * Returns: (nullable): the audio m-line's media id, once the offer is made
 */
const char *
mg_webrtc_leg_get_mid (MgWebrtcLeg *self)
{
  g_return_val_if_fail (MG_IS_WEBRTC_LEG (self), NULL);
  return self->mid;
}

/**
 * mg_webrtc_leg_get_encoding_name:
 * @self: a #MgWebrtcLeg
 *
 * Returns: (nullable): the negotiated codec's RTP encoding-name, once answered
 */
const char *
mg_webrtc_leg_get_encoding_name (MgWebrtcLeg *self)
{
  g_return_val_if_fail (MG_IS_WEBRTC_LEG (self), NULL);
  return self->codec ? self->codec->encoding_name : NULL;
}

/**
 * mg_webrtc_leg_get_payload_type:
 * @self: a #MgWebrtcLeg
 *
 * Returns: the negotiated codec's payload type, or -1 before the answer
 */
int
mg_webrtc_leg_get_payload_type (MgWebrtcLeg *self)
{
  g_return_val_if_fail (MG_IS_WEBRTC_LEG (self), -1);
  return self->codec ? self->payload_type : -1;
}

/**
 * mg_webrtc_leg_get_clock_rate:
 * @self: a #MgWebrtcLeg
 *
 * Returns: the negotiated codec's RTP clock rate, or 0 before the answer
 */
int
mg_webrtc_leg_get_clock_rate (MgWebrtcLeg *self)
{
  g_return_val_if_fail (MG_IS_WEBRTC_LEG (self), 0);
  return self->codec ? self->codec->clock_rate : 0;
}

/**
 * mg_webrtc_leg_get_telephone_event_pt:
 * @self: a #MgWebrtcLeg
 *
 * Returns: the answer's telephone-event/8000 payload type, or -1
 */
int
mg_webrtc_leg_get_telephone_event_pt (MgWebrtcLeg *self)
{
  g_return_val_if_fail (MG_IS_WEBRTC_LEG (self), -1);
  return self->telephone_event_pt;
}
