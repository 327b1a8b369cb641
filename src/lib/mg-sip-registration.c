/* mg-sip-registration.c: one extension registered with the SIP platform
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-sip"

#include "mg-build-config.h"

#include "mg-sip-private.h"

/**
 * MgSipRegistration:
 *
 * The registration of one extension (a browser phone) as a SIP subscriber
 * with the platform's registrar.
 *
 * It answers digest challenges with the extension's credentials (once per
 * challenge: a second challenge after our answer means the credentials are
 * wrong), lets sofia-sip refresh it before expiry, and after a failure
 * retries with a doubling back-off. Its state, registrar, expiry and last
 * error are what `GET /cms/api/v1/registrations` shows.
 */

struct _MgSipRegistration
{
  GObject parent_instance;

  nua_t *nua;
  nua_handle_t *nh;
  MgSipAccount account;
  guint expiry;
  char *registrar;
  MgSipRegistrationState state;
  gint64 expires_at;
  char *last_error;
  gboolean answered_challenge;
  guint retry_id;
  guint first_retry;
  guint max_retry;
  guint next_retry;
};

enum {
  PROP_0,
  PROP_NUMBER,
  PROP_STATE,
  PROP_REGISTRAR,
  PROP_EXPIRES_AT,
  PROP_LAST_ERROR,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

G_DEFINE_FINAL_TYPE (MgSipRegistration, mg_sip_registration, G_TYPE_OBJECT)

void
mg_sip_account_clear (MgSipAccount *account)
{
  g_clear_pointer (&account->number, g_free);
  g_clear_pointer (&account->auth_user, g_free);
  if (account->password)
    memset (account->password, 0, strlen (account->password));
  g_clear_pointer (&account->password, g_free);
  g_clear_pointer (&account->realm, g_free);
  g_clear_pointer (&account->display_name, g_free);
}

/* The NUTAG_AUTH string ("Digest:\"realm\":user:password") that answers
 * the digest challenge in @sip with @account's credentials, or NULL when
 * there is no challenge, no password, or a realm the account is not for.
 * Wipe it after use. */
char *
mg_sip_account_answer_challenge (const MgSipAccount *account, const sip_t *sip)
{
  const msg_auth_t *challenge = NULL;
  const char *realm;

  if (sip != NULL)
    challenge = sip->sip_www_authenticate ? sip->sip_www_authenticate : sip->sip_proxy_authenticate;
  if (challenge == NULL || account->password == NULL)
    return NULL;
  realm = msg_params_find (challenge->au_params, "realm=");
  if (realm == NULL)
    return NULL;
  if (account->realm != NULL && *account->realm != '\0')
    {
      gboolean quoted = realm[0] == '"' && strlen (realm) >= 2;
      g_autofree char *unquoted = quoted ? g_strndup (realm + 1, strlen (realm) - 2)
                                         : g_strdup (realm);

      if (g_strcmp0 (unquoted, account->realm) != 0)
        return NULL;
    }
  return g_strdup_printf ("%s:%s:%s:%s", challenge->au_scheme, realm,
                          account->auth_user && *account->auth_user ? account->auth_user
                                                                    : account->number,
                          account->password);
}

static void
copy_account (MgSipAccount *dest, const MgSipAccount *src)
{
  mg_sip_account_clear (dest);
  dest->number = g_strdup (src->number);
  dest->auth_user = g_strdup (src->auth_user && *src->auth_user ? src->auth_user : src->number);
  dest->password = g_strdup (src->password);
  dest->realm = g_strdup (src->realm && *src->realm ? src->realm : NULL);
  dest->display_name = g_strdup (src->display_name);
}

static void
drop_handle (MgSipRegistration *self)
{
  if (self->nh != NULL)
    {
      nua_handle_bind (self->nh, NULL);
      nua_handle_destroy (self->nh);
      self->nh = NULL;
    }
}

static void
mg_sip_registration_dispose (GObject *object)
{
  MgSipRegistration *self = MG_SIP_REGISTRATION (object);

  g_clear_handle_id (&self->retry_id, g_source_remove);
  drop_handle (self);
  G_OBJECT_CLASS (mg_sip_registration_parent_class)->dispose (object);
}

static void
mg_sip_registration_finalize (GObject *object)
{
  MgSipRegistration *self = MG_SIP_REGISTRATION (object);

  mg_sip_account_clear (&self->account);
  g_free (self->registrar);
  g_free (self->last_error);
  G_OBJECT_CLASS (mg_sip_registration_parent_class)->finalize (object);
}

static void
mg_sip_registration_get_property (GObject *object, guint prop_id, GValue *value,
                                  GParamSpec *pspec)
{
  MgSipRegistration *self = MG_SIP_REGISTRATION (object);

  switch (prop_id)
    {
    case PROP_NUMBER:
      g_value_set_string (value, self->account.number);
      break;
    case PROP_STATE:
      g_value_set_int (value, self->state);
      break;
    case PROP_REGISTRAR:
      g_value_set_string (value, self->registrar);
      break;
    case PROP_EXPIRES_AT:
      g_value_set_int64 (value, self->expires_at);
      break;
    case PROP_LAST_ERROR:
      g_value_set_string (value, self->last_error);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mg_sip_registration_class_init (MgSipRegistrationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->dispose = mg_sip_registration_dispose;
  object_class->finalize = mg_sip_registration_finalize;
  object_class->get_property = mg_sip_registration_get_property;

  /**
   * MgSipRegistration:number:
   *
   * The extension number.
   */
  props[PROP_NUMBER] = g_param_spec_string ("number", NULL, NULL, NULL, flags);
  /**
   * MgSipRegistration:state:
   *
   * The registration state, a #MgSipRegistrationState.
   */
  props[PROP_STATE] = g_param_spec_int ("state", NULL, NULL, 0, MG_SIP_REGISTRATION_STATE_FAILED,
                                        0, flags);
  /**
   * MgSipRegistration:registrar:
   *
   * The registrar URI in use.
   */
  props[PROP_REGISTRAR] = g_param_spec_string ("registrar", NULL, NULL, NULL, flags);
  /**
   * MgSipRegistration:expires-at:
   *
   * Unix time when the registration expires unless refreshed; 0 when not registered.
   */
  props[PROP_EXPIRES_AT] = g_param_spec_int64 ("expires-at", NULL, NULL, 0, G_MAXINT64, 0, flags);
  /**
   * MgSipRegistration:last-error:
   *
   * The last failure, e.g. "403 Forbidden", or %NULL.
   */
  props[PROP_LAST_ERROR] = g_param_spec_string ("last-error", NULL, NULL, NULL, flags);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
mg_sip_registration_init (MgSipRegistration *self)
{
  self->first_retry = 5;
  self->max_retry = 300;
}

static void
set_state (MgSipRegistration *self, MgSipRegistrationState state, const char *error)
{
  if (g_strcmp0 (self->last_error, error) != 0 && error != NULL)
    {
      g_free (self->last_error);
      self->last_error = g_strdup (error);
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_LAST_ERROR]);
    }
  if (self->state == state)
    return;
  g_info ("extension %s: %s -> %s (%s)", self->account.number,
          mg_sip_registration_state_to_string (self->state),
          mg_sip_registration_state_to_string (state), self->registrar ? self->registrar : "-");
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_STATE]);
}

