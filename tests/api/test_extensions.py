"""Extensions admin API: ranges, paging, search, edit, delete, export/import."""
import json
import unittest
import urllib.parse

from mgtest import Daemon

BASE = "/cms/api/v1/extensions"


def q(number):
    """A number as a path segment or query value ('+' must be escaped)."""
    return urllib.parse.quote(number, safe="")


class ExtensionsBase(unittest.TestCase):
    def setUp(self):
        self.d = Daemon().start()

    def tearDown(self):
        self.d.cleanup()

    def add(self, body, status=201):
        r = self.d.admin("POST", BASE, body)
        self.assertEqual(r.status, status, r)
        return r

    def snapshot(self, daemon=None):
        """Everything an admin can see, to prove a refused request changed nothing."""
        d = daemon or self.d
        r = d.admin("GET", BASE + "?limit=1000")
        self.assertEqual(r.status, 200, r)
        r2 = d.admin("GET", BASE + "/export")
        self.assertEqual(r2.status, 200, r2)
        return r.json["total"], r.json["items"], r2.json["extensions"], r2.json["ranges"]

    def assert_refused(self, method, path, body=None, status=400, code=None, **kw):
        before = self.snapshot()
        r = self.d.admin(method, path, body, **kw)
        self.assertEqual(r.status, status, (method, path, body, r))
        self.assertIn("message", r.json["error"])
        if code:
            self.assertEqual(r.json["error"]["code"], code, r)
        self.assertEqual(self.snapshot(), before, (method, path, body))
        return r

    def assert_no_secret(self, raw, secrets):
        for s in secrets:
            self.assertNotIn(s.encode(), raw)


