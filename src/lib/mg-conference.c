/* mg-conference.c: a three-party conference mixed in one call's pipeline
 *
 * SPDX-License-Identifier: LGPL-2.1-or-later
 */
#define G_LOG_DOMAIN "mediagate-media"

#include "mg-build-config.h"

#include <glib/gi18n-lib.h>

#include "mg-conference-private.h"
#include "mg-pipeline-template.h"

/*
 * Each participant's voice is decoded once (`<codec>-to-raw`, a tee with
 * one pad per other participant) and each participant hears its own mix
 * of the others (`mix-to-<codec>`, an audiomixer with one pad per other
 * participant), so nobody hears their own voice (DESIGN.md, decision 1).
 * Everything runs in the host call's pipeline; a participant from another
 * call (the far party of a consultation) keeps its leg where it is and
 * its media crosses over through proxysink/proxysrc pairs:
 *
 *   leg src -> [proxy] -> <codec>-to-raw -> src_a -> mix of one other
 *                                        -> src_b -> mix of the other
 *   the others' voices -> sink_a, sink_b -> mix-to-<codec> -> [proxy] -> leg sink
 *
 * Pad letters: participant i's pads toward the others go in slot order,
 * "a" for the lower slot and "b" for the higher.
 */

#define MIX_LATENCY_MS 40
#define JITTER_LATENCY_MS 40
#define OPUS_COMPLEXITY 3
#define OPUS_BITRATE 24000

typedef struct
{
  MgCall *call; /* (unowned) NULL: a free slot */
  guint index;
  GstBin *decode;
  GstBin *mix;
  gboolean held; /* it holds the conference: out of the others' mixes */
  /* a participant from another call: its media crosses over */
  GstElement *in_sink; /* in its call's pipeline */
  GstElement *in_src; /* in the host's */
  GstElement *out_sink; /* in the host's */
  GstElement *out_src; /* in its call's */
} Participant;

struct _MgConference
{
  GObject parent_instance;

  MgCall *host; /* (unowned) it owns the conference */
  Participant parties[MG_CONFERENCE_MAX_PARTIES];
};

G_DEFINE_FINAL_TYPE (MgConference, mg_conference, G_TYPE_OBJECT)

static void
mg_conference_class_init (MgConferenceClass *klass)
{
}

static void
mg_conference_init (MgConference *self)
{
}

MgConference *
mg_conference_new (MgCall *host)
{
  MgConference *self = g_object_new (MG_TYPE_CONFERENCE, NULL);

  self->host = host;
  return self;
}

MgCall *
mg_conference_get_host (MgConference *self)
{
  return self->host;
}

guint
mg_conference_count (MgConference *self)
{
  guint n = 0;

  for (guint i = 0; i < MG_CONFERENCE_MAX_PARTIES; i++)
    n += self->parties[i].call != NULL;
  return n;
}

/* The participant in @slot (NULL: none) and its leg. */
MgCall *
mg_conference_get_party (MgConference *self, guint slot, guint *index)
{
  g_return_val_if_fail (slot < MG_CONFERENCE_MAX_PARTIES, NULL);

  *index = self->parties[slot].index;
  return self->parties[slot].call;
}

/* The letter of @j's pad at participant @i ("a" for the lower other slot). */
static GstPad *
pad_toward (GstBin *bin, const char *prefix, guint i, guint j)
{
  g_autofree char *name = g_strdup_printf ("%s_%c", prefix, (j < i ? j : j - 1) == 0 ? 'a' : 'b');
  GstPad *pad = gst_element_get_static_pad (GST_ELEMENT (bin), name);

  if (pad != NULL)
    g_object_unref (pad); /* the bin keeps it */
  return pad;
}

static GstPad *
static_pad (GstElement *element, const char *name)
{
  GstPad *pad = gst_element_get_static_pad (element, name);

  if (pad != NULL)
    g_object_unref (pad); /* the element keeps it */
  return pad;
}

