/* mg-sdes.c: SDES-SRTP (RFC 4568) on the SIP leg: keys, crypto lines, srtpenc/srtpdec
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-sip"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "mg-sdes-private.h"

/* Keys are secrets: no function here logs one, and error messages name the
 * tag and suite of a crypto line, never its key parameters. */

typedef struct
{
  const char *name; /* as in a=crypto */
  const char *cipher; /* srtpenc/srtpdec enum nicks */
  const char *auth;
  gsize key_len; /* master key + master salt */
} Suite;

/* SRTCP is always authenticated with an 80-bit tag (RFC 4568 §6.2). */
static const Suite suites[] = {
  { "AES_CM_128_HMAC_SHA1_80", "aes-128-icm", "hmac-sha1-80", 30 },
  { "AES_CM_128_HMAC_SHA1_32", "aes-128-icm", "hmac-sha1-32", 30 },
  { "AES_256_CM_HMAC_SHA1_80", "aes-256-icm", "hmac-sha1-80", 46 },
  { "AES_256_CM_HMAC_SHA1_32", "aes-256-icm", "hmac-sha1-32", 46 },
};

/* What we offer, in order, each with its own tag and key. */
static const char *const offered_suites[] = { "AES_CM_128_HMAC_SHA1_80",
                                              "AES_CM_128_HMAC_SHA1_32" };

MgSrtpPolicy
mg_srtp_policy_from_string (const char *text)
{
  if (g_strcmp0 (text, "required") == 0)
    return MG_SRTP_POLICY_REQUIRED;
  if (g_strcmp0 (text, "preferred") == 0)
    return MG_SRTP_POLICY_PREFERRED;
  return MG_SRTP_POLICY_NONE;
}

static gboolean G_GNUC_PRINTF (3, 4)
  fail (GError **error, const MgSdpCrypto *crypto, const char *format, ...)
{
  va_list args;
  g_autofree char *why = NULL;

  va_start (args, format);
  why = g_strdup_vprintf (format, args);
  va_end (args);
  if (crypto != NULL)
    g_set_error (error, MG_SDP_ERROR, MG_SDP_ERROR_SRTP,
                 _("crypto line %u (%.40s): %s"), crypto->tag, crypto->suite, why);
  else
    g_set_error_literal (error, MG_SDP_ERROR, MG_SDP_ERROR_SRTP, why);
  return FALSE;
}

static const Suite *
find_suite (const char *name, guint *index)
{
  for (guint i = 0; i < G_N_ELEMENTS (suites); i++)
    if (g_strcmp0 (suites[i].name, name) == 0)
      {
        *index = i;
        return &suites[i];
      }
  return NULL;
}

/* Strict base64 (g_base64_decode() skips what it does not know): the
 * alphabet, padding only at the end, and exactly @len bytes. Padding may be
 * left out, as some phones do. */
static gboolean
decode_key (const char *text, gsize text_len, guint8 *out, gsize len)
{
  g_autofree char *padded = NULL;
  g_autofree guchar *bytes = NULL;
  gsize n = 0, pad = 0;

  for (gsize i = 0; i < text_len; i++)
    {
      if (text[i] == '=')
        pad++;
      else if (pad > 0 || !(g_ascii_isalnum (text[i]) || text[i] == '+' || text[i] == '/'))
        return FALSE;
    }
  if (pad > 2 || text_len == 0 || text_len > 64 || (pad > 0 && text_len % 4 != 0)
      || text_len % 4 == 1)
    return FALSE;
  padded = g_strnfill (text_len + (4 - text_len % 4) % 4, '=');
  memcpy (padded, text, text_len);
  bytes = g_base64_decode (padded, &n);
  if (n != len)
    return FALSE;
  memcpy (out, bytes, len);
  return TRUE;
}

/* Session parameters we can honour: none that turns a protection off. */
static gboolean
check_session_params (const MgSdpCrypto *crypto, GError **error)
{
  g_auto (GStrv) params = NULL;

  if (crypto->session_params == NULL)
    return TRUE;
  params = g_strsplit (crypto->session_params, " ", -1);
  for (guint i = 0; params[i] != NULL; i++)
    if (*params[i] != '\0' && !g_str_has_prefix (params[i], "WSH=")
        && g_strcmp0 (params[i], "KDR=0") != 0)
      return fail (error, crypto, _("session parameter “%.20s” is not supported"), params[i]);
  return TRUE;
}

