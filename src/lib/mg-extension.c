/* mg-extension.c: one browser phone, its number and its SIP credentials
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-extensions"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>

#include "mg-extension.h"

/**
 * MgExtension:
 *
 * One extension: a browser phone that Mediagate registers with the SIP
 * platform as a subscriber.
 *
 * An extension number is either short (1 to 15 digits, e.g. `1000`) or E.164
 * (`+` and 1 to 15 digits); it keeps the form it was given in. Its digest
 * password is readable only through [method@Mg.Extension.get_auth_password],
 * which SIP registration uses; the admin API shows only whether one is set.
 */

/**
 * MgExtensionRange:
 *
 * An inclusive range of extension numbers of one form and one length, such as
 * `1000`–`1099` or `+4930100`–`+4930199`, holding at most
 * %MG_EXTENSION_RANGE_MAX_SIZE numbers.
 */

struct _MgExtensionRange
{
  gatomicrefcount ref_count;
  char *from;
  char *to;
  guint64 first;
  guint size;
};

struct _MgExtension
{
  GObject parent_instance;

  char *number;
  char *display_name;
  gboolean enabled;
  char *auth_username;
  char *auth_password;
  char *auth_realm;
  gint64 created;
  gint64 updated;
};

enum {
  PROP_0,
  PROP_NUMBER,
  PROP_DISPLAY_NAME,
  PROP_ENABLED,
  PROP_AUTH_USERNAME,
  PROP_AUTH_REALM,
  PROP_PASSWORD_SET,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

G_DEFINE_QUARK (mg-extension-error-quark, mg_extension_error)
G_DEFINE_FINAL_TYPE (MgExtension, mg_extension, G_TYPE_OBJECT)
G_DEFINE_BOXED_TYPE (MgExtensionRange, mg_extension_range, mg_extension_range_ref,
                     mg_extension_range_unref)

/* -- numbers ---------------------------------------------------------------- */

/**
 * mg_extension_number_is_valid:
 * @number: (nullable): a candidate number, exactly as it would be stored
 *
 * Returns: whether @number is 1 to 15 digits, optionally after one `+`
 */
gboolean
mg_extension_number_is_valid (const char *number)
{
  const char *digits;
  gsize n = 0;

  if (number == NULL)
    return FALSE;
  digits = number[0] == '+' ? number + 1 : number;
  for (; digits[n] != '\0'; n++)
    if (!g_ascii_isdigit (digits[n]))
      return FALSE;
  return n >= 1 && n <= MG_EXTENSION_NUMBER_MAX_DIGITS;
}

/**
 * mg_extension_number_is_e164:
 * @number: a valid number
 *
 * Returns: whether @number is in E.164 form (starts with `+`)
 */
gboolean
mg_extension_number_is_e164 (const char *number)
{
  g_return_val_if_fail (number != NULL, FALSE);
  return number[0] == '+';
}

/**
 * mg_extension_number_normalize:
 * @number: (nullable): a number as a person typed it
 * @error: return location for a #GError
 *
 * Drops surrounding white space and checks the form. The form given is kept:
 * a short number stays short, an E.164 number keeps its `+`, leading zeros stay.
 *
 * Returns: (transfer full): the number to store, or %NULL with @error set
 */
char *
mg_extension_number_normalize (const char *number, GError **error)
{
  g_autofree char *copy = NULL;

  if (number == NULL)
    {
      g_set_error (error, MG_EXTENSION_ERROR, MG_EXTENSION_ERROR_NUMBER,
                   _("an extension number is missing"));
      return NULL;
    }
  copy = g_strstrip (g_strdup (number));
  if (!mg_extension_number_is_valid (copy))
    {
      g_set_error (error, MG_EXTENSION_ERROR, MG_EXTENSION_ERROR_NUMBER,
                   _("“%s” is not an extension number: use 1 to %d digits, or “+” and 1 to %d "
                     "digits (E.164)"),
                   number, MG_EXTENSION_NUMBER_MAX_DIGITS, MG_EXTENSION_NUMBER_MAX_DIGITS);
      return NULL;
    }
  return g_steal_pointer (&copy);
}

static guint64
number_value (const char *number)
{
  return g_ascii_strtoull (number[0] == '+' ? number + 1 : number, NULL, 10);
}

static gboolean
same_shape (const char *a, const char *b)
{
  return (a[0] == '+') == (b[0] == '+') && strlen (a) == strlen (b);
}

/* -- credentials ------------------------------------------------------------ */

/**
 * mg_extension_credential_increment:
 * @credential: a digest username or password ending in digits, e.g. `u1000`
 * @offset: how far to count up
 * @error: return location for a #GError
 *
 * Counts the trailing digits of @credential up by @offset, keeping their
 * width and zero padding (`u0099` + 1 is `u0100`) and growing only when the
 * digits overflow (`u9` + 1 is `u10`). This gives each number of a range its
 * own credentials: `u1000`/`p1000` for the first, `u1001`/`p1001` for the next.
 *
 * Returns: (transfer full): the counted credential, or %NULL with @error set
 *   when @credential does not end in a digit
 */
char *
mg_extension_credential_increment (const char *credential, guint64 offset, GError **error)
{
  g_autoptr (GString) out = NULL;
  gsize len, i;
  guint64 carry = offset;

  g_return_val_if_fail (credential != NULL, NULL);

  len = strlen (credential);
  if (len == 0 || !g_ascii_isdigit (credential[len - 1]))
    {
      g_set_error (error, MG_EXTENSION_ERROR, MG_EXTENSION_ERROR_CREDENTIALS,
                   _("“increment” needs a username and password that end in digits"));
      return NULL;
    }

  out = g_string_new (credential);
  for (i = len; i > 0 && g_ascii_isdigit (out->str[i - 1]) && carry > 0; i--)
    {
      guint64 sum = (guint64) (out->str[i - 1] - '0') + carry % 10;

      carry = carry / 10 + sum / 10;
      out->str[i - 1] = '0' + sum % 10;
    }
  /* the digit run overflowed its width: it grows to the left, like 9 -> 10 */
  for (; carry > 0; carry /= 10)
    g_string_insert_c (out, i, '0' + carry % 10);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
is_clean_text (const char *text, gboolean allow_quote)
{
  if (!g_utf8_validate (text, -1, NULL))
    return FALSE;
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) || (!allow_quote && (c == '"' || c == '\\')))
        return FALSE;
    }
  return TRUE;
}

