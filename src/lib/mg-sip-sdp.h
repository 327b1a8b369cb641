/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(MG_INSIDE) && !defined(MG_COMPILATION)
#error "Only <mediagate.h> can be included directly."
#endif

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * MG_SDP_ERROR:
 *
 * Error domain of SDP parsing and building on the SIP side.
 */
#define MG_SDP_ERROR (mg_sdp_error_quark ())
GQuark mg_sdp_error_quark (void);

/**
 * MgSdpError:
 * @MG_SDP_ERROR_INVALID: the SDP is malformed or lacks what a call needs
 * @MG_SDP_ERROR_UNSUPPORTED: valid SDP that Mediagate does not handle
 *   (e.g. multicast, a host name instead of an address, DTLS transport)
 * @MG_SDP_ERROR_NO_CODEC: no offered codec is allowed by the media policy
 * @MG_SDP_ERROR_SRTP: the SDES-SRTP crypto lines are unusable or do not
 *   meet the media policy (`sip_srtp`)
 *
 * Errors of [class@Mg.SipSdp].
 */
typedef enum {
  MG_SDP_ERROR_INVALID,
  MG_SDP_ERROR_UNSUPPORTED,
  MG_SDP_ERROR_NO_CODEC,
  MG_SDP_ERROR_SRTP,
} MgSdpError;

/**
 * MgSdpDirection:
 * @MG_SDP_DIRECTION_SENDRECV: media flows both ways
 * @MG_SDP_DIRECTION_SENDONLY: the SDP's author only sends (it holds the other side)
 * @MG_SDP_DIRECTION_RECVONLY: the SDP's author only receives
 * @MG_SDP_DIRECTION_INACTIVE: no media either way
 *
 * The media direction attribute of an SDP, from its author's point of view.
 */
typedef enum {
  MG_SDP_DIRECTION_SENDRECV,
  MG_SDP_DIRECTION_SENDONLY,
  MG_SDP_DIRECTION_RECVONLY,
  MG_SDP_DIRECTION_INACTIVE,
} MgSdpDirection;

GType mg_sdp_direction_get_type (void);
#define MG_TYPE_SDP_DIRECTION (mg_sdp_direction_get_type ())

MgSdpDirection mg_sdp_direction_answer      (MgSdpDirection offered,
                                             gboolean       hold);
const char    *mg_sdp_direction_to_string   (MgSdpDirection direction);

/**
 * MgSdpCodec:
 * @payload_type: the RTP payload type, 0-127
 * @encoding_name: the encoding as written in the rtpmap, e.g. "PCMU", "opus"
 * @clock_rate: the RTP clock rate
 * @channels: the channel count (1 when the rtpmap gives none)
 * @fmtp: (nullable): the format parameters, without the payload type
 *
 * One audio format of an SDP media description.
 */
typedef struct _MgSdpCodec MgSdpCodec;

struct _MgSdpCodec
{
  guint payload_type;
  char *encoding_name;
  guint clock_rate;
  guint channels;
  char *fmtp;
};

GType       mg_sdp_codec_get_type    (void);
#define MG_TYPE_SDP_CODEC (mg_sdp_codec_get_type ())
MgSdpCodec *mg_sdp_codec_new         (guint       payload_type,
                                      const char *encoding_name,
                                      guint       clock_rate,
                                      guint       channels,
                                      const char *fmtp);
MgSdpCodec *mg_sdp_codec_new_default (const char *name);
MgSdpCodec *mg_sdp_codec_copy        (const MgSdpCodec *codec);
void        mg_sdp_codec_free        (MgSdpCodec *codec);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MgSdpCodec, mg_sdp_codec_free)

/**
 * MgSdpCrypto:
 * @tag: the crypto line's tag
 * @suite: the crypto suite, e.g. "AES_CM_128_HMAC_SHA1_80"
 * @key_params: the key parameters, e.g. "inline:<base64>" (a secret: never log it)
 * @session_params: (nullable): the session parameters, e.g. "WSH=64"
 *
 * One SDES `a=crypto` line (RFC 4568).
 */
typedef struct _MgSdpCrypto MgSdpCrypto;

struct _MgSdpCrypto
{
  guint tag;
  char *suite;
  char *key_params;
  char *session_params;
};

GType        mg_sdp_crypto_get_type (void);
#define MG_TYPE_SDP_CRYPTO (mg_sdp_crypto_get_type ())
MgSdpCrypto *mg_sdp_crypto_copy     (const MgSdpCrypto *crypto);
void         mg_sdp_crypto_free     (MgSdpCrypto *crypto);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MgSdpCrypto, mg_sdp_crypto_free)

#define MG_TYPE_SIP_SDP (mg_sip_sdp_get_type ())
G_DECLARE_FINAL_TYPE (MgSipSdp, mg_sip_sdp, MG, SIP_SDP, GObject)

MgSipSdp       *mg_sip_sdp_parse                 (const char *text,
                                                  gssize      length,
                                                  GError    **error) G_GNUC_WARN_UNUSED_RESULT;
const char     *mg_sip_sdp_get_address           (MgSipSdp *self);
guint           mg_sip_sdp_get_port              (MgSipSdp *self);
guint           mg_sip_sdp_get_rtcp_port         (MgSipSdp *self);
gboolean        mg_sip_sdp_get_rtcp_mux          (MgSipSdp *self);
MgSdpDirection  mg_sip_sdp_get_direction         (MgSipSdp *self);
gboolean        mg_sip_sdp_get_secure            (MgSipSdp *self);
guint           mg_sip_sdp_get_ptime             (MgSipSdp *self);
guint64         mg_sip_sdp_get_session_version   (MgSipSdp *self);
GPtrArray      *mg_sip_sdp_get_codecs            (MgSipSdp *self);
GPtrArray      *mg_sip_sdp_get_cryptos           (MgSipSdp *self);
MgSdpCodec     *mg_sip_sdp_find_telephone_event  (MgSipSdp *self,
                                                  guint     clock_rate);
MgSdpCodec     *mg_sip_sdp_choose_codec          (MgSipSdp           *self,
                                                  const char * const *policy,
                                                  GError            **error) G_GNUC_WARN_UNUSED_RESULT;

char           *mg_sip_sdp_build                 (const char     *address,
                                                  guint           port,
                                                  guint64         session_id,
                                                  guint64         session_version,
                                                  GPtrArray      *codecs,
                                                  MgSdpDirection  direction,
                                                  GPtrArray      *cryptos,
                                                  gboolean        secure,
                                                  GError        **error) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
