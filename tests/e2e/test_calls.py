"""Calls end to end (issue 3, "Tests"): headless Chromium running the
daemon's own web library, mediagated, Kamailio with digest auth, baresip and
sipp as far phones. Chromium's fake microphone plays 1 kHz, the far phones
440 Hz; every test asserts what a person would hear or see:

1. the page calls a SIP phone through Kamailio: it hears 440 Hz, the far
   phone's received RTP (captured on the wire) is 1 kHz; a far end's early
   media (183 with SDP) plays in the page before the answer;
2. the SIP phone calls the extension: the page rings, answers, tones both ways;
3. DTMF 1234# from the page arrives in order: RFC 4733 at baresip, SIP INFO at
   a sipp far phone that offered no telephone-event; and the other way, the
   far end's RFC 4733 digits and SIP INFO digits become `dtmf` events in the
   page, in order;
4. hold and retrieve from each side: media stops and resumes;
5. hangup from each side ends both within 1 s; the calls API is empty and
   the daemon is back to its threads and fds;
6. codec shapes: Opus-only page vs PCMU-only phone => "transcoding", PCMU on
   both => "passthrough", with tones;
7. failover: the primary Kamailio stops, the extensions register with the
   secondary and calls work both ways through it;
8. two pages in the embedded default (no SIP platform) call each other;
9. bad input on the phone WebSocket during a call gets clear errors and the
   call goes on;
and SrtpSipLeg: the SIP leg with SDES-SRTP (media policy sip_srtp) against a
baresip with its srtp module.

What they expect of the call layer (docs/protocol.md, issue 3):
GET /cms/api/v1/calls -> {"items": [{"id", "state", "shape", "legs": [...]}]},
shape "passthrough" | "transcoding"; the page's call gets `accepted`, `held`
/ `resumed` with by local|remote, `ended` with cause hangup | remote_hangup.

The suite runs the whole file as `test_calls` (tests/e2e/meson.build); by
hand: tests/e2e/README.md. Each test stays well under 60 s.
"""
import json
import os
import re
import time
import unittest

from mgcalls import (CLIENT_ID, CLIENT_SECRET, FAR_HZ, MIC_HZ, PhonePage, RtpRecorder,
                     SipPlatform, assert_tone, browser, dtmf_digits, proc_counts,
                     require_netns, settle_counts, tone_windows, wait_for)
from cstaclient import ED6, CstaClient, text  # noqa: E402 (tests/api, on the path via mgcalls)
from chromium import BrowserError
from sippeers import Baresip, Kamailio
import wavwin

FAR_USERS = {"2000": "p2000", "2002": "p2002", "2009": "p2009"}
SETUP_S = 15     # call set-up: ICE, DTLS, SIP through Kamailio
TONE_S = 2.5     # how long each tone check listens
START_S = 1.5    # Chrome's audio processing (AGC) settles in the first second of a call


class CallsBase(unittest.TestCase):
    platform = True
    extensions = ("1000", "1001")

    @classmethod
    def setUpClass(cls):
        require_netns()
        cls.sip = SipPlatform(FAR_USERS if cls.platform else {}, cls.extensions,
                              platform=cls.platform).__enter__()
        try:
            cls.chrome = browser(cls.sip.tmp, MIC_HZ)
        except BaseException:
            cls.sip.__exit__()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.chrome.close()
        cls.sip.__exit__()

    def open_page(self, name="main"):
        page = PhonePage(self.chrome, self.sip.daemon, page=name)
        self.addCleanup(self.chrome.close_page, name)
        return page

    def log_out(self, page, name):
        """Cleanup: logs the phone out unless its page is already closed."""
        try:
            page.mgt("logout", name)
        except BrowserError:
            pass

    def wait_calls_empty(self, timeout=1.0):
        ok = wait_for(lambda: self.sip.calls() == [], timeout, 0.1)
        self.assertTrue(ok, json.dumps(self.sip.calls(), indent=1))

    def assert_hears(self, page, call_id, freq):
        samples = page.listen(call_id, TONE_S)
        good = [s for s in samples if abs(s["frequency"] - freq) <= 30 and s["level"] > -70]
        self.assertGreaterEqual(len(good), 0.8 * max(1, len(samples)),
                                f"the page does not hear {freq} Hz: {samples}")

    # -- call helpers (self.page, self.bob) ------------------------------

    def dial_bob(self, number="2000"):
        """The page calls number; returns (call id, seconds since rec start
        when accepted) once both sides are connected."""
        res = self.page.ok("dial", "a", number)
        call_id = res["call_id"]
        self.page.wait_event("accepted", SETUP_S, call_id=call_id)
        return call_id

    def bob_calls_page(self):
        self.bob.send("dial", self.far_uri("1000"))
        ring = self.page.wait_event("incoming", SETUP_S, phone="a")
        self.assertEqual(ring["detail"]["from"]["number"], "2000", ring)
        call_id = ring["call_id"]
        self.page.ok("accept", call_id)
        self.page.wait_event("accepted", SETUP_S, call_id=call_id)
        self.assertTrue(self.bob.wait_event("CALL_ESTABLISHED", 5), self.bob.event_types())
        return call_id

    def far_uri(self, user):
        """How the far phones reach user: through the platform's proxy."""
        return self.sip.sip_uri(user)

    def one_call(self, items=None):
        items = items if items is not None else self.sip.calls()
        self.assertEqual(len(items), 1, items)
        self.assertEqual(len(items[0]["legs"]), 2, items)
        return items[0]

    def assert_packets_grow(self, page, call_id):
        before = page.stats(call_id).get("packetsReceived") or 0
        time.sleep(1)
        after = page.stats(call_id).get("packetsReceived") or 0
        self.assertGreater(after, before + 20, f"inbound RTP stalled: {before} -> {after}")


