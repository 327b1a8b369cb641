/* mg-sip-agent.c: the server's one SIP user agent (sofia-sip nua on GLib)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-sip"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>

#include <gio/gio.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/soa_session.h>

#include <sofia-sip/su_log.h>

#include "mg-sip-agent.h"
#include "mg-sdes-private.h"
#include "mg-sip-private.h"

/* sofia-sip's log objects that its public headers do not declare */
extern su_log_t nua_log[];
extern su_log_t nta_log[];
extern su_log_t tport_log[];

/**
 * MgSipAgent:
 *
 * Mediagate's SIP user agent: one sofia-sip `nua` whose reactor runs on the
 * thread-default GLib main context (no SIP thread), registering every
 * enabled extension with the SIP platform.
 *
 * The platform has a primary and an optional secondary registrar/proxy. The
 * agent probes the active one with OPTIONS every keep-alive interval; after
 * a number of missed answers it moves every registration to the other one
 * and stays there until that one fails in turn (no flapping back). With no
 * platform (the embedded default) nothing is registered.
 */

struct _MgSipAgent
{
  GObject parent_instance;

  su_root_t *root;
  GSource *source;
  nua_t *nua;
  gboolean shutdown_done;

  char *registrars[2];
  guint active; /* index into registrars */
  guint expiry;

  GHashTable *registrations; /* number -> MgSipRegistration */
  GHashTable *live;          /* MgSipRegistration* set: validates nua hmagic */
  GHashTable *dialogs;       /* MgSipDialog* -> ref, until it ends */

  guint keepalive_interval;
  guint max_missed;
  guint missed;
  guint probe_id;
  nua_handle_t *probe;
  guint first_retry;
  guint max_retry;
};

enum {
  PROP_0,
  PROP_ACTIVE_REGISTRAR,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

enum {
  SIGNAL_REGISTRATION_CHANGED,
  SIGNAL_INCOMING_CALL,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_QUARK (mg-sip-error-quark, mg_sip_error)
G_DEFINE_FINAL_TYPE (MgSipAgent, mg_sip_agent, G_TYPE_OBJECT)

static void
mg_sip_agent_dispose (GObject *object)
{
  MgSipAgent *self = MG_SIP_AGENT (object);

  mg_sip_agent_stop (self);
  g_clear_pointer (&self->registrations, g_hash_table_unref);
  G_OBJECT_CLASS (mg_sip_agent_parent_class)->dispose (object);
}

static void
mg_sip_agent_finalize (GObject *object)
{
  MgSipAgent *self = MG_SIP_AGENT (object);

  g_hash_table_unref (self->live);
  g_hash_table_unref (self->dialogs);
  g_free (self->registrars[0]);
  g_free (self->registrars[1]);
  G_OBJECT_CLASS (mg_sip_agent_parent_class)->finalize (object);
}

static void
mg_sip_agent_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  MgSipAgent *self = MG_SIP_AGENT (object);

