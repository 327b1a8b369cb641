/* mg-pipeline-template.c: the call's media shapes, loaded from pipelines/
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-media"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>

#include "mg-pipeline-template.h"

/**
 * MgPipelineTemplate:
 *
 * One media shape: a bin fragment in gst-launch syntax read from
 * `<pipelines-dir>/<shape>.pipeline`.
 *
 * The text may hold `${NAME}` placeholders, but only for a fixed whitelist
 * of names whose values are numbers in a range or one of a few words
 * (DESIGN.md decision 2): strings from outside never reach the launch text.
 * Lines starting with `#` are comments. After parsing, the bin is checked
 * against the shape's naming contract (the elements the code finds by name)
 * and gets one ghost pad per contract port, so the bridge links ghost pads
 * by name and never looks inside.
 */

typedef struct
{
  const char *name;
  guint min;
  guint max;
  const char *const *choices; /* NULL: a number in [min, max] */
} Variable;

static const char *const clock_rates[] = { "8000", "16000", "48000", NULL };
static const char *const encodings[] = { "PCMU", "PCMA", "G722", "OPUS", "TELEPHONE-EVENT", NULL };

/* Adding a name here is a review decision: only numbers and fixed words. */
static const Variable variables[] = {
  { "PT", 0, 127, NULL },
  { "SIP_PT", 0, 127, NULL },
  { "WEBRTC_PT", 0, 127, NULL },
  { "SIP_DTMF_PT", 96, 127, NULL },
  { "WEBRTC_DTMF_PT", 96, 127, NULL },
  { "CLOCK_RATE", 0, 0, clock_rates },
  { "LATENCY", 0, 1000, NULL },
  { "BITRATE", 6000, 510000, NULL },
  { "COMPLEXITY", 0, 10, NULL },
  { "ENCODING", 0, 0, encodings },
};

#define MAX_NAMES 8

/* A port is a ghost pad the bridge links: "ghost=element.pad"; a pad name
 * with "%u" is requested from the element. */
typedef struct
{
  const char *shape;
  const char *elements[MAX_NAMES];
  const char *ports[MAX_NAMES];
} Contract;

/* Every shape carries media one way: a bin holding both directions of a
 * call would form a loop with the other leg (GstBin warns and cannot sort
 * its children for state changes). */
static const Contract contracts[] = {
  { "sip-rtp-recv", { "sip_rtp_src", "sip_rtcp_src" }, { "src=sip_rtp_src.src" } },
  { "sip-rtp-send",
    { "sip_rtp_mux", "sip_rtp_sink" },
    { "sink=sip_rtp_mux.sink_%u", "dtmf_sink=sip_rtp_mux.sink_%u" } },
  /* SDES-SRTP: MgSdes keys the coder elements; MgRtpEndpoint probes on the
   * clear side of them */
  { "sip-srtp-recv",
    { "sip_rtp_src", "sip_rtcp_src", "sip_srtp_dec" },
    { "src=sip_srtp_dec.rtp_src" } },
  { "sip-srtp-send",
    { "sip_rtp_mux", "sip_srtp_enc", "sip_rtp_sink" },
    { "sink=sip_rtp_mux.sink_%u", "dtmf_sink=sip_rtp_mux.sink_%u" } },
  { "passthrough-to-sip", { "webrtc_to_sip" }, { "sink=webrtc_to_sip.sink", "src=webrtc_to_sip.src" } },
  { "passthrough-to-webrtc", { "sip_to_webrtc" }, { "sink=sip_to_webrtc.sink", "src=sip_to_webrtc.src" } },
  { "dtmf-to-sip", { "dtmf_to_sip" }, { "sink=dtmf_to_sip.sink", "src=dtmf_to_sip.src" } },
  { "opus-to-pcmu", { "opus_depay", "g711_pay" }, { "sink=opus_depay.sink", "src=g711_pay.src" } },
  { "opus-to-pcma", { "opus_depay", "g711_pay" }, { "sink=opus_depay.sink", "src=g711_pay.src" } },
  { "pcmu-to-opus",
    { "sip_jitterbuffer", "opus_enc", "opus_pay" },
    { "sink=sip_jitterbuffer.sink", "src=opus_pay.src" } },
  { "pcma-to-opus",
    { "sip_jitterbuffer", "opus_enc", "opus_pay" },
    { "sink=sip_jitterbuffer.sink", "src=opus_pay.src" } },
  { "pcmu-to-pcma",
    { "sip_jitterbuffer", "g711_pay" },
    { "sink=sip_jitterbuffer.sink", "src=g711_pay.src" } },
  { "pcma-to-pcmu",
    { "sip_jitterbuffer", "g711_pay" },
    { "sink=sip_jitterbuffer.sink", "src=g711_pay.src" } },
  { "dtmf-detect", { "dtmf_depay" }, { "sink=dtmf_depay.sink" } },
  /* conference: each participant's voice decoded once for the others'
   * mixes, and its own mix of the others */
  { "opus-to-raw",
    { "opus_depay", "raw_tee" },
    { "sink=opus_depay.sink", "src_a=raw_tee.src_%u", "src_b=raw_tee.src_%u" } },
  { "pcmu-to-raw",
    { "sip_jitterbuffer", "raw_tee" },
    { "sink=sip_jitterbuffer.sink", "src_a=raw_tee.src_%u", "src_b=raw_tee.src_%u" } },
  { "pcma-to-raw",
    { "sip_jitterbuffer", "raw_tee" },
    { "sink=sip_jitterbuffer.sink", "src_a=raw_tee.src_%u", "src_b=raw_tee.src_%u" } },
  { "mix-to-opus",
    { "mix", "opus_enc", "opus_pay" },
    { "sink_a=mix.sink_%u", "sink_b=mix.sink_%u", "src=opus_pay.src" } },
  { "mix-to-pcmu",
    { "mix", "g711_pay" },
    { "sink_a=mix.sink_%u", "sink_b=mix.sink_%u", "src=g711_pay.src" } },
  { "mix-to-pcma",
    { "mix", "g711_pay" },
    { "sink_a=mix.sink_%u", "sink_b=mix.sink_%u", "src=g711_pay.src" } },
};

