"""The SIP side of a call's media, through GObject introspection: the shapes
in pipelines/ wired to MgRtpEndpoint's pre-bound sockets, against a plain
GStreamer "far phone" on loopback (no libnice involved, so loopback works).
Each test asserts what a person would hear: the tone's frequency at the
other end, DTMF digits in order, silence on hold, and a dead peer noticed."""
import os
import re
import time
import unittest

import gi

gi.require_version("Gst", "1.0")
gi.require_version("Mediagate", "1.0")
from gi.repository import GLib, Gst, Mediagate  # noqa: E402

PIPELINES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "pipelines")
RATE = 8000
BANDS = 128


def spin(predicate, timeout=10):
    ctx = GLib.MainContext.default()
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        ctx.iteration(False)
        time.sleep(0.005)
    return predicate()


def shape(name, **values):
    tmpl = Mediagate.PipelineTemplate.load(PIPELINES, name)
    for key, value in values.items():
        tmpl.set(key, str(value))
    return tmpl.instantiate(None)


class Spectrum:
    """Peak frequency of what reaches a `spectrum` element (8 kHz audio)."""

    def __init__(self, pipeline, name):
        self.peaks = []
        self.name = name
        bus = pipeline.get_bus()
        bus.add_signal_watch()
        bus.connect("message::element", self._on_message)

    def _on_message(self, bus, msg):
        s = msg.get_structure()
        if s is None or s.get_name() != "spectrum" or msg.src.get_name() != self.name:
            return
        # PyGObject cannot read a GstValueList: take it from the text form
        m = re.search(r"magnitude=\(float\)\{([^}]*)\}", s.to_string())
        mags = [float(v) for v in m.group(1).split(",")]
        band = max(range(len(mags)), key=lambda i: mags[i])
        if mags[band] > -60:
            self.peaks.append((band + 0.5) * (RATE / 2) / BANDS)

    def hears(self, freq, count=5):
        """At least count analyses peaked at freq, and most of the recent ones."""
        near = [abs(p - freq) < 40 for p in self.peaks]
        return sum(near) >= count and sum(near[-5:]) >= 4


def spectrum_chain(name):
    return (f"audioconvert ! audio/x-raw,rate={RATE},channels=1 ! "
            f"spectrum name={name} bands={BANDS} threshold=-90 interval=100000000 ! fakesink sync=false async=false")


class RtpCounter:
    """Records payload types and sequence numbers of RTP leaving an element."""

    def __init__(self, pad):
        self.pts = []
        self.seqs = []
        pad.add_probe(Gst.PadProbeType.BUFFER, self._probe)

    def _probe(self, pad, info):
        data = info.get_buffer().extract_dup(0, 4)
        self.pts.append(data[1] & 0x7F)
        self.seqs.append((data[2] << 8) | data[3])
        return Gst.PadProbeReturn.OK


