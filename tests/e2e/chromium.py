"""Headless Chromium for e2e tests, driven by playwright-core (browser/driver.mjs).

    with PageServer() as server, Chromium(fake_audio=tone_wav(dir, 1000)) as chrome:
        chrome.goto(server.url("peer.html"))
        chrome.eval("mg.stats()")

Chromium must run inside the test's network namespace (run-in-netns), as must
everything it talks to. The page is served from http://127.0.0.1:PORT, which
browsers treat as a secure context (getUserMedia needs one).
"""
import functools
import http.server
import json
import os
import queue
import subprocess
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
BROWSER_DIR = os.path.join(HERE, "browser")
CHROMIUM = "/usr/lib/chromium/chromium"


def tone_wav(directory, frequency, seconds=60, rate=48000):
    """A mono 16-bit WAV of a sine at half amplitude, made with sox. Chromium
    loops its fake capture file."""
    path = os.path.join(directory, f"tone{frequency}-{rate}.wav")
    subprocess.run(["sox", "-n", "-r", str(rate), "-c", "1", "-b", "16", path,
                    "synth", str(seconds), "sine", str(frequency), "vol", "0.5"], check=True)
    return path


class PageServer:
    """Serves tests/e2e/browser/ on 127.0.0.1 from a thread."""

    def __init__(self, directory=BROWSER_DIR):
        handler = functools.partial(_QuietHandler, directory=directory)
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, path):
        return f"http://127.0.0.1:{self.httpd.server_port}/{path}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class BrowserError(Exception):
    pass


class Chromium:
    """One headless Chromium (a fresh profile) with one page, commanded over
    the driver's stdin/stdout. Stopped by PID on close."""

    def __init__(self, fake_audio=None, args=()):
        if not os.path.exists(os.path.join(BROWSER_DIR, "node_modules", "playwright-core")):
            raise BrowserError("playwright-core is not installed: run scripts/deps.sh test")
        if not os.access(CHROMIUM, os.X_OK):
            raise BrowserError(f"{CHROMIUM} is missing: run scripts/deps.sh test")
        options = {"executablePath": CHROMIUM, "fakeAudio": fake_audio, "args": list(args)}
        self.proc = subprocess.Popen(["node", os.path.join(BROWSER_DIR, "driver.mjs"),
                                      json.dumps(options)],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, cwd=BROWSER_DIR)
        self.replies = queue.Queue()
        self.log = []
        self.next_id = 0
        threading.Thread(target=self._read, args=(self.proc.stdout, self.replies.put),
                         daemon=True).start()
        threading.Thread(target=self._read, args=(self.proc.stderr, self.log.append),
                         daemon=True).start()

    @staticmethod
    def _read(stream, sink):
        for line in stream:
            sink(line.rstrip("\n"))
        sink(None)

    def command(self, op, timeout=30, **fields):
        self.next_id += 1
        self.proc.stdin.write(json.dumps(dict(fields, op=op, id=self.next_id)) + "\n")
        self.proc.stdin.flush()
        while True:
            try:
                line = self.replies.get(timeout=timeout)
            except queue.Empty:
                raise BrowserError(f"{op}: no answer from the browser in {timeout} s") from None
            if line is None:
                raise BrowserError(f"{op}: the driver exited; its log:\n" + self.stderr())
            reply = json.loads(line)
            if reply.get("id") == self.next_id:
                break
        if not reply["ok"]:
            raise BrowserError(f"{op}: {reply['error']}")
        return reply["value"]

    # Each page command takes page= (a name; default "main"): several pages
    # share one browser, e.g. two phones calling each other.

    def goto(self, url, page="main"):
        return self.command("goto", url=url, page=page)

    def eval(self, expr, timeout=30, page="main"):
        return self.command("eval", timeout=timeout, expr=expr, page=page)

    def add_script(self, path, page="main"):
        """Evaluates a file's text in the page (its origin, under its CSP; a
        returned promise is awaited), e.g. browser/phone-test.js."""
        return self.command("add_script", path=path, page=page)

    def call(self, function, *args, timeout=30, page="main"):
        """Calls a page function with JSON arguments: call("mg.answer", sdp)."""
        return self.eval(f"{function}(...{json.dumps(list(args))})", timeout, page)

    def close_page(self, page="main"):
        return self.command("close_page", page=page)

    def stderr(self):
        return "\n".join(line for line in self.log if line is not None)

    def close(self):
        if self.proc.poll() is None:
            try:
                self.command("quit", timeout=10)
            except (BrowserError, BrokenPipeError, OSError):
                pass
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
