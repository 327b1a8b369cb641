"""Settings sections (TURN, media, SIP, diagnostics) and Click-to-Contact destinations."""
import os
import sqlite3
import time
import unittest

from mgtest import Daemon

SECRET = "Turn-Secret-For-Tests-0123456789"
DEFAULT_SECRET = "mediagate-default-turn-secret-change-me"


def add_extensions(d, *numbers, enabled=1):
    """Extensions straight into the store (the extensions API is another
    helper's work); WAL lets this run beside the daemon."""
    db = sqlite3.connect(os.path.join(d.data_dir, "mediagate.db"), timeout=10)
    now = int(time.time())
    with db:
        for n in numbers:
            db.execute("INSERT INTO extensions (number, enabled, created, updated) "
                       "VALUES (?, ?, ?, ?)", (n, enabled, now, now))
    db.close()


class Settings(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = Daemon().start()

    @classmethod
    def tearDownClass(cls):
        cls.d.cleanup()

    def get(self, section):
        r = self.d.admin("GET", "/cms/api/v1/" + section)
        self.assertEqual(r.status, 200, r)
        return r.json

    def assert_refused(self, method, section, body, key, status=400):
        before = self.get(section)
        r = self.d.admin(method, "/cms/api/v1/" + section, body)
        self.assertEqual(r.status, status, (body, r))
        if key:
            self.assertIn(key, r.json["error"]["message"], r)
        self.assertEqual(self.get(section), before, "a refused write changed something")

    # -- auth and shapes ----------------------------------------------------

    def test_needs_admin(self):
        for section in ("turn", "media", "sip", "diagnostics"):
            r = self.d.admin("GET", "/cms/api/v1/" + section, auth=None)
            self.assertEqual(r.status, 401)
            r = self.d.admin("PATCH", "/cms/api/v1/" + section, {}, auth=None)
            self.assertEqual(r.status, 401)

    def test_not_on_client_listener(self):
        r = self.d.client("GET", "/cms/api/v1/turn")
        self.assertEqual(r.status, 404)

    def test_defaults(self):
        media = self.get("media")
        self.assertEqual(media["sip_srtp"], "none")
        self.assertEqual(media["audio_codecs"], ["opus", "G722", "PCMU", "PCMA", "telephone-event"])
        self.assertEqual(media["video_codecs"], ["VP8", "VP9", "H264"])
        self.assertEqual(media["max_video_bitrate"], 500)
        sip = self.get("sip")
        self.assertEqual((sip["primary_uri"], sip["secondary_uri"]), ("", ""))
        # the first start seeds local_port from the config file's [sip] port
        self.assertEqual((sip["transport"], sip["registration_expiry"], sip["local_port"]),
                         ("udp", 600, self.d.sip_port))
        self.assertEqual((sip["keepalive_interval"], sip["keepalive_max_missed"]), (10, 3))
        diag = self.get("diagnostics")
        self.assertEqual(set(diag["log_levels"]), {"server", "store", "http", "admin", "auth",
                                                   "tls", "config", "sip", "media", "cti", "call",
                                                   "phone", "webrtc", "extensions", "log", "clientlog"})

    # -- bad input changes nothing ------------------------------------------

    def test_bad_values_change_nothing(self):
        cases = [
            ("turn", {"ttl": 10}, "ttl"),
            ("turn", {"ttl": "600"}, "ttl"),
            ("turn", {"enabled": 1}, "enabled"),
            ("turn", {"shared_secret": "short"}, "shared_secret"),
            ("turn", {"relay_addresses": ["300.1.1.1"]}, "relay_addresses"),
            ("turn", {"transport_addresses": ["192.0.2.1:3478"]}, "transport_addresses"),
            ("turn", {"transport_addresses": ["2001:db8::1:3478/UDP"]}, "transport_addresses"),
            ("turn", {"external_addresses": ["not a name"]}, "external_addresses"),
            ("turn", {"enabled": True, "nonsense": 1}, "nonsense"),
            ("media", {"sip_srtp": "sometimes"}, "sip_srtp"),
            ("media", {"audio_codecs": ["opus", "opus"]}, "audio_codecs"),
            ("media", {"audio_codecs": ["G729"]}, "audio_codecs"),
            ("media", {"video_codecs": ["AV1"]}, "video_codecs"),
            ("media", {"max_video_bitrate": -5}, "max_video_bitrate"),
            ("sip", {"primary_uri": "pbx.example.com"}, "primary_uri"),
            ("sip", {"primary_uri": "sip:pbx:99999"}, "primary_uri"),
            ("sip", {"secondary_uri": "sip:b.example.com"}, "secondary_uri"),
            ("sip", {"registration_expiry": 120}, "registration_expiry"),
            ("sip", {"transport": "UDP"}, "transport"),
            ("sip", {"local_port": 0}, "local_port"),
            ("diagnostics", {"log_levels": {"sip": "loud"}}, "log_levels"),
            ("diagnostics", {"log_levels": {"kernel": "debug"}}, "log_levels"),
            ("diagnostics", {"log_file_count": 0}, "log_file_count"),
        ]
        for section, body, key in cases:
            for method in ("PUT", "PATCH"):
                with self.subTest(section=section, body=body, method=method):
                    self.assert_refused(method, section, body, key)

    def test_one_bad_key_refuses_the_good_ones(self):
        self.assert_refused("PATCH", "media", {"max_video_bitrate": 900, "sip_srtp": "x"},
                            "sip_srtp")
        self.assert_refused("PUT", "sip", {"primary_uri": "sip:a.example.com",
                                           "registration_expiry": 1}, "registration_expiry")

    def test_malformed_bodies(self):
        self.assert_refused("PATCH", "media", b"{not json", None)
        self.assert_refused("PATCH", "media", [1, 2], None)
        before = self.get("media")
        r = self.d.admin("PATCH", "/cms/api/v1/media", b'{"sip_srtp":"required"}',
                         content_type="text/plain")
        self.assertEqual(r.status, 415)
        self.assertEqual(self.get("media"), before)

    # -- writes -------------------------------------------------------------

    def test_media_put_and_patch(self):
        r = self.d.admin("PUT", "/cms/api/v1/media",
                         {"audio_codecs": ["PCMA", "opus"], "max_video_bitrate": 1500})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["audio_codecs"], ["PCMA", "opus"])
        self.assertEqual(r.json["video_codecs"], ["VP8", "VP9", "H264"])
        self.assertIs(r.json["restart_required"], False)
        r = self.d.admin("PATCH", "/cms/api/v1/media", {"sip_srtp": "required",
                                                        "video_codecs": []})
        self.assertEqual(r.status, 200, r)
        got = self.get("media")
        self.assertEqual((got["sip_srtp"], got["audio_codecs"], got["video_codecs"],
                          got["max_video_bitrate"]), ("required", ["PCMA", "opus"], [], 1500))
        r = self.d.admin("PUT", "/cms/api/v1/media", {})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(self.get("media")["max_video_bitrate"], 500)

    def test_sip_restart_required(self):
        self.d.admin("PUT", "/cms/api/v1/sip", {})
        r = self.d.admin("PATCH", "/cms/api/v1/sip", {"primary_uri": "sip:pbx.example.com:5060",
                                                      "registration_expiry": 300})
        self.assertEqual(r.status, 200, r)
        self.assertIs(r.json["restart_required"], False)
        r = self.d.admin("PATCH", "/cms/api/v1/sip", {"local_port": 5070})
        self.assertIs(r.json["restart_required"], True)
        r = self.d.admin("PATCH", "/cms/api/v1/sip", {"local_port": 5070})
        self.assertIs(r.json["restart_required"], False, "unchanged value needs no restart")
        r = self.d.admin("PATCH", "/cms/api/v1/sip", {"transport": "tcp"})
        self.assertIs(r.json["restart_required"], True)
        got = self.get("sip")
        self.assertEqual((got["primary_uri"], got["local_port"], got["transport"]),
                         ("sip:pbx.example.com:5060", 5070, "tcp"))
        self.d.admin("PUT", "/cms/api/v1/sip", {})

    def test_diagnostics_patch_merges_levels(self):
        r = self.d.admin("PATCH", "/cms/api/v1/diagnostics", {"log_levels": {"sip": "debug"}})
        self.assertEqual(r.status, 200, r)
        r = self.d.admin("PATCH", "/cms/api/v1/diagnostics",
                         {"log_levels": {"cti": "info"}, "log_retention_days": 30})
        got = self.get("diagnostics")
        self.assertEqual(got["log_levels"]["sip"], "debug")
        self.assertEqual(got["log_levels"]["cti"], "info")
        self.assertEqual(got["log_levels"]["store"], "message")
        self.assertEqual(got["log_retention_days"], 30)

    def test_turn_secret_is_write_only_and_warned(self):
        r = self.d.admin("PUT", "/cms/api/v1/turn", {"shared_secret": DEFAULT_SECRET})
        self.assertEqual(r.status, 200, r)
        self.assertTrue(r.json["shared_secret_is_default"])
        self.assertTrue(any("shared_secret" in w for w in r.json["warnings"]))
        got = self.get("turn")
        self.assertTrue(got["shared_secret_is_default"])
        self.assertFalse(got["shared_secret_set"])
        self.assertTrue(got["warnings"])

        r = self.d.admin("PUT", "/cms/api/v1/turn", {
            "enabled": True, "shared_secret": SECRET, "ttl": 900,
            "relay_addresses": ["192.0.2.10", "2001:db8::10"],
            "transport_addresses": ["192.0.2.10:3478/UDP", "[2001:db8::10]:5349/TLS"],
            "external_addresses": ["turn.example.com"]})
        self.assertEqual(r.status, 200, r)
        self.assertNotIn("warnings", r.json)
        got = self.get("turn")
        self.assertNotIn("shared_secret", got)
        self.assertTrue(got["shared_secret_set"])
        self.assertFalse(got["shared_secret_is_default"])
        self.assertEqual(got["ttl"], 900)
        self.assertNotIn(SECRET, self.d.admin("GET", "/cms/api/v1/turn").raw.decode())

        # what a client read can be sent back: the secret stays
        r = self.d.admin("PUT", "/cms/api/v1/turn", got)
        self.assertEqual(r.status, 200, r)
        self.assertFalse(self.get("turn")["shared_secret_is_default"])
        self.assertNotIn(SECRET, "".join(self.d.log))

    def test_settings_survive_restart(self):
        d = Daemon().start()
        try:
            r = d.admin("PATCH", "/cms/api/v1/media", {"max_video_bitrate": 777})
            self.assertEqual(r.status, 200, r)
            d.kill9()
            d.start()
            d.token = None
            self.assertEqual(d.admin("GET", "/cms/api/v1/media").json["max_video_bitrate"], 777)
        finally:
            d.cleanup()


