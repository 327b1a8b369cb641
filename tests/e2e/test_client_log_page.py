"""The client logger end to end: the daemon's own agent page (/webkit/) in
headless Chromium signs in with an extension's password, a person ticks
"Send diagnostic logs to the server", and the page's lines land in
<log-dir>/clients/DATE/EXT.log through wss://…/clientlog. No WebRTC, so no
network namespace is needed.
"""
import os
import sys
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "api"))

from chromium import BrowserError, Chromium  # noqa: E402
from mgtest import Daemon, wait_for  # noqa: E402

PASSWORD = "p1000-page-secret"


class ClientLogPage(unittest.TestCase):
    def setUp(self):
        self.d = Daemon().start()
        r = self.d.admin("POST", "/cms/api/v1/extensions", {
            "from": "1000", "display_name": "Agent", "digest": {"username": "1000",
                                                                "password": PASSWORD}})
        self.assertEqual(r.status, 201, r)
        try:
            self.chrome = Chromium(args=["--ignore-certificate-errors"])
        except BrowserError as e:
            self.d.cleanup()
            self.skipTest(str(e))

    def tearDown(self):
        self.chrome.close()
        self.d.cleanup()

    def js(self, expr):
        return self.chrome.eval(expr)

    def read_log(self):
        path = os.path.join(self.d.log_dir, "clients", time.strftime("%Y-%m-%d"), "1000.log")
        if not os.path.exists(path):
            return ""
        with open(path, encoding="utf-8") as f:
            return f.read()

    def test_a_real_page_logs_into_the_extension_file(self):
        self.chrome.goto(f"https://127.0.0.1:{self.d.client_port}/webkit/")
        self.assertTrue(wait_for(
            lambda: self.js("document.documentElement.dataset.phone === 'ready'"), 10))
        self.js(f"""(() => {{
            document.getElementById('extension').value = '1000';
            document.getElementById('password').value = '{PASSWORD}';
            document.getElementById('login-button').click();
        }})()""")
        self.assertTrue(wait_for(
            lambda: self.js("window.mediagatePhoneApp.phone.state === 'connected'"), 15),
            self.chrome.stderr())
        # as a person would: open Settings, tick the box
        self.js("""(() => {
            document.getElementById('settings').open = true;
            document.getElementById('client-log').click();
        })()""")
        self.js("window.mediagatePhoneApp.phone.log('info', 'hello from a real page')")
        self.assertTrue(wait_for(lambda: "hello from a real page" in self.read_log(), 15),
                        self.read_log() + self.chrome.stderr())
        text = self.read_log()
        self.assertIn("INFO [page] client logging on", text)
        self.assertRegex(text, r"(?m)^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} INFO hello from a real page$")
        self.assertNotIn(PASSWORD, text)
        self.assertNotIn("mg1.", text.replace("mg1.[redacted]", ""))

        # unticked: nothing more arrives
        self.js("document.getElementById('client-log').click()")
        self.js("window.mediagatePhoneApp.phone.log('info', 'after unticking')")
        time.sleep(1)
        self.assertNotIn("after unticking", self.read_log())


if __name__ == "__main__":
    unittest.main(verbosity=2)
