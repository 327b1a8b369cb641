/* mg-rate-limiter.c: failed-attempt limits per source address
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "mg-build-config.h"

#include "mg-rate-limiter-private.h"

struct _MgRateLimiter
{
  guint max_failures;
  gint64 window_us;
  GHashTable *sources; /* address -> GQueue of gint64* failure times, oldest first */
};

static void
queue_free (gpointer data)
{
  g_queue_free_full (data, g_free);
}

MgRateLimiter *
mg_rate_limiter_new (guint max_failures, guint window_seconds)
{
  MgRateLimiter *self = g_new0 (MgRateLimiter, 1);

  self->max_failures = MAX (max_failures, 1);
  self->window_us = (gint64) window_seconds * G_USEC_PER_SEC;
  self->sources = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, queue_free);
  return self;
}

void
mg_rate_limiter_free (MgRateLimiter *self)
{
  g_hash_table_unref (self->sources);
  g_free (self);
}

static GQueue *
expire (MgRateLimiter *self, const char *source, gint64 now_us)
{
  GQueue *failures = g_hash_table_lookup (self->sources, source);

  if (failures == NULL)
    return NULL;
  while (!g_queue_is_empty (failures)
         && *(gint64 *) g_queue_peek_head (failures) + self->window_us <= now_us)
    g_free (g_queue_pop_head (failures));
  if (g_queue_is_empty (failures))
    {
      g_hash_table_remove (self->sources, source);
      return NULL;
    }
  return failures;
}

gboolean
mg_rate_limiter_is_blocked (MgRateLimiter *self, const char *source, gint64 now_us,
                            guint *retry_after)
{
  GQueue *failures = expire (self, source, now_us);
  gint64 oldest;

  if (failures == NULL || g_queue_get_length (failures) < self->max_failures)
    return FALSE;
  oldest = *(gint64 *) g_queue_peek_head (failures);
  if (retry_after)
    *retry_after =
      (guint) ((oldest + self->window_us - now_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
  return TRUE;
}

void
mg_rate_limiter_add_failure (MgRateLimiter *self, const char *source, gint64 now_us)
{
  GQueue *failures = expire (self, source, now_us);

  if (failures == NULL)
    {
      failures = g_queue_new ();
      g_hash_table_insert (self->sources, g_strdup (source), failures);
    }
  g_queue_push_tail (failures, g_memdup2 (&now_us, sizeof now_us));
  /* never keep more than the limit needs */
  while (g_queue_get_length (failures) > self->max_failures)
    g_free (g_queue_pop_head (failures));
}

void
mg_rate_limiter_reset (MgRateLimiter *self, const char *source)
{
  g_hash_table_remove (self->sources, source);
}