  switch (prop_id)
    {
    case PROP_ACTIVE_REGISTRAR:
      g_value_set_string (value, mg_sip_agent_get_active_registrar (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* sofia-sip writes its own diagnostics to stderr; send them to our log as debug */
static void
on_sofia_log (void *stream, char const *format, va_list args)
{
  g_autofree char *text = g_strdup_vprintf (format, args);

  g_autofree char *redacted = NULL;

  g_strchomp (text);
  /* with TPORT_LOG, messages are dumped whole: SDES keys must not reach the log */
  redacted = mg_sdes_redact (text);
  if (*redacted != '\0')
    g_debug ("sofia: %s", redacted);
}

static void
redirect_sofia_logs (void)
{
  su_log_t *logs[] = { su_log_default, su_log_global, nua_log, nta_log, tport_log, soa_log };

  for (gsize i = 0; i < G_N_ELEMENTS (logs); i++)
    su_log_redirect (logs[i], on_sofia_log, NULL);
}

static void
mg_sip_agent_class_init (MgSipAgentClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  redirect_sofia_logs ();

  object_class->dispose = mg_sip_agent_dispose;
  object_class->finalize = mg_sip_agent_finalize;
  object_class->get_property = mg_sip_agent_get_property;

  /**
   * MgSipAgent:active-registrar:
   *
   * The registrar/proxy URI in use, or %NULL in the embedded default.
   */
  props[PROP_ACTIVE_REGISTRAR] = g_param_spec_string (
    "active-registrar", NULL, NULL, NULL,
    G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, props);

  /**
   * MgSipAgent::registration-changed:
   * @self: the agent
   * @registration: the registration whose state, registrar or expiry changed
   *
   * Emitted on the main context when a registration changes.
   */
  signals[SIGNAL_REGISTRATION_CHANGED] =
    g_signal_new ("registration-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                  NULL, NULL, G_TYPE_NONE, 1, MG_TYPE_SIP_REGISTRATION);

  /**
   * MgSipAgent::incoming-call:
   * @self: the agent
   * @dialog: the inbound call, for one of the agent's extensions
   *
   * An INVITE arrived for an extension. A handler that takes the call (rings
   * a phone, answers or rejects it) returns %TRUE and keeps a reference to
   * @dialog; when no handler takes it the caller gets 480.
   *
   * Returns: whether a handler took the call
   */
  signals[SIGNAL_INCOMING_CALL] =
    g_signal_new ("incoming-call", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  g_signal_accumulator_true_handled, NULL, NULL, G_TYPE_BOOLEAN, 1,
                  MG_TYPE_SIP_DIALOG);
}

static void
mg_sip_agent_init (MgSipAgent *self)
{
  self->registrations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->live = g_hash_table_new (NULL, NULL);
  self->dialogs = g_hash_table_new_full (NULL, NULL, g_object_unref, NULL);
  self->expiry = 600;
  self->keepalive_interval = 10;
  self->max_missed = 3;
  self->first_retry = 5;
  self->max_retry = 300;
}

/**
 * mg_sip_agent_new:
 *
 * Returns: (transfer full): an agent, not yet started
 */
MgSipAgent *
mg_sip_agent_new (void)
{
  return g_object_new (MG_TYPE_SIP_AGENT, NULL);
}

static MgSipRegistration *
registration_for (MgSipAgent *self, nua_handle_t *nh, nua_hmagic_t *hmagic)
{
  if (hmagic == NULL || !g_hash_table_contains (self->live, hmagic))
    return NULL;
  if (!mg_sip_registration_owns_handle (hmagic, nh))
    return NULL;
  return hmagic;
}

static void
switch_registrar (MgSipAgent *self)
{
  GHashTableIter iter;
  gpointer value;

  self->active = 1 - self->active;
  self->missed = 0;
  g_message ("SIP platform %s stopped answering; moving registrations to %s",
             self->registrars[1 - self->active], self->registrars[self->active]);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ACTIVE_REGISTRAR]);

  g_hash_table_iter_init (&iter, self->registrations);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    mg_sip_registration_start (value, self->nua, self->registrars[self->active]);
}

static void
count_probe_result (MgSipAgent *self, gboolean answered)
{
  if (answered)
    {
      self->missed = 0;
      return;
    }
  self->missed++;
  g_info ("SIP platform %s: %u missed keep-alive(s)", self->registrars[self->active], self->missed);
  if (self->missed >= self->max_missed && self->registrars[1 - self->active] != NULL)
    switch_registrar (self);
}

static void
drop_probe (MgSipAgent *self)
{
  if (self->probe != NULL)
    {
      nua_handle_destroy (self->probe);
      self->probe = NULL;
    }
}

static gboolean
on_probe_tick (gpointer data)
{
  MgSipAgent *self = data;
  const char *target = self->registrars[self->active];

  /* an OPTIONS still unanswered from the last tick counts as missed */
  if (self->probe != NULL)
    {
      drop_probe (self);
      count_probe_result (self, FALSE);
      target = self->registrars[self->active];
    }
  self->probe = nua_handle (self->nua, NULL, NUTAG_URL (URL_STRING_MAKE (target)),
                            SIPTAG_TO_STR (target), TAG_END ());
  nua_options (self->probe, TAG_END ());
  return G_SOURCE_CONTINUE;
}

static void
handle_probe_answer (MgSipAgent *self, int status)
{
  if (status < 200)
    return;
  drop_probe (self);
  /* 408 and 503 are what sofia-sip reports for timeouts and dead transports;
   * any other answer, even an error, proves the platform is alive */
  count_probe_result (self, status != 408 && status != 503);
}

static void
restart_probe (MgSipAgent *self)
{
  g_clear_handle_id (&self->probe_id, g_source_remove);
  drop_probe (self);
  self->missed = 0;
  if (self->nua != NULL && self->registrars[0] != NULL)
    self->probe_id = g_timeout_add_seconds (self->keepalive_interval, on_probe_tick, self);
}

static void
on_dialog_ended (MgSipDialog *dialog, guint status, const char *reason, gboolean by_remote,
                 MgSipAgent *self)
{
  g_signal_handlers_disconnect_by_func (dialog, on_dialog_ended, self);
  g_hash_table_remove (self->dialogs, dialog);
}

static void
track_dialog (MgSipAgent *self, MgSipDialog *dialog)
{
  g_hash_table_add (self->dialogs, dialog);
  g_signal_connect (dialog, "ended", G_CALLBACK (on_dialog_ended), self);
}

/* A new INVITE: an unknown number gets 404; an extension's call goes to
 * whoever takes it (MgSipAgent::incoming-call), else 480. */
static void
handle_new_invite (MgSipAgent *self, nua_handle_t *nh, const sip_t *sip)
{
  const char *user = NULL;
  MgSipRegistration *registration;
  MgSipDialog *dialog;
  gboolean taken = FALSE;

  if (sip != NULL && sip->sip_request != NULL)
    user = sip->sip_request->rq_url->url_user;
  registration = user ? g_hash_table_lookup (self->registrations, user) : NULL;
  if (registration == NULL)
    {
      g_info ("INVITE for unknown number %s", user ? user : "(none)");
      nua_respond (nh, SIP_404_NOT_FOUND, TAG_END ());
      return;
    }

  dialog = mg_sip_dialog_new_inbound (nh, mg_sip_registration_get_account (registration), sip);
  track_dialog (self, dialog);
  g_info ("INVITE for extension %s from %s", user,
          mg_sip_dialog_get_remote_number (dialog) ? mg_sip_dialog_get_remote_number (dialog) : "?");
  g_signal_emit (self, signals[SIGNAL_INCOMING_CALL], 0, dialog, &taken);
  if (!taken)
    mg_sip_dialog_reject (dialog, 480, "Temporarily Unavailable");
}

static void
on_nua_event (nua_event_t event, int status, char const *phrase, nua_t *nua, nua_magic_t *magic,
              nua_handle_t *nh, nua_hmagic_t *hmagic, sip_t const *sip, tagi_t tags[])
{
  MgSipAgent *self = magic;
  MgSipRegistration *registration;

  switch (event)
    {
    case nua_r_register:
    case nua_r_unregister:
      registration = registration_for (self, nh, hmagic);
      if (registration != NULL)
        {
          mg_sip_registration_handle_response (registration, event, status, phrase, sip);
          g_signal_emit (self, signals[SIGNAL_REGISTRATION_CHANGED], 0, registration);
        }
      break;
    case nua_r_options:
      if (nh == self->probe)
        handle_probe_answer (self, status);
      break;
    case nua_i_invite:
      if (hmagic != NULL && g_hash_table_contains (self->dialogs, hmagic))
        mg_sip_dialog_handle_event (hmagic, event, status, phrase, sip, tags);
      else
        handle_new_invite (self, nh, sip);
      break;
    case nua_i_info:
      /* answered here, where the request is current (NUTAG_WITH_THIS) */
      if (hmagic != NULL && g_hash_table_contains (self->dialogs, hmagic))
        {
          nua_respond (nh, SIP_200_OK, NUTAG_WITH_THIS (nua), TAG_END ());
          mg_sip_dialog_handle_event (hmagic, event, status, phrase, sip, tags);
        }
      else
        nua_respond (nh, SIP_481_NO_TRANSACTION, NUTAG_WITH_THIS (nua), TAG_END ());
      break;
    case nua_r_invite:
    case nua_i_cancel:
    case nua_i_bye:
    case nua_i_ack:
    case nua_r_bye:
    case nua_r_cancel:
    case nua_r_info:
    case nua_r_refer:
    case nua_i_notify:
      if (hmagic != NULL && g_hash_table_contains (self->dialogs, hmagic))
        mg_sip_dialog_handle_event (hmagic, event, status, phrase, sip, tags);
      break;
    case nua_i_state:
      if (hmagic != NULL && g_hash_table_contains (self->dialogs, hmagic))
        {
          mg_sip_dialog_handle_event (hmagic, event, status, phrase, sip, tags);
          break;
        }
      {
        int state = nua_callstate_init;

        tl_gets (tags, NUTAG_CALLSTATE_REF (state), TAG_END ());
        if (state == nua_callstate_terminated && hmagic == NULL)
          nua_handle_destroy (nh);
      }
      break;
    case nua_r_shutdown:
      g_debug ("nua shutdown: %d %s", status, phrase);
      if (status >= 200)
        self->shutdown_done = TRUE;
      break;
    default:
      g_debug ("nua event %s %d %s", nua_event_name (event), status, phrase ? phrase : "");
      break;
    }
}

static void
restart_registrations (MgSipAgent *self)
{
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->registrations);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      if (self->registrars[0] != NULL && self->nua != NULL)
        mg_sip_registration_start (value, self->nua, self->registrars[self->active]);
      else
        mg_sip_registration_stop (value);
    }
}

/**
 * mg_sip_agent_start:
 * @self: an agent
 * @address: the local address to bind (UDP and TCP)
 * @port: the local SIP port
 * @error: return location for a #GError
 *
 * Starts the SIP stack on the thread-default main context.
 *
 * Returns: whether the stack is listening
 */
gboolean
mg_sip_agent_start (MgSipAgent *self, const char *address, guint port, GError **error)
{
  g_autofree char *bind_url = NULL;
  g_autoptr (GInetAddress) inet = NULL;

  g_return_val_if_fail (MG_IS_SIP_AGENT (self), FALSE);
  g_return_val_if_fail (self->nua == NULL, FALSE);

  inet = g_inet_address_new_from_string (address);
  if (inet == NULL)
    {
      g_set_error (error, MG_SIP_ERROR, MG_SIP_ERROR_INVALID, _("not an IP address: %s"), address);
      return FALSE;
    }
  bind_url = g_inet_address_get_family (inet) == G_SOCKET_FAMILY_IPV6
               ? g_strdup_printf ("sip:[%s]:%u", address, port)
               : g_strdup_printf ("sip:%s:%u", address, port);

  self->root = su_glib_root_create (self);
  /* everything on the GLib thread: no clone thread for the nua stack */
  su_root_threading (self->root, 0);
  self->source = g_source_ref (su_glib_root_gsource (self->root));
  g_source_attach (self->source, g_main_context_get_thread_default ());

  self->nua = nua_create (self->root, on_nua_event, self, NUTAG_URL (bind_url),
                          NUTAG_USER_AGENT ("Mediagate/" MG_VERSION), NUTAG_MEDIA_ENABLE (0),
                          NUTAG_ENABLEINVITE (1), NUTAG_AUTOALERT (0), NUTAG_AUTOANSWER (0),
                          /* INFO carries DTMF (application/dtmf-relay) from
                           * far ends without telephone-event; nua's default
                           * Allow lacks it (405). MgSipDialog answers it. */
                          NUTAG_ALLOW ("INFO"), NUTAG_APPL_METHOD ("INFO"), TAG_END ());
  if (self->nua == NULL)
    {
      g_set_error (error, MG_SIP_ERROR, MG_SIP_ERROR_FAILED,
                   _("cannot start SIP on %s (is the port in use?)"), bind_url);
      g_main_context_acquire (g_source_get_context (self->source));
      g_clear_pointer (&self->root, su_root_destroy);
      g_main_context_release (g_source_get_context (self->source));
      g_clear_pointer (&self->source, g_source_unref);
      return FALSE;
    }
  g_info ("SIP listening on %s", bind_url);
  restart_registrations (self);
  restart_probe (self);
  return TRUE;
}

static void
detach_dialogs (MgSipAgent *self)
{
  GList *dialogs = g_hash_table_get_keys (self->dialogs);

  for (GList *l = dialogs; l != NULL; l = l->next)
    mg_sip_dialog_detach (l->data);
  g_list_free (dialogs);
  g_hash_table_remove_all (self->dialogs);
}

/**
 * mg_sip_agent_stop:
 * @self: an agent
 *
 * Ends all registrations and dialogs and stops the stack; waits (iterating
 * the main context, at most two seconds) for sofia-sip to finish.
 */
void
mg_sip_agent_stop (MgSipAgent *self)
{
  GHashTableIter iter;
  gpointer value;
  GMainContext *context;
  gint64 deadline;

  g_return_if_fail (MG_IS_SIP_AGENT (self));

  if (self->nua == NULL)
    return;
  g_clear_handle_id (&self->probe_id, g_source_remove);
  drop_probe (self);

  /* registered handles stay for nua_shutdown to un-REGISTER; the rest go now */
  g_hash_table_iter_init (&iter, self->registrations);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (mg_sip_registration_get_state (value) != MG_SIP_REGISTRATION_STATE_REGISTERED)
      mg_sip_registration_stop (value);

  nua_shutdown (self->nua);
  context = g_source_get_context (self->source);
  deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;
  while (!self->shutdown_done && g_get_monotonic_time () < deadline)
    {
      if (!g_main_context_iteration (context, FALSE))
        g_usleep (2000);
    }
  g_hash_table_remove_all (self->live);
  g_hash_table_remove_all (self->registrations);
  detach_dialogs (self);

  if (!self->shutdown_done)
    {
      /* sofia-sip refuses to destroy a stack that has not shut down: leave it */
      g_info ("SIP stack did not finish shutting down in time");
      self->nua = NULL;
      self->root = NULL;
      g_clear_pointer (&self->source, g_source_unref);
      return;
    }
  nua_destroy (self->nua);
  self->nua = NULL;
  /* the GLib port checks that the destroying thread owns its context */
  g_main_context_acquire (context);
  g_clear_pointer (&self->root, su_root_destroy);
  g_main_context_release (context);
  g_clear_pointer (&self->source, g_source_unref);
}

static gboolean
is_sip_uri (const char *uri)
{
  return uri != NULL && (g_str_has_prefix (uri, "sip:") || g_str_has_prefix (uri, "sips:"))
         && strlen (uri) > 5;
}

/**
 * mg_sip_agent_set_platform:
 * @self: an agent
 * @primary: (nullable): the primary registrar/proxy URI, or %NULL/"" for the embedded default
 * @secondary: (nullable): the secondary one, or %NULL/""
 * @expiry: registration expiry in seconds
 * @error: return location for a #GError
 *
 * Sets the SIP platform and (re-)registers every account with the primary.
 *
 * Returns: whether the URIs were accepted
 */
gboolean
mg_sip_agent_set_platform (MgSipAgent *self, const char *primary, const char *secondary,
                           guint expiry, GError **error)
{
  g_return_val_if_fail (MG_IS_SIP_AGENT (self), FALSE);

  if (primary != NULL && *primary == '\0')
    primary = NULL;
  if (secondary != NULL && *secondary == '\0')
    secondary = NULL;
  if ((primary != NULL && !is_sip_uri (primary)) || (secondary != NULL && !is_sip_uri (secondary))
      || (primary == NULL && secondary != NULL))
    {
      g_set_error (error, MG_SIP_ERROR, MG_SIP_ERROR_INVALID,
                   _("registrar URIs must be sip: or sips: URIs, and a secondary needs a primary"));
      return FALSE;
    }

  g_free (self->registrars[0]);
  g_free (self->registrars[1]);
  self->registrars[0] = g_strdup (primary);
  self->registrars[1] = g_strdup (secondary);
  self->active = 0;
  self->expiry = MAX (expiry, 60);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ACTIVE_REGISTRAR]);
  restart_registrations (self);
  restart_probe (self);
  return TRUE;
}

