/* mg-cti-application.c: the ECMA-354 application session services:
 * StartApplicationSession (with resume), ResetApplicationSessionTimer,
 * StopApplicationSession
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-cti"

#include "mg-build-config.h"

#include <string.h>

#include "mg-crypto-private.h"
#include "mg-csta-private.h"
#include "mg-cti-replay-private.h"
#include "mg-cti-session-private.h"

static void
reply_session (MgCtiSession *self, guint invoke_id, const char *name, const char *error_code)
{
  g_autoptr (GString) out = g_string_new (NULL);

  mg_csta_open (out, name, MG_CSTA_NS_SESSION);
  if (error_code != NULL)
    {
      mg_csta_open (out, "errorCode", NULL);
      mg_csta_leaf (out, "definedError", error_code);
      mg_csta_close (out, "errorCode");
    }
  else if (g_str_equal (name, "ResetApplicationSessionTimerPosResponse"))
    {
      g_autofree char *duration = g_strdup_printf ("%u", self->duration);

      mg_csta_leaf (out, "actualSessionDuration", duration);
    }
  mg_csta_close (out, name);
  mg_cti_session_send (self, invoke_id, out->str);
}

/* The edition to answer in: the newest of those asked for that we speak;
 * ed6 when none is asked for. UNKNOWN: none of them. */
static MgCstaEdition
negotiate_edition (xmlNode *request)
{
  xmlNode *versions = mg_csta_find (request, "requestedProtocolVersions");
  MgCstaEdition best = MG_CSTA_EDITION_UNKNOWN;

  if (versions == NULL || mg_csta_find (versions, "protocolVersion") == NULL)
    return MG_CSTA_EDITION_6;
  for (xmlNode *v = versions->children; v != NULL; v = v->next)
    if (v->type == XML_ELEMENT_NODE && g_str_equal ((const char *) v->name, "protocolVersion"))
      {
        xmlChar *text = xmlNodeGetContent (v);
        g_autofree char *ns = g_strstrip (g_strdup ((const char *) text));
        MgCstaEdition edition = mg_csta_edition_from_namespace (ns);

        xmlFree (text);
        best = MAX (best, edition);
      }
  return best;
}

/* The access token: in applicationSpecificInfo (any element named token or
 * accessToken), else the upgrade's Authorization: Bearer. */
static char *
dup_token (MgCtiSession *self, xmlNode *request)
{
  xmlNode *info = mg_csta_find (request, "applicationInfo/applicationSpecificInfo");
  xmlNode *token = info ? mg_csta_find_descendant (info, "token") : NULL;

  if (token == NULL && info != NULL)
    token = mg_csta_find_descendant (info, "accessToken");
  if (token != NULL)
    {
      xmlChar *text = xmlNodeGetContent (token);
      char *value = g_strstrip (g_strdup ((const char *) text));

      xmlFree (text);
      return value;
    }
  return g_strdup (self->bearer_token);
}

static guint
session_duration (MgCtiSession *self, xmlNode *request)
{
  g_autofree char *requested = mg_csta_dup_text (request, "requestedSessionDuration");
  guint limit = mg_cti_server_get_session_timeout (self->server);
  guint64 value = 0;

  if (requested != NULL && g_ascii_string_to_unsigned (requested, 10, 1, G_MAXUINT, &value, NULL))
    return MIN ((guint) value, limit);
  return limit;
}

/* A field of our login element in applicationSpecificInfo, any namespace. */
static char *
dup_login_field (xmlNode *request, const char *name)
{
  xmlNode *info = mg_csta_find (request, "applicationInfo/applicationSpecificInfo");
  xmlNode *field = info ? mg_csta_find_descendant (info, name) : NULL;
  xmlChar *text;
  char *value;

  if (field == NULL)
    return NULL;
  text = xmlNodeGetContent (field);
  value = g_strstrip (g_strdup ((const char *) text));
  xmlFree (text);
  return value;
}

/* The positive answer to StartApplicationSession, and the timers start.
 * @private_data: (nullable): XML for extensions/privateData/private (our
 * namespace is declared as x) */
