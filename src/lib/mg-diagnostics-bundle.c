/* mg-diagnostics-bundle.c: the diagnostics bundle as a gzip-compressed
 * ustar stream, produced a chunk at a time
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-admin"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>

#include "mg-diagnostics-bundle-private.h"
#include "mg-tar-writer-private.h"

/* MgDiagnosticsBundle: members are in-memory texts or files on disk. Files
 * are read only when their turn comes, a piece at a time, so a bundle with
 * large logs never sits in memory: each read() returns the next compressed
 * chunk (tar through GZlibCompressor), then NULL at the end. A file's size
 * is taken when its header is written; if it shrinks meanwhile the rest is
 * zeros, if it grows the tail is left out, so the archive stays valid. */

#define RAW_CHUNK (64 * 1024)

typedef struct
{
  char *name;
  GBytes *data; /* or */
  char *path;
} Member;

struct _MgDiagnosticsBundle
{
  GObject parent_instance;

  GArray *members;
  guint next;
  GInputStream *file; /* the member being read */
  guint64 remaining; /* its bytes still to archive */
  guint64 size;
  GConverter *gzip;
  gboolean tar_done;
  gboolean finished;
};

G_DEFINE_FINAL_TYPE (MgDiagnosticsBundle, mg_diagnostics_bundle, G_TYPE_OBJECT)

static void
member_clear (gpointer data)
{
  Member *m = data;

  g_free (m->name);
  g_clear_pointer (&m->data, g_bytes_unref);
  g_free (m->path);
}

static void
mg_diagnostics_bundle_finalize (GObject *object)
{
  MgDiagnosticsBundle *self = MG_DIAGNOSTICS_BUNDLE (object);

  g_array_unref (self->members);
  g_clear_object (&self->file);
  g_clear_object (&self->gzip);
  G_OBJECT_CLASS (mg_diagnostics_bundle_parent_class)->finalize (object);
}

static void
mg_diagnostics_bundle_class_init (MgDiagnosticsBundleClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mg_diagnostics_bundle_finalize;
}

static void
mg_diagnostics_bundle_init (MgDiagnosticsBundle *self)
{
  self->members = g_array_new (FALSE, TRUE, sizeof (Member));
  g_array_set_clear_func (self->members, member_clear);
  self->gzip = G_CONVERTER (g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, -1));
}

MgDiagnosticsBundle *
mg_diagnostics_bundle_new (void)
{
  return g_object_new (MG_TYPE_DIAGNOSTICS_BUNDLE, NULL);
}

void
mg_diagnostics_bundle_add_bytes (MgDiagnosticsBundle *self, const char *name, GBytes *data)
{
  Member m = { g_strdup (name), g_bytes_ref (data), NULL };

  g_array_append_val (self->members, m);
}

void
mg_diagnostics_bundle_add_text (MgDiagnosticsBundle *self, const char *name, const char *text)
{
  g_autoptr (GBytes) data = g_bytes_new (text, strlen (text));

  mg_diagnostics_bundle_add_bytes (self, name, data);
}

