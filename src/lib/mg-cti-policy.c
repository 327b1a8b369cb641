/* mg-cti-policy.c: per application: the devices it may reach over CTI, and
 * how the caller IDs it sees are masked
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-cti"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "mg-cti-policy-private.h"
#include "mg-extension.h"
#include "mg-store.h"

/*
 * Devices (client credential `cti_devices`): "*" for all, or a comma
 * separated list of extension numbers and ranges "1000-1099" (same length
 * both ends). Masking (`caller_id_masking`, the seed's ANIMASKING, here per
 * application): "none", "full" (the number becomes restricted), "partial:N"
 * (all but the last N digits become X) or "hash" (an opaque token, the same
 * for the same number, keyed with the install's secret so it cannot be
 * reversed by hashing phone numbers).
 */

#define MAX_KEEP 8

struct _MgCtiPolicy
{
  gboolean all;
  GPtrArray *ranges; /* char *: "first-last" or a number */
  enum {
    MASK_NONE,
    MASK_FULL,
    MASK_PARTIAL,
    MASK_HASH
  } mode;
  guint keep;
  char *masking;
  GBytes *hash_key;
};

static gboolean
parse_range (const char *item, char **first, char **last)
{
  g_auto (GStrv) ends = g_strsplit (item, "-", 3);
  guint n = g_strv_length (ends);

  if (n < 1 || n > 2 || !mg_extension_number_is_valid (ends[0])
      || (n == 2
          && (!mg_extension_number_is_valid (ends[1]) || strlen (ends[0]) != strlen (ends[1])
              || strcmp (ends[0], ends[1]) > 0)))
    return FALSE;
  *first = g_strdup (ends[0]);
  *last = g_strdup (ends[n - 1]);
  return TRUE;
}

gboolean
mg_cti_policy_check_devices (const char *devices, GError **error)
{
  g_auto (GStrv) items = NULL;

  if (g_strcmp0 (devices, "*") == 0)
    return TRUE;
  items = g_strsplit (devices ? devices : "", ",", -1);
  for (guint i = 0; items[0] != NULL && items[i] != NULL; i++)
    {
      g_autofree char *first = NULL;
      g_autofree char *last = NULL;

      if (!parse_range (g_strstrip (items[i]), &first, &last))
        {
          g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_INVALID,
                       _("cti_devices: \"*\" or extension numbers and ranges (1000-1099) "
                         "separated by commas"));
          return FALSE;
        }
    }
  return items[0] != NULL
         || (g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_INVALID,
                          _("cti_devices: \"*\" or at least one extension")),
                          FALSE);
}

gboolean
mg_cti_policy_check_masking (const char *masking, GError **error)
{
  guint64 keep;

  if (g_strcmp0 (masking, "none") == 0 || g_strcmp0 (masking, "full") == 0
      || g_strcmp0 (masking, "hash") == 0)
    return TRUE;
  if (masking != NULL && g_str_has_prefix (masking, "partial:")
      && g_ascii_string_to_unsigned (masking + 8, 10, 1, MAX_KEEP, &keep, NULL))
    return TRUE;
  g_set_error (error, MG_STORE_ERROR, MG_STORE_ERROR_INVALID,
               _("caller_id_masking: none, full, partial:N (N from 1 to %d digits kept) or hash"),
                  MAX_KEEP);
  return FALSE;
}

MgCtiPolicy *
mg_cti_policy_new (const char *devices, const char *masking, GBytes *hash_key)
{
  MgCtiPolicy *self = g_new0 (MgCtiPolicy, 1);

  self->ranges = g_ptr_array_new_with_free_func (g_free);
  self->all = g_strcmp0 (devices, "*") == 0;
  if (!self->all && mg_cti_policy_check_devices (devices, NULL))
    {
      g_auto (GStrv) items = g_strsplit (devices, ",", -1);

      for (guint i = 0; items[i] != NULL; i++)
        g_ptr_array_add (self->ranges, g_strdup (g_strstrip (items[i])));
    }
  self->masking = g_strdup (mg_cti_policy_check_masking (masking, NULL) ? masking : "full");
  if (g_str_equal (self->masking, "full"))
    self->mode = MASK_FULL;
  else if (g_str_equal (self->masking, "hash"))
    self->mode = MASK_HASH;
  else if (g_str_has_prefix (self->masking, "partial:"))
    {
      self->mode = MASK_PARTIAL;
      self->keep = atoi (self->masking + 8);
    }
  self->hash_key = hash_key ? g_bytes_ref (hash_key) : NULL;
  return self;
}

void
mg_cti_policy_free (MgCtiPolicy *self)
{
  g_ptr_array_unref (self->ranges);
  g_free (self->masking);
  g_clear_pointer (&self->hash_key, g_bytes_unref);
  g_free (self);
}

gboolean
mg_cti_policy_allows (MgCtiPolicy *self, const char *device)
{
  if (self->all)
    return TRUE;
  for (guint i = 0; i < self->ranges->len; i++)
    {
      g_autofree char *first = NULL;
      g_autofree char *last = NULL;

      if (parse_range (g_ptr_array_index (self->ranges, i), &first, &last)
          && strlen (device) == strlen (first) && strcmp (device, first) >= 0
          && strcmp (device, last) <= 0)
        return TRUE;
    }
  return FALSE;
}

gboolean
mg_cti_policy_masks (MgCtiPolicy *self)
{
  return self->mode != MASK_NONE;
}

const char *
mg_cti_policy_get_masking (MgCtiPolicy *self)
{
  return self->masking;
}

/* Returns: (nullable): @number as this application may see it; %NULL:
 * restricted (full masking) */
char *
mg_cti_policy_mask (MgCtiPolicy *self, const char *number)
{
  switch (self->mode)
    {
    case MASK_NONE:
      return g_strdup (number);
    case MASK_FULL:
      return NULL;
      case MASK_PARTIAL: {
        char *masked = g_strdup (number);
        gsize len = strlen (masked);
        guint kept = 0;

        for (gsize i = len; i > 0; i--)
          if (g_ascii_isdigit (masked[i - 1]) && kept++ >= self->keep)
            masked[i - 1] = 'X';
        return masked;
      }
    case MASK_HASH:
      default: {
        gsize size;
        const guchar *key = self->hash_key ? g_bytes_get_data (self->hash_key, &size) : NULL;
        g_autofree char *digest = g_compute_hmac_for_string (
          G_CHECKSUM_SHA256, key ? key : (const guchar *) "", key ? size : 0, number, -1);

        return g_strdup_printf ("h-%.16s", digest);
      }
    }
}
