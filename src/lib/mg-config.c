/* mg-config.c: the static settings file (GKeyFile)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-config"

#include "mg-build-config.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "mg-config.h"

/**
 * MgConfig:
 *
 * The static settings of a Mediagate node: what must be known before the
 * store opens (directories, TLS files, FQDN, listener addresses).
 *
 * Everything an administrator edits at run time lives in [class@Mg.Store].
 * A config is immutable once loaded. Every key is validated when the file is
 * read; a bad value is an error that names the file, line, group and key.
 * Unknown keys are collected as warnings ([method@Mg.Config.get_warnings]).
 */

typedef enum {
  KEY_STRING,
  KEY_PATH,
  KEY_HOST,
  KEY_ADDRESS,
  KEY_PORT,
  KEY_BOOL,
  KEY_UINT,
} KeyType;

struct _MgConfig
{
  GObject parent_instance;

  GPtrArray *warnings; /* NULL-terminated */

  char *fqdn;
  char *data_dir;
  char *log_dir;
  char *pipelines_dir;
  char *web_dir;
  char *tls_certificate;
  char *tls_key;
  char *client_address;
  guint client_port;
  gboolean admin_on_client;
  char *admin_address;
  guint admin_port;
  char *cti_address;
  guint cti_port;
  gboolean cti_tls_enabled;
  char *cti_tls_address;
  guint cti_tls_port;
  gboolean client_logger_enabled;
  char *client_logger_address;
  guint client_logger_port;
  guint max_connections_per_source;
  guint idle_timeout;
  guint max_body_size;
  char *sip_address;
  guint sip_port;
  char *media_address;
  guint rtp_port_min;
  guint rtp_port_max;
};

typedef struct
{
  const char *group;
  const char *key;
  KeyType type;
  const char *fallback;
  gsize offset;
  guint min, max; /* for KEY_UINT */
} KeySpec;

#define FIELD(f) G_STRUCT_OFFSET (MgConfig, f)

static const KeySpec key_specs[] = {
  { "server", "fqdn", KEY_HOST, "", FIELD (fqdn) },
  { "server", "data-dir", KEY_PATH, MG_LOCALSTATEDIR "/lib/mediagate", FIELD (data_dir) },
  { "server", "log-dir", KEY_PATH, MG_LOCALSTATEDIR "/log/mediagate", FIELD (log_dir) },
  { "server", "pipelines-dir", KEY_PATH, MG_PKGDATADIR "/pipelines", FIELD (pipelines_dir) },
  { "server", "web-dir", KEY_PATH, MG_PKGDATADIR "/web", FIELD (web_dir) },
  { "tls", "certificate", KEY_PATH, "", FIELD (tls_certificate) },
  { "tls", "key", KEY_PATH, "", FIELD (tls_key) },
  { "client-listener", "address", KEY_ADDRESS, "0.0.0.0", FIELD (client_address) },
  { "client-listener", "port", KEY_PORT, "7443", FIELD (client_port) },
  { "client-listener", "serve-admin", KEY_BOOL, "false", FIELD (admin_on_client) },
  { "admin-listener", "address", KEY_ADDRESS, "127.0.0.1", FIELD (admin_address) },
  { "admin-listener", "port", KEY_PORT, "7444", FIELD (admin_port) },
  { "cti-listener", "address", KEY_ADDRESS, "0.0.0.0", FIELD (cti_address) },
  { "cti-listener", "port", KEY_PORT, "8090", FIELD (cti_port) },
  { "cti-tls-listener", "enabled", KEY_BOOL, "false", FIELD (cti_tls_enabled) },
  { "cti-tls-listener", "address", KEY_ADDRESS, "0.0.0.0", FIELD (cti_tls_address) },
  { "cti-tls-listener", "port", KEY_PORT, "8091", FIELD (cti_tls_port) },
  { "client-logger", "enabled", KEY_BOOL, "true", FIELD (client_logger_enabled) },
  { "client-logger", "address", KEY_ADDRESS, "0.0.0.0", FIELD (client_logger_address) },
  { "client-logger", "port", KEY_PORT, "9090", FIELD (client_logger_port) },
  { "sip", "address", KEY_ADDRESS, "0.0.0.0", FIELD (sip_address) },
  { "sip", "port", KEY_UINT, "5060", FIELD (sip_port), 1, 65535 },
  { "media", "address", KEY_HOST, "", FIELD (media_address) },
  { "media", "rtp-port-min", KEY_UINT, "20000", FIELD (rtp_port_min), 1024, 65534 },
  { "media", "rtp-port-max", KEY_UINT, "29999", FIELD (rtp_port_max), 1025, 65535 },
  { "limits", "max-connections-per-source", KEY_UINT, "64", FIELD (max_connections_per_source), 1, 100000 },
  { "limits", "idle-timeout", KEY_UINT, "60", FIELD (idle_timeout), 1, 3600 },
  { "limits", "max-body-size", KEY_UINT, "4194304", FIELD (max_body_size), 1024, 64 * 1024 * 1024 },
};

