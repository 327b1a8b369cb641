"""Real SIP peers for end-to-end tests: Kamailio (registrar/proxy with digest
auth) and baresip (the far phone, driven over ctrl_tcp). Each peer writes its
own config into a temporary directory and is stopped by PID."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def free_udp_port(ip="127.0.0.1"):
    """A port free for both UDP and TCP on ip."""
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


def wait_for(predicate, timeout=10, interval=0.05):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(interval)
    return False


class Kamailio:
    """Kamailio 5.6 as registrar/proxy; users is {name: password}."""

    def __init__(self, users, ip="127.0.0.1", port=None):
        self.ip = ip
        self.port = port or free_udp_port(ip)
        self.users = users
        self.dir = tempfile.mkdtemp(prefix="mg-kam-")
        self.proc = None
        self.log = []

    @property
    def uri(self):
        return f"sip:{self.ip}:{self.port}"

    def write_config(self):
        with open(os.path.join(HERE, "kamailio.cfg.in")) as f:
            cfg = f.read()
        cfg = cfg.replace("@IP@", self.ip).replace("@PORT@", str(self.port))
        cfg = cfg.replace("@DIR@", self.dir)
        with open(os.path.join(self.dir, "kamailio.cfg"), "w") as f:
            f.write(cfg)
        db = os.path.join(self.dir, "dbtext")
        os.makedirs(db, exist_ok=True)
        with open(os.path.join(db, "version"), "w") as f:
            f.write("table_name(string) table_version(int)\nsubscriber:7\nlocation:9\n")
        with open(os.path.join(db, "subscriber"), "w") as f:
            f.write("id(int,auto) username(string) domain(string) password(string)\n")
            for i, (name, password) in enumerate(sorted(self.users.items()), 1):
                f.write(f"{i}:{name}:{self.ip}:{password}\n")

    def start(self):
        self.write_config()
        cfg = os.path.join(self.dir, "kamailio.cfg")
        # -DD: stay in the foreground (children still fork) so the PID is ours
        self.proc = subprocess.Popen(
            ["kamailio", "-f", cfg, "-DD", "-E", "-w", self.dir],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        threading.Thread(target=self._pump, daemon=True).start()
        # TCP and UDP are bound together, before the workers start: once TCP
        # accepts, give the UDP workers a moment
        if not wait_for(self._listening, 10):
            raise RuntimeError("kamailio did not start:\n" + "".join(self.log))
        time.sleep(0.3)
        return self

    def _listening(self):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.settimeout(0.2)
            return s.connect_ex((self.ip, self.port)) == 0

    def _pump(self):
        for line in self.proc.stderr:
            self.log.append(line)

    def requests(self, method=None):
        """The 'REQ <method> <ruri> from …' lines Kamailio logged."""
        out = [l for l in self.log if "REQ " in l]
        if method:
            out = [l for l in out if f"REQ {method} " in l]
        return out

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.proc.stderr.close()
        self.proc = None

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class Baresip:
    """baresip 1.0.0 as a far phone with a tone source, driven over ctrl_tcp."""

    def __init__(self, name, password, proxy, ip="127.0.0.1", tone=440, codecs="PCMU",
                 answermode="auto", mediaenc=None):
        self.name = name
        self.mediaenc = mediaenc  # e.g. "srtp-mand": SDES-SRTP via the srtp module
        self.password = password
        self.proxy = proxy  # "ip:port"
        self.ip = ip
        self.tone = tone
        self.codecs = codecs
        self.answermode = answermode
        self.dir = tempfile.mkdtemp(prefix=f"mg-bs-{name}-")
        self.sip_port = free_udp_port(ip)
        self.ctrl_port = free_udp_port("127.0.0.1")
        self.rtp_ports = None
        self.proc = None
        self.log = []
        self.events = []
        self.sock = None
        self.buf = b""
        self.lock = threading.Lock()

    def write_config(self):
        wav = os.path.join(self.dir, "tone.wav")
        subprocess.run(["sox", "-n", "-r", "8000", "-c", "1", "-b", "16", "-e", "signed-integer",
                        wav, "synth", "300", "sine", str(self.tone), "vol", "0.5"], check=True)
        # an even base: with an odd one, baresip 1.0.0 was seen receiving RTP
        # outside rtp_ports (only RTCP inside), which a capture filter misses
        rtp = free_udp_port(self.ip) & ~1
        self.rtp_ports = (rtp, rtp + 3)  # what a capture of its received RTP filters on
        with open(os.path.join(self.dir, "accounts"), "w") as f:
            f.write(f"<sip:{self.name}@{self.proxy}>;auth_pass={self.password};regint=600;"
                    f"answermode={self.answermode};audio_codecs={self.codecs}"
                    + (f";mediaenc={self.mediaenc}" if self.mediaenc else "") + "\n")
        os.makedirs(os.path.join(self.dir, "rec"), exist_ok=True)
        with open(os.path.join(self.dir, "config"), "w") as f:
            f.write(f"""poll_method epoll
