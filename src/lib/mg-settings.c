/* mg-settings.c: the admin-edited settings sections, their keys, defaults and rules
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-config"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>

#include "mg-settings-checks-private.h"
#include "mg-settings.h"

/* Each section is one JSON object in the store's settings table. This file
 * knows every key: its type, default, bounds and whether changing it needs a
 * restart. Validation is pure (JSON in, JSON or GError out) so it is unit
 * tested without a store; the store is touched only by load and save.
 *
 * Write-only keys (secrets) are kept when a PUT omits them: a client can
 * never read them back, so a read-modify-write must not reset them. */

typedef enum {
  KEY_BOOL,
  KEY_INT,
  KEY_SECRET,      /* write-only string; min/max bound its length */
  KEY_ENUM,        /* one of choices */
  KEY_STRING,      /* checked by check */
  KEY_LIST,        /* strings checked by check, no duplicates; max bounds the count */
  KEY_CHOICE_LIST, /* ordered subset of choices, no duplicates; min bounds the count */
  KEY_LEVEL_MAP,   /* object: choices (modules) -> log level names */
} KeyKind;

typedef gboolean (*CheckFunc) (const char *value, char **reason);

typedef struct
{
  const char *name;
  KeyKind kind;
  gint64 min, max;
  const char *def; /* the default, as JSON text */
  const char *const *choices;
  CheckFunc check;
  gboolean restart; /* a change takes effect only after a restart */
} KeySpec;

typedef struct
{
  const char *name;
  const KeySpec *keys;
  gsize n_keys;
  gboolean (*check) (JsonObject *merged, GError **error); /* rules across keys */
  void (*warn) (JsonObject *stored, JsonArray *warnings);
} SectionSpec;

#define MAX_LIST_ITEMS 16

static const char *const srtp_modes[] = { "none", "preferred", "required", NULL };
static const char *const audio_codecs[] = { "opus", "G722", "PCMU", "PCMA", "telephone-event", NULL };
static const char *const video_codecs[] = { "VP8", "VP9", "H264", NULL };
static const char *const sip_transports[] = { "udp", "tcp", "tls", NULL };
static const char *const log_modules[] = { "server", "store", "http", "admin", "auth", "tls",
                                           "config", "sip", "media", "cti", "call", "phone",
                                           "webrtc", "extensions", "log", "clientlog", NULL };
static const char *const log_levels[] = { "error", "warning", "message", "info", "debug", NULL };

static const KeySpec turn_keys[] = {
  { "enabled", KEY_BOOL, 0, 0, "false" },
  { "shared_secret", KEY_SECRET, 16, 256, "\"" MG_SETTINGS_DEFAULT_TURN_SECRET "\"", NULL,
    mg_settings_check_secret },
  { "ttl", KEY_INT, 60, 86400, "600" },
  { "relay_addresses", KEY_LIST, 0, MAX_LIST_ITEMS, "[]", NULL, mg_settings_check_ip },
  { "transport_addresses", KEY_LIST, 0, MAX_LIST_ITEMS, "[]", NULL,
    mg_settings_check_transport_address },
  { "external_addresses", KEY_LIST, 0, MAX_LIST_ITEMS, "[]", NULL, mg_settings_check_fqdn },
};

static const KeySpec media_keys[] = {
  { "sip_srtp", KEY_ENUM, 0, 0, "\"none\"", srtp_modes },
  { "audio_codecs", KEY_CHOICE_LIST, 1, 0,
    "[\"opus\",\"G722\",\"PCMU\",\"PCMA\",\"telephone-event\"]", audio_codecs },
  { "video_codecs", KEY_CHOICE_LIST, 0, 0, "[\"VP8\",\"VP9\",\"H264\"]", video_codecs },
  { "max_video_bitrate", KEY_INT, 32, 100000, "500" },
  { "max_webrtc_sessions", KEY_INT, 1, 100000, "300" },
};

