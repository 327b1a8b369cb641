/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include "mg-http-listener.h"

G_BEGIN_DECLS

void mg_static_files_attach (MgHttpListener *listener,
                             const char     *prefix,
                             const char     *directory);

G_END_DECLS