/* "inline:<key||salt>[|lifetime]": one key, no MKI. */
gboolean
mg_sdes_key_parse (const MgSdpCrypto *crypto, MgSdesKey *key, GError **error)
{
  const Suite *suite;
  const char *inline_key;
  g_auto (GStrv) parts = NULL;

  g_return_val_if_fail (crypto != NULL && key != NULL, FALSE);

  memset (key, 0, sizeof *key);
  if ((suite = find_suite (crypto->suite, &key->suite)) == NULL)
    return fail (error, crypto, _("unknown crypto suite"));
  if (crypto->key_params == NULL || !g_str_has_prefix (crypto->key_params, "inline:"))
    return fail (error, crypto, _("the key method is not “inline:”"));
  if (strchr (crypto->key_params, ';') != NULL)
    return fail (error, crypto, _("several keys (MKI) are not supported"));
  inline_key = crypto->key_params + strlen ("inline:");
  parts = g_strsplit (inline_key, "|", 4);
  if (g_strv_length (parts) > 2 || (parts[1] != NULL && strchr (parts[1], ':') != NULL))
    return fail (error, crypto, _("MKI is not supported"));
  if (parts[0] == NULL || !decode_key (parts[0], strlen (parts[0]), key->key, suite->key_len))
    return fail (error, crypto,
                 _("the key is not %" G_GSIZE_FORMAT " bytes of base64"), suite->key_len);
  if (!check_session_params (crypto, error))
    return FALSE;
  key->tag = crypto->tag;
  key->key_len = suite->key_len;
  return TRUE;
}

/* A fresh key from GnuTLS's CSPRNG (the key-grade generator). */
gboolean
mg_sdes_key_generate (guint tag, const char *suite, MgSdesKey *key, GError **error)
{
  const Suite *s;

  memset (key, 0, sizeof *key);
  if ((s = find_suite (suite, &key->suite)) == NULL)
    return fail (error, NULL, _("unknown crypto suite"));
  if (gnutls_rnd (GNUTLS_RND_KEY, key->key, s->key_len) != 0)
    return fail (error, NULL, _("the random generator failed"));
  key->tag = tag;
  key->key_len = s->key_len;
  return TRUE;
}

const char *
mg_sdes_key_suite (const MgSdesKey *key)
{
  return suites[key->suite].name;
}

MgSdpCrypto *
mg_sdes_key_to_crypto (const MgSdesKey *key)
{
  MgSdpCrypto *crypto = g_new0 (MgSdpCrypto, 1);
  g_autofree char *base64 = g_base64_encode (key->key, key->key_len);

  crypto->tag = key->tag;
  crypto->suite = g_strdup (mg_sdes_key_suite (key));
  crypto->key_params = g_strconcat ("inline:", base64, NULL);
  return crypto;
}

/* What srtpdec's request-key wants: the peer's key and its suite. */
GstCaps *
mg_sdes_key_to_caps (const MgSdesKey *key)
{
  const Suite *suite = &suites[key->suite];
  g_autoptr (GstBuffer) buffer = gst_buffer_new_memdup (key->key, key->key_len);

  return gst_caps_new_simple ("application/x-srtp", "srtp-key", GST_TYPE_BUFFER, buffer,
                              "srtp-cipher", G_TYPE_STRING, suite->cipher, "srtp-auth",
                              G_TYPE_STRING, suite->auth, "srtcp-cipher", G_TYPE_STRING,
                              suite->cipher, "srtcp-auth", G_TYPE_STRING, "hmac-sha1-80", NULL);
}

/* A copy of @text (an SDP, a SIP message) with every inline key replaced, for
 * logs. */
char *
mg_sdes_redact (const char *text)
{
  GString *out;
  const char *p, *at;

  if (text == NULL)
    return NULL;
  out = g_string_new (NULL);
  for (p = text; (at = strstr (p, "inline:")) != NULL; p = at + strcspn (at, "|; \r\n"))
    {
      g_string_append_len (out, p, at - p);
      g_string_append (out, "inline:<redacted>");
      at += strlen ("inline:");
    }
  g_string_append (out, p);
  return g_string_free (out, FALSE);
}

/* ---- MgSdes --------------------------------------------------------------- */

