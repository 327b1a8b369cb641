/* mg-cti-replay.c: the last events of a CTI session, kept for a resume
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-cti"

#include "mg-build-config.h"

#include "mg-cti-replay-private.h"

/*
 * A bounded window of a session's events (their XML, with their
 * extensions/security sequence number). An application that resumes names
 * the last sequence number it got; it gets the later events again, or is
 * told that some are gone and takes a snapshot (docs/cti.md).
 */

typedef struct
{
  guint64 sequence;
  char *xml;
} Entry;

struct _MgCtiReplay
{
  GQueue entries; /* oldest first */
  guint limit;
};

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_free (entry->xml);
  g_free (entry);
}

MgCtiReplay *
mg_cti_replay_new (guint limit)
{
  MgCtiReplay *self = g_new0 (MgCtiReplay, 1);

  g_queue_init (&self->entries);
  self->limit = MAX (limit, 1);
  return self;
}

void
mg_cti_replay_free (MgCtiReplay *self)
{
  g_queue_clear_full (&self->entries, entry_free);
  g_free (self);
}

static void
trim (MgCtiReplay *self)
{
  while (g_queue_get_length (&self->entries) > self->limit)
    entry_free (g_queue_pop_head (&self->entries));
}

/* An administrator changed how many events are kept: sessions already
 * running keep that many from now on. */
void
mg_cti_replay_set_limit (MgCtiReplay *self, guint limit)
{
  self->limit = MAX (limit, 1);
  trim (self);
}

void
mg_cti_replay_add (MgCtiReplay *self, guint64 sequence, const char *xml)
{
  Entry *entry = g_new0 (Entry, 1);

  entry->sequence = sequence;
  entry->xml = g_strdup (xml);
  g_queue_push_tail (&self->entries, entry);
  trim (self);
}

/*
 * Returns: (transfer full) (element-type utf8): the events after @last, in
 *   order; @complete says whether every one of them was still kept
 */
GPtrArray *
mg_cti_replay_since (MgCtiReplay *self, guint64 last, gboolean *complete)
{
  GPtrArray *events = g_ptr_array_new_with_free_func (g_free);
  Entry *oldest = g_queue_peek_head (&self->entries);

  *complete = oldest == NULL || oldest->sequence <= last + 1;
  for (GList *l = self->entries.head; l != NULL; l = l->next)
    {
      Entry *entry = l->data;

      if (entry->sequence > last)
        g_ptr_array_add (events, g_strdup (entry->xml));
    }
  return events;
}
