/* test-cti-replay.c: the window of events a dropped CTI session resumes from
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "mg-cti-replay-private.h"

static void
add_events (MgCtiReplay *replay, guint64 from, guint64 to)
{
  for (guint64 seq = from; seq <= to; seq++)
    {
      g_autofree char *xml = g_strdup_printf ("<E n=\"%" G_GUINT64_FORMAT "\"/>", seq);

      mg_cti_replay_add (replay, seq, xml);
    }
}

static void
test_since (void)
{
  g_autoptr (MgCtiReplay) replay = mg_cti_replay_new (3);
  g_autoptr (GPtrArray) none = NULL;
  g_autoptr (GPtrArray) two = NULL;
  g_autoptr (GPtrArray) gap = NULL;
  gboolean complete = FALSE;

  none = mg_cti_replay_since (replay, 0, &complete);
  g_assert_cmpuint (none->len, ==, 0);
  g_assert_true (complete);
  add_events (replay, 1, 5); /* 3, 4, 5 kept */
  two = mg_cti_replay_since (replay, 3, &complete);
  g_assert_true (complete);
  g_assert_cmpuint (two->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (two, 0), ==, "<E n=\"4\"/>");
  g_assert_cmpstr (g_ptr_array_index (two, 1), ==, "<E n=\"5\"/>");
  gap = mg_cti_replay_since (replay, 1, &complete); /* 2 is gone */
  g_assert_false (complete);
  g_assert_cmpuint (gap->len, ==, 3);
}

static void
test_limit_changes_apply_to_running_sessions (void)
{
  g_autoptr (MgCtiReplay) replay = mg_cti_replay_new (100);
  g_autoptr (GPtrArray) kept = NULL;
  g_autoptr (GPtrArray) more = NULL;
  gboolean complete = TRUE;

  add_events (replay, 1, 20);
  mg_cti_replay_set_limit (replay, 10); /* 11-20 stay */
  kept = mg_cti_replay_since (replay, 0, &complete);
  g_assert_false (complete);
  g_assert_cmpuint (kept->len, ==, 10);
  g_assert_cmpstr (g_ptr_array_index (kept, 0), ==, "<E n=\"11\"/>");
  mg_cti_replay_set_limit (replay, 15);
  add_events (replay, 21, 30);
  more = mg_cti_replay_since (replay, 15, &complete);
  g_assert_true (complete);
  g_assert_cmpuint (more->len, ==, 15);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cti-replay/since", test_since);
  g_test_add_func ("/cti-replay/limit", test_limit_changes_apply_to_running_sessions);
  return g_test_run ();
}
