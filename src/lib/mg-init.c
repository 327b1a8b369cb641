/* mg-init.c: library initialisation
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#include "mg-build-config.h"

#include <glib/gi18n-lib.h>
#include <gst/gst.h>
#include <sofia-sip/su.h>

#include "mg-init.h"

/**
 * mg_init:
 *
 * Initialises libmediagate: translations and GStreamer. Call it once before
 * creating any other Mediagate object; calling it again does nothing.
 */
void
mg_init (void)
{
  static gsize initialised = 0;

  if (g_once_init_enter (&initialised))
    {
      bindtextdomain (GETTEXT_PACKAGE, MG_LOCALEDIR);
      bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
      su_init ();
      if (!gst_is_initialized ())
        gst_init (NULL, NULL);
      g_once_init_leave (&initialised, 1);
    }
}

/**
 * mg_get_version:
 *
 * Returns: the version of the running libmediagate, e.g. "0.1.0"
 */
const char *
mg_get_version (void)
{
  return MG_VERSION;
}
