"""The library through GObject introspection, as a script would use it."""
import os
import tempfile
import unittest

import gi

gi.require_version("Mediagate", "1.0")
from gi.repository import GLib, Mediagate  # noqa: E402


class Introspection(unittest.TestCase):
    def test_version(self):
        self.assertEqual(Mediagate.get_version(), Mediagate.VERSION_STRING)

    def test_config_errors_are_gerrors(self):
        with self.assertRaises(GLib.Error) as cm:
            Mediagate.Config.new_from_data("[client-listener]\nport=x\n", -1, "t.conf")
        self.assertIn("t.conf:2", cm.exception.message)

    def test_server_starts_and_stops(self):
        Mediagate.init()
        with tempfile.TemporaryDirectory() as tmp:
            config = Mediagate.Config.new_from_data(
                f"[server]\ndata-dir={tmp}/data\nlog-dir={tmp}/log\n"
                "[client-listener]\naddress=127.0.0.1\nport=0\n"
                "[admin-listener]\nport=0\n"
                "[client-logger]\naddress=127.0.0.1\nport=0\n"
                "[sip]\naddress=127.0.0.1\nport=15999\n", -1, None)
            server = Mediagate.Server.new(config)
            self.assertTrue(server.start())
            self.assertGreater(server.get_client_port(), 0)
            self.assertGreater(server.get_admin_port(), 0)
            self.assertGreater(server.get_client_logger_port(), 0)
            self.assertIsNotNone(server.get_store())
            self.assertGreaterEqual(server.get_store().get_schema_version(), 1)
            server.stop()

    def test_store_changed_signal_has_detail(self):
        with tempfile.TemporaryDirectory() as tmp:
            store = Mediagate.Store.open(os.path.join(tmp, "mediagate.db"))
            heard = []
            store.connect("changed::diagnostics", lambda s, what: heard.append(what))
            store.set_setting("media", "{}")
            store.set_setting("diagnostics", "{}")
            store.emit_changed("extensions")
            self.assertEqual(heard, ["diagnostics"])

    def test_turn_credential(self):
        username = Mediagate.turn_make_username(1700000600, "1000")
        self.assertEqual(username, "1700000600:1000")
        self.assertEqual(Mediagate.turn_make_credential("Jefe", "what do ya want for nothing?"),
                         "7/zfauXrL6LSdBbV8YTfnCWafHk=")


if __name__ == "__main__":
    unittest.main(verbosity=2)
