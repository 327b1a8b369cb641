/* mg-diagnostics-bundle-private.h: a tar.gz made and sent piece by piece
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define MG_TYPE_DIAGNOSTICS_BUNDLE (mg_diagnostics_bundle_get_type ())
G_DECLARE_FINAL_TYPE (MgDiagnosticsBundle, mg_diagnostics_bundle, MG, DIAGNOSTICS_BUNDLE, GObject)

MgDiagnosticsBundle *mg_diagnostics_bundle_new       (void);
void                 mg_diagnostics_bundle_add_bytes (MgDiagnosticsBundle *self,
                                                      const char          *name,
                                                      GBytes              *data);
void                 mg_diagnostics_bundle_add_text  (MgDiagnosticsBundle *self,
                                                      const char          *name,
                                                      const char          *text);
void                 mg_diagnostics_bundle_add_file  (MgDiagnosticsBundle *self,
                                                      const char          *name,
                                                      const char          *path);
void                 mg_diagnostics_bundle_add_tree  (MgDiagnosticsBundle *self,
                                                      const char          *prefix,
                                                      const char          *directory,
                                                      gboolean (*accept) (const char *name));
GBytes              *mg_diagnostics_bundle_read      (MgDiagnosticsBundle *self,
                                                      GError             **error);

G_END_DECLS