/**
 * MgSdes:
 *
 * One SIP leg's SDES-SRTP state under the media policy: the crypto lines of
 * our offer (a fresh key per line and call), the suite and keys both sides
 * settled on, and the leg's `srtpenc`/`srtpdec` once its shapes exist.
 *
 * The mode (SRTP or plain) is settled by the first offer/answer and kept
 * for the call: a re-INVITE may change the peer's key (the decoder is told
 * to ask for it again), not switch the protection on or off. Our key stays
 * the same for the call.
 *
 * The decoder asks for the peer's key on a streaming thread: the key is
 * read under a lock.
 */
struct _MgSdes
{
  GObject parent_instance;

  MgSrtpPolicy policy;
  GArray *offered; /* MgSdesKey: our offer's lines */
  gboolean settled; /* the mode is fixed */
  gboolean active; /* SRTP, with @local and @remote */
  gboolean secure; /* the profile is RTP/SAVP (else RTP/AVP with a=crypto) */
  MgSdesKey local;
  GMutex lock; /* guards remote */
  MgSdesKey remote;
  GstElement *decoder;
};

G_DEFINE_FINAL_TYPE (MgSdes, mg_sdes, G_TYPE_OBJECT)

static void
mg_sdes_dispose (GObject *object)
{
  MgSdes *self = MG_SDES (object);

  if (self->decoder != NULL)
    g_signal_handlers_disconnect_by_data (self->decoder, self);
  g_clear_object (&self->decoder);
  G_OBJECT_CLASS (mg_sdes_parent_class)->dispose (object);
}

static void
mg_sdes_finalize (GObject *object)
{
  MgSdes *self = MG_SDES (object);

  /* wipe the keys */
  memset (self->offered->data, 0, self->offered->len * sizeof (MgSdesKey));
  g_array_unref (self->offered);
  memset (&self->local, 0, sizeof self->local);
  memset (&self->remote, 0, sizeof self->remote);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (mg_sdes_parent_class)->finalize (object);
}

static void
mg_sdes_class_init (MgSdesClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = mg_sdes_dispose;
  G_OBJECT_CLASS (klass)->finalize = mg_sdes_finalize;
}

static void
mg_sdes_init (MgSdes *self)
{
  self->offered = g_array_new (FALSE, TRUE, sizeof (MgSdesKey));
  g_mutex_init (&self->lock);
}

MgSdes *
mg_sdes_new (MgSrtpPolicy policy)
{
  MgSdes *self = g_object_new (MG_TYPE_SDES, NULL);

  self->policy = policy;
  return self;
}

static GPtrArray *
cryptos_of (const MgSdesKey *keys, guint n)
{
  GPtrArray *cryptos = g_ptr_array_new_with_free_func ((GDestroyNotify) mg_sdp_crypto_free);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (cryptos, mg_sdes_key_to_crypto (&keys[i]));
  return cryptos;
}

/**
 * mg_sdes_dup_local:
 * @self: a #MgSdes
 * @secure: (out): whether the profile is RTP/SAVP
 *
 * Our crypto line for answers and re-offers once settled: the negotiated
 * tag and suite with our key.
 *
 * Returns: (transfer full) (nullable): one #MgSdpCrypto, or %NULL for plain RTP
 */
GPtrArray *
mg_sdes_dup_local (MgSdes *self, gboolean *secure)
{
  *secure = self->active && self->secure;
  return self->active ? cryptos_of (&self->local, 1) : NULL;
}

/**
 * mg_sdes_dup_offer:
 * @self: a #MgSdes
 * @secure: (out): whether to offer RTP/SAVP
 * @error: return location for a #GError
 *
 * The crypto lines of our first offer: none with the policy `none`, else
 * one line per offered suite with a fresh key. `required` offers RTP/SAVP;
 * `preferred` offers RTP/AVP with the lines, so that a phone without SRTP
 * can still answer (an RTP/SAVP offer may only be refused by it).
 *
 * Returns: (transfer full) (nullable): #MgSdpCrypto lines, or %NULL for plain RTP
 */
GPtrArray *
mg_sdes_dup_offer (MgSdes *self, gboolean *secure, GError **error)
{
  if (self->settled)
    return mg_sdes_dup_local (self, secure);
  *secure = self->policy == MG_SRTP_POLICY_REQUIRED;
  if (self->policy == MG_SRTP_POLICY_NONE)
    return NULL;
  if (self->offered->len == 0)
    for (guint i = 0; i < G_N_ELEMENTS (offered_suites); i++)
      {
        MgSdesKey key;

        if (!mg_sdes_key_generate (i + 1, offered_suites[i], &key, error))
          return NULL;
        g_array_append_val (self->offered, key);
        memset (&key, 0, sizeof key);
      }
  return cryptos_of ((MgSdesKey *) self->offered->data, self->offered->len);
}

