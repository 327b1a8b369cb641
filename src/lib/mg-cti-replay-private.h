/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The last events of a session, by sequence number, for a resume. */
typedef struct _MgCtiReplay MgCtiReplay;

MgCtiReplay *mg_cti_replay_new   (guint limit);
void         mg_cti_replay_free  (MgCtiReplay *self);
void         mg_cti_replay_set_limit (MgCtiReplay *self,
                                      guint        limit);
void         mg_cti_replay_add   (MgCtiReplay *self,
                                  guint64      sequence,
                                  const char  *xml);
GPtrArray   *mg_cti_replay_since (MgCtiReplay *self,
                                  guint64      last,
                                  gboolean    *complete);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MgCtiReplay, mg_cti_replay_free)

G_END_DECLS