class AddAndRead(ExtensionsBase):
    def test_add_range_with_incrementing_digest(self):
        r = self.add({"from": "1000", "to": "1099", "display_name": "Agent",
                      "digest": {"username": "u1000", "password": "p1000",
                                 "realm": "example.com", "increment": True}})
        self.assertEqual(r.json, {"created": 100, "range": {"from": "1000", "to": "1099"}})
        r = self.d.admin("GET", BASE + "/1057")
        self.assertEqual(r.status, 200)
        self.assertEqual(r.json["number"], "1057")
        self.assertEqual(r.json["display_name"], "Agent")
        self.assertTrue(r.json["enabled"])
        self.assertEqual(r.json["digest"],
                         {"username": "u1057", "realm": "example.com", "password_set": True})
        self.assert_no_secret(r.raw, ["p1057", "p1000"])
        # the password counted too: the export (and only it) shows it
        exported = {e["number"]: e for e in self.d.admin("GET", BASE + "/export").json["extensions"]}
        self.assertEqual(exported["1057"]["digest"]["password"], "p1057")
        self.assertEqual(exported["1099"]["digest"]["username"], "u1099")

    def test_increment_keeps_padding_and_grows(self):
        self.add({"from": "0008", "to": "0011",
                  "digest": {"username": "u8", "password": "p0008", "increment": True}})
        exported = {e["number"]: e["digest"]
                    for e in self.d.admin("GET", BASE + "/export").json["extensions"]}
        self.assertEqual(exported["0011"]["username"], "u11")
        self.assertEqual(exported["0011"]["password"], "p0011")
        self.assertEqual(exported["0009"]["username"], "u9")
        self.assertIsNone(exported["0009"]["realm"])

    def test_same_digest_without_increment(self):
        self.add({"from": "200", "to": "201", "digest": {"username": "shared", "password": "pw"}})
        exported = self.d.admin("GET", BASE + "/export").json["extensions"]
        self.assertEqual({e["digest"]["username"] for e in exported}, {"shared"})

    def test_single_number_and_e164(self):
        r = self.add({"from": "+4930100"})
        self.assertEqual(r.json["created"], 1)
        self.assertEqual(r.json["range"], {"from": "+4930100", "to": "+4930100"})
        r = self.d.admin("GET", BASE + "/" + q("+4930100"))
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["number"], "+4930100")
        self.assertIsNone(r.json["digest"])
        self.assertEqual(r.json["display_name"], "")

    def test_paging_and_order(self):
        self.add({"from": "900", "to": "999"})
        self.add({"from": "1000", "to": "1049"})
        self.add({"from": "+100", "to": "+104"})
        r = self.d.admin("GET", BASE + "?offset=95&limit=10")
        self.assertEqual(r.status, 200)
        self.assertEqual((r.json["total"], r.json["offset"], r.json["limit"]), (155, 95, 10))
        # short numbers first in number order (999 before 1000), then E.164
        self.assertEqual([i["number"] for i in r.json["items"]],
                         ["995", "996", "997", "998", "999", "1000", "1001", "1002", "1003",
                          "1004"])
        r = self.d.admin("GET", BASE + "?offset=150&limit=1000")
        self.assertEqual([i["number"] for i in r.json["items"]],
                         ["+100", "+101", "+102", "+103", "+104"])
        r = self.d.admin("GET", BASE)
        self.assertEqual((r.json["limit"], len(r.json["items"])), (100, 100))
        r = self.d.admin("GET", BASE + "?offset=1000")
        self.assertEqual((r.json["total"], r.json["items"]), (155, []))

    def test_search_by_number_and_name(self):
        self.add({"from": "1000", "to": "1099", "display_name": "Sales"})
        self.add({"from": "2000", "to": "2001", "display_name": "Support desk"})
        r = self.d.admin("GET", BASE + "?search=support")
        self.assertEqual([i["number"] for i in r.json["items"]], ["2000", "2001"])
        self.assertNotIn("in_range", r.json)
        r = self.d.admin("GET", BASE + "?search=105")
        self.assertEqual(r.json["total"], 10)  # 1050..1059 (substring)
        self.assertEqual(r.json["search"], "105")
        self.assertFalse(r.json["exists"])
        self.assertIsNone(r.json["in_range"])
        r = self.d.admin("GET", BASE + "?search=1050")
        self.assertTrue(r.json["exists"])
        self.assertEqual(r.json["in_range"], {"from": "1000", "to": "1099"})
        self.assertEqual([i["number"] for i in r.json["items"]], ["1050"])
        # a deleted number is still inside its configured range
        self.assertEqual(self.d.admin("DELETE", BASE + "/1050").status, 204)
        r = self.d.admin("GET", BASE + "?search=1050")
        self.assertFalse(r.json["exists"])
        self.assertEqual(r.json["in_range"], {"from": "1000", "to": "1099"})
        self.assertEqual(r.json["items"], [])
        # LIKE wildcards are literal
        r = self.d.admin("GET", BASE + "?search=" + q("%"))
        self.assertEqual(r.json["total"], 0)

    def test_search_e164(self):
        self.add({"from": "+4930100", "to": "+4930199"})
        r = self.d.admin("GET", BASE + "?search=" + q("+4930150"))
        self.assertTrue(r.json["exists"])
        self.assertEqual(r.json["in_range"], {"from": "+4930100", "to": "+4930199"})
        r = self.d.admin("GET", BASE + "?search=4930150")  # short form: another number
        self.assertFalse(r.json["exists"])
        self.assertIsNone(r.json["in_range"])
        self.assertEqual(r.json["total"], 1)  # but it still matches as a substring

    def test_route_order_export_is_not_a_number(self):
        self.add({"from": "1000"})
        r = self.d.admin("GET", BASE + "/export")
        self.assertEqual(r.json["format"], "mediagate-extensions")
        r = self.d.admin("GET", BASE + "/import")
        self.assertEqual(r.status, 400)

    def test_needs_admin(self):
        for method, path in [("GET", BASE), ("POST", BASE), ("DELETE", BASE + "?confirm=true"),
                             ("GET", BASE + "/export"), ("POST", BASE + "/import"),
                             ("GET", BASE + "/1000"), ("PATCH", BASE + "/1000"),
                             ("DELETE", BASE + "/1000")]:
            r = self.d.admin(method, path, {}, auth=None)
            self.assertEqual(r.status, 401, (method, path))


