/* mg-csta-framing.c: CSTA messages in WebSocket frames
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-cti"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "mg-csta-private.h"

/*
 * Two ways to carry ECMA-323 (reference/csta.md §5.1, §5.4):
 *
 * - `csta-xml`: one text frame per message, the 4-digit invokeID and then
 *   exactly one XML document (the TCP header without the format word and the
 *   length, which the frame already gives);
 * - `csta-xml-tcp`: binary frames carrying the ECMA-323 TCP byte stream as
 *   it is: 0x0000, the total length (16-bit big-endian, header included),
 *   the invokeID in 4 ASCII digits, the XML. A frame may hold several
 *   messages or part of one, so MgCstaStream re-frames.
 */

/* the quark name is dashed, which clang-format would space out */
/* clang-format off */
G_DEFINE_QUARK (mg-csta-error-quark, mg_csta_error)
/* clang-format on */

static gboolean
parse_invoke_id (const char *digits, guint *invoke_id, GError **error)
{
  guint value = 0;

  for (guint i = 0; i < 4; i++)
    {
      if (!g_ascii_isdigit (digits[i]))
        {
          g_set_error (error, MG_CSTA_ERROR, MG_CSTA_ERROR_FRAMING,
                       _("a CSTA message starts with its invokeID in 4 digits"));
          return FALSE;
        }
      value = value * 10 + (digits[i] - '0');
    }
  *invoke_id = value;
  return TRUE;
}

/**
 * mg_csta_parse_text_frame: (skip)
 *
 * Splits a `csta-xml` text frame into its invokeID and XML (not copied).
 */
gboolean
mg_csta_parse_text_frame (const char *data, gsize len, guint *invoke_id, const char **xml,
                          gsize *xml_len, GError **error)
{
  if (len < 4 || !parse_invoke_id (data, invoke_id, error))
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, MG_CSTA_ERROR, MG_CSTA_ERROR_FRAMING,
                     _("a CSTA message starts with its invokeID in 4 digits"));
      return FALSE;
    }
  if (len - 4 > MG_CSTA_MAX_XML)
    {
      g_set_error (error, MG_CSTA_ERROR, MG_CSTA_ERROR_TOO_BIG,
                   _("a CSTA message holds at most %d bytes of XML"), MG_CSTA_MAX_XML);
      return FALSE;
    }
  *xml = data + 4;
  *xml_len = len - 4;
  return TRUE;
}

/**
 * mg_csta_text_frame: (skip)
 *
 * Returns: a `csta-xml` text frame: the invokeID in 4 digits, then @xml
 */
char *
mg_csta_text_frame (guint invoke_id, const char *xml)
{
  g_return_val_if_fail (invoke_id <= MG_CSTA_EVENT_INVOKE_ID, NULL);
  return g_strdup_printf ("%04u%s", invoke_id, xml);
}

/**
 * mg_csta_binary_frame: (skip)
 *
 * Returns: (nullable): the ECMA-323 TCP bytes of one message, or %NULL if
 *   @xml does not fit in one
 */
GBytes *
mg_csta_binary_frame (guint invoke_id, const char *xml)
{
  gsize xml_len = strlen (xml);
  gsize total = MG_CSTA_HEADER_SIZE + xml_len;
  guint8 *bytes;

  g_return_val_if_fail (invoke_id <= MG_CSTA_EVENT_INVOKE_ID, NULL);
  if (total > MG_CSTA_MAX_MESSAGE)
    return NULL;
  bytes = g_malloc (total);
  bytes[0] = bytes[1] = 0;
  bytes[2] = total >> 8;
  bytes[3] = total & 0xff;
  for (int i = 7, id = invoke_id; i >= 4; i--, id /= 10)
    bytes[i] = '0' + id % 10;
  memcpy (bytes + MG_CSTA_HEADER_SIZE, xml, xml_len);
  return g_bytes_new_take (bytes, total);
}

struct _MgCstaStream
{
  GByteArray *buffer;
};

/**
 * mg_csta_stream_new: (skip)
 */
MgCstaStream *
mg_csta_stream_new (void)
{
  MgCstaStream *self = g_new0 (MgCstaStream, 1);

  self->buffer = g_byte_array_new ();
  return self;
}

/**
 * mg_csta_stream_free: (skip)
 */
void
mg_csta_stream_free (MgCstaStream *self)
{
  g_byte_array_unref (self->buffer);
  g_free (self);
}

/**
 * mg_csta_stream_push: (skip)
 *
 * Appends the payload of one binary frame.
 */
void
mg_csta_stream_push (MgCstaStream *self, const guint8 *data, gsize len)
{
  g_byte_array_append (self->buffer, data, len);
}

/**
 * mg_csta_stream_next: (skip)
 * @xml: (out): the next complete message's XML
 *
 * Returns: %TRUE with the next complete message; %FALSE when none is
 *   complete yet, or with @error when the stream is not ECMA-323 framing
 *   (the connection cannot go on: nothing tells where the next message is)
 */
gboolean
mg_csta_stream_next (MgCstaStream *self, guint *invoke_id, GBytes **xml, GError **error)
{
  const guint8 *head = self->buffer->data;
  gsize total;

  if (self->buffer->len < MG_CSTA_HEADER_SIZE)
    return FALSE;
  total = (head[2] << 8) | head[3];
  if (head[0] != 0 || head[1] != 0 || total < MG_CSTA_HEADER_SIZE)
    {
      g_set_error (error, MG_CSTA_ERROR, MG_CSTA_ERROR_FRAMING,
                   _("not an ECMA-323 TCP header (format 0x0000, length ≥ 8)"));
      return FALSE;
    }
  if (!parse_invoke_id ((const char *) head + 4, invoke_id, error))
    return FALSE;
  if (self->buffer->len < total)
    return FALSE;
  *xml = g_bytes_new (head + MG_CSTA_HEADER_SIZE, total - MG_CSTA_HEADER_SIZE);
  g_byte_array_remove_range (self->buffer, 0, total);
  return TRUE;
}
