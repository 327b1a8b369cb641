/* mg-client-log-store-private.h: the browser phones' log files
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define MG_CLIENT_LOG_ERROR (mg_client_log_error_quark ())
GQuark mg_client_log_error_quark (void);

typedef enum {
  MG_CLIENT_LOG_ERROR_TOO_LONG,  /* a line over the limit */
  MG_CLIENT_LOG_ERROR_NOT_TEXT,  /* not UTF-8 */
  MG_CLIENT_LOG_ERROR_INVALID,   /* not a date or a client log file name */
  MG_CLIENT_LOG_ERROR_NOT_FOUND, /* no such date or file */
  MG_CLIENT_LOG_ERROR_FAILED,    /* the file system said no */
} MgClientLogError;

/* The longest line a client may send, in bytes. */
#define MG_CLIENT_LOG_MAX_LINE 4096

char     *mg_client_log_sanitize_line   (const char *data,
                                         gsize       size,
                                         gsize       max,
                                         GError    **error);
gboolean  mg_client_log_date_is_valid   (const char *date);
gboolean  mg_client_log_parse_file_name (const char *name,
                                         char      **extension,
                                         guint      *part);
char     *mg_client_log_format_date     (gint64 now_us);

#define MG_TYPE_CLIENT_LOG_STORE (mg_client_log_store_get_type ())
G_DECLARE_FINAL_TYPE (MgClientLogStore, mg_client_log_store, MG, CLIENT_LOG_STORE, GObject)

MgClientLogStore *mg_client_log_store_new         (const char *directory);
const char       *mg_client_log_store_get_directory (MgClientLogStore *self);
void              mg_client_log_store_set_limits  (MgClientLogStore *self,
                                                   guint64           max_file_size,
                                                   guint             max_files,
                                                   guint             retention_days);
gboolean          mg_client_log_store_append      (MgClientLogStore *self,
                                                   const char       *extension,
                                                   gint64            now_us,
                                                   const char       *line,
                                                   GError          **error);
guint             mg_client_log_store_prune       (MgClientLogStore *self,
                                                   gint64            now_us);
JsonObject       *mg_client_log_store_list        (MgClientLogStore *self,
                                                   const char       *date,
                                                   GError          **error);
char             *mg_client_log_store_file_path   (MgClientLogStore *self,
                                                   const char       *date,
                                                   const char       *name,
                                                   GError          **error);
gboolean          mg_client_log_store_delete_file (MgClientLogStore *self,
                                                   const char       *date,
                                                   const char       *name,
                                                   GError          **error);
gboolean          mg_client_log_store_delete_date (MgClientLogStore *self,
                                                   const char       *date,
                                                   GError          **error);

G_END_DECLS
