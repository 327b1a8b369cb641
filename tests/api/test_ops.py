"""Operations: the log file in the log dir, and sd_notify (DESIGN.md decision 12)."""
import datetime
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest

from mgtest import MEDIAGATED, Daemon, wait_for


class LogFile(unittest.TestCase):
    def test_daemon_writes_its_log_file_into_the_log_dir(self):
        d = Daemon().start()
        try:
            today = datetime.date.today().isoformat()
            path = os.path.join(d.log_dir, f"mediagated-{today}.1.log")

            def read():
                try:
                    with open(path) as f:
                        return f.read()
                except FileNotFoundError:
                    return ""
            # the console line that start() waits for comes just before the file's
            self.assertTrue(wait_for(lambda: "ready:" in read()), os.listdir(d.log_dir))
            text = read()
            self.assertRegex(text, r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} message mediagate: "
                                   r"mediagated \S+ ready: client https port \d+")
            # the library's own domains reach the file too
            self.assertIn(" mediagate-server: created the first admin", text)
            _, password = d.initial_admin()
            self.assertNotIn(password, text)
            # the console still gets the messages (journald or stderr)
            self.assertIn("ready: client https port", "".join(d.log))
        finally:
            d.cleanup()

    def test_log_level_changes_at_run_time_through_the_api(self):
        d = Daemon().start()
        try:
            today = datetime.date.today().isoformat()
            path = os.path.join(d.log_dir, f"mediagated-{today}.1.log")

            def logins_logged():
                with open(path) as f:
                    return f.read().count("mediagate-admin: admin 'admin' logged in")
            d.login()  # logged at info: below the default level
            self.assertTrue(wait_for(lambda: "ready:" in open(path).read()))
            self.assertEqual(logins_logged(), 0)

            r = d.admin("PATCH", "/cms/api/v1/diagnostics", {"log_levels": {"admin": "info"}})
            self.assertEqual(r.status, 200, r)
            self.assertFalse(r.json["restart_required"])
            d.login()
            self.assertTrue(wait_for(lambda: logins_logged() == 1))

            r = d.admin("PATCH", "/cms/api/v1/diagnostics", {"log_levels": {"admin": "message"}})
            self.assertEqual(r.status, 200, r)
            d.login()
            time.sleep(0.3)
            self.assertEqual(logins_logged(), 1)
        finally:
            d.cleanup()

    def test_unwritable_log_dir_stops_the_start_with_a_reason(self):
        work = tempfile.mkdtemp(prefix="mg-api-")
        try:
            blocker = os.path.join(work, "file")
            open(blocker, "w").close()
            d = Daemon(workdir=work, extra_config="")
            d.log_dir = os.path.join(blocker, "log")  # a path under a regular file
            d.write_config()
            r = subprocess.run([MEDIAGATED, "--config", d.config_path], capture_output=True,
                               text=True, timeout=20, stdin=subprocess.DEVNULL)
            self.assertEqual(r.returncode, 73)  # EX_CANTCREAT
            self.assertIn("log directory", r.stderr)
            self.assertIn(d.log_dir, r.stderr)
        finally:
            shutil.rmtree(work, ignore_errors=True)


class SdNotify(unittest.TestCase):
    """READY=1, WATCHDOG=1 pings, STOPPING=1 on SIGTERM, read from NOTIFY_SOCKET."""

    def setUp(self):
        self.work = tempfile.mkdtemp(prefix="mg-notify-")
        self.sock_path = os.path.join(self.work, "notify.sock")
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.sock_path)
        self.proc = None

    def tearDown(self):
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.sock.close()
        shutil.rmtree(self.work, ignore_errors=True)

    def receive(self, until):
        """Datagrams until one equals or contains `until`, with their arrival times."""
        got = []
        end = time.monotonic() + 20
        while time.monotonic() < end:
            self.sock.settimeout(max(0.1, end - time.monotonic()))
            try:
                data = self.sock.recv(4096).decode()
            except socket.timeout:
                break
            got.append((time.monotonic(), data))
            if until in data.split("\n"):
                return got
        self.fail(f"no {until} among {got!r}")

    def test_ready_watchdog_stopping(self):
        d = Daemon(workdir=self.work)
        d.write_config()
        env = dict(os.environ, NOTIFY_SOCKET=self.sock_path, WATCHDOG_USEC="2000000")
        # WATCHDOG_PID must be the daemon's own pid: the shell exports its pid, then execs
        self.proc = subprocess.Popen(
            ["sh", "-c", 'export WATCHDOG_PID=$$; exec "$0" --config "$1"', MEDIAGATED,
             d.config_path],
            env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)

        got = self.receive("READY=1")
        self.assertNotIn("STOPPING=1", [m for _, m in got])
        # the client listener answers once READY=1 is sent
        ready_at = got[-1][0]

        pings = self.receive("WATCHDOG=1")
        pings += self.receive("WATCHDOG=1")
        times = [t for t, m in pings if m == "WATCHDOG=1"]
        self.assertEqual(len(times), 2)
        # half the 2 s interval: about one ping a second
        self.assertLess(times[1] - times[0], 1.8)
        self.assertGreater(times[1] - times[0], 0.5)
        self.assertLess(times[0] - ready_at, 2.0)

        self.proc.send_signal(signal.SIGTERM)
        self.receive("STOPPING=1")
        self.assertEqual(self.proc.wait(10), 0)

    def test_no_watchdog_for_another_pid(self):
        """sd_watchdog_enabled checks WATCHDOG_PID: a parent's value must not make us ping."""
        d = Daemon(workdir=self.work)
        d.write_config()
        env = dict(os.environ, NOTIFY_SOCKET=self.sock_path, WATCHDOG_USEC="200000",
                   WATCHDOG_PID="1")
        self.proc = subprocess.Popen([MEDIAGATED, "--config", d.config_path], env=env,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        self.receive("READY=1")
        self.sock.settimeout(1.0)
        with self.assertRaises(socket.timeout):
            while True:
                self.assertNotEqual(self.sock.recv(4096).decode(), "WATCHDOG=1")
        self.proc.send_signal(signal.SIGTERM)
        self.assertEqual(self.proc.wait(10), 0)


if __name__ == "__main__":
    unittest.main()