static const char *const shape_names[] = {
  "sip-rtp-recv", "sip-rtp-send", "sip-srtp-recv", "sip-srtp-send", "passthrough-to-sip",
  "passthrough-to-webrtc", "dtmf-to-sip", "opus-to-pcmu", "opus-to-pcma", "pcmu-to-opus",
  "pcma-to-opus", "pcmu-to-pcma", "pcma-to-pcmu", "dtmf-detect", "opus-to-raw", "pcmu-to-raw",
  "pcma-to-raw", "mix-to-opus", "mix-to-pcmu", "mix-to-pcma",
  NULL
};

struct _MgPipelineTemplate
{
  GObject parent_instance;

  const Contract *contract;
  char *text;          /* comments removed */
  GPtrArray *used;     /* the placeholder names the text holds */
  GHashTable *values;  /* name -> validated value */
};

G_DEFINE_QUARK (mg-pipeline-error-quark, mg_pipeline_error)
G_DEFINE_FINAL_TYPE (MgPipelineTemplate, mg_pipeline_template, G_TYPE_OBJECT)

static void
mg_pipeline_template_finalize (GObject *object)
{
  MgPipelineTemplate *self = MG_PIPELINE_TEMPLATE (object);

  g_free (self->text);
  g_ptr_array_unref (self->used);
  g_hash_table_unref (self->values);
  G_OBJECT_CLASS (mg_pipeline_template_parent_class)->finalize (object);
}

static void
mg_pipeline_template_class_init (MgPipelineTemplateClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mg_pipeline_template_finalize;
}

static void
mg_pipeline_template_init (MgPipelineTemplate *self)
{
  self->used = g_ptr_array_new ();
  self->values = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
}

static const Variable *
find_variable (const char *name, gsize len)
{
  for (gsize i = 0; i < G_N_ELEMENTS (variables); i++)
    if (strlen (variables[i].name) == len && strncmp (variables[i].name, name, len) == 0)
      return &variables[i];
  return NULL;
}

static const Contract *
find_contract (const char *shape)
{
  for (gsize i = 0; i < G_N_ELEMENTS (contracts); i++)
    if (g_str_equal (contracts[i].shape, shape))
      return &contracts[i];
  return NULL;
}

/* Drops `#` comment lines: gst_parse has no comment syntax. */
static char *
strip_comments (const char *contents)
{
  g_auto (GStrv) lines = g_strsplit (contents, "\n", -1);
  GString *out = g_string_new (NULL);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];

      while (g_ascii_isspace (*line))
        line++;
      if (*line == '#' || *line == '\0')
        continue;
      g_string_append (out, lines[i]);
      g_string_append_c (out, '\n');
    }
  return g_string_free (out, FALSE);
}

