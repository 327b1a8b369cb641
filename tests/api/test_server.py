"""The service itself: first start, health, listeners, admin login and auth."""
import os
import socket
import ssl
import stat
import subprocess
import unittest

from mgtest import MEDIAGATED, Daemon


class FirstStart(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = Daemon().start()

    @classmethod
    def tearDownClass(cls):
        cls.d.cleanup()

    def test_initial_password_file_is_private_and_never_logged(self):
        path = os.path.join(self.d.data_dir, "initial-admin-password")
        mode = stat.S_IMODE(os.stat(path).st_mode)
        self.assertEqual(mode, 0o600)
        _, password = self.d.initial_admin()
        self.assertNotIn(password, "".join(self.d.log))
        self.assertIn(path, "".join(self.d.log))

    def test_self_signed_certificate_names(self):
        pem = os.path.join(self.d.data_dir, "tls", "server.pem")
        out = subprocess.run(["certtool", "-i", "--infile", pem], capture_output=True,
                             text=True).stdout
        for name in ("DNSname: mediagate.test", "DNSname: localhost", "IPAddress: 127.0.0.1"):
            self.assertIn(name, out)
        self.assertEqual(stat.S_IMODE(os.stat(pem).st_mode), 0o600)

    def test_healthz_client_is_minimal(self):
        r = self.d.client("GET", "/healthz")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json["status"], "ok")
        self.assertIn("version", r.json)
        self.assertNotIn("calls", r.json)

    def test_healthz_admin_has_counts(self):
        r = self.d.admin("GET", "/healthz", auth=None)
        self.assertEqual(r.status, 200)
        for key in ("version", "uptime", "registrations", "calls"):
            self.assertIn(key, r.json)

    def test_admin_api_not_on_client_listener(self):
        r = self.d.client("POST", "/cms/api/v1/login", {"name": "admin", "password": "x"})
        self.assertEqual(r.status, 404)

    def test_web_client_files(self):
        r = self.d.client("GET", "/webkit/")
        self.assertEqual(r.status, 200)
        self.assertTrue(r.headers["Content-Type"].startswith("text/html"))
        self.assertIn(b"<html", r.raw)
        self.assertEqual(r.headers["X-Content-Type-Options"], "nosniff")
        self.assertIn("default-src 'self'", r.headers["Content-Security-Policy"])
        r = self.d.client("GET", "/webkit/mediagate-phone.js")
        self.assertEqual(r.status, 200)
        self.assertTrue(r.headers["Content-Type"].startswith("text/javascript"))
        self.assertEqual(self.d.client("GET", "/webkit").status, 301)
        for path in ("/webkit/nothing.js", "/webkit/%2e%2e/mediagate.conf", "/webkit/.hidden.js",
                     "/webkit/..%2fREADME.md", "/webkit/index.html/x"):
            self.assertIn(self.d.client("GET", path).status, (400, 404), path)
        self.assertEqual(self.d.client("POST", "/webkit/", "x", content_type="text/plain").status,
                         405)
        # the web client is the client listener's; the admin listener does not serve it
        self.assertEqual(self.d.admin("GET", "/webkit/", auth=None).status, 404)

    def test_plain_http_is_refused(self):
        with socket.create_connection(("127.0.0.1", self.d.admin_port), timeout=5) as s:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            try:
                data = s.recv(4096)
            except ConnectionResetError:
                data = b""
        self.assertNotIn(b"HTTP/1.1", data)


