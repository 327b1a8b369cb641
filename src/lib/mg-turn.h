/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(MG_INSIDE) && !defined(MG_COMPILATION)
#error "Only <mediagate.h> can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

char *mg_turn_make_username   (gint64      expires_at,
                               const char *user) G_GNUC_WARN_UNUSED_RESULT;
char *mg_turn_make_credential (const char *shared_secret,
                               const char *username) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
