"""The WebRTC side of the benchmark: N browser phones in one process.

Each phone is a WebSocket of the phone protocol (docs/protocol.md, the api
tests' WsPhone) and, per call, a webrtcbin that answers Mediagate's offer.
Everything runs on the default GLib main context; webrtcbin's callbacks come
on its own threads and hand WebSocket sends back to it with idle_add
(libsoup is not thread safe).

All calls live in ONE pipeline and share ONE encoded audio source (20 ms
PCMU or Opus RTP, split by a tee): the client then costs about a webrtcbin
per call and no encoder per call, so it does not saturate before the
daemon does. What each call receives goes to a fakesink whose `stats`
count the packets (no per-packet Python).
"""
import json
import os
import re
import sys
import time

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstSdp", "1.0")
gi.require_version("GstWebRTC", "1.0")
from gi.repository import GLib, Gst, GstSdp, GstWebRTC  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "api"))

from wsphone import WsPhone  # noqa: E402

# The RTP each shape sends from the page: PCMU/0 meets a PCMU-only SIP side
# unchanged (passthrough); Opus/111 (Mediagate's offer PT) must be transcoded.
SOURCES = {
    "passthrough": "mulawenc ! rtppcmupay pt=0 min-ptime=20000000 max-ptime=20000000"
                   " ! application/x-rtp,media=audio,encoding-name=PCMU,clock-rate=8000,payload=0",
    "transcoding": "opusenc frame-size=20 complexity=0 bitrate=24000 audio-type=voice"
                   " ! rtpopuspay pt=111"
                   " ! application/x-rtp,media=audio,encoding-name=OPUS,clock-rate=48000,payload=111",
}
CALL_MESSAGES = {"response", "sdp", "ice", "accepted", "ended", "ringing", "progress"}


class SharedPipeline:
    """The one pipeline: a live 20 ms tone, encoded once, behind a valve
    (closed to let the calls drain before the final count) and a tee."""

    def __init__(self, shape):
        Gst.init(None)
        self.pipeline = Gst.parse_launch(
            "audiotestsrc is-live=true wave=sine freq=1000 volume=0.3 samplesperbuffer=160"
            " ! audio/x-raw,rate=8000,channels=1 ! " + SOURCES[shape] +
            " ! valve name=gate ! tee name=split allow-not-linked=true"
            # a branch that only counts what every call was offered (no
            # Python per packet: a probe's GIL in a streaming thread costs)
            " split. ! queue leaky=downstream ! fakesink name=offered sync=false async=false")
        self.tee = self.pipeline.get_by_name("split")
        self.gate = self.pipeline.get_by_name("gate")
        self.offered = self.pipeline.get_by_name("offered")
        self.tee.get_static_pad("sink").add_probe(Gst.PadProbeType.QUERY_DOWNSTREAM,
                                                  self._answer_serialized_queries)
        self.errors = []
        bus = self.pipeline.get_bus()
        bus.add_signal_watch()
        bus.connect("message::error", self._on_error)
        # one clock for good: elements added later must not re-select it
        self.pipeline.use_clock(Gst.SystemClock.obtain())
        self.pipeline.set_state(Gst.State.PLAYING)

    @staticmethod
    def _answer_serialized_queries(pad, info):
        """Answers ALLOCATION (and DRAIN) here instead of letting the tee ask
        every call: a serialized query waits until each call's queue is
        empty, and the queue of a call whose webrtcbin still blocks its sink
        pad (not negotiated yet) does not empty, so one slow call could stall
        the source for all. A precaution: the stall actually seen (30 calls)
        was the pipeline losing its PLAYING state, see ClientCall. Only
        queries reach this probe, never data."""
        query = info.get_query()
        if query is not None and query.type in (Gst.QueryType.ALLOCATION, Gst.QueryType.DRAIN):
            return Gst.PadProbeReturn.HANDLED
        return Gst.PadProbeReturn.OK

    def _on_error(self, bus, msg):
        err, debug = msg.parse_error()
        text = f"{msg.src.get_path_string()}: {err.message} ({debug})"
        self.errors.append(text)
        print("load generator pipeline error: " + text, file=sys.stderr)

    @property
    def pushed(self):
        """Packets the source offered each call so far."""
        return rendered(self.offered)

    def send(self, on):
        self.gate.set_property("drop", not on)

    def stop(self):
        self.pipeline.set_state(Gst.State.NULL)