static void
begin (MgCtiSession *self, guint invoke_id, MgCstaMessage *msg, MgCstaEdition edition,
       const char *private_data)
{
  g_autoptr (GString) out = g_string_new (NULL);
  g_autofree char *duration = NULL;

  self->edition = edition;
  self->duration = session_duration (self, msg->root);
  duration = g_strdup_printf ("%u", self->duration);
  mg_csta_open (out, "StartApplicationSessionPosResponse", MG_CSTA_NS_SESSION);
  mg_csta_leaf (out, "sessionID", self->id);
  mg_csta_leaf (out, "actualProtocolVersion", mg_cti_session_get_namespace (self));
  mg_csta_leaf (out, "actualSessionDuration", duration);
  if (private_data != NULL)
    g_string_append_printf (out,
                            "<extensions><privateData><private><x:session xmlns:x=\"%s\">%s"
                            "</x:session></private></privateData></extensions>",
                            MG_CSTA_NS_PRIVATE, private_data);
  mg_csta_close (out, "StartApplicationSessionPosResponse");
  mg_cti_session_send (self, invoke_id, out->str);
  mg_cti_session_start_timers (self);
}

/* @fresh, a new connection's session, resumes @old: @old takes the
 * connection (and, if it still had one, drops its own), keeps its monitors
 * and their IDs, answers, then sends again the events after the
 * application's lastSequence, or says that some are gone (docs/cti.md). */
static void
resume (MgCtiSession *old, MgCtiSession *fresh, guint invoke_id, MgCstaMessage *msg,
        MgCstaEdition edition)
{
  MgCtiLink *link = fresh->link;
  g_autofree char *last_text = dup_login_field (msg->root, "lastSequence");
  guint64 last = 0;
  gboolean complete;
  g_autoptr (GPtrArray) missed = NULL;
  g_autofree char *report = NULL;

  if (last_text != NULL)
    g_ascii_string_to_unsigned (last_text, 10, 0, G_MAXUINT64, &last, NULL);
  if (old->link != NULL)
    {
      g_signal_handlers_disconnect_by_data (old->link, old);
      mg_cti_link_close (old->link, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION,
                         "the session was resumed elsewhere");
      g_clear_object (&old->link);
      g_clear_pointer (&old->slot, mg_source_slot_free);
      mg_cti_server_session_detached (old->server, old);
    }
  g_clear_handle_id (&old->cleanup_id, g_source_remove);
  g_signal_handlers_disconnect_by_data (link, fresh);
  fresh->closing = fresh->ended = TRUE;
  old->link = g_object_ref (link);
  old->slot = g_steal_pointer (&fresh->slot);
  old->remote_ip = mg_source_slot_get_client (old->slot);
  old->binary = fresh->binary;
  g_clear_pointer (&old->stream, mg_csta_stream_free);
  old->stream = g_steal_pointer (&fresh->stream);
  old->closing = old->timed_out = FALSE;
  mg_cti_session_connect (old, link);
  mg_cti_server_adopt (old->server, link, old); /* lets go of @fresh */

  missed = mg_cti_replay_since (old->replay, last, &complete);
  report = g_strdup_printf ("<x:resumed>true</x:resumed><x:replayed>%u</x:replayed>"
                            "<x:complete>%s</x:complete>",
                            missed->len, complete ? "true" : "false");
  begin (old, invoke_id, msg, edition, report);
  for (guint i = 0; i < missed->len; i++)
    mg_cti_session_send (old, MG_CSTA_EVENT_INVOKE_ID, g_ptr_array_index (missed, i));
  g_info ("CTI session %s resumed from %s: %u events again%s", old->id, old->remote_ip, missed->len,
          complete ? "" : ", some were no longer kept");
}

