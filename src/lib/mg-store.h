/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(MG_INSIDE) && !defined(MG_COMPILATION)
#error "Only <mediagate.h> can be included directly."
#endif

#include <glib-object.h>

#include "mg-extension.h"

G_BEGIN_DECLS

/**
 * MG_STORE_ERROR:
 *
 * Error domain of the embedded store.
 */
#define MG_STORE_ERROR (mg_store_error_quark ())
GQuark mg_store_error_quark (void);

/**
 * MgStoreError:
 * @MG_STORE_ERROR_FAILED: the database failed (I/O, corruption, full disk)
 * @MG_STORE_ERROR_NOT_FOUND: no such record
 * @MG_STORE_ERROR_CONFLICT: the record exists already or is still referenced
 * @MG_STORE_ERROR_INVALID: the data breaks a rule of the store
 * @MG_STORE_ERROR_SCHEMA: the database was written by a newer Mediagate
 *
 * Errors from [class@Mg.Store].
 */
typedef enum {
  MG_STORE_ERROR_FAILED,
  MG_STORE_ERROR_NOT_FOUND,
  MG_STORE_ERROR_CONFLICT,
  MG_STORE_ERROR_INVALID,
  MG_STORE_ERROR_SCHEMA,
} MgStoreError;

/**
 * MgStoreImportMode:
 * @MG_STORE_IMPORT_MERGE: add new extensions and overwrite those with the same
 *   number; leave the others alone
 * @MG_STORE_IMPORT_REPLACE: make the extensions exactly those imported:
 *   delete every other one
 *
 * How [method@Mg.Store.import_extensions] treats what is there already.
 */
typedef enum {
  MG_STORE_IMPORT_MERGE,
  MG_STORE_IMPORT_REPLACE,
} MgStoreImportMode;

#define MG_TYPE_STORE (mg_store_get_type ())
G_DECLARE_FINAL_TYPE (MgStore, mg_store, MG, STORE, GObject)

MgStore     *mg_store_open               (const char *path,
                                          GError    **error) G_GNUC_WARN_UNUSED_RESULT;
guint        mg_store_get_schema_version (MgStore    *self);
guint        mg_store_get_latest_schema_version (void);
const char  *mg_store_get_path           (MgStore    *self);

char        *mg_store_dup_setting        (MgStore    *self,
                                          const char *section);
gboolean     mg_store_set_setting        (MgStore    *self,
                                          const char *section,
                                          const char *json,
                                          GError    **error);

GBytes      *mg_store_get_install_secret (MgStore    *self);
void         mg_store_emit_changed       (MgStore    *self,
                                          const char *what);

gboolean     mg_store_add_admin          (MgStore    *self,
                                          const char *name,
                                          const char *password,
                                          GError    **error);
gboolean     mg_store_set_admin_password (MgStore    *self,
                                          const char *name,
                                          const char *password,
                                          GError    **error);
gboolean     mg_store_check_admin        (MgStore    *self,
                                          const char *name,
                                          const char *password);
guint        mg_store_count_admins       (MgStore    *self);

guint        mg_store_add_extension_range (MgStore          *self,
                                           MgExtensionRange *range,
                                           MgExtension      *template_,
                                           gboolean          increment,
                                           GError          **error);
GPtrArray   *mg_store_list_extensions    (MgStore    *self,
                                          const char *search,
                                          guint       offset,
                                          guint       limit,
                                          guint      *total,
                                          GError    **error);
MgExtension *mg_store_get_extension      (MgStore    *self,
                                          const char *number,
                                          GError    **error);
gboolean     mg_store_update_extension   (MgStore     *self,
                                          MgExtension *extension,
                                          GError     **error);
gboolean     mg_store_delete_extension   (MgStore    *self,
                                          const char *number,
                                          GError    **error);
gboolean     mg_store_delete_all_extensions (MgStore *self,
                                             guint   *n_deleted,
                                             GError **error);
MgExtensionRange *mg_store_find_extension_range (MgStore    *self,
                                                 const char *number);
GPtrArray   *mg_store_export_extensions  (MgStore    *self,
                                          GPtrArray **ranges,
                                          GError    **error);
gboolean     mg_store_import_extensions  (MgStore          *self,
                                          GPtrArray        *extensions,
                                          GPtrArray        *ranges,
                                          MgStoreImportMode mode,
                                          guint            *n_created,
                                          guint            *n_updated,
                                          guint            *n_deleted,
                                          GError          **error);

G_END_DECLS