/* The peer's (new) key; a running decoder is told to ask again. */
static void
set_remote (MgSdes *self, const MgSdesKey *remote)
{
  gboolean changed;

  g_mutex_lock (&self->lock);
  changed = memcmp (&self->remote, remote, sizeof *remote) != 0;
  self->remote = *remote;
  g_mutex_unlock (&self->lock);
  if (changed && self->decoder != NULL)
    {
      g_info ("SRTP: the SIP peer changed its key");
      g_signal_emit_by_name (self->decoder, "clear-keys");
    }
}

/* Tags are at most 9 digits (RFC 4568 §9.1): this one matches any. */
#define ANY_TAG G_MAXUINT

/* The first usable line of @sdp; @match (nullable) restricts the tag (unless
 * ANY_TAG) and suite. The reasons the others are unusable are logged. */
static gboolean
pick (MgSipSdp *sdp, const MgSdesKey *match, MgSdesKey *out, GError **error)
{
  GPtrArray *cryptos = mg_sip_sdp_get_cryptos (sdp);
  g_autoptr (GError) last = NULL;

  for (guint i = 0; i < cryptos->len; i++)
    {
      const MgSdpCrypto *crypto = g_ptr_array_index (cryptos, i);

      g_clear_error (&last);
      if (match != NULL
          && ((match->tag != ANY_TAG && crypto->tag != match->tag)
              || g_strcmp0 (crypto->suite, mg_sdes_key_suite (match)) != 0))
        continue;
      if (mg_sdes_key_parse (crypto, out, &last))
        return TRUE;
      g_info ("SRTP: %s", last->message);
    }
  if (last != NULL)
    g_propagate_error (error, g_steal_pointer (&last));
  else
    fail (error, NULL, cryptos->len ? _("no crypto line matches ours") : _("no crypto line"));
  return FALSE;
}

static gboolean
settle (MgSdes *self, gboolean active, gboolean secure)
{
  self->settled = TRUE;
  self->active = active;
  self->secure = secure;
  g_info ("SRTP on the SIP leg: %s", mg_sdes_get_suite (self));
  return TRUE;
}

/* A re-offer or re-answer once settled: same protection, maybe a new key. */
static gboolean
take_again (MgSdes *self, MgSipSdp *sdp, GError **error)
{
  MgSdesKey remote, match = self->local;

  if (!self->active)
    {
      if (mg_sip_sdp_get_secure (sdp))
        return fail (error, NULL, _("the call runs plain RTP: it cannot switch to RTP/SAVP"));
      return TRUE; /* crypto lines of an RTP/AVP re-offer are ignored */
    }
  /* the peer may number its lines anew: the suite must stay, our answer
   * takes the peer's tag */
  match.tag = ANY_TAG;
  if (!pick (sdp, &match, &remote, error))
    {
      g_prefix_error (error, _("the call runs SRTP and the new SDP drops it: "));
      return FALSE;
    }
  self->local.tag = remote.tag;
  set_remote (self, &remote);
  return TRUE;
}

/**
 * mg_sdes_take_offer:
 * @self: a #MgSdes
 * @offer: the SIP peer's offer (INVITE or re-INVITE)
 * @error: return location for a #GError
 *
 * Picks the first usable crypto line of @offer (answered with our own key,
 * same tag and suite), or plain RTP where the policy allows it.
 *
 * Returns: %FALSE with %MG_SDP_ERROR_SRTP when the offer must be refused (488)
 */
gboolean
mg_sdes_take_offer (MgSdes *self, MgSipSdp *offer, GError **error)
{
  gboolean secure = mg_sip_sdp_get_secure (offer);
  g_autoptr (GError) why = NULL;
  MgSdesKey remote;

  if (self->settled)
    return take_again (self, offer, error);
  if (self->policy == MG_SRTP_POLICY_NONE)
    return secure ? fail (error, NULL, _("RTP/SAVP offered but SRTP is off in the media policy"))
                          : settle (self, FALSE, FALSE);
  if (!pick (offer, NULL, &remote, &why))
    {
      if (secure || self->policy == MG_SRTP_POLICY_REQUIRED)
        {
          g_prefix_error (&why, _("SRTP is required and the offer has no usable key: "));
          g_propagate_error (error, g_steal_pointer (&why));
          return FALSE;
        }
      return settle (self, FALSE, FALSE);
    }
  if (!mg_sdes_key_generate (remote.tag, mg_sdes_key_suite (&remote), &self->local, error))
    return FALSE;
  set_remote (self, &remote);
  return settle (self, TRUE, secure);
}