static const KeySpec sip_keys[] = {
  { "primary_uri", KEY_STRING, 0, 0, "\"\"", NULL, mg_settings_check_sip_uri },
  { "secondary_uri", KEY_STRING, 0, 0, "\"\"", NULL, mg_settings_check_sip_uri },
  { "transport", KEY_ENUM, 0, 0, "\"udp\"", sip_transports, NULL, TRUE },
  { "registration_expiry", KEY_INT, 300, 86400, "600" },
  { "local_port", KEY_INT, 1, 65535, "5060", NULL, NULL, TRUE },
  { "keepalive_interval", KEY_INT, 1, 3600, "10" },
  { "keepalive_max_missed", KEY_INT, 1, 100, "3" },
};

static const KeySpec diagnostics_keys[] = {
  { "log_levels", KEY_LEVEL_MAP, 0, 0,
    "{\"server\":\"message\",\"store\":\"message\",\"http\":\"message\","
    "\"admin\":\"message\",\"auth\":\"message\",\"tls\":\"message\","
    "\"config\":\"message\",\"sip\":\"message\",\"media\":\"message\","
    "\"cti\":\"message\",\"call\":\"message\",\"phone\":\"message\","
    "\"webrtc\":\"message\",\"extensions\":\"message\",\"log\":\"message\","
    "\"clientlog\":\"message\"}",
    log_modules },
  { "log_file_size", KEY_INT, 64 * 1024, G_GINT64_CONSTANT (1) << 30, "10485760" },
  { "log_file_count", KEY_INT, 1, 1000, "10" },
  { "log_retention_days", KEY_INT, 1, 3650, "14" },
};

static const KeySpec cti_keys[] = {
  /* the seed's CONNECTIONTIMEOUT: the longest actualSessionDuration */
  { "session_timeout", KEY_INT, 10, 86400, "3600" },
  /* seconds between our SystemStatus messages; 0: none */
  { "heartbeat_interval", KEY_INT, 0, 3600, "60" },
  /* the seed's LOADBALANCER: peers that may hold many connections and whose
   * Forwarded/X-Forwarded-For name the client; others: one connection */
  { "load_balancers", KEY_LIST, 0, MAX_LIST_ITEMS, "[]", NULL, mg_settings_check_network },
  /* application sessions at once (waiting ones count); more are refused */
  { "max_sessions", KEY_INT, 1, 100000, "1000" },
  /* seconds a session dropped without StopApplicationSession waits for a resume */
  { "resume_delay", KEY_INT, 0, 3600, "60" },
  /* events kept per session for a resume */
  { "replay_events", KEY_INT, 10, 100000, "1000" },
  /* the seed's LOGOUTONTIMEOUT: a timed-out session's agents are logged off
   * once its resume time ran out */
  { "logout_on_timeout", KEY_BOOL, 0, 0, "false" },
};

/* The client logger (docs/client-log.md); its listener address and port are
 * in the configuration file. */
static const KeySpec client_logger_keys[] = {
  { "load_balancers", KEY_LIST, 0, MAX_LIST_ITEMS, "[]", NULL, mg_settings_check_network },
  { "idle_timeout", KEY_INT, 5, 3600, "120" },
  { "max_file_size", KEY_INT, 4096, G_GINT64_CONSTANT (1) << 30, "10485760" },
  { "max_files", KEY_INT, 1, 1000, "10" },
  { "retention_days", KEY_INT, 1, 3650, "7" },
  { "max_lines_per_second", KEY_INT, 1, 1000, "20" },
};

static gboolean check_sip (JsonObject *merged, GError **error);
static void warn_turn (JsonObject *stored, JsonArray *warnings);