sip_listen {self.ip}:{self.sip_port}
net_interface {self.ip}
call_local_timeout 120
audio_player aubridge,nowhere-{self.name}
audio_alert aubridge,nowhere-{self.name}
audio_source aufile,{wav}
ausrc_srate 8000
auplay_srate 8000
ausrc_channels 1
auplay_channels 1
statmode_default off
rtp_ports {rtp}-{rtp + 3}
module_path /usr/lib/baresip/modules
module g711.so
module aufile.so
module aubridge.so
module sndfile.so
{"module srtp.so" if self.mediaenc else ""}
module_app account.so
module_app menu.so
module_app ctrl_tcp.so
ctrl_tcp_listen 127.0.0.1:{self.ctrl_port}
snd_path {self.dir}/rec
""")

    def start(self):
        self.write_config()
        self.proc = subprocess.Popen(["baresip", "-f", self.dir, "-v"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._pump, daemon=True).start()
        if not wait_for(self._connect, 10):
            raise RuntimeError("baresip ctrl_tcp did not come up:\n" + "".join(self.log))
        return self

    def _pump(self):
        for line in self.proc.stdout:
            self.log.append(line)

    def _connect(self):
        try:
            self.sock = socket.create_connection(("127.0.0.1", self.ctrl_port), timeout=1)
        except OSError:
            return False
        # the timeout was for connecting only: a read timeout would end the
        # event reader at the first second without events
        self.sock.settimeout(None)
        threading.Thread(target=self._read_events, daemon=True).start()
        return True

    def _read_events(self):
        while True:
            try:
                data = self.sock.recv(65536)
            except OSError:
                return
            if not data:
                return
            with self.lock:
                self.buf += data
                while True:
                    m = re.match(rb"(\d+):", self.buf)
                    if not m:
                        break
                    n = int(m.group(1))
                    start = m.end()
                    if len(self.buf) < start + n + 1:
                        break
                    msg = json.loads(self.buf[start:start + n])
                    self.buf = self.buf[start + n + 1:]
                    self.events.append(msg)

    def send(self, command, params=""):
        """Sends a command without waiting for its response (baresip 1.0.0
        sends none for `dial` while the call it places is set up); returns
        its token."""
        token = str(time.monotonic_ns())
        body = json.dumps({"command": command, "params": params, "token": token}).encode()
        self.sock.sendall(b"%d:%s," % (len(body), body))
        return token

    def command(self, command, params="", timeout=5):
        token = self.send(command, params)
        found = []

        def answered():
            with self.lock:
                found[:] = [e for e in self.events if e.get("token") == token]
            return bool(found)
        if not wait_for(answered, timeout):
            raise RuntimeError(f"baresip did not answer {command}")
        return found[0]

    def registered(self):
        """Whether baresip's account is registered (asks with reginfo)."""
        try:
            data = self.command("reginfo").get("data", "")
        except RuntimeError:  # not answering yet while it starts
            return False
        return "OK" in data and "ERR" not in data

    def event_types(self):
        with self.lock:
            return [e.get("type") for e in self.events if e.get("event")]

    def wait_event(self, kind, timeout=10):
        return wait_for(lambda: kind in self.event_types(), timeout)

    def closed_reasons(self):
        with self.lock:
            return [e.get("param", "") for e in self.events if e.get("type") == "CALL_CLOSED"]

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(3)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait()
        if self.sock:
            self.sock.close()
        if self.proc:
            self.proc.stdout.close()
        self.proc = None

    def cleanup(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)