static void
set_expires_at (MgSipRegistration *self, gint64 expires_at)
{
  if (self->expires_at == expires_at)
    return;
  self->expires_at = expires_at;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_EXPIRES_AT]);
}

MgSipRegistration *
mg_sip_registration_new (const MgSipAccount *account, guint expiry)
{
  MgSipRegistration *self = g_object_new (MG_TYPE_SIP_REGISTRATION, NULL);

  self->expiry = expiry;
  copy_account (&self->account, account);
  return self;
}

void
mg_sip_registration_set_retry_limits (MgSipRegistration *self, guint first_retry, guint max_retry)
{
  self->first_retry = MAX (first_retry, 1);
  self->max_retry = MAX (max_retry, self->first_retry);
}

void
mg_sip_registration_set_account (MgSipRegistration *self, const MgSipAccount *account)
{
  copy_account (&self->account, account);
}

/* "sip:user@host:port;transport=udp" -> "host:port" */
static char *
registrar_hostport (const char *registrar)
{
  const char *start = strchr (registrar, ':');
  const char *at;
  gsize len;

  start = start ? start + 1 : registrar;
  at = strchr (start, '@');
  if (at != NULL)
    start = at + 1;
  len = strcspn (start, ";?>");
  return g_strndup (start, len);
}

static void
send_register (MgSipRegistration *self)
{
  g_autofree char *hostport = registrar_hostport (self->registrar);
  g_autofree char *aor = g_strdup_printf ("sip:%s@%s", self->account.number, hostport);
  g_autofree char *from = self->account.display_name && *self->account.display_name
                            ? g_strdup_printf ("\"%s\" <%s>", self->account.display_name, aor)
                            : g_strdup (aor);
  g_autofree char *expires = g_strdup_printf ("%u", self->expiry);

  drop_handle (self);
  self->answered_challenge = FALSE;
  self->nh = nua_handle (self->nua, self, SIPTAG_TO_STR (aor), SIPTAG_FROM_STR (from), TAG_END ());
  set_state (self, MG_SIP_REGISTRATION_STATE_REGISTERING, NULL);
  nua_register (self->nh, NUTAG_REGISTRAR (URL_STRING_MAKE (self->registrar)),
                NUTAG_M_USERNAME (self->account.number),
                NUTAG_OUTBOUND ("no-options-keepalive no-validate no-natify"),
                SIPTAG_EXPIRES_STR (expires), TAG_END ());
}