class PageAndFarPhone(CallsBase):
    """The page logged in as 1000 and bob (2000), a baresip far phone that
    the subclass starts."""

    def setUp(self):
        self.page = self.open_page()
        reg = self.page.login("a", token=self.sip.session_token("1000"))
        self.assertEqual(reg.get("type"), "registered", reg)
        self.addCleanup(self.log_out, self.page, "a")
        self.addCleanup(self.hang_up_bob)

    def hang_up_bob(self, phone=None):
        """Hangs up bob's (or phone's) call if any and forgets its events."""
        phone = phone or self.bob
        try:
            phone.command("hangup")
        except RuntimeError:
            pass
        with phone.lock:
            phone.events.clear()


class BrowserAndSipPhone(PageAndFarPhone):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            cls.bob = cls.sip.baresip("2000", "p2000", tone=FAR_HZ, codecs="PCMU")
        except BaseException:
            cls.tearDownClass()
            raise

    # -- 1, 2: tones both ways --------------------------------------------

    def test_1_browser_calls_sip_phone_tones_both_ways(self):
        with RtpRecorder(self.bob.rtp_ports, self.sip.tmp, name="bob1") as rec:
            call_id = self.dial_bob()
            self.assertTrue(self.bob.wait_event("CALL_ESTABLISHED", 5), self.bob.event_types())
            up = rec.since()
            self.one_call()
            self.assert_hears(self.page, call_id, FAR_HZ)
            end = rec.since()
        assert_tone(rec.wav(), MIC_HZ, (up + START_S, end))
        self.page.ok("hangup", call_id)

    def test_1_early_media_plays_before_the_answer(self):
        """183 with SDP before the page's WebRTC leg even connected: the page
        hears the far end's announcement while the call still rings, and the
        same media goes on once answered."""
        dave = self.sip.sipp_early_media_phone("2002", "p2002")
        call_id = self.page.ok("dial", "a", "2002")["call_id"]

        def early():
            return [e for e in self.page.events(type="progress", call_id=call_id)
                    if (e.get("detail") or {}).get("early_media")]
        self.assertTrue(wait_for(early, SETUP_S, 0.1), self.page.events(call_id=call_id))
        self.assert_hears(self.page, call_id, FAR_HZ)
        self.assertEqual(self.page.events(type="accepted", call_id=call_id), [],
                         "answered too early: the 200 OK comes 6 s after the 183")
        self.assertEqual(self.one_call()["state"], "ringing")
        self.page.wait_event("accepted", 10, call_id=call_id)
        self.assert_hears(self.page, call_id, FAR_HZ)
        self.page.ok("hangup", call_id)
        self.assertTrue(wait_for(dave.finished, 5), "sipp got no BYE")

    def test_2_sip_phone_calls_extension_page_rings_and_answers(self):
        with RtpRecorder(self.bob.rtp_ports, self.sip.tmp, name="bob2") as rec:
            call_id = self.bob_calls_page()
            up = rec.since()
            self.assertEqual(self.page.mgt("state", call_id)["state"], "connected")
            self.assert_hears(self.page, call_id, FAR_HZ)
            end = rec.since()
        assert_tone(rec.wav(), MIC_HZ, (up + START_S, end))
        self.page.ok("hangup", call_id)

    # -- 3: DTMF ----------------------------------------------------------

    def test_3_dtmf_rfc4733_arrives_in_order(self):
        call_id = self.dial_bob()
        self.assertTrue(self.bob.wait_event("CALL_ESTABLISHED", 5))
        time.sleep(0.5)
        self.assertEqual(self.page.ok("sendDtmf", call_id, "1234#", "rfc4733"), "rfc4733")
        wait_for(lambda: len(dtmf_digits(self.bob)) >= 5, 8)
        self.assertEqual(dtmf_digits(self.bob), "1234#")
        self.page.ok("hangup", call_id)

    def test_3_dtmf_as_sip_info_when_the_far_end_has_no_telephone_event(self):
        carol = self.sip.sipp_info_phone("2002", "p2002")
        call_id = self.dial_bob("2002")
        time.sleep(0.5)
        self.page.ok("sendDtmf", call_id, "1234#")
        wait_for(lambda: len(carol.info_digits()) >= 5, 10)
        self.assertEqual(carol.info_digits(), "1234#")
        # carol echoes the page's audio: the call still carries it
        self.assert_hears(self.page, call_id, MIC_HZ)
        self.page.ok("hangup", call_id)
        self.assertTrue(wait_for(carol.finished, 5), "sipp got no BYE")

    def server_dtmf_in_the_sip_stream(self, shape, policy=None):
        """The page's `dtmf` request (no RTCDTMFSender): the server plays
        1234# as RFC 4733 events in place of audio packets of the stream to
        the SIP phone, which keeps one SSRC and gapless sequence numbers."""
        if policy:
            r = self.sip.daemon.admin("PATCH", "/cms/api/v1/media", {"audio_codecs": policy})
            self.assertEqual(r.status, 200, r)
            self.addCleanup(self.sip.daemon.admin, "PUT", "/cms/api/v1/media", {})
        with RtpRecorder(self.bob.rtp_ports, self.sip.tmp, name=f"bob-dtmf-{shape}") as rec:
            call_id = self.dial_bob()
            self.assertTrue(self.bob.wait_event("CALL_ESTABLISHED", 5))
            self.assertEqual(self.one_call()["shape"], shape)
            time.sleep(0.5)
            self.assertEqual(self.page.ok("sendDtmf", call_id, "1234#", "request"), "request")
            wait_for(lambda: len(dtmf_digits(self.bob)) >= 5, 10)
            self.assertEqual(dtmf_digits(self.bob), "1234#")
            self.page.ok("hangup", call_id)
        rtp = [p for p in rec.rtp() if not 72 <= p[2] <= 76]  # RTCP out (baresip's port varies)
        events = [p for p in rtp if p[2] != 0]
        self.assertGreaterEqual(len(events), 5 * 8, "fewer event packets than 5 digits of 160 ms")
        self.assertEqual(len({p[3] for p in rtp}), 1, "the stream changed SSRC")
        steps = {(b[4] - a[4]) & 0xFFFF for a, b in zip(rtp, rtp[1:])}
        self.assertEqual(steps, {1}, "sequence numbers jumped")

    def test_3_dtmf_request_plays_rfc4733_in_a_transcoded_sip_stream(self):
        self.server_dtmf_in_the_sip_stream("transcoding")

    def test_3_dtmf_request_plays_rfc4733_in_a_passthrough_sip_stream(self):
        self.server_dtmf_in_the_sip_stream("passthrough", ["PCMU", "telephone-event"])

    def page_digits(self, call_id):
        return "".join(e["detail"]["digit"] for e in self.page.events(type="dtmf", call_id=call_id))

    def test_3_dtmf_from_the_sip_phone_reaches_the_page_as_events(self):
        call_id = self.dial_bob()
        self.assertTrue(self.bob.wait_event("CALL_ESTABLISHED", 5))
        time.sleep(0.5)
        self.bob.command("sndcode", "1234#")
        wait_for(lambda: len(self.page_digits(call_id)) >= 5, 10)
        self.assertEqual(self.page_digits(call_id), "1234#")
        self.page.ok("hangup", call_id)

    def test_3_sip_info_dtmf_from_the_far_end_reaches_the_page(self):
        """A far end that signals DTMF as SIP INFO (sipp/uac_info_dtmf.xml:
        1, 2, # right after the answer, then BYE)."""
        sipp = self.sip.sipp_caller("uac_info_dtmf.xml")
        self.addCleanup(lambda: sipp.poll() is None and sipp.kill())
        ring = self.page.wait_event("incoming", SETUP_S, phone="a")
        call_id = ring["call_id"]
        self.page.ok("accept", call_id)
        ended = self.page.wait_event("ended", SETUP_S, call_id=call_id)
        self.assertEqual(ended["detail"]["cause"], "remote_hangup", ended)
        self.assertEqual(self.page_digits(call_id), "12#")
        self.assertEqual(sipp.wait(10), 0, "sipp's scenario failed")

    # -- 4: hold / retrieve -------------------------------------------------

    def test_4_hold_and_retrieve_from_the_page(self):
        with RtpRecorder(self.bob.rtp_ports, self.sip.tmp, name="bob4a") as rec:
            call_id = self.dial_bob()
            self.assertTrue(self.bob.wait_event("CALL_ESTABLISHED", 5))
            up = rec.since()
            self.assert_hears(self.page, call_id, FAR_HZ)
            held_at = rec.since()
            self.page.ok("hold", call_id)
            held = self.page.wait_event("held", 5, call_id=call_id)
            self.assertEqual(held["detail"]["by"], "local")
            # the analyser smooths, and the browser fades out what it had
            # buffered: give the tail a moment, then it must be silent
            time.sleep(0.8)
            self.assertTrue(self.page.silent(call_id, 2.0), "the page still hears the far end")
            time.sleep(0.5)
            resumed_at = rec.since()
            self.page.ok("unhold", call_id)
            self.page.wait_event("resumed", 5, call_id=call_id)
            time.sleep(1)
            self.assert_hears(self.page, call_id, FAR_HZ)
            end = rec.since()
        wav = rec.wav()
        assert_tone(wav, MIC_HZ, (up + 0.5, held_at))
        assert_tone(wav, "silence", (held_at + 1, resumed_at))
        assert_tone(wav, MIC_HZ, (resumed_at + 1, end))
        self.page.ok("hangup", call_id)

    def test_4_hold_and_retrieve_from_the_sip_phone(self):
        with RtpRecorder(self.bob.rtp_ports, self.sip.tmp, name="bob4b") as rec:
            call_id = self.dial_bob()
            self.assertTrue(self.bob.wait_event("CALL_ESTABLISHED", 5))
            up = rec.since()
            self.assert_hears(self.page, call_id, FAR_HZ)
            held_at = rec.since()
            self.bob.command("hold")
            held = self.page.wait_event("held", 5, call_id=call_id)
            self.assertEqual(held["detail"]["by"], "remote")
            time.sleep(3)
            resumed_at = rec.since()
            self.bob.command("resume")
            self.page.wait_event("resumed", 5, call_id=call_id)
            time.sleep(1)
            self.assert_hears(self.page, call_id, FAR_HZ)
            end = rec.since()
        wav = rec.wav()
        assert_tone(wav, MIC_HZ, (up + 0.5, held_at))
        assert_tone(wav, "silence", (held_at + 1, resumed_at))
        assert_tone(wav, MIC_HZ, (resumed_at + 1, end))
        self.page.ok("hangup", call_id)

    # -- 5: hangup ----------------------------------------------------------

    def warm_up(self):
        """One call and hangup first, so one-time initialisation (plugin
        loading, thread pools) is not taken for a leak; returns the
        daemon's (threads, fds) after it."""
        call_id = self.dial_bob()
        self.page.ok("hangup", call_id)
        self.page.wait_event("ended", 2, call_id=call_id)
        self.wait_calls_empty(2)
        self.hang_up_bob()
        time.sleep(1)
        return proc_counts(self.sip.daemon.proc.pid)

    def assert_back_to(self, before):
        after = settle_counts(self.sip.daemon.proc.pid, before, 5)
        self.assertLessEqual(after[0], before[0], f"threads {before[0]} -> {after[0]}")
        self.assertLessEqual(after[1], before[1], f"fds {before[1]} -> {after[1]}")

    def test_5_hangup_from_the_page_ends_both_within_1s(self):
        before = self.warm_up()
        call_id = self.dial_bob()
        self.assertTrue(self.bob.wait_event("CALL_ESTABLISHED", 5))
        t = time.monotonic()
        self.page.ok("hangup", call_id)
        ended = self.page.wait_event("ended", 1, call_id=call_id)
        self.assertEqual(ended["detail"]["cause"], "hangup")
        self.assertTrue(self.bob.wait_event("CALL_CLOSED", max(0.05, 1 - (time.monotonic() - t))),
                        self.bob.event_types())
        self.wait_calls_empty(1)
        self.assert_back_to(before)

    def test_5_hangup_from_the_sip_phone_ends_both_within_1s(self):
        before = self.warm_up()
        call_id = self.dial_bob()
        self.assertTrue(self.bob.wait_event("CALL_ESTABLISHED", 5))
        self.bob.command("hangup")
        ended = self.page.wait_event("ended", 1, call_id=call_id)
        self.assertEqual(ended["detail"]["cause"], "remote_hangup")
        self.wait_calls_empty(1)
        self.assert_back_to(before)

    # -- a dropped phone WebSocket ------------------------------------------

    def test_phone_reconnecting_within_the_grace_period_keeps_the_call(self):
        with RtpRecorder(self.bob.rtp_ports, self.sip.tmp, name="bob-resume") as rec:
            call_id = self.dial_bob()
            self.assertTrue(self.bob.wait_event("CALL_ESTABLISHED", 5))
            self.page.ok("dropSocket", "a")
            self.page.wait_event("resumed", 10, phone="a")
            resumed = rec.since()
            self.assertEqual(self.page.mgt("state", call_id)["state"], "connected",
                             self.page.events())
            self.assertEqual(self.page.events(call_id=call_id, type="ended"), [])
            self.assertNotIn("CALL_CLOSED", self.bob.event_types())
            self.assert_hears(self.page, call_id, FAR_HZ)
            end = rec.since()
        assert_tone(rec.wav(), MIC_HZ, (resumed + 0.5, end))
        # the resumed session controls the call: hang up ends both sides
        self.page.ok("hangup", call_id)
        self.assertTrue(self.bob.wait_event("CALL_CLOSED", 2), self.bob.event_types())
        self.wait_calls_empty(2)

    def test_phone_gone_past_the_grace_period_ends_the_call(self):
        call_id = self.dial_bob()
        self.assertTrue(self.bob.wait_event("CALL_ESTABLISHED", 5))
        self.assertTrue(call_id)
        gone = time.monotonic()
        self.chrome.close_page("main")  # tab closed: no resume, no BYE from the page
        self.assertTrue(self.bob.wait_event("CALL_CLOSED", 15), self.bob.event_types())
        waited = time.monotonic() - gone
        self.assertGreaterEqual(waited, 9, "the call ended before the 10 s grace period")
        self.wait_calls_empty(2)

    # -- 6: codec shapes ---------------------------------------------------

    def shape_call(self, page_codecs=None, policy=None):
        """A call to bob (PCMU only) with the page restricted to page_codecs
        (its answer) or the server's media policy set to policy (its offer)."""
        if page_codecs:
            self.page.prefer_codecs(page_codecs)
        if policy:
            r = self.sip.daemon.admin("PATCH", "/cms/api/v1/media", {"audio_codecs": policy})
            self.assertEqual(r.status, 200, r)
            self.addCleanup(self.sip.daemon.admin, "PUT", "/cms/api/v1/media", {})
        with RtpRecorder(self.bob.rtp_ports, self.sip.tmp, name="bob6") as rec:
            call_id = self.dial_bob()
            self.assertTrue(self.bob.wait_event("CALL_ESTABLISHED", 5))
            up = rec.since()
            call = self.one_call()
            self.assert_hears(self.page, call_id, FAR_HZ)
            end = rec.since()
        assert_tone(rec.wav(), MIC_HZ, (up + START_S, end))
        answer = self.page.mgt("sdp", call_id)["local"]
        self.page.ok("hangup", call_id)
        return call, answer

    def test_6_opus_page_and_pcmu_phone_transcode(self):
        call, answer = self.shape_call(page_codecs=["audio/opus", "audio/telephone-event"])
        self.assertNotIn("PCMU/8000", answer)
        self.assertEqual(call["shape"], "transcoding", call)
        self.assertEqual([leg["codec"] for leg in call["legs"]], ["OPUS", "PCMU"], call)

    def test_6_pcmu_on_both_sides_passes_through(self):
        # Chrome keeps sending the offer's first codec whatever its answer
        # prefers, so PCMU on the browser side comes from the media policy
        call, answer = self.shape_call(policy=["PCMU", "telephone-event"])
        self.assertNotIn("opus/48000", answer.lower())
        self.assertEqual(call["shape"], "passthrough", call)
        self.assertEqual([leg["codec"] for leg in call["legs"]], ["PCMU", "PCMU"], call)

    # -- 9: bad input during a call --------------------------------------------

    def test_9_bad_input_gets_clear_errors_and_the_call_goes_on(self):
        with RtpRecorder(self.bob.rtp_ports, self.sip.tmp, name="bob9") as rec:
            call_id = self.dial_bob()
            self.assertTrue(self.bob.wait_event("CALL_ESTABLISHED", 5))
            up = rec.since()
            # malformed JSON
            self.page.mgt("sendRaw", "a", "{not json")
            err = self.page.wait_event("error", 3, phone="a")
            self.assertEqual(err["detail"]["error"]["code"], "bad_request", err)
            self.assertTrue(err["detail"]["error"]["message"])
            # unknown call id
            res = self.page.mgt("request", "a", "hangup", {"call_id": "c-no-such-call"})
            self.assertEqual(res.get("error", {}).get("code"), "unknown_call", res)
            res = self.page.mgt("request", "a", "dtmf", {"call_id": "c-no-such-call", "digits": "1"})
            self.assertEqual(res.get("error", {}).get("code"), "unknown_call", res)
            # a garbage SDP answer for the live call
            errors = len(self.page.events(phone="a", type="error"))
            self.page.mgt("sendRaw", "a", json.dumps(
                {"type": "sdp", "call_id": call_id, "sdp": {"type": "answer", "sdp": "garbage"}}))
            self.assertTrue(wait_for(
                lambda: len(self.page.events(phone="a", type="error")) > errors, 3),
                "no error for a garbage SDP answer")
            err = self.page.events(phone="a", type="error")[-1]
            self.assertIn(err["detail"]["error"]["code"], {"bad_request", "invalid_state"}, err)
            # a second login for the same extension
            second = self.page.login("b", token=self.sip.session_token("1000"))
            self.assertEqual(second.get("error", {}).get("code"), "already_connected", second)
            # the call goes on: state, tones both ways
            self.assertEqual(self.page.mgt("state", call_id)["state"], "connected")
            self.assertEqual(self.page.events(call_id=call_id, type="ended"), [])
            self.assert_hears(self.page, call_id, FAR_HZ)
            end = rec.since()
        assert_tone(rec.wav(), MIC_HZ, (up + START_S, end))
        self.one_call()
        self.page.ok("hangup", call_id)