/* The participant's decoder and mixer, in the host's pipeline. */
static gboolean
add_shapes (MgConference *self, guint slot, MgCallLeg *leg, GError **error)
{
  Participant *p = &self->parties[slot];
  const char *codec = mg_call_leg_get_codec (leg);
  g_autofree char *lower = codec ? g_ascii_strdown (codec, -1) : NULL;
  g_autofree char *decode = g_strconcat (lower ? lower : "", "-to-raw", NULL);
  g_autofree char *mix = g_strconcat ("mix-to-", lower ? lower : "", NULL);
  gboolean opus = g_strcmp0 (lower, "opus") == 0;
  const char *decode_vars[] = { "LATENCY", NULL };
  guint decode_values[] = { JITTER_LATENCY_MS };
  const char *opus_vars[] = { "WEBRTC_PT", "LATENCY", "COMPLEXITY", "BITRATE", NULL };
  const char *g711_vars[] = { "SIP_PT", "LATENCY", NULL };
  guint mix_values[] = { (guint) mg_call_leg_get_payload_type (leg), MIX_LATENCY_MS,
                         OPUS_COMPLEXITY, OPUS_BITRATE };

  if (codec == NULL || !(opus || g_str_equal (lower, "pcmu") || g_str_equal (lower, "pcma")))
    {
      g_set_error (error, MG_SDP_ERROR, MG_SDP_ERROR_NO_CODEC,
                   _("a conference cannot mix %s"), codec ? codec : "a leg without codec");
      return FALSE;
    }
  p->decode = mg_call_add_shape (self->host, decode, 10 + slot, opus ? NULL : decode_vars,
                                 decode_values, error);
  p->mix = p->decode ? mg_call_add_shape (self->host, mix, 10 + slot, opus ? opus_vars : g711_vars,
                                          mix_values, error)
                     : NULL;
  return p->mix != NULL;
}

/* Where the participant's voice comes from and where its mix goes: its
 * leg's pads, or proxies across from its call's pipeline. */
static gboolean
wire_leg (MgConference *self, guint slot, GError **error)
{
  Participant *p = &self->parties[slot];
  GstPad *leg_sink = mg_call_get_leg_sink (p->call, p->index);
  GstPad *decode_sink = static_pad (GST_ELEMENT (p->decode), "sink");
  GstPad *mix_src = static_pad (GST_ELEMENT (p->mix), "src");

  if (p->call == self->host)
    return mg_call_link_pads (mix_src, leg_sink, error);
  if (!mg_call_add_proxy_pair (p->call, self->host, &p->in_sink, &p->in_src, error)
      || !mg_call_add_proxy_pair (self->host, p->call, &p->out_sink, &p->out_src, error))
    return FALSE;
  return mg_call_link_pads (static_pad (p->out_src, "src"), leg_sink, error)
         && mg_call_link_pads (mix_src, static_pad (p->out_sink, "sink"), error)
         && mg_call_link_pads (static_pad (p->in_src, "src"), decode_sink, error);
}

/* Playing, downstream first: what pushes into an element not yet playing
 * gets FLUSHING back and stops for good. */
static void
start (Participant *p)
{
  GstElement *order[] = { p->out_src, p->out_sink, GST_ELEMENT (p->mix), GST_ELEMENT (p->decode),
                          p->in_src,  p->in_sink };

  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    if (order[i] != NULL)
      gst_element_sync_state_with_parent (order[i]);
}

/* The new participant @slot hears the others and they hear it. */
static gboolean
cross_link (MgConference *self, guint slot, GError **error)
{
  Participant *p = &self->parties[slot];

  for (guint j = 0; j < MG_CONFERENCE_MAX_PARTIES; j++)
    {
      Participant *other = &self->parties[j];

      if (j == slot || other->call == NULL)
        continue;
      if (!mg_call_link_pads (pad_toward (p->decode, "src", slot, j),
                              pad_toward (other->mix, "sink", j, slot), error)
          || !mg_call_link_pads (pad_toward (other->decode, "src", j, slot),
                                 pad_toward (p->mix, "sink", slot, j), error))
        return FALSE;
    }
  return TRUE;
}

/**
 * mg_conference_add: (skip)
 * @self: a conference
 * @call: the host, or a call left with this one leg (mg_call_detach_leg())
 * @index: the leg
 * @error: return location for a #GError
 *
 * Adds a participant. The host's legs must not be bridged any more
 * (mg_call_unbridge()).
 *
 * Returns: %TRUE once it hears the others and they hear it
 */
gboolean
mg_conference_add (MgConference *self, MgCall *call, guint index, GError **error)
{
  MgCallLeg *leg = mg_call_get_leg (call, index);
  Participant *p = NULL;
  guint slot;

  for (slot = 0; slot < MG_CONFERENCE_MAX_PARTIES && p == NULL; slot++)
    if (self->parties[slot].call == NULL)
      p = &self->parties[slot];
  if (p == NULL)
    {
      g_set_error (error, MG_PIPELINE_ERROR, 0, _("the conference is full"));
      return FALSE;
    }
  slot--;
  p->call = call;
  p->index = index;
  if (!add_shapes (self, slot, leg, error) || !wire_leg (self, slot, error))
    {
      mg_conference_remove (self, call, index);
      return FALSE;
    }
  start (p);
  if (!cross_link (self, slot, error)
      || !mg_call_link_leg_src (call, index,
                                p->in_sink ? static_pad (p->in_sink, "sink")
                                           : static_pad (GST_ELEMENT (p->decode), "sink"),
                                error))
    {
      mg_conference_remove (self, call, index);
      return FALSE;
    }
  mg_call_set_shape (call, "mixing");
  mg_call_set_shape (self->host, "mixing");
  g_info ("conference in call %s: call %s leg %u joined (%u parties)", mg_call_get_id (self->host),
          mg_call_get_id (call), index, mg_conference_count (self));
  return TRUE;
}

