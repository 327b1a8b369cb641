"""MgSipAgent against real peers (Kamailio with digest auth, baresip, sipp),
driven through GObject introspection as a script would. SIP only: no WebRTC,
so plain loopback works."""
import os
import subprocess
import sys
import tempfile
import time
import unittest

import gi

gi.require_version("Mediagate", "1.0")
from gi.repository import GLib, Mediagate  # noqa: E402

from sippeers import Baresip, Kamailio, free_udp_port  # noqa: E402

State = Mediagate.SipRegistrationState


def spin(predicate, timeout=10):
    """Runs the default main context until predicate() or timeout."""
    ctx = GLib.MainContext.default()
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        ctx.iteration(False)
        time.sleep(0.005)
    return predicate()


class Registration(unittest.TestCase):
    def setUp(self):
        Mediagate.init()
        self.kam = Kamailio({"1000": "p1000", "1001": "p1001", "bob": "bobpw"}).start()
        self.agent = Mediagate.SipAgent.new()
        self.port = free_udp_port()
        self.assertTrue(self.agent.start("127.0.0.1", self.port))

    def tearDown(self):
        self.agent.stop()
        self.kam.cleanup()

    def test_digest_registration_and_wrong_password(self):
        self.agent.set_retry_limits(60, 60)
        self.agent.set_platform(self.kam.uri, None, 600)
        good = self.agent.add_account("1000", None, "p1000", None, "Agent 1000")
        bad = self.agent.add_account("1001", None, "not-the-password", None, None)
        self.assertTrue(spin(lambda: good.get_state() == State.REGISTERED
                             and bad.get_state() == State.FAILED))
        self.assertEqual(good.get_registrar(), self.kam.uri)
        self.assertAlmostEqual(good.get_expires_at() - time.time(), 600, delta=5)
        self.assertEqual(bad.get_last_error(), "401 Unauthorized")
        self.assertEqual(self.agent.count_registered(), 1)
        # exactly one answered challenge per REGISTER: no loop on bad credentials
        self.assertEqual(len(self.kam.requests("REGISTER")), 4)

    def test_failed_registration_retries(self):
        self.agent.set_retry_limits(1, 2)
        self.agent.set_platform(self.kam.uri, None, 600)
        bad = self.agent.add_account("1001", None, "wrong", None, None)
        self.assertTrue(spin(lambda: bad.get_state() == State.FAILED))
        first = len(self.kam.requests("REGISTER"))
        self.assertTrue(spin(lambda: len(self.kam.requests("REGISTER")) >= first + 2, 5))

    def test_known_extension_without_phone_gets_480_through_kamailio(self):
        self.agent.set_platform(self.kam.uri, None, 600)
        reg = self.agent.add_account("1000", None, "p1000", None, None)
        self.assertTrue(spin(lambda: reg.get_state() == State.REGISTERED))
        bob = Baresip("bob", "bobpw", f"{self.kam.ip}:{self.kam.port}").start()
        try:
            self.assertTrue(spin(bob.registered, 10))
            bob.command("dial", f"sip:1000@{self.kam.ip}:{self.kam.port}")
            self.assertTrue(spin(lambda: "CALL_CLOSED" in bob.event_types(), 10))
            self.assertIn("480", " ".join(bob.closed_reasons()))
        finally:
            bob.cleanup()

    def test_unknown_number_gets_404(self):
        self.agent.set_platform(self.kam.uri, None, 600)
        self.agent.add_account("1000", None, "p1000", None, None)
        for number, code in (("1999", 404), ("1000", 480)):
            self.assertEqual(sipp_invite(self.port, number, spin), code, number)


def plain_sdp(port, direction="sendrecv"):
    return ("v=0\r\no=mediagate 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\n"
            f"t=0 0\r\nm=audio {port} RTP/AVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n"
            f"a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na={direction}\r\n")


