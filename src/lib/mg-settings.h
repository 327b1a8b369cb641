/* mg-settings.h: the admin-edited settings sections (private to the library:
 * not installed, not in the GIR)
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

#include "mg-store.h"

G_BEGIN_DECLS

#define MG_SETTINGS_ERROR (mg_settings_error_quark ())
GQuark mg_settings_error_quark (void);

typedef enum {
  MG_SETTINGS_ERROR_UNKNOWN_SECTION,
  MG_SETTINGS_ERROR_UNKNOWN_KEY,
  MG_SETTINGS_ERROR_INVALID,
} MgSettingsError;

/* The well-known TURN secret of a fresh install; the API warns while it is in use. */
#define MG_SETTINGS_DEFAULT_TURN_SECRET "mediagate-default-turn-secret-change-me"

const char *const *mg_settings_get_sections  (void);
gboolean           mg_settings_has_section   (const char *section);
JsonObject        *mg_settings_get_defaults  (const char *section);
JsonObject        *mg_settings_merge         (const char *section,
                                              JsonObject *current,
                                              JsonObject *input,
                                              gboolean    replace,
                                              gboolean   *restart_required,
                                              GError    **error);
JsonObject        *mg_settings_public_view   (const char *section,
                                              JsonObject *stored);
JsonObject        *mg_settings_normalize     (const char *section,
                                              const char *json);

JsonObject        *mg_settings_load          (MgStore    *store,
                                              const char *section);
gboolean           mg_settings_save          (MgStore    *store,
                                              const char *section,
                                              JsonObject *stored,
                                              GError    **error);

/* Typed reads of a loaded section (every key is present after load). */
gboolean           mg_settings_get_bool      (JsonObject *section,
                                              const char *key);
gint64             mg_settings_get_int       (JsonObject *section,
                                              const char *key);
const char        *mg_settings_get_string    (JsonObject *section,
                                              const char *key);
GStrv              mg_settings_dup_strv      (JsonObject *section,
                                              const char *key);

/* Diagnostics: the log level of a module ("sip" or "mediagate-sip"). */
GLogLevelFlags     mg_settings_get_log_level (JsonObject *diagnostics,
                                              const char *module);
gboolean           mg_settings_parse_log_level (const char     *name,
                                                GLogLevelFlags *level);

G_END_DECLS
