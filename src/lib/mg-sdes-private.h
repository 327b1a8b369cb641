/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gst/gst.h>

#include "mg-sip-sdp.h"

G_BEGIN_DECLS

/* The media policy's `sip_srtp`. */
typedef enum {
  MG_SRTP_POLICY_NONE,      /* plain RTP/AVP, crypto lines ignored */
  MG_SRTP_POLICY_PREFERRED, /* offer SRTP (RTP/AVP + a=crypto), take plain answers */
  MG_SRTP_POLICY_REQUIRED,  /* RTP/SAVP only; plain offers and answers refused */
} MgSrtpPolicy;

MgSrtpPolicy mg_srtp_policy_from_string (const char *text);

/* The longest master key + salt of a supported suite (AES-256: 32 + 14). */
#define MG_SDES_MAX_KEY 46

/* One crypto line's suite and key, checked. */
typedef struct
{
  guint tag;
  guint suite; /* index in the suite table */
  guint8 key[MG_SDES_MAX_KEY];
  gsize key_len;
} MgSdesKey;

gboolean     mg_sdes_key_parse    (const MgSdpCrypto *crypto,
                                   MgSdesKey         *key,
                                   GError           **error);
gboolean     mg_sdes_key_generate (guint        tag,
                                   const char  *suite,
                                   MgSdesKey   *key,
                                   GError     **error);
MgSdpCrypto *mg_sdes_key_to_crypto (const MgSdesKey *key);
const char  *mg_sdes_key_suite    (const MgSdesKey *key);
GstCaps     *mg_sdes_key_to_caps  (const MgSdesKey *key);

char        *mg_sdes_redact       (const char *text);

#define MG_TYPE_SDES (mg_sdes_get_type ())
G_DECLARE_FINAL_TYPE (MgSdes, mg_sdes, MG, SDES, GObject)

MgSdes      *mg_sdes_new          (MgSrtpPolicy policy);
GPtrArray   *mg_sdes_dup_offer    (MgSdes  *self,
                                   gboolean *secure,
                                   GError  **error);
gboolean     mg_sdes_take_offer   (MgSdes   *self,
                                   MgSipSdp *offer,
                                   GError  **error);
gboolean     mg_sdes_take_answer  (MgSdes   *self,
                                   MgSipSdp *answer,
                                   GError  **error);
GPtrArray   *mg_sdes_dup_local    (MgSdes  *self,
                                   gboolean *secure);
gboolean     mg_sdes_is_active    (MgSdes *self);
const char  *mg_sdes_get_suite    (MgSdes *self);
gboolean     mg_sdes_attach       (MgSdes  *self,
                                   GstBin  *bin,
                                   GError **error);

G_END_DECLS
