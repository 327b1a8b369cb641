"""MgWebrtcLeg against a real browser: headless Chromium answers the leg's
offer; tones both ways, DTMF in the offer, bad answers refused, the RTP
inactivity watch. Driven through GObject introspection, as a script would.

Run through run-in-netns (meson does): libnice and Chromium need a
non-loopback interface.
"""
import json
import os
import re
import shutil
import sys
import tempfile
import time
import unittest

import gi

gi.require_version("Gst", "1.0")
gi.require_version("Mediagate", "1.0")
from gi.repository import GLib, Gst, Mediagate  # noqa: E402

from chromium import Chromium, PageServer, tone_wav  # noqa: E402

State = Mediagate.WebrtcLegState
SEND_HZ = 440   # what the leg sends
MIC_HZ = 1000   # Chromium's fake microphone
SPECTRUM_BANDS = 480  # 50 Hz bands at 48 kHz


def spin(predicate, timeout=10, tick=None):
    """Runs the default main context until predicate() or timeout; calls
    tick() every 50 ms (to trickle candidates)."""
    ctx = GLib.MainContext.default()
    end = time.monotonic() + timeout
    next_tick = 0
    while time.monotonic() < end:
        if predicate():
            return True
        while ctx.iteration(False):
            pass
        if tick and time.monotonic() >= next_tick:
            tick()
            next_tick = time.monotonic() + 0.05
        time.sleep(0.005)
    return predicate()


def thread_count():
    return len(os.listdir("/proc/self/task"))


def peak_frequency(structure):
    """The centre of the loudest band in a `spectrum` element message."""
    text = structure.to_string()
    values = re.search(r"magnitude=\(float\)\{([^}]*)\}", text).group(1)
    mags = [float(v) for v in values.split(",")]
    best = max(range(len(mags)), key=mags.__getitem__)
    return (best + 0.5) * 24000 / len(mags)


class Call:
    """A pipeline with one leg: an Opus 440 Hz tone into the leg; the leg's
    Opus pad decoded into a spectrum analyser."""

    def __init__(self, test):
        self.pipe = Gst.Pipeline.new("call")
        self.leg = Mediagate.WebrtcLeg.new(self.pipe, None, ["opus", "G722", "PCMU", "PCMA"])
        self.leg.set_inactivity_timeout(2000)
        send = Gst.parse_bin_from_description(
            f"audiotestsrc is-live=true wave=sine freq={SEND_HZ} volume=0.5 ! audioconvert ! "
            "audioresample ! audio/x-raw,rate=48000,channels=1 ! opusenc frame-size=20 ! "
            "rtpopuspay pt=111", True)
        self.pipe.add(send)
        test.assertEqual(send.get_static_pad("src").link(self.leg.get_sink_pad()),
                         Gst.PadLinkReturn.OK)
        self.local_candidates = []
        self.pads = []
        self.peaks = []
        self.failures = []
        self.offer = None
        self.leg.connect("local-candidate", lambda _l, m, mid, c: self.local_candidates.append((m, mid, c)))
        self.leg.connect("src-pad-added", self.on_pad)
        self.leg.connect("media-failed", lambda _l, reason: self.failures.append((time.monotonic(), reason)))
        bus = self.pipe.get_bus()
        bus.add_signal_watch()
        bus.connect("message::element", self.on_element)
        bus.connect("message::error", lambda _b, m: test.fail(f"pipeline error: {m.parse_error()}"))

    def on_pad(self, leg, pad, encoding_name, pt):
        self.pads.append((encoding_name, pt))
        if encoding_name == "OPUS":
            desc = ("rtpopusdepay ! opusdec ! audioconvert ! audioresample ! "
                    "audio/x-raw,rate=48000,channels=1 ! "
                    f"spectrum bands={SPECTRUM_BANDS} interval=200000000 post-messages=true ! "
                    "fakesink sync=false async=false")
        else:
            desc = "fakesink sync=false async=false"
        sink = Gst.parse_bin_from_description(desc, True)
        self.pipe.add(sink)
        sink.sync_state_with_parent()
        pad.link(sink.get_static_pad("sink"))

    def on_element(self, bus, message):
        s = message.get_structure()
        if s is not None and s.get_name() == "spectrum":
            self.peaks.append(peak_frequency(s))

    def create_offer(self, test):
        def done(leg, result):
            self.offer = leg.create_offer_finish(result)
        self.leg.create_offer_async(None, done)
        test.assertTrue(spin(lambda: self.offer is not None, 10), "no offer")
        return self.offer

    def stop(self):
        self.pipe.set_state(Gst.State.NULL)
        self.pipe.get_bus().remove_signal_watch()