def rendered(sink):
    """Buffers a (fakesink) sink has taken: GstBaseSink's own counter."""
    ok, n = sink.get_property("stats").get_uint64("rendered")
    return n if ok else 0


def idle(fn, *args):
    """Runs fn(*args) once on the main context."""
    def run():
        fn(*args)
        return False
    GLib.idle_add(run)


class ClientCall:
    """One call's webrtcbin in the shared pipeline: answers the offer with
    the codec of the shared source, sends it, counts what it receives."""

    def __init__(self, phone, shared):
        self.phone = phone
        self.shared = shared
        self.call_id = None
        self.request_id = None  # of the `call` request
        self.mid = "0"
        self.t_dial = time.monotonic()
        self.t_accepted = None
        self.t_first_rtp = None
        self.ended = None
        self.sinks = []
        bin_ = Gst.parse_bin_from_description(
            "queue name=q leaky=downstream max-size-buffers=5 max-size-time=0 max-size-bytes=0"
            " ! webrtcbin name=w bundle-policy=max-bundle latency=40", False)
        self.bin = bin_
        self.webrtc = bin_.get_by_name("w")
        q = bin_.get_by_name("q")
        bin_.add_pad(Gst.GhostPad.new("sink", q.get_static_pad("sink")))
        # a call's async state changes (its sinks prerolling) stay in its
        # bin: otherwise each new call can take the whole pipeline back to
        # PAUSED, and the shared live source stops for every call
        bin_.set_property("async-handling", True)
        self.webrtc.connect("on-ice-candidate", self._on_ice_candidate)
        self.webrtc.connect("pad-added", self._on_pad_added)
        shared.pipeline.add(bin_)
        self.tee_pad = shared.tee.request_pad_simple("src_%u")
        self.tee_pad.link(bin_.get_static_pad("sink"))
        bin_.sync_state_with_parent()

    # -- signalling (main context) ---------------------------------------

    def on_message(self, msg):
        kind = msg["type"]
        if kind == "response" and msg.get("id") == self.request_id:
            if msg.get("ok"):
                self.call_id = msg["call_id"]
            else:
                self.ended = "refused: " + json.dumps(msg.get("error"))
        elif kind == "sdp" and msg["sdp"]["type"] == "offer":
            self.call_id = msg["call_id"]
            self._answer(msg["sdp"]["sdp"])
        elif kind == "ice" and msg.get("candidate"):
            c = msg["candidate"]
            self.webrtc.emit("add-ice-candidate", c.get("sdpMLineIndex", 0), c["candidate"])
        elif kind == "accepted":
            self.t_accepted = time.monotonic()
        elif kind == "ended":
            self.ended = msg.get("cause") or "ended"

    def _answer(self, offer_text):
        m = re.search(r"^a=mid:(\S+)", offer_text, re.M)
        if m:
            self.mid = m.group(1)
        _, sdp = GstSdp.SDPMessage.new_from_text(offer_text)
        offer = GstWebRTC.WebRTCSessionDescription.new(GstWebRTC.WebRTCSDPType.OFFER, sdp)
        # webrtcbin runs its operations in order: candidates added after this
        # wait for the remote description
        self.webrtc.emit("set-remote-description", offer,
                         Gst.Promise.new_with_change_func(self._on_remote_set))

    # -- webrtcbin's threads ---------------------------------------------

    def _on_remote_set(self, promise):
        self.webrtc.emit("create-answer", None, Gst.Promise.new_with_change_func(self._on_answer))

    def _on_answer(self, promise):
        reply = promise.get_reply()
        answer = reply.get_value("answer") if reply else None
        if answer is None:
            idle(self._fail, "webrtcbin made no answer: %s" % (reply.to_string() if reply else None))
            return
        self.webrtc.emit("set-local-description", answer, None)
        idle(self.phone.send, {"type": "sdp", "call_id": self.call_id,
                               "sdp": {"type": "answer", "sdp": answer.sdp.as_text()}})

    def _on_ice_candidate(self, webrtc, mline, candidate):
        idle(self.phone.send, {"type": "ice", "call_id": self.call_id, "candidate": {
            "candidate": candidate, "sdpMid": self.mid, "sdpMLineIndex": mline}})

    def _on_pad_added(self, webrtc, pad):
        if pad.get_direction() != Gst.PadDirection.SRC:
            return
        sink = Gst.ElementFactory.make("fakesink")
        sink.set_property("sync", False)
        sink.set_property("async", False)
        self.bin.add(sink)
        sink.sync_state_with_parent()
        pad.link(sink.get_static_pad("sink"))
        self.sinks.append(sink)

    def _fail(self, why):
        self.ended = why

    # -- figures -----------------------------------------------------------

    def received(self):
        """Packets this call's page received (after SRTP and jitter buffer)."""
        return sum(rendered(sink) for sink in list(self.sinks))

    def note_media(self):
        """Notes when the first packet arrived (polled from the main context,
        not a probe: see SharedPipeline)."""
        if self.t_first_rtp is None and self.received() > 0:
            self.t_first_rtp = time.monotonic()

    def setup_s(self):
        return None if self.t_accepted is None else self.t_accepted - self.t_dial

    def media_s(self):
        return None if self.t_first_rtp is None else self.t_first_rtp - self.t_dial

    def close(self):
        """Takes the webrtcbin out of the pipeline (after the hangup)."""
        self.tee_pad.unlink(self.bin.get_static_pad("sink"))
        self.shared.tee.release_request_pad(self.tee_pad)
        self.bin.set_state(Gst.State.NULL)
        self.shared.pipeline.remove(self.bin)