static const SectionSpec sections[] = {
  { "turn", turn_keys, G_N_ELEMENTS (turn_keys), NULL, warn_turn },
  { "media", media_keys, G_N_ELEMENTS (media_keys) },
  { "sip", sip_keys, G_N_ELEMENTS (sip_keys), check_sip },
  { "diagnostics", diagnostics_keys, G_N_ELEMENTS (diagnostics_keys) },
  { "cti", cti_keys, G_N_ELEMENTS (cti_keys) },
  { "client_logger", client_logger_keys, G_N_ELEMENTS (client_logger_keys) },
};

static const char *const section_names[] = { "turn", "media", "sip", "diagnostics", "cti",
                                             "client_logger", NULL };

G_DEFINE_QUARK (mg-settings-error-quark, mg_settings_error)

static const SectionSpec *
find_section (const char *name)
{
  for (gsize i = 0; i < G_N_ELEMENTS (sections); i++)
    if (g_strcmp0 (sections[i].name, name) == 0)
      return &sections[i];
  return NULL;
}

static const KeySpec *
find_key (const SectionSpec *section, const char *name)
{
  for (gsize i = 0; i < section->n_keys; i++)
    if (g_str_equal (section->keys[i].name, name))
      return &section->keys[i];
  return NULL;
}

static gboolean
in_choices (const char *const *choices, const char *value)
{
  return value != NULL && g_strv_contains (choices, value);
}

const char *const *
mg_settings_get_sections (void)
{
  return section_names;
}

gboolean
mg_settings_has_section (const char *section)
{
  return find_section (section) != NULL;
}

static JsonNode *
parse_default (const KeySpec *key)
{
  g_autoptr (GError) error = NULL;
  JsonNode *node = json_from_string (key->def, &error);

  g_assert_no_error (error);
  return node;
}

static JsonObject *
defaults_of (const SectionSpec *section)
{
  JsonObject *object = json_object_new ();

  for (gsize i = 0; i < section->n_keys; i++)
    json_object_set_member (object, section->keys[i].name, parse_default (&section->keys[i]));
  return object;
}

/* Every section as it is before an admin writes it. */
JsonObject *
mg_settings_get_defaults (const char *section)
{
  const SectionSpec *spec = find_section (section);

  g_return_val_if_fail (spec != NULL, NULL);
  return defaults_of (spec);
}

static gboolean G_GNUC_PRINTF (3, 4)
bad_value (GError **error, const KeySpec *key, const char *format, ...)
{
  g_autofree char *reason = NULL;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, MG_SETTINGS_ERROR, MG_SETTINGS_ERROR_INVALID, "%s: %s", key->name, reason);
  return FALSE;
}