def mangle_codecs(answer, pt_list, rtpmap):
    """The answer with its audio m-line's formats and rtpmaps replaced."""
    lines = []
    for line in answer.split("\r\n"):
        if line.startswith("m=audio "):
            line = " ".join(line.split(" ")[:3] + pt_list)
        elif line.startswith(("a=rtpmap:", "a=fmtp:", "a=rtcp-fb:")):
            continue
        lines.append(line)
        if line.startswith("m=audio "):
            lines.extend(rtpmap)
    return "\r\n".join(lines)


class WebrtcLegWithChromium(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.environ.get("MG_NETNS"):
            raise unittest.SkipTest("needs a network namespace: run through tests/e2e/run-in-netns")
        Mediagate.init()
        cls.tmp = tempfile.mkdtemp(prefix="mg-webrtc-")
        cls.mic = tone_wav(cls.tmp, MIC_HZ)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def setUp(self):
        self.server = PageServer().__enter__()
        self.addCleanup(self.server.__exit__)
        self.chrome = Chromium(fake_audio=self.mic)
        self.addCleanup(self.chrome.close)
        self.threads_before = thread_count()
        self.call = Call(self)
        self.addCleanup(self.call.stop)

    def trickle(self):
        """Moves candidates both ways; the browser's null (end of candidates)
        goes through the leg too, which must ignore it."""
        while self.call.local_candidates:
            mline, mid, cand = self.call.local_candidates.pop(0)
            self.chrome.call("mg.addCandidate", cand, mid, mline)
        for c in self.chrome.call("mg.takeCandidates"):
            if c is None:
                self.assertTrue(self.call.leg.add_remote_candidate(0, self.call.leg.get_mid(), ""))
            else:
                self.assertTrue(self.call.leg.add_remote_candidate(
                    c["sdpMLineIndex"], c["sdpMid"], c["candidate"]))

    def assert_refused(self, answer, code):
        with self.assertRaises(GLib.Error) as cm:
            self.call.leg.set_remote_answer(answer)
        self.assertEqual(cm.exception.domain, "mg-webrtc-error-quark")
        self.assertEqual(cm.exception.code, int(code), cm.exception.message)
        # nothing changed
        self.assertEqual(self.call.leg.get_state(), State.OFFERED)
        self.assertIsNone(self.call.leg.get_encoding_name())
        self.assertEqual(self.call.leg.get_telephone_event_pt(), -1)

    def test_call_with_chromium(self):
        leg, call = self.call.leg, self.call
        t0 = time.monotonic()
        call.pipe.set_state(Gst.State.PLAYING)
        offer = call.create_offer(self)

        # every policy codec plus telephone-event/8000, no Opus sprop-*
        m_line = re.search(r"^m=audio \d+ \S+ ([\d ]+)\r$", offer, re.M).group(1).split()
        self.assertEqual(m_line, ["111", "9", "0", "8", "101"])
        self.assertRegex(offer, r"(?i)a=rtpmap:101 telephone-event/8000")
        self.assertRegex(offer, r"(?i)a=rtpmap:111 opus/48000/2")
        self.assertNotIn("sprop", offer)
        self.assertIn("a=group:BUNDLE", offer)
        self.assertNotIn("application", offer)  # no data channel
        self.assertEqual(leg.get_state(), State.OFFERED)

        self.chrome.goto(self.server.url("peer.html"))
        answer = self.chrome.call("mg.answer", offer)
        self.assertRegex(answer, r"(?i)a=rtpmap:101 telephone-event/8000")

        # bad answers: a clear error each, nothing changes
        Err = Mediagate.WebrtcError
        self.assert_refused("not sdp at all", Err.INVALID_SDP)
        self.assert_refused(answer.replace("m=audio ", "m=video "), Err.NO_AUDIO)
        self.assert_refused(mangle_codecs(answer, ["96"], ["a=rtpmap:96 VP8/90000"]),
                            Err.NO_COMMON_CODEC)
        self.assert_refused(re.sub(r"a=fingerprint:[^\r]*\r\n", "", answer), Err.INVALID_SDP)
        with self.assertRaises(GLib.Error):
            leg.add_remote_candidate(0, None, "not a candidate")
        with self.assertRaises(GLib.Error):
            leg.add_remote_candidate(1, "other", "candidate:1 1 UDP 1 10.0.0.1 9 typ host")

        # the real answer still works
        self.assertTrue(leg.set_remote_answer(answer))
        self.assertEqual(leg.get_encoding_name(), "OPUS")
        self.assertEqual(leg.get_payload_type(), 111)
        self.assertEqual(leg.get_clock_rate(), 48000)
        self.assertEqual(leg.get_telephone_event_pt(), 101)
        with self.assertRaises(GLib.Error) as cm:  # a second answer
            leg.set_remote_answer(answer)
        self.assertEqual(cm.exception.code, int(Err.INVALID_STATE))

        self.assertTrue(spin(lambda: leg.get_state() == State.CONNECTED, 20, self.trickle),
                        f"not connected: state {leg.get_state()}; browser log:\n{self.chrome.stderr()}")
        t_connected = time.monotonic() - t0
        threads = thread_count() - self.threads_before

        # the page hears 440 Hz, webrtcbin receives 1 kHz
        heard = []

        def page_hears():
            f = self.chrome.call("mg.dominantFrequency")
            heard.append(f)
            # silence is -Infinity, which JSON carries as null
            return (f is not None and f["level"] is not None and f["level"] > -60
                    and abs(f["frequency"] - SEND_HZ) <= 15)

        self.assertTrue(spin(page_hears, 15, self.trickle),
                        f"page heard {heard[-3:]}; stats {self.chrome.call('mg.stats')}; "
                        f"audio context {self.chrome.eval('mg.analyser && mg.analyser.context.state')}")
        self.assertTrue(spin(lambda: sum(1 for p in call.peaks[-5:] if abs(p - MIC_HZ) <= 50) >= 3,
                             15, self.trickle), f"webrtcbin peaks {call.peaks[-10:]}")
        self.assertIn(("OPUS", 111), call.pads)
        self.assertTrue(spin(lambda: leg.get_rtp_received() > 50, 5))
        received = leg.get_rtp_received()
        stats = self.chrome.call("mg.stats")
        self.assertGreater(stats["packetsReceived"], 50, stats)
        self.assertGreater(stats["bytesReceived"], 1000, stats)
        t_audio = time.monotonic() - t0
        print(f"connected after {t_connected:.2f} s, tones verified after {t_audio:.2f} s; "
              f"threads added by the call: {threads}; browser stats {json.dumps(stats)}; "
              f"leg rtp received {received}", file=sys.stderr)

        # the tab goes away without a word: the inactivity watch ends the leg
        self.assertEqual(call.failures, [])
        closed = time.monotonic()
        self.chrome.close_page()
        self.assertTrue(spin(lambda: call.failures, 10), "no media-failed after the page closed")
        when, reason = call.failures[0]
        self.assertIn("no RTP", reason)
        self.assertEqual(leg.get_state(), State.FAILED)
        elapsed = when - closed
        self.assertGreaterEqual(elapsed, 1.9)
        self.assertLess(elapsed, 4.0)
        print(f"media-failed {elapsed:.2f} s after the page closed ({reason})", file=sys.stderr)
        self.assertTrue(spin(lambda: len(call.failures) > 1, 1) is False, "media-failed twice")


if __name__ == "__main__":
    unittest.main(verbosity=2)
