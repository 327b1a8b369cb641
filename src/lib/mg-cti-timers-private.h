/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What a CTI session's timers say is due (mg-cti-timers.c). */
typedef enum {
  MG_CTI_TIMER_NONE,
  MG_CTI_TIMER_START_TIMEOUT, /* no StartApplicationSession in time */
  MG_CTI_TIMER_EXPIRED,       /* the session timer ran out */
  MG_CTI_TIMER_HEARTBEAT,     /* our SystemStatus is due */
} MgCtiTimerDue;

/* A session's deadlines on the monotonic clock (µs; 0: none). */
typedef struct
{
  gint64 start_deadline;
  gint64 idle_deadline;
  gint64 heartbeat_due;
  guint heartbeat_s;
} MgCtiTimers;

void          mg_cti_timers_await_start  (MgCtiTimers *self,
                                          gint64       now,
                                          guint        timeout_s);
void          mg_cti_timers_started      (MgCtiTimers *self,
                                          gint64       now,
                                          guint        duration_s,
                                          guint        heartbeat_s);
void          mg_cti_timers_application  (MgCtiTimers *self,
                                          gint64       now,
                                          guint        duration_s);
void          mg_cti_timers_stop         (MgCtiTimers *self);
MgCtiTimerDue mg_cti_timers_due          (MgCtiTimers *self,
                                          gint64       now);

G_END_DECLS
