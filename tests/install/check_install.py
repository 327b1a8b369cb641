#!/usr/bin/python3
"""Install proofs, run by meson test (suite unit).

  check_install.py layout BUILDDIR    `meson install --destdir` and the expected layout
  check_install.py systemd BUILDDIR   `systemd-analyze verify` on the installed unit

Both install into a fresh temporary DESTDIR, so they prove what a package would
contain, not what the build tree happens to hold.
"""
import glob
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import unittest

BUILD = os.path.abspath(sys.argv.pop(2)) if len(sys.argv) > 2 else os.environ["MG_BUILD_DIR"]


def meson_command():
    # meson test exports how to call meson itself
    cmd = shlex.split(os.environ.get("MESONINTROSPECT", "meson introspect"))
    return cmd[:-1] if cmd and cmd[-1] == "introspect" else ["meson"]


def options():
    out = subprocess.run(meson_command() + ["introspect", BUILD, "--buildoptions"],
                         check=True, capture_output=True, text=True).stdout
    opts = {o["name"]: o["value"] for o in json.loads(out)}
    prefix = opts["prefix"]
    absolute = lambda v: v if v.startswith("/") else os.path.join(prefix, v)
    return {k: absolute(opts[k]) if isinstance(opts[k], str) and k.endswith("dir") else opts[k]
            for k in opts}


class Installed(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.opts = options()
        cls.dest = tempfile.mkdtemp(prefix="mg-destdir-")
        subprocess.run(meson_command() + ["install", "-C", BUILD, "--no-rebuild", "--quiet",
                                          "--destdir", cls.dest],
                       check=True, stdout=subprocess.DEVNULL)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dest, ignore_errors=True)

    def path(self, *parts):
        return os.path.join(self.dest, *[p.lstrip("/") for p in parts])

    def unit_path(self):
        units = glob.glob(self.path("**", "mediagated.service"), recursive=True)
        self.assertEqual(len(units), 1, units)
        return units[0]


class Layout(Installed):
    def test_binary(self):
        exe = self.path(self.opts["sbindir"], "mediagated")
        self.assertTrue(os.access(exe, os.X_OK), exe)

    def test_library_typelib_pkgconfig_headers(self):
        libdir = self.opts["libdir"]
        self.assertTrue(glob.glob(self.path(libdir, "libmediagate-1.0.so.*")))
        self.assertTrue(os.path.islink(self.path(libdir, "libmediagate-1.0.so")))
        self.assertTrue(os.path.isfile(self.path(libdir, "girepository-1.0",
                                                 "Mediagate-1.0.typelib")))
        pc = self.path(libdir, "pkgconfig", "mediagate-1.0.pc")
        with open(pc) as f:
            self.assertIn("-lmediagate-1.0", f.read())
        self.assertTrue(os.path.isfile(self.path(self.opts["includedir"], "mediagate-1.0",
                                                 "mediagate.h")))

    def test_data(self):
        share = self.path(self.opts["datadir"], "mediagate")
        self.assertTrue(os.path.isfile(os.path.join(share, "pipelines", "README.md")))
        self.assertTrue(os.path.isfile(os.path.join(share, "web", "index.html")))

    def test_config(self):
        conf = self.path(self.opts["sysconfdir"], "mediagate", "mediagate.conf")
        self.assertTrue(os.path.isfile(conf), conf)
        # the shipped sample is valid as it stands
        r = subprocess.run([os.path.join(BUILD, "src", "daemon", "mediagated"),
                            "--check-config", "--config", conf], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")

    def test_systemd_files(self):
        with open(self.unit_path()) as f:
            unit = f.read()
        self.assertIn("ExecStart=" + os.path.join(self.opts["sbindir"], "mediagated"), unit)
        self.assertIn("Type=notify", unit)
        self.assertNotRegex(unit, r"@[A-Z]+@")
        self.assertTrue(glob.glob(self.path("**", "sysusers.d", "mediagate.conf"), recursive=True))
        tmpfiles = glob.glob(self.path("**", "tmpfiles.d", "mediagate.conf"), recursive=True)
        self.assertEqual(len(tmpfiles), 1)
        with open(tmpfiles[0]) as f:
            self.assertNotRegex(f.read(), r"@[A-Z]+@")


class Systemd(Installed):
    def test_systemd_analyze_verify(self):
        """`systemd-analyze verify` checks the directives and that ExecStart* exist.

        The unit names the final path (e.g. /usr/local/sbin/mediagated), which is not
        installed on this machine; `--root` needs a whole systemd tree. So verify a copy
        whose binary paths point into the DESTDIR, where the binary really is; every
        other line is verified as installed. Any diagnostic fails the test, since
        systemd-analyze exits 0 on unknown keys and bad values (it only warns)."""
        if shutil.which("systemd-analyze") is None:
            self.skipTest("systemd-analyze is not installed (scripts/deps.sh test)")
        sbindir = self.opts["sbindir"]
        with open(self.unit_path()) as f:
            unit = f.read()
        self.assertIn(sbindir + "/mediagated", unit)
        work = tempfile.mkdtemp(prefix="mg-unit-")
        try:
            copy = os.path.join(work, "mediagated.service")
            with open(copy, "w") as f:
                f.write(unit.replace(sbindir + "/mediagated", self.path(sbindir, "mediagated")))
            r = subprocess.run(["systemd-analyze", "verify", copy], capture_output=True,
                               text=True, cwd=work)
            self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
            self.assertEqual((r.stdout + r.stderr).strip(), "")
        finally:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    which = sys.argv.pop(1)
    suite = unittest.defaultTestLoader.loadTestsFromTestCase(
        {"layout": Layout, "systemd": Systemd}[which])
    result = unittest.TextTestRunner(verbosity=2).run(suite)
    sys.exit(0 if result.wasSuccessful() else 1)