/**
 * mg_sip_registration_start: (skip)
 * @self: a registration
 * @nua: the SIP stack to register through
 * @registrar: the registrar URI
 *
 * Registers (again) with @registrar, dropping any earlier handle.
 */
void
mg_sip_registration_start (MgSipRegistration *self, nua_t *nua, const char *registrar)
{
  self->nua = nua;
  g_clear_handle_id (&self->retry_id, g_source_remove);
  if (g_strcmp0 (self->registrar, registrar) != 0)
    {
      g_free (self->registrar);
      self->registrar = g_strdup (registrar);
      g_object_notify_by_pspec (G_OBJECT (self), props[PROP_REGISTRAR]);
    }
  self->next_retry = self->first_retry;
  send_register (self);
}

/**
 * mg_sip_registration_stop: (skip)
 * @self: a registration
 *
 * Stops registering; the platform's binding lapses at its expiry.
 */
void
mg_sip_registration_stop (MgSipRegistration *self)
{
  g_clear_handle_id (&self->retry_id, g_source_remove);
  drop_handle (self);
  set_expires_at (self, 0);
  set_state (self, MG_SIP_REGISTRATION_STATE_UNREGISTERED, NULL);
}

gboolean
mg_sip_registration_owns_handle (MgSipRegistration *self, nua_handle_t *nh)
{
  return self->nh != NULL && self->nh == nh;
}

