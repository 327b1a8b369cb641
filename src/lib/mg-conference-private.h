/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "mg-call-private.h"

G_BEGIN_DECLS

#define MG_CONFERENCE_MAX_PARTIES 3

/* A three-party conference mixed in one call's pipeline (the host): each
 * participant, a leg of the host or of a call whose media crosses over,
 * hears its own mix of the others. */
#define MG_TYPE_CONFERENCE (mg_conference_get_type ())
G_DECLARE_FINAL_TYPE (MgConference, mg_conference, MG, CONFERENCE, GObject)

MgConference *mg_conference_new    (MgCall *host);
MgCall       *mg_conference_get_host (MgConference *self);
gboolean      mg_conference_add    (MgConference *self,
                                    MgCall       *call,
                                    guint         index,
                                    GError      **error);
void          mg_conference_remove (MgConference *self,
                                    MgCall       *call,
                                    guint         index);
guint         mg_conference_count  (MgConference *self);
gboolean      mg_conference_is_held (MgConference *self,
                                     MgCall       *call,
                                     guint         index);
gboolean      mg_conference_set_hold (MgConference *self,
                                      MgCall       *call,
                                      guint         index,
                                      gboolean      hold);
MgCall       *mg_conference_get_party (MgConference *self,
                                       guint         slot,
                                       guint        *index);

G_END_DECLS
