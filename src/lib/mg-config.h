/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(MG_INSIDE) && !defined(MG_COMPILATION)
#error "Only <mediagate.h> can be included directly."
#endif

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * MG_CONFIG_ERROR:
 *
 * Error domain for reading the static configuration file.
 */
#define MG_CONFIG_ERROR (mg_config_error_quark ())
GQuark mg_config_error_quark (void);

/**
 * MgConfigError:
 * @MG_CONFIG_ERROR_READ: the file could not be read
 * @MG_CONFIG_ERROR_PARSE: the file is not a valid key file
 * @MG_CONFIG_ERROR_INVALID: one or more keys have bad values; the message names each
 *
 * Errors from [class@Mg.Config].
 */
typedef enum {
  MG_CONFIG_ERROR_READ,
  MG_CONFIG_ERROR_PARSE,
  MG_CONFIG_ERROR_INVALID,
} MgConfigError;

#define MG_TYPE_CONFIG (mg_config_get_type ())
G_DECLARE_FINAL_TYPE (MgConfig, mg_config, MG, CONFIG, GObject)

MgConfig    *mg_config_new                 (void) G_GNUC_WARN_UNUSED_RESULT;
MgConfig    *mg_config_new_from_file       (const char *path,
                                            GError    **error) G_GNUC_WARN_UNUSED_RESULT;
MgConfig    *mg_config_new_from_data       (const char *data,
                                            gssize      length,
                                            const char *origin,
                                            GError    **error) G_GNUC_WARN_UNUSED_RESULT;

const char * const *mg_config_get_warnings (MgConfig *self);

const char  *mg_config_get_fqdn            (MgConfig *self);
const char  *mg_config_get_data_dir        (MgConfig *self);
const char  *mg_config_get_log_dir         (MgConfig *self);
const char  *mg_config_get_pipelines_dir   (MgConfig *self);
const char  *mg_config_get_web_dir         (MgConfig *self);
const char  *mg_config_get_tls_certificate (MgConfig *self);
const char  *mg_config_get_tls_key         (MgConfig *self);
const char  *mg_config_get_client_address  (MgConfig *self);
guint        mg_config_get_client_port     (MgConfig *self);
gboolean     mg_config_get_admin_on_client (MgConfig *self);
const char  *mg_config_get_admin_address   (MgConfig *self);
guint        mg_config_get_admin_port      (MgConfig *self);
const char  *mg_config_get_cti_address     (MgConfig *self);
guint        mg_config_get_cti_port        (MgConfig *self);
gboolean     mg_config_get_cti_tls_enabled (MgConfig *self);
const char  *mg_config_get_cti_tls_address (MgConfig *self);
guint        mg_config_get_cti_tls_port    (MgConfig *self);
gboolean     mg_config_get_client_logger_enabled (MgConfig *self);
const char  *mg_config_get_client_logger_address (MgConfig *self);
guint        mg_config_get_client_logger_port (MgConfig *self);
guint        mg_config_get_max_connections_per_source (MgConfig *self);
guint        mg_config_get_idle_timeout    (MgConfig *self);
guint        mg_config_get_max_body_size   (MgConfig *self);
const char  *mg_config_get_sip_address     (MgConfig *self);
guint        mg_config_get_sip_port        (MgConfig *self);
const char  *mg_config_get_media_address   (MgConfig *self);
guint        mg_config_get_rtp_port_min    (MgConfig *self);
guint        mg_config_get_rtp_port_max    (MgConfig *self);

G_END_DECLS