class EditAndDelete(ExtensionsBase):
    def setUp(self):
        super().setUp()
        self.add({"from": "1000", "to": "1009", "display_name": "Agent",
                  "digest": {"username": "u1000", "password": "p1000", "realm": "r",
                             "increment": True}})

    def export_row(self, number):
        rows = self.d.admin("GET", BASE + "/export").json["extensions"]
        return next(e for e in rows if e["number"] == number)

    def test_patch_fields(self):
        r = self.d.admin("PATCH", BASE + "/1003", {"display_name": "Anna", "enabled": False})
        self.assertEqual(r.status, 200, r)
        self.assertEqual((r.json["display_name"], r.json["enabled"]), ("Anna", False))
        r = self.d.admin("GET", BASE + "/1003")
        self.assertEqual((r.json["display_name"], r.json["enabled"]), ("Anna", False))
        self.assertEqual(r.json["digest"]["username"], "u1003")
        self.assertEqual(self.export_row("1003")["digest"]["password"], "p1003")

    def test_patch_digest_keeps_or_replaces_password(self):
        r = self.d.admin("PATCH", BASE + "/1003", {"digest": {"username": "anna"}})
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["digest"], {"username": "anna", "realm": None,
                                            "password_set": True})
        self.assertEqual(self.export_row("1003")["digest"]["password"], "p1003")
        r = self.d.admin("PATCH", BASE + "/1003",
                         {"digest": {"username": "anna", "password": "new secret"}})
        self.assertEqual(r.status, 200, r)
        self.assert_no_secret(r.raw, ["new secret"])
        self.assertEqual(self.export_row("1003")["digest"]["password"], "new secret")
        r = self.d.admin("PATCH", BASE + "/1003", {"digest": None})
        self.assertIsNone(r.json["digest"])
        self.assertIsNone(self.export_row("1003")["digest"])
        # without stored credentials, a password is required
        self.assert_refused("PATCH", BASE + "/1003", {"digest": {"username": "anna"}})

    def test_patch_refusals_change_nothing(self):
        for body in [{"display_name": 5}, {"enabled": "no"}, {"number": "2000"},
                     {"digest": "u:p"}, {"digest": {"username": "", "password": "x"}},
                     {"digest": {"username": "a", "password": "b", "increment": True}},
                     {"display_name": "bell\u0007"}]:
            self.assert_refused("PATCH", BASE + "/1003", body)
        self.assert_refused("PATCH", BASE + "/1003", "{", code="invalid_json")
        self.assert_refused("PATCH", BASE + "/1003", "[]")
        self.assert_refused("PATCH", BASE + "/1003", {"enabled": False}, status=415,
                            content_type="text/plain")
        self.assert_refused("PATCH", BASE + "/5555", {"enabled": False}, status=404,
                            code="not_found")
        self.assert_refused("PATCH", BASE + "/12ab", {"enabled": False}, status=400)

    def test_delete_one(self):
        self.assertEqual(self.d.admin("DELETE", BASE + "/1004").status, 204)
        self.assertEqual(self.d.admin("GET", BASE + "/1004").status, 404)
        self.assertEqual(self.d.admin("GET", BASE).json["total"], 9)
        self.assert_refused("DELETE", BASE + "/1004", status=404)
        self.assert_refused("DELETE", BASE + "/x", status=400)
        self.assert_refused("GET", BASE + "/1004", status=404, code="not_found")

    def test_delete_all_needs_confirm(self):
        self.assert_refused("DELETE", BASE, code="confirmation_required")
        self.assert_refused("DELETE", BASE + "?confirm=yes", code="confirmation_required")
        self.assert_refused("DELETE", BASE + "?confirm=1", code="confirmation_required")
        r = self.d.admin("DELETE", BASE + "?confirm=true")
        self.assertEqual((r.status, r.json), (200, {"deleted": 10}))
        r = self.d.admin("GET", BASE + "?search=1005")
        self.assertEqual((r.json["total"], r.json["exists"], r.json["in_range"]), (0, False, None))


class BadInput(ExtensionsBase):
    def setUp(self):
        super().setUp()
        self.add({"from": "1000", "to": "1099"})

    def test_bad_bodies(self):
        cases = [
            ("{", "invalid_json"),
            ("[1]", None),
            ("", None),
            ({}, None),                                   # no from
            ({"from": 1000}, None),                        # wrong type
            ({"from": "2000", "to": 2001}, None),
            ({"from": "2000", "display_name": 1}, None),
            ({"from": "2000", "enabled": "true"}, None),
            ({"from": "2000", "digest": "x"}, None),
            ({"from": "2000", "digest": {"username": "u"}}, None),
            ({"from": "2000", "digest": {"username": "u", "password": 1}}, None),
            ({"from": "2000", "digest": {"username": "u", "password": "p", "increment": "yes"}},
             None),
            ({"from": "2000", "fromm": "2001"}, None),   # typo: unknown member
            ({"from": "20a0"}, None),                     # bad numbers
            ({"from": "+"}, None),
            ({"from": "1234567890123456"}, None),
            ({"from": "2099", "to": "2000"}, None),       # from > to
            ({"from": "2000", "to": "+2099"}, None),      # mixed forms
            ({"from": "200", "to": "2099"}, None),        # lengths differ
            ({"from": "20000", "to": "30000"}, None),     # too big
        ]
        for body, code in cases:
            r = self.assert_refused("POST", BASE, body, code=code)
            if body == {"from": "20000", "to": "30000"}:
                self.assertIn("10000", r.json["error"]["message"])

    def test_increment_without_trailing_digits(self):
        r = self.assert_refused("POST", BASE, {"from": "2000", "to": "2009", "digest": {
            "username": "agent", "password": "p2000", "increment": True}})
        self.assertIn("digits", r.json["error"]["message"])
        self.assert_refused("POST", BASE, {"from": "2000", "to": "2009", "digest": {
            "username": "u2000", "password": "secret", "increment": True}})

    def test_overlap_is_a_conflict_naming_the_first_clash(self):
        r = self.assert_refused("POST", BASE, {"from": "0990", "to": "1005"}, status=409,
                                code="conflict")
        self.assertIn("1000", r.json["error"]["message"])
        r = self.assert_refused("POST", BASE, {"from": "1099"}, status=409)
        self.assertIn("1099", r.json["error"]["message"])
        # next to it is fine
        self.add({"from": "1100", "to": "1101"})

    def test_bad_paging(self):
        for query in ["offset=-1", "limit=abc", "limit=1001", "offset=1.5", "limit="]:
            self.assert_refused("GET", BASE + "?" + query)


