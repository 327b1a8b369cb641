/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(MG_INSIDE) && !defined(MG_COMPILATION)
#error "Only <mediagate.h> can be included directly."
#endif

#include <glib.h>

G_BEGIN_DECLS

void         mg_init        (void);
const char  *mg_get_version (void);

G_END_DECLS
