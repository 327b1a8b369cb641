"""GET/PUT /cms/api/v1/certificate: validation, live replacement, persistence.

Fixtures are made with certtool (gnutls-bin) in a temporary directory: a test
CA, an intermediate, leaves for mediagate.test (the daemon's FQDN) and for
another name, an expired and a not-yet-valid leaf, a second key, PKCS#12 files.
What the listeners present is read from the TLS handshake itself.
"""
import base64
import hashlib
import os
import shutil
import socket
import ssl
import stat
import subprocess
import tempfile
import time
import unittest

from mgtest import Daemon

FQDN = "mediagate.test"
PATH = "/cms/api/v1/certificate"


class Fixtures:
    """Keys and certificates made with certtool; each attribute is a file path."""

    def __init__(self):
        self.dir = tempfile.mkdtemp(prefix="mg-certs-")
        self.ca_key = self.key("ca")
        self.ca = self.self_signed("ca", self.ca_key, 'cn = "Mediagate Test Root"\nca\ncert_signing_key\n')
        self.int_key = self.key("int")
        self.intermediate = self.signed("int", self.int_key, self.ca, self.ca_key,
                                        'cn = "Mediagate Test Intermediate"\nca\ncert_signing_key\n')
        self.leaf_key = self.key("leaf")
        self.leaf = self.server_cert("leaf", self.leaf_key, FQDN)
        self.leaf2_key = self.key("leaf2")
        self.leaf2 = self.server_cert("leaf2", self.leaf2_key, FQDN)
        self.other_key = self.key("other")
        self.other = self.server_cert("other", self.other_key, "other.test")
        self.expired = self.server_cert(
            "expired", self.leaf_key, FQDN,
            'activation_date = "2020-01-01 00:00:00"\nexpiration_date = "2020-06-01 00:00:00"\n')
        soon = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(time.time() + 30 * 86400))
        later = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(time.time() + 90 * 86400))
        self.future = self.server_cert(
            "future", self.leaf_key, FQDN,
            f'activation_date = "{soon}"\nexpiration_date = "{later}"\n')
        self.key2 = self.key("key2")
        self.good_chain = self.cat("good-chain", self.leaf, self.intermediate)
        self.leaf2_chain = self.cat("leaf2-chain", self.leaf2, self.intermediate)
        self.p12 = self.pkcs12("good", self.good_chain, self.leaf_key, "s3cret")
        self.p12_leaf2 = self.pkcs12("leaf2", self.leaf2_chain, self.leaf2_key, "s3cret")

    def path(self, name):
        return os.path.join(self.dir, name)

    def run(self, *args):
        subprocess.run(["certtool", *args], check=True, capture_output=True)

    def template(self, name, text):
        path = self.path(name + ".tmpl")
        with open(path, "w") as f:
            f.write(text)
        return path

    def key(self, name):
        path = self.path(name + ".key")
        self.run("--generate-privkey", "--key-type=ecdsa", "--outfile", path)
        return path

    def self_signed(self, name, key, template):
        path = self.path(name + ".pem")
        self.run("--generate-self-signed", "--load-privkey", key, "--template",
                 self.template(name, template + "expiration_days = 60\n"), "--outfile", path)
        return path

    def signed(self, name, key, ca, ca_key, template):
        path = self.path(name + ".pem")
        if "expiration_date" not in template:
            template += "expiration_days = 30\n"
        self.run("--generate-certificate", "--load-privkey", key, "--load-ca-certificate", ca,
                 "--load-ca-privkey", ca_key, "--template", self.template(name, template),
                 "--outfile", path)
        return path

    def server_cert(self, name, key, dns, extra=""):
        return self.signed(name, key, self.intermediate, self.int_key,
                           f'cn = "{dns}"\ndns_name = "{dns}"\nip_address = "127.0.0.1"\n'
                           "tls_www_server\nsigning_key\n" + extra)

    def cat(self, name, *paths):
        path = self.path(name + ".pem")
        with open(path, "w") as out:
            out.write("".join(read(p) for p in paths))
        return path

    def pkcs12(self, name, chain, key, password):
        path = self.path(name + ".p12")
        self.run("--to-p12", "--load-certificate", chain, "--load-privkey", key, "--p12-name",
                 name, "--password", password, "--outder", "--outfile", path)
        return path

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def read(path, mode="r"):
    with open(path, mode) as f:
        return f.read()


