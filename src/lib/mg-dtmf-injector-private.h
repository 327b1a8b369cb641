/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct _MgDtmfInjector MgDtmfInjector;

MgDtmfInjector *mg_dtmf_injector_attach (GstPad *pad, guint payload_type, guint clock_rate);
void mg_dtmf_injector_queue (MgDtmfInjector *self, const char *digits);
MgDtmfInjector *mg_dtmf_injector_ref (MgDtmfInjector *self);
void mg_dtmf_injector_unref (MgDtmfInjector *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (MgDtmfInjector, mg_dtmf_injector_unref)

G_END_DECLS
