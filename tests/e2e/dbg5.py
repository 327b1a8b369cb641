import sys, unittest, json, time, subprocess
sys.argv = ["x"]
import test_calls as t
def test(self):
    call_id = self.dial_bob()
    time.sleep(0.5)
    print("SEND", self.page.ok("sendDtmf", call_id, "1234#", "rfc4733"))
    time.sleep(3)
    cid = self.sip.calls()[0]["id"]
    r = self.sip.daemon.admin("GET", f"/cms/api/v1/calls/{cid}/pipeline.dot")
    open("/tmp/call5.dot", "wb").write(r.raw)
    print("BOB", [e.get("type") for e in self.bob.events][-10:])
    self.page.ok("hangup", call_id)
t.BrowserAndSipPhone.test_x = test
suite = unittest.TestLoader().loadTestsFromName("test_calls.BrowserAndSipPhone.test_x")
unittest.TextTestRunner(verbosity=1).run(suite)
