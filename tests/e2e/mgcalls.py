"""Harness for end-to-end call tests: a real mediagated with a real SIP
platform (Kamailio), far phones (baresip, sipp), browser phones (headless
Chromium running the daemon's own web library) and ears on both sides.

    with SipPlatform({"2000": "p2000"}) as sip:        # Kamailio + daemon, 1000 registered
        bob = sip.baresip("2000", "p2000")             # far phone, plays 440 Hz
        chrome = browser(sip.tmp)                      # fake microphone: 1 kHz
        page = PhonePage(chrome, sip.daemon)
        page.login("a", token=sip.session_token("1000"))
        with RtpRecorder(bob.rtp_ports, sip.tmp) as rec:
            call_id = page.dial("a", "2000")["call_id"]
            ...
        assert_tone(rec.wav(), 1000, (1, 3))           # what bob heard
        assert page.hears(call_id, 440)                 # what the page heard

Everything runs inside one network namespace (tests/e2e/run-in-netns):
libnice and Chromium ignore loopback, so WebRTC media goes over the
namespace's veth; SIP and its RTP stay on the namespace's 127.0.0.1.
"""
import base64
import os
import signal
import subprocess
import sys
import tempfile
import shutil
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "api"))

from chromium import Chromium, tone_wav  # noqa: E402
from mgtest import Daemon  # noqa: E402
from sippeers import Baresip, Kamailio, free_udp_port, wait_for  # noqa: E402
import rtpcap2wav  # noqa: E402
import wavwin  # noqa: E402

PHONE_TEST_JS = os.path.join(HERE, "browser", "phone-test.js")
MIC_HZ = 1000   # Chromium's fake microphone
FAR_HZ = 440    # what the far phone plays
CLIENT_ID, CLIENT_SECRET = "e2e-crm", "e2e-crm-secret-0123456789"


def require_netns():
    import unittest
    if not os.environ.get("MG_NETNS"):
        raise unittest.SkipTest("needs a network namespace: run through tests/e2e/run-in-netns")


# -- ears -------------------------------------------------------------------


def tone_windows(wav, win=1.0):
    sr, x = wavwin.read_wav(wav)
    return wavwin.windows(x, sr, win)


def assert_tone(wav, freq, window, win=1.0, silence_dbfs=wavwin.SILENCE_DBFS):
    """Asserts that wav between window = (t0, t1) seconds is freq (within 3%,
    purity >= 0.6, above the silence level) or, with freq "silence", below
    silence_dbfs: the range is cut into win-second windows from t0 (a last
    piece shorter than half a window is dropped) and every one must match.
    Returns the windows."""
    sr, x = wavwin.read_wav(wav)
    t0, t1 = window
    piece = x[max(0, int(t0 * sr)):max(0, int(t1 * sr))]
    wins = wavwin.windows(piece, sr, win)
    for w in wins:
        w["t0"], w["t1"] = round(w["t0"] + t0, 2), round(w["t1"] + t0, 2)
    bad = [w for w in wins if not wavwin.window_ok(w, str(freq), silence_dbfs)]
    if not wins or bad:
        table = "\n".join("  %6.2f-%6.2f s %6.1f dBFS %5d Hz purity %.2f"
                          % (w["t0"], w["t1"], w["dbfs"], w["hz"], w["purity"])
                          for w in tone_windows(wav, win))
        raise AssertionError(
            f"{os.path.basename(wav)} {t0:.2f}-{t1:.2f} s is not {freq}: "
            + (f"bad windows {bad}" if wins else f"nothing there ({len(x) / sr:.2f} s long)")
            + f"\nthe whole file:\n{table}")
    return wins


def assert_mix(wav, present, absent, window):
    """Asserts that wav between window = (t0, t1) seconds holds every tone
    of present (each at least 15% of the power) and none of absent (each
    under 2%): what a conference participant hears is the others' mix,
    without their own voice."""
    sr, x = wavwin.read_wav(wav)
    piece = x[int(window[0] * sr):int(window[1] * sr)]
    total = sum(v * v for v in piece) / max(1, len(piece))
    shares = {f: (wavwin.goertzel_power(piece, sr, f) / total if total > 1e-9 else 0.0)
              for f in (*present, *absent)}
    bad = {f: round(v, 3) for f, v in shares.items()
           if (f in present and v < 0.15) or (f in absent and v >= 0.02)}
    if not piece or bad:
        raise AssertionError(f"{os.path.basename(wav)} {window}: tone shares {shares}, "
                             f"want {present} present and {absent} absent")


