/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(MG_INSIDE) && !defined(MG_COMPILATION)
#error "Only <mediagate.h> can be included directly."
#endif

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * MG_LOG_ERROR:
 *
 * Error domain for [class@Mg.Log].
 */
#define MG_LOG_ERROR (mg_log_error_quark ())
GQuark mg_log_error_quark (void);

/**
 * MgLogError:
 * @MG_LOG_ERROR_DOMAIN: not a Mediagate log domain or module name
 * @MG_LOG_ERROR_LEVEL: not a log level
 * @MG_LOG_ERROR_FILE: the log directory or file cannot be written
 *
 * Errors from [class@Mg.Log].
 */
typedef enum {
  MG_LOG_ERROR_DOMAIN,
  MG_LOG_ERROR_LEVEL,
  MG_LOG_ERROR_FILE,
} MgLogError;

#define MG_TYPE_LOG (mg_log_get_type ())
G_DECLARE_FINAL_TYPE (MgLog, mg_log, MG, LOG, GObject)

MgLog          *mg_log_new                 (const char *directory,
                                            GError    **error) G_GNUC_WARN_UNUSED_RESULT;
void            mg_log_install             (MgLog *self);
const char     *mg_log_get_directory       (MgLog *self);
char           *mg_log_dup_current_file    (MgLog *self);

gboolean        mg_log_set_level           (MgLog          *self,
                                            const char     *domain,
                                            GLogLevelFlags  level,
                                            GError        **error);
GLogLevelFlags  mg_log_get_level           (MgLog      *self,
                                            const char *domain);
char          **mg_log_dup_domains         (MgLog *self);

void            mg_log_set_max_file_size   (MgLog   *self,
                                            guint64  bytes);
guint64         mg_log_get_max_file_size   (MgLog *self);
void            mg_log_set_max_files       (MgLog *self,
                                            guint  count);
guint           mg_log_get_max_files       (MgLog *self);
void            mg_log_set_retention_days  (MgLog *self,
                                            guint  days);
guint           mg_log_get_retention_days  (MgLog *self);

gboolean        mg_log_level_from_string   (const char     *name,
                                            GLogLevelFlags *level,
                                            GError        **error);
const char     *mg_log_level_to_string     (GLogLevelFlags level);

G_END_DECLS
