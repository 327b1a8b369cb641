"""The client logger (docs/client-log.md): wss://…/clientlog takes a
phone's log lines into clients/DATE/EXT.log; the admin API lists, downloads
and deletes them; the source policy allows one connection per address."""
import json
import os
import time
import unittest

from mgtest import Daemon, wait_for
from wsphone import WsPhone

SECRET = "crm-secret-0123456789"
PASSWORD = "p1000-secret-pw"

UPGRADE = {"Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13",
           "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ=="}


class ClientLog(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = Daemon().start()
        d = cls.d
        for number in ("1000", "1001", "1002"):
            r = d.admin("POST", "/cms/api/v1/extensions", {
                "from": number, "digest": {"username": number, "password": PASSWORD}})
            assert r.status == 201, r
        cls.access = d.app_access_token("crm", SECRET)

    @classmethod
    def tearDownClass(cls):
        cls.d.cleanup()

    def setUp(self):
        self.sockets = []
        self.d.admin("PUT", "/cms/api/v1/client_logger", {})

    def tearDown(self):
        for s in self.sockets:
            s.close()
        wait_for(lambda: True, 0.1)

    # -- helpers ------------------------------------------------------------

    def session_token(self, extension):
        r = self.d.client("POST", "/webkit/api/v1/sessions", {"extension": extension},
                          auth="Bearer " + self.access)
        self.assertEqual(r.status, 201, r)
        return r.json["session_token"]

    def logger(self, token=None, extension="1000", **kw):
        s = WsPhone(self.d.client_logger_port, path="/clientlog", **kw).connect()
        self.sockets.append(s)
        if token is not False:
            s.send({"type": "auth", "token": token or self.session_token(extension)})
            ready = s.wait("ready")
            self.assertEqual(ready["max_line"], 4096)
        return s

    def day_dir(self):
        return os.path.join(self.d.log_dir, "clients", time.strftime("%Y-%m-%d"))

    def read(self, name):
        path = os.path.join(self.day_dir(), name)
        if not os.path.exists(path):
            return ""
        with open(path, encoding="utf-8") as f:
            return f.read()

    def wait_line(self, name, text):
        self.assertTrue(wait_for(lambda: text in self.read(name), 5),
                        f"{text!r} not in {name}: {self.read(name)!r}")

    def upgrade(self, source="127.0.0.1", headers=None):
        h = dict(UPGRADE)
        h.update(headers or {})
        return self.d.request(self.d.client_logger_port, "GET", "/clientlog", headers=h,
                              auth=None, source=source)

    # -- lines --------------------------------------------------------------

    def test_lines_land_in_the_extension_file(self):
        token = self.session_token("1000")
        s = self.logger(token)
        s.send("first line from the page")
        s.send(f"a\ttab, a newline\nand an escape \x1b[31m, and my token {token}")
        self.wait_line("1000.log", "first line from the page")
        self.wait_line("1000.log", "a tab, a newlineand an escape [31m")
        text = self.read("1000.log")
        self.assertNotIn(token, text)
        self.assertIn("mg1.[redacted]", text)
        self.assertRegex(text,
                         r"(?m)^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} first line from the page$")
        self.assertEqual(self.read("1003.log"), "")

    def test_embedded_login_gets_a_log_token(self):
        phone = WsPhone(self.d.client_port).connect()
        self.sockets.append(phone)
        phone.send({"type": "login", "extension": "1001", "password": PASSWORD})
        reg = phone.wait("registered")
        info = reg["client_log"]
        self.assertEqual(info["port"], self.d.client_logger_port)
        self.assertEqual(info["path"], "/clientlog")
        self.assertEqual(info["expires_in"], 3600)
        s = self.logger(info["token"])
        s.send("logged in with a password")
        self.wait_line("1001.log", "logged in with a password")
        fresh = phone.request("log_token")
        self.assertTrue(fresh["ok"])
        self.assertNotEqual(fresh["client_log"]["token"], info["token"])
        # the log token is for the logger only, not for the phone socket
        other = WsPhone(self.d.client_port).connect()
        self.sockets.append(other)
        other.send({"type": "auth", "token": info["token"]})
        self.assertEqual(other.wait("error")["code"], "unauthorized")
        # passwords and tokens never reach the server's files
        for name in os.listdir(self.d.log_dir):
            path = os.path.join(self.d.log_dir, name)
            if os.path.isfile(path):
                with open(path, errors="replace") as f:
                    text = f.read()
                self.assertNotIn(PASSWORD, text)
                self.assertNotIn(info["token"], text)

    def test_bad_auth_is_refused(self):
        admin_token = self.d.login()
        for token in ("", "mg1.e30.AAAA", admin_token, self.access):
            s = self.logger(False)
            s.send({"type": "auth", "token": token})
            self.assertEqual(s.wait("error")["code"], "unauthorized")
            self.assertEqual(s.wait_closed(), 4001)
            s.close()
        s = self.logger(False)
        s.send("a line before auth")
        self.assertEqual(s.wait_closed(), 4001)

    def test_oversize_and_binary_are_refused_without_harm(self):
        s = self.logger()
        s.send("before")
        self.wait_line("1000.log", "before")
        s.send("x" * 5000)
        err = s.wait("error")
        self.assertEqual(err["code"], "line_too_long")
        self.assertEqual(s.wait_closed(), 1009)
        s.close()
        s = self.logger()
        s.send("y" * 20000)  # past libsoup's own frame limit: it drops the connection
        self.assertIn(s.wait_closed(), (0, 1006, 1009))
        s.close()
        s = self.logger()
        s.send_bytes(b"\x00\x01\xff binary")
        self.assertEqual(s.wait("error")["code"], "binary_refused")
        self.assertEqual(s.wait_closed(), 1003)
        s.close()
        text = self.read("1000.log")
        self.assertNotIn("x" * 100, text)
        self.assertNotIn("y" * 100, text)
        self.assertNotIn("binary", text)
        # the server is fine: a new connection logs again
        s = self.logger()
        s.send("after")
        self.wait_line("1000.log", "after")
        self.assertEqual(self.d.client("GET", "/healthz").status, 200)

    def test_rate_limit_drops_and_counts(self):
        r = self.d.admin("PATCH", "/cms/api/v1/client_logger", {"max_lines_per_second": 5})
        self.assertEqual(r.status, 200, r)
        s = self.logger(extension="1002")
        for i in range(30):
            s.send(f"burst {i}")
        time.sleep(1.2)
        s.send("after the burst")
        self.wait_line("1002.log", "after the burst")
        text = self.read("1002.log")
        self.assertIn("burst 0", text)
        self.assertNotIn("burst 29", text)
        self.assertRegex(text, r"\[mediagate\] \d+ lines dropped")

    def test_idle_connection_is_closed(self):
        r = self.d.admin("PATCH", "/cms/api/v1/client_logger", {"idle_timeout": 5})
        self.assertEqual(r.status, 200, r)
        s = self.logger()
        s.send("then silence")
        start = time.monotonic()
        self.assertIsNotNone(s.wait_closed(12))
        self.assertGreaterEqual(time.monotonic() - start, 4)
        # its address is free again
        again = self.logger()
        again.send("back after the idle close")
        self.wait_line("1000.log", "back after the idle close")

    # -- source policy ------------------------------------------------------

    def test_second_connection_from_one_address_is_403(self):
        self.logger()
        r = self.upgrade()
        self.assertEqual(r.status, 403, r)
        self.assertEqual(r.json["error"]["code"], "already_connected")
        # another address is another client
        other = self.logger(source="127.0.0.2")
        other.send("from another address")
        self.wait_line("1000.log", "from another address")

    def test_load_balancer_forwards_clients(self):
        r = self.d.admin("PATCH", "/cms/api/v1/client_logger",
                         {"load_balancers": ["127.0.0.0/8"]})
        self.assertEqual(r.status, 200, r)
        a = self.logger(headers={"X-Forwarded-For": "198.51.100.1"})
        b = self.logger(headers={"X-Forwarded-For": "198.51.100.2"}, extension="1001")
        c = self.logger(headers={"Forwarded": "for=\"[2001:db8::7]:1234\""}, extension="1002")
        for s in (a, b, c):
            s.send("through the balancer")
        r = self.upgrade(headers={"X-Forwarded-For": "198.51.100.1"})
        self.assertEqual(r.status, 403, r)
        self.assertIn("198.51.100.1", r.json["error"]["message"])
        r = self.d.admin("PATCH", "/cms/api/v1/client_logger", {"load_balancers": ["10.0.0.0/33"]})
        self.assertEqual(r.status, 400, r)
        self.assertTrue(r.json["error"]["message"].startswith("load_balancers"))

    # -- files: rollover, retention, admin API --------------------------------

    def test_rollover_and_retention(self):
        r = self.d.admin("PATCH", "/cms/api/v1/client_logger",
                         {"max_file_size": 4096, "max_files": 2, "max_lines_per_second": 1000})
        self.assertEqual(r.status, 200, r)
        s = self.logger(extension="1002")
        for i in range(40):
            s.send(f"{i:03d} " + "z" * 300)
        self.wait_line("1002.log", "039 ")
        self.assertTrue(os.path.exists(os.path.join(self.day_dir(), "1002.log.1")))
        self.assertFalse(os.path.exists(os.path.join(self.day_dir(), "1002.log.2")))
        self.assertLessEqual(os.path.getsize(os.path.join(self.day_dir(), "1002.log")), 4096)

        old = os.path.join(self.d.log_dir, "clients", "2001-01-01")
        os.makedirs(old)
        with open(os.path.join(old, "1000.log"), "w") as f:
            f.write("ancient\n")
        r = self.d.admin("PATCH", "/cms/api/v1/client_logger", {"retention_days": 30})
        self.assertEqual(r.status, 200, r)
        self.assertTrue(wait_for(lambda: not os.path.exists(old), 5))
        self.assertTrue(os.path.isdir(self.day_dir()))

    def test_admin_list_download_delete(self):
        s = self.logger(extension="1001")
        s.send("for the admin")
        self.wait_line("1001.log", "for the admin")
        date = time.strftime("%Y-%m-%d")
        r = self.d.admin("GET", "/cms/api/v1/client-logs")
        self.assertEqual(r.status, 200, r)
        day = [x for x in r.json["dates"] if x["date"] == date][0]
        names = {f["name"]: f for f in day["files"]}
        self.assertEqual(names["1001.log"]["extension"], "1001")
        self.assertGreater(names["1001.log"]["size"], 0)
        r = self.d.admin("GET", f"/cms/api/v1/client-logs/{date}")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["date"], date)
        r = self.d.admin("GET", f"/cms/api/v1/client-logs/{date}/1001.log")
        self.assertEqual(r.status, 200, r)
        self.assertIn(b"for the admin", r.raw)
        self.assertTrue(r.headers["Content-Type"].startswith("text/plain"))
        self.assertIn("attachment", r.headers["Content-Disposition"])

        for path, status in (
                (f"/cms/api/v1/client-logs/{date}/9999.log", 404),
                ("/cms/api/v1/client-logs/1999-01-01", 404),
                (f"/cms/api/v1/client-logs/{date}/..%2F..%2Fmediagated.log", 400),
                ("/cms/api/v1/client-logs/..%2F..%2Fdata", 400),
                (f"/cms/api/v1/client-logs/{date}/%2Fetc%2Fpasswd", 404),
                ("/cms/api/v1/client-logs/2026-02-30", 400)):
            r = self.d.admin("GET", path)
            self.assertEqual(r.status, status, (path, r))
            if r.raw:  # libsoup refuses dot segments itself, with an empty 400
                self.assertIn("error", r.json)
        self.assertEqual(self.d.admin("GET", "/cms/api/v1/client-logs", auth=None).status, 401)

        r = self.d.admin("DELETE", f"/cms/api/v1/client-logs/{date}/1001.log")
        self.assertEqual(r.status, 204, r)
        self.assertEqual(self.d.admin("DELETE", f"/cms/api/v1/client-logs/{date}/1001.log").status,
                         404)
        old = os.path.join(self.d.log_dir, "clients", "2030-01-02")
        os.makedirs(old)
        with open(os.path.join(old, "1000.log"), "w") as f:
            f.write("x\n")
        self.assertEqual(self.d.admin("DELETE", "/cms/api/v1/client-logs/2030-01-02").status, 204)
        self.assertFalse(os.path.exists(old))
        self.assertEqual(self.d.admin("DELETE", "/cms/api/v1/client-logs/2030-01-02").status, 404)


