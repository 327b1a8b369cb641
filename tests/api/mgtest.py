"""Drive a real mediagated over HTTPS, as an operator or app server would.

Each Daemon gets its own temporary data and log directories and free ports
(the config asks for port 0; the daemon's ready line says which ports it got).
"""
import base64
import http.client
import json
import os
import re
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time

MEDIAGATED = os.environ.get("MEDIAGATED", "mediagated")
SOURCE_DIR = os.environ.get("MG_SOURCE_DIR",
                            os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
WEB_DIR = os.path.join(SOURCE_DIR, "data", "web")
PIPELINES_DIR = os.path.join(SOURCE_DIR, "pipelines")
def free_port(ip="127.0.0.1"):
    """A port free for both UDP and TCP (SIP binds both)."""
    while True:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            u.bind((ip, 0))
            port = u.getsockname()[1]
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
                try:
                    t.bind((ip, port))
                except OSError:
                    continue
        return port


READY = re.compile(r"ready: client https port (\d+), admin https port (\d+), cti wss port (\d+)"
                   r", client logger https port (\d+)(?:, cti tls port (\d+))?")


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.raw = body
        try:
            self.json = json.loads(body) if body else None
        except ValueError:
            self.json = None

    def __repr__(self):
        return f"<{self.status} {self.raw[:200]!r}>"


class Daemon:
    def __init__(self, extra_config="", workdir=None, source_address="127.0.0.1"):
        self.owns_workdir = workdir is None
        self.workdir = workdir or tempfile.mkdtemp(prefix="mg-api-")
        self.data_dir = os.path.join(self.workdir, "data")
        self.log_dir = os.path.join(self.workdir, "log")
        self.config_path = os.path.join(self.workdir, "mediagate.conf")
        self.extra_config = extra_config
        self.sip_port = free_port()
        self.proc = None
        self.log = []
        self.token = None
        self.cafile = None  # trust this CA instead of <data>/tls/server.pem

    # -- life cycle ---------------------------------------------------------

    def write_config(self):
        with open(self.config_path, "w") as f:
            f.write(
                "[server]\n"
                f"data-dir={self.data_dir}\n"
                f"log-dir={self.log_dir}\n"
                "fqdn=mediagate.test\n"
                f"web-dir={WEB_DIR}\n"
                f"pipelines-dir={PIPELINES_DIR}\n"
                "[client-listener]\naddress=127.0.0.1\nport=0\n"
                "[admin-listener]\naddress=127.0.0.1\nport=0\n"
                "[cti-listener]\naddress=127.0.0.1\nport=0\n"
                f"[sip]\naddress=127.0.0.1\nport={self.sip_port}\n"
                + ("" if "[client-logger]" in self.extra_config
                   else "[client-logger]\naddress=127.0.0.1\nport=0\n")
                + self.extra_config
            )

    def start(self, timeout=20):
        if not os.path.exists(self.config_path):
            self.write_config()
        env = dict(os.environ)
        env.pop("NOTIFY_SOCKET", None)
        self.proc = subprocess.Popen(
            [MEDIAGATED, "--config", self.config_path],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, env=env)
        ready = threading.Event()

        def pump():
            for line in self.proc.stdout:
                self.log.append(line)
                m = READY.search(line)
                if m:
                    self.client_port, self.admin_port = int(m.group(1)), int(m.group(2))
                    self.cti_port = int(m.group(3))
                    self.client_logger_port = int(m.group(4))
                    self.cti_tls_port = int(m.group(5)) if m.group(5) else None
                    ready.set()
        threading.Thread(target=pump, daemon=True).start()
        if not ready.wait(timeout):
            self.stop()
            raise RuntimeError("mediagated did not become ready:\n" + "".join(self.log))
        if self.cafile:
            self.ssl = ssl.create_default_context(cafile=self.cafile)
            return self
        self.ssl = ssl.create_default_context(
            cafile=os.path.join(self.data_dir, "tls", "server.pem"))
        return self

    def stop(self, sig=signal.SIGTERM):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        rc = self.proc.returncode if self.proc else None
        if self.proc and self.proc.stdout:
            self.proc.stdout.close()
        self.proc = None
        return rc

    def kill9(self):
        self.proc.kill()
        self.proc.wait()
        self.proc.stdout.close()
        self.proc = None

    def cleanup(self):
        self.stop()
        if self.owns_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.cleanup()

    # -- credentials --------------------------------------------------------

    def initial_admin(self):
        with open(os.path.join(self.data_dir, "initial-admin-password")) as f:
            name, password = f.read().split()
        return name, password

    def login(self):
        name, password = self.initial_admin()
        r = self.admin("POST", "/cms/api/v1/login", {"name": name, "password": password},
                       auth=None)
        assert r.status == 200, r
        self.token = r.json["token"]
        return self.token

    def app_access_token(self, client_id, client_secret):
        """An app server's access token: creates the client, then /oauth/token."""
        r = self.admin("POST", "/cms/api/v1/clients",
                       {"client_id": client_id, "client_secret": client_secret})
        assert r.status == 201, r
        basic = base64.b64encode(f"{client_id}:{client_secret}".encode()).decode()
        r = self.client("POST", "/oauth/token", "grant_type=client_credentials",
                        content_type="application/x-www-form-urlencoded",
                        headers={"Authorization": "Basic " + basic})
        assert r.status == 200, r
        return r.json["access_token"]

    # -- requests -----------------------------------------------------------

    def request(self, port, method, path, body=None, headers=None, auth="token",
                content_type="application/json", source="127.0.0.1"):
        conn = http.client.HTTPSConnection("127.0.0.1", port, context=self.ssl, timeout=20,
                                           source_address=(source, 0))
        hdrs = dict(headers or {})
        if auth == "token":
            if self.token is None:
                self.login()
            hdrs["Authorization"] = "Bearer " + self.token
        elif isinstance(auth, tuple):
            hdrs["Authorization"] = "Basic " + base64.b64encode(
                f"{auth[0]}:{auth[1]}".encode()).decode()
        elif isinstance(auth, str) and auth:
            hdrs["Authorization"] = auth
        data = None
        if body is not None:
            data = body if isinstance(body, (bytes, str)) else json.dumps(body)
            if isinstance(data, str):
                data = data.encode()
            if content_type:
                hdrs["Content-Type"] = content_type
        conn.request(method, path, body=data, headers=hdrs)
        resp = conn.getresponse()
        out = Response(resp.status, dict(resp.getheaders()), resp.read())
        conn.close()
        return out

    def admin(self, method, path, body=None, **kw):
        return self.request(self.admin_port, method, path, body, **kw)

    def client(self, method, path, body=None, **kw):
        kw.setdefault("auth", None)
        return self.request(self.client_port, method, path, body, **kw)


def wait_for(predicate, timeout=10, interval=0.05):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(interval)
    return False