/**
 * mg_sip_agent_set_keepalive:
 * @self: an agent
 * @interval: seconds between OPTIONS probes of the active platform
 * @max_missed: unanswered probes after which the agent fails over
 *
 * Sets how quickly a dead platform is noticed.
 */
void
mg_sip_agent_set_keepalive (MgSipAgent *self, guint interval, guint max_missed)
{
  g_return_if_fail (MG_IS_SIP_AGENT (self));

  self->keepalive_interval = MAX (interval, 1);
  self->max_missed = MAX (max_missed, 1);
  restart_probe (self);
}

/**
 * mg_sip_agent_set_retry_limits:
 * @self: an agent
 * @first_retry: seconds before the first retry of a failed registration
 * @max_retry: the longest back-off, in seconds
 *
 * Sets the back-off of failed registrations (for accounts added afterwards).
 */
void
mg_sip_agent_set_retry_limits (MgSipAgent *self, guint first_retry, guint max_retry)
{
  g_return_if_fail (MG_IS_SIP_AGENT (self));

  self->first_retry = first_retry;
  self->max_retry = max_retry;
}

static void
on_registration_notify (MgSipRegistration *registration, GParamSpec *pspec, MgSipAgent *self)
{
  /* state changes from timers (retries) reach listeners too */
  if (g_str_equal (pspec->name, "state"))
    g_signal_emit (self, signals[SIGNAL_REGISTRATION_CHANGED], 0, registration);
}

