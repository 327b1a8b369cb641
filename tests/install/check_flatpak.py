#!/usr/bin/python3
"""The flatpak manifest stays valid (DESIGN.md decision 12: runtimes cannot be
fetched here, so nothing is built). `flatpak-builder --show-manifest` parses it
with flatpak-builder's own types; it exits 0 even when it drops an unknown or
mistyped property (it only warns), so the test also demands a silent run and
that the manifest it prints back equals ours. Without flatpak-builder only the
JSON checks below run."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest

MANIFEST = sys.argv.pop(1) if len(sys.argv) > 1 else os.path.join(
    os.environ["MG_SOURCE_DIR"], "flatpak", "org.mediagate.Mediagated.json")


class Manifest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        with open(MANIFEST) as f:
            cls.m = json.load(f)

    def test_flatpak_builder_accepts_it_unchanged(self):
        exe = shutil.which("flatpak-builder")
        if exe is None:
            print("flatpak-builder not installed: JSON checks only (scripts/deps.sh test)",
                  file=sys.stderr)
            return
        env = dict(os.environ)
        for name in ("G_DEBUG", "G_ENABLE_DIAGNOSTIC"):  # flatpak-builder's own noise
            env.pop(name, None)
        # it leaves a .flatpak-builder/ state dir in its working directory
        with tempfile.TemporaryDirectory(prefix="mg-flatpak-") as work:
            r = subprocess.run([exe, "--show-manifest", os.path.abspath(MANIFEST)], cwd=work,
                               capture_output=True, text=True, env=env, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr.strip(), "")
        self.assertEqual(json.loads(r.stdout), self.m)

    def test_runtime_and_command(self):
        self.assertRegex(self.m["id"], r"^[A-Za-z][\w-]*(\.[A-Za-z][\w-]*){2,}$")
        self.assertIn(self.m["runtime"], ("org.gnome.Platform", "org.freedesktop.Platform"))
        self.assertEqual(self.m["command"], "mediagated")
        self.assertEqual(self.m["finish-args"], ["--share=network"])
        self.assertIn("/include", self.m["cleanup"])

    def test_sofia_sip_is_pinned(self):
        sofia = [m for m in self.m["modules"] if m["name"] == "sofia-sip"]
        self.assertEqual(len(sofia), 1)
        for source in sofia[0]["sources"]:
            self.assertTrue(source["url"].startswith("https://"))
            self.assertRegex(source["sha256"], r"^[0-9a-f]{64}$")

    def test_builds_this_tree_with_meson_last(self):
        last = self.m["modules"][-1]
        self.assertEqual(last["buildsystem"], "meson")
        self.assertEqual(last["sources"], [{"type": "dir", "path": ".."}])
        # where `command` looks for it
        self.assertIn("-Dsbindir=bin", last["config-opts"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
