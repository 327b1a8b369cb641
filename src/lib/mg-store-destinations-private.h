/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "mg-store.h"

G_BEGIN_DECLS

/* A Click-to-Contact destination: the service a visitor picks. With the
 * embedded default (no SIP platform), the listed extensions serve it, in
 * order; with a platform, calls go to the pilot number. */
typedef struct
{
  char *key;        /* slug, e.g. "sales" */
  char *label;      /* what the visitor sees */
  char *pilot;      /* the number calls are sent to */
  GStrv extensions; /* ordered; never NULL */
} MgDestination;

#define MG_DESTINATION_MAX_EXTENSIONS 100

MgDestination *mg_destination_new            (void);
void           mg_destination_free           (MgDestination *destination);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MgDestination, mg_destination_free)

gboolean       mg_destination_check          (const MgDestination *destination,
                                              GError             **error);

GPtrArray     *mg_store_list_destinations    (MgStore    *self,
                                              GError    **error);
MgDestination *mg_store_get_destination      (MgStore    *self,
                                              const char *key,
                                              GError    **error);
gboolean       mg_store_save_destination     (MgStore             *self,
                                              const MgDestination *destination,
                                              gboolean             create,
                                              GError             **error);
gboolean       mg_store_delete_destination   (MgStore    *self,
                                              const char *key,
                                              GError    **error);

G_END_DECLS