G_DEFINE_QUARK (mg-config-error-quark, mg_config_error)
G_DEFINE_FINAL_TYPE (MgConfig, mg_config, G_TYPE_OBJECT)

static void
mg_config_finalize (GObject *object)
{
  MgConfig *self = MG_CONFIG (object);

  for (gsize i = 0; i < G_N_ELEMENTS (key_specs); i++)
    {
      const KeySpec *spec = &key_specs[i];
      KeyType t = spec->type;

      if (t == KEY_STRING || t == KEY_PATH || t == KEY_HOST || t == KEY_ADDRESS)
        g_free (G_STRUCT_MEMBER (char *, self, spec->offset));
    }
  g_ptr_array_unref (self->warnings);

  G_OBJECT_CLASS (mg_config_parent_class)->finalize (object);
}

static void
mg_config_class_init (MgConfigClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mg_config_finalize;
}

static void
mg_config_init (MgConfig *self)
{
  self->warnings = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->warnings, NULL);
}

static void
add_warning (MgConfig *self, char *message)
{
  /* keep the array NULL-terminated for get_warnings() */
  g_ptr_array_insert (self->warnings, self->warnings->len - 1, message);
}

/* Where each "[group] key" stands in the text, so that messages can name the
 * line: GKeyFile itself does not keep line numbers. */
static GHashTable *
index_key_lines (const char *data)
{
  GHashTable *lines = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_auto (GStrv) text_lines = g_strsplit (data, "\n", -1);
  g_autofree char *group = NULL;

  for (guint i = 0; text_lines[i] != NULL; i++)
    {
      g_autofree char *line = g_strstrip (g_strdup (text_lines[i]));
      const char *eq;

      if (line[0] == '#' || line[0] == '\0')
        continue;
      if (line[0] == '[')
        {
          const char *end = strchr (line, ']');
          g_free (group);
          group = end ? g_strndup (line + 1, end - line - 1) : NULL;
          continue;
        }
      eq = strchr (line, '=');
      if (group != NULL && eq != NULL)
        {
          g_autofree char *key = g_strstrip (g_strndup (line, eq - line));
          g_hash_table_insert (lines, g_strdup_printf ("%s\n%s", group, key),
                               GUINT_TO_POINTER (i + 1));
        }
    }
  return lines;
}

static const KeySpec *
find_spec (const char *group, const char *key)
{
  for (gsize i = 0; i < G_N_ELEMENTS (key_specs); i++)
    if (g_str_equal (key_specs[i].group, group) && g_str_equal (key_specs[i].key, key))
      return &key_specs[i];
  return NULL;
}

static gboolean
group_is_known (const char *group)
{
  for (gsize i = 0; i < G_N_ELEMENTS (key_specs); i++)
    if (g_str_equal (key_specs[i].group, group))
      return TRUE;
  return FALSE;
}

static gboolean
parse_uint (const char *text, guint min, guint max, guint *out)
{
  guint64 v;

  if (!g_ascii_string_to_unsigned (text, 10, min, max, &v, NULL))
    return FALSE;
  *out = (guint) v;
  return TRUE;
}

static gboolean
is_valid_hostname (const char *text)
{
  if (*text == '\0')
    return TRUE; /* unset */
  if (strlen (text) > 253)
    return FALSE;
  for (const char *p = text; *p; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '.')
      return FALSE;
  return text[0] != '.' && text[0] != '-';
}