/**
 * mg_extension_check_display_name:
 * @display_name: a display name
 * @error: return location for a #GError
 *
 * Returns: whether @display_name is UTF-8 without control characters and at
 *   most %MG_EXTENSION_DISPLAY_NAME_MAX bytes
 */
gboolean
mg_extension_check_display_name (const char *display_name, GError **error)
{
  if (strlen (display_name) > MG_EXTENSION_DISPLAY_NAME_MAX || !is_clean_text (display_name, TRUE))
    {
      g_set_error (error, MG_EXTENSION_ERROR, MG_EXTENSION_ERROR_FIELD,
                   _("a display name is at most %d bytes of text without control characters"),
                   MG_EXTENSION_DISPLAY_NAME_MAX);
      return FALSE;
    }
  return TRUE;
}

/**
 * mg_extension_check_credentials:
 * @username: the digest username
 * @password: the digest password
 * @realm: (nullable): the digest realm, or %NULL for whatever the platform asks
 * @error: return location for a #GError
 *
 * Checks digest credentials: username 1 to 128 bytes, password 1 to 256
 * bytes, realm at most 255 bytes; no control characters, and no `"` or `\`
 * in the username and realm (they are quoted in SIP headers).
 *
 * Returns: whether the credentials are usable
 */
gboolean
mg_extension_check_credentials (const char *username, const char *password, const char *realm,
                                GError **error)
{
  const char *bad = NULL;

  if (username == NULL || *username == '\0' || strlen (username) > 128
      || !is_clean_text (username, FALSE))
    bad = _("a digest username is 1 to 128 bytes without control characters, “\"” or “\\”");
  else if (password == NULL || *password == '\0' || strlen (password) > 256
           || !is_clean_text (password, TRUE))
    bad = _("a digest password is 1 to 256 bytes without control characters");
  else if (realm != NULL && (strlen (realm) > 255 || !is_clean_text (realm, FALSE)))
    bad = _("a digest realm is at most 255 bytes without control characters, “\"” or “\\”");
  if (bad == NULL)
    return TRUE;
  g_set_error_literal (error, MG_EXTENSION_ERROR, MG_EXTENSION_ERROR_CREDENTIALS, bad);
  return FALSE;
}

/* -- ranges ----------------------------------------------------------------- */

/**
 * mg_extension_range_new:
 * @from: the first number
 * @to: the last number (equal to @from for a single number)
 * @error: return location for a #GError
 *
 * Makes a range after checking that both ends are valid numbers of the same
 * form and length, that @from is not after @to, and that the range holds at
 * most %MG_EXTENSION_RANGE_MAX_SIZE numbers. White space around the ends is dropped.
 *
 * Returns: (transfer full): the range, or %NULL with @error set
 */