class Calls(unittest.TestCase):
    """SIP dialogs of an extension with baresip through Kamailio (no media here)."""

    def setUp(self):
        Mediagate.init()
        self.kam = Kamailio({"1000": "p1000", "bob": "bobpw"}).start()
        self.agent = Mediagate.SipAgent.new()
        self.assertTrue(self.agent.start("127.0.0.1", free_udp_port()))
        self.agent.set_platform(self.kam.uri, None, 600)
        self.reg = self.agent.add_account("1000", None, "p1000", None, "Agent 1000")
        self.assertTrue(spin(lambda: self.reg.get_state() == State.REGISTERED))
        self.bob = Baresip("bob", "bobpw", f"{self.kam.ip}:{self.kam.port}").start()
        self.assertTrue(spin(self.bob.registered, 10))
        self.ended = []

    def tearDown(self):
        self.bob.cleanup()
        self.agent.stop()
        self.kam.cleanup()

    def watch(self, dialog):
        dialog.connect("ended", lambda d, status, reason, remote:
                       self.ended.append((status, reason, remote)))

    def test_inbound_call_rings_answers_and_remote_hangup(self):
        dialogs = []

        def on_incoming(agent, dialog):
            dialogs.append(dialog)
            self.watch(dialog)
            dialog.ring()
            return True
        self.agent.connect("incoming-call", on_incoming)
        self.bob.command("dial", f"sip:1000@{self.kam.ip}:{self.kam.port}")
        self.assertTrue(spin(lambda: dialogs, 10))
        dialog = dialogs[0]
        self.assertEqual(dialog.get_remote_number(), "bob")
        self.assertIn("m=audio", dialog.get_remote_sdp())
        self.assertTrue(spin(lambda: "CALL_RINGING" in self.bob.event_types(), 5))

        confirmed = []
        dialog.connect("confirmed", lambda d: confirmed.append(True))
        dialog.answer(plain_sdp(free_udp_port()))
        self.assertTrue(spin(lambda: "CALL_ESTABLISHED" in self.bob.event_types(), 5))
        self.assertTrue(spin(lambda: confirmed, 5))
        self.assertEqual(dialog.get_state(), Mediagate.SipDialogState.CONFIRMED)

        # hold from the far end arrives as a re-offer we answer
        offers = []
        dialog.connect("reoffered", lambda d, sdp: offers.append(sdp))
        self.bob.command("hold")
        self.assertTrue(spin(lambda: offers, 5))
        self.assertIn("a=sendonly", offers[0])
        dialog.accept_reinvite(plain_sdp(free_udp_port(), "recvonly"))
        spin(lambda: False, 0.5)
        self.assertEqual(self.ended, [])

        self.bob.command("hangup")
        self.assertTrue(spin(lambda: self.ended, 5))
        self.assertEqual(self.ended, [(0, None, True)])

    def test_outbound_call_with_digest_auth_and_local_hangup(self):
        dialog = self.agent.call("1000", "bob", plain_sdp(free_udp_port()))
        self.watch(dialog)
        answered = []
        dialog.connect("answered", lambda d, sdp: answered.append(sdp))
        self.assertTrue(spin(lambda: answered, 10))
        self.assertIn("m=audio", answered[0])
        self.assertTrue(spin(lambda: "CALL_ESTABLISHED" in self.bob.event_types(), 5))
        # Kamailio challenged the INVITE and got our credentials
        self.assertGreaterEqual(len(self.kam.requests("INVITE")), 2)
        dialog.hangup()
        self.assertTrue(spin(lambda: "CALL_CLOSED" in self.bob.event_types(), 5))
        self.assertTrue(spin(lambda: self.ended, 5))
        self.assertEqual(self.ended[0][2], False)

    def test_outbound_failure_reports_status(self):
        dialog = self.agent.call("1000", "4711", plain_sdp(free_udp_port()))
        self.watch(dialog)
        self.assertTrue(spin(lambda: self.ended, 10))
        self.assertEqual(self.ended[0][:2], (404, "Not Found"))

    def test_bad_dial_strings_are_refused(self):
        for to in ("", "bob; drop", "sip:evil@elsewhere", "1" * 80):
            with self.assertRaises(GLib.Error):
                self.agent.call("1000", to, plain_sdp(4000))
        with self.assertRaises(GLib.Error):
            self.agent.call("9999", "2000", plain_sdp(4000))


class Failover(unittest.TestCase):
    def setUp(self):
        Mediagate.init()
        users = {"1000": "p1000"}
        self.primary = Kamailio(users).start()
        self.secondary = Kamailio(users).start()
        self.agent = Mediagate.SipAgent.new()
        self.assertTrue(self.agent.start("127.0.0.1", free_udp_port()))
        self.agent.set_keepalive(1, 2)
        self.agent.set_retry_limits(1, 2)

    def tearDown(self):
        self.agent.stop()
        self.primary.cleanup()
        self.secondary.cleanup()

    def test_moves_to_secondary_and_stays(self):
        self.agent.set_platform(self.primary.uri, self.secondary.uri, 600)
        reg = self.agent.add_account("1000", None, "p1000", None, None)
        self.assertTrue(spin(lambda: reg.get_state() == State.REGISTERED))
        self.assertEqual(reg.get_registrar(), self.primary.uri)
        # the primary answers the keep-alives while it lives
        self.assertTrue(spin(lambda: len(self.primary.requests("OPTIONS")) >= 2, 5))

        self.primary.stop()
        self.assertTrue(spin(lambda: reg.get_registrar() == self.secondary.uri
                             and reg.get_state() == State.REGISTERED, 15))
        self.assertEqual(self.agent.get_active_registrar(), self.secondary.uri)

        # the primary comes back: no flapping, we stay on the secondary
        self.primary.start()
        spin(lambda: False, 4)
        self.assertEqual(self.agent.get_active_registrar(), self.secondary.uri)
        self.assertEqual(reg.get_registrar(), self.secondary.uri)


SIPP_SCENARIO = """<?xml version="1.0" encoding="ISO-8859-1" ?>
<scenario name="invite expecting a final answer">
  <send retrans="500">
    <![CDATA[
INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: 1 INVITE
Contact: sip:sipp@[local_ip]:[local_port]
Max-Forwards: 70
Content-Type: application/sdp
Content-Length: [len]

v=0
o=user1 53655765 2353687637 IN IP[local_ip_type] [local_ip]
s=-
c=IN IP[media_ip_type] [media_ip]
t=0 0
m=audio [media_port] RTP/AVP 0
a=rtpmap:0 PCMU/8000
    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="CODE"/>
  <send>
    <![CDATA[
ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
Call-ID: [call_id]
CSeq: 1 ACK
Max-Forwards: 70
Content-Length: 0

    ]]>
  </send>
</scenario>
"""


def sipp_invite(port, number, spin):
    """Sends one INVITE for number to 127.0.0.1:port with sipp; returns the
    final status code it got (tries the codes we expect)."""
    for code in (404, 480):
        with tempfile.NamedTemporaryFile("w", suffix=".xml", delete=False) as f:
            f.write(SIPP_SCENARIO.replace("CODE", str(code)))
            path = f.name
        proc = subprocess.Popen(
            ["sipp", "-sf", path, "-s", number, "-m", "1", "-i", "127.0.0.1",
             "-p", str(free_udp_port()), "-timeout", "5s", "-timeout_error", "-nostdin",
             f"127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        spin(lambda: proc.poll() is not None, 8)
        os.unlink(path)
        if proc.returncode == 0:
            return code
    return None


if __name__ == "__main__":
    unittest.main(verbosity=2)
