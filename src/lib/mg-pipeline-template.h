/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(MG_INSIDE) && !defined(MG_COMPILATION)
#error "Only <mediagate.h> can be included directly."
#endif

#include <gst/gst.h>

#include "mg-config.h"

G_BEGIN_DECLS

/**
 * MG_PIPELINE_ERROR:
 *
 * Error domain of the media shapes (pipeline templates).
 */
#define MG_PIPELINE_ERROR (mg_pipeline_error_quark ())
GQuark mg_pipeline_error_quark (void);

/**
 * MgPipelineError:
 * @MG_PIPELINE_ERROR_NOT_FOUND: no such shape, or its file cannot be read
 * @MG_PIPELINE_ERROR_VARIABLE: a `${NAME}` placeholder is unknown, unset, or
 *   was given a value outside its whitelist; the message names it
 * @MG_PIPELINE_ERROR_PARSE: the expanded text is not a valid bin description
 * @MG_PIPELINE_ERROR_CONTRACT: the parsed bin lacks an element or pad the code
 *   relies on; the message names it
 *
 * Errors of [class@Mg.PipelineTemplate].
 */
typedef enum {
  MG_PIPELINE_ERROR_NOT_FOUND,
  MG_PIPELINE_ERROR_VARIABLE,
  MG_PIPELINE_ERROR_PARSE,
  MG_PIPELINE_ERROR_CONTRACT,
} MgPipelineError;

#define MG_TYPE_PIPELINE_TEMPLATE (mg_pipeline_template_get_type ())
G_DECLARE_FINAL_TYPE (MgPipelineTemplate, mg_pipeline_template, MG, PIPELINE_TEMPLATE, GObject)

MgPipelineTemplate *mg_pipeline_template_load          (const char *dir,
                                                        const char *shape,
                                                        GError    **error) G_GNUC_WARN_UNUSED_RESULT;
MgPipelineTemplate *mg_pipeline_template_load_for_config (MgConfig   *config,
                                                          const char *shape,
                                                          GError    **error) G_GNUC_WARN_UNUSED_RESULT;
const char         *mg_pipeline_template_get_shape     (MgPipelineTemplate *self);
char              **mg_pipeline_template_dup_variables (MgPipelineTemplate *self);
gboolean            mg_pipeline_template_set           (MgPipelineTemplate *self,
                                                        const char         *variable,
                                                        const char         *value,
                                                        GError            **error);
gboolean            mg_pipeline_template_set_uint      (MgPipelineTemplate *self,
                                                        const char         *variable,
                                                        guint               value,
                                                        GError            **error);
char               *mg_pipeline_template_expand        (MgPipelineTemplate *self,
                                                        GError            **error) G_GNUC_WARN_UNUSED_RESULT;
GstBin             *mg_pipeline_template_instantiate   (MgPipelineTemplate *self,
                                                        const char         *name,
                                                        GError            **error) G_GNUC_WARN_UNUSED_RESULT;

const char * const *mg_pipeline_template_list_shapes   (void);

G_END_DECLS
