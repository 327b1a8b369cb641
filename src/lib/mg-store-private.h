/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <sqlite3.h>

#include "mg-store.h"

G_BEGIN_DECLS

G_DEFINE_AUTOPTR_CLEANUP_FUNC (sqlite3_stmt, sqlite3_finalize)

sqlite3      *mg_store_get_db      (MgStore *self);
sqlite3_stmt *mg_store_prepare     (MgStore    *self,
                                    const char *sql,
                                    GError    **error);
gboolean      mg_store_exec        (MgStore    *self,
                                    const char *sql,
                                    GError    **error);
gboolean      mg_store_step_done   (MgStore      *self,
                                    sqlite3_stmt *stmt,
                                    GError      **error);
gboolean      mg_store_begin       (MgStore *self,
                                    GError **error);
gboolean      mg_store_commit      (MgStore *self,
                                    GError **error);
void          mg_store_rollback    (MgStore *self);
gboolean      mg_store_write_one   (MgStore      *self,
                                    sqlite3_stmt *stmt,
                                    GError      **error);
void          mg_store_set_error   (MgStore *self,
                                    GError **error);
void          mg_store_bind_text   (sqlite3_stmt *stmt,
                                    int           index,
                                    const char   *text);

G_END_DECLS
