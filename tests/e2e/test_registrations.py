"""The daemon registers its extensions with a real Kamailio (digest auth), as
an operator configures it through the admin API; failover between two
Kamailio instances; calls to an extension without a phone get 480."""
import os
import sys
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "api"))
from mgtest import Daemon  # noqa: E402
from sippeers import Baresip, Kamailio, wait_for  # noqa: E402

USERS = {"1000": "p1000", "1001": "p1001", "1002": "p1002", "bob": "bobpw"}


class Registrations(unittest.TestCase):
    def setUp(self):
        self.primary = Kamailio(USERS).start()
        self.secondary = Kamailio(USERS).start()
        self.d = Daemon().start()
        r = self.d.admin("POST", "/cms/api/v1/extensions", {
            "from": "1000", "to": "1002", "display_name": "Agent",
            "digest": {"username": "1000", "password": "p1000", "increment": True}})
        self.assertEqual(r.status, 201, r)

    def tearDown(self):
        self.d.cleanup()
        self.primary.cleanup()
        self.secondary.cleanup()

    def registrations(self):
        r = self.d.admin("GET", "/cms/api/v1/registrations")
        self.assertEqual(r.status, 200, r)
        return r.json

    def states(self):
        return {i["extension"]: (i["state"], i["registrar"]) for i in self.registrations()["items"]}

    def set_platform(self, **kw):
        body = {"primary_uri": self.primary.uri, "keepalive_interval": 1,
                "keepalive_max_missed": 2}
        body.update(kw)
        r = self.d.admin("PATCH", "/cms/api/v1/sip", body)
        self.assertEqual(r.status, 200, r)

    def test_embedded_default_registers_nothing(self):
        reg = self.registrations()
        self.assertEqual(reg["mode"], "embedded")
        self.assertIsNone(reg["active_registrar"])
        self.assertEqual({i["state"] for i in reg["items"]}, {"unregistered"})
        self.assertEqual(self.primary.requests("REGISTER"), [])

    def test_platform_change_registers_every_extension_without_restart(self):
        self.set_platform()
        p = self.primary.uri
        self.assertTrue(wait_for(lambda: self.states() == {
            "1000": ("registered", p), "1001": ("registered", p), "1002": ("registered", p)}, 10),
            self.states())
        reg = self.registrations()
        self.assertEqual(reg["mode"], "platform")
        self.assertEqual(reg["registered"], 3)
        for item in reg["items"]:
            self.assertAlmostEqual(item["expires_in"], 600, delta=5)
            self.assertIsNone(item["last_error"])
        health = self.d.admin("GET", "/healthz", auth=None).json
        self.assertEqual(health["registrations"], 3)

    def test_extension_changes_apply_at_once(self):
        self.set_platform()
        self.assertTrue(wait_for(lambda: len(self.states()) == 3 and all(
            s == "registered" for s, _ in self.states().values()), 10))
        # disabled: no longer registered
        r = self.d.admin("PATCH", "/cms/api/v1/extensions/1002", {"enabled": False})
        self.assertEqual(r.status, 200, r)
        self.assertNotIn("1002", self.states())
        # a wrong password: the platform says so and the API shows it
        r = self.d.admin("PATCH", "/cms/api/v1/extensions/1001",
                         {"digest": {"username": "1001", "password": "wrong"}})
        self.assertEqual(r.status, 200, r)
        self.assertTrue(wait_for(lambda: self.states()["1001"][0] == "failed", 10))
        item = [i for i in self.registrations()["items"] if i["extension"] == "1001"][0]
        self.assertEqual(item["last_error"], "401 Unauthorized")
        # deleted
        self.assertEqual(self.d.admin("DELETE", "/cms/api/v1/extensions/1000").status, 204)
        self.assertNotIn("1000", self.states())

    def test_failover_to_secondary_and_no_flapping_back(self):
        self.set_platform(secondary_uri=self.secondary.uri)
        p, s = self.primary.uri, self.secondary.uri
        self.assertTrue(wait_for(lambda: set(self.states().values()) == {("registered", p)}, 10))
        self.primary.stop()
        self.assertTrue(wait_for(lambda: set(self.states().values()) == {("registered", s)}, 20),
                        self.states())
        self.assertEqual(self.registrations()["active_registrar"], s)
        self.primary.start()
        time.sleep(3)
        self.assertEqual(self.registrations()["active_registrar"], s)
        self.assertEqual(set(self.states().values()), {("registered", s)})

    def test_call_to_extension_without_phone_gets_480(self):
        self.set_platform()
        self.assertTrue(wait_for(lambda: self.states().get("1000", ("",))[0] == "registered", 10))
        bob = Baresip("bob", "bobpw", f"{self.primary.ip}:{self.primary.port}").start()
        try:
            self.assertTrue(wait_for(bob.registered, 10))
            bob.command("dial", f"sip:1000@{self.primary.ip}:{self.primary.port}")
            self.assertTrue(wait_for(lambda: "CALL_CLOSED" in bob.event_types(), 10))
            self.assertIn("480", " ".join(bob.closed_reasons()))
        finally:
            bob.cleanup()


if __name__ == "__main__":
    unittest.main(verbosity=2)
