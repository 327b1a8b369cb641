/* test-cti-timers.c: the rules of a CTI session's timers: the start
 * timeout, the session timer that only application messages start again,
 * the heartbeat.
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "mg-cti-timers-private.h"

#define S(seconds) ((gint64) (seconds) *G_USEC_PER_SEC)

static void
test_start_timeout (void)
{
  MgCtiTimers timers;

  mg_cti_timers_await_start (&timers, S (100), 10);
  g_assert_cmpint (mg_cti_timers_due (&timers, S (109)), ==, MG_CTI_TIMER_NONE);
  /* application messages before the start do not count */
  mg_cti_timers_application (&timers, S (109), 60);
  g_assert_cmpint (mg_cti_timers_due (&timers, S (110)), ==, MG_CTI_TIMER_START_TIMEOUT);
  g_assert_cmpint (mg_cti_timers_due (&timers, S (200)), ==, MG_CTI_TIMER_NONE); /* once */

  /* started in time: no start timeout, the session timer runs */
  mg_cti_timers_await_start (&timers, S (100), 10);
  mg_cti_timers_started (&timers, S (105), 60, 0);
  g_assert_cmpint (mg_cti_timers_due (&timers, S (110)), ==, MG_CTI_TIMER_NONE);
  g_assert_cmpint (mg_cti_timers_due (&timers, S (164)), ==, MG_CTI_TIMER_NONE);
  g_assert_cmpint (mg_cti_timers_due (&timers, S (165)), ==, MG_CTI_TIMER_EXPIRED);
}

static void
test_application_messages_restart_the_session_timer (void)
{
  MgCtiTimers timers;

  mg_cti_timers_await_start (&timers, 0, 10);
  mg_cti_timers_started (&timers, 0, 30, 0);
  for (int t = 20; t <= 80; t += 20)
    {
      g_assert_cmpint (mg_cti_timers_due (&timers, S (t)), ==, MG_CTI_TIMER_NONE);
      mg_cti_timers_application (&timers, S (t), 30);
    }
  g_assert_cmpint (mg_cti_timers_due (&timers, S (109)), ==, MG_CTI_TIMER_NONE);
  g_assert_cmpint (mg_cti_timers_due (&timers, S (110)), ==, MG_CTI_TIMER_EXPIRED);
  /* ResetApplicationSessionTimer may shorten it */
  mg_cti_timers_started (&timers, 0, 30, 0);
  mg_cti_timers_application (&timers, S (5), 10);
  g_assert_cmpint (mg_cti_timers_due (&timers, S (15)), ==, MG_CTI_TIMER_EXPIRED);
}

static void
test_the_heartbeat_does_not_keep_a_silent_session (void)
{
  MgCtiTimers timers;
  guint heartbeats = 0;
  int t;

  mg_cti_timers_await_start (&timers, 0, 10);
  mg_cti_timers_started (&timers, 0, 60, 20);
  for (t = 1; t <= 120; t++)
    {
      MgCtiTimerDue due = mg_cti_timers_due (&timers, S (t));

      if (due == MG_CTI_TIMER_EXPIRED)
        break;
      g_assert_cmpint (due, ==, t % 20 == 0 ? MG_CTI_TIMER_HEARTBEAT : MG_CTI_TIMER_NONE);
      heartbeats += due == MG_CTI_TIMER_HEARTBEAT;
    }
  /* at 60 s the expiry wins over the heartbeat due then */
  g_assert_cmpint (t, ==, 60);
  g_assert_cmpuint (heartbeats, ==, 2);
  g_assert_cmpint (mg_cti_timers_due (&timers, S (80)), ==, MG_CTI_TIMER_NONE);

  /* no heartbeat for an interval of 0 */
  mg_cti_timers_started (&timers, 0, 60, 0);
  for (t = 1; t < 60; t++)
    g_assert_cmpint (mg_cti_timers_due (&timers, S (t)), ==, MG_CTI_TIMER_NONE);
}

static void
test_stopped_timers_stay_quiet (void)
{
  MgCtiTimers timers;

  mg_cti_timers_await_start (&timers, 0, 10);
  mg_cti_timers_started (&timers, 0, 5, 1);
  mg_cti_timers_stop (&timers);
  mg_cti_timers_application (&timers, S (1), 5); /* closing: nothing restarts */
  for (int t = 0; t < 30; t++)
    g_assert_cmpint (mg_cti_timers_due (&timers, S (t)), ==, MG_CTI_TIMER_NONE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cti-timers/start-timeout", test_start_timeout);
  g_test_add_func ("/cti-timers/application-messages",
                   test_application_messages_restart_the_session_timer);
  g_test_add_func ("/cti-timers/heartbeat", test_the_heartbeat_does_not_keep_a_silent_session);
  g_test_add_func ("/cti-timers/stopped", test_stopped_timers_stay_quiet);
  return g_test_run ();
}