/* Calls @func for each ${NAME}; fails on an unterminated or unknown one. */
static gboolean
scan_placeholders (const char *text,
                   gboolean (*func) (const Variable *, const char *, gpointer, GError **),
                   gpointer data, GError **error)
{
  const char *p = text;

  while ((p = strstr (p, "${")) != NULL)
    {
      const char *name = p + 2;
      const char *end = strchr (name, '}');
      const Variable *var;

      if (end == NULL)
        {
          g_set_error (error, MG_PIPELINE_ERROR, MG_PIPELINE_ERROR_VARIABLE,
                       _("Unterminated placeholder “${” in the pipeline text"));
          return FALSE;
        }
      var = find_variable (name, end - name);
      if (var == NULL)
        {
          g_autofree char *bad = g_strndup (name, MIN (end - name, 40));

          g_set_error (error, MG_PIPELINE_ERROR, MG_PIPELINE_ERROR_VARIABLE,
                       _("Unknown placeholder “${%s}”: not in the whitelist"), bad);
          return FALSE;
        }
      if (!func (var, p, data, error))
        return FALSE;
      p = end + 1;
    }
  return TRUE;
}

static gboolean
note_used (const Variable *var, const char *at, gpointer data, GError **error)
{
  GPtrArray *used = data;

  if (!g_ptr_array_find (used, var->name, NULL))
    g_ptr_array_add (used, (gpointer) var->name);
  return TRUE;
}

static gboolean
check_shape_name (const char *shape, GError **error)
{
  for (const char *p = shape; *p != '\0'; p++)
    if (!g_ascii_islower (*p) && !g_ascii_isdigit (*p) && *p != '-')
      {
        g_set_error (error, MG_PIPELINE_ERROR, MG_PIPELINE_ERROR_NOT_FOUND,
                     _("“%s” is not a shape name (lower-case letters, digits and “-”)"), shape);
        return FALSE;
      }
  if (*shape == '\0' || find_contract (shape) == NULL)
    {
      g_set_error (error, MG_PIPELINE_ERROR, MG_PIPELINE_ERROR_NOT_FOUND,
                   _("Unknown media shape “%s”"), shape);
      return FALSE;
    }
  return TRUE;
}

/**
 * mg_pipeline_template_load:
 * @dir: the pipelines directory
 * @shape: the shape's name, e.g. "passthrough" (one of
 *   [func@Mg.pipeline_template_list_shapes])
 * @error: return location for a #GError
 *
 * Reads `@dir/@shape.pipeline` and checks that every placeholder in it is on
 * the whitelist.
 *
 * Returns: (transfer full): the template, or %NULL with @error set
 */
MgPipelineTemplate *
mg_pipeline_template_load (const char *dir, const char *shape, GError **error)
{
  g_autoptr (MgPipelineTemplate) self = NULL;
  g_autofree char *file = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autoptr (GError) local_error = NULL;

  g_return_val_if_fail (dir != NULL, NULL);
  g_return_val_if_fail (shape != NULL, NULL);

  if (!check_shape_name (shape, error))
    return NULL;
  file = g_strconcat (shape, ".pipeline", NULL);
  path = g_build_filename (dir, file, NULL);
  if (!g_file_get_contents (path, &contents, NULL, &local_error))
    {
      g_set_error (error, MG_PIPELINE_ERROR, MG_PIPELINE_ERROR_NOT_FOUND,
                   _("Cannot read media shape %s: %s"), path, local_error->message);
      return NULL;
    }
  self = g_object_new (MG_TYPE_PIPELINE_TEMPLATE, NULL);
  self->contract = find_contract (shape);
  self->text = strip_comments (contents);
  if (!scan_placeholders (self->text, note_used, self->used, &local_error))
    {
      g_set_error (error, MG_PIPELINE_ERROR, MG_PIPELINE_ERROR_VARIABLE, "%s: %s", path,
                   local_error->message);
      return NULL;
    }
  return g_steal_pointer (&self);
}

/**
 * mg_pipeline_template_load_for_config:
 * @config: the static configuration
 * @shape: the shape's name
 * @error: return location for a #GError
 *
 * Like [func@Mg.PipelineTemplate.load] with the configured pipelines
 * directory ([method@Mg.Config.get_pipelines_dir]).
 *
 * Returns: (transfer full): the template, or %NULL with @error set
 */
MgPipelineTemplate *
mg_pipeline_template_load_for_config (MgConfig *config, const char *shape, GError **error)
{
  g_return_val_if_fail (MG_IS_CONFIG (config), NULL);

  return mg_pipeline_template_load (mg_config_get_pipelines_dir (config), shape, error);
}

/**
 * mg_pipeline_template_get_shape:
 * @self: a #MgPipelineTemplate
 *
 * Returns: the shape's name
 */
