"""The browser phone's WebSocket (docs/protocol.md): authentication, one
phone per extension, resume within the grace period, bad frames, limits."""
import base64
import time
import unittest

from mgtest import Daemon
from wsphone import WsPhone


class PhoneSocket(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = Daemon().start()
        d = cls.d
        for number, password in (("1000", "p1000"), ("1001", "p1001"), ("1002", "p1002")):
            r = d.admin("POST", "/cms/api/v1/extensions", {
                "from": number, "to": number, "display_name": f"Agent {number}",
                "digest": {"username": number, "password": password}})
            assert r.status == 201, r
        r = d.admin("POST", "/cms/api/v1/clients", {"client_id": "crm", "client_secret": "crm-secret-0123456789"})
        assert r.status == 201, r
        basic = base64.b64encode(b"crm:crm-secret-0123456789").decode()
        r = d.client("POST", "/oauth/token", "grant_type=client_credentials",
                     content_type="application/x-www-form-urlencoded",
                     headers={"Authorization": "Basic " + basic})
        assert r.status == 200, r
        cls.access = r.json["access_token"]

    @classmethod
    def tearDownClass(cls):
        cls.d.cleanup()

    def setUp(self):
        self.phones = []

    def tearDown(self):
        for p in self.phones:
            p.close()

    def session_token(self, extension):
        r = self.d.client("POST", "/webkit/api/v1/sessions", {"extension": extension},
                          auth="Bearer " + self.access)
        self.assertEqual(r.status, 201, r)
        self.assertTrue(r.json["websocket_url"].endswith("/webkit/ws"))
        return r.json["session_token"]

    def phone(self):
        p = WsPhone(self.d.client_port).connect()
        self.phones.append(p)
        return p

    def test_session_token_login_and_ping(self):
        p = self.phone()
        p.send({"type": "auth", "token": self.session_token("1000")})
        reg = p.wait("registered")
        self.assertEqual(reg["extension"], "1000")
        self.assertEqual(reg["display_name"], "Agent 1000")
        self.assertTrue(reg["session_id"].startswith("s-"))
        self.assertEqual(reg["grace_period"], 10)
        self.assertEqual(reg["calls"], [])
        self.assertIsInstance(reg["ice_servers"], list)
        self.assertEqual(p.request("ping")["ok"], True)

    def test_bad_tokens_are_refused(self):
        admin_token = self.d.login()
        for token in ("", "mg1.e30.AAAA", admin_token, self.access):
            p = self.phone()
            p.send({"type": "auth", "token": token})
            err = p.wait("error")
            self.assertEqual(err["code"], "unauthorized")
            self.assertEqual(p.wait_closed(), 4001)

    def test_first_message_must_authenticate(self):
        for first in ('{"type":"call","id":1,"to":"2000"}', "not json", '{"no":"type"}'):
            p = self.phone()
            p.send(first)
            self.assertEqual(p.wait("error")["code"], "unauthorized")
            self.assertEqual(p.wait_closed(), 4001)

    def test_second_phone_for_an_extension_is_refused(self):
        first = self.phone()
        first.send({"type": "auth", "token": self.session_token("1001")})
        first.wait("registered")
        second = self.phone()
        second.send({"type": "auth", "token": self.session_token("1001")})
        self.assertEqual(second.wait("error")["code"], "already_connected")
        self.assertEqual(second.wait_closed(), 4009)
        # the first one is untouched
        self.assertTrue(first.request("ping")["ok"])

    def test_resume_within_grace_keeps_the_session(self):
        token = self.session_token("1002")
        p = self.phone()
        p.send({"type": "auth", "token": token})
        sid = p.wait("registered")["session_id"]
        p.close()
        again = self.phone()
        again.send({"type": "auth", "token": token, "resume": sid})
        self.assertEqual(again.wait("registered")["session_id"], sid)
        # a resume naming another session, or from another token, gets a new one
        again.close()
        other = self.phone()
        other.send({"type": "auth", "token": self.session_token("1002"), "resume": sid})
        self.assertNotEqual(other.wait("registered")["session_id"], sid)

    def test_bad_frames_get_errors_and_the_phone_stays(self):
        p = self.phone()
        p.send({"type": "auth", "token": self.session_token("1000")})
        p.wait("registered")
        p.send("{not json")
        self.assertEqual(p.wait("error")["code"], "bad_request")
        p.send('["an", "array"]')
        self.assertEqual(p.wait("error")["code"], "bad_request")
        p.send({"type": "call", "to": "2000"})  # no id
        self.assertEqual(p.wait("error")["code"], "bad_request")
        r = p.request("teleport")
        self.assertEqual((r["ok"], r["error"]["code"]), (False, "bad_request"))
        self.assertTrue(p.request("ping")["ok"])

    def test_oversized_message_closes_with_1009(self):
        p = self.phone()
        p.send({"type": "auth", "token": self.session_token("1000")})
        p.wait("registered")
        p.send({"type": "ping", "id": 1, "pad": "x" * (70 * 1024)})
        # libsoup answers 1009 and drops the stream; the close frame may not arrive first
        self.assertIn(p.wait_closed(), (1009, 0))
        self.assertNotEqual(p.conn.get_state(), 1)  # not OPEN

    def test_embedded_default_password_login(self):
        p = self.phone()
        p.send({"type": "login", "extension": "1001", "password": "wrong"})
        self.assertEqual(p.wait("error")["code"], "unauthorized")
        p = self.phone()
        p.send({"type": "login", "extension": "9999", "password": "p1001"})
        self.assertEqual(p.wait("error")["code"], "unauthorized")
        p = self.phone()
        p.send({"type": "login", "extension": "1001", "password": "p1001"})
        self.assertEqual(p.wait("registered")["extension"], "1001")

    def test_disabled_and_deleted_extensions(self):
        r = self.d.admin("POST", "/cms/api/v1/extensions", {"from": "1500", "to": "1501"})
        self.assertEqual(r.status, 201, r)
        t1500, t1501 = self.session_token("1500"), self.session_token("1501")
        self.assertEqual(self.d.admin("PATCH", "/cms/api/v1/extensions/1500",
                                      {"enabled": False}).status, 200)
        self.assertEqual(self.d.admin("DELETE", "/cms/api/v1/extensions/1501").status, 204)
        for token, code, close in ((t1500, "disabled", 4003), (t1501, "not_found", 4004)):
            p = self.phone()
            p.send({"type": "auth", "token": token})
            self.assertEqual(p.wait("error")["code"], code)
            self.assertEqual(p.wait_closed(), close)

class CallSignaling(unittest.TestCase):
    """Call requests between two phones in the embedded default, up to the
    media (a real WebRTC answer needs a browser: see tests/e2e)."""

    def setUp(self):
        self.d = Daemon().start()
        for number in ("1000", "1001"):
            r = self.d.admin("POST", "/cms/api/v1/extensions", {
                "from": number, "to": number, "display_name": f"Agent {number}",
                "digest": {"username": number, "password": "p" + number}})
            self.assertEqual(r.status, 201, r)
        self.a = self.login("1000")
        self.b = self.login("1001")

    def tearDown(self):
        self.a.close()
        self.b.close()
        self.d.cleanup()

    def login(self, number):
        p = WsPhone(self.d.client_port).connect()
        p.send({"type": "login", "extension": number, "password": "p" + number})
        p.wait("registered")
        return p

    def calls(self):
        return self.d.admin("GET", "/cms/api/v1/calls").json

    def test_call_rings_the_other_phone_and_the_caller_can_cancel(self):
        r = self.a.request("call", to="1001")
        self.assertTrue(r["ok"], r)
        call_id = r["call_id"]
        offer = self.a.wait("sdp", 10)
        self.assertEqual(offer["call_id"], call_id)
        self.assertEqual(offer["sdp"]["type"], "offer")
        self.assertIn("telephone-event/8000", offer["sdp"]["sdp"].lower())
        self.a.wait("ringing")
        incoming = self.b.wait("incoming")
        self.assertEqual(incoming["call_id"], call_id)
        self.assertEqual(incoming["from"], {"number": "1000", "display_name": "Agent 1000"})
        listed = self.calls()
        self.assertEqual(listed["total"], 1)
        self.assertEqual(listed["items"][0]["state"], "ringing")
        dot = self.d.admin("GET", f"/cms/api/v1/calls/{call_id}/pipeline.dot")
        self.assertEqual(dot.status, 200)
        self.assertIn(b"GstWebRTCBin", dot.raw)

        self.assertTrue(self.a.request("hangup", call_id=call_id)["ok"])
        self.assertEqual(self.a.wait("ended")["cause"], "hangup")
        self.assertEqual(self.b.wait("ended")["cause"], "cancelled")
        self.assertEqual(self.calls()["total"], 0)

    def test_callee_declines(self):
        call_id = self.a.request("call", to="1001")["call_id"]
        self.b.wait("incoming")
        r = self.b.request("accept", call_id="c-nonexistent")
        self.assertEqual(r["error"]["code"], "unknown_call")
        r = self.a.request("accept", call_id=call_id)  # the caller cannot accept
        self.assertEqual(r["error"]["code"], "invalid_state")
        self.assertTrue(self.b.request("decline", call_id=call_id)["ok"])
        self.assertEqual(self.a.wait("ended")["cause"], "declined")
        self.assertEqual(self.b.wait("ended")["cause"], "declined")

    def test_bad_call_requests(self):
        for to in (None, "", "1000", "x y", "sip:a@b", "9" * 70):
            r = self.a.request("call", **({} if to is None else {"to": to}))
            self.assertFalse(r["ok"], to)
            self.assertEqual(r["error"]["code"], "bad_request", to)
        r = self.a.request("call", to="4711")  # no such extension, no SIP platform
        self.assertEqual(r["error"]["code"], "not_found")
        self.assertEqual(self.calls()["total"], 0)

    def test_garbage_answers_and_candidates_keep_the_call(self):
        call_id = self.a.request("call", to="1001")["call_id"]
        self.a.wait("sdp", 10)
        self.a.send({"type": "sdp", "call_id": call_id, "sdp": {"type": "answer", "sdp": "garbage"}})
        self.assertEqual(self.a.wait("error")["code"], "bad_request")
        self.a.send({"type": "sdp", "call_id": "c-unknown", "sdp": {"type": "answer", "sdp": "v=0"}})
        self.assertEqual(self.a.wait("error")["code"], "bad_request")
        self.a.send({"type": "ice", "call_id": call_id, "candidate": {"candidate": "bogus"}})
        self.assertEqual(self.a.wait("error")["code"], "bad_request")
        self.assertEqual(self.calls()["items"][0]["state"], "ringing")
        r = self.d.admin("DELETE", f"/cms/api/v1/calls/{call_id}")
        self.assertEqual(r.status, 204)
        self.assertEqual(self.a.wait("ended")["cause"], "hangup")
        self.assertEqual(self.d.admin("DELETE", f"/cms/api/v1/calls/{call_id}").status, 404)

    def test_calling_a_phone_that_is_not_connected(self):
        self.b.close()
        time.sleep(0.2)
        call_id = self.a.request("call", to="1001")["call_id"]
        ended = self.a.wait("ended")
        self.assertEqual((ended["call_id"], ended["cause"], ended["sip_status"]),
                         (call_id, "unavailable", 480))


class Limit(unittest.TestCase):
    def test_session_limit(self):
        with Daemon() as d:
            for number in ("1000", "1001"):
                r = d.admin("POST", "/cms/api/v1/extensions", {
                    "from": number, "to": number,
                    "digest": {"username": number, "password": "p" + number}})
                self.assertEqual(r.status, 201, r)
            self.assertEqual(d.admin("PATCH", "/cms/api/v1/media",
                                     {"max_webrtc_sessions": 1}).status, 200)
            first = WsPhone(d.client_port).connect()
            first.send({"type": "login", "extension": "1000", "password": "p1000"})
            first.wait("registered")
            second = WsPhone(d.client_port).connect()
            second.send({"type": "login", "extension": "1001", "password": "p1001"})
            self.assertEqual(second.wait("error")["code"], "limit_reached")
            self.assertEqual(second.wait_closed(), 4029)
            self.assertEqual(d.admin("GET", "/healthz", auth=None).json["phones"], 1)
            first.close()


class AuthTimeout(unittest.TestCase):
    def test_silent_socket_is_closed_after_10_s(self):
        with Daemon() as d:
            p = WsPhone(d.client_port).connect()
            start = time.monotonic()
            self.assertEqual(p.wait_closed(13), 4001)
            self.assertGreater(time.monotonic() - start, 9)


if __name__ == "__main__":
    unittest.main(verbosity=2)
