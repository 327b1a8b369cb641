/* mediagate.h: the one public header of libmediagate
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#pragma once

#define MG_INSIDE
#include "mg-version.h"
#include "mg-init.h"
#include "mg-config.h"
#include "mg-extension.h"
#include "mg-log.h"
#include "mg-pipeline-template.h"
#include "mg-rtp-endpoint.h"
#include "mg-store.h"
#include "mg-server.h"
#include "mg-admin-api.h"
#include "mg-certificate.h"
#include "mg-http-listener.h"
#include "mg-call.h"
#include "mg-cti-server.h"
#include "mg-phone-hub.h"
#include "mg-phone-session.h"
#include "mg-sip-agent.h"
#include "mg-sip-dialog.h"
#include "mg-sip-sdp.h"
#include "mg-sip-registration.h"
#include "mg-token-signer.h"
#include "mg-turn.h"
#include "mg-webrtc-leg.h"
#undef MG_INSIDE