MgExtensionRange *
mg_extension_range_new (const char *from, const char *to, GError **error)
{
  g_autofree char *first = mg_extension_number_normalize (from, error);
  g_autofree char *last = NULL;
  MgExtensionRange *range;
  guint64 size;

  if (first == NULL || (last = mg_extension_number_normalize (to, error)) == NULL)
    return NULL;
  if (!same_shape (first, last))
    {
      g_set_error (error, MG_EXTENSION_ERROR, MG_EXTENSION_ERROR_RANGE,
                   _("%s and %s are not of the same form and length; a range is all short "
                     "numbers or all E.164 numbers of one length"),
                   first, last);
      return NULL;
    }
  if (strcmp (first, last) > 0)
    {
      g_set_error (error, MG_EXTENSION_ERROR, MG_EXTENSION_ERROR_RANGE,
                   _("the range starts after it ends (%s > %s)"), first, last);
      return NULL;
    }
  size = number_value (last) - number_value (first) + 1;
  if (size > MG_EXTENSION_RANGE_MAX_SIZE)
    {
      g_set_error (error, MG_EXTENSION_ERROR, MG_EXTENSION_ERROR_RANGE_TOO_LARGE,
                   _("%s–%s holds %" G_GUINT64_FORMAT " numbers; a range holds at most %d"),
                   first, last, size, MG_EXTENSION_RANGE_MAX_SIZE);
      return NULL;
    }

  range = g_new0 (MgExtensionRange, 1);
  g_atomic_ref_count_init (&range->ref_count);
  range->from = g_steal_pointer (&first);
  range->to = g_steal_pointer (&last);
  range->first = number_value (range->from);
  range->size = (guint) size;
  return range;
}

/**
 * mg_extension_range_ref:
 * @range: a range
 *
 * Returns: (transfer full): @range
 */
MgExtensionRange *
mg_extension_range_ref (MgExtensionRange *range)
{
  g_return_val_if_fail (range != NULL, NULL);
  g_atomic_ref_count_inc (&range->ref_count);
  return range;
}

/**
 * mg_extension_range_unref:
 * @range: (transfer full): a range
 */
void
mg_extension_range_unref (MgExtensionRange *range)
{
  g_return_if_fail (range != NULL);
  if (!g_atomic_ref_count_dec (&range->ref_count))
    return;
  g_free (range->from);
  g_free (range->to);
  g_free (range);
}

/**
 * mg_extension_range_get_from:
 * @range: a range
 *
 * Returns: the first number
 */
const char *
mg_extension_range_get_from (MgExtensionRange *range)
{
  return range->from;
}

/**
 * mg_extension_range_get_to:
 * @range: a range
 *
 * Returns: the last number
 */
const char *
mg_extension_range_get_to (MgExtensionRange *range)
{
  return range->to;
}

/**
 * mg_extension_range_get_size:
 * @range: a range
 *
 * Returns: how many numbers @range holds (at least 1)
 */
guint
mg_extension_range_get_size (MgExtensionRange *range)
{
  return range->size;
}

/**
 * mg_extension_range_contains:
 * @range: a range
 * @number: (nullable): a number
 *
 * Returns: whether @number is a valid number of the range's form and length
 *   between its ends (inclusive)
 */
gboolean
mg_extension_range_contains (MgExtensionRange *range, const char *number)
{
  g_return_val_if_fail (range != NULL, FALSE);

  /* same form and length: text order is number order */
  return mg_extension_number_is_valid (number) && same_shape (range->from, number)
         && strcmp (range->from, number) <= 0 && strcmp (number, range->to) <= 0;
}

/**
 * mg_extension_range_overlaps:
 * @range: a range
 * @other: another range
 *
 * Returns: whether the two ranges share a number
 */
gboolean
mg_extension_range_overlaps (MgExtensionRange *range, MgExtensionRange *other)
{
  return same_shape (range->from, other->from) && strcmp (range->from, other->to) <= 0
         && strcmp (other->from, range->to) <= 0;
}

/**
 * mg_extension_range_get_number:
 * @range: a range
 * @offset: which number, from 0 (the first) to the size less one
 *
 * Returns: (transfer full): the number at @offset, in the range's form and width
 */
char *
mg_extension_range_get_number (MgExtensionRange *range, guint offset)
{
  gboolean e164;
  int width;

  g_return_val_if_fail (range != NULL, NULL);
  g_return_val_if_fail (offset < range->size, NULL);

  e164 = mg_extension_number_is_e164 (range->from);
  width = (int) strlen (range->from) - (e164 ? 1 : 0);
  return g_strdup_printf ("%s%0*" G_GUINT64_FORMAT, e164 ? "+" : "", width,
                          range->first + offset);
}