/**
 * mg_sdes_take_answer:
 * @self: a #MgSdes
 * @answer: the SIP peer's answer to our offer
 * @error: return location for a #GError
 *
 * Takes the crypto line the peer chose among ours (its tag and suite, its
 * own key); a plain answer is taken only when the policy allows it.
 *
 * Returns: %FALSE with %MG_SDP_ERROR_SRTP when the call must end
 */
gboolean
mg_sdes_take_answer (MgSdes *self, MgSipSdp *answer, GError **error)
{
  GPtrArray *cryptos = mg_sip_sdp_get_cryptos (answer);
  MgSdesKey remote;

  if (self->settled)
    return take_again (self, answer, error);
  if (self->offered->len == 0)
    return settle (self, FALSE, FALSE);
  if (cryptos->len == 0)
    {
      if (self->policy == MG_SRTP_POLICY_REQUIRED)
        return fail (error, NULL, _("SRTP is required and the SIP peer answered plain RTP"));
      return settle (self, FALSE, FALSE);
    }
  for (guint i = 0; i < self->offered->len; i++)
    {
      const MgSdesKey *ours = &g_array_index (self->offered, MgSdesKey, i);
      g_autoptr (GError) why = NULL;

      if (pick (answer, ours, &remote, &why))
        {
          self->local = *ours;
          set_remote (self, &remote);
          return settle (self, TRUE, mg_sip_sdp_get_secure (answer));
        }
    }
  return fail (error, NULL, _("the answer's crypto line is not one we offered, or unusable"));
}

/**
 * mg_sdes_is_active:
 * @self: a #MgSdes
 *
 * Returns: whether the leg runs SRTP (the `sip-srtp-*` shapes)
 */
gboolean
mg_sdes_is_active (MgSdes *self)
{
  return self->active;
}

/**
 * mg_sdes_get_suite:
 * @self: a #MgSdes
 *
 * Returns: the negotiated suite, or "none"
 */
const char *
mg_sdes_get_suite (MgSdes *self)
{
  return self->active ? mg_sdes_key_suite (&self->local) : "none";
}

static GstCaps *
on_request_key (GstElement *decoder, guint ssrc, MgSdes *self)
{
  GstCaps *caps;

  g_mutex_lock (&self->lock);
  caps = mg_sdes_key_to_caps (&self->remote);
  g_mutex_unlock (&self->lock);
  return caps;
}

/**
 * mg_sdes_attach:
 * @self: an active #MgSdes
 * @bin: the bin holding the `sip-srtp-send` and `sip-srtp-recv` shapes
 * @error: return location for a #GError
 *
 * Gives `sip_srtp_enc` our key and suite as properties, and answers
 * `sip_srtp_dec`'s key requests with the peer's.
 *
 * Returns: %TRUE on success
 */
gboolean
mg_sdes_attach (MgSdes *self, GstBin *bin, GError **error)
{
  g_autoptr (GstElement) encoder = gst_bin_get_by_name (bin, "sip_srtp_enc");
  g_autoptr (GstBuffer) key = NULL;
  const Suite *suite = &suites[self->local.suite];

  g_return_val_if_fail (self->active && self->decoder == NULL, FALSE);

  self->decoder = gst_bin_get_by_name (bin, "sip_srtp_dec");
  if (encoder == NULL || self->decoder == NULL)
    return fail (error, NULL, _("the bin lacks the “sip-srtp-send” and “sip-srtp-recv” shapes"));
  key = gst_buffer_new_memdup (self->local.key, self->local.key_len);
  g_object_set (encoder, "key", key, NULL);
  gst_util_set_object_arg (G_OBJECT (encoder), "rtp-cipher", suite->cipher);
  gst_util_set_object_arg (G_OBJECT (encoder), "rtp-auth", suite->auth);
  gst_util_set_object_arg (G_OBJECT (encoder), "rtcp-cipher", suite->cipher);
  gst_util_set_object_arg (G_OBJECT (encoder), "rtcp-auth", "hmac-sha1-80");
  g_signal_connect (self->decoder, "request-key", G_CALLBACK (on_request_key), self);
  return TRUE;
}