SRTP_SUITES = ("AES_CM_128_HMAC_SHA1_80", "AES_CM_128_HMAC_SHA1_32",
               "AES_256_CM_HMAC_SHA1_80", "AES_256_CM_HMAC_SHA1_32")


class SrtpSipLeg(PageAndFarPhone):
    """SDES-SRTP on the SIP leg (RFC 4568) with media policy sip_srtp=required
    (one test: preferred): bob is baresip with its srtp module
    (mediaenc=srtp-mand, RTP/SAVP); carol (2002) is a baresip without it. The wire toward bob carries SRTP, so what
    bob heard is read from baresip's own decoded recording (sndfile dec.wav),
    and the capture must hold no decodable tone."""

    @classmethod
    def setUpClass(cls):
        # sofia dumps every SIP message (SDP with the keys) into the debug log
        os.environ["TPORT_LOG"] = "1"
        try:
            super().setUpClass()
        finally:
            del os.environ["TPORT_LOG"]
        try:
            r = cls.sip.daemon.admin("PATCH", "/cms/api/v1/diagnostics",
                                     {"log_levels": {"sip": "debug", "media": "debug"}})
            assert r.status == 200, r
            r = cls.sip.daemon.admin("PATCH", "/cms/api/v1/media", {"sip_srtp": "required"})
            assert r.status == 200, r
            cls.bob = cls.sip.baresip("2000", "p2000", tone=FAR_HZ, codecs="PCMU",
                                      mediaenc="srtp-mand")
            cls.carol = cls.sip.baresip("2002", "p2002", tone=FAR_HZ, codecs="PCMU")
        except BaseException:
            cls.tearDownClass()
            raise

    def bob_heard(self, since):
        """baresip's decoded recording of the newest call since `since` (a
        time.time()); call after the call ended (the WAV is then complete)."""
        rec = os.path.join(self.bob.dir, "rec")
        ok = wait_for(lambda: [f for f in os.listdir(rec) if f.endswith("-dec.wav")
                               and os.path.getmtime(os.path.join(rec, f)) >= since], 5)
        self.assertTrue(ok, f"no dec.wav from bob in {os.listdir(rec)}")
        newest = max((os.path.join(rec, f) for f in os.listdir(rec) if f.endswith("-dec.wav")),
                     key=os.path.getmtime)
        time.sleep(0.5)  # baresip closes the file after CALL_CLOSED
        return newest

    def assert_srtp_on_the_wire(self, rec):
        audio = [p for p in rec.rtp() if p[2] == 0]
        self.assertGreater(len(audio), 50, "no PCMU-typed packets toward bob")
        # a 20 ms PCMU packet is 160 bytes; SRTP adds its auth tag (10 or 4)
        sizes = sorted({len(p[6]) for p in audio})
        self.assertTrue(set(sizes) <= {164, 170}, f"payload sizes {sizes}: not SRTP")
        # and decoded as plain PCMU it is noise, never the page's tone
        tones = [w for w in tone_windows(rec.wav())
                 if abs(w["hz"] - MIC_HZ) <= 30 and w["purity"] >= 0.3]
        self.assertEqual(tones, [], "the page's tone is readable on the wire")

    def assert_call_is_srtp(self):
        """The SIP leg's protection in the calls API: an SDES suite; returned."""
        sip_leg = [leg for leg in self.one_call()["legs"] if leg["kind"] == "sip"][0]
        self.assertIn(sip_leg.get("srtp"), SRTP_SUITES, sip_leg)
        return sip_leg["srtp"]

    def hang_up_and_check_bob(self, call_id, rec, start):
        """Ends the call, then: the capture toward bob was SRTP, and bob
        decrypted and decoded the page's tone. sndfile's dec.wav stops at
        the first telephone-event packet bob receives (a "codec change" for
        baresip 1.0.0): tests send digits to bob only after 3 s of tone."""
        self.page.ok("hangup", call_id)
        self.assertTrue(self.bob.wait_event("CALL_CLOSED", 5), self.bob.event_types())
        self.assert_srtp_on_the_wire(rec)
        heard = self.bob_heard(start)
        sr, x = wavwin.read_wav(heard)
        assert_tone(heard, MIC_HZ, (START_S, min(4.0, len(x) / sr - 0.3)))

    def hear_far_tone_for_3s(self, call_id):
        t = time.monotonic()
        self.assert_hears(self.page, call_id, FAR_HZ)
        time.sleep(max(0.0, 3.2 - (time.monotonic() - t)))

    def test_1_page_calls_srtp_phone_tones_both_ways_and_dtmf(self):
        start = time.time()
        with RtpRecorder(self.bob.rtp_ports, self.sip.tmp, name="srtp1") as rec:
            call_id = self.dial_bob()
            self.assertTrue(self.bob.wait_event("CALL_ESTABLISHED", 5), self.bob.event_types())
            self.assert_call_is_srtp()
            self.hear_far_tone_for_3s(call_id)
            # RFC 4733 inside SRTP
            self.assertEqual(self.page.ok("sendDtmf", call_id, "1234#", "rfc4733"), "rfc4733")
            wait_for(lambda: len(dtmf_digits(self.bob)) >= 5, 8)
            self.assertEqual(dtmf_digits(self.bob), "1234#")
        self.hang_up_and_check_bob(call_id, rec, start)

    def test_2_srtp_phone_calls_page_tones_both_ways_and_dtmf(self):
        start = time.time()
        with RtpRecorder(self.bob.rtp_ports, self.sip.tmp, name="srtp2") as rec:
            call_id = self.bob_calls_page()
            self.assert_call_is_srtp()
            self.hear_far_tone_for_3s(call_id)
            # RFC 4733 both ways inside SRTP (toward bob the page's audio and
            # events are numbered as one stream, or SRTP refuses the events)
            self.assertEqual(self.page.ok("sendDtmf", call_id, "1234#", "rfc4733"), "rfc4733")
            wait_for(lambda: len(dtmf_digits(self.bob)) >= 5, 8)
            self.assertEqual(dtmf_digits(self.bob), "1234#")
            self.bob.command("sndcode", "59*")
            wait_for(lambda: len(self.page.events(type="dtmf", call_id=call_id)) >= 3, 8)
            digits = "".join(e["detail"]["digit"] for e in self.page.events(type="dtmf",
                                                                            call_id=call_id))
            self.assertEqual(digits, "59*")
        self.hang_up_and_check_bob(call_id, rec, start)

    def test_3_hold_and_retrieve_keep_srtp(self):
        with RtpRecorder(self.bob.rtp_ports, self.sip.tmp, name="srtp3") as rec:
            call_id = self.dial_bob()
            self.assertTrue(self.bob.wait_event("CALL_ESTABLISHED", 5))
            suite = self.assert_call_is_srtp()
            self.assert_hears(self.page, call_id, FAR_HZ)
            for who in ("page", "bob"):
                if who == "page":
                    self.page.ok("hold", call_id)
                else:
                    self.bob.command("hold")
                self.page.wait_event("held", 5, call_id=call_id)
                time.sleep(1.5)
                if who == "page":
                    self.page.ok("unhold", call_id)
                else:
                    self.bob.command("resume")
                self.page.wait_event("resumed", 5, call_id=call_id)
                time.sleep(1)
                self.assert_hears(self.page, call_id, FAR_HZ)
            resumed_at = rec.since()
            time.sleep(1.5)
            self.assertEqual(self.assert_call_is_srtp(), suite)
        self.page.ok("hangup", call_id)
        late = [p for p in rec.rtp() if p[2] == 0 and p[0] > resumed_at]
        self.assertGreater(len(late), 40, "bob gets no media after the second retrieve")
        self.assert_srtp_on_the_wire(rec)

    def test_4_opus_page_transcodes_into_srtp_with_dtmf(self):
        self.page.prefer_codecs(["audio/opus", "audio/telephone-event"])
        start = time.time()
        with RtpRecorder(self.bob.rtp_ports, self.sip.tmp, name="srtp4") as rec:
            call_id = self.dial_bob()
            self.assertTrue(self.bob.wait_event("CALL_ESTABLISHED", 5), self.bob.event_types())
            call = self.one_call()
            self.assertEqual(call["shape"], "transcoding", call)
            self.assert_call_is_srtp()
            self.hear_far_tone_for_3s(call_id)
            # digits decoded here and played again into the SRTP stream
            self.page.ok("sendDtmf", call_id, "73#", "rfc4733")
            wait_for(lambda: len(dtmf_digits(self.bob)) >= 3, 8)
            self.assertEqual(dtmf_digits(self.bob), "73#")
        self.hang_up_and_check_bob(call_id, rec, start)

    def test_6_preferred_falls_back_to_plain_rtp(self):
        r = self.sip.daemon.admin("PATCH", "/cms/api/v1/media", {"sip_srtp": "preferred"})
        self.assertEqual(r.status, 200, r)
        self.addCleanup(self.sip.daemon.admin, "PATCH", "/cms/api/v1/media",
                        {"sip_srtp": "required"})
        carol = self.carol
        self.addCleanup(self.hang_up_bob, carol)
        with RtpRecorder(carol.rtp_ports, self.sip.tmp, name="plain6") as rec:
            call_id = self.dial_bob("2002")
            self.assertTrue(carol.wait_event("CALL_ESTABLISHED", 5), carol.event_types())
            up = rec.since()
            sip_leg = [leg for leg in self.one_call()["legs"] if leg["kind"] == "sip"][0]
            self.assertEqual(sip_leg.get("srtp"), "none", sip_leg)
            self.assert_hears(self.page, call_id, FAR_HZ)
            end = rec.since()
        self.page.ok("hangup", call_id)
        # plain RTP: the page's tone is on the wire
        assert_tone(rec.wav(), MIC_HZ, (up + START_S, end))

    def test_7_keys_stay_out_of_the_logs(self):
        """Runs last: the calls above logged their SIP messages at debug level
        (SDP included); every SDES key in them is redacted."""
        d = self.sip.daemon
        text = "".join(d.log)
        for root, _dirs, files in os.walk(d.log_dir):
            for name in files:
                with open(os.path.join(root, name), errors="replace") as f:
                    text += f.read()
        self.assertIn("inline:<redacted>", text, "no SDES SDP reached the debug log")
        keys = re.findall(r"inline:(?!<redacted>)[A-Za-z0-9+/=]{8,}", text)
        self.assertEqual(keys, [], "SDES keys in the daemon's log")

    def test_5_plain_phone_is_refused_and_the_daemon_goes_on(self):
        carol = self.carol
        self.addCleanup(self.hang_up_bob, carol)
        # carol (plain RTP/AVP) calls the page: 488 before it rings
        carol.send("dial", self.sip.sip_uri("1000"))
        self.assertTrue(carol.wait_event("CALL_CLOSED", 10), carol.event_types())
        self.assertTrue(any("488" in r for r in carol.closed_reasons()), carol.closed_reasons())
        self.assertEqual(self.page.events(type="incoming"), [])
        # the page calls carol: our RTP/SAVP offer is refused by her
        res = self.page.ok("dial", "a", "2002")
        ended = self.page.wait_event("ended", SETUP_S, call_id=res["call_id"])
        self.assertIn(ended["detail"]["cause"], ("rejected", "srtp_required"), ended)
        self.wait_calls_empty(2)
        # and an SRTP call still works
        call_id = self.dial_bob()
        self.assert_hears(self.page, call_id, FAR_HZ)
        self.page.ok("hangup", call_id)


