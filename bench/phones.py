"""The WebRTC side of the benchmark: N browser phones in one process.

Each phone is a WebSocket of the phone protocol (docs/protocol.md, the api
tests' WsPhone) and, per call, a webrtcbin that answers Mediagate's offer.
Everything runs on the default GLib main context; webrtcbin's callbacks come
on its own threads and hand WebSocket sends back to it with idle_add
(libsoup is not thread safe).

Each call is a pipeline of its own: a live 20 ms tone, encoded (PCMU, or
Opus at complexity 0) and sent by a webrtcbin. One shared pipeline with one
encoder and a tee was tried first and stalled every call at about 30 calls
(the live source stopped; a call still negotiating held the whole pipeline
back), so a slow call now only holds itself. What each call receives goes
to a fakesink whose `stats` count the packets, what it sends is read from
webrtcbin's outbound-rtp stats: no Python per packet.
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

Gst.init(None)

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
    """One call's pipeline: its webrtcbin answers the offer with the codec
    of its source (PCMU or Opus only), sends it, counts what it receives."""

    def __init__(self, phone, shape):
        self.phone = phone
        self.call_id = None
        self.request_id = None  # of the `call` request
        self.mid = "0"
        self.t_dial = time.monotonic()
        self.t_accepted = None
        self.t_first_rtp = None
        self.ended = None
        self.sinks = []
        self.pipeline = Gst.parse_launch(
            "audiotestsrc is-live=true wave=sine freq=1000 volume=0.3 samplesperbuffer=160"
            " ! audio/x-raw,rate=8000,channels=1"
            # the gate pauses the audio, not the RTP: sequence numbers stay
            # continuous, so Mediagate sees no loss to conceal (with a gap,
            # its Opus decoder's PLC made packets the page never sent)
            " ! valve name=gate ! " + SOURCES[shape] +
            " ! webrtcbin name=w bundle-policy=max-bundle latency=40")
        self.webrtc = self.pipeline.get_by_name("w")
        self.gate = self.pipeline.get_by_name("gate")
        self.webrtc.connect("on-ice-candidate", self._on_ice_candidate)
        self.webrtc.connect("pad-added", self._on_pad_added)
        self.errors = []
        bus = self.pipeline.get_bus()
        bus.add_signal_watch()
        bus.connect("message::error", self._on_error)
        self.pipeline.set_state(Gst.State.PLAYING)

    def _on_error(self, bus, msg):
        err, debug = msg.parse_error()
        text = f"{msg.src.get_path_string()}: {err.message} ({debug})"
        self.errors.append(text)
        print(f"load generator, {self.phone.extension}: {text}", file=sys.stderr)

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
        self.pipeline.add(sink)
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
        not a probe: Python in a streaming thread costs and contends for the GIL)."""
        if self.t_first_rtp is None and self.received() > 0:
            self.t_first_rtp = time.monotonic()

    def setup_s(self):
        return None if self.t_accepted is None else self.t_accepted - self.t_dial

    def media_s(self):
        return None if self.t_first_rtp is None else self.t_first_rtp - self.t_dial

    def packets_sent(self):
        """RTP packets this call's webrtcbin sent (its outbound-rtp stats)."""
        promise = Gst.Promise.new()
        self.webrtc.emit("get-stats", None, promise)
        promise.wait()
        reply = promise.get_reply()
        sent = [0]

        def add(field_id, value, _):
            if isinstance(value, Gst.Structure):
                ok, kind = value.get_enum("type", GstWebRTC.WebRTCStatsType)
                if ok and kind == GstWebRTC.WebRTCStatsType.OUTBOUND_RTP:
                    sent[0] += value.get_uint64("packets-sent")[1]
            return True
        if reply is not None:
            reply.foreach(add, None)
        return sent[0]

    def send(self, on):
        self.gate.set_property("drop", not on)

    def close(self):
        self.pipeline.get_bus().remove_signal_watch()
        self.pipeline.set_state(Gst.State.NULL)


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

    def dial(self, shape, number):
        self.call = ClientCall(self, shape)
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
