"""Acknowledged writes survive kill -9 and restarts."""
import concurrent.futures
import signal
import unittest

from mgtest import Daemon


class Durability(unittest.TestCase):
    def setUp(self):
        self.d = Daemon().start()

    def tearDown(self):
        self.d.cleanup()

    def test_kill9_after_burst_loses_no_acknowledged_write(self):
        self.d.login()

        def create(i):
            r = self.d.admin("POST", "/cms/api/v1/admins",
                             {"name": f"ops{i}", "password": f"password-{i}"})
            return i if r.status == 201 else None

        with concurrent.futures.ThreadPoolExecutor(4) as pool:
            acknowledged = [i for i in pool.map(create, range(40)) if i is not None]
        self.assertEqual(len(acknowledged), 40)
        self.d.kill9()

        self.d.start()
        for i in acknowledged:
            r = self.d.admin("GET", "/cms/api/v1/me", auth=(f"ops{i}", f"password-{i}"))
            self.assertEqual(r.status, 200, f"ops{i} lost after kill -9")

    def test_restart_keeps_data_and_tokens(self):
        token = self.d.login()
        r = self.d.admin("POST", "/cms/api/v1/admins", {"name": "kept", "password": "kept password"})
        self.assertEqual(r.status, 201)
        self.assertEqual(self.d.stop(signal.SIGTERM), 0)

        self.d.start()
        r = self.d.admin("GET", "/cms/api/v1/me", auth=("kept", "kept password"))
        self.assertEqual(r.status, 200)
        # the per-install signing secret is kept: an admin token outlives a restart
        r = self.d.admin("GET", "/cms/api/v1/me", auth="Bearer " + token)
        self.assertEqual(r.status, 200)


if __name__ == "__main__":
    unittest.main(verbosity=2)