const char *
mg_pipeline_template_get_shape (MgPipelineTemplate *self)
{
  g_return_val_if_fail (MG_IS_PIPELINE_TEMPLATE (self), NULL);

  return self->contract->shape;
}

/**
 * mg_pipeline_template_dup_variables:
 * @self: a #MgPipelineTemplate
 *
 * Returns: (transfer full): the placeholder names the shape's text uses, in
 *   order of first use
 */
char **
mg_pipeline_template_dup_variables (MgPipelineTemplate *self)
{
  GStrvBuilder *builder;
  char **names;

  g_return_val_if_fail (MG_IS_PIPELINE_TEMPLATE (self), NULL);

  builder = g_strv_builder_new ();
  for (guint i = 0; i < self->used->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (self->used, i));
  names = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return names;
}

static gboolean
validate_number (const Variable *var, const char *value, GError **error)
{
  guint64 number = 0;
  gsize len = strlen (value);

  /* digits only: no sign, no spaces, no hex, no leading zeros */
  if (len == 0 || len > 6 || (len > 1 && value[0] == '0'))
    goto bad;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (value[i]))
      goto bad;
  number = g_ascii_strtoull (value, NULL, 10);
  if (number >= var->min && number <= var->max)
    return TRUE;
bad:
  g_set_error (error, MG_PIPELINE_ERROR, MG_PIPELINE_ERROR_VARIABLE,
               _("Bad value for ${%s}: expected a whole number from %u to %u"), var->name,
               var->min, var->max);
  return FALSE;
}

static gboolean
validate_choice (const Variable *var, const char *value, GError **error)
{
  g_autofree char *list = NULL;

  if (g_strv_contains (var->choices, value))
    return TRUE;
  list = g_strjoinv (", ", (char **) var->choices);
  g_set_error (error, MG_PIPELINE_ERROR, MG_PIPELINE_ERROR_VARIABLE,
               _("Bad value for ${%s}: expected one of %s"), var->name, list);
  return FALSE;
}

/**
 * mg_pipeline_template_set:
 * @self: a #MgPipelineTemplate
 * @variable: a placeholder name, e.g. "PT"
 * @value: its value, e.g. "0"
 * @error: return location for a #GError
 *
 * Gives a placeholder its value after checking the name is on the whitelist
 * and the value is in its range or set. On failure nothing changes.
 *
 * Returns: %TRUE if the value was accepted
 */
