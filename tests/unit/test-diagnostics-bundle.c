/* Unit tests for the tar writer and the streamed tar.gz of the diagnostics
 * bundle: headers, padding, checksums, names, gzip round trip. */
#include <glib/gstdio.h>

#include "mediagate.h"
#include "mg-diagnostics-bundle-private.h"
#include "mg-tar-writer-private.h"

static guint64
octal_field (const guint8 *field, gsize width)
{
  g_autofree char *text = g_strndup ((const char *) field, width);

  return g_ascii_strtoull (text, NULL, 8);
}

static void
assert_checksum (const guint8 *header)
{
  guint sum = 0;

  for (gsize i = 0; i < MG_TAR_BLOCK; i++)
    sum += (i >= 148 && i < 156) ? ' ' : header[i];
  g_assert_cmpuint (octal_field (header + 148, 8), ==, sum);
}

static void
test_header (void)
{
  g_autoptr (GByteArray) out = g_byte_array_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *long_dir = g_strnfill (120, 'd');
  g_autofree char *long_name = g_strconcat (long_dir, "/file.log", NULL);
  g_autofree char *too_long = g_strnfill (101, 'n');

  g_assert_true (mg_tar_write_header (out, "a/b.txt", 1234, 1700000000, 0640, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (out->len, ==, MG_TAR_BLOCK);
  g_assert_cmpstr ((const char *) out->data, ==, "a/b.txt");
  g_assert_cmpuint (octal_field (out->data + 124, 12), ==, 1234);
  g_assert_cmpuint (octal_field (out->data + 136, 12), ==, 1700000000);
  g_assert_cmpuint (octal_field (out->data + 100, 8), ==, 0640);
  g_assert_cmpint (out->data[156], ==, '0');
  g_assert_cmpmem (out->data + 257, 6, "ustar", 6);
  assert_checksum (out->data);

  mg_tar_write_padding (out, 1234);
  g_assert_cmpuint (out->len, ==, MG_TAR_BLOCK + 512 - 1234 % 512);
  g_byte_array_set_size (out, 0);
  mg_tar_write_padding (out, 1024);
  g_assert_cmpuint (out->len, ==, 0);

  /* a long path goes into prefix + name */
  g_assert_true (mg_tar_write_header (out, long_name, 0, 0, 0640, &error));
  g_assert_cmpstr ((const char *) out->data, ==, "file.log");
  g_assert_cmpmem (out->data + 345, 120, long_dir, 120);
  assert_checksum (out->data);
  g_assert_false (mg_tar_write_header (out, too_long, 0, 0, 0640, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);

  g_byte_array_set_size (out, 0);
  mg_tar_write_end (out);
  g_assert_cmpuint (out->len, ==, 2 * MG_TAR_BLOCK);
}

static GBytes *
gunzip (GByteArray *gz)
{
  g_autoptr (GConverter) gunzip =
    G_CONVERTER (g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP));
  g_autoptr (GInputStream) raw = g_memory_input_stream_new_from_data (gz->data, gz->len, NULL);
  g_autoptr (GInputStream) in = g_converter_input_stream_new (raw, gunzip);
  g_autoptr (GOutputStream) out = g_memory_output_stream_new_resizable ();
  g_autoptr (GError) error = NULL;

  g_output_stream_splice (out, in, G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET, NULL, &error);
  g_assert_no_error (error);
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (out));
}

static gboolean
accept_logs (const char *name)
{
  return g_str_has_suffix (name, ".log");
}

static void
test_bundle_round_trip (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("mg-bundle-XXXXXX", &error);
  g_autofree char *sub = g_build_filename (dir, "2026-03-01", NULL);
  g_autofree char *big = g_build_filename (dir, "big.log", NULL);
  g_autofree char *small = g_build_filename (sub, "1000.log", NULL);
  g_autofree char *skipped = g_build_filename (dir, "secret.db", NULL);
  g_autoptr (MgDiagnosticsBundle) bundle = mg_diagnostics_bundle_new ();
  g_autoptr (GByteArray) gz = g_byte_array_new ();
  g_autoptr (GBytes) tar = NULL;
  g_autoptr (GString) content = g_string_new (NULL);
  GBytes *chunk;
  const guint8 *data;
  gsize size, offset = 0;
  guint chunks = 0;
  const char *want[] = { "b/version.txt", "b/logs/2026-03-01/1000.log", "b/logs/big.log" };

  /* 300 KiB of poorly compressible text: several chunks */
  for (guint i = 0; content->len < 300 * 1024; i++)
    g_string_append_printf (content, "%08x %u\n", g_str_hash (content->str + content->len / 2), i);
  g_assert_cmpint (g_mkdir (sub, 0700), ==, 0);
  g_assert_true (g_file_set_contents (big, content->str, content->len, NULL));
  g_assert_true (g_file_set_contents (small, "one line\n", -1, NULL));
  g_assert_true (g_file_set_contents (skipped, "no", -1, NULL));
  mg_diagnostics_bundle_add_text (bundle, "b/version.txt", "mediagate test\n");
  mg_diagnostics_bundle_add_tree (bundle, "b/logs", dir, accept_logs);
  mg_diagnostics_bundle_add_file (bundle, "b/gone.log", "/nonexistent/gone.log");

  while ((chunk = mg_diagnostics_bundle_read (bundle, &error)) != NULL)
    {
      g_assert_cmpuint (g_bytes_get_size (chunk), >, 0);
      g_byte_array_append (gz, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
      g_bytes_unref (chunk);
      chunks++;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (chunks, >, 1);
  g_assert_cmpint (gz->data[0], ==, 0x1f);
  g_assert_cmpint (gz->data[1], ==, 0x8b);

  tar = gunzip (gz);
  data = g_bytes_get_data (tar, &size);
  g_assert_cmpuint (size % MG_TAR_BLOCK, ==, 0);
  for (gsize i = 0; i < G_N_ELEMENTS (want); i++)
    {
      guint64 length = octal_field (data + offset + 124, 12);

      g_assert_cmpstr ((const char *) data + offset, ==, want[i]);
      assert_checksum (data + offset);
      if (i == 1)
        g_assert_cmpmem (data + offset + MG_TAR_BLOCK, length, "one line\n", 9);
      if (i == 2)
        g_assert_cmpmem (data + offset + MG_TAR_BLOCK, length, content->str, content->len);
      offset += MG_TAR_BLOCK + (length + MG_TAR_BLOCK - 1) / MG_TAR_BLOCK * MG_TAR_BLOCK;
    }
  /* the end: two zero blocks and nothing else */
  g_assert_cmpuint (size - offset, ==, 2 * MG_TAR_BLOCK);
  for (gsize i = offset; i < size; i++)
    g_assert_cmpint (data[i], ==, 0);

  g_unlink (small);
  g_rmdir (sub);
  g_unlink (big);
  g_unlink (skipped);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tar/header", test_header);
  g_test_add_func ("/diagnostics-bundle/round-trip", test_bundle_round_trip);
  return g_test_run ();
}
