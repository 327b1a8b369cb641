/* mg-log-private.h: what the tests reach in MgLog without installing it
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include "mg-log.h"

G_BEGIN_DECLS

/* Returns the wall-clock time in microseconds since the epoch. */
typedef gint64 (*MgLogClock) (void);

/* The writer function itself: filters by level, writes the console and the
 * file. mg_log_install() routes every g_log call here. */
GLogWriterOutput mg_log_write (MgLog *self, GLogLevelFlags log_level, const GLogField *fields,
                               gsize n_fields);

/* Tests keep the console quiet and move the clock (date rotation). */
void mg_log_set_console (MgLog *self, gboolean enabled);
void mg_log_set_clock (MgLog *self, MgLogClock now);

G_END_DECLS
