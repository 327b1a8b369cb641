"""The call-test harness, proven on what works before the call layer:

- the daemon's own agent page (/webkit/) in headless Chromium, with the
  REAL library it serves driven by browser/phone-test.js: a session token from
  the app-server flow logs in (`registered`), the extension is registered with
  Kamailio, a `call` request gets a `response` for its id, bad frames and a
  second login get clear errors while the first phone stays connected;
- the far-phone ears: a baresip -> baresip call through Kamailio (440 Hz one
  way, 660 Hz the other, a hold in the middle) recorded from the wire with
  tcpdump -> rtpcap2wav -> wavwin, and DTMF `1234#` seen as ctrl_tcp events;
- the SIP INFO far phone (sipp, no telephone-event) registers, answers and
  reports INFO digits in order.

Runs through run-in-netns (meson does), like the call tests that use it.
"""
import os
import time
import unittest

from mgcalls import (FAR_HZ, PhonePage, RtpRecorder, SipPlatform, assert_tone, browser,
                     dtmf_digits, require_netns, wait_for)
import subprocess

FAR_USERS = {"2000": "p2000", "2001": "p2001", "2002": "p2002", "2009": "p2009"}
PROTOCOL_ERRORS = {"bad_request", "unknown_call", "invalid_state", "limit_reached", "not_found",
                   "failed"}


class PhonePageHarness(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        require_netns()
        cls.sip = SipPlatform(FAR_USERS).__enter__()
        try:
            cls.chrome = browser(cls.sip.tmp)
        except BaseException:
            cls.sip.__exit__()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.chrome.close()
        cls.sip.__exit__()

    def test_page_logs_in_with_a_session_token_and_speaks_the_protocol(self):
        page = PhonePage(self.chrome, self.sip.daemon)
        # the real agent page loaded (its sign-in form) and our library import worked
        self.assertTrue(page.js("Boolean(document.querySelector('form'))"))
        self.assertTrue(page.js("typeof MediagatePhone === 'undefined'"))  # a module, not a global
        reg = page.login("a", token=self.sip.session_token("1000"))
        self.assertEqual(reg.get("type"), "registered", reg)
        self.assertEqual(reg["extension"], "1000")
        self.assertTrue(reg["session_id"].startswith("s-"))
        self.assertEqual(page.mgt("phoneState", "a")["state"], "connected")
        self.assertEqual(self.sip.registration_states()["1000"], "registered")

        # a `call` request is answered with a response for its id (whatever it
        # is before the call layer): the library resolves or rejects on it, a
        # missing response would be `timeout`
        res = page.mgt("request", "a", "call", {"to": "2000"}, timeout=25)
        if "error" in res:
            self.assertIn(res["error"]["code"], PROTOCOL_ERRORS, res)
            self.assertTrue(res["error"]["message"])
        else:
            self.assertEqual(res["type"], "response", res)
            self.assertTrue(res["ok"])
            self.assertIsInstance(res["call_id"], str)
            page.mgt("request", "a", "hangup", {"call_id": res["call_id"]})

        # bad input: an error, and the phone stays connected
        page.mgt("sendRaw", "a", "this is not json")
        err = page.wait_event("error", phone="a")
        self.assertEqual(err["detail"]["error"]["code"], "bad_request", err)
        res = page.mgt("request", "a", "hangup", {"call_id": "c-does-not-exist"})
        self.assertIn(res.get("error", {}).get("code"), {"unknown_call", "bad_request"}, res)
        self.assertEqual(page.mgt("request", "a", "ping").get("ok"), True)

        # a second phone for the same extension is refused; the first goes on
        second = page.login("b", token=self.sip.session_token("1000"))
        self.assertEqual(second.get("error", {}).get("code"), "already_connected", second)
        self.assertEqual(page.mgt("request", "a", "ping").get("ok"), True)
        self.assertEqual(page.mgt("phoneState", "a")["state"], "connected")
        page.mgt("logout", "a")
        self.chrome.close_page()

    def test_far_phone_recording_hears_tones_holds_and_dtmf(self):
        alice = self.sip.baresip("2000", "p2000", tone=FAR_HZ)
        bob = self.sip.baresip("2001", "p2001", tone=660)
        with RtpRecorder(alice.rtp_ports, self.sip.tmp, name="alice") as at_alice, \
                RtpRecorder(bob.rtp_ports, self.sip.tmp, name="bob") as at_bob:
            alice.send("dial", self.sip.sip_uri("2001"))
            self.assertTrue(alice.wait_event("CALL_ESTABLISHED", 10), alice.event_types())
            established = at_bob.since()
            time.sleep(2.5)
            alice.command("hold")
            held = at_bob.since()
            time.sleep(3)
            alice.command("resume")
            resumed = at_bob.since()
            time.sleep(2.5)
            alice.command("sndcode", "1234#")
            self.assertTrue(wait_for(lambda: len(dtmf_digits(bob)) >= 5, 5), dtmf_digits(bob))
            alice.command("hangup")
            self.assertTrue(bob.wait_event("CALL_CLOSED", 5))
        self.assertEqual(dtmf_digits(bob), "1234#")
        bob_wav, alice_wav = at_bob.wav(), at_alice.wav()
        for phone, rec in ((alice, at_alice), (bob, at_bob)):
            self.assertGreater(rec.summary["packets"], 100, (phone.rtp_ports, rec.summary,
                               [l for l in phone.log if "rtp" in l.lower()]))
        # 1 s windows, a margin around each change (a re-INVITE takes a moment)
        assert_tone(bob_wav, FAR_HZ, (established + 0.5, held))
        assert_tone(bob_wav, "silence", (held + 1, resumed))
        assert_tone(bob_wav, FAR_HZ, (resumed + 1, resumed + 2.5))
        assert_tone(alice_wav, 660, (established + 0.5, held))
        assert_tone(alice_wav, 660, (resumed + 1, resumed + 2.5))
        self.assertEqual(at_bob.summary["payload_types"].get(0, 0) > 100, True, at_bob.summary)
        # the checker can fail: bob did not hear 660 Hz, nor silence while talking
        with self.assertRaises(AssertionError):
            assert_tone(bob_wav, 660, (established + 0.5, held))
        with self.assertRaises(AssertionError):
            assert_tone(bob_wav, "silence", (established + 0.5, held))

    def test_sip_info_far_phone(self):
        carol = self.sip.sipp_info_phone("2002", "p2002")
        kam = self.sip.kamailio
        uac = subprocess.run(
            ["sipp", "-sf", os.path.join(os.path.dirname(__file__), "sipp", "uac_info_dtmf.xml"),
             "-s", "2002", "-au", "2009", "-ap", "p2009", "-i", "127.0.0.1", "-p", "0",
             "-mp", "0", "-m", "1", "-nostdin", "-timeout", "20", f"{kam.ip}:{kam.port}"],
            cwd=carol.dir, capture_output=True, text=True, timeout=30)
        self.assertEqual(uac.returncode, 0, uac.stderr[-2000:])
        self.assertTrue(wait_for(carol.finished, 5))
        self.assertEqual(carol.info_digits(), "12#")


if __name__ == "__main__":
    unittest.main(verbosity=2)