class Destinations(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = Daemon().start()
        add_extensions(cls.d, "1000", "1001", "1002")

    @classmethod
    def tearDownClass(cls):
        cls.d.cleanup()

    def all(self):
        r = self.d.admin("GET", "/cms/api/v1/destinations")
        self.assertEqual(r.status, 200, r)
        return r.json["destinations"]

    def test_crud(self):
        r = self.d.admin("POST", "/cms/api/v1/destinations",
                         {"key": "sales", "label": "Sales – Vertrieb", "pilot": "+4930123456",
                          "extensions": ["1001", "1000"]})
        self.assertEqual(r.status, 201, r)
        self.assertEqual(r.json["extensions"], ["1001", "1000"], "order is kept")
        r = self.d.admin("GET", "/cms/api/v1/destinations/sales")
        self.assertEqual((r.status, r.json["label"]), (200, "Sales – Vertrieb"))
        r = self.d.admin("PATCH", "/cms/api/v1/destinations/sales", {"extensions": ["1002"]})
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json["extensions"], r.json["pilot"]), (["1002"], "+4930123456"))
        r = self.d.admin("PUT", "/cms/api/v1/destinations/sales", {"label": "Sales",
                                                                   "pilot": "2000"})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json, {"key": "sales", "label": "Sales", "pilot": "2000",
                                  "extensions": []})
        self.assertIn("sales", [x["key"] for x in self.all()])
        self.assertEqual(self.d.admin("DELETE", "/cms/api/v1/destinations/sales").status, 204)
        self.assertEqual(self.d.admin("GET", "/cms/api/v1/destinations/sales").status, 404)

    def test_deleting_an_extension_drops_it_from_destinations(self):
        add_extensions(self.d, "1050")
        r = self.d.admin("POST", "/cms/api/v1/destinations",
                         {"key": "support", "label": "Support", "pilot": "3000",
                          "extensions": ["1050", "1000"]})
        self.assertEqual(r.status, 201, r)
        db = sqlite3.connect(os.path.join(self.d.data_dir, "mediagate.db"), timeout=10)
        db.execute("PRAGMA foreign_keys = ON")
        with db:
            db.execute("DELETE FROM extensions WHERE number = '1050'")
        db.close()
        r = self.d.admin("GET", "/cms/api/v1/destinations/support")
        self.assertEqual(r.json["extensions"], ["1000"])

    def test_bad_input_changes_nothing(self):
        r = self.d.admin("POST", "/cms/api/v1/destinations",
                         {"key": "info", "label": "Info", "pilot": "4000", "extensions": ["1000"]})
        self.assertEqual(r.status, 201, r)
        before = self.all()
        cases = [
            ("POST", "", {"key": "Bad Key", "label": "x", "pilot": "1"}, 400, "key"),
            ("POST", "", {"key": "x", "label": "", "pilot": "1"}, 400, "label"),
            ("POST", "", {"key": "x", "label": "x"}, 400, "pilot"),
            ("POST", "", {"key": "x", "label": "x", "pilot": "12ab"}, 400, "pilot"),
            ("POST", "", {"key": "x", "label": "x", "pilot": "1", "extensions": ["1000", "9999"]},
             400, "9999"),
            ("POST", "", {"key": "x", "label": "x", "pilot": "1", "extensions": ["1000", "1000"]},
             400, "1000"),
            ("POST", "", {"key": "x", "label": "x", "pilot": "1", "extensions": "1000"}, 400,
             "extensions"),
            ("POST", "", {"key": "x", "label": "x", "pilot": "1", "colour": "red"}, 400, "colour"),
            ("POST", "", {"key": "info", "label": "x", "pilot": "1"}, 409, "info"),
            ("PATCH", "/info", {"extensions": ["1001", "8888"]}, 400, "8888"),
            ("PATCH", "/info", {"key": "other"}, 400, "key"),
            ("PATCH", "/info", {"pilot": 4000}, 400, "pilot"),
            ("PUT", "/info", {"label": "Info"}, 400, "pilot"),
            ("PATCH", "/nosuch", {"label": "x"}, 404, "nosuch"),
            ("DELETE", "/nosuch", None, 404, "nosuch"),
        ]
        for method, path, body, status, word in cases:
            with self.subTest(method=method, path=path, body=body):
                r = self.d.admin(method, "/cms/api/v1/destinations" + path, body)
                self.assertEqual(r.status, status, r)
                self.assertIn(word, r.json["error"]["message"])
        self.assertEqual(self.all(), before)


if __name__ == "__main__":
    unittest.main()