/* Returns a translated reason when @text is not acceptable for @spec. */
static char *
store_value (MgConfig *self, const KeySpec *spec, const char *text)
{
  gpointer field = G_STRUCT_MEMBER_P (self, spec->offset);
  gboolean b;

  switch (spec->type)
    {
    case KEY_PATH:
      if (*text != '\0' && !g_path_is_absolute (text))
        return g_strdup (_("must be an absolute path"));
      break;
    case KEY_HOST:
      if (!is_valid_hostname (text))
        return g_strdup (_("must be a host name (letters, digits, '-' and '.')"));
      break;
    case KEY_ADDRESS:
      if (!g_hostname_is_ip_address (text))
        return g_strdup (_("must be an IPv4 or IPv6 address"));
      break;
    case KEY_PORT:
      if (!parse_uint (text, 0, 65535, field))
        return g_strdup (_("must be a port number from 0 to 65535"));
      return NULL;
    case KEY_UINT:
      if (!parse_uint (text, spec->min, spec->max, field))
        return g_strdup_printf (_("must be a whole number from %u to %u"), spec->min, spec->max);
      return NULL;
    case KEY_BOOL:
      if (g_str_equal (text, "true"))
        b = TRUE;
      else if (g_str_equal (text, "false"))
        b = FALSE;
      else
        return g_strdup (_("must be true or false"));
      *(gboolean *) field = b;
      return NULL;
    case KEY_STRING:
      break;
    }

  g_free (*(char **) field);
  *(char **) field = g_strdup (text);
  return NULL;
}

static void
apply_defaults (MgConfig *self)
{
  for (gsize i = 0; i < G_N_ELEMENTS (key_specs); i++)
    {
      g_autofree char *reason = store_value (self, &key_specs[i], key_specs[i].fallback);
      g_assert (reason == NULL);
    }
}

static void
check_unknown_keys (MgConfig *self, GKeyFile *kf, GHashTable *lines, const char *origin)
{
  g_auto (GStrv) groups = g_key_file_get_groups (kf, NULL);

  for (guint g = 0; groups[g] != NULL; g++)
    {
      g_auto (GStrv) keys = g_key_file_get_keys (kf, groups[g], NULL, NULL);

      for (guint k = 0; keys && keys[k] != NULL; k++)
        {
          g_autofree char *id = g_strdup_printf ("%s\n%s", groups[g], keys[k]);
          guint line = GPOINTER_TO_UINT (g_hash_table_lookup (lines, id));

          if (find_spec (groups[g], keys[k]) != NULL)
            continue;
          add_warning (self, group_is_known (groups[g])
                               ? g_strdup_printf (_("%s:%u: [%s] %s: unknown key, ignored"),
                                                  origin, line, groups[g], keys[k])
                               : g_strdup_printf (_("%s:%u: [%s] %s: unknown group, ignored"),
                                                  origin, line, groups[g], keys[k]));
        }
    }
}

static gboolean
load_key_file (MgConfig *self, const char *data, gsize length, const char *origin, GError **error)
{
  g_autoptr (GKeyFile) kf = g_key_file_new ();
  g_autoptr (GHashTable) lines = NULL;
  g_autoptr (GString) problems = g_string_new (NULL);
  g_autofree char *text = g_strndup (data, length);
  g_autoptr (GError) local_error = NULL;

  if (!g_key_file_load_from_data (kf, text, length, G_KEY_FILE_NONE, &local_error))
    {
      g_set_error (error, MG_CONFIG_ERROR, MG_CONFIG_ERROR_PARSE, "%s: %s", origin,
                   local_error->message);
      return FALSE;
    }
  lines = index_key_lines (text);

  for (gsize i = 0; i < G_N_ELEMENTS (key_specs); i++)
    {
      const KeySpec *spec = &key_specs[i];
      g_autofree char *value = g_key_file_get_string (kf, spec->group, spec->key, NULL);
      g_autofree char *reason = NULL;
      g_autofree char *id = NULL;

      if (value == NULL)
        continue;
      g_strstrip (value);
      reason = store_value (self, spec, value);
      if (reason == NULL)
        continue;
      id = g_strdup_printf ("%s\n%s", spec->group, spec->key);
      g_string_append_printf (problems, "%s%s:%u: [%s] %s = \"%s\": %s", problems->len ? "\n" : "",
                              origin, GPOINTER_TO_UINT (g_hash_table_lookup (lines, id)),
                              spec->group, spec->key, value, reason);
    }

  check_unknown_keys (self, kf, lines, origin);

  if (problems->len > 0)
    {
      /* the caller gets no config to ask for warnings: say them here */
      for (guint i = 0; i + 1 < self->warnings->len; i++)
        g_string_append_printf (problems, "\n%s", (char *) g_ptr_array_index (self->warnings, i));
      g_set_error_literal (error, MG_CONFIG_ERROR, MG_CONFIG_ERROR_INVALID, problems->str);
      return FALSE;
    }
  return TRUE;
}

