/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Counts failures per source address in a sliding window; a source over the
 * limit is refused until its oldest failure leaves the window. */
typedef struct _MgRateLimiter MgRateLimiter;

MgRateLimiter *mg_rate_limiter_new          (guint max_failures,
                                             guint window_seconds);
void           mg_rate_limiter_free         (MgRateLimiter *self);
gboolean       mg_rate_limiter_is_blocked   (MgRateLimiter *self,
                                             const char    *source,
                                             gint64         now_us,
                                             guint         *retry_after);
void           mg_rate_limiter_add_failure  (MgRateLimiter *self,
                                             const char    *source,
                                             gint64         now_us);
void           mg_rate_limiter_reset        (MgRateLimiter *self,
                                             const char    *source);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MgRateLimiter, mg_rate_limiter_free)

G_END_DECLS
