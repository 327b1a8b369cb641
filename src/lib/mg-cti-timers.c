/* mg-cti-timers.c: the rules of a CTI session's timers
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "mg-build-config.h"

#include "mg-cti-timers-private.h"

/*
 * Plain deadlines, checked once a second by the CTI server's one timer
 * (mg_cti_session_tick()), so that they can be tested without a clock:
 *
 * - a connection must start its session (StartApplicationSession) within
 *   the start timeout;
 * - the session timer (actualSessionDuration) starts again with every
 *   application message (any request, ResetApplicationSessionTimer, an
 *   answer to our SystemStatus) and with nothing else: our own heartbeat
 *   and WebSocket pings and pongs (libsoup's, never seen here) do not
 *   keep a silent application's session;
 * - the heartbeat (our SystemStatus) comes every heartbeat interval, none
 *   for 0;
 * - an expired session timer wins over a heartbeat due at the same time.
 */

static gint64
after (gint64 now, guint seconds)
{
  return now + (gint64) seconds * G_USEC_PER_SEC;
}

/* A connection is open: its session must start within @timeout_s. */
void
mg_cti_timers_await_start (MgCtiTimers *self, gint64 now, guint timeout_s)
{
  *self = (MgCtiTimers){ .start_deadline = after (now, timeout_s) };
}

/* The session started (or was resumed): the session timer and the
 * heartbeat run. */
void
mg_cti_timers_started (MgCtiTimers *self, gint64 now, guint duration_s, guint heartbeat_s)
{
  self->start_deadline = 0;
  self->heartbeat_s = heartbeat_s;
  self->idle_deadline = after (now, duration_s);
  self->heartbeat_due = heartbeat_s > 0 ? after (now, heartbeat_s) : 0;
}

/* An application message: the session timer starts again, for
 * @duration_s (ResetApplicationSessionTimer may have changed it). */
void
mg_cti_timers_application (MgCtiTimers *self, gint64 now, guint duration_s)
{
  if (self->idle_deadline == 0)
    return; /* not started, or stopped */
  self->idle_deadline = after (now, duration_s);
}

void
mg_cti_timers_stop (MgCtiTimers *self)
{
  *self = (MgCtiTimers){ 0 };
}

/* What is due at @now; a due heartbeat is counted as sent (the next one is
 * due an interval later), an expiry or a start timeout stops the timers. */
MgCtiTimerDue
mg_cti_timers_due (MgCtiTimers *self, gint64 now)
{
  if (self->start_deadline != 0 && now >= self->start_deadline)
    {
      mg_cti_timers_stop (self);
      return MG_CTI_TIMER_START_TIMEOUT;
    }
  if (self->idle_deadline != 0 && now >= self->idle_deadline)
    {
      mg_cti_timers_stop (self);
      return MG_CTI_TIMER_EXPIRED;
    }
  if (self->heartbeat_due != 0 && now >= self->heartbeat_due)
    {
      self->heartbeat_due = after (now, self->heartbeat_s);
      return MG_CTI_TIMER_HEARTBEAT;
    }
  return MG_CTI_TIMER_NONE;
}