class Failover(CallsBase):
    """7: the primary Kamailio stops; the extensions register with the
    secondary within seconds and calls work both ways through it, tones
    both ways. The far phone is registered with the secondary."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        try:
            cls.secondary = Kamailio(dict(FAR_USERS, **cls.sip.extensions)).start()
            r = cls.sip.daemon.admin("PATCH", "/cms/api/v1/sip", {
                "secondary_uri": cls.secondary.uri, "keepalive_interval": 1,
                "keepalive_max_missed": 2})
            assert r.status == 200, r
            cls.bob = Baresip("2000", "p2000", f"{cls.secondary.ip}:{cls.secondary.port}",
                              tone=FAR_HZ, codecs="PCMU").start()
            if not wait_for(cls.bob.registered, 10):
                raise RuntimeError("baresip did not register with the secondary")
        except BaseException:
            cls.tearDownClass()
            raise

    @classmethod
    def tearDownClass(cls):
        for peer in (getattr(cls, "bob", None), getattr(cls, "secondary", None)):
            if peer is not None:
                peer.cleanup()
        super().tearDownClass()

    def far_uri(self, user):
        return f"sip:{user}@{self.secondary.ip}:{self.secondary.port}"

    def registrars(self):
        r = self.sip.daemon.admin("GET", "/cms/api/v1/registrations")
        return {i["extension"]: (i["state"], i["registrar"]) for i in r.json["items"]}

    def cti_monitor(self, device):
        """A CTI application monitoring device (docs/cti.md)."""
        d = self.sip.daemon
        self.sip.session_token(device)  # makes the client credential
        token = d.client("POST", "/oauth/token", "grant_type=client_credentials",
                         auth=(CLIENT_ID, CLIENT_SECRET),
                         content_type="application/x-www-form-urlencoded").json["access_token"]
        cti = CstaClient(d.cti_port).connect()
        self.addCleanup(cti.close)
        cti.start(token)
        reply = cti.request(f'<MonitorStart xmlns="{ED6}"><monitorObject><deviceObject>{device}'
                            '</deviceObject></monitorObject></MonitorStart>')
        self.assertEqual(reply.name, "MonitorStartResponse", reply)
        return cti

    def test_7_calls_work_after_failover_to_the_secondary(self):
        primary, secondary = self.sip.kamailio.uri, self.secondary.uri
        self.assertEqual(set(self.registrars().values()), {("registered", primary)})
        cti = self.cti_monitor("1000")
        self.sip.kamailio.stop()
        self.assertTrue(wait_for(
            lambda: set(self.registrars().values()) == {("registered", secondary)}, 20),
            self.registrars())
        # CTI applications hear it: the platform, then the device
        status = cti.wait(lambda m: m.name == "SystemStatus"
                          and text(m.root, "systemStatus") == "partiallyDisabled", 5)
        self.assertNotEqual(status.invoke_id, 9999)
        out = cti.wait("OutOfServiceEvent", 5)
        self.assertEqual(text(out.root, "device"), "1000")
        self.assertEqual(text(cti.wait("BackInServiceEvent", 10).root, "device"), "1000")
        cti.wait(lambda m: m.name == "SystemStatus" and text(m.root, "systemStatus") == "normal", 10)
        self.page = self.open_page()
        reg = self.page.login("a", token=self.sip.session_token("1000"))
        self.assertEqual(reg.get("type"), "registered", reg)
        self.addCleanup(self.page.mgt, "logout", "a")
        # the page calls the far phone through the secondary
        with RtpRecorder(self.bob.rtp_ports, self.sip.tmp, name="bob7a") as rec:
            call_id = self.dial_bob()
            self.assertTrue(self.bob.wait_event("CALL_ESTABLISHED", 5), self.bob.event_types())
            up = rec.since()
            self.assert_hears(self.page, call_id, FAR_HZ)
            end = rec.since()
        assert_tone(rec.wav(), MIC_HZ, (up + START_S, end))
        self.page.ok("hangup", call_id)
        self.assertTrue(self.bob.wait_event("CALL_CLOSED", 5), self.bob.event_types())
        self.wait_calls_empty(2)
        # and the far phone calls the extension through it
        with self.bob.lock:
            self.bob.events.clear()
        with RtpRecorder(self.bob.rtp_ports, self.sip.tmp, name="bob7b") as rec:
            call_id = self.bob_calls_page()
            up = rec.since()
            self.assert_hears(self.page, call_id, FAR_HZ)
            end = rec.since()
        assert_tone(rec.wav(), MIC_HZ, (up + START_S, end))
        self.page.ok("hangup", call_id)
        self.assertTrue(self.bob.wait_event("CALL_CLOSED", 5), self.bob.event_types())
        self.assertEqual(self.sip.daemon.admin("GET", "/cms/api/v1/registrations")
                         .json["active_registrar"], secondary)


class EmbeddedDefault(CallsBase):
    """8: no SIP platform; two pages (two extensions) call each other. Both
    use Chromium's one fake microphone, so each must hear 1 kHz."""
    platform = False

    def test_8_two_pages_call_each_other(self):
        p1, p2 = self.open_page("p1"), self.open_page("p2")
        reg = p1.login("x", extension="1000", password="p1000")
        self.assertEqual(reg.get("type"), "registered", reg)
        reg = p2.login("y", extension="1001", password="p1001")
        self.assertEqual(reg.get("type"), "registered", reg)
        self.addCleanup(p1.mgt, "logout", "x")
        self.addCleanup(p2.mgt, "logout", "y")
        out = p1.ok("dial", "x", "1001")["call_id"]
        ring = p2.wait_event("incoming", SETUP_S, phone="y")
        self.assertEqual(ring["detail"]["from"]["number"], "1000", ring)
        inc = ring["call_id"]
        p2.ok("accept", inc)
        p2.wait_event("accepted", SETUP_S, call_id=inc)
        p1.wait_event("accepted", SETUP_S, call_id=out)
        self.assert_hears(p1, out, MIC_HZ)
        self.assert_hears(p2, inc, MIC_HZ)
        self.assert_packets_grow(p1, out)
        self.assert_packets_grow(p2, inc)
        call = self.sip.calls()
        self.assertEqual(len(call), 1, call)
        self.assertEqual(call[0]["shape"], "passthrough", call)
        p1.ok("hangup", out)
        self.assertEqual(p2.wait_event("ended", 1, call_id=inc)["detail"]["cause"], "remote_hangup")
        self.wait_calls_empty(1)


if __name__ == "__main__":
    unittest.main(verbosity=2)