class SipMedia(unittest.TestCase):
    def setUp(self):
        Mediagate.init()
        Gst.init(None)
        self.pipelines = []
        self.endpoint = Mediagate.RtpEndpoint.new("127.0.0.1", 41000, 41999)
        # the far phone's own socket
        self.far_port = self.endpoint.get_local_port() + 1000

    def tearDown(self):
        for p in self.pipelines:
            p.set_state(Gst.State.NULL)
        self.endpoint = None

    def start(self, pipeline):
        self.pipelines.append(pipeline)
        self.assertNotEqual(pipeline.set_state(Gst.State.PLAYING), Gst.StateChangeReturn.FAILURE)
        return pipeline

    def sip_leg(self, pipeline, **caps):
        """Adds the sip-rtp shapes wired to the endpoint; returns (recv, send)."""
        values = dict(ENCODING="PCMU", CLOCK_RATE=8000, PT=0)
        values.update(caps)
        recv = shape("sip-rtp-recv", **values)
        send = shape("sip-rtp-send")
        pipeline.add(recv)
        pipeline.add(send)
        self.endpoint.set_remote("127.0.0.1", self.far_port)
        self.endpoint.attach(pipeline)
        return recv, send

    def far_phone(self, send_desc, recv_desc):
        """A plain RTP phone: sends send_desc to our port, receives on far_port."""
        far = Gst.parse_launch(
            f"{send_desc} ! udpsink host=127.0.0.1 port={self.endpoint.get_local_port()} sync=false "
            f"udpsrc name=far_src address=127.0.0.1 port={self.far_port} "
            f"caps=\"application/x-rtp,media=audio,encoding-name=PCMU,clock-rate=8000,payload=0\" "
            f"! {recv_desc}")
        return far

    def test_pcmu_passthrough_both_ways_with_pt_mapping(self):
        pipe = Gst.Pipeline.new("call")
        sip_recv, sip_send = self.sip_leg(pipe)
        to_sip = shape("passthrough-to-sip", SIP_PT=0)
        to_webrtc = shape("passthrough-to-webrtc", WEBRTC_PT=96)
        pipe.add(to_sip)
        pipe.add(to_webrtc)
        # the "browser" side sends PCMU as PT 96; the SIP peer negotiated 0
        webrtc = Gst.parse_bin_from_description(
            "audiotestsrc is-live=true samplesperbuffer=160 freq=1000 volume=0.5 ! audio/x-raw,rate=8000,channels=1 "
            "! mulawenc ! rtppcmupay pt=96 name=webrtc_pay", True)
        webrtc_rx = Gst.parse_bin_from_description(
            "rtppcmudepay ! mulawdec ! " + spectrum_chain("near_spectrum"), True)
        for b in (webrtc, webrtc_rx):
            pipe.add(b)
        webrtc.link_pads(None, to_sip, "sink")
        to_sip.link_pads("src", sip_send, "sink")
        sip_recv.link_pads("src", to_webrtc, "sink")
        to_webrtc.link_pads("src", webrtc_rx, None)
        Mediagate.rtp_pad_map_payload_type(
            to_sip.get_by_name("webrtc_to_sip").get_static_pad("sink"), 96, 0)
        Mediagate.rtp_pad_map_payload_type(
            to_webrtc.get_by_name("sip_to_webrtc").get_static_pad("sink"), 0, 96)
        webrtc_rx_pts = RtpCounter(to_webrtc.get_by_name("sip_to_webrtc").get_static_pad("src"))

        far = self.far_phone(
            "audiotestsrc is-live=true samplesperbuffer=160 freq=440 volume=0.5 ! audio/x-raw,rate=8000,channels=1 "
            "! mulawenc ! rtppcmupay pt=0",
            "rtppcmudepay name=far_depay ! mulawdec ! " + spectrum_chain("far_spectrum"))
        far_rx = RtpCounter(far.get_by_name("far_depay").get_static_pad("sink"))
        near, remote = Spectrum(pipe, "near_spectrum"), Spectrum(far, "far_spectrum")
        self.start(far)
        self.start(pipe)

        # a second of audio each way, then the tones
        self.assertTrue(spin(lambda: self.endpoint.get_packets_received() > 50
                             and len(far_rx.pts) > 50 and remote.hears(1000) and near.hears(440)),
                        f"far heard {remote.peaks[-5:]}, near heard {near.peaks[-5:]}")
        self.assertEqual(set(far_rx.pts), {0})
        self.assertEqual(set(webrtc_rx_pts.pts), {96})
        self.assertGreater(self.endpoint.get_packets_received(), 20)
        # 12-byte header + 160 samples per packet (read between two counts: media is flowing)
        before = self.endpoint.get_packets_received()
        size = self.endpoint.get_bytes_received()
        self.assertTrue(before * 172 <= size <= self.endpoint.get_packets_received() * 172, (before, size))
        self.assertEqual(self.endpoint.get_packets_lost(), 0)
        self.assertLess(self.endpoint.get_jitter(), 20.0)
        self.assertGreater(self.endpoint.get_packets_sent(), 20)

    def test_transcode_opus_pcmu_both_ways(self):
        pipe = Gst.Pipeline.new("call")
        sip_recv, sip_send = self.sip_leg(pipe)
        to_sip = shape("opus-to-pcmu", SIP_PT=0)
        to_webrtc = shape("pcmu-to-opus", WEBRTC_PT=111, LATENCY=40, COMPLEXITY=3, BITRATE=24000)
        pipe.add(to_sip)
        pipe.add(to_webrtc)
        webrtc = Gst.parse_bin_from_description(
            "audiotestsrc is-live=true samplesperbuffer=160 freq=440 volume=0.5 ! audio/x-raw,rate=48000,channels=1 "
            "! opusenc frame-size=20 ! rtpopuspay pt=111", True)
        webrtc_rx = Gst.parse_bin_from_description(
            "rtpopusdepay ! opusdec ! " + spectrum_chain("near_spectrum"), True)
        for b in (webrtc, webrtc_rx):
            pipe.add(b)
        webrtc.link_pads(None, to_sip, "sink")
        to_sip.link_pads("src", sip_send, "sink")
        sip_recv.link_pads("src", to_webrtc, "sink")
        to_webrtc.link_pads("src", webrtc_rx, None)

        far = self.far_phone(
            "audiotestsrc is-live=true samplesperbuffer=160 freq=1000 volume=0.5 ! audio/x-raw,rate=8000,channels=1 "
            "! mulawenc ! rtppcmupay pt=0",
            "rtppcmudepay ! mulawdec ! " + spectrum_chain("far_spectrum"))
        near, remote = Spectrum(pipe, "near_spectrum"), Spectrum(far, "far_spectrum")
        self.start(far)
        self.start(pipe)
        # browser's Opus 440 Hz reaches the SIP phone as PCMU; its 1 kHz comes back as Opus
        self.assertTrue(spin(lambda: self.endpoint.get_packets_received() > 50
                             and self.endpoint.get_packets_sent() > 50
                             and remote.hears(440) and near.hears(1000)),
                        f"far heard {remote.peaks[-5:]}, near heard {near.peaks[-5:]}")

    def _dtmf(self, pad, digits):
        for d in digits:
            number = "0123456789*#".index(d)
            for start in (True, False):
                ev = Gst.Event.new_custom(Gst.EventType.CUSTOM_UPSTREAM, Gst.Structure.new_from_string(
                    f"dtmf-event,type=(int)1,number=(int){number},volume=(int)10,start=(boolean){start}"))
                pad.send_event(ev)
                spin(lambda: False, 0.12)

    def test_dtmf_detected_from_sip(self):
        """The far phone's RFC 4733 events (in its audio stream) become
        MgRtpEndpoint::dtmf-received digits; audio flows both ways. Digits
        played toward SIP are checked with a real phone in test_calls.py."""
        pipe = Gst.Pipeline.new("call")
        sip_recv, sip_send = self.sip_leg(pipe)
        audio = Gst.parse_bin_from_description(
            "audiotestsrc is-live=true samplesperbuffer=160 freq=1000 ! audio/x-raw,rate=8000,channels=1 "
            "! mulawenc ! rtppcmupay pt=0", True)
        pipe.add(audio)
        audio.link_pads(None, sip_send, "sink")
        sink = Gst.ElementFactory.make("fakesink")
        sink.set_property("sync", False)
        pipe.add(sink)
        sip_recv.link_pads("src", sink, None)
        heard = []
        self.endpoint.set_dtmf_payload_type(101, False)
        self.endpoint.connect("dtmf-received", lambda ep, digit: heard.append(digit))

        # far phone: sends its events to us, counts our audio
        far = Gst.parse_launch(
            "rtpdtmfmux name=mux ! udpsink host=127.0.0.1 port=%d sync=false "
            "audiotestsrc is-live=true samplesperbuffer=160 ! audio/x-raw,rate=8000,channels=1 ! mulawenc "
            "! rtppcmupay pt=0 ! capsfilter caps=application/x-rtp,clock-rate=8000 ! mux.sink_0 "
            "rtpdtmfsrc name=far_dtmf pt=101 ! mux.priority_sink_0 "
            "udpsrc address=127.0.0.1 port=%d name=far_src ! fakesink sync=false async=false"
            % (self.endpoint.get_local_port(), self.far_port))
        far_audio = []

        def count(pad, info):
            far_audio.append(info.get_buffer().extract_dup(1, 1)[0] & 0x7F)
            return Gst.PadProbeReturn.OK
        far.get_by_name("far_src").get_static_pad("src").add_probe(Gst.PadProbeType.BUFFER, count)
        self.start(far)
        self.start(pipe)
        self.assertTrue(spin(lambda: self.endpoint.get_packets_received() > 10 and len(far_audio) > 10),
                        (self.endpoint.get_packets_received(), len(far_audio)))
        self.assertEqual(set(far_audio), {0})

        self._dtmf(far.get_by_name("far_dtmf").get_static_pad("src"), "9*0")
        self.assertTrue(spin(lambda: len(heard) >= 3, 5), f"we got {heard}")
        self.assertEqual(heard, ["9", "*", "0"])

    def test_hold_sends_nothing_and_keeps_numbering(self):
        pipe = Gst.Pipeline.new("call")
        sip_recv, sip_send = self.sip_leg(pipe)
        src = Gst.parse_bin_from_description(
            "audiotestsrc is-live=true samplesperbuffer=160 ! audio/x-raw,rate=8000,channels=1 ! mulawenc ! rtppcmupay pt=0",
            True)
        pipe.add(src)
        src.link_pads(None, sip_send, "sink")
        far = self.far_phone("audiotestsrc is-live=true num-buffers=1 ! mulawenc ! rtppcmupay",
                             "identity name=far_in ! fakesink sync=false async=false")
        far_rx = RtpCounter(far.get_by_name("far_in").get_static_pad("sink"))
        self.start(far)
        self.start(pipe)
        self.assertTrue(spin(lambda: len(far_rx.seqs) > 10))
        self.endpoint.set_hold(True)
        spin(lambda: False, 0.1)
        before = len(far_rx.seqs)
        spin(lambda: False, 0.6)
        self.assertEqual(len(far_rx.seqs), before, "packets were sent while on hold")
        self.endpoint.set_hold(False)
        self.assertTrue(spin(lambda: len(far_rx.seqs) > before + 10))
        steps = {(b - a) & 0xFFFF for a, b in zip(far_rx.seqs, far_rx.seqs[1:])}
        self.assertEqual(steps, {1}, "sequence numbers jumped across the hold")

    def test_inactivity_signal_when_peer_stops(self):
        pipe = Gst.Pipeline.new("call")
        sip_recv, sip_send = self.sip_leg(pipe)
        sink = Gst.ElementFactory.make("fakesink")
        pipe.add(sink)
        sip_recv.link_pads("src", sink, None)
        # the far phone sends 1 s of audio, then nothing
        far = self.far_phone(
            "audiotestsrc is-live=true num-buffers=50 samplesperbuffer=160 "
            "! audio/x-raw,rate=8000,channels=1 ! mulawenc ! rtppcmupay pt=0",
            "fakesink sync=false async=false")
        inactive = []
        self.endpoint.connect("inactive", lambda ep: inactive.append(time.monotonic()))
        self.endpoint.set_inactivity_timeout(1)
        self.start(pipe)
        self.start(far)
        self.assertTrue(spin(lambda: self.endpoint.get_packets_received() >= 40, 5))
        self.assertEqual(inactive, [])
        self.assertTrue(spin(lambda: inactive, 5))
        spin(lambda: False, 1.5)
        self.assertEqual(len(inactive), 1, "inactive is signalled once")

    def test_ports_and_bad_remote(self):
        port = self.endpoint.get_local_port()
        self.assertEqual(port % 2, 0)
        self.assertTrue(41000 <= port < 41999)
        self.assertEqual(self.endpoint.get_local_rtcp_port(), port + 1)
        with self.assertRaises(GLib.Error) as cm:  # the only pair in range is ours
            Mediagate.RtpEndpoint.new("127.0.0.1", port, port + 1)
        self.assertTrue(cm.exception.matches(Mediagate.media_error_quark(), Mediagate.MediaError.NO_PORT))
        for addr, p in (("example.com", 4000), ("127.0.0.1", 0), ("::1", 4000), ("1.2.3.4", 70000)):
            with self.assertRaises(GLib.Error):
                self.endpoint.set_remote(addr, p)


if __name__ == "__main__":
    unittest.main(verbosity=2)