void
mg_diagnostics_bundle_add_file (MgDiagnosticsBundle *self, const char *name, const char *path)
{
  Member m = { g_strdup (name), NULL, g_strdup (path) };

  g_array_append_val (self->members, m);
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* Every regular file under @directory (one level of subdirectories) whose
 * name @accept takes, as @prefix/<relative path>, in name order. */
void
mg_diagnostics_bundle_add_tree (MgDiagnosticsBundle *self, const char *prefix,
                                const char *directory, gboolean (*accept) (const char *name))
{
  g_autoptr (GDir) dir = g_dir_open (directory, 0, NULL);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    {
      const char *entry = names->pdata[i];
      g_autofree char *path = g_build_filename (directory, entry, NULL);
      g_autofree char *member = g_strconcat (prefix, "/", entry, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        mg_diagnostics_bundle_add_tree (self, member, path, accept);
      else if (g_file_test (path, G_FILE_TEST_IS_REGULAR) && accept (entry))
        mg_diagnostics_bundle_add_file (self, member, path);
    }
}

/* -- producing the stream ------------------------------------------------------ */

static gboolean
start_file (MgDiagnosticsBundle *self, Member *m, GByteArray *raw, GError **error)
{
  g_autoptr (GFile) file = g_file_new_for_path (m->path);
  g_autoptr (GFileInputStream) in = g_file_read (file, NULL, NULL);
  g_autoptr (GFileInfo) info = NULL;

  if (in == NULL
      || (info = g_file_input_stream_query_info (
            in, G_FILE_ATTRIBUTE_STANDARD_SIZE "," G_FILE_ATTRIBUTE_TIME_MODIFIED, NULL, NULL))
           == NULL)
    return TRUE; /* gone since it was listed: left out */
  self->size = self->remaining = g_file_info_get_size (info);
  if (!mg_tar_write_header (raw, m->name, self->size,
                            g_file_info_get_attribute_uint64 (info, G_FILE_ATTRIBUTE_TIME_MODIFIED),
                            0640, error))
    return FALSE;
  self->file = G_INPUT_STREAM (g_steal_pointer (&in));
  return TRUE;
}

static void
continue_file (MgDiagnosticsBundle *self, GByteArray *raw)
{
  gsize want = MIN (self->remaining, RAW_CHUNK);
  guint old = raw->len;
  gssize got;

  g_byte_array_set_size (raw, old + want);
  got = g_input_stream_read (self->file, raw->data + old, want, NULL, NULL);
  if (got <= 0)
    {
      memset (raw->data + old, 0, want); /* it shrank: zeros keep the archive valid */
      got = want;
    }
  g_byte_array_set_size (raw, old + got);
  self->remaining -= got;
  if (self->remaining > 0)
    return;
  mg_tar_write_padding (raw, self->size);
  g_clear_object (&self->file);
  self->next++;
}

/* Appends the next piece of tar to @raw. */
static gboolean
fill (MgDiagnosticsBundle *self, GByteArray *raw, GError **error)
{
  Member *m;

  if (self->file != NULL)
    {
      continue_file (self, raw);
      return TRUE;
    }
  if (self->next >= self->members->len)
    {
      mg_tar_write_end (raw);
      self->tar_done = TRUE;
      return TRUE;
    }
  m = &g_array_index (self->members, Member, self->next);
  if (m->path != NULL)
    {
      if (!start_file (self, m, raw, error))
        return FALSE;
      if (self->file == NULL)
        self->next++;
      return TRUE;
    }
  if (!mg_tar_write_header (raw, m->name, g_bytes_get_size (m->data),
                            g_get_real_time () / G_USEC_PER_SEC, 0640, error))
    return FALSE;
  g_byte_array_append (raw, g_bytes_get_data (m->data, NULL), g_bytes_get_size (m->data));
  mg_tar_write_padding (raw, g_bytes_get_size (m->data));
  self->next++;
  return TRUE;
}

static gboolean
compress (MgDiagnosticsBundle *self, const guint8 *in, gsize len, GByteArray *out, GError **error)
{
  guint8 buffer[16384];
  GConverterFlags flags = self->tar_done ? G_CONVERTER_INPUT_AT_END : G_CONVERTER_NO_FLAGS;

  while (len > 0 || (self->tar_done && !self->finished))
    {
      gsize read = 0, written = 0;
      GConverterResult result = g_converter_convert (self->gzip, in, len, buffer, sizeof buffer,
                                                     flags, &read, &written, error);

      if (result == G_CONVERTER_ERROR)
        return FALSE;
      g_byte_array_append (out, buffer, written);
      in += read;
      len -= read;
      if (result == G_CONVERTER_FINISHED)
        self->finished = TRUE;
    }
  return TRUE;
}

/* The next compressed chunk (never empty), or NULL at the end or with @error. */
GBytes *
mg_diagnostics_bundle_read (MgDiagnosticsBundle *self, GError **error)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();

  while (out->len == 0 && !self->finished)
    {
      g_autoptr (GByteArray) raw = g_byte_array_new ();

      while (raw->len < RAW_CHUNK && !self->tar_done)
        if (!fill (self, raw, error))
          return NULL;
      if (!compress (self, raw->data, raw->len, out, error))
        return NULL;
    }
  if (out->len == 0)
    return NULL;
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}
