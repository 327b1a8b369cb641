/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Value checks for settings: TRUE, or FALSE with *reason (free it) saying why. */
gboolean mg_settings_check_ip                (const char *value,
                                              char      **reason);
gboolean mg_settings_check_network           (const char *value,
                                              char      **reason);
gboolean mg_settings_check_fqdn              (const char *value,
                                              char      **reason);
gboolean mg_settings_check_transport_address (const char *value,
                                              char      **reason);
gboolean mg_settings_check_sip_uri           (const char *value,
                                              char      **reason);
gboolean mg_settings_check_secret            (const char *value,
                                              char      **reason);

G_END_DECLS