static gboolean
on_retry (gpointer data)
{
  MgSipRegistration *self = data;

  self->retry_id = 0;
  send_register (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_retry (MgSipRegistration *self)
{
  g_clear_handle_id (&self->retry_id, g_source_remove);
  g_debug ("extension %s: retry in %u s", self->account.number, self->next_retry);
  self->retry_id = g_timeout_add_seconds (self->next_retry, on_retry, self);
  self->next_retry = MIN (self->next_retry * 2, self->max_retry);
}

static gboolean
answer_challenge (MgSipRegistration *self, const sip_t *sip)
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

static gint64
granted_expiry (const sip_t *sip, guint asked)
{
  if (sip != NULL && sip->sip_contact != NULL && sip->sip_contact->m_expires != NULL)
    return g_ascii_strtoll (sip->sip_contact->m_expires, NULL, 10);
  if (sip != NULL && sip->sip_expires != NULL)
    return sip->sip_expires->ex_delta;
  return asked;
}

/**
 * mg_sip_registration_handle_response: (skip)
 * @self: a registration
 * @event: nua_r_register or nua_r_unregister
 * @status: SIP status
 * @phrase: reason phrase
 * @sip: the response
 *
 * Advances the state machine with a response to our REGISTER.
 */
void
mg_sip_registration_handle_response (MgSipRegistration *self, nua_event_t event, int status,
                                     const char *phrase, const sip_t *sip)
{
  g_autofree char *error = NULL;

  if (status < 200)
    return;
  if (status < 300)
    {
      gint64 granted = granted_expiry (sip, self->expiry);

      self->answered_challenge = FALSE;
      self->next_retry = self->first_retry;
      set_expires_at (self, g_get_real_time () / G_USEC_PER_SEC + granted);
      set_state (self, MG_SIP_REGISTRATION_STATE_REGISTERED, NULL);
      return;
    }
  if ((status == 401 || status == 407) && answer_challenge (self, sip))
    return;

  error = g_strdup_printf ("%d %s", status, phrase ? phrase : "");
  g_info ("extension %s: REGISTER to %s failed: %s", self->account.number, self->registrar, error);
  set_expires_at (self, 0);
  set_state (self, MG_SIP_REGISTRATION_STATE_FAILED, error);
  schedule_retry (self);
}

/**
 * mg_sip_registration_get_number:
 * @self: a registration
 *
 * Returns: the extension number
 */
const char *
mg_sip_registration_get_number (MgSipRegistration *self)
{
  g_return_val_if_fail (MG_IS_SIP_REGISTRATION (self), NULL);
  return self->account.number;
}

/**
 * mg_sip_registration_get_state:
 * @self: a registration
 *
 * Returns: the registration state
 */
MgSipRegistrationState
mg_sip_registration_get_state (MgSipRegistration *self)
{
  g_return_val_if_fail (MG_IS_SIP_REGISTRATION (self), MG_SIP_REGISTRATION_STATE_UNREGISTERED);
  return self->state;
}

/**
 * mg_sip_registration_get_registrar:
 * @self: a registration
 *
 * Returns: (nullable): the registrar URI in use
 */
const char *
mg_sip_registration_get_registrar (MgSipRegistration *self)
{
  g_return_val_if_fail (MG_IS_SIP_REGISTRATION (self), NULL);
  return self->registrar;
}

/**
 * mg_sip_registration_get_expires_at:
 * @self: a registration
 *
 * Returns: Unix time when the binding expires unless refreshed, 0 when not registered
 */
gint64
mg_sip_registration_get_expires_at (MgSipRegistration *self)
{
  g_return_val_if_fail (MG_IS_SIP_REGISTRATION (self), 0);
  return self->expires_at;
}

/**
 * mg_sip_registration_get_last_error:
 * @self: a registration
 *
 * Returns: (nullable): the last failure, e.g. "403 Forbidden"
 */
const char *
mg_sip_registration_get_last_error (MgSipRegistration *self)
{
  g_return_val_if_fail (MG_IS_SIP_REGISTRATION (self), NULL);
  return self->last_error;
}

/**
 * mg_sip_registration_state_to_string:
 * @state: a state
 *
 * Returns: the state's name as the API shows it
 */
const char *
mg_sip_registration_state_to_string (MgSipRegistrationState state)
{
  switch (state)
    {
    case MG_SIP_REGISTRATION_STATE_UNREGISTERED:
      return "unregistered";
    case MG_SIP_REGISTRATION_STATE_REGISTERING:
      return "registering";
    case MG_SIP_REGISTRATION_STATE_REGISTERED:
      return "registered";
    case MG_SIP_REGISTRATION_STATE_FAILED:
      return "failed";
    }
  return "unknown";
}

/**
 * mg_sip_registration_get_account: (skip)
 * @self: a registration
 *
 * Returns: the extension's SIP account (with its digest credentials)
 */
const MgSipAccount *
mg_sip_registration_get_account (MgSipRegistration *self)
{
  return &self->account;
}
