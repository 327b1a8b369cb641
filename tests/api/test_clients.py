"""Client credentials (admin API), /oauth/token and /webkit/api/v1/sessions."""
import base64
import hashlib
import hmac
import json
import time
import unittest
import urllib.parse

from mgtest import Daemon
from test_settings import add_extensions

SECRET = "App-Server-Secret-0123456789"
TURN_SECRET = "Turn-Shared-Secret-For-The-Test-42"
FORM = "application/x-www-form-urlencoded"


def form(**fields):
    return urllib.parse.urlencode(fields)


def claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


class Clients(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = Daemon().start()
        r = cls.d.admin("POST", "/cms/api/v1/clients",
                        {"client_id": "crm", "client_secret": SECRET, "description": "the CRM"})
        assert r.status == 201, r
        add_extensions(cls.d, "1000", "1001")
        add_extensions(cls.d, "1009", enabled=0)

    @classmethod
    def tearDownClass(cls):
        cls.d.cleanup()

    def token(self, client_id="crm", secret=SECRET):
        r = self.d.client("POST", "/oauth/token", form(grant_type="client_credentials"),
                          auth=(client_id, secret), content_type=FORM)
        self.assertEqual(r.status, 200, r)
        return r.json["access_token"]

    def session(self, token, body, **kw):
        return self.d.client("POST", "/webkit/api/v1/sessions", body, auth="Bearer " + token, **kw)

    # -- admin: client credentials ------------------------------------------

    def test_list_and_get_never_show_secrets(self):
        r = self.d.admin("GET", "/cms/api/v1/clients")
        self.assertEqual(r.status, 200, r)
        crm = [c for c in r.json["clients"] if c["client_id"] == "crm"][0]
        self.assertEqual((crm["token_validity"], crm["description"]), (20, "the CRM"))
        r = self.d.admin("GET", "/cms/api/v1/clients/crm")
        self.assertEqual(r.status, 200, r)
        for raw in (r.raw, self.d.admin("GET", "/cms/api/v1/clients").raw):
            self.assertNotIn(b"secret", raw)
        self.assertNotIn(SECRET, "".join(self.d.log))

    def test_generated_secret_is_shown_once_and_works(self):
        r = self.d.admin("POST", "/cms/api/v1/clients", {"client_id": "gen", "token_validity": 5})
        self.assertEqual(r.status, 201, r)
        secret = r.json["client_secret"]
        self.assertGreaterEqual(len(secret), 32)
        self.assertNotIn("client_secret", self.d.admin("GET", "/cms/api/v1/clients/gen").json)
        token = self.token("gen", secret)
        c = claims(token)
        self.assertEqual((c["k"], c["sub"], c["exp"] - c["iat"]), ("access", "gen", 300))
        self.assertNotIn(secret, "".join(self.d.log))

    def test_bad_client_input_changes_nothing(self):
        before = self.d.admin("GET", "/cms/api/v1/clients").json
        cases = [
            ("POST", "/cms/api/v1/clients", {"client_secret": SECRET}, 400),
            ("POST", "/cms/api/v1/clients", {"client_id": "a b", "client_secret": SECRET}, 400),
            ("POST", "/cms/api/v1/clients", {"client_id": "a:b", "client_secret": SECRET}, 400),
            ("POST", "/cms/api/v1/clients", {"client_id": "x", "client_secret": "short"}, 400),
            ("POST", "/cms/api/v1/clients", {"client_id": "x", "token_validity": -1}, 400),
            ("POST", "/cms/api/v1/clients", {"client_id": "x", "token_validity": "20"}, 400),
            ("POST", "/cms/api/v1/clients", {"client_id": "x", "token_validity": 10 ** 9}, 400),
            ("POST", "/cms/api/v1/clients", {"client_id": "x", "colour": "red"}, 400),
            ("POST", "/cms/api/v1/clients", {"client_id": "crm", "client_secret": SECRET}, 409),
            ("PATCH", "/cms/api/v1/clients/crm", {"client_id": "other"}, 400),
            ("PATCH", "/cms/api/v1/clients/crm", {"token_validity": 1.5}, 400),
            ("PATCH", "/cms/api/v1/clients/crm", {"client_secret": "short"}, 400),
            ("PATCH", "/cms/api/v1/clients/crm", {"description": 7}, 400),
            ("PATCH", "/cms/api/v1/clients/nosuch", {"description": "x"}, 404),
            ("DELETE", "/cms/api/v1/clients/nosuch", None, 404),
        ]
        for method, path, body, status in cases:
            with self.subTest(method=method, path=path, body=body):
                r = self.d.admin(method, path, body)
                self.assertEqual(r.status, status, r)
                self.assertIn("error", r.json)
        self.assertEqual(self.d.admin("GET", "/cms/api/v1/clients").json, before)
        self.token()  # the old secret still works

    def test_patch_and_delete(self):
        r = self.d.admin("POST", "/cms/api/v1/clients",
                         {"client_id": "tmp", "client_secret": SECRET + "x"})
        self.assertEqual(r.status, 201, r)
        token = self.token("tmp", SECRET + "x")
        r = self.d.admin("PATCH", "/cms/api/v1/clients/tmp",
                         {"client_secret": SECRET + "y", "token_validity": 0})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["token_validity"], 0)
        r = self.d.client("POST", "/oauth/token", form(grant_type="client_credentials"),
                          auth=("tmp", SECRET + "x"), content_type=FORM)
        self.assertEqual(r.status, 401, "the old secret must stop working")
        self.token("tmp", SECRET + "y")
        self.assertEqual(self.d.admin("DELETE", "/cms/api/v1/clients/tmp").status, 204)
        self.assertEqual(self.d.admin("GET", "/cms/api/v1/clients/tmp").status, 404)
        r = self.session(token, {"extension": "1000"})
        self.assertEqual(r.status, 401, "a deleted client's token must stop working")

    # -- /oauth/token -------------------------------------------------------

    def test_token_by_basic(self):
        r = self.d.client("POST", "/oauth/token", form(grant_type="client_credentials"),
                          auth=("crm", SECRET), content_type=FORM)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["token_type"], "Bearer")
        self.assertEqual(r.json["expires_in"], 20 * 60)
        self.assertEqual(r.json["scope"], "webkit")
        self.assertEqual(r.headers.get("Cache-Control"), "no-store")
        c = claims(r.json["access_token"])
        self.assertEqual((c["k"], c["sub"], c["exp"] - c["iat"]), ("access", "crm", 1200))
        self.assertNotIn(r.json["access_token"], "".join(self.d.log))

    def test_token_by_form(self):
        r = self.d.client("POST", "/oauth/token",
                          form(grant_type="client_credentials", client_id="crm",
                               client_secret=SECRET), content_type=FORM)
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.json["access_token"])

    def test_token_validity_zero_has_no_expiry(self):
        r = self.d.admin("POST", "/cms/api/v1/clients",
                         {"client_id": "forever", "client_secret": SECRET, "token_validity": 0})
        self.assertEqual(r.status, 201, r)
        r = self.d.client("POST", "/oauth/token", form(grant_type="client_credentials"),
                          auth=("forever", SECRET), content_type=FORM)
        self.assertEqual(r.status, 200, r)
        self.assertNotIn("expires_in", r.json)
        self.assertEqual(claims(r.json["access_token"])["exp"], 0)
        self.assertEqual(self.session(r.json["access_token"], {"extension": "1000"}).status, 201)

    def test_bad_credentials(self):
        for auth, body in [(("crm", "wrong-secret-0123456789"), form(grant_type="client_credentials")),
                           (("nosuch", SECRET), form(grant_type="client_credentials")),
                           (None, form(grant_type="client_credentials", client_id="crm",
                                       client_secret="wrong")),
                           (None, form(grant_type="client_credentials"))]:
            with self.subTest(auth=auth, body=body):
                r = self.d.client("POST", "/oauth/token", body, auth=auth, content_type=FORM,
                                  source="127.0.0.2")
                self.assertEqual(r.status, 401, r)
                self.assertEqual(r.json["error"], "invalid_client")
                self.assertIn("WWW-Authenticate", r.headers)

    def test_bad_requests(self):
        cases = [
            (form(client_id="crm", client_secret=SECRET), FORM, "invalid_request"),
            (form(grant_type="password", client_id="crm", client_secret=SECRET), FORM,
             "unsupported_grant_type"),
            (form(grant_type="client_credentials", client_id="crm", client_secret=SECRET,
                  scope="admin"), FORM, "invalid_scope"),
            (json.dumps({"grant_type": "client_credentials"}), "application/json",
             "invalid_request"),
        ]
        for body, ctype, error in cases:
            with self.subTest(body=body):
                r = self.d.client("POST", "/oauth/token", body, content_type=ctype)
                self.assertEqual(r.status, 400, r)
                self.assertEqual(r.json["error"], error)
        # Basic and form credentials together: RFC 6749 §2.3.1 forbids it
        r = self.d.client("POST", "/oauth/token",
                          form(grant_type="client_credentials", client_secret=SECRET),
                          auth=("crm", SECRET), content_type=FORM, source="127.0.0.4")
        self.assertEqual(r.status, 401, r)

    def test_failures_are_rate_limited(self):
        body = form(grant_type="client_credentials")
        statuses = [self.d.client("POST", "/oauth/token", body, auth=("crm", "x" * 20),
                                  content_type=FORM, source="127.0.0.3").status
                    for _ in range(11)]
        self.assertEqual(statuses[:10], [401] * 10)
        self.assertEqual(statuses[10], 429)
        r = self.d.client("POST", "/oauth/token", body, auth=("crm", SECRET), content_type=FORM,
                          source="127.0.0.3")
        self.assertEqual(r.status, 429, "even a good secret waits out the block")
        self.assertIn("Retry-After", r.headers)
        self.token()  # other sources are not blocked

    # -- /webkit/api/v1/sessions --------------------------------------------

    def test_session_token(self):
        r = self.session(self.token(), {"extension": "1000"})
        self.assertEqual(r.status, 201, r)
        self.assertTrue(r.json["session_token"])
        self.assertEqual(r.json["expires_in"], 12 * 3600)
        c = claims(r.json["session_token"])
        self.assertEqual((c["k"], c["sub"], c["exp"] - c["iat"]), ("session", "1000", 12 * 3600))
        self.assertEqual(r.json["extension"], "1000")
        self.assertEqual(r.json["websocket_url"],
                         f"wss://mediagate.test:{self.d.client_port}/webkit/ws")
        self.assertNotIn(r.json["session_token"], "".join(self.d.log))

    def test_session_refusals(self):
        token = self.token()
        self.assertEqual(self.session(token, {"extension": "4242"}).status, 404)
        r = self.session(token, {"extension": "1009"})
        self.assertEqual(r.status, 409, r)
        self.assertIn("disabled", r.json["error"]["message"])
        for body in ({}, {"extension": 1000}, {"extension": "10 00"}, {"extension": ""},
                     {"extension": "1000", "x": 1}):
            with self.subTest(body=body):
                self.assertEqual(self.session(token, body).status, 400)

    def test_session_needs_a_valid_access_token(self):
        token = self.token()
        r = self.d.client("POST", "/webkit/api/v1/sessions", {"extension": "1000"})
        self.assertEqual(r.status, 401)
        # tampered: one character of the signature changed
        head, sig = token.rsplit(".", 1)
        tampered = head + "." + ("A" if sig[0] != "A" else "B") + sig[1:]
        self.assertEqual(self.session(tampered, {"extension": "1000"}).status, 401)
        # tampered payload (another subject) with the old signature
        parts = token.split(".")
        payload = claims(token)
        payload["sub"] = "gen"
        forged = base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")
        self.assertEqual(self.session(".".join([parts[0], forged, parts[2]]),
                                      {"extension": "1000"}).status, 401)
        # a valid token of the wrong kind: a session token is not an access token
        session = self.session(token, {"extension": "1000"}).json["session_token"]
        self.assertEqual(self.session(session, {"extension": "1000"}).status, 401)
        # an admin token is not one either
        self.assertEqual(self.session(self.d.login(), {"extension": "1000"}).status, 401)

    def test_turn_credentials(self):
        r = self.d.admin("PUT", "/cms/api/v1/turn", {
            "enabled": True, "shared_secret": TURN_SECRET, "ttl": 900,
            "transport_addresses": ["192.0.2.7:3478/UDP", "192.0.2.7:3478/TCP",
                                    "[2001:db8::7]:5349/TLS"]})
        self.assertEqual(r.status, 200, r)
        try:
            before = int(time.time())
            r = self.session(self.token(), {"extension": "1001"})
            after = int(time.time())
            self.assertEqual(r.status, 201, r)
            ice = r.json["ice_servers"]
            self.assertEqual(len(ice), 1)
            self.assertEqual(ice[0]["urls"], ["turn:192.0.2.7:3478?transport=udp",
                                              "turn:192.0.2.7:3478?transport=tcp",
                                              "turns:[2001:db8::7]:5349?transport=tcp"])
            expiry, ext = ice[0]["username"].split(":")
            self.assertEqual(ext, "1001")
            self.assertTrue(before + 900 <= int(expiry) <= after + 900)
            want = base64.b64encode(hmac.new(TURN_SECRET.encode(), ice[0]["username"].encode(),
                                             hashlib.sha1).digest()).decode()
            self.assertEqual(ice[0]["credential"], want)
            self.assertNotIn(TURN_SECRET, "".join(self.d.log))

            r = self.d.admin("PATCH", "/cms/api/v1/turn",
                             {"external_addresses": ["turn.example.com"]})
            self.assertEqual(r.status, 200, r)
            ice = self.session(self.token(), {"extension": "1001"}).json["ice_servers"]
            self.assertEqual(ice[0]["urls"], ["turn:turn.example.com:3478?transport=udp",
                                              "turn:turn.example.com:3478?transport=tcp",
                                              "turns:turn.example.com:5349?transport=tcp"])
            self.d.admin("PATCH", "/cms/api/v1/turn", {"enabled": False})
            r = self.session(self.token(), {"extension": "1001"})
            self.assertEqual(r.json["ice_servers"], [])
        finally:
            self.d.admin("PUT", "/cms/api/v1/turn", {})


if __name__ == "__main__":
    unittest.main()
