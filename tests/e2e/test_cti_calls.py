"""CTI end to end (issue 5): a CSTA application (tests/api/cstaclient.py)
monitors and controls a real browser phone (headless Chromium on the
daemon's agent page) in calls with a real SIP phone (baresip) through
Kamailio. It asserts the exact event sequence and fields of each scenario
and, for every action, what a person would notice at the phones: the call
is answered in the page, the far phone gets the digits, both sides see the
hangup.
"""
import time
import unittest
import xml.etree.ElementTree as ET

from mgcalls import (CLIENT_ID, CLIENT_SECRET, FAR_HZ, MIC_HZ, PhonePage, RtpRecorder,
                     SippRefusingPhone, SipPlatform, assert_mix, assert_tone, browser, dtmf_digits,
                     require_netns, wait_for)
from cstaclient import ED6, EVENT_ID, CstaClient, find, start_session, text  # noqa: E402 (tests/api, on the path via mgcalls)

FAR_USERS = {"2000": "p2000", "2001": "p2001", "2003": "p2003", "2004": "p2004",
             "2005": "p2005", "2009": "p2009"}
CAROL_HZ = 660  # what the second far phone plays
DAVE_HZ = 550  # what the third one plays
SETUP_S = 15


def connection(tag, call_id, device):
    return f"<{tag}><callID>{call_id}</callID><deviceID>{device}</deviceID></{tag}>"