/* -- MgExtension ------------------------------------------------------------ */

static void
mg_extension_finalize (GObject *object)
{
  MgExtension *self = MG_EXTENSION (object);

  g_free (self->number);
  g_free (self->display_name);
  g_free (self->auth_username);
  g_free (self->auth_realm);
  if (self->auth_password != NULL)
    memset (self->auth_password, 0, strlen (self->auth_password));
  g_free (self->auth_password);
  G_OBJECT_CLASS (mg_extension_parent_class)->finalize (object);
}

static void
mg_extension_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  MgExtension *self = MG_EXTENSION (object);

  switch (prop_id)
    {
    case PROP_NUMBER:
      g_value_set_string (value, self->number);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    case PROP_ENABLED:
      g_value_set_boolean (value, self->enabled);
      break;
    case PROP_AUTH_USERNAME:
      g_value_set_string (value, self->auth_username);
      break;
    case PROP_AUTH_REALM:
      g_value_set_string (value, self->auth_realm);
      break;
    case PROP_PASSWORD_SET:
      g_value_set_boolean (value, self->auth_password != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mg_extension_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  MgExtension *self = MG_EXTENSION (object);

  switch (prop_id)
    {
    case PROP_NUMBER:
      self->number = g_value_dup_string (value);
      break;
    case PROP_DISPLAY_NAME:
      mg_extension_set_display_name (self, g_value_get_string (value));
      break;
    case PROP_ENABLED:
      mg_extension_set_enabled (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
mg_extension_class_init (MgExtensionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = mg_extension_finalize;
  object_class->get_property = mg_extension_get_property;
  object_class->set_property = mg_extension_set_property;

  /**
   * MgExtension:number:
   *
   * The extension number, short or E.164.
   */
  props[PROP_NUMBER] = g_param_spec_string ("number", NULL, NULL, NULL,
                                            G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY
                                              | G_PARAM_STATIC_STRINGS);
  /**
   * MgExtension:display-name:
   *
   * The name shown to the people this phone calls; may be empty.
   */
  props[PROP_DISPLAY_NAME] = g_param_spec_string ("display-name", NULL, NULL, "",
                                                  G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY
                                                    | G_PARAM_STATIC_STRINGS);
  /**
   * MgExtension:enabled:
   *
   * Whether the phone may log in and register.
   */
  props[PROP_ENABLED] = g_param_spec_boolean ("enabled", NULL, NULL, TRUE,
                                              G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY
                                                | G_PARAM_STATIC_STRINGS);
  /**
   * MgExtension:auth-username:
   *
   * The digest username for the SIP platform, or %NULL for none.
   */
  props[PROP_AUTH_USERNAME] = g_param_spec_string ("auth-username", NULL, NULL, NULL,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * MgExtension:auth-realm:
   *
   * The digest realm, or %NULL to answer whatever realm the platform asks for.
   */
  props[PROP_AUTH_REALM] = g_param_spec_string ("auth-realm", NULL, NULL, NULL,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /**
   * MgExtension:password-set:
   *
   * Whether a digest password is set. The password itself is not a property.
   */
  props[PROP_PASSWORD_SET] = g_param_spec_boolean ("password-set", NULL, NULL, FALSE,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
mg_extension_init (MgExtension *self)
{
  self->display_name = g_strdup ("");
  self->enabled = TRUE;
}

/**
 * mg_extension_new:
 * @number: a valid extension number
 *
 * Returns: (transfer full): an enabled extension without name or credentials
 */
MgExtension *
mg_extension_new (const char *number)
{
  g_return_val_if_fail (mg_extension_number_is_valid (number), NULL);
  return g_object_new (MG_TYPE_EXTENSION, "number", number, NULL);
}

/**
 * mg_extension_get_number:
 * @self: an extension
 *
 * Returns: the number
 */
const char *
mg_extension_get_number (MgExtension *self)
{
  g_return_val_if_fail (MG_IS_EXTENSION (self), NULL);
  return self->number;
}

/**
 * mg_extension_get_display_name:
 * @self: an extension
 *
 * Returns: the display name, possibly empty
 */
const char *
mg_extension_get_display_name (MgExtension *self)
{
  g_return_val_if_fail (MG_IS_EXTENSION (self), NULL);
  return self->display_name;
}

/**
 * mg_extension_set_display_name:
 * @self: an extension
 * @display_name: (nullable): the new name; %NULL is the empty name
 */
void
mg_extension_set_display_name (MgExtension *self, const char *display_name)
{
  g_return_if_fail (MG_IS_EXTENSION (self));

  if (g_strcmp0 (self->display_name, display_name ? display_name : "") == 0)
    return;
  g_free (self->display_name);
  self->display_name = g_strdup (display_name ? display_name : "");
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_DISPLAY_NAME]);
}

/**
 * mg_extension_get_enabled:
 * @self: an extension
 *
 * Returns: whether the extension may log in and register
 */
gboolean
mg_extension_get_enabled (MgExtension *self)
{
  g_return_val_if_fail (MG_IS_EXTENSION (self), FALSE);
  return self->enabled;
}

/**
 * mg_extension_set_enabled:
 * @self: an extension
 * @enabled: whether it may log in and register
 */
void
mg_extension_set_enabled (MgExtension *self, gboolean enabled)
{
  g_return_if_fail (MG_IS_EXTENSION (self));

  enabled = !!enabled;
  if (self->enabled == enabled)
    return;
  self->enabled = enabled;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_ENABLED]);
}

/**
 * mg_extension_get_auth_username:
 * @self: an extension
 *
 * Returns: (nullable): the digest username
 */
const char *
mg_extension_get_auth_username (MgExtension *self)
{
  g_return_val_if_fail (MG_IS_EXTENSION (self), NULL);
  return self->auth_username;
}

/**
 * mg_extension_get_auth_realm:
 * @self: an extension
 *
 * Returns: (nullable): the digest realm
 */
const char *
mg_extension_get_auth_realm (MgExtension *self)
{
  g_return_val_if_fail (MG_IS_EXTENSION (self), NULL);
  return self->auth_realm;
}

/**
 * mg_extension_get_password_set:
 * @self: an extension
 *
 * Returns: whether a digest password is set
 */
gboolean
mg_extension_get_password_set (MgExtension *self)
{
  g_return_val_if_fail (MG_IS_EXTENSION (self), FALSE);
  return self->auth_password != NULL;
}

/**
 * mg_extension_get_auth_password:
 * @self: an extension
 *
 * The digest password, in clear, for SIP registration and for the extensions
 * export. Never show it in an admin answer or a log.
 *
 * Returns: (nullable): the digest password
 */
const char *
mg_extension_get_auth_password (MgExtension *self)
{
  g_return_val_if_fail (MG_IS_EXTENSION (self), NULL);
  return self->auth_password;
}

/**
 * mg_extension_set_digest:
 * @self: an extension
 * @username: (nullable): the digest username; %NULL removes the credentials
 * @password: (nullable): the digest password
 * @realm: (nullable): the digest realm
 *
 * Sets (or with a %NULL @username, removes) the digest credentials. Check
 * them first with mg_extension_check_credentials().
 */
void
mg_extension_set_digest (MgExtension *self, const char *username, const char *password,
                         const char *realm)
{
  g_return_if_fail (MG_IS_EXTENSION (self));

  g_free (self->auth_username);
  g_free (self->auth_realm);
  if (self->auth_password != NULL)
    memset (self->auth_password, 0, strlen (self->auth_password));
  g_free (self->auth_password);
  self->auth_username = g_strdup (username);
  self->auth_password = username ? g_strdup (password) : NULL;
  self->auth_realm = username ? g_strdup (realm) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_AUTH_USERNAME]);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_AUTH_REALM]);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PASSWORD_SET]);
}

/**
 * mg_extension_get_created:
 * @self: an extension
 *
 * Returns: when the extension was created (Unix seconds), or 0 if never stored
 */
gint64
mg_extension_get_created (MgExtension *self)
{
  g_return_val_if_fail (MG_IS_EXTENSION (self), 0);
  return self->created;
}

/**
 * mg_extension_get_updated:
 * @self: an extension
 *
 * Returns: when the extension was last changed (Unix seconds), or 0 if never stored
 */
gint64
mg_extension_get_updated (MgExtension *self)
{
  g_return_val_if_fail (MG_IS_EXTENSION (self), 0);
  return self->updated;
}

/**
 * mg_extension_set_times:
 * @self: an extension
 * @created: when it was created (Unix seconds)
 * @updated: when it was last changed (Unix seconds)
 *
 * Records the store's timestamps; the store calls this when it loads an extension.
 */
void
mg_extension_set_times (MgExtension *self, gint64 created, gint64 updated)
{
  g_return_if_fail (MG_IS_EXTENSION (self));
  self->created = created;
  self->updated = updated;
}