void
mg_cti_start_application_session (MgCtiSession *self, guint invoke_id, MgCstaMessage *msg)
{
  g_autofree char *application = mg_csta_dup_text (msg->root, "applicationInfo/applicationID");
  g_autofree char *token = dup_token (self, msg->root);
  g_autoptr (GError) error = NULL;
  g_autofree char *resume_id = NULL;
  MgCstaEdition edition = negotiate_edition (msg->root);
  char *client_id;

  if (application == NULL || *application == '\0' || token == NULL)
    {
      reply_session (self, invoke_id, "StartApplicationSessionNegResponse",
                     "invalidApplicationInfo");
      mg_cti_session_close (self, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION,
                            "applicationID and an access token are required");
      return;
    }
  client_id = mg_cti_server_authenticate (self->server, token, &error);
  if (client_id == NULL)
    {
      g_info ("CTI application %s from %s refused: %s", application, self->remote_ip,
              error->message);
      reply_session (self, invoke_id, "StartApplicationSessionNegResponse",
                     "invalidApplicationInfo");
      mg_cti_session_close (self, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, "not authenticated");
      return;
    }
  if (edition == MG_CSTA_EDITION_UNKNOWN)
    {
      g_free (client_id);
      reply_session (self, invoke_id, "StartApplicationSessionNegResponse",
                     "requestedProtocolVersionNotSupported");
      return;
    }
  mg_cti_timers_stop (&self->timers); /* no start timeout once it asked */
  resume_id = dup_login_field (msg->root, "resumeSessionID");
  if (resume_id != NULL)
    {
      MgCtiSession *old = mg_cti_server_lookup_session (self->server, resume_id);

      if (old != NULL && old != self && !old->ended && g_strcmp0 (old->client_id, client_id) == 0)
        {
          g_free (client_id);
          resume (old, self, invoke_id, msg, edition);
          return;
        }
      g_info ("CTI application %s: session %s cannot be resumed, a new one starts", application,
              resume_id);
    }
  if (mg_cti_server_count_sessions (self->server) >= mg_cti_server_get_max_sessions (self->server))
    {
      g_free (client_id);
      g_info ("CTI application %s from %s refused: %u sessions already", application,
              self->remote_ip, mg_cti_server_count_sessions (self->server));
      reply_session (self, invoke_id, "StartApplicationSessionNegResponse", "maxNumberSessions");
      mg_cti_session_close (self, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION, "too many sessions");
      return;
    }
  self->client_id = client_id;
  self->policy = mg_cti_server_policy_for (self->server, client_id);
  self->application_id = g_steal_pointer (&application);
  self->id = mg_random_token (16);
  self->started_at = self->last_activity = g_get_real_time ();
  mg_cti_server_session_started (self->server, self, self->id);
  begin (self, invoke_id, msg, edition, resume_id ? "<x:resumed>false</x:resumed>" : NULL);
  g_info ("CTI session %s started: application %s, client %s, from %s, ed%d, %u s", self->id,
          self->application_id, self->client_id, self->remote_ip, self->edition, self->duration);
}

static gboolean
is_this_session (MgCtiSession *self, MgCstaMessage *msg)
{
  g_autofree char *id = mg_csta_dup_text (msg->root, "sessionID");

  return id != NULL && mg_constant_time_equal (id, self->id);
}

void
mg_cti_handle_reset_timer (MgCtiSession *self, guint invoke_id, MgCstaMessage *msg)
{
  if (!is_this_session (self, msg))
    {
      reply_session (self, invoke_id, "ResetApplicationSessionTimerNegResponse",
                     "invalidSessionID");
      return;
    }
  self->duration = session_duration (self, msg->root);
  mg_cti_session_restart_timer (self);
  reply_session (self, invoke_id, "ResetApplicationSessionTimerPosResponse", NULL);
}

void
mg_cti_handle_stop (MgCtiSession *self, guint invoke_id, MgCstaMessage *msg)
{
  if (!is_this_session (self, msg))
    {
      reply_session (self, invoke_id, "StopApplicationSessionNegResponse", "invalidSessionID");
      return;
    }
  reply_session (self, invoke_id, "StopApplicationSessionPosResponse", NULL);
  self->ended = TRUE; /* no resume after a stop */
  mg_cti_session_close (self, SOUP_WEBSOCKET_CLOSE_NORMAL, "StopApplicationSession");
}