class CtiWithPhones(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        require_netns()
        cls.sip = SipPlatform(FAR_USERS, extensions=("1000", "1001", "1002")).__enter__()
        try:
            cls.chrome = browser(cls.sip.tmp, MIC_HZ)
            cls.bob = cls.sip.baresip("2000", "p2000", tone=FAR_HZ, codecs="PCMU")
            # a second SIP phone speaking the other G.711 law
            cls.carol = cls.sip.baresip("2001", "p2001", tone=CAROL_HZ, codecs="PCMA")
            # and a third speaking bob's law: joined with bob, passthrough
            cls.dave = cls.sip.baresip("2005", "p2005", tone=DAVE_HZ, codecs="PCMU")
            cls.sip.session_token("1000")  # creates the client credential
        except BaseException:
            cls.sip.__exit__()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.chrome.close()
        cls.sip.__exit__()

    def setUp(self):
        self.page = PhonePage(self.chrome, self.sip.daemon)
        self.addCleanup(self.chrome.close_page, "main")
        reg = self.page.login("a", token=self.sip.session_token("1000"))
        self.assertEqual(reg.get("type"), "registered", reg)
        self.addCleanup(self.hang_up_bob)
        d = self.sip.daemon
        token = d.client("POST", "/oauth/token", "grant_type=client_credentials",
                         auth=(CLIENT_ID, CLIENT_SECRET),
                         content_type="application/x-www-form-urlencoded").json["access_token"]
        self.token = token
        self.cti = CstaClient(d.cti_port).connect()
        self.addCleanup(lambda: self.cti.close())
        self.cti.start(token)
        reply = self.cti.request(f'<MonitorStart xmlns="{ED6}"><monitorObject><deviceObject>1000'
                                 '</deviceObject></monitorObject></MonitorStart>')
        self.monitor = text(reply.root, "monitorCrossRefID")

    def hang_up_bob(self):
        for phone in (self.bob, self.carol, self.dave):
            try:
                phone.command("hangup")
            except RuntimeError:
                pass
            with phone.lock:
                phone.events.clear()

    # -- helpers -------------------------------------------------------------

    def next_event(self, timeout=SETUP_S):
        """The next event at the main monitor (1000); others stay queued."""
        return self.cti.wait(lambda m: m.invoke_id == EVENT_ID
                             and text(m.root, "monitorCrossRefID") == self.monitor, timeout)

    def expect(self, *names, optional=()):
        """The next events, by name and in order, as {name: event}; names in
        optional may be missing (e.g. Delivered when the far phone answers
        at once)."""
        got, want = {}, list(names)
        while want:
            ev = self.next_event()
            while len(want) > 1 and ev.name != want[0] and want[0] in optional:
                want.pop(0)
            self.assertEqual(ev.name, want[0], f"after {list(got)}: {ev}")
            self.assertEqual(text(ev.root, "monitorCrossRefID"), self.monitor)
            got[want.pop(0)] = ev
        return got

    def request(self, name, body):
        return self.cti.request(f'<{name} xmlns="{ED6}">{body}</{name}>')

    def assert_quiet(self, seconds=0.5):
        time.sleep(seconds)
        extra = [m for m in self.cti.messages if m.invoke_id == EVENT_ID]
        self.assertEqual(extra, [], "events nobody caused")

    # -- scenarios -------------------------------------------------------------

    def test_inbound_answered_held_digits_and_cleared_over_cti(self):
        self.bob.send("dial", self.sip.sip_uri("1000"))
        delivered = self.expect("DeliveredEvent")["DeliveredEvent"]
        call_id = text(delivered.root, "connection/callID")
        self.assertEqual(text(delivered.root, "connection/deviceID"), "1000")
        self.assertEqual(text(delivered.root, "alertingDevice/deviceIdentifier"), "1000")
        self.assertEqual(text(delivered.root, "callingDevice/deviceIdentifier"), "2000")
        self.assertEqual(text(delivered.root, "localConnectionInfo"), "alerting")
        self.page.wait_event("incoming", 5, phone="a", call_id=call_id)
        # the application answers: the page answers, bob hears the page
        reply = self.request("AnswerCall", connection("callToBeAnswered", call_id, "1000"))
        self.assertEqual(reply.name, "AnswerCallResponse", reply)
        established = self.expect("EstablishedEvent")["EstablishedEvent"]
        self.assertEqual(text(established.root, "answeringDevice/deviceIdentifier"), "1000")
        self.assertEqual(text(established.root, "callingDevice/deviceIdentifier"), "2000")
        self.page.wait_event("accepted", 5, call_id=call_id)
        self.assertTrue(self.bob.wait_event("CALL_ESTABLISHED", 5), self.bob.event_types())
        self.assertTrue(self.page.hears(call_id, FAR_HZ), "the page does not hear the far phone")
        snap = self.request("SnapshotDevice", "<snapshotObject>1000</snapshotObject>")
        info = find(snap.root, "crossRefIDorSnapshotData/snapshotData/snapshotDeviceResponseInfo")
        self.assertEqual(text(info, "localCallState/compoundCallState/localConnectionState"), "connected")
        snap = self.request("SnapshotCall", connection("snapshotObject", call_id, "1000"))
        parties = {text(i, "deviceOnCall/deviceIdentifier"): text(i, "localConnectionInfo")
                   for i in find(snap.root, "crossRefIDorSnapshotData/snapshotData")}
        self.assertEqual(parties, {"1000": "connected", "2000": "connected"}, snap)

        # hold and retrieve: the page shows it, the far phone gets the re-INVITEs
        reply = self.request("HoldCall", connection("callToBeHeld", call_id, "1000"))
        self.assertEqual(reply.name, "HoldCallResponse", reply)
        held = self.expect("HeldEvent")["HeldEvent"]
        self.assertEqual(text(held.root, "localConnectionInfo"), "hold")
        self.assertEqual(text(held.root, "holdingDevice/deviceIdentifier"), "1000")
        self.page.wait_event("held", 5, call_id=call_id)
        time.sleep(0.8)  # the browser fades out what it buffered
        self.assertTrue(self.page.silent(call_id), "media goes on during hold")
        # holding a held call is out of state, and changes nothing
        reply = self.request("HoldCall", connection("callToBeHeld", call_id, "1000"))
        self.assertEqual(text(reply.root, "stateIncompatibility"), "invalidConnectionState", reply)
        reply = self.request("RetrieveCall", connection("callToBeRetrieved", call_id, "1000"))
        self.assertEqual(reply.name, "RetrieveCallResponse", reply)
        self.assertEqual(text(self.expect("RetrievedEvent")["RetrievedEvent"].root,
                              "localConnectionInfo"), "connected")
        self.page.wait_event("resumed", 5, call_id=call_id)
        reply = self.request("RetrieveCall", connection("callToBeRetrieved", call_id, "1000"))
        self.assertEqual(text(reply.root, "stateIncompatibility"), "invalidConnectionState", reply)
        self.assert_quiet()
        self.assertEqual(len(self.page.events(type="resumed", call_id=call_id)), 1)

        # digits toward the far phone
        reply = self.request("GenerateDigits", connection("connectionToSendDigits", call_id, "1000")
                             + "<charactersToSend>123#</charactersToSend>")
        self.assertEqual(reply.name, "GenerateDigitsResponse", reply)
        generated = self.expect("DigitsGeneratedEvent")["DigitsGeneratedEvent"]
        self.assertEqual(text(generated.root, "digitGeneratedList"), "123#")
        self.assertTrue(wait_for(lambda: len(dtmf_digits(self.bob)) >= 4, 10))
        self.assertEqual(dtmf_digits(self.bob), "123#")

        # the application hangs up: both phones see it
        reply = self.request("ClearConnection", connection("connectionToBeCleared", call_id, "1000"))
        self.assertEqual(reply.name, "ClearConnectionResponse", reply)
        cleared = self.expect("ConnectionClearedEvent")["ConnectionClearedEvent"]
        self.assertEqual(text(cleared.root, "droppedConnection/deviceID"), "1000")
        self.assertEqual(text(cleared.root, "cause"), "normalClearing")
        self.assertEqual(self.page.wait_event("ended", 2, call_id=call_id)["detail"]["cause"], "hangup")
        self.assertTrue(self.bob.wait_event("CALL_CLOSED", 2), self.bob.event_types())
        self.assert_quiet()

    def test_outbound_from_the_page_and_the_far_phone_hangs_up(self):
        call_id = self.page.ok("dial", "a", "2000")["call_id"]
        got = self.expect("ServiceInitiatedEvent", "OriginatedEvent", "DeliveredEvent",
                          "EstablishedEvent", optional=("DeliveredEvent",))
        initiated = got["ServiceInitiatedEvent"]
        self.assertEqual(text(initiated.root, "initiatedConnection/callID"), call_id)
        self.assertEqual(text(initiated.root, "localConnectionInfo"), "initiated")
        originated = got["OriginatedEvent"]
        self.assertEqual(text(originated.root, "callingDevice/deviceIdentifier"), "1000")
        self.assertEqual(text(originated.root, "calledDevice/deviceIdentifier"), "2000")
        established = got["EstablishedEvent"]
        self.assertEqual(text(established.root, "establishedConnection/deviceID"), "2000")
        self.assertEqual(text(established.root, "answeringDevice/deviceIdentifier"), "2000")
        self.page.wait_event("accepted", 5, call_id=call_id)
        self.assertTrue(self.page.hears(call_id, FAR_HZ))
        self.bob.command("hangup")
        cleared = self.expect("ConnectionClearedEvent")["ConnectionClearedEvent"]
        self.assertEqual(text(cleared.root, "droppedConnection/deviceID"), "2000")
        self.assertEqual(text(cleared.root, "releasingDevice/deviceIdentifier"), "2000")
        self.assertEqual(self.page.wait_event("ended", 2, call_id=call_id)["detail"]["cause"],
                         "remote_hangup")
        self.assert_quiet()

    def make_call(self, auto_originate):
        reply = self.request("MakeCall", "<callingDevice>1000</callingDevice>"
                             "<calledDirectoryNumber>2000</calledDirectoryNumber>"
                             f"<autoOriginate>{auto_originate}</autoOriginate>")
        self.assertEqual(reply.name, "MakeCallResponse", reply)
        self.assertEqual(text(reply.root, "callingDevice/deviceID"), "1000")
        return text(reply.root, "callingDevice/callID")

    def assert_make_call_events(self, call_id):
        got = self.expect("ServiceInitiatedEvent", "OriginatedEvent", "DeliveredEvent",
                          "EstablishedEvent", optional=("DeliveredEvent",))
        initiated = got["ServiceInitiatedEvent"]
        self.assertEqual(text(initiated.root, "initiatedConnection/callID"), call_id)
        self.assertEqual(text(initiated.root, "cause"), "makeCall")
        self.assertEqual(text(got["EstablishedEvent"].root, "answeringDevice/deviceIdentifier"), "2000")
        self.page.wait_event("accepted", 5, call_id=call_id)
        self.assertTrue(self.bob.wait_event("CALL_ESTABLISHED", 5), self.bob.event_types())
        self.assertTrue(self.page.hears(call_id, FAR_HZ), "the page does not hear the far phone")
        self.request("ClearConnection", connection("connectionToBeCleared", call_id, "1000"))
        self.expect("ConnectionClearedEvent")
        self.assertTrue(self.bob.wait_event("CALL_CLOSED", 2), self.bob.event_types())

    def test_make_call_without_prompt_the_page_calls_at_once(self):
        call_id = self.make_call("doNotPrompt")
        self.assert_make_call_events(call_id)

    def test_make_call_with_prompt_waits_for_the_agent(self):
        call_id = self.make_call("prompt")
        asked = self.page.wait_event("makecall", 5, phone="a")
        self.assertEqual((asked["detail"]["to"], asked["detail"]["prompt"]), ("2000", True))
        self.assert_quiet(1.0)  # nothing happens until the agent confirms
        # the agent presses Call: the page places that very call
        placed = self.page.ok("dial", "a", "2000", asked["detail"]["makeCall"])
        self.assertEqual(placed["call_id"], call_id)
        self.assert_make_call_events(call_id)

    def test_make_call_busy_and_not_answered(self):
        """MakeCall to a busy SIP phone and to one nobody answers: the page
        places each at once, the far phone rings, then Failed (busy,
        callNotAnswered) and ConnectionCleared; the page shows why."""
        for user, kind, csta, ended in (("2003", "busy", "busy", "busy"),
                                        ("2004", "no_answer", "callNotAnswered", "no_answer")):
            with self.subTest(kind=kind):
                phone = SippRefusingPhone(self.sip, user, "p" + user, kind).start()
                self.addCleanup(phone.cleanup)
                reply = self.request("MakeCall", f"<callingDevice>1000</callingDevice>"
                                     f"<calledDirectoryNumber>{user}</calledDirectoryNumber>"
                                     "<autoOriginate>doNotPrompt</autoOriginate>")
                call_id = text(reply.root, "callingDevice/callID")
                got = self.expect("ServiceInitiatedEvent", "OriginatedEvent", "DeliveredEvent",
                                  "FailedEvent", "ConnectionClearedEvent")
                self.assertEqual(text(got["ServiceInitiatedEvent"].root, "cause"), "makeCall")
                self.assertEqual(text(got["DeliveredEvent"].root, "alertingDevice/deviceIdentifier"),
                                 user)
                failed = got["FailedEvent"]
                self.assertEqual((text(failed.root, "failedConnection/deviceID"),
                                  text(failed.root, "localConnectionInfo"),
                                  text(failed.root, "cause")), (user, "fail", csta))
                self.assertEqual(self.page.wait_event("ended", 5, call_id=call_id)["detail"]["cause"],
                                 ended)
                self.assertTrue(wait_for(phone.finished, 10), "sipp's scenario did not finish")
                self.assertEqual(phone.proc.returncode, 0)
        self.assert_quiet()

    def test_make_call_errors(self):
        for body, category, value in (
                ("<callingDevice>1001</callingDevice><calledDirectoryNumber>2000</calledDirectoryNumber>",
                 "systemResourceAvailibility", "callingDeviceOutOfService"),
                ("<callingDevice>4242</callingDevice><calledDirectoryNumber>2000</calledDirectoryNumber>",
                 "operation", "invalidCallingDeviceID"),
                ("<callingDevice>1000</callingDevice><calledDirectoryNumber>no way</calledDirectoryNumber>",
                 "operation", "invalidCalledDeviceID"),
                ("<callingDevice>1000</callingDevice>", "operation",
                 "atLeastOneConditionalParameterNotProvided")):
            with self.subTest(body=body):
                reply = self.request("MakeCall", body)
                self.assertEqual(text(reply.root, category), value, reply)
        # a forged make_call ID is refused by the phone protocol
        placed = self.page.mgt("dial", "a", "2000", "c-forged")
        self.assertEqual(placed.get("error", {}).get("code"), "bad_request", placed)
        self.assert_quiet()

    def application(self, client_id, masking, source, protocol="csta-xml"):
        """Another CTI application (its own client credential, masking,
        source address and subprotocol) monitoring 1000."""
        d = self.sip.daemon
        secret = "masking-test-secret-0123456789"
        r = d.admin("POST", "/cms/api/v1/clients", {"client_id": client_id, "client_secret": secret,
                                                    "caller_id_masking": masking})
        self.assertEqual(r.status, 201, r)
        self.addCleanup(d.admin, "DELETE", f"/cms/api/v1/clients/{client_id}")
        token = d.client("POST", "/oauth/token", "grant_type=client_credentials",
                         auth=(client_id, secret),
                         content_type="application/x-www-form-urlencoded").json["access_token"]
        app = CstaClient(d.cti_port, source=source, protocol=protocol).connect()
        self.addCleanup(app.close)
        app.start(token)
        reply = app.request(f'<MonitorStart xmlns="{ED6}"><monitorObject><deviceObject>1000'
                            '</deviceObject></monitorObject></MonitorStart>')
        self.assertEqual(reply.name, "MonitorStartResponse", reply)
        return app

    def test_the_page_agent_seen_by_two_sessions_text_and_binary(self):
        """The agent answers and hangs up in the page; a second application
        on the binary subprotocol (csta-xml-tcp) gets the same events with
        the same fields as the first (csta-xml), in the same order."""
        binary = self.application("binary-app", "none", "127.0.0.4", protocol="csta-xml-tcp")
        self.bob.send("dial", self.sip.sip_uri("1000"))
        ring = self.page.wait_event("incoming", SETUP_S, phone="a")
        self.page.ok("accept", ring["call_id"])
        self.page.wait_event("accepted", SETUP_S, call_id=ring["call_id"])
        self.assertTrue(self.bob.wait_event("CALL_ESTABLISHED", 5), self.bob.event_types())
        self.page.ok("hangup", ring["call_id"])
        self.assertTrue(self.bob.wait_event("CALL_CLOSED", 5), self.bob.event_types())
        names = ["DeliveredEvent", "EstablishedEvent", "ConnectionClearedEvent"]
        text_events = list(self.expect(*names).values())
        binary_events = [binary.wait(lambda m: m.invoke_id == EVENT_ID, 5) for _ in names]
        self.assertEqual([e.name for e in binary_events], names)

        def fields(event):
            skip = {"monitorCrossRefID", "extensions"}
            return [(c.tag.split("}")[1], ET.tostring(c)) for c in event.root
                    if c.tag.split("}")[1] not in skip]
        for mine, theirs in zip(text_events, binary_events):
            self.assertEqual(fields(mine), fields(theirs))
        self.assertEqual(text(text_events[0].root, "connection/callID"), ring["call_id"])

    def test_caller_id_masking_per_application(self):
        partial = self.application("wallboard", "partial:2", "127.0.0.2")
        full = self.application("analytics", "full", "127.0.0.3")
        self.bob.send("dial", self.sip.sip_uri("1000"))
        plain = self.expect("DeliveredEvent")["DeliveredEvent"]
        call_id = text(plain.root, "connection/callID")
        self.assertEqual(text(plain.root, "callingDevice/deviceIdentifier"), "2000")
        seen = partial.wait(lambda m: m.name == "DeliveredEvent", 5)
        self.assertEqual(text(seen.root, "callingDevice/deviceIdentifier"), "XX00")
        self.assertEqual(text(seen.root, "connection/deviceID"), "1000")  # our own: not masked
        hidden = full.wait(lambda m: m.name == "DeliveredEvent", 5)
        self.assertIsNotNone(find(hidden.root, "callingDevice/restricted"), hidden)
        self.assertNotIn("2000", hidden.xml)
        # the same call, answered: the same masking in every event
        self.request("AnswerCall", connection("callToBeAnswered", call_id, "1000"))
        self.expect("EstablishedEvent")
        seen = partial.wait(lambda m: m.name == "EstablishedEvent", 10)
        self.assertEqual(text(seen.root, "callingDevice/deviceIdentifier"), "XX00")
        hidden = full.wait(lambda m: m.name == "EstablishedEvent", 10)
        self.assertNotIn("2000", hidden.xml)
        self.bob.command("hangup")
        cleared = full.wait(lambda m: m.name == "ConnectionClearedEvent", 5)
        self.assertNotIn("2000", cleared.xml)
        self.assertIsNotNone(find(cleared.root, "releasingDevice/restricted"), cleared)
        self.expect("ConnectionClearedEvent")

    def test_privacy_id_is_restricted_for_every_application(self):
        """A caller with Privacy: id (sipp/uac_privacy.xml) is restricted in
        CTI even for an application whose masking is none; the snapshot says
        the same. Clearing the ringing connection refuses the call (480)."""
        sipp = self.sipp_caller("uac_privacy.xml")
        delivered = self.expect("DeliveredEvent")["DeliveredEvent"]
        call_id = text(delivered.root, "connection/callID")
        self.assertIsNotNone(find(delivered.root, "callingDevice/restricted"), delivered)
        self.assertNotIn("2009", delivered.xml)
        snap = self.request("SnapshotCall", connection("snapshotObject", call_id, "1000"))
        self.assertNotIn("2009", snap.xml)
        self.assertEqual(len(find(snap.root, "crossRefIDorSnapshotData/snapshotData")), 2, snap)
        self.page.wait_event("incoming", 5, call_id=call_id)
        self.request("ClearConnection", connection("connectionToBeCleared", call_id, "1000"))
        cleared = self.expect("ConnectionClearedEvent")["ConnectionClearedEvent"]
        self.assertNotIn("2009", cleared.xml)
        self.assertEqual(sipp.wait(10), 0, "sipp's scenario failed")

    def test_single_step_transfer_hands_the_far_phone_to_another_agent(self):
        """Blind transfer: bob, in a call with 1000, is asked (REFER) to call
        1001; the second agent's page rings with bob's number and they talk;
        1000's page sees the call end, its monitor a TransferedEvent."""
        second = PhonePage(self.chrome, self.sip.daemon, page="second")
        self.addCleanup(self.chrome.close_page, "second")
        reg = second.login("b", token=self.sip.session_token("1001"))
        self.assertEqual(reg.get("type"), "registered", reg)
        self.bob.send("dial", self.sip.sip_uri("1000"))
        call_id = text(self.expect("DeliveredEvent")["DeliveredEvent"].root, "connection/callID")
        self.request("AnswerCall", connection("callToBeAnswered", call_id, "1000"))
        self.expect("EstablishedEvent")
        self.assertTrue(self.bob.wait_event("CALL_ESTABLISHED", 5), self.bob.event_types())
        reply = self.request("SingleStepTransferCall", connection("activeCall", call_id, "1000")
                             + "<transferredTo>1001</transferredTo>")
        self.assertEqual(reply.name, "SingleStepTransferCallResponse", reply)
        self.assertEqual(text(reply.root, "transferredCall/deviceID"), "1001")
        moved = self.expect("TransferedEvent")["TransferedEvent"]
        self.assertEqual(text(moved.root, "transferringDevice/deviceIdentifier"), "1000")
        self.assertEqual(text(moved.root, "transferredToDevice/deviceIdentifier"), "1001")
        self.assertEqual(text(moved.root, "transferredConnections/connectionListItem/endpoint/deviceID"),
                         "2000")
        self.assertEqual(text(moved.root, "cause"), "singleStepTransfer")
        self.assertEqual(self.page.wait_event("ended", 5, call_id=call_id)["detail"]["cause"],
                         "transferred")
        ring = second.wait_event("incoming", SETUP_S, phone="b")
        self.assertEqual(ring["detail"]["from"]["number"], "2000", ring)
        second.ok("accept", ring["call_id"])
        second.wait_event("accepted", SETUP_S, call_id=ring["call_id"])
        self.assertTrue(second.hears(ring["call_id"], FAR_HZ), "the second agent does not hear bob")
        second.ok("hangup", ring["call_id"])
        second.mgt("logout", "b")

    def second_agent(self, extension="1001", page="second", name="b"):
        second = PhonePage(self.chrome, self.sip.daemon, page=page)
        self.addCleanup(self.chrome.close_page, page)
        reg = second.login(name, token=self.sip.session_token(extension))
        self.assertEqual(reg.get("type"), "registered", reg)
        self.addCleanup(second.mgt, "logout", name)
        return second

    def call_from_page(self, caller, answer=False):
        """1001's page (caller) calls the agent; the agent's page rings, and
        with answer the application answers it. Returns the call ID."""
        call_id = caller.ok("dial", "b", "1000")["call_id"]
        self.expect("DeliveredEvent")
        self.page.wait_event("incoming", 5, call_id=call_id)
        if answer:
            self.request("AnswerCall", connection("callToBeAnswered", call_id, "1000"))
            self.expect("EstablishedEvent")
            caller.wait_event("accepted", SETUP_S, call_id=call_id)
        return call_id

    def answered_call_from_bob(self):
        self.bob.send("dial", self.sip.sip_uri("1000"))
        call_id = text(self.expect("DeliveredEvent")["DeliveredEvent"].root, "connection/callID")
        self.request("AnswerCall", connection("callToBeAnswered", call_id, "1000"))
        self.expect("EstablishedEvent")
        self.assertTrue(self.bob.wait_event("CALL_ESTABLISHED", 5), self.bob.event_types())
        self.page.wait_event("accepted", SETUP_S, call_id=call_id)
        return call_id

    def consult(self, call_id, second):
        """ConsultationCall from 1000 (in call_id with bob) to 1001, answered
        in the second page; returns the consultation call's ID."""
        reply = self.request("ConsultationCall", connection("existingCall", call_id, "1000")
                             + "<consultedDevice>1001</consultedDevice>")
        self.assertEqual(reply.name, "ConsultationCallResponse", reply)
        consult_id = text(reply.root, "initiatedCall/callID")
        self.assertEqual(text(reply.root, "initiatedCall/deviceID"), "1000")
        self.assertNotEqual(consult_id, call_id)
        got = self.expect("HeldEvent", "ServiceInitiatedEvent", "OriginatedEvent", "DeliveredEvent")
        held = got["HeldEvent"]
        self.assertEqual((text(held.root, "heldConnection/callID"), text(held.root, "cause"),
                          text(held.root, "localConnectionInfo")), (call_id, "consultation", "hold"))
        for name in ("ServiceInitiatedEvent", "OriginatedEvent"):
            self.assertEqual(text(got[name].root, "cause"), "consultation", got[name])
        self.assertEqual(text(got["OriginatedEvent"].root, "originatedConnection/callID"), consult_id)
        self.assertEqual(text(got["DeliveredEvent"].root, "alertingDevice/deviceIdentifier"), "1001")
        self.page.wait_event("held", 5, call_id=call_id)
        ring = second.wait_event("incoming", SETUP_S, phone="b", call_id=consult_id)
        self.assertEqual(ring["detail"]["from"]["number"], "1000", ring)
        second.ok("accept", consult_id)
        self.expect("EstablishedEvent")
        self.page.wait_event("accepted", SETUP_S, call_id=consult_id)
        second.wait_event("accepted", SETUP_S, call_id=consult_id)
        return consult_id

    def consult_carol(self, call_id, number="2001", phone=None):
        """ConsultationCall from 1000 (in call_id with bob) to carol (or
        another auto-answering SIP phone); returns the consultation call's
        ID once she answered."""
        phone = phone or self.carol
        reply = self.request("ConsultationCall", connection("existingCall", call_id, "1000")
                             + f"<consultedDevice>{number}</consultedDevice>")
        self.assertEqual(reply.name, "ConsultationCallResponse", reply)
        self.expect("HeldEvent", "ServiceInitiatedEvent", "OriginatedEvent", "DeliveredEvent",
                    "EstablishedEvent", optional=("DeliveredEvent",))
        self.assertTrue(phone.wait_event("CALL_ESTABLISHED", 10), phone.event_types())
        return text(reply.root, "initiatedCall/callID")

    def shapes(self, *call_ids):
        """What GET /cms/api/v1/calls says of these calls' media."""
        return [next(c["shape"] for c in self.sip.calls() if c["id"] == cid) for cid in call_ids]

    def test_consultation_alternate_and_reconnect(self):
        """The agent consults a colleague while bob waits on hold, swaps
        between the two calls twice, then drops the colleague and is back
        with bob: the page hears whoever is active, never the held one."""
        second = self.second_agent()
        call_id = self.answered_call_from_bob()
        consult_id = self.consult(call_id, second)
        self.assertTrue(self.page.hears(consult_id, MIC_HZ), "the agent does not hear the colleague")
        self.assertTrue(self.page.silent(call_id), "the held caller is heard")

        pair = (connection("heldCall", call_id, "1000")
                + connection("activeCall", consult_id, "1000"))
        reply = self.request("AlternateCall", pair)
        self.assertEqual(reply.name, "AlternateCallResponse", reply)
        got = self.expect("HeldEvent", "RetrievedEvent")
        self.assertEqual((text(got["HeldEvent"].root, "heldConnection/callID"),
                          text(got["HeldEvent"].root, "cause")), (consult_id, "alternate"))
        self.assertEqual(text(got["RetrievedEvent"].root, "retrievedConnection/callID"), call_id)
        self.page.wait_event("resumed", 5, call_id=call_id)
        self.assertTrue(self.page.hears(call_id, FAR_HZ), "the agent does not hear bob again")
        self.assertTrue(self.page.silent(consult_id), "the held colleague is heard")

        # the calls' roles are swapped now: the same request is out of state
        reply = self.request("AlternateCall", pair)
        self.assertEqual(text(reply.root, "stateIncompatibility"), "invalidHeldConnectionState", reply)
        reply = self.request("AlternateCall",
                             connection("heldCall", consult_id, "1000")
                             + connection("activeCall", call_id, "1001"))
        self.assertEqual(text(reply.root, "operation"), "notSameDevice", reply)
        reply = self.request("AlternateCall", connection("heldCall", consult_id, "1000")
                             + connection("activeCall", call_id, "1000"))
        self.assertEqual(reply.name, "AlternateCallResponse", reply)
        got = self.expect("HeldEvent", "RetrievedEvent")
        self.assertEqual(text(got["RetrievedEvent"].root, "retrievedConnection/callID"), consult_id)

        reply = self.request("ReconnectCall", pair)
        self.assertEqual(reply.name, "ReconnectCallResponse", reply)
        got = self.expect("ConnectionClearedEvent", "RetrievedEvent")
        cleared = got["ConnectionClearedEvent"]
        self.assertEqual((text(cleared.root, "droppedConnection/callID"),
                          text(cleared.root, "droppedConnection/deviceID")), (consult_id, "1000"))
        self.assertEqual(text(got["RetrievedEvent"].root, "retrievedConnection/callID"), call_id)
        self.assertEqual(second.wait_event("ended", 5, call_id=consult_id)["detail"]["cause"],
                         "remote_hangup")
        self.page.wait_event("resumed", 5, call_id=call_id)
        self.assertTrue(self.page.hears(call_id, FAR_HZ), "the agent is not back with bob")
        self.request("ClearConnection", connection("connectionToBeCleared", call_id, "1000"))
        self.expect("ConnectionClearedEvent")
        self.assertTrue(self.bob.wait_event("CALL_CLOSED", 5), self.bob.event_types())

    def test_consultation_then_transfer_joins_bob_and_the_colleague(self):
        """Attended transfer: the agent consults a colleague, then joins bob
        (SIP) with the colleague's page and leaves. Bob hears the colleague
        in one continuous RTP stream, the colleague hears bob, and bob's
        hangup ends the colleague's call."""
        second = self.second_agent()
        reply = self.request("MonitorStart", "<monitorObject><deviceObject>1001</deviceObject>"
                             "</monitorObject>")
        other_monitor = text(reply.root, "monitorCrossRefID")
        with RtpRecorder(self.bob.rtp_ports, self.sip.tmp, name="bob-transfer") as rec:
            call_id = self.answered_call_from_bob()
            up = rec.since()
            time.sleep(2)
            held_at = rec.since()
            consult_id = self.consult(call_id, second)
            time.sleep(2.5)
            reply = self.request("TransferCall", connection("heldCall", call_id, "1000")
                                 + connection("activeCall", consult_id, "1000"))
            self.assertEqual(reply.name, "TransferCallResponse", reply)
            joined_at = rec.since()
            self.assertEqual((text(reply.root, "transferredCall/callID"),
                              text(reply.root, "transferredCall/deviceID")), (consult_id, "1001"))
            moved = self.cti.wait(lambda m: m.name == "TransferedEvent"
                                  and text(m.root, "monitorCrossRefID") == self.monitor, 5)
            self.assertEqual(text(moved.root, "primaryOldCall/callID"), call_id)
            self.assertEqual(text(moved.root, "secondaryOldCall/callID"), consult_id)
            self.assertEqual(text(moved.root, "transferringDevice/deviceIdentifier"), "1000")
            self.assertEqual(text(moved.root, "transferredToDevice/deviceIdentifier"), "1001")
            items = find(moved.root, "transferredConnections")
            self.assertEqual(sorted(text(i, "endpoint/deviceID") for i in items), ["1001", "2000"])
            self.assertEqual((text(moved.root, "localConnectionInfo"), text(moved.root, "cause")),
                             ("null", "transfer"))
            there = self.cti.wait(lambda m: m.name == "TransferedEvent"
                                  and text(m.root, "monitorCrossRefID") == other_monitor, 5)
            self.assertEqual(text(there.root, "localConnectionInfo"), "connected")
            shared = ("callLinkageDataList/newCallLinkageData/globalCallData/globalCallLinkageID"
                      "/globallyUniqueCallLinkageID")
            self.assertEqual(text(there.root, shared), text(moved.root, shared))
            self.assertEqual(text(moved.root, shared), call_id.encode().hex().upper())
            for cid in (call_id, consult_id):
                self.assertEqual(self.page.wait_event("ended", 5, call_id=cid)["detail"]["cause"],
                                 "transferred")
            told = second.wait_event("transferred", 5, call_id=consult_id)
            self.assertEqual(told["detail"]["party"]["number"], "2000", told)
            self.assertTrue(second.hears(consult_id, FAR_HZ), "the colleague does not hear bob")
            time.sleep(1.5)
            end = rec.since()
            # the colleague's keys, in its stream and by request, reach bob
            # as RFC 4733 events in his stream
            second.ok("sendDtmf", consult_id, "47", "rfc4733")
            self.assertTrue(wait_for(lambda: len(dtmf_digits(self.bob)) >= 2, 8),
                            dtmf_digits(self.bob))
            second.ok("sendDtmf", consult_id, "9#", "request")
            self.assertTrue(wait_for(lambda: len(dtmf_digits(self.bob)) >= 4, 8),
                            dtmf_digits(self.bob))
        self.assertEqual(dtmf_digits(self.bob), "479#")
        wav = rec.wav()
        assert_tone(wav, MIC_HZ, (up + 1, held_at - 0.2))
        assert_tone(wav, "silence", (held_at + 0.8, joined_at - 0.2))
        assert_tone(wav, MIC_HZ, (joined_at + 1.5, end))
        # one stream for bob whoever feeds it: one SSRC, no gap in numbering
        packets = rec.rtp()
        self.assertEqual({p[3] for p in packets}, {packets[0][3]}, "bob saw a new SSRC")
        seqs = [p[4] for p in packets]
        gaps = [b - a for a, b in zip(seqs, seqs[1:]) if (b - a) % 65536 != 1]
        self.assertEqual(gaps, [], "bob's packets are not numbered continuously")
        events = {p[2] for p in packets if p[2] not in (0, 8)}
        self.assertEqual(len(events), 1, "the digits did not reach bob as RFC 4733 events")
        self.bob.command("hangup")
        self.assertEqual(second.wait_event("ended", 5, call_id=consult_id)["detail"]["cause"],
                         "remote_hangup")

    def transfer(self, call_id, consult_id):
        reply = self.request("TransferCall", connection("heldCall", call_id, "1000")
                             + connection("activeCall", consult_id, "1000"))
        self.assertEqual(reply.name, "TransferCallResponse", reply)
        moved = self.expect("TransferedEvent")["TransferedEvent"]
        self.assertEqual(text(moved.root, "cause"), "transfer")
        for cid in (call_id, consult_id):
            self.assertEqual(self.page.wait_event("ended", 5, call_id=cid)["detail"]["cause"],
                             "transferred")
        return reply, moved

    def test_transfer_joins_two_sip_phones_with_different_laws(self):
        """bob (PCMU) waits while the agent consults carol (PCMA, SIP);
        the transfer joins them through the server (transcoded G.711):
        each hears the other's tone, and carol's hangup ends bob's call."""
        call_id = self.answered_call_from_bob()
        consult_id = self.consult_carol(call_id)
        self.assertTrue(self.page.hears(consult_id, CAROL_HZ), "the agent does not hear carol")
        with RtpRecorder(self.bob.rtp_ports, self.sip.tmp, name="bob-sip-sip") as to_bob, \
                RtpRecorder(self.carol.rtp_ports, self.sip.tmp, name="carol-sip-sip") as to_carol:
            reply, moved = self.transfer(call_id, consult_id)
            self.assertEqual(text(reply.root, "transferredCall/deviceID"), "2001")
            self.assertEqual(text(moved.root, "transferredToDevice/deviceIdentifier"), "2001")
            joined = to_bob.since()
            time.sleep(3.5)
            end = to_bob.since()
        assert_tone(to_bob.wav(), CAROL_HZ, (joined + 1.5, end))
        assert_tone(to_carol.wav(), FAR_HZ, (joined + 1.5, end))
        self.assertEqual(self.shapes(call_id, consult_id), ["transcoding", "transcoding"])
        self.carol.command("hangup")
        self.assertTrue(self.bob.wait_event("CALL_CLOSED", 5), self.bob.event_types())
        self.assertEqual(self.sip.calls(), [], "the joined calls did not end together")

    def test_transfer_joins_two_sip_phones_of_one_law_in_passthrough(self):
        """bob and dave both speak PCMU: the transfer joins their streams
        without decoding (shape passthrough for both calls), each hears
        the other, and bob's hangup ends dave's call."""
        call_id = self.answered_call_from_bob()
        consult_id = self.consult_carol(call_id, "2005", self.dave)
        with RtpRecorder(self.bob.rtp_ports, self.sip.tmp, name="bob-passthrough") as to_bob, \
                RtpRecorder(self.dave.rtp_ports, self.sip.tmp, name="dave-passthrough") as to_dave:
            reply, _ = self.transfer(call_id, consult_id)
            self.assertEqual(text(reply.root, "transferredCall/deviceID"), "2005")
            joined = to_bob.since()
            self.assertEqual(self.shapes(call_id, consult_id), ["passthrough", "passthrough"])
            time.sleep(3.5)
            end = to_bob.since()
        assert_tone(to_bob.wav(), DAVE_HZ, (joined + 1.5, end))
        assert_tone(to_dave.wav(), FAR_HZ, (joined + 1.5, end))
        self.bob.command("hangup")
        self.assertTrue(self.dave.wait_event("CALL_CLOSED", 5), self.dave.event_types())
        self.assertTrue(wait_for(lambda: self.sip.calls() == [], 5), self.sip.calls())

    def test_transfer_between_three_pages(self):
        """No SIP at all (the embedded default's case): 1001 calls the
        agent, who consults 1002 and transfers; 1001 and 1002 hear each
        other, 1002's hangup ends 1001's call."""
        caller = self.second_agent()
        third = self.second_agent("1002", page="third", name="c")
        call_id = self.call_from_page(caller, answer=True)
        reply = self.request("ConsultationCall", connection("existingCall", call_id, "1000")
                             + "<consultedDevice>1002</consultedDevice>")
        consult_id = text(reply.root, "initiatedCall/callID")
        self.expect("HeldEvent", "ServiceInitiatedEvent", "OriginatedEvent", "DeliveredEvent")
        third.wait_event("incoming", SETUP_S, call_id=consult_id)
        third.ok("accept", consult_id)
        self.expect("EstablishedEvent")
        third.wait_event("accepted", SETUP_S, call_id=consult_id)
        self.assertTrue(caller.silent(call_id), "the held caller hears something")
        reply, _ = self.transfer(call_id, consult_id)
        self.assertEqual(text(reply.root, "transferredCall/deviceID"), "1002")
        self.assertEqual(caller.wait_event("transferred", 5, call_id=call_id)["detail"]["party"]
                         ["number"], "1002")
        self.assertEqual(third.wait_event("transferred", 5, call_id=consult_id)["detail"]["party"]
                         ["number"], "1001")
        self.assertTrue(caller.hears(call_id, MIC_HZ), "1001 does not hear 1002")
        self.assertTrue(third.hears(consult_id, MIC_HZ), "1002 does not hear 1001")
        third.ok("hangup", consult_id)
        self.assertEqual(caller.wait_event("ended", 5, call_id=call_id)["detail"]["cause"],
                         "remote_hangup")

    def test_conference_of_three_then_the_agent_leaves(self):
        """Consultation then ConferenceCall: bob (SIP), the agent and a
        colleague hear each other (each page a mix of the other two, bob
        the pages and not himself). The agent leaves; bob and the colleague
        talk on, the colleague now hearing bob alone; bob's hangup ends it."""
        second = self.second_agent()
        reply = self.request("MonitorStart", "<monitorObject><deviceObject>1001</deviceObject>"
                             "</monitorObject>")
        other_monitor = text(reply.root, "monitorCrossRefID")
        call_id = self.answered_call_from_bob()
        consult_id = self.consult(call_id, second)
        with RtpRecorder(self.bob.rtp_ports, self.sip.tmp, name="bob-conference") as rec:
            reply = self.request("ConferenceCall", connection("heldCall", call_id, "1000")
                                 + connection("activeCall", consult_id, "1000"))
            self.assertEqual(reply.name, "ConferenceCallResponse", reply)
            joined = rec.since()
            self.assertEqual((text(reply.root, "conferenceCall/callID"),
                              text(reply.root, "conferenceCall/deviceID")), (call_id, "1000"))
            conf = self.expect("ConferencedEvent")["ConferencedEvent"]
            self.assertEqual(text(conf.root, "primaryOldCall/callID"), call_id)
            self.assertEqual(text(conf.root, "secondaryOldCall/callID"), consult_id)
            self.assertEqual(text(conf.root, "conferencingDevice/deviceIdentifier"), "1000")
            self.assertEqual(text(conf.root, "addedParty/deviceIdentifier"), "1001")
            items = find(conf.root, "conferenceConnections")
            self.assertEqual(sorted(text(i, "endpoint/deviceID") for i in items),
                             ["1000", "1001", "2000"])
            self.assertEqual((text(conf.root, "localConnectionInfo"), text(conf.root, "cause")),
                             ("connected", "conference"))
            there = self.cti.wait(lambda m: m.name == "ConferencedEvent"
                                  and text(m.root, "monitorCrossRefID") == other_monitor, 5)
            self.assertEqual(text(there.root, "addedParty/deviceIdentifier"), "1001")
            self.assertEqual(self.page.wait_event("ended", 5, call_id=consult_id)["detail"]["cause"],
                             "conferenced")
            self.page.wait_event("conferenced", 5, call_id=call_id)
            second.wait_event("conferenced", 5, call_id=consult_id)
            self.assertTrue(self.page.hears_all(call_id, (FAR_HZ, MIC_HZ)),
                            "the agent does not hear both bob and the colleague")
            self.assertTrue(second.hears_all(consult_id, (FAR_HZ, MIC_HZ)),
                            "the colleague does not hear both bob and the agent")
            time.sleep(1)
            end = rec.since()
        # bob hears the two pages (one tone) and not himself
        assert_mix(rec.wav(), (MIC_HZ,), (FAR_HZ,), (joined + 1.5, end))

        reply = self.request("ClearConnection", connection("connectionToBeCleared", call_id, "1000"))
        self.assertEqual(reply.name, "ClearConnectionResponse", reply)
        self.assertEqual(text(self.expect("ConnectionClearedEvent")["ConnectionClearedEvent"].root,
                              "droppedConnection/deviceID"), "1000")
        left = self.cti.wait(lambda m: m.name == "ConnectionClearedEvent"
                             and text(m.root, "monitorCrossRefID") == other_monitor, 5)
        self.assertEqual((text(left.root, "droppedConnection/deviceID"),
                          text(left.root, "localConnectionInfo")), ("1000", "connected"))
        self.page.wait_event("ended", 5, call_id=call_id)
        second.wait_event("left", 5, call_id=consult_id)
        self.assertTrue(second.hears(consult_id, FAR_HZ),
                        "the colleague does not hear bob alone (or hears itself)")
        self.bob.command("hangup")
        self.assertEqual(second.wait_event("ended", 5, call_id=consult_id)["detail"]["cause"],
                         "remote_hangup")
        self.assertTrue(wait_for(lambda: self.sip.calls() == [], 5), self.sip.calls())

    def test_conference_with_two_sip_phones_one_hangs_up(self):
        """bob and carol (SIP, two G.711 laws) in a conference with the
        agent: the page hears both; the agent holds (bob and carol talk on,
        the page hears nothing) and retrieves; the agent's digits reach
        both phones as RFC 4733 events; carol hangs up and the agent and
        bob talk on; the agent's hangup then ends bob's call."""
        call_id = self.answered_call_from_bob()
        consult_id = self.consult_carol(call_id)
        reply = self.request("ConferenceCall", connection("heldCall", call_id, "1000")
                             + connection("activeCall", consult_id, "1000"))
        self.assertEqual(reply.name, "ConferenceCallResponse", reply)
        conf = self.expect("ConferencedEvent")["ConferencedEvent"]
        self.assertEqual(text(conf.root, "addedParty/deviceIdentifier"), "2001")
        self.page.wait_event("conferenced", 5, call_id=call_id)
        self.assertEqual(self.shapes(call_id, consult_id), ["mixing", "mixing"])
        self.assertTrue(self.page.hears_all(call_id, (FAR_HZ, CAROL_HZ)),
                        "the agent does not hear both far phones")
        with RtpRecorder(self.carol.rtp_ports, self.sip.tmp, name="carol-conference") as rec:
            time.sleep(2.5)
            # the agent holds the conference: bob and carol talk on without
            # the page, which hears nothing
            reply = self.request("HoldCall", connection("callToBeHeld", call_id, "1000"))
            self.assertEqual(reply.name, "HoldCallResponse", reply)
            held_at = rec.since()
            held = self.expect("HeldEvent")["HeldEvent"]
            self.assertEqual(text(held.root, "localConnectionInfo"), "hold")
            self.page.wait_event("held", 5, call_id=call_id)
            reply = self.request("HoldCall", connection("callToBeHeld", call_id, "1000"))
            self.assertEqual(text(reply.root, "stateIncompatibility"), "invalidConnectionState", reply)
            time.sleep(0.8)
            self.assertTrue(self.page.silent(call_id), "the agent hears the conference on hold")
            time.sleep(1.5)
            retrieved_at = rec.since()
            self.request("RetrieveCall", connection("callToBeRetrieved", call_id, "1000"))
            self.expect("RetrievedEvent")
            self.page.wait_event("resumed", 5, call_id=call_id)
            self.assertTrue(self.page.hears_all(call_id, (FAR_HZ, CAROL_HZ)),
                            "the agent does not hear both far phones again")
            # the agent's digits reach both far phones, in their streams
            reply = self.request("GenerateDigits", connection("connectionToSendDigits", call_id, "1000")
                                 + "<charactersToSend>58</charactersToSend>")
            self.assertEqual(reply.name, "GenerateDigitsResponse", reply)
            self.expect("DigitsGeneratedEvent")
            for phone in (self.bob, self.carol):
                self.assertTrue(wait_for(lambda: len(dtmf_digits(phone)) >= 2, 8), dtmf_digits(phone))
                self.assertEqual(dtmf_digits(phone), "58")
        wav = rec.wav()
        assert_mix(wav, (FAR_HZ, MIC_HZ), (CAROL_HZ,), (0.5, 2.5))
        assert_mix(wav, (FAR_HZ,), (MIC_HZ, CAROL_HZ), (held_at + 0.5, retrieved_at - 0.1))
        self.assertTrue(any(p[2] not in (0, 8) for p in rec.rtp()), "no RFC 4733 event at carol")
        self.carol.command("hangup")
        left = self.expect("ConnectionClearedEvent")["ConnectionClearedEvent"]
        self.assertEqual((text(left.root, "droppedConnection/deviceID"),
                          text(left.root, "localConnectionInfo")), ("2001", "connected"))
        self.assertEqual(self.page.wait_event("left", 5, call_id=call_id)["detail"]["party"]
                         ["number"], "2001")
        self.assertTrue(self.page.hears(call_id, FAR_HZ), "the agent does not hear bob alone")
        self.request("ClearConnection", connection("connectionToBeCleared", call_id, "1000"))
        self.assertTrue(self.bob.wait_event("CALL_CLOSED", 5), self.bob.event_types())
        self.assertTrue(wait_for(lambda: self.sip.calls() == [], 5), self.sip.calls())

    def test_single_step_transfer_between_pages(self):
        """Blind transfer with no SIP: 1001's page calls the agent, who
        transfers it to 1002; 1002's page rings with 1001's number, answers,
        and the two talk; the agent's page sees its calls end."""
        caller = self.second_agent()
        third = self.second_agent("1002", page="third", name="c")
        call_id = self.call_from_page(caller, answer=True)
        reply = self.request("SingleStepTransferCall", connection("activeCall", call_id, "1000")
                             + "<transferredTo>1002</transferredTo>")
        self.assertEqual(reply.name, "SingleStepTransferCallResponse", reply)
        ring = third.wait_event("incoming", SETUP_S, phone="c")
        self.assertEqual(ring["detail"]["from"]["number"], "1001", ring)
        third.ok("accept", ring["call_id"])
        moved = self.cti.wait(lambda m: m.name == "TransferedEvent", SETUP_S)
        self.assertEqual((text(moved.root, "cause"), text(moved.root, "localConnectionInfo"),
                          text(moved.root, "transferredToDevice/deviceIdentifier")),
                         ("singleStepTransfer", "null", "1002"))
        for cid in (call_id, ring["call_id"]):
            self.assertEqual(self.page.wait_event("ended", 5, call_id=cid)["detail"]["cause"],
                             "transferred")
        self.assertEqual(caller.wait_event("transferred", 5, call_id=call_id)["detail"]["party"]
                         ["number"], "1002")
        self.assertTrue(caller.hears(call_id, MIC_HZ), "1001 does not hear 1002")
        self.assertTrue(third.hears(ring["call_id"], MIC_HZ), "1002 does not hear 1001")
        third.ok("hangup", ring["call_id"])
        self.assertEqual(caller.wait_event("ended", 5, call_id=call_id)["detail"]["cause"],
                         "remote_hangup")

    def agent_state(self, state, extra=""):
        reply = self.request("SetAgentState", f"<device>1000</device><requestedAgentState>{state}"
                             f"</requestedAgentState>{extra}")
        self.assertEqual(reply.name, "SetAgentStateResponse", reply)

    def test_agent_shift_around_a_real_call(self):
        """An agent's shift with a real call in it: log on, ready, bob's call
        answered in the page and hung up, after-call work, not ready with a
        reason, log off; the agent events and the call events arrive in the
        order things happened."""
        # whatever happens, 1000 is logged off for the scenarios after this one
        self.addCleanup(self.request, "SetAgentState", "<device>1000</device><requestedAgentState>"
                        "loggedOff</requestedAgentState>")
        self.agent_state("loggedOn", "<agentID>alice</agentID><password>31323334</password>")
        self.assertEqual(text(self.expect("AgentLoggedOnEvent")["AgentLoggedOnEvent"].root,
                              "agentID"), "alice")
        self.agent_state("ready")
        self.expect("AgentReadyEvent")
        self.bob.send("dial", self.sip.sip_uri("1000"))
        ring = self.page.wait_event("incoming", SETUP_S, phone="a")
        self.page.ok("accept", ring["call_id"])
        self.page.wait_event("accepted", SETUP_S, call_id=ring["call_id"])
        self.assertTrue(self.page.hears(ring["call_id"], FAR_HZ), "the agent does not hear bob")
        self.page.ok("hangup", ring["call_id"])
        self.expect("DeliveredEvent", "EstablishedEvent", "ConnectionClearedEvent")
        self.agent_state("workingAfterCall")
        self.expect("AgentWorkingAfterCallEvent")
        reason = ('<extensions><privateData><private><x:reasonCode xmlns:x="urn:mediagate:cti:1">'
                  '7</x:reasonCode></private></privateData></extensions>')
        self.agent_state("notReady", reason)
        ev = self.expect("AgentNotReadyEvent")["AgentNotReadyEvent"]
        self.assertEqual(text(ev.root, "extensions/privateData/private/reasonCode"), "7")
        reply = self.request("GetAgentState", "<device>1000</device>")
        self.assertEqual(text(reply.root, "agentStateList/agentStateEntry/agentInfo/agentInfoItem"
                                          "/agentState"), "agentNotReady")
        self.agent_state("loggedOff")
        self.expect("AgentLoggedOffEvent")
        self.assert_quiet()

    # -- sessions around real calls: resume, idle timeout, addresses ---------

    def set_cti(self, **settings):
        """PATCH /cms/api/v1/cti for this scenario; the old values come back after."""
        d = self.sip.daemon
        before = d.admin("GET", "/cms/api/v1/cti").json
        r = d.admin("PATCH", "/cms/api/v1/cti", settings)
        self.assertEqual(r.status, 200, r)
        self.addCleanup(d.admin, "PATCH", "/cms/api/v1/cti", {k: before[k] for k in settings})

    def seq(self, event):
        return int(text(event.root, "extensions/security/messageSequenceNumber"))

    def drop_and_resume(self, last, while_away):
        """Drops the main session without StopApplicationSession, runs
        while_away(), then resumes it from the same address naming the last
        event seen; returns the StartApplicationSession answer."""
        sid = self.cti.session_id
        self.cti.close()
        while_away()
        back = CstaClient(self.sip.daemon.cti_port)
        # the address is free again once the old connection is gone
        self.assertTrue(back.spin(lambda: self.connects(back), 5), back.status)
        self.cti = back
        reply = back.request(start_session(token=self.token, resume=sid, last=last))
        self.assertEqual(reply.name, "StartApplicationSessionPosResponse", reply)
        self.assertEqual(text(reply.root, "sessionID"), sid)
        self.assertEqual(text(reply.root, "extensions/privateData/private/session/resumed"), "true")
        return reply

    @staticmethod
    def connects(client):
        try:
            client.connect()
            return True
        except Exception:
            return False

    def test_resume_replays_what_happened_to_the_call_while_away(self):
        """The application's connection drops while bob's call rings; the
        agent answers and holds it in the page meanwhile. Resuming with the
        last sequence number brings Established and Held under the same
        monitor and the next numbers; then the call goes on live."""
        self.bob.send("dial", self.sip.sip_uri("1000"))
        delivered = self.expect("DeliveredEvent")["DeliveredEvent"]
        call_id = text(delivered.root, "connection/callID")
        last = self.seq(delivered)

        def agent_answers_and_holds():
            self.page.wait_event("incoming", 5, call_id=call_id)
            self.page.ok("accept", call_id)
            self.page.wait_event("accepted", SETUP_S, call_id=call_id)
            self.page.ok("hold", call_id)
            self.page.wait_event("held", 5, call_id=call_id)

        reply = self.drop_and_resume(last, agent_answers_and_holds)
        self.assertEqual(text(reply.root, "extensions/privateData/private/session/replayed"), "2")
        self.assertEqual(text(reply.root, "extensions/privateData/private/session/complete"), "true")
        got = self.expect("EstablishedEvent", "HeldEvent")
        self.assertEqual([self.seq(e) for e in got.values()], [last + 1, last + 2])
        self.assertEqual((text(got["EstablishedEvent"].root, "establishedConnection/callID"),
                          text(got["HeldEvent"].root, "heldConnection/callID")), (call_id, call_id))
        self.assertEqual(text(got["HeldEvent"].root, "localConnectionInfo"), "hold")
        self.page.ok("unhold", call_id)
        retrieved = self.expect("RetrievedEvent")["RetrievedEvent"]
        self.assertEqual(self.seq(retrieved), last + 3)
        self.assertTrue(self.page.hears(call_id, FAR_HZ), "the page does not hear bob again")
        self.bob.command("hangup")
        self.expect("ConnectionClearedEvent")
        self.assert_quiet()

    def test_resume_after_a_gap_then_a_snapshot_shows_the_call(self):
        """Ten events are kept for a dropped session: while it is away bob's
        call is answered and held in the page, then another application
        toggles the agent twelve times. Resuming says the replay is
        incomplete (the call's events are gone), and SnapshotDevice shows
        what the page shows: the call on hold."""
        self.set_cti(replay_events=10)
        self.addCleanup(self.request, "SetAgentState", "<device>1000</device><requestedAgentState>"
                        "loggedOff</requestedAgentState>")
        call_id = []

        def bob_calls_and_the_agent_holds():
            self.bob.send("dial", self.sip.sip_uri("1000"))
            call_id.append(self.page.wait_event("incoming", SETUP_S, phone="a")["call_id"])
            self.page.ok("accept", call_id[0])
            self.page.wait_event("accepted", SETUP_S, call_id=call_id[0])
            self.page.ok("hold", call_id[0])
            self.page.wait_event("held", 5, call_id=call_id[0])
            agent = CstaClient(self.sip.daemon.cti_port, source="127.0.0.2").connect()
            self.addCleanup(agent.close)
            agent.start(self.token)
            for state in ["loggedOn"] + ["ready", "notReady"] * 6:
                reply = agent.request(f'<SetAgentState xmlns="{ED6}"><device>1000</device>'
                                      f'<requestedAgentState>{state}</requestedAgentState>'
                                      '<agentID>alice</agentID></SetAgentState>')
                self.assertEqual(reply.name, "SetAgentStateResponse", reply)

        reply = self.drop_and_resume(0, bob_calls_and_the_agent_holds)
        self.assertEqual(text(reply.root, "extensions/privateData/private/session/complete"), "false")
        self.assertEqual(text(reply.root, "extensions/privateData/private/session/replayed"), "10")
        replayed = [self.next_event() for _ in range(10)]
        self.assertEqual({e.name for e in replayed}, {"AgentReadyEvent", "AgentNotReadyEvent"})
        snap = self.request("SnapshotDevice", "<snapshotObject>1000</snapshotObject>")
        info = find(snap.root, "crossRefIDorSnapshotData/snapshotData/snapshotDeviceResponseInfo")
        self.assertEqual(text(info, "connectionIdentifier/callID"), call_id[0])
        self.assertEqual(text(info, "localCallState/compoundCallState/localConnectionState"), "hold")
        self.bob.command("hangup")
        self.expect("ConnectionClearedEvent")

    def agent_session(self, duration):
        """Another application (from 127.0.0.2) that logs alice on at 1000
        and asks for a short session."""
        agent = CstaClient(self.sip.daemon.cti_port, source="127.0.0.2").connect()
        self.addCleanup(agent.close)
        agent.start(self.token, duration=duration)
        reply = agent.request(f'<SetAgentState xmlns="{ED6}"><device>1000</device>'
                              '<requestedAgentState>loggedOn</requestedAgentState>'
                              '<agentID>alice</agentID></SetAgentState>')
        self.assertEqual(reply.name, "SetAgentStateResponse", reply)
        self.expect("AgentLoggedOnEvent")
        return agent

    def test_idle_timeout_logs_the_agent_off_and_the_call_goes_on(self):
        """With logout on timeout, the agent application's session times out
        during a call: it gets ApplicationSessionTerminated and close 4000,
        the other application sees alice logged off; bob and the agent's
        page talk on, and the call events go on."""
        self.set_cti(logout_on_timeout=True, resume_delay=1)
        self.addCleanup(self.request, "SetAgentState", "<device>1000</device><requestedAgentState>"
                        "loggedOff</requestedAgentState>")
        call_id = self.answered_call_from_bob()
        agent = self.agent_session(duration=2)
        ended = agent.wait("ApplicationSessionTerminated", 6)
        self.assertEqual(text(ended.root, "sessionTermReason/definedTermReason"), "sessionTimerExpired")
        self.assertEqual(agent.wait_closed(), 4000)
        off = self.expect("AgentLoggedOffEvent")["AgentLoggedOffEvent"]
        self.assertEqual(text(off.root, "agentID"), "alice")
        self.assertTrue(self.page.hears(call_id, FAR_HZ), "the call did not go on")
        self.bob.command("hangup")
        self.expect("ConnectionClearedEvent")
        self.assert_quiet()

    def test_idle_timeout_without_logout_keeps_the_agent(self):
        self.set_cti(logout_on_timeout=False, resume_delay=1)
        self.addCleanup(self.request, "SetAgentState", "<device>1000</device><requestedAgentState>"
                        "loggedOff</requestedAgentState>")
        agent = self.agent_session(duration=2)
        agent.wait("ApplicationSessionTerminated", 6)
        self.assertEqual(agent.wait_closed(), 4000)
        self.assert_quiet(2)
        state = self.request("GetAgentState", "<device>1000</device>")
        self.assertEqual(text(state.root, "agentStateList/agentStateEntry/agentID"), "alice")

    def test_one_connection_per_address_and_two_clients_behind_a_balancer(self):
        """A second connection from the main session's address is refused
        (403); two clients behind a listed load balancer each get a session
        and see bob's call as the main session does."""
        again = CstaClient(self.sip.daemon.cti_port)
        with self.assertRaises(Exception):
            again.connect()
        self.assertEqual(again.status, 403)
        self.set_cti(load_balancers=["127.0.0.3"])
        behind = []
        for client in ("198.51.100.7", "198.51.100.8"):
            c = CstaClient(self.sip.daemon.cti_port, source="127.0.0.3",
                           headers={"X-Forwarded-For": client}).connect()
            self.addCleanup(c.close)
            c.start(self.token)
            c.request(f'<MonitorStart xmlns="{ED6}"><monitorObject><deviceObject>1000'
                      '</deviceObject></monitorObject></MonitorStart>')
            behind.append(c)
        listed = self.sip.daemon.admin("GET", "/cms/api/v1/cti/sessions").json["items"]
        self.assertTrue({"198.51.100.7", "198.51.100.8"} <= {s["address"] for s in listed}, listed)
        call_id = self.answered_call_from_bob()
        for c in behind:
            names = [c.wait(lambda m: m.invoke_id == EVENT_ID, 5).name for _ in range(2)]
            self.assertEqual(names, ["DeliveredEvent", "EstablishedEvent"])
        self.bob.command("hangup")
        self.expect("ConnectionClearedEvent")
        for c in behind:
            cleared = c.wait(lambda m: m.invoke_id == EVENT_ID, 5)
            self.assertEqual((cleared.name, text(cleared.root, "connection/callID")
                              or text(cleared.root, "droppedConnection/callID")),
                             ("ConnectionClearedEvent", call_id))

    def deflect(self, call_id, to):
        """DeflectCall of call_id ringing 1000 toward to: DivertedEvent at
        1000's monitor, and 1000's page stops ringing."""
        reply = self.request("DeflectCall", connection("callToBeDiverted", call_id, "1000")
                             + f"<newDestination>{to}</newDestination>")
        self.assertEqual(reply.name, "DeflectCallResponse", reply)
        diverted = self.expect("DivertedEvent")["DivertedEvent"]
        self.assertEqual([text(diverted.root, f) for f in ("newDestination/deviceIdentifier", "cause")],
                         [to, "redirected"])
        self.assertEqual(self.page.wait_event("ended", 5, call_id=call_id)["detail"]["cause"],
                         "deflected")

    def test_deflect_rings_another_agent(self):
        """DeflectCall: the call from bob ringing 1000 rings 1001 instead;
        1000's page stops ringing, 1001's rings with bob's number."""
        second = PhonePage(self.chrome, self.sip.daemon, page="second")
        self.addCleanup(self.chrome.close_page, "second")
        reg = second.login("b", token=self.sip.session_token("1001"))
        self.assertEqual(reg.get("type"), "registered", reg)
        reply = self.request("MonitorStart", "<monitorObject><deviceObject>1001</deviceObject>"
                             "</monitorObject>")
        other_monitor = text(reply.root, "monitorCrossRefID")
        self.bob.send("dial", self.sip.sip_uri("1000"))
        call_id = text(self.expect("DeliveredEvent")["DeliveredEvent"].root, "connection/callID")
        self.deflect(call_id, "1001")
        there = self.cti.wait(lambda m: m.invoke_id == EVENT_ID
                              and text(m.root, "monitorCrossRefID") == other_monitor, 5)
        self.assertEqual((there.name, text(there.root, "localConnectionInfo")),
                         ("DeliveredEvent", "alerting"))
        self.assertEqual(text(there.root, "callingDevice/deviceIdentifier"), "2000")
        ring = second.wait_event("incoming", 5, phone="b", call_id=call_id)
        self.assertEqual(ring["detail"]["from"]["number"], "2000", ring)
        second.ok("accept", call_id)
        second.wait_event("accepted", SETUP_S, call_id=call_id)
        self.assertTrue(self.bob.wait_event("CALL_ESTABLISHED", 5), self.bob.event_types())
        self.assertTrue(second.hears(call_id, FAR_HZ), "the second agent does not hear bob")
        second.ok("hangup", call_id)
        second.mgt("logout", "b")

    def sipp_caller(self, scenario):
        """A sipp caller (user 2009) calling 1000 through Kamailio."""
        sipp = self.sip.sipp_caller(scenario)
        self.addCleanup(lambda: sipp.poll() is None and sipp.kill())
        return sipp

    def test_deflect_to_a_number_on_the_sip_side(self):
        """DeflectCall toward a number that is not one of our extensions: the
        ringing INVITE is answered 302 with that number at the platform
        (sipp/uac_redirect.xml checks the Contact), the page stops ringing."""
        sipp = self.sipp_caller("uac_redirect.xml")
        call_id = text(self.expect("DeliveredEvent")["DeliveredEvent"].root, "connection/callID")
        self.page.wait_event("incoming", 5, call_id=call_id)
        self.deflect(call_id, "2000")
        self.assertEqual(sipp.wait(10), 0, "sipp did not get the 302 to 2000")
        self.assertTrue(wait_for(lambda: self.sip.calls() == [], 5), self.sip.calls())
        self.assert_quiet()

    def test_deflect_a_call_between_pages(self):
        """No SIP: 1001's page calls the agent; DeflectCall rings 1002's
        page instead, which answers and talks with 1001; deflecting to the
        caller itself is refused."""
        caller = self.second_agent()
        third = self.second_agent("1002", page="third", name="c")
        reply = self.request("MonitorStart", "<monitorObject><deviceObject>1001</deviceObject>"
                             "</monitorObject>")
        caller_monitor = text(reply.root, "monitorCrossRefID")
        call_id = self.call_from_page(caller)
        reply = self.request("DeflectCall", connection("callToBeDiverted", call_id, "1000")
                             + "<newDestination>1001</newDestination>")
        self.assertEqual(text(reply.root, "operation"), "invalidParameterValue", reply)
        self.deflect(call_id, "1002")
        ring = third.wait_event("incoming", 5, call_id=call_id)
        self.assertEqual(ring["detail"]["from"]["number"], "1001", ring)
        third.ok("accept", call_id)
        third.wait_event("accepted", SETUP_S, call_id=call_id)
        caller.wait_event("accepted", SETUP_S, call_id=call_id)
        self.assertTrue(third.hears(call_id, MIC_HZ), "1002 does not hear 1001")
        self.assertTrue(caller.hears(call_id, MIC_HZ), "1001 does not hear 1002")
        at_caller = self.events_at(caller_monitor, "EstablishedEvent")
        self.assertEqual([m.name for m in at_caller], self.CALLER_DEFLECTED)
        self.assertEqual(text(at_caller[3].root, "divertingDevice/deviceIdentifier"), "1000")
        self.assertEqual(text(at_caller[4].root, "alertingDevice/deviceIdentifier"), "1002")
        self.assertEqual(text(at_caller[5].root, "answeringDevice/deviceIdentifier"), "1002")
        caller.ok("hangup", call_id)
        third.wait_event("ended", 5, call_id=call_id)

    # what the caller's monitor sees when the call it placed is deflected
    CALLER_DEFLECTED = ["ServiceInitiatedEvent", "OriginatedEvent", "DeliveredEvent",
                        "DivertedEvent", "DeliveredEvent", "EstablishedEvent"]

    def events_at(self, monitor, last):
        """The events at @monitor up to the first named @last."""
        got = []
        while not got or got[-1].name != last:
            got.append(self.cti.wait(lambda m: m.invoke_id == EVENT_ID
                                     and text(m.root, "monitorCrossRefID") == monitor, 5))
        return got

    def test_deflect_a_call_between_pages_to_a_sip_phone(self):
        """1001's page calls the agent; DeflectCall toward bob (not one of
        our extensions): the call leaves as 1001's SIP call, bob answers
        and the two hear each other; 1001's monitor sees it delivered to
        and answered by bob."""
        caller = self.second_agent()
        reply = self.request("MonitorStart", "<monitorObject><deviceObject>1001</deviceObject>"
                             "</monitorObject>")
        caller_monitor = text(reply.root, "monitorCrossRefID")
        call_id = self.call_from_page(caller)
        with RtpRecorder(self.bob.rtp_ports, self.sip.tmp, name="bob-deflected") as rec:
            self.deflect(call_id, "2000")
            self.assertTrue(self.bob.wait_event("CALL_ESTABLISHED", SETUP_S), self.bob.event_types())
            caller.wait_event("accepted", SETUP_S, call_id=call_id)
            at_caller = self.events_at(caller_monitor, "EstablishedEvent")
            names = [m.name for m in at_caller]
            self.assertIn(names, (self.CALLER_DEFLECTED, self.CALLER_DEFLECTED[:-2] + ["EstablishedEvent"]))
            diverted = at_caller[3]
            self.assertEqual([text(diverted.root, f) for f in (
                "divertingDevice/deviceIdentifier", "newDestination/deviceIdentifier",
                "localConnectionInfo", "cause")], ["1000", "2000", "connected", "redirected"])
            established = at_caller[-1]
            self.assertEqual(text(established.root, "answeringDevice/deviceIdentifier"), "2000")
            self.assertEqual(text(established.root, "callingDevice/deviceIdentifier"), "1001")
            self.assertTrue(caller.hears(call_id, FAR_HZ), "1001 does not hear bob")
            start = rec.since()
            time.sleep(2)
            end = rec.since()
        assert_mix(rec.wav(), (MIC_HZ,), (FAR_HZ,), (start, end))
        self.assertEqual(len(self.sip.calls()), 1, self.sip.calls())
        self.bob.command("hangup")
        self.assertEqual(caller.wait_event("ended", 5, call_id=call_id)["detail"]["cause"],
                         "remote_hangup")
        self.assertTrue(wait_for(lambda: self.sip.calls() == [], 5), self.sip.calls())
        self.assert_quiet()

    def test_call_to_an_unknown_number_fails(self):
        call_id = self.page.ok("dial", "a", "2999")["call_id"]
        got = self.expect("ServiceInitiatedEvent", "OriginatedEvent", "FailedEvent",
                          "ConnectionClearedEvent")
        failed = got["FailedEvent"]
        self.assertEqual(text(failed.root, "failedConnection/deviceID"), "2999")
        self.assertEqual(text(failed.root, "cause"), "destNotObtainable")
        self.assertEqual(text(failed.root, "localConnectionInfo"), "fail")
        self.assertEqual(text(got["ConnectionClearedEvent"].root, "droppedConnection/deviceID"), "1000")
        self.assertEqual(self.page.wait_event("ended", 5, call_id=call_id)["detail"]["cause"], "not_found")

    def test_bad_requests_get_errors_and_the_call_goes_on(self):
        self.bob.send("dial", self.sip.sip_uri("1000"))
        delivered = self.expect("DeliveredEvent")["DeliveredEvent"]
        call_id = text(delivered.root, "connection/callID")
        bad = [
            ("AnswerCall", connection("callToBeAnswered", "c-nope", "1000"), "operation", "invalidConnectionID"),
            ("AnswerCall", connection("callToBeAnswered", call_id, "1001"), "operation", "invalidConnectionID"),
            ("HoldCall", connection("callToBeHeld", call_id, "1000"), "stateIncompatibility",
             "invalidConnectionState"),
            ("ClearConnection", "<connectionToBeCleared><callID>x</callID></connectionToBeCleared>",
             "operation", "atLeastOneConditionalParameterNotProvided"),
        ]
        for name, body, category, value in bad:
            with self.subTest(name=name, body=body):
                reply = self.request(name, body)
                self.assertEqual(reply.name, "CSTAErrorCode", reply)
                self.assertEqual(text(reply.root, category), value, reply)
        self.request("AnswerCall", connection("callToBeAnswered", call_id, "1000"))
        self.expect("EstablishedEvent")
        reply = self.request("GenerateDigits", connection("connectionToSendDigits", call_id, "1000")
                             + "<charactersToSend>12x</charactersToSend>")
        self.assertEqual(text(reply.root, "operation"), "invalidParameterValue", reply)
        self.assertTrue(self.page.hears(self.page.events(type="incoming")[-1]["call_id"], FAR_HZ))
        self.page.ok("hangup", call_id)
        self.expect("ConnectionClearedEvent")

    def test_a_burst_of_bad_requests_from_another_session_changes_nothing(self):
        """Another application sends 60 bad requests at once (broken XML, a
        DOCTYPE with an entity, unknown services and namespaces, unknown
        devices and calls, requests on the real call that are wrong in any
        of its states) while
        bob's call is answered here: every one gets a CSTA error, the call
        and its events go on as if nothing happened, and the other session
        still works."""
        self.bob.send("dial", self.sip.sip_uri("1000"))
        call_id = text(self.expect("DeliveredEvent")["DeliveredEvent"].root, "connection/callID")
        other = CstaClient(self.sip.daemon.cti_port, source="127.0.0.2").connect()
        self.addCleanup(other.close)
        other.start(self.token)
        bad = [
            "<AnswerCall",
            '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "boom">]><AnswerCall>&e;</AnswerCall>',
            f'<NoSuchService xmlns="{ED6}"/>',
            '<AnswerCall xmlns="urn:not-csta"><callToBeAnswered/></AnswerCall>',
            f'<MonitorStart xmlns="{ED6}"><monitorObject><deviceObject>9999</deviceObject>'
            '</monitorObject></MonitorStart>',
            f'<SnapshotCall xmlns="{ED6}">' + connection("snapshotObject", "c-nope", "1000")
            + '</SnapshotCall>',
            # on the real call, wrong in any of its states (ringing or answered)
            f'<HoldCall xmlns="{ED6}">' + connection("callToBeHeld", call_id, "1001") + '</HoldCall>',
            f'<RetrieveCall xmlns="{ED6}">' + connection("callToBeRetrieved", call_id, "1000")
            + '</RetrieveCall>',
            f'<GenerateDigits xmlns="{ED6}">' + connection("connectionToSendDigits", call_id, "2000")
            + '<charactersToSend>1</charactersToSend></GenerateDigits>',
            f'<DeflectCall xmlns="{ED6}">' + connection("callToBeDiverted", call_id, "1000")
            + '<newDestination>not a number</newDestination></DeflectCall>',
        ] * 6
        ids = [other.send(xml) for xml in bad]
        # meanwhile the agent answers bob's call here, and it goes on
        reply = self.request("AnswerCall", connection("callToBeAnswered", call_id, "1000"))
        self.assertEqual(reply.name, "AnswerCallResponse", reply)
        self.expect("EstablishedEvent")
        self.page.wait_event("accepted", SETUP_S, call_id=call_id)
        answers = [other.wait(lambda m, i=i: m.invoke_id == i, 10) for i in ids]
        self.assertEqual({a.name for a in answers}, {"CSTAErrorCode"},
                         [a for a in answers if a.name != "CSTAErrorCode"][:3])
        self.assertEqual(other.request("<RequestSystemStatus/>").name, "RequestSystemStatusResponse")
        self.assertIsNone(other.close_code)
        self.assertTrue(self.page.hears(call_id, FAR_HZ), "the call did not go on")
        self.assertTrue(self.bob.wait_event("CALL_ESTABLISHED", 5), self.bob.event_types())
        snap = self.request("SnapshotCall", connection("snapshotObject", call_id, "1000"))
        parties = {text(i, "deviceOnCall/deviceIdentifier"): text(i, "localConnectionInfo")
                   for i in find(snap.root, "crossRefIDorSnapshotData/snapshotData")}
        self.assertEqual(parties, {"1000": "connected", "2000": "connected"}, snap)
        self.assert_quiet()
        self.page.ok("hangup", call_id)
        self.expect("ConnectionClearedEvent")


if __name__ == "__main__":
    unittest.main(verbosity=2)