static Participant *
find_party (MgConference *self, MgCall *call, guint index, guint *slot)
{
  for (*slot = 0; *slot < MG_CONFERENCE_MAX_PARTIES; (*slot)++)
    if (self->parties[*slot].call == call && self->parties[*slot].index == index)
      return &self->parties[*slot];
  return NULL;
}

/* The audiomixer pad behind a mix shape's ghost pad. */
static void
set_mute (GstPad *ghost, gboolean mute)
{
  g_autoptr (GstPad) target = ghost ? gst_ghost_pad_get_target (GST_GHOST_PAD (ghost)) : NULL;

  if (target != NULL && g_object_class_find_property (G_OBJECT_GET_CLASS (target), "mute"))
    g_object_set (target, "mute", mute, NULL);
}

/**
 * mg_conference_set_hold: (skip)
 * @self: a conference
 * @call: a participant's call
 * @index: its leg
 * @hold: %TRUE: the participant holds the conference
 *
 * A participant that holds the conference is taken out of the others'
 * mixes and hears nothing (its own mix is silence); the others talk on.
 *
 * Returns: %FALSE if @call's leg @index is not a participant
 */
gboolean
mg_conference_set_hold (MgConference *self, MgCall *call, guint index, gboolean hold)
{
  guint slot;
  Participant *p = find_party (self, call, index, &slot);

  if (p == NULL)
    return FALSE;
  p->held = hold;
  for (guint j = 0; j < MG_CONFERENCE_MAX_PARTIES; j++)
    {
      Participant *other = &self->parties[j];

      if (j == slot || other->call == NULL)
        continue;
      set_mute (pad_toward (other->mix, "sink", j, slot), hold);
      set_mute (pad_toward (p->mix, "sink", slot, j), hold);
    }
  g_info ("conference in call %s: call %s leg %u %s", mg_call_get_id (self->host),
          mg_call_get_id (call), index, hold ? "holds" : "is back");
  return TRUE;
}

/**
 * mg_conference_is_held: (skip)
 *
 * Returns: whether @call's leg @index is a participant holding the conference
 */
gboolean
mg_conference_is_held (MgConference *self, MgCall *call, guint index)
{
  guint slot;
  Participant *p = find_party (self, call, index, &slot);

  return p != NULL && p->held;
}

static void
remove_element (MgCall *call, GstElement **element)
{
  if (*element == NULL)
    return;
  mg_call_remove_element (call, *element);
  *element = NULL;
}

/**
 * mg_conference_remove: (skip)
 * @self: a conference
 * @call: a participant's call
 * @index: its leg
 *
 * The participant leaves: the others stop hearing it, its decoder, mixer
 * and proxies go. Its leg stays in its call (unlinked, dropping what it
 * sends) for the caller to detach or end.
 */
void
mg_conference_remove (MgConference *self, MgCall *call, guint index)
{
  guint slot;
  Participant *p = find_party (self, call, index, &slot);

  if (p == NULL)
    return;
  mg_call_unlink_leg_src (call, index);
  for (guint j = 0; j < MG_CONFERENCE_MAX_PARTIES; j++)
    if (j != slot && self->parties[j].call != NULL && self->parties[j].decode != NULL)
      mg_call_unlink_quietly (pad_toward (self->parties[j].decode, "src", j, slot));
  if (p->decode != NULL)
    mg_call_remove_element (self->host, GST_ELEMENT (p->decode));
  if (p->mix != NULL)
    mg_call_remove_element (self->host, GST_ELEMENT (p->mix));
  if (mg_call_get_pipeline (call) != NULL)
    {
      remove_element (call, &p->in_sink);
      remove_element (call, &p->out_src);
    }
  remove_element (self->host, &p->in_src);
  remove_element (self->host, &p->out_sink);
  g_info ("conference in call %s: call %s leg %u left", mg_call_get_id (self->host),
          mg_call_get_id (call), index);
  memset (p, 0, sizeof *p);
}