class ExportImport(ExtensionsBase):
    DOC = {"format": "mediagate-extensions", "version": 1}

    def doc(self, rows, ranges=None):
        d = dict(self.DOC, extensions=rows)
        if ranges is not None:
            d["ranges"] = ranges
        return d

    def test_export_document(self):
        self.add({"from": "1000", "to": "1001", "display_name": "A",
                  "digest": {"username": "u1000", "password": "p1000", "increment": True}})
        r = self.d.admin("GET", BASE + "/export")
        self.assertEqual(r.status, 200)
        self.assertIn("attachment", r.headers.get("Content-Disposition", ""))
        doc = r.json
        self.assertEqual((doc["format"], doc["version"], doc["contains_secrets"]),
                         ("mediagate-extensions", 1, True))
        self.assertRegex(doc["exported_at"], r"^\d{4}-\d\d-\d\dT")
        self.assertEqual(doc["ranges"], [{"from": "1000", "to": "1001"}])
        self.assertEqual(doc["extensions"][1], {
            "number": "1001", "display_name": "A", "enabled": True,
            "digest": {"username": "u1001", "realm": None, "password": "p1001"}})
        # no GET other than the export carries a password
        for path in [BASE, BASE + "?search=1001", BASE + "/1001", "/cms/api/v1/me"]:
            self.assert_no_secret(self.d.admin("GET", path).raw, ["p1000", "p1001"])
        self.assertNotIn("p1001", "".join(self.d.log))

    def test_round_trip_into_a_fresh_daemon(self):
        self.add({"from": "1000", "to": "1049", "display_name": "Agent",
                  "digest": {"username": "u1000", "password": "p1000", "realm": "example.com",
                             "increment": True}})
        self.add({"from": "+4930100"})
        self.d.admin("PATCH", BASE + "/1007", {"enabled": False, "display_name": "Ünïcode"})
        doc = self.d.admin("GET", BASE + "/export").json
        other = Daemon().start()
        try:
            r = other.admin("POST", BASE + "/import?mode=replace", doc)
            self.assertEqual((r.status, r.json),
                             (200, {"mode": "replace", "created": 51, "updated": 0,
                                    "deleted": 0}))
            doc2 = other.admin("GET", BASE + "/export").json
            self.assertEqual(doc2["extensions"], doc["extensions"])
            self.assertEqual(doc2["ranges"], doc["ranges"])
            r = other.admin("GET", BASE + "?search=1020")
            self.assertEqual(r.json["in_range"], {"from": "1000", "to": "1049"})
            r = other.admin("GET", BASE + "/1007")
            self.assertEqual((r.json["enabled"], r.json["display_name"]), (False, "Ünïcode"))
        finally:
            other.cleanup()

    def test_merge_and_replace(self):
        self.add({"from": "1000", "to": "1002", "display_name": "Old"})
        rows = [{"number": "1001", "display_name": "New",
                 "digest": {"username": "x", "password": "y"}},
                {"number": "2000"}]
        r = self.d.admin("POST", BASE + "/import?mode=merge", self.doc(rows))
        self.assertEqual(r.json, {"mode": "merge", "created": 1, "updated": 1, "deleted": 0})
        items = {i["number"]: i for i in self.d.admin("GET", BASE).json["items"]}
        self.assertEqual(sorted(items), ["1000", "1001", "1002", "2000"])
        self.assertEqual(items["1000"]["display_name"], "Old")
        self.assertEqual(items["1001"]["display_name"], "New")
        self.assertTrue(items["1001"]["digest"]["password_set"])
        # merge is the default mode
        r = self.d.admin("POST", BASE + "/import", self.doc([{"number": "3000"}]))
        self.assertEqual(r.json["created"], 1)

        r = self.d.admin("POST", BASE + "/import?mode=replace",
                         self.doc([{"number": "1000"}], ranges=[{"from": "5000", "to": "5009"}]))
        self.assertEqual(r.json, {"mode": "replace", "created": 0, "updated": 1, "deleted": 4})
        listing = self.d.admin("GET", BASE).json
        self.assertEqual([i["number"] for i in listing["items"]], ["1000"])
        self.assertEqual(listing["items"][0]["display_name"], "")  # overwritten by the row
        r = self.d.admin("GET", BASE + "?search=1001")
        self.assertIsNone(r.json["in_range"])  # old ranges replaced
        r = self.d.admin("GET", BASE + "?search=5005")
        self.assertEqual(r.json["in_range"], {"from": "5000", "to": "5009"})

    def test_bad_row_changes_nothing_and_is_named(self):
        self.add({"from": "1000", "to": "1002"})
        rows = [{"number": "4000"}, {"number": "4001"}, {"number": "40x2"}, {"number": "4003"}]
        for mode in ["merge", "replace"]:
            r = self.assert_refused("POST", BASE + "/import?mode=" + mode, self.doc(rows))
            err = r.json["error"]
            self.assertEqual((err["code"], err["row"], err["number"]), ("invalid_row", 2, "40x2"))
            self.assertIn("extensions[2]", err["message"])
            self.assertIn("40x2", err["message"])

    def test_bad_documents(self):
        self.add({"from": "1000", "to": "1002"})
        good = {"number": "4000"}
        cases = [
            ({"version": 1, "extensions": [good]}, None),
            (dict(self.DOC, format="other", extensions=[good]), None),
            (dict(self.DOC, version=2, extensions=[good]), None),
            (dict(self.DOC, version="1", extensions=[good]), None),
            (dict(self.DOC, extensions={"number": "4000"}), None),
            (dict(self.DOC), None),
            (self.doc([good], ranges=[{"from": "9", "to": "1"}]), None),
            (self.doc([good], ranges="1000-1002"), None),
            (self.doc([good, {"number": "4000"}]), 1),                  # duplicate
            (self.doc([good, {"number": 4001}]), 1),                    # wrong type
            (self.doc([good, {"number": "4001", "enabled": 1}]), 1),
            (self.doc([good, {"number": "4001", "display_name": None}]), 1),
            (self.doc([good, {"number": "4001", "digest": {"username": "u"}}]), 1),
            (self.doc([good, {"number": "4001", "extra": True}]), 1),
            (self.doc([good, "4001"]), 1),
            (self.doc([good, {}]), 1),
        ]
        for body, row in cases:
            r = self.assert_refused("POST", BASE + "/import?mode=replace", body)
            if row is not None:
                self.assertEqual(r.json["error"]["row"], row, body)
        self.assert_refused("POST", BASE + "/import?mode=replace", "{", code="invalid_json")
        self.assert_refused("POST", BASE + "/import?mode=wipe", self.doc([good]))

    def test_import_rows_in_bulk(self):
        rows = [{"number": str(10000 + i), "digest": {"username": f"u{i}", "password": f"p{i}"}}
                for i in range(3000)]
        r = self.d.admin("POST", BASE + "/import?mode=replace", self.doc(rows))
        self.assertEqual(r.json["created"], 3000)
        self.assertEqual(self.d.admin("GET", BASE + "?limit=0").json["total"], 3000)


class Persistence(unittest.TestCase):
    def test_data_survives_restart_and_kill9(self):
        d = Daemon().start()
        try:
            r = d.admin("POST", BASE, {"from": "1000", "to": "1009", "display_name": "A",
                                       "digest": {"username": "u1000", "password": "p1000",
                                                  "increment": True}})
            self.assertEqual(r.status, 201)
            d.admin("PATCH", BASE + "/1001", {"enabled": False})
            before = d.admin("GET", BASE + "/export").json
            d.stop()
            d.start()
            d.token = None
            after = d.admin("GET", BASE + "/export").json
            self.assertEqual(after["extensions"], before["extensions"])
            self.assertEqual(after["ranges"], before["ranges"])
            # acknowledged writes survive kill -9
            for i in range(20):
                r = d.admin("POST", BASE, {"from": str(2000 + i)})
                self.assertEqual(r.status, 201)
            d.kill9()
            d.start()
            d.token = None
            self.assertEqual(d.admin("GET", BASE + "?limit=0").json["total"], 30)
        finally:
            d.cleanup()


if __name__ == "__main__":
    unittest.main(verbosity=2)