class DiagnosticsBundle(unittest.TestCase):
    TURN_SECRET = "turn-secret-for-the-bundle-test"

    def test_bundle_has_everything_and_no_secrets(self):
        import io
        import tarfile
        with Daemon() as d:
            r = d.admin("POST", "/cms/api/v1/extensions", {
                "from": "1000", "digest": {"username": "1000", "password": PASSWORD}})
            self.assertEqual(r.status, 201, r)
            r = d.admin("PATCH", "/cms/api/v1/turn", {"shared_secret": self.TURN_SECRET})
            self.assertEqual(r.status, 200, r)
            r = d.admin("POST", "/cms/api/v1/clients", {"client_id": "crm", "client_secret": SECRET})
            self.assertEqual(r.status, 201, r)
            phone = WsPhone(d.client_port).connect()
            phone.send({"type": "login", "extension": "1000", "password": PASSWORD})
            token = phone.wait("registered")["client_log"]["token"]
            log = WsPhone(d.client_logger_port, path="/clientlog").connect()
            log.send({"type": "auth", "token": token})
            log.wait("ready")
            log.send("a line for the bundle")
            day = time.strftime("%Y-%m-%d")
            path = os.path.join(d.log_dir, "clients", day, "1000.log")
            self.assertTrue(wait_for(lambda: os.path.exists(path), 5))
            _, admin_password = d.initial_admin()
            # big enough to take many chunks: the bundle is streamed
            big = os.urandom(3 * 1024 * 1024)
            with open(os.path.join(d.log_dir, "mediagated-2000-01-01.1.log"), "wb") as f:
                f.write(big)

            self.assertEqual(d.admin("GET", "/cms/api/v1/diagnostics/bundle", auth=None).status, 401)
            r = d.admin("GET", "/cms/api/v1/diagnostics/bundle")
            self.assertEqual(r.status, 200, r)
            self.assertEqual(r.headers["Content-Type"], "application/gzip")
            self.assertIn(".tar.gz", r.headers["Content-Disposition"])
            with tarfile.open(fileobj=io.BytesIO(r.raw), mode="r:gz") as tar:
                members = {m.name: tar.extractfile(m).read() for m in tar.getmembers()}
            root = "mediagate-diagnostics/"
            for name in ("version.txt", "config/mediagate.conf", "config/settings.json",
                         "calls.json", f"logs/clients/{day}/1000.log"):
                self.assertIn(root + name, members)
            self.assertTrue(any(n.startswith(root + "logs/server/mediagated-") for n in members),
                            list(members))
            self.assertIn(b"a line for the bundle", members[f"{root}logs/clients/{day}/1000.log"])
            self.assertEqual(members[root + "logs/server/mediagated-2000-01-01.1.log"], big)
            self.assertIn(b"mediagate ", members[root + "version.txt"])
            self.assertIn(b"[client-logger]", members[root + "config/mediagate.conf"])
            settings = json.loads(members[root + "config/settings.json"])
            self.assertTrue(settings["turn"]["shared_secret_set"])
            self.assertIn("client_logger", settings)
            del members[root + "logs/server/mediagated-2000-01-01.1.log"]
            everything = b"".join(members.values())
            for secret in (PASSWORD, SECRET, self.TURN_SECRET, admin_password, token):
                self.assertNotIn(secret.encode(), everything, secret)
            for name in members:
                self.assertFalse(name.endswith((".db", ".pem", "initial-admin-password")), name)
            log.close()
            phone.close()


class ClientLogConfig(unittest.TestCase):
    def test_disabled_listener(self):
        with Daemon(extra_config="[client-logger]\nenabled=false\n") as d:
            self.assertEqual(d.client_logger_port, 0)
            self.assertEqual(d.admin("GET", "/cms/api/v1/client-logs").json, {"dates": []})

    def test_check_config_names_bad_keys(self):
        import subprocess
        from mgtest import MEDIAGATED
        d = Daemon(extra_config="[client-logger]\nport=99999\nenabled=maybe\n")
        try:
            d.write_config()
            p = subprocess.run([MEDIAGATED, "--check-config", "--config", d.config_path],
                               capture_output=True, text=True)
            self.assertEqual(p.returncode, 78, p)
            self.assertIn("[client-logger] port", p.stderr)
            self.assertIn("[client-logger] enabled", p.stderr)
        finally:
            d.cleanup()


if __name__ == "__main__":
    unittest.main(verbosity=2)