/**
 * mg_config_new:
 *
 * Creates a configuration with every key at its default.
 *
 * Returns: (transfer full): a new config
 */
MgConfig *
mg_config_new (void)
{
  MgConfig *self = g_object_new (MG_TYPE_CONFIG, NULL);

  apply_defaults (self);
  return self;
}

/**
 * mg_config_new_from_data:
 * @data: key file text
 * @length: length of @data, or -1 when NUL-terminated
 * @origin: (nullable): what to call the text in messages, e.g. a file name
 * @error: return location for a #GError
 *
 * Parses and validates configuration text. Keys that are absent take their
 * defaults.
 *
 * Returns: (transfer full): a new config, or %NULL with @error set
 */
MgConfig *
mg_config_new_from_data (const char *data, gssize length, const char *origin, GError **error)
{
  g_autoptr (MgConfig) self = mg_config_new ();

  g_return_val_if_fail (data != NULL, NULL);

  if (length < 0)
    length = strlen (data);
  if (!load_key_file (self, data, length, origin ? origin : "<config>", error))
    return NULL;
  return g_steal_pointer (&self);
}

/**
 * mg_config_new_from_file:
 * @path: (type filename): the key file to read
 * @error: return location for a #GError
 *
 * Reads and validates the configuration file at @path.
 *
 * Returns: (transfer full): a new config, or %NULL with @error set
 */
MgConfig *
mg_config_new_from_file (const char *path, GError **error)
{
  g_autofree char *data = NULL;
  gsize length = 0;
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_get_contents (path, &data, &length, &local_error))
    {
      g_set_error (error, MG_CONFIG_ERROR, MG_CONFIG_ERROR_READ, "%s", local_error->message);
      return NULL;
    }
  return mg_config_new_from_data (data, length, path, error);
}

/**
 * mg_config_get_warnings:
 * @self: a config
 *
 * Returns: (transfer none) (array zero-terminated=1): what was ignored in the
 *   file (unknown groups and keys), one message each, naming the line
 */
const char * const *
mg_config_get_warnings (MgConfig *self)
{
  g_return_val_if_fail (MG_IS_CONFIG (self), NULL);
  return (const char * const *) self->warnings->pdata;
}

#define STRING_GETTER(name, field, doc)                                                            \
  const char *mg_config_get_##name (MgConfig *self)                                                \
  {                                                                                                \
    g_return_val_if_fail (MG_IS_CONFIG (self), NULL);                                              \
    return self->field;                                                                            \
  }

#define UINT_GETTER(type, name, field)                                                             \
  type mg_config_get_##name (MgConfig *self)                                                       \
  {                                                                                                \
    g_return_val_if_fail (MG_IS_CONFIG (self), 0);                                                 \
    return self->field;                                                                            \
  }

/**
 * mg_config_get_fqdn:
 * @self: a config
 *
 * Returns: the node's public host name ("" when unset: the host name is used)
 */
STRING_GETTER (fqdn, fqdn, "")
/**
 * mg_config_get_data_dir:
 * @self: a config
 *
 * Returns: (type filename): where the store, keys and certificates live
 */
STRING_GETTER (data_dir, data_dir, "")
/**
 * mg_config_get_log_dir:
 * @self: a config
 *
 * Returns: (type filename): where rotated log files are written
 */
STRING_GETTER (log_dir, log_dir, "")
/**
 * mg_config_get_pipelines_dir:
 * @self: a config
 *
 * Returns: (type filename): where the media shapes (`*.pipeline`) are read from
 */
STRING_GETTER (pipelines_dir, pipelines_dir, "")
/**
 * mg_config_get_web_dir:
 * @self: a config
 *
 * Returns: (type filename): where the web client and admin UI files are read from
 */
STRING_GETTER (web_dir, web_dir, "")
/**
 * mg_config_get_tls_certificate:
 * @self: a config
 *
 * Returns: (type filename): the PEM certificate file, or "" for the one kept in the data dir
 */
STRING_GETTER (tls_certificate, tls_certificate, "")
/**
 * mg_config_get_tls_key:
 * @self: a config
 *
 * Returns: (type filename): the PEM private key file, or ""
 */
STRING_GETTER (tls_key, tls_key, "")
/**
 * mg_config_get_client_address:
 * @self: a config
 *
 * Returns: the address the client listener binds to
 */