/**
 * mg_sip_agent_add_account:
 * @self: an agent
 * @number: the extension number (AOR and Contact user)
 * @auth_user: (nullable): the digest user name, or %NULL for @number
 * @password: (nullable): the digest password
 * @realm: (nullable): the only realm to answer, or %NULL for any
 * @display_name: (nullable): the display name in From
 *
 * Adds (or replaces) an extension and registers it with the active platform.
 *
 * Returns: (transfer none): its registration
 */
MgSipRegistration *
mg_sip_agent_add_account (MgSipAgent *self, const char *number, const char *auth_user,
                          const char *password, const char *realm, const char *display_name)
{
  MgSipAccount account = {
    .number = (char *) number,
    .auth_user = (char *) auth_user,
    .password = (char *) password,
    .realm = (char *) realm,
    .display_name = (char *) display_name,
  };
  MgSipRegistration *registration;

  g_return_val_if_fail (MG_IS_SIP_AGENT (self), NULL);
  g_return_val_if_fail (number != NULL, NULL);

  mg_sip_agent_remove_account (self, number);
  registration = mg_sip_registration_new (&account, self->expiry);
  mg_sip_registration_set_retry_limits (registration, self->first_retry, self->max_retry);
  g_signal_connect_object (registration, "notify::state", G_CALLBACK (on_registration_notify),
                           self, 0);
  g_hash_table_insert (self->registrations, g_strdup (number), registration);
  g_hash_table_add (self->live, registration);
  if (self->nua != NULL && self->registrars[0] != NULL)
    mg_sip_registration_start (registration, self->nua, self->registrars[self->active]);
  return registration;
}

