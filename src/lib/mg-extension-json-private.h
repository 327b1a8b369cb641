/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <json-glib/json-glib.h>

#include "mg-extension.h"

G_BEGIN_DECLS

#define MG_EXTENSIONS_FORMAT "mediagate-extensions"
#define MG_EXTENSIONS_FORMAT_VERSION 1
#define MG_EXTENSIONS_IMPORT_MAX 100000

/* Credentials as given in a request body. */
typedef struct
{
  char *username;
  char *password;
  char *realm;
  gboolean increment;
} MgDigestInput;

void        mg_digest_input_clear           (MgDigestInput *digest);

JsonObject *mg_extension_to_json            (MgExtension *extension,
                                             gboolean     with_secrets);
JsonObject *mg_extension_range_to_json      (MgExtensionRange *range);

gboolean    mg_json_check_members           (JsonObject         *object,
                                             const char *const  *allowed,
                                             const char         *what,
                                             GError            **error);
gboolean    mg_json_get_string              (JsonObject  *object,
                                             const char  *member,
                                             gboolean     nullable,
                                             const char **value,
                                             GError     **error);
gboolean    mg_json_get_bool                (JsonObject *object,
                                             const char *member,
                                             gboolean   *value,
                                             GError    **error);
gboolean    mg_digest_input_parse           (JsonNode      *node,
                                             gboolean       allow_increment,
                                             MgDigestInput *digest,
                                             GError       **error);
gboolean    mg_extension_apply_patch        (MgExtension *extension,
                                             JsonObject  *patch,
                                             GError     **error);

JsonNode   *mg_extensions_document_build    (GPtrArray *extensions,
                                             GPtrArray *ranges,
                                             gint64     now);
gboolean    mg_extensions_document_parse    (JsonObject *document,
                                             GPtrArray **extensions,
                                             GPtrArray **ranges,
                                             gint       *bad_row,
                                             char      **bad_number,
                                             GError    **error);

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (MgDigestInput, mg_digest_input_clear)

G_END_DECLS