class AdminAuth(unittest.TestCase):
    def setUp(self):
        self.d = Daemon().start()

    def tearDown(self):
        self.d.cleanup()

    def test_login_and_bearer(self):
        self.d.login()
        r = self.d.admin("GET", "/cms/api/v1/me")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json["name"], "admin")

    def test_basic_auth(self):
        name, password = self.d.initial_admin()
        r = self.d.admin("GET", "/cms/api/v1/me", auth=(name, password))
        self.assertEqual(r.status, 200)
        r = self.d.admin("GET", "/cms/api/v1/me", auth=(name, password + "x"))
        self.assertEqual(r.status, 401)
        self.assertEqual(r.json["error"]["code"], "unauthorized")

    def test_no_or_bad_token(self):
        r = self.d.admin("GET", "/cms/api/v1/me", auth=None)
        self.assertEqual(r.status, 401)
        r = self.d.admin("GET", "/cms/api/v1/me", auth="Bearer mg1.e30.AAAA")
        self.assertEqual(r.status, 401)

    def test_bad_login_bodies(self):
        for body, ctype, status in [
            ("{", "application/json", 400),
            ("[]", "application/json", 400),
            ('{"name": 1, "password": 2}', "application/json", 400),
            ("name=admin", "application/x-www-form-urlencoded", 415),
        ]:
            r = self.d.admin("POST", "/cms/api/v1/login", body, auth=None, content_type=ctype)
            self.assertEqual(r.status, status, body)
            self.assertIn("code", r.json["error"])
            self.assertIn("message", r.json["error"])

    def test_failed_logins_are_rate_limited_per_source(self):
        for _ in range(5):
            r = self.d.admin("POST", "/cms/api/v1/login", {"name": "admin", "password": "nope"},
                             auth=None)
            self.assertEqual(r.status, 401)
        name, password = self.d.initial_admin()
        r = self.d.admin("POST", "/cms/api/v1/login", {"name": name, "password": password},
                         auth=None)
        self.assertEqual(r.status, 429)
        self.assertIn("Retry-After", r.headers)
        # another source address is not affected
        r = self.d.admin("POST", "/cms/api/v1/login", {"name": name, "password": password},
                         auth=None, source="127.0.0.2")
        self.assertEqual(r.status, 200)

    def test_unknown_route_and_method(self):
        r = self.d.admin("GET", "/cms/api/v1/nothing-here")
        self.assertEqual(r.status, 404)
        r = self.d.admin("DELETE", "/cms/api/v1/login", auth=None)
        self.assertEqual(r.status, 405)
        self.assertIn("POST", r.headers.get("Allow", ""))

    def test_body_too_large(self):
        r = self.d.admin("POST", "/cms/api/v1/login", "x" * (5 * 1024 * 1024), auth=None)
        self.assertEqual(r.status, 413)

    def test_second_admin_and_password_change(self):
        r = self.d.admin("POST", "/cms/api/v1/admins", {"name": "bob", "password": "bobs secret"})
        self.assertEqual(r.status, 201)
        r = self.d.admin("POST", "/cms/api/v1/admins", {"name": "bob", "password": "bobs secret"})
        self.assertEqual(r.status, 409)
        r = self.d.admin("PUT", "/cms/api/v1/admins/bob/password", {"password": "short"})
        self.assertEqual(r.status, 400)
        r = self.d.admin("PUT", "/cms/api/v1/admins/bob/password", {"password": "longer secret"})
        self.assertEqual(r.status, 204)
        r = self.d.admin("GET", "/cms/api/v1/me", auth=("bob", "longer secret"))
        self.assertEqual(r.status, 200)


class CommandLine(unittest.TestCase):
    def test_check_config_names_bad_lines(self):
        d = Daemon(extra_config="[limits]\nidle-timeout=zero\nfoo=1\n")
        try:
            d.write_config()
            r = subprocess.run([MEDIAGATED, "--check-config", "--config", d.config_path],
                               capture_output=True, text=True)
            self.assertNotEqual(r.returncode, 0)
            self.assertRegex(r.stderr, r"mediagate.conf:\d+: \[limits\] idle-timeout")
            self.assertRegex(r.stderr, r"\[limits\] foo: unknown key")
        finally:
            d.cleanup()

    def test_check_config_ok(self):
        d = Daemon()
        try:
            d.write_config()
            r = subprocess.run([MEDIAGATED, "--check-config", "--config", d.config_path],
                               capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
        finally:
            d.cleanup()

    def test_create_admin_from_stdin(self):
        d = Daemon()
        try:
            d.write_config()
            r = subprocess.run([MEDIAGATED, "--config", d.config_path, "--create-admin", "ops"],
                               input="ops password 1\n", capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            d.start()
            # an admin existed before the first start: no one-time password
            self.assertFalse(os.path.exists(os.path.join(d.data_dir, "initial-admin-password")))
            r = d.admin("GET", "/cms/api/v1/me", auth=("ops", "ops password 1"))
            self.assertEqual(r.status, 200)
        finally:
            d.cleanup()


if __name__ == "__main__":
    unittest.main(verbosity=2)