static const char *
string_of (JsonNode *node)
{
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
check_string (const KeySpec *key, const char *value, GError **error)
{
  g_autofree char *reason = NULL;

  if (value == NULL)
    return bad_value (error, key, _("must be a string"));
  if (key->check != NULL && !key->check (value, &reason))
    return bad_value (error, key, "\"%s\" %s", value, reason);
  return TRUE;
}

/* like check_string, but never echoes the value back in the error */
static gboolean
check_secret_value (const KeySpec *key, const char *value, GError **error)
{
  g_autofree char *reason = NULL;

  if (key->check != NULL && !key->check (value, &reason))
    return bad_value (error, key, "%s", reason);
  return TRUE;
}

static gboolean
check_scalar (const KeySpec *key, JsonNode *node, GError **error)
{
  const char *text = string_of (node);

  switch (key->kind)
    {
    case KEY_BOOL:
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        return bad_value (error, key, _("must be true or false"));
      return TRUE;
    case KEY_INT:
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64
          || json_node_get_int (node) < key->min || json_node_get_int (node) > key->max)
        return bad_value (error, key,
                          _("must be a whole number from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT),
                          key->min, key->max);
      return TRUE;
    case KEY_SECRET:
      if (text == NULL || (gint64) strlen (text) < key->min || (gint64) strlen (text) > key->max)
        return bad_value (error, key,
                          _("must be a string of %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT
                            " characters"),
                          key->min, key->max);
      return check_secret_value (key, text, error);
    case KEY_ENUM:
      if (!in_choices (key->choices, text))
        {
          g_autofree char *list = g_strjoinv (", ", (GStrv) key->choices);
          return bad_value (error, key, _("must be one of %s"), list);
        }
      return TRUE;
    case KEY_STRING:
      return check_string (key, text, error);
    case KEY_LIST:
    case KEY_CHOICE_LIST:
    case KEY_LEVEL_MAP:
      break;
    }
  g_assert_not_reached ();
}

static gboolean
check_list (const KeySpec *key, JsonNode *node, GError **error)
{
  JsonArray *array;
  g_autoptr (GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  guint n;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    return bad_value (error, key, _("must be a list of strings"));
  array = json_node_get_array (node);
  n = json_array_get_length (array);
  if (key->kind == KEY_LIST && n > key->max)
    return bad_value (error, key, _("has more than %" G_GINT64_FORMAT " entries"), key->max);
  if (key->kind == KEY_CHOICE_LIST && n < key->min)
    return bad_value (error, key, _("needs at least %" G_GINT64_FORMAT " entry"), key->min);

  for (guint i = 0; i < n; i++)
    {
      const char *item = string_of (json_array_get_element (array, i));

      if (key->kind == KEY_LIST && !check_string (key, item, error))
        return FALSE;
      if (key->kind == KEY_CHOICE_LIST && !in_choices (key->choices, item))
        {
          g_autofree char *list = g_strjoinv (", ", (GStrv) key->choices);
          return bad_value (error, key, _("\"%s\" is not one of %s"), item ? item : "(not a string)",
                            list);
        }
      if (!g_hash_table_add (seen, (gpointer) item))
        return bad_value (error, key, _("\"%s\" is listed twice"), item);
    }
  return TRUE;
}

/* Level maps merge entry by entry onto @base (the defaults on PUT, the
 * current map on PATCH), so one module's level changes alone. */
static JsonNode *
merge_level_map (const KeySpec *key, JsonNode *base, JsonNode *node, GError **error)
{
  g_autoptr (JsonObject) merged = json_object_new ();
  JsonObject *given;
  JsonObjectIter iter;
  const char *module;
  JsonNode *value;
  JsonNode *result;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      bad_value (error, key, _("must be an object of module names to log levels"));
      return NULL;
    }
  if (base != NULL && JSON_NODE_HOLDS_OBJECT (base))
    {
      json_object_iter_init (&iter, json_node_get_object (base));
      while (json_object_iter_next (&iter, &module, &value))
        json_object_set_member (merged, module, json_node_copy (value));
    }
  given = json_node_get_object (node);
  json_object_iter_init (&iter, given);
  while (json_object_iter_next (&iter, &module, &value))
    {
      g_autofree char *modules = g_strjoinv (", ", (GStrv) key->choices);
      g_autofree char *levels = g_strjoinv (", ", (GStrv) log_levels);

      if (!in_choices (key->choices, module))
        {
          bad_value (error, key, _("unknown module \"%s\"; modules are %s"), module, modules);
          return NULL;
        }
      if (!in_choices (log_levels, string_of (value)))
        {
          bad_value (error, key, _("the level of %s must be one of %s"), module, levels);
          return NULL;
        }
      json_object_set_member (merged, module, json_node_copy (value));
    }
  result = json_node_new (JSON_NODE_OBJECT);
  json_node_set_object (result, merged);
  return result;
}

/* The validated value to store for @key, or NULL with @error set. */
static JsonNode *
validate_key (const KeySpec *key, JsonNode *base, JsonNode *node, GError **error)
{
  switch (key->kind)
    {
    case KEY_LEVEL_MAP:
      return merge_level_map (key, base, node, error);
    case KEY_LIST:
    case KEY_CHOICE_LIST:
      return check_list (key, node, error) ? json_node_copy (node) : NULL;
    default:
      return check_scalar (key, node, error) ? json_node_copy (node) : NULL;
    }
}

/* Keys that answers carry but that cannot be written: a client may send a
 * section back as it read it. */
static gboolean
is_derived_key (const SectionSpec *section, const char *name)
{
  if (g_str_equal (name, "warnings") || g_str_equal (name, "restart_required"))
    return TRUE;
  for (gsize i = 0; i < section->n_keys; i++)
    {
      const KeySpec *key = &section->keys[i];
      g_autofree char *set = g_strconcat (key->name, "_set", NULL);
      g_autofree char *is_default = g_strconcat (key->name, "_is_default", NULL);

      if (key->kind == KEY_SECRET && (g_str_equal (name, set) || g_str_equal (name, is_default)))
        return TRUE;
    }
  return FALSE;
}

static gboolean
unknown_key (const SectionSpec *section, const char *name, GError **error)
{
  g_autoptr (GString) known = g_string_new (NULL);

  for (gsize i = 0; i < section->n_keys; i++)
    g_string_append_printf (known, "%s%s", i ? ", " : "", section->keys[i].name);
  g_set_error (error, MG_SETTINGS_ERROR, MG_SETTINGS_ERROR_UNKNOWN_KEY,
               _("%s: unknown key in %s; the keys are %s"), name, section->name, known->str);
  return FALSE;
}

/* json_node_copy() shares nested objects; a merge must not touch @object. */
static JsonObject *
copy_object (JsonObject *object)
{
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr (JsonNode) copy = NULL;
  g_autofree char *text = NULL;

  json_node_set_object (node, object);
  text = json_to_string (node, FALSE);
  copy = json_from_string (text, NULL);
  return json_object_ref (json_node_get_object (copy));
}

static JsonObject *
start_from (const SectionSpec *section, JsonObject *current, gboolean replace)
{
  JsonObject *merged;

  if (!replace)
    return copy_object (current);
  merged = defaults_of (section);
  for (gsize i = 0; i < section->n_keys; i++)
    if (section->keys[i].kind == KEY_SECRET && json_object_has_member (current, section->keys[i].name))
      json_object_set_member (merged, section->keys[i].name,
                              json_object_dup_member (current, section->keys[i].name));
  return merged;
}

static gboolean
needs_restart (const SectionSpec *section, JsonObject *current, JsonObject *merged)
{
  for (gsize i = 0; i < section->n_keys; i++)
    {
      const char *name = section->keys[i].name;
      JsonNode *before = json_object_get_member (current, name);

      if (section->keys[i].restart
          && (before == NULL || !json_node_equal (before, json_object_get_member (merged, name))))
        return TRUE;
    }
  return FALSE;
}

/**
 * mg_settings_merge:
 * @section: a section name
 * @current: the section as loaded (every key present)
 * @input: what a client sent
 * @replace: TRUE for PUT (missing keys take their defaults, secrets stay),
 *   FALSE for PATCH (missing keys keep their current values)
 * @restart_required: (out): whether a changed key takes effect only after a restart
 * @error: names the first bad key and why
 *
 * Validates all of @input before anything is changed.
 *
 * Returns: (transfer full): the section to store, or %NULL with @error set
 */
JsonObject *
mg_settings_merge (const char *section, JsonObject *current, JsonObject *input, gboolean replace,
                   gboolean *restart_required, GError **error)
{
  const SectionSpec *spec = find_section (section);
  g_autoptr (JsonObject) merged = NULL;
  JsonObjectIter iter;
  const char *name;
  JsonNode *node;

  if (spec == NULL)
    {
      g_set_error (error, MG_SETTINGS_ERROR, MG_SETTINGS_ERROR_UNKNOWN_SECTION,
                   _("no settings section named %s"), section);
      return NULL;
    }
  merged = start_from (spec, current, replace);

  json_object_iter_init (&iter, input);
  while (json_object_iter_next (&iter, &name, &node))
    {
      const KeySpec *key = find_key (spec, name);
      JsonNode *value;

      if (key == NULL && is_derived_key (spec, name))
        continue;
      if (key == NULL)
        {
          unknown_key (spec, name, error);
          return NULL;
        }
      value = validate_key (key, json_object_get_member (merged, name), node, error);
      if (value == NULL)
        return NULL;
      json_object_set_member (merged, name, value);
    }
  if (spec->check != NULL && !spec->check (merged, error))
    return NULL;
  if (restart_required != NULL)
    *restart_required = needs_restart (spec, current, merged);
  return g_steal_pointer (&merged);
}

static gboolean
check_sip (JsonObject *merged, GError **error)
{
  if (*json_object_get_string_member (merged, "primary_uri") == '\0'
      && *json_object_get_string_member (merged, "secondary_uri") != '\0')
    {
      g_set_error (error, MG_SETTINGS_ERROR, MG_SETTINGS_ERROR_INVALID,
                   _("secondary_uri: a secondary platform needs a primary_uri"));
      return FALSE;
    }
  return TRUE;
}

static void
warn_turn (JsonObject *stored, JsonArray *warnings)
{
  JsonArray *transports = json_object_get_array_member (stored, "transport_addresses");

  if (g_strcmp0 (json_object_get_string_member (stored, "shared_secret"),
                 MG_SETTINGS_DEFAULT_TURN_SECRET) == 0)
    json_array_add_string_element (
      warnings, _("shared_secret is the well-known default of every Mediagate install; set your "
                  "own (and the same static-auth-secret in the TURN server) before using TURN"));
  if (json_object_get_boolean_member (stored, "enabled") && json_array_get_length (transports) == 0)
    json_array_add_string_element (
      warnings, _("TURN is enabled but transport_addresses is empty: clients get no TURN server"));
}

/**
 * mg_settings_public_view:
 * @section: a section name
 * @stored: the section as stored
 *
 * What an admin may read: write-only keys are replaced by `<key>_set` and
 * `<key>_is_default`, and a `warnings` list is added when something needs
 * attention.
 *
 * Returns: (transfer full): a new object
 */
JsonObject *
mg_settings_public_view (const char *section, JsonObject *stored)
{
  const SectionSpec *spec = find_section (section);
  JsonObject *view = json_object_new ();
  g_autoptr (JsonArray) warnings = json_array_new ();

  g_return_val_if_fail (spec != NULL, view);

  for (gsize i = 0; i < spec->n_keys; i++)
    {
      const KeySpec *key = &spec->keys[i];
      g_autofree char *set = NULL;
      g_autofree char *is_default = NULL;
      g_autoptr (JsonNode) def = NULL;
      gboolean at_default;

      if (key->kind != KEY_SECRET)
        {
          json_object_set_member (view, key->name, json_object_dup_member (stored, key->name));
          continue;
        }
      def = parse_default (key);
      at_default = json_node_equal (def, json_object_get_member (stored, key->name));
      set = g_strconcat (key->name, "_set", NULL);
      is_default = g_strconcat (key->name, "_is_default", NULL);
      json_object_set_boolean_member (view, set, !at_default);
      json_object_set_boolean_member (view, is_default, at_default);
    }
  if (spec->warn != NULL)
    spec->warn (stored, warnings);
  if (json_array_get_length (warnings) > 0)
    json_object_set_array_member (view, "warnings", g_steal_pointer (&warnings));
  return view;
}

/**
 * mg_settings_normalize:
 * @section: a section name
 * @json: (nullable): the section as stored, or %NULL when never written
 *
 * The stored text over the defaults: keys that a newer version added take
 * their defaults, keys that it dropped or values that no longer pass are
 * left out (so the default applies).
 *
 * Returns: (transfer full): the section with every key present
 */
JsonObject *
mg_settings_normalize (const char *section, const char *json)
{
  const SectionSpec *spec = find_section (section);
  JsonObject *result;
  g_autoptr (JsonNode) root = NULL;
  JsonObject *stored;

  g_return_val_if_fail (spec != NULL, NULL);

  result = defaults_of (spec);
  if (json == NULL || (root = json_from_string (json, NULL)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return result;
  stored = json_node_get_object (root);
  for (gsize i = 0; i < spec->n_keys; i++)
    {
      const KeySpec *key = &spec->keys[i];
      JsonNode *node = json_object_get_member (stored, key->name);
      g_autoptr (GError) error = NULL;
      JsonNode *value;

      if (node == NULL)
        continue;
      value = validate_key (key, json_object_get_member (result, key->name), node, &error);
      if (value == NULL)
        {
          g_info ("settings %s: ignoring the stored %s", section, error->message);
          continue;
        }
      json_object_set_member (result, key->name, value);
    }
  return result;
}

/**
 * mg_settings_load:
 * @store: the store
 * @section: a section name
 *
 * Returns: (transfer full): the section, every key present
 */
JsonObject *
mg_settings_load (MgStore *store, const char *section)
{
  g_autofree char *json = mg_store_dup_setting (store, section);

  return mg_settings_normalize (section, json);
}

/**
 * mg_settings_save:
 * @store: the store, inside the caller's transaction
 * @section: a section name
 * @stored: the section from mg_settings_merge()
 * @error: return location for a #GError
 *
 * Returns: whether the section was written
 */
gboolean
mg_settings_save (MgStore *store, const char *section, JsonObject *stored, GError **error)
{
  g_autoptr (JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *json = NULL;

  json_node_set_object (node, stored);
  json = json_to_string (node, FALSE);
  return mg_store_set_setting (store, section, json, error);
}

gboolean
mg_settings_get_bool (JsonObject *section, const char *key)
{
  return json_object_get_boolean_member_with_default (section, key, FALSE);
}

gint64
mg_settings_get_int (JsonObject *section, const char *key)
{
  return json_object_get_int_member_with_default (section, key, 0);
}

const char *
mg_settings_get_string (JsonObject *section, const char *key)
{
  return json_object_get_string_member_with_default (section, key, "");
}

/* A list key as a NULL-terminated array of strings. */
GStrv
mg_settings_dup_strv (JsonObject *section, const char *key)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  JsonNode *node = json_object_get_member (section, key);

  if (node != NULL && JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        g_strv_builder_add (builder, json_array_get_string_element (array, i));
    }
  return g_strv_builder_end (builder);
}

gboolean
mg_settings_parse_log_level (const char *name, GLogLevelFlags *level)
{
  static const GLogLevelFlags flags[] = { G_LOG_LEVEL_ERROR, G_LOG_LEVEL_WARNING,
                                          G_LOG_LEVEL_MESSAGE, G_LOG_LEVEL_INFO,
                                          G_LOG_LEVEL_DEBUG };

  for (gsize i = 0; i < G_N_ELEMENTS (flags); i++)
    if (g_strcmp0 (name, log_levels[i]) == 0)
      {
        *level = flags[i];
        return TRUE;
      }
  return FALSE;
}

/* The most verbose level a module logs at; "message" unless an admin set
 * another. @module is "sip" or its log domain "mediagate-sip". */
GLogLevelFlags
mg_settings_get_log_level (JsonObject *diagnostics, const char *module)
{
  JsonObject *levels = json_object_get_object_member (diagnostics, "log_levels");
  GLogLevelFlags level = G_LOG_LEVEL_MESSAGE;

  if (g_str_has_prefix (module, "mediagate-"))
    module += strlen ("mediagate-");
  if (levels != NULL)
    mg_settings_parse_log_level (json_object_get_string_member_with_default (levels, module, NULL),
                                 &level);
  return level;
}