/**
 * mg_sip_agent_remove_account:
 * @self: an agent
 * @number: an extension number
 *
 * Stops registering @number.
 */
void
mg_sip_agent_remove_account (MgSipAgent *self, const char *number)
{
  MgSipRegistration *registration;

  g_return_if_fail (MG_IS_SIP_AGENT (self));

  registration = g_hash_table_lookup (self->registrations, number);
  if (registration == NULL)
    return;
  g_hash_table_remove (self->live, registration);
  mg_sip_registration_stop (registration);
  g_hash_table_remove (self->registrations, number);
}

/**
 * mg_sip_agent_lookup_registration:
 * @self: an agent
 * @number: an extension number
 *
 * Returns: (transfer none) (nullable): the extension's registration
 */
MgSipRegistration *
mg_sip_agent_lookup_registration (MgSipAgent *self, const char *number)
{
  g_return_val_if_fail (MG_IS_SIP_AGENT (self), NULL);
  return g_hash_table_lookup (self->registrations, number);
}

static int
compare_by_number (gconstpointer a, gconstpointer b)
{
  return g_strcmp0 (mg_sip_registration_get_number (*(MgSipRegistration **) a),
                    mg_sip_registration_get_number (*(MgSipRegistration **) b));
}

/**
 * mg_sip_agent_dup_registrations:
 * @self: an agent
 *
 * Returns: (transfer container) (element-type MgSipRegistration): every
 *   registration, sorted by number
 */
