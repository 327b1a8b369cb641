"""The CTI interface (docs/cti.md) from outside, as an application sees it:
wss://…/csta with subprotocols csta-xml and csta-xml-tcp, ECMA-354 session
start with an access token, edition negotiation, the session timer and the
heartbeat, errors for bad input that leave the session usable."""
import time
import unittest

from cstaclient import (ED4, ED6, EVENT_ID, SESSION_NS, CstaClient, find, start_session,
                        text)
from mgtest import Daemon

SECRET = "cti-test-secret-0123456789"
FORM = "application/x-www-form-urlencoded"


class Cti(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = Daemon().start()
        r = cls.d.admin("POST", "/cms/api/v1/clients", {"client_id": "crm", "client_secret": SECRET})
        assert r.status == 201, r

    @classmethod
    def tearDownClass(cls):
        cls.d.cleanup()

    def token(self):
        r = self.d.client("POST", "/oauth/token", "grant_type=client_credentials",
                          auth=("crm", SECRET), content_type=FORM)
        self.assertEqual(r.status, 200, r)
        return r.json["access_token"]

    def client(self, protocol="csta-xml", **kw):
        c = CstaClient(self.d.cti_port, protocol, **kw).connect()
        self.addCleanup(c.close)
        return c

    def started(self, protocol="csta-xml", **kw):
        c = self.client(protocol)
        c.start(self.token(), **kw)
        return c

    def set_cti(self, **settings):
        r = self.d.admin("PATCH", "/cms/api/v1/cti", settings)
        self.assertEqual(r.status, 200, r)
        self.addCleanup(self.d.admin, "PUT", "/cms/api/v1/cti", {})

    # -- session start ----------------------------------------------------------

    def test_start_with_a_token_answers_in_ed6(self):
        c = self.client()
        reply = c.start(self.token(), versions=(ED4, ED6))
        self.assertEqual(reply.invoke_id, 1)
        self.assertEqual(reply.namespace, SESSION_NS)
        self.assertEqual(text(reply.root, "actualProtocolVersion"), ED6)
        self.assertEqual(text(reply.root, "actualSessionDuration"), "3600")
        self.assertTrue(c.session_id)
        status = c.request(f'<RequestSystemStatus xmlns="{ED6}"/>')
        self.assertEqual((status.name, status.namespace), ("RequestSystemStatusResponse", ED6))
        self.assertEqual(text(status.root, "systemStatus"), "normal")
        health = self.d.admin("GET", "/healthz").json
        self.assertGreaterEqual(health.get("cti_sessions", 0), 1, health)

    def test_edition_negotiated_down_to_ed4(self):
        c = self.started(versions=(ED4,), duration=30)
        self.assertEqual(c.namespace, ED4)
        status = c.request('<RequestSystemStatus/>')  # no namespace: accepted
        self.assertEqual(status.namespace, ED4)

    def test_no_supported_edition_is_refused_and_may_retry(self):
        c = self.client()
        reply = c.request(start_session(token=self.token(), versions=("urn:csta:ed99",)))
        self.assertEqual(reply.name, "StartApplicationSessionNegResponse")
        self.assertEqual(text(reply.root, "errorCode/definedError"), "requestedProtocolVersionNotSupported")
        c.start(self.token())

    def test_token_in_the_upgrade_authorization_header(self):
        c = self.client(bearer=self.token())
        reply = c.request(start_session())
        self.assertEqual(reply.name, "StartApplicationSessionPosResponse", reply)

    def test_bad_or_missing_token_is_refused_and_closed(self):
        for token in ("not.a.token", None):
            with self.subTest(token=token):
                c = self.client()
                reply = c.request(start_session(token=token))
                self.assertEqual(reply.name, "StartApplicationSessionNegResponse")
                self.assertEqual(text(reply.root, "errorCode/definedError"), "invalidApplicationInfo")
                self.assertEqual(c.wait_closed(), 1008)

    def test_first_message_must_start_the_session(self):
        c = self.client()
        reply = c.request(f'<MonitorStart xmlns="{ED6}"><monitorObject><deviceObject>1000'
                          '</deviceObject></monitorObject></MonitorStart>')
        self.assertEqual(reply.name, "CSTAErrorCode")
        self.assertEqual(text(reply.root, "security"), "generic")
        self.assertEqual(c.wait_closed(), 1008)

    def test_no_start_within_10_s_closes(self):
        c = self.client()
        self.assertEqual(c.wait_closed(13), 1008)

    # -- bad input keeps the session --------------------------------------------

    def test_bad_requests_get_errors_and_the_session_goes_on(self):
        c = self.started()
        cases = [
            (f'<NoSuchService xmlns="{ED6}"/>', "operation", "serviceNotSupported"),
            ("<unclosed>", "operation", "invalidParameterValue"),
            ('<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', "operation", "invalidParameterValue"),
        ]
        for xml, category, value in cases:
            with self.subTest(xml=xml):
                reply = c.request(xml)
                self.assertEqual(reply.name, "CSTAErrorCode", reply)
                self.assertEqual(text(reply.root, category), value, reply)
        self.assertEqual(c.request("<RequestSystemStatus/>").name, "RequestSystemStatusResponse")

    def test_bad_invoke_id_closes(self):
        c = self.started()
        c.conn.send_text("12x4<RequestSystemStatus/>")
        self.assertEqual(c.wait_closed(), 1008)

    def test_message_over_64_kib_closes_1009(self):
        c = self.started()
        c.send_raw(2, "<x>" + "a" * 70000 + "</x>")
        self.assertEqual(c.wait_closed(), 1009)

    def test_binary_frames_on_csta_xml_close(self):
        c = self.started()
        c.conn.send_binary(CstaClient.frame_bytes(2, "<RequestSystemStatus/>"))
        self.assertEqual(c.wait_closed(), 1003)

    # -- csta-xml-tcp: the ECMA-323 TCP byte stream --------------------------------

    def test_tcp_framing_split_and_merged(self):
        c = self.client("csta-xml-tcp")
        c.start(self.token())
        a = CstaClient.frame_bytes(7, "<RequestSystemStatus/>")
        b = CstaClient.frame_bytes(8, f'<SystemStatus xmlns="{ED6}"><systemStatus>normal</systemStatus></SystemStatus>')
        both = a + b
        c.conn.send_binary(both[:5])           # part of a header
        c.conn.send_binary(both[5:len(a) + 3])  # the rest of a, part of b
        c.conn.send_binary(both[len(a) + 3:])
        self.assertEqual(c.wait(lambda m: m.invoke_id == 7).name, "RequestSystemStatusResponse")
        self.assertEqual(c.wait(lambda m: m.invoke_id == 8).name, "SystemStatusResponse")

    def test_tcp_framing_garbage_closes(self):
        c = self.client("csta-xml-tcp")
        c.start(self.token())
        c.conn.send_binary(b"\x01\x00\x00\x10" + b"0001<x/>")
        self.assertEqual(c.wait_closed(), 1008)

    # -- the session timer and the heartbeat ---------------------------------------

    def test_session_timer_expires_without_application_messages(self):
        c = self.started(duration=2)
        t = time.monotonic()
        ended = c.wait("ApplicationSessionTerminated", 5)
        self.assertNotEqual(ended.invoke_id, EVENT_ID)
        self.assertEqual(text(ended.root, "sessionID"), c.session_id)
        self.assertEqual(text(ended.root, "sessionTermReason/definedTermReason"), "sessionTimerExpired")
        self.assertGreaterEqual(time.monotonic() - t, 1.5)
        self.assertEqual(c.wait_closed(), 4000)

    def test_reset_timer_and_requests_keep_the_session(self):
        c = self.started(duration=2)
        for _ in range(3):
            time.sleep(1.2)
            reply = c.request(f'<ResetApplicationSessionTimer xmlns="{SESSION_NS}"><sessionID>'
                              f'{c.session_id}</sessionID><requestedSessionDuration>2'
                              '</requestedSessionDuration></ResetApplicationSessionTimer>')
            self.assertEqual(reply.name, "ResetApplicationSessionTimerPosResponse", reply)
            self.assertEqual(text(reply.root, "actualSessionDuration"), "2")
        time.sleep(1.2)
        c.request("<RequestSystemStatus/>")
        time.sleep(1.2)
        self.assertIsNone(c.close_code)
        wrong = c.request(f'<ResetApplicationSessionTimer xmlns="{SESSION_NS}"><sessionID>nope'
                          '</sessionID></ResetApplicationSessionTimer>')
        self.assertEqual(text(wrong.root, "errorCode/definedError"), "invalidSessionID")

    def test_session_timeout_setting_caps_the_duration(self):
        self.set_cti(session_timeout=60)
        c = self.started(duration=7200)
        c2 = self.started()
        self.assertEqual(c.wait_closed(0.1), None)
        for client in (c, c2):
            reply = client.request(f'<ResetApplicationSessionTimer xmlns="{SESSION_NS}"><sessionID>'
                                   f'{client.session_id}</sessionID></ResetApplicationSessionTimer>')
            self.assertEqual(text(reply.root, "actualSessionDuration"), "60")

    def test_heartbeat_system_status_and_its_answer_keeps_the_session(self):
        self.set_cti(heartbeat_interval=1)
        c = self.started(duration=3)
        seen = 0
        end = time.monotonic() + 5
        while time.monotonic() < end:
            beat = c.wait("SystemStatus", 3)
            self.assertNotEqual(beat.invoke_id, EVENT_ID)
            self.assertEqual(text(beat.root, "systemStatus"), "normal")
            c.send_raw(beat.invoke_id, f'<SystemStatusResponse xmlns="{ED6}"/>')
            seen += 1
        self.assertGreaterEqual(seen, 3)
        self.assertIsNone(c.close_code, "answers to SystemStatus restart the session timer")

    def test_stop_application_session(self):
        c = self.started()
        reply = c.request(f'<StopApplicationSession xmlns="{SESSION_NS}"><sessionID>{c.session_id}'
                          '</sessionID><sessionEndReason><definedEndReason>normal</definedEndReason>'
                          '</sessionEndReason></StopApplicationSession>')
        self.assertEqual(reply.name, "StopApplicationSessionPosResponse")
        self.assertEqual(c.wait_closed(), 1000)

    def test_settings_are_validated(self):
        for bad in ({"session_timeout": 5}, {"heartbeat_interval": -1}, {"nope": 1}):
            r = self.d.admin("PATCH", "/cms/api/v1/cti", bad)
            self.assertEqual(r.status, 400, r)
        self.assertEqual(self.d.admin("GET", "/cms/api/v1/cti").json,
                         {"session_timeout": 3600, "heartbeat_interval": 60})


if __name__ == "__main__":
    unittest.main(verbosity=2)
