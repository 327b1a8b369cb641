/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(MG_INSIDE) && !defined(MG_COMPILATION)
#error "Only <mediagate.h> can be included directly."
#endif

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * MG_EXTENSION_ERROR:
 *
 * Error domain of extension numbers, ranges and digest credentials.
 */
#define MG_EXTENSION_ERROR (mg_extension_error_quark ())
GQuark mg_extension_error_quark (void);

/**
 * MgExtensionError:
 * @MG_EXTENSION_ERROR_NUMBER: not an extension number (short or E.164 form)
 * @MG_EXTENSION_ERROR_RANGE: the two ends do not make a range
 * @MG_EXTENSION_ERROR_RANGE_TOO_LARGE: more numbers than one range may hold
 * @MG_EXTENSION_ERROR_CREDENTIALS: unusable digest credentials
 * @MG_EXTENSION_ERROR_FIELD: another field has a bad value
 *
 * Why an extension, a range or its credentials were refused.
 */
typedef enum {
  MG_EXTENSION_ERROR_NUMBER,
  MG_EXTENSION_ERROR_RANGE,
  MG_EXTENSION_ERROR_RANGE_TOO_LARGE,
  MG_EXTENSION_ERROR_CREDENTIALS,
  MG_EXTENSION_ERROR_FIELD,
} MgExtensionError;

/**
 * MG_EXTENSION_NUMBER_MAX_DIGITS:
 *
 * The most digits an extension number has (E.164 allows 15).
 */
#define MG_EXTENSION_NUMBER_MAX_DIGITS 15

/**
 * MG_EXTENSION_RANGE_MAX_SIZE:
 *
 * The most numbers one range may hold.
 */
#define MG_EXTENSION_RANGE_MAX_SIZE 10000

/**
 * MG_EXTENSION_DISPLAY_NAME_MAX:
 *
 * The longest display name, in bytes.
 */
#define MG_EXTENSION_DISPLAY_NAME_MAX 256

gboolean     mg_extension_number_is_valid  (const char *number);
char        *mg_extension_number_normalize (const char *number,
                                            GError    **error);
gboolean     mg_extension_number_is_e164   (const char *number);
char        *mg_extension_credential_increment (const char *credential,
                                                guint64     offset,
                                                GError    **error);
gboolean     mg_extension_check_display_name (const char *display_name,
                                              GError    **error);
gboolean     mg_extension_check_credentials  (const char *username,
                                              const char *password,
                                              const char *realm,
                                              GError    **error);

/* MgExtensionRange: from..to of one form and length */

#define MG_TYPE_EXTENSION_RANGE (mg_extension_range_get_type ())
typedef struct _MgExtensionRange MgExtensionRange;

GType             mg_extension_range_get_type (void) G_GNUC_CONST;
MgExtensionRange *mg_extension_range_new      (const char *from,
                                               const char *to,
                                               GError    **error);
MgExtensionRange *mg_extension_range_ref      (MgExtensionRange *range);
void              mg_extension_range_unref    (MgExtensionRange *range);
const char       *mg_extension_range_get_from (MgExtensionRange *range);
const char       *mg_extension_range_get_to   (MgExtensionRange *range);
guint             mg_extension_range_get_size (MgExtensionRange *range);
gboolean          mg_extension_range_contains (MgExtensionRange *range,
                                               const char       *number);
gboolean          mg_extension_range_overlaps (MgExtensionRange *range,
                                               MgExtensionRange *other);
char             *mg_extension_range_get_number (MgExtensionRange *range,
                                                 guint             offset);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MgExtensionRange, mg_extension_range_unref)

/* MgExtension: one browser phone */

#define MG_TYPE_EXTENSION (mg_extension_get_type ())
G_DECLARE_FINAL_TYPE (MgExtension, mg_extension, MG, EXTENSION, GObject)

MgExtension *mg_extension_new                (const char *number) G_GNUC_WARN_UNUSED_RESULT;
const char  *mg_extension_get_number         (MgExtension *self);
const char  *mg_extension_get_display_name   (MgExtension *self);
void         mg_extension_set_display_name   (MgExtension *self,
                                              const char  *display_name);
gboolean     mg_extension_get_enabled        (MgExtension *self);
void         mg_extension_set_enabled        (MgExtension *self,
                                              gboolean     enabled);
const char  *mg_extension_get_auth_username  (MgExtension *self);
const char  *mg_extension_get_auth_realm     (MgExtension *self);
gboolean     mg_extension_get_password_set   (MgExtension *self);
const char  *mg_extension_get_auth_password  (MgExtension *self);
void         mg_extension_set_digest         (MgExtension *self,
                                              const char  *username,
                                              const char  *password,
                                              const char  *realm);
gint64       mg_extension_get_created        (MgExtension *self);
gint64       mg_extension_get_updated        (MgExtension *self);
void         mg_extension_set_times          (MgExtension *self,
                                              gint64       created,
                                              gint64       updated);

G_END_DECLS