GPtrArray *
mg_sip_agent_dup_registrations (MgSipAgent *self)
{
  GPtrArray *all = g_ptr_array_new_with_free_func (g_object_unref);
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (MG_IS_SIP_AGENT (self), all);

  g_hash_table_iter_init (&iter, self->registrations);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (all, g_object_ref (value));
  g_ptr_array_sort (all, compare_by_number);
  return all;
}

/**
 * mg_sip_agent_get_active_registrar:
 * @self: an agent
 *
 * Returns: (nullable): the registrar URI in use, %NULL in the embedded default
 */
const char *
mg_sip_agent_get_active_registrar (MgSipAgent *self)
{
  g_return_val_if_fail (MG_IS_SIP_AGENT (self), NULL);
  return self->registrars[self->active];
}

/**
 * mg_sip_agent_count_registered:
 * @self: an agent
 *
 * Returns: how many extensions are registered now
 */
guint
mg_sip_agent_count_registered (MgSipAgent *self)
{
  GHashTableIter iter;
  gpointer value;
  guint count = 0;

  g_return_val_if_fail (MG_IS_SIP_AGENT (self), 0);

  g_hash_table_iter_init (&iter, self->registrations);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    count += mg_sip_registration_get_state (value) == MG_SIP_REGISTRATION_STATE_REGISTERED;
  return count;
}