class BenchPhone(WsPhone):
    """A logged-in phone that places one call at a time; call messages go
    to the call, the rest to WsPhone's queue (for wait())."""

    def __init__(self, port, extension):
        super().__init__(port)
        self.extension = extension
        self.call = None

    def _on_message(self, conn, data_type, data):
        msg = json.loads(data.get_data().decode())
        if self.call is not None and msg.get("type") in CALL_MESSAGES:
            self.call.on_message(msg)
        else:
            self.messages.append(msg)

    def login(self, token):
        self.connect()
        self.send({"type": "auth", "token": token})
        reply = self.wait(lambda m: m.get("type") in ("registered", "error"), 10)
        if reply["type"] != "registered":
            raise RuntimeError(f"{self.extension} could not log in: {reply}")
        return self

    def dial(self, shared, number):
        self.call = ClientCall(self, shared)
        self.call.request_id = self._next()
        self.send({"type": "call", "id": self.call.request_id, "to": str(number)})
        return self.call

    def hangup(self):
        if self.call is not None and self.call.call_id and not self.call.ended:
            self.send({"type": "hangup", "id": self._next(), "call_id": self.call.call_id})

    def ping(self):
        self.send({"type": "ping", "id": self._next()})

    def _next(self):
        rid = self.next_id
        self.next_id += 1
        return rid


def pump(seconds, until=None, step_ms=20, calls=()):
    """Runs the default main context for seconds, or until until() is true;
    returns whether until() came true (True when there is none). Every
    step_ms the calls note their first packet."""
    loop = GLib.MainLoop()
    end = time.monotonic() + seconds
    done = [until is None]

    def check():
        for c in calls:
            c.note_media()
        if until is not None and until():
            done[0] = True
            loop.quit()
            return False
        if time.monotonic() >= end:
            loop.quit()
            return False
        return True
    GLib.timeout_add(step_ms, check)
    loop.run()
    return done[0]