def served_der(port):
    """The DER certificate a new TLS connection to port is shown, unverified."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        with ctx.wrap_socket(s, server_hostname=FQDN) as t:
            return t.getpeercert(binary_form=True)


def verified_handshake(port, cafile):
    """A handshake that verifies the chain against cafile and the name mediagate.test."""
    ctx = ssl.create_default_context(cafile=cafile)
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        with ctx.wrap_socket(s, server_hostname=FQDN) as t:
            return t.getpeercert(binary_form=True)


def fingerprint(der):
    return ":".join(f"{b:02X}" for b in hashlib.sha256(der).digest())


def pem_der(path):
    """The DER of the first certificate in a PEM file."""
    text = read(path)
    start = text.index("-----BEGIN CERTIFICATE-----")
    end = text.index("-----END CERTIFICATE-----", start)
    return ssl.PEM_cert_to_DER_cert(text[start:end + len("-----END CERTIFICATE-----\n")])


class Refused(unittest.TestCase):
    """Every bad upload is refused with its reason, and nothing changes."""

    @classmethod
    def setUpClass(cls):
        cls.f = Fixtures()
        cls.d = Daemon().start()
        cls.pem_path = os.path.join(cls.d.data_dir, "tls", "server.pem")
        cls.original_file = read(cls.pem_path, "rb")
        cls.original_der = served_der(cls.d.admin_port)

    @classmethod
    def tearDownClass(cls):
        cls.d.cleanup()
        cls.f.cleanup()

    def assert_unchanged(self):
        self.assertEqual(read(self.pem_path, "rb"), self.original_file)
        self.assertEqual(served_der(self.d.admin_port), self.original_der)
        self.assertEqual(served_der(self.d.client_port), self.original_der)
        r = self.d.admin("GET", PATH)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["source"], "generated")
        self.assertEqual(r.json["sha256_fingerprint"], fingerprint(self.original_der))

    def assert_refused(self, body, status, code, **kw):
        r = self.d.admin("PUT", PATH, body, **kw)
        self.assertEqual(r.status, status, r)
        self.assertEqual(r.json["error"]["code"], code, r)
        self.assertTrue(r.json["error"]["message"])
        # the reason, never the uploaded text (let alone the key)
        self.assertNotIn(b"-----END", r.raw)
        self.assertNotIn(read(self.f.leaf_key).splitlines()[1].encode(), r.raw)
        self.assert_unchanged()
        return r

    def pem_body(self, *certs, key=None):
        return {"certificate": "".join(read(c) for c in certs),
                "key": read(key or self.f.leaf_key)}

    def test_reversed_chain(self):
        r = self.assert_refused(self.pem_body(self.f.intermediate, self.f.leaf), 422,
                                "chain_order")
        self.assertIn("must come first", r.json["error"]["message"])

    def test_chain_skips_an_issuer(self):
        self.assert_refused(self.pem_body(self.f.leaf, self.f.ca, self.f.intermediate), 422,
                            "chain_order")

    def test_key_mismatch(self):
        self.assert_refused(self.pem_body(self.f.leaf, self.f.intermediate, key=self.f.key2),
                            422, "key_mismatch")

    def test_fqdn_not_in_san(self):
        r = self.assert_refused(
            self.pem_body(self.f.other, self.f.intermediate, key=self.f.other_key), 422,
            "fqdn_not_in_san")
        self.assertIn(FQDN, r.json["error"]["message"])

    def test_expired(self):
        self.assert_refused(self.pem_body(self.f.expired, self.f.intermediate), 422, "expired")

    def test_not_yet_valid(self):
        self.assert_refused(self.pem_body(self.f.future, self.f.intermediate), 422,
                            "not_yet_valid")

    def test_not_pem(self):
        self.assert_refused({"certificate": "hello", "key": read(self.f.leaf_key)}, 400,
                            "no_certificate")

    def test_broken_pem(self):
        broken = "-----BEGIN CERTIFICATE-----\nnot*base64!\n-----END CERTIFICATE-----\n"
        self.assert_refused({"certificate": broken, "key": read(self.f.leaf_key)}, 400,
                            "bad_pem")

    def test_no_key(self):
        self.assert_refused({"certificate": read(self.f.good_chain)}, 400, "no_key")

    def test_pkcs12_wrong_passphrase(self):
        self.assert_refused({"pkcs12": base64.b64encode(read(self.f.p12, "rb")).decode(),
                             "passphrase": "wrong"}, 422, "bad_passphrase")

    def test_pkcs12_garbage(self):
        self.assert_refused({"pkcs12": base64.b64encode(b"not a pkcs12").decode(),
                             "passphrase": "s3cret"}, 400, "bad_pkcs12")

    def test_neither_or_both_forms(self):
        self.assert_refused({}, 400, "invalid_request")
        both = self.pem_body(self.f.leaf, self.f.intermediate)
        both["pkcs12"] = base64.b64encode(read(self.f.p12, "rb")).decode()
        self.assert_refused(both, 400, "invalid_request")
        self.assert_refused({"certificate": 5, "key": "x"}, 400, "invalid_request")

    def test_not_json(self):
        self.assert_refused("certificate=x", 415, "unsupported_media_type",
                            content_type="text/plain")
        self.assert_refused("{", 400, "invalid_json")

    def test_needs_admin(self):
        r = self.d.admin("PUT", PATH, self.pem_body(self.f.leaf, self.f.intermediate), auth=None)
        self.assertEqual(r.status, 401)
        self.assert_unchanged()
        self.assertEqual(self.d.admin("GET", PATH, auth=None).status, 401)

    def test_get_describes_generated(self):
        r = self.d.admin("GET", PATH)
        self.assertEqual(r.status, 200)
        self.assertTrue(r.json["self_signed"])
        self.assertEqual(r.json["source"], "generated")
        self.assertIn("DNS:" + FQDN, r.json["subject_alt_names"])
        self.assertIn("IP:127.0.0.1", r.json["subject_alt_names"])
        self.assertNotIn(b"PRIVATE", r.raw)


class Replaced(unittest.TestCase):
    """A good upload is presented to new connections at once and kept."""

    def setUp(self):
        self.f = Fixtures()
        self.d = Daemon().start()
        self.pem_path = os.path.join(self.d.data_dir, "tls", "server.pem")

    def tearDown(self):
        self.d.cleanup()
        self.f.cleanup()

    def put_pem(self, chain, key):
        return self.d.admin("PUT", PATH, {"certificate": read(chain), "key": read(key)})

    def test_pem_live_then_restart(self):
        # the generated certificate does not verify against the test CA
        with self.assertRaises(ssl.SSLCertVerificationError):
            verified_handshake(self.d.admin_port, self.f.ca)

        r = self.put_pem(self.f.good_chain, self.f.leaf_key)
        self.assertEqual(r.status, 200, r)
        expected = pem_der(self.f.leaf)
        self.assertEqual(r.json["sha256_fingerprint"], fingerprint(expected))
        self.assertEqual(r.json["source"], "uploaded")
        self.assertFalse(r.json["self_signed"])
        self.assertEqual(r.json["subject"], "CN=" + FQDN)
        self.assertEqual(r.json["chain"], ["CN=Mediagate Test Intermediate"])
        self.assertNotIn(b"PRIVATE", r.raw)

        # new connections, on both listeners, get it and verify with the CA
        # (the daemon sends the intermediate: the CA alone is trusted)
        self.assertEqual(verified_handshake(self.d.admin_port, self.f.ca), expected)
        self.assertEqual(verified_handshake(self.d.client_port, self.f.ca), expected)

        self.assertEqual(stat.S_IMODE(os.stat(self.pem_path).st_mode), 0o600)
        self.assertEqual(pem_der(self.pem_path), expected)
        key_body = read(self.f.leaf_key).splitlines()[1]
        self.assertNotIn(key_body, "".join(self.d.log))

        self.d.cafile = self.f.ca
        self.d.ssl = ssl.create_default_context(cafile=self.f.ca)
        r = self.d.admin("GET", PATH)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["source"], "uploaded")
        self.assertNotIn(key_body.encode(), r.raw)
        self.assertNotIn(b"PRIVATE", r.raw)

        self.d.stop()
        self.d.start()
        self.assertEqual(verified_handshake(self.d.admin_port, self.f.ca), expected)
        r = self.d.admin("GET", PATH)
        self.assertEqual(r.json["sha256_fingerprint"], fingerprint(expected))
        self.assertEqual(r.json["source"], "uploaded")

    def test_pkcs12_then_pem(self):
        r = self.d.admin("PUT", PATH, {"pkcs12": base64.b64encode(read(self.f.p12, "rb")).decode(),
                                       "passphrase": "s3cret"})
        self.assertEqual(r.status, 200, r)
        first = pem_der(self.f.leaf)
        self.assertEqual(verified_handshake(self.d.client_port, self.f.ca), first)
        self.d.ssl = ssl.create_default_context(cafile=self.f.ca)

        # a refused upload now leaves the uploaded certificate in place
        before = read(self.pem_path, "rb")
        r = self.put_pem(self.f.leaf2_chain, self.f.leaf_key)
        self.assertEqual(r.status, 422)
        self.assertEqual(r.json["error"]["code"], "key_mismatch")
        self.assertEqual(read(self.pem_path, "rb"), before)
        self.assertEqual(served_der(self.d.admin_port), first)

        # and another good one replaces it
        r = self.put_pem(self.f.leaf2_chain, self.f.leaf2_key)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(verified_handshake(self.d.admin_port, self.f.ca), pem_der(self.f.leaf2))


class PinnedByConfig(unittest.TestCase):
    """With [tls] certificate/key in the config file, PUT is refused with 409."""

    def test_conflict(self):
        f = Fixtures()
        self.addCleanup(f.cleanup)
        d = Daemon(extra_config=f"[tls]\ncertificate={f.good_chain}\nkey={f.leaf_key}\n")
        d.cafile = f.ca
        d.start()
        self.addCleanup(d.cleanup)
        served = served_der(d.admin_port)
        self.assertEqual(served, pem_der(f.leaf))

        r = d.admin("PUT", PATH, {"certificate": read(f.leaf2_chain), "key": read(f.leaf2_key)})
        self.assertEqual(r.status, 409, r)
        self.assertEqual(r.json["error"]["code"], "managed_by_config")
        self.assertIn("configuration file", r.json["error"]["message"])
        self.assertEqual(served_der(d.admin_port), served)
        self.assertFalse(os.path.exists(os.path.join(d.data_dir, "tls", "server.pem")))

        r = d.admin("GET", PATH)
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["source"], "config")
        self.assertEqual(r.json["file"], f.good_chain)


if __name__ == "__main__":
    unittest.main()