class RtpRecorder:
    """What a SIP phone received, on the wall clock: tcpdump on lo for the
    phone's RTP ports while the block runs, then rtpcap2wav. t0 is when the
    capture started (time.time()), so windows are seconds since then;
    mark() notes moments for the test (e.g. when a hold began)."""

    def __init__(self, ports, directory, iface="lo", name="far"):
        self.ports = ports
        self.pcap = os.path.join(directory, f"{name}.pcap")
        self.path = os.path.join(directory, f"{name}.wav")
        self.iface = iface
        self.proc = None
        self.t0 = None
        self.summary = None

    def __enter__(self):
        lo, hi = self.ports
        self.proc = subprocess.Popen(
            ["tcpdump", "-i", self.iface, "-U", "--immediate-mode", "-s", "256", "-w", self.pcap,
             f"udp and dst portrange {lo}-{hi}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        # tcpdump says "listening on …" once its filter is in place
        line = self.proc.stderr.readline()
        if "listening" not in line:
            raise RuntimeError(f"tcpdump did not start: {line}")
        self.t0 = time.time()
        return self

    def since(self):
        """Seconds since the capture started."""
        return time.time() - self.t0

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc.stderr.close()
        self.proc = None

    def __exit__(self, *exc):
        self.stop()

    def wav(self, gap_ms=60.0):
        """The capture as a WAV (time 0 = capture start); summary in .summary."""
        self.stop()
        self.summary = rtpcap2wav.convert(self.pcap, self.path, self.ports[0], self.ports[1],
                                          t0=self.t0, gap_ms=gap_ms)
        return self.path

    def rtp(self):
        """Every captured RTP packet: (time since t0, dport, pt, ssrc, seq, marker, payload)."""
        self.stop()
        return [(t - self.t0, *rest) for t, *rest in
                rtpcap2wav.rtp_packets(self.pcap, self.ports[0], self.ports[1])]


# -- the daemon's process ---------------------------------------------------


def proc_counts(pid):
    """(threads, open fds) of a process, from /proc."""
    with open(f"/proc/{pid}/status") as f:
        threads = int(next(l for l in f if l.startswith("Threads:")).split()[1])
    return threads, len(os.listdir(f"/proc/{pid}/fd"))


def settle_counts(pid, target, timeout=5.0):
    """Waits until the process is back to target (threads, fds) or below;
    returns the last counts."""
    last = [proc_counts(pid)]

    def back():
        last[0] = proc_counts(pid)
        return last[0][0] <= target[0] and last[0][1] <= target[1]
    wait_for(back, timeout, 0.2)
    return last[0]


# -- browser ----------------------------------------------------------------


def browser(directory, mic_hz=MIC_HZ):
    """Headless Chromium whose fake microphone plays mic_hz; it trusts the
    daemon's self-signed certificate (--ignore-certificate-errors)."""
    return Chromium(fake_audio=tone_wav(directory, mic_hz),
                    args=["--ignore-certificate-errors"])


class PageError(AssertionError):
    pass


class PhonePage:
    """One Chromium page on the daemon's agent page (/webkit/) with
    browser/phone-test.js injected (window.mgt). Phones are named: one page
    can hold several MediagatePhone instances (e.g. a second login)."""

    def __init__(self, chrome, daemon, page="main", host="127.0.0.1"):
        self.chrome = chrome
        self.page = page
        self.origin = f"https://{host}:{daemon.client_port}"
        chrome.goto(self.origin + "/webkit/", page=page)
        chrome.add_script(PHONE_TEST_JS, page=page)
        if not wait_for(lambda: self.js("Boolean(window.mgt && window.mgt.ready)"), 10, 0.1):
            raise PageError("phone-test.js did not load:\n" + chrome.stderr())

    def js(self, expr, timeout=30):
        return self.chrome.eval(expr, timeout, page=self.page)

    def mgt(self, method, *args, timeout=30):
        return self.chrome.call(f"mgt.{method}", *args, timeout=timeout, page=self.page)

    def ok(self, method, *args, timeout=30):
        """mgt.method(...) that must not come back with an error."""
        value = self.mgt(method, *args, timeout=timeout)
        if isinstance(value, dict) and "error" in value and len(value) == 1:
            raise PageError(f"{method}{args}: {value['error']}\nevents: {self.events()}")
        return value

    # phones and calls
    def login(self, name, **credentials):
        return self.mgt("login", name, credentials)

    def dial(self, name, number):
        return self.mgt("dial", name, str(number))

    def accept(self, call_id):
        return self.mgt("accept", call_id)

    def hangup(self, call_id):
        return self.mgt("hangup", call_id)

    def hold(self, call_id):
        return self.mgt("hold", call_id)

    def unhold(self, call_id):
        return self.mgt("unhold", call_id)

    def send_dtmf(self, call_id, digits, method="auto"):
        return self.mgt("sendDtmf", call_id, digits, method)

    def events(self, **match):
        return self.mgt("events", match)

    def wait_event(self, type_, timeout=10, **match):
        """The first logged event of type_ (and match: phone=, call_id=); an
        AssertionError listing what happened if none came within timeout."""
        match["type"] = type_
        found = self.mgt("waitFor", match, int(timeout * 1000), timeout=timeout + 10)
        if found is None:
            raise PageError(f"no {match} within {timeout} s; events: {self.events()}\n"
                            f"page log:\n{self.chrome.stderr()[-3000:]}")
        return found

    # ears
    def stats(self, call_id):
        return self.mgt("stats", call_id)

    def listen(self, call_id, seconds=2.0):
        return [s for s in self.mgt("listen", call_id, int(seconds * 1000),
                                    timeout=seconds + 10) if s]

    def hears(self, call_id, freq, seconds=2.0, tol_hz=30, min_level=-70.0, share=0.8):
        """Whether the page hears freq on the call: in at least share of the
        samples over seconds, the loudest frequency is within tol_hz of freq
        and louder than min_level dB."""
        samples = self.listen(call_id, seconds)
        good = [s for s in samples if abs(s["frequency"] - freq) <= tol_hz and s["level"] > min_level]
        return bool(samples) and len(good) >= share * len(samples)

    def hears_all(self, call_id, freqs, seconds=2.0, min_level=-50.0, share=0.8):
        """Whether the page hears every one of freqs at once (a mix): in at
        least share of the samples each is louder than min_level dB."""
        samples = [s for s in self.mgt("listenLevels", call_id, list(freqs), int(seconds * 1000),
                                       timeout=seconds + 10) if s]
        good = [s for s in samples if all(level > min_level for level in s)]
        return bool(samples) and len(good) >= share * len(samples)

    def silent(self, call_id, seconds=1.5, max_level=-60.0, share=0.8):
        """Whether the page hears (about) nothing on the call: no audio at
        all (level None), or only the browser's comfort noise, far below the
        tones (about -10 dBFS)."""
        samples = self.listen(call_id, seconds)
        quiet = [s for s in samples if s["level"] is None or s["level"] < max_level]
        return bool(samples) and len(quiet) >= share * len(samples)

    def prefer_codecs(self, mime_types):
        return self.mgt("preferCodecs", mime_types)


# -- the SIP platform -------------------------------------------------------


class SipPlatform:
    """Kamailio (users: far phones plus the daemon's extensions) and a daemon
    whose extensions register there; far phones on demand. Inside the
    test's network namespace everything is on 127.0.0.1."""

    def __init__(self, far_users, extensions=("1000", "1001"), platform=True, daemon_config=""):
        self.tmp = tempfile.mkdtemp(prefix="mg-e2e-calls-")
        self.daemon_config = daemon_config  # extra mediagate.conf text, e.g. [limits]
        self.extensions = {e: f"p{e}" for e in extensions}
        self.kamailio = Kamailio(dict(far_users, **self.extensions)) if platform else None
        self.daemon = None
        self.phones = []
        self.access = None

    def __enter__(self):
        try:
            if self.kamailio:
                self.kamailio.start()
            self.daemon = Daemon(self.daemon_config).start()
            for ext, password in self.extensions.items():
                r = self.daemon.admin("POST", "/cms/api/v1/extensions", {
                    "from": ext, "to": ext, "display_name": f"Agent {ext}",
                    "digest": {"username": ext, "password": password}})
                assert r.status == 201, r
            if self.kamailio:
                r = self.daemon.admin("PATCH", "/cms/api/v1/sip", {"primary_uri": self.kamailio.uri})
                assert r.status == 200, r
                # many extensions register one after the other: give each a moment
                wait_s = max(10, len(self.extensions) * 0.2)
                if not wait_for(lambda: set(self.registration_states().values()) == {"registered"},
                                wait_s):
                    raise RuntimeError(f"extensions did not register: {self.registration_states()}")
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        for phone in self.phones:
            phone.cleanup()
        if self.daemon:
            self.daemon.cleanup()
        if self.kamailio:
            self.kamailio.cleanup()
        shutil.rmtree(self.tmp, ignore_errors=True)

    @property
    def proxy(self):
        return f"{self.kamailio.ip}:{self.kamailio.port}"

    def registration_states(self):
        r = self.daemon.admin("GET", "/cms/api/v1/registrations")
        assert r.status == 200, r
        return {i["extension"]: i["state"] for i in r.json["items"]}

    def baresip(self, name, password, **kw):
        """A registered baresip far phone (plays FAR_HZ unless tone= says otherwise)."""
        kw.setdefault("tone", FAR_HZ)
        phone = Baresip(name, password, self.proxy, **kw)
        self.phones.append(phone)
        phone.start()
        if not wait_for(phone.registered, 10):
            raise RuntimeError(f"baresip {name} did not register:\n" + "".join(phone.log[-30:]))
        return phone

    def sipp_caller(self, scenario, to="1000", user="2009", password="p2009"):
        """A sipp caller running sipp/<scenario> toward `to` through
        Kamailio as `user`; the test kills it if it is still running."""
        kam = self.kamailio
        return subprocess.Popen(
            ["sipp", "-sf", os.path.join(SIPP_DIR, scenario), "-s", to,
             "-au", user, "-ap", password, "-i", "127.0.0.1", "-p", str(free_udp_port()),
             "-mi", "127.0.0.1", "-mp", str(free_udp_port()), "-m", "1", "-nostdin",
             "-timeout", "30", f"{kam.ip}:{kam.port}"],
            cwd=self.tmp, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def sipp_info_phone(self, user, password):
        phone = SippInfoPhone(self, user, password)
        self.phones.append(phone)
        return phone.start()

    def sipp_early_media_phone(self, user, password, tone=FAR_HZ):
        """A sipp far phone that answers 183 with SDP, plays tone from then
        on and answers 200 OK 6 s later (sipp/uas_early_media.xml)."""
        phone = SippEarlyMediaPhone(self, user, password, tone)
        self.phones.append(phone)
        return phone.start()

    def session_token(self, extension):
        """A session token from the app-server flow (client credentials,
        POST /webkit/api/v1/sessions)."""
        d = self.daemon
        if self.access is None:
            r = d.admin("POST", "/cms/api/v1/clients",
                        {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET})
            assert r.status == 201, r
            basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
            r = d.client("POST", "/oauth/token", "grant_type=client_credentials",
                         content_type="application/x-www-form-urlencoded",
                         headers={"Authorization": "Basic " + basic})
            assert r.status == 200, r
            self.access = r.json["access_token"]
        r = d.client("POST", "/webkit/api/v1/sessions", {"extension": extension},
                     auth="Bearer " + self.access)
        assert r.status == 201, r
        return r.json["session_token"]

    def calls(self):
        """GET /cms/api/v1/calls items."""
        r = self.daemon.admin("GET", "/cms/api/v1/calls")
        assert r.status == 200, r
        return r.json["items"]

    def sip_uri(self, user):
        return f"sip:{user}@{self.proxy}"


SIPP_DIR = os.path.join(HERE, "sipp")


class SippInfoPhone:
    """A sipp far phone registered as user with Kamailio that answers with
    PCMU only (no telephone-event), echoes RTP and answers INFO with 200
    (sipp/uas_no_telephone_event.xml); info_digits() reads the DTMF it got
    as SIP INFO (application/dtmf-relay), in order."""

    scenario = "uas_no_telephone_event.xml"
    media_args = ("-rtp_echo",)

    def __init__(self, platform, user, password):
        self.platform = platform
        self.user = user
        self.password = password
        self.dir = tempfile.mkdtemp(prefix=f"mg-sipp-{user}-", dir=platform.tmp)
        self.port = free_udp_port()
        self.media_port = free_udp_port()
        self.messages = os.path.join(self.dir, "messages.log")
        self.proc = None

    def start(self):
        self.register()
        self.proc = subprocess.Popen(self.uas_command(), cwd=self.dir,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(0.3)  # sipp binds before it reads the scenario's first recv
        return self

    def register(self):
        """REGISTERs user with Kamailio from our SIP port (sipp/register.xml)."""
        kam = self.platform.kamailio
        reg = subprocess.run(
            ["sipp", "-sf", os.path.join(SIPP_DIR, "register.xml"), "-s", self.user,
             "-au", self.user, "-ap", self.password, "-i", "127.0.0.1", "-p", str(self.port),
             "-m", "1", "-nostdin", "-timeout", "10", f"{kam.ip}:{kam.port}"],
            cwd=self.dir, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if reg.returncode != 0:
            raise RuntimeError(f"sipp could not register {self.user}: {reg.stderr[-2000:]}")

    def uas_command(self):
        """The sipp UAS that answers on the registered port (the class's
        scenario and media options)."""
        return ["sipp", "-sf", os.path.join(SIPP_DIR, self.scenario), "-aa",
                "-i", "127.0.0.1", "-p", str(self.port), "-mi", "127.0.0.1",
                "-mp", str(self.media_port), *self.media_args, "-m", "1", "-nostdin", "-trace_msg",
                "-message_file", self.messages, "-timeout", "60"]

    def info_digits(self):
        """The Signal= values of the INFO requests it received, in order."""
        try:
            with open(self.messages, errors="replace") as f:
                text = f.read()
        except FileNotFoundError:
            return ""
        digits = []
        for block in text.split("----------------------------------------------- "):
            if "received" in block and "\nINFO " in "\n" + block.split("\n", 2)[-1]:
                for line in block.splitlines():
                    if line.strip().lower().startswith("signal="):
                        digits.append(line.split("=", 1)[1].strip())
        return "".join(digits)

    def finished(self):
        return self.proc is not None and self.proc.poll() is not None

    def cleanup(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


class SippEarlyMediaPhone(SippInfoPhone):
    """A sipp far phone with early media: 183 Session Progress with a PCMU
    SDP, a tone (sox-made raw mu-law, looped) from then on, 200 OK 6 s later
    (sipp/uas_early_media.xml)."""
    scenario = "uas_early_media.xml"
    media_args = ()

    def __init__(self, platform, user, password, tone):
        super().__init__(platform, user, password)
        subprocess.run(["sox", "-n", "-r", "8000", "-c", "1", "-t", "ul",
                        os.path.join(self.dir, "early.ul"), "synth", "2", "sine", str(tone)],
                       check=True)


class SippRefusingPhone(SippInfoPhone):
    """A sipp far phone that rings and then refuses: kind "busy" (486 after
    0.5 s, sipp/uas_busy.xml) or "no_answer" (408 after 2.5 s,
    sipp/uas_no_answer.xml)."""
    media_args = ()

    def __init__(self, platform, user, password, kind):
        super().__init__(platform, user, password)
        self.scenario = f"uas_{kind}.xml"


def dtmf_digits(phone):
    """The digits baresip reported as CALL_DTMF_START events, in order."""
    with phone.lock:
        return "".join(e.get("param", "") for e in phone.events
                       if e.get("type") == "CALL_DTMF_START")


__all__ = ["FAR_HZ", "MIC_HZ", "PhonePage", "RtpRecorder", "SipPlatform", "SippEarlyMediaPhone", "SippInfoPhone", "assert_tone",
           "browser", "dtmf_digits", "free_udp_port", "proc_counts", "require_netns",
           "settle_counts", "tone_windows", "wait_for"]