STRING_GETTER (client_address, client_address, "")
/**
 * mg_config_get_admin_address:
 * @self: a config
 *
 * Returns: the address the admin listener binds to
 */
STRING_GETTER (admin_address, admin_address, "")
/**
 * mg_config_get_client_port:
 * @self: a config
 *
 * Returns: the client listener's TCP port (0: any free port)
 */
UINT_GETTER (guint, client_port, client_port)
/**
 * mg_config_get_admin_port:
 * @self: a config
 *
 * Returns: the admin listener's TCP port (0: any free port)
 */
UINT_GETTER (guint, admin_port, admin_port)
/**
 * mg_config_get_cti_address:
 * @self: a config
 *
 * Returns: the address the CTI listener binds to
 */
STRING_GETTER (cti_address, cti_address, "")
/**
 * mg_config_get_cti_port:
 * @self: a config
 *
 * Returns: the CTI listener's TCP port (0: any free port)
 */
UINT_GETTER (guint, cti_port, cti_port)

/**
 * mg_config_get_cti_tls_enabled:
 * @self: a config
 *
 * Returns: whether the raw CSTA-over-TLS listener (8-byte framing) runs
 */
UINT_GETTER (gboolean, cti_tls_enabled, cti_tls_enabled)

/**
 * mg_config_get_cti_tls_address:
 * @self: a config
 *
 * Returns: the raw CSTA-over-TLS listener's address
 */
STRING_GETTER (cti_tls_address, cti_tls_address, "")

/**
 * mg_config_get_cti_tls_port:
 * @self: a config
 *
 * Returns: the raw CSTA-over-TLS listener's TCP port (0: any free port)
 */
UINT_GETTER (guint, cti_tls_port, cti_tls_port)
/**
 * mg_config_get_admin_on_client:
 * @self: a config
 *
 * Returns: whether the admin API and UI are also served on the client listener
 */
UINT_GETTER (gboolean, admin_on_client, admin_on_client)
/**
 * mg_config_get_client_logger_enabled:
 * @self: a config
 *
 * Returns: whether the client logger listener runs
 */
UINT_GETTER (gboolean, client_logger_enabled, client_logger_enabled)
/**
 * mg_config_get_client_logger_address:
 * @self: a config
 *
 * Returns: the address the client logger listener binds to
 */
STRING_GETTER (client_logger_address, client_logger_address, "")
/**
 * mg_config_get_client_logger_port:
 * @self: a config
 *
 * Returns: the client logger listener's TCP port (0: any free port)
 */
UINT_GETTER (guint, client_logger_port, client_logger_port)
/**
 * mg_config_get_max_connections_per_source:
 * @self: a config
 *
 * Returns: how many connections one source address may hold on a listener
 */
UINT_GETTER (guint, max_connections_per_source, max_connections_per_source)
/**
 * mg_config_get_idle_timeout:
 * @self: a config
 *
 * Returns: seconds after which an idle HTTP connection is closed
 */
UINT_GETTER (guint, idle_timeout, idle_timeout)
/**
 * mg_config_get_max_body_size:
 * @self: a config
 *
 * Returns: the largest request body accepted, in bytes
 */
UINT_GETTER (guint, max_body_size, max_body_size)
/**
 * mg_config_get_sip_address:
 * @self: a config
 *
 * Returns: the address the SIP stack binds (UDP and TCP)
 */
STRING_GETTER (sip_address, sip_address, "")
/**
 * mg_config_get_sip_port:
 * @self: a config
 *
 * Returns: the SIP port used on first start, until an admin sets the
 *   `local_port` of the "sip" settings
 */
UINT_GETTER (guint, sip_port, sip_port)
/**
 * mg_config_get_media_address:
 * @self: a config
 *
 * Returns: the address in our SDP toward SIP peers and where SIP-side RTP
 *   binds; "" for the SIP address (or 127.0.0.1 when that is a wildcard)
 */
STRING_GETTER (media_address, media_address, "")
/**
 * mg_config_get_rtp_port_min:
 * @self: a config
 *
 * Returns: the lowest SIP-side RTP port
 */
UINT_GETTER (guint, rtp_port_min, rtp_port_min)
/**
 * mg_config_get_rtp_port_max:
 * @self: a config
 *
 * Returns: the highest SIP-side RTP port
 */
UINT_GETTER (guint, rtp_port_max, rtp_port_max)