gboolean
mg_pipeline_template_set (MgPipelineTemplate *self, const char *variable, const char *value,
                          GError **error)
{
  const Variable *var;

  g_return_val_if_fail (MG_IS_PIPELINE_TEMPLATE (self), FALSE);
  g_return_val_if_fail (variable != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  var = find_variable (variable, strlen (variable));
  if (var == NULL)
    {
      g_set_error (error, MG_PIPELINE_ERROR, MG_PIPELINE_ERROR_VARIABLE,
                   _("Unknown placeholder “${%s}”: not in the whitelist"), variable);
      return FALSE;
    }
  if (var->choices != NULL ? !validate_choice (var, value, error)
                           : !validate_number (var, value, error))
    return FALSE;
  g_hash_table_replace (self->values, (gpointer) var->name, g_strdup (value));
  return TRUE;
}

/**
 * mg_pipeline_template_set_uint:
 * @self: a #MgPipelineTemplate
 * @variable: a placeholder name, e.g. "LATENCY"
 * @value: its value
 * @error: return location for a #GError
 *
 * Like [method@Mg.PipelineTemplate.set] with a number.
 *
 * Returns: %TRUE if the value was accepted
 */
gboolean
mg_pipeline_template_set_uint (MgPipelineTemplate *self, const char *variable, guint value,
                               GError **error)
{
  char buf[16];

  g_snprintf (buf, sizeof buf, "%u", value);
  return mg_pipeline_template_set (self, variable, buf, error);
}

typedef struct
{
  MgPipelineTemplate *self;
  GString *out;
  const char *copied; /* text up to here is in out */
} Expansion;

static gboolean
substitute (const Variable *var, const char *at, gpointer data, GError **error)
{
  Expansion *exp = data;
  const char *value = g_hash_table_lookup (exp->self->values, var->name);

  if (value == NULL)
    {
      g_set_error (error, MG_PIPELINE_ERROR, MG_PIPELINE_ERROR_VARIABLE,
                   _("Placeholder “${%s}” of shape “%s” has no value"), var->name,
                   exp->self->contract->shape);
      return FALSE;
    }
  g_string_append_len (exp->out, exp->copied, at - exp->copied);
  g_string_append (exp->out, value);
  exp->copied = at + strlen (var->name) + 3;
  return TRUE;
}

/**
 * mg_pipeline_template_expand:
 * @self: a #MgPipelineTemplate
 * @error: return location for a #GError
 *
 * Substitutes every placeholder; fails naming the first one without a value.
 *
 * Returns: (transfer full): the launch text, or %NULL with @error set
 */
char *
mg_pipeline_template_expand (MgPipelineTemplate *self, GError **error)
{
  g_autoptr (GString) out = g_string_new (NULL);
  Expansion exp = { self, out, self->text };

  g_return_val_if_fail (MG_IS_PIPELINE_TEMPLATE (self), NULL);

  if (!scan_placeholders (self->text, substitute, &exp, error))
    return NULL;
  g_string_append (out, exp.copied);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

static gboolean
add_port (GstBin *bin, const char *port, GError **error)
{
  g_auto (GStrv) ghost_and_target = g_strsplit (port, "=", 2);
  g_auto (GStrv) element_and_pad = g_strsplit (ghost_and_target[1], ".", 2);
  g_autoptr (GstElement) element = gst_bin_get_by_name (bin, element_and_pad[0]);
  g_autoptr (GstPad) pad = NULL;
  GstPad *ghost;

  if (strstr (element_and_pad[1], "%u") != NULL)
    pad = gst_element_request_pad_simple (element, element_and_pad[1]);
  else
    pad = gst_element_get_static_pad (element, element_and_pad[1]);
  if (pad == NULL || gst_pad_is_linked (pad))
    {
      g_set_error (error, MG_PIPELINE_ERROR, MG_PIPELINE_ERROR_CONTRACT,
                   _("Element “%s” has no free pad “%s”"), element_and_pad[0],
                   element_and_pad[1]);
      return FALSE;
    }
  ghost = gst_ghost_pad_new (ghost_and_target[0], pad);
  gst_pad_set_active (ghost, TRUE);
  return gst_element_add_pad (GST_ELEMENT (bin), ghost);
}

static gboolean
check_contract (const Contract *contract, GstBin *bin, GError **error)
{
  for (guint i = 0; i < MAX_NAMES && contract->elements[i] != NULL; i++)
    {
      g_autoptr (GstElement) element = gst_bin_get_by_name (bin, contract->elements[i]);

      if (element == NULL)
        {
          g_set_error (error, MG_PIPELINE_ERROR, MG_PIPELINE_ERROR_CONTRACT,
                       _("Shape “%s” has no element named “%s”"), contract->shape,
                       contract->elements[i]);
          return FALSE;
        }
    }
  for (guint i = 0; i < MAX_NAMES && contract->ports[i] != NULL; i++)
    if (!add_port (bin, contract->ports[i], error))
      return FALSE;
  return TRUE;
}

/**
 * mg_pipeline_template_instantiate:
 * @self: a #MgPipelineTemplate
 * @name: (nullable): the name of the new bin, or %NULL for the shape's name
 * @error: return location for a #GError
 *
 * Expands the text, parses it into a bin (fatal errors, no automatic ghost
 * pads), checks the shape's naming contract and adds the contract's ghost
 * pads.
 *
 * Returns: (transfer full): a new bin, or %NULL with @error set
 */
GstBin *
mg_pipeline_template_instantiate (MgPipelineTemplate *self, const char *name, GError **error)
{
  g_autofree char *text = NULL;
  g_autoptr (GstElement) bin = NULL;
  g_autoptr (GError) parse_error = NULL;

  g_return_val_if_fail (MG_IS_PIPELINE_TEMPLATE (self), NULL);

  text = mg_pipeline_template_expand (self, error);
  if (text == NULL)
    return NULL;
  bin = gst_parse_bin_from_description_full (text, FALSE, NULL, GST_PARSE_FLAG_FATAL_ERRORS,
                                             &parse_error);
  if (bin == NULL)
    {
      g_set_error (error, MG_PIPELINE_ERROR, MG_PIPELINE_ERROR_PARSE,
                   _("Media shape “%s” does not parse: %s"), self->contract->shape,
                   parse_error->message);
      return NULL;
    }
  gst_object_ref_sink (bin);
  gst_object_set_name (GST_OBJECT (bin), name != NULL ? name : self->contract->shape);
  if (!check_contract (self->contract, GST_BIN (bin), error))
    return NULL;
  return GST_BIN (g_steal_pointer (&bin));
}

/**
 * mg_pipeline_template_list_shapes:
 *
 * Returns: (transfer none): the names of the shapes the code knows
 */
const char *const *
mg_pipeline_template_list_shapes (void)
{
  return shape_names;
}