/* "sip:user@host:port;params" of the active registrar -> "host:port" */
static char *
active_hostport (MgSipAgent *self)
{
  const char *registrar = self->registrars[self->active];
  const char *start = strchr (registrar, ':') + 1;
  const char *at = strchr (start, '@');

  if (at != NULL)
    start = at + 1;
  return g_strndup (start, strcspn (start, ";?>"));
}

static gboolean
is_dialable (const char *to)
{
  if (to == NULL || *to == '\0' || strlen (to) > 64)
    return FALSE;
  for (const char *p = to; *p; p++)
    if (!g_ascii_isalnum (*p) && !strchr ("+*#._-", *p))
      return FALSE;
  return TRUE;
}

/**
 * mg_sip_agent_call:
 * @self: an agent
 * @from_number: the calling extension (its digest credentials answer challenges)
 * @to: the number (or user) to call: letters, digits, `+`, `*`, `#`, `.`, `_`, `-`
 * @sdp: our SDP offer
 * @error: return location for a #GError
 *
 * Sends an INVITE to @to through the active SIP platform, as @from_number.
 *
 * Returns: (transfer full): the new dialog, or %NULL with @error set
 */
MgSipDialog *
mg_sip_agent_call (MgSipAgent *self, const char *from_number, const char *to, const char *sdp,
                   GError **error)
{
  MgSipRegistration *registration;
  g_autofree char *hostport = NULL;
  g_autofree char *from_aor = NULL;
  g_autofree char *to_uri = NULL;
  MgSipDialog *dialog;

  g_return_val_if_fail (MG_IS_SIP_AGENT (self), NULL);
  g_return_val_if_fail (sdp != NULL, NULL);

  registration = from_number ? g_hash_table_lookup (self->registrations, from_number) : NULL;
  if (registration == NULL)
    {
      g_set_error (error, MG_SIP_ERROR, MG_SIP_ERROR_INVALID, _("%s is not a SIP extension here"),
                   from_number ? from_number : "(none)");
      return NULL;
    }
  if (!is_dialable (to))
    {
      g_set_error (error, MG_SIP_ERROR, MG_SIP_ERROR_INVALID,
                   _("cannot dial \"%s\": use letters, digits and + * # . _ -"), to ? to : "");
      return NULL;
    }
  if (self->nua == NULL || self->registrars[0] == NULL)
    {
      g_set_error (error, MG_SIP_ERROR, MG_SIP_ERROR_NO_PLATFORM,
                   _("no SIP platform is configured"));
      return NULL;
    }

  hostport = active_hostport (self);
  from_aor = g_strdup_printf ("sip:%s@%s", from_number, hostport);
  to_uri = g_strdup_printf ("sip:%s@%s", to, hostport);
  dialog = mg_sip_dialog_new_outbound (self->nua, mg_sip_registration_get_account (registration),
                                       from_aor, to_uri, sdp);
  track_dialog (self, g_object_ref (dialog));
  g_info ("call %s -> %s", from_number, to_uri);
  return dialog;
}
