"""The CTI interface (docs/cti.md) from outside, as an application sees it:
wss://…/csta with subprotocols csta-xml and csta-xml-tcp, ECMA-354 session
start with an access token, edition negotiation, the session timer and the
heartbeat, errors for bad input that leave the session usable."""
import base64
import os
import socket
import ssl
import struct
import time
import unittest

from cstaclient import (ED4, ED6, EVENT_ID, SESSION_NS, CstaClient, CstaTlsClient, find, start_session,
                        text)
from mgtest import Daemon, wait_for
from wsphone import WsPhone

SECRET = "cti-test-secret-0123456789"
FORM = "application/x-www-form-urlencoded"


def cti_daemon(extensions=None, extra_config="", **client):
    """A started daemon with a client credential ("crm" unless client names
    another, with its fields) and the extensions (first, last), whose
    digest user is the first number and passwords p<number>."""
    d = Daemon(extra_config=extra_config).start()
    try:
        r = d.admin("POST", "/cms/api/v1/clients",
                    {"client_id": "crm", "client_secret": SECRET, **client})
        assert r.status == 201, r
        if extensions:
            first, last = extensions
            r = d.admin("POST", "/cms/api/v1/extensions", {
                "from": first, "to": last, "digest": {"username": first, "password": "p" + first,
                                                       "increment": True}})
            assert r.status == 201, r
    except BaseException:
        d.cleanup()
        raise
    return d


def access_token(d, client_id="crm"):
    r = d.client("POST", "/oauth/token", "grant_type=client_credentials",
                 auth=(client_id, SECRET), content_type=FORM)
    assert r.status == 200, r
    return r.json["access_token"]


def started_session(test, d, client_id="crm", **kw):
    """A CTI session of client_id's application, closed after the test."""
    c = CstaClient(d.cti_port, **kw).connect()
    test.addCleanup(c.close)
    c.start(access_token(d, client_id))
    return c


class Cti(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.d = cti_daemon()

    @classmethod
    def tearDownClass(cls):
        cls.d.cleanup()

    def token(self):
        return access_token(self.d)

    def client(self, protocol="csta-xml", **kw):
        c = CstaClient(self.d.cti_port, protocol, **kw).connect()
        self.addCleanup(c.close)
        return c

    def started(self, protocol="csta-xml", **kw):
        c = self.client(protocol)
        c.start(self.token(), **kw)
        return c

    def set_cti(self, **settings):
        r = self.d.admin("PATCH", "/cms/api/v1/cti", settings)
        self.assertEqual(r.status, 200, r)
        self.addCleanup(self.d.admin, "PUT", "/cms/api/v1/cti", {})

    # -- session start ----------------------------------------------------------

    def test_start_with_a_token_answers_in_ed6(self):
        c = self.client()
        reply = c.start(self.token(), versions=(ED4, ED6))
        self.assertEqual(reply.invoke_id, 1)
        self.assertEqual(reply.namespace, SESSION_NS)
        self.assertEqual(text(reply.root, "actualProtocolVersion"), ED6)
        self.assertEqual(text(reply.root, "actualSessionDuration"), "3600")
        self.assertTrue(c.session_id)
        status = c.request(f'<RequestSystemStatus xmlns="{ED6}"/>')
        self.assertEqual((status.name, status.namespace), ("RequestSystemStatusResponse", ED6))
        self.assertEqual(text(status.root, "systemStatus"), "normal")
        health = self.d.admin("GET", "/healthz").json
        self.assertGreaterEqual(health.get("cti_sessions", 0), 1, health)

    def test_edition_negotiated_down_to_ed4(self):
        c = self.started(versions=(ED4,), duration=30)
        self.assertEqual(c.namespace, ED4)
        status = c.request('<RequestSystemStatus/>')  # no namespace: accepted
        self.assertEqual(status.namespace, ED4)

    def test_no_supported_edition_is_refused_and_may_retry(self):
        c = self.client()
        reply = c.request(start_session(token=self.token(), versions=("urn:csta:ed99",)))
        self.assertEqual(reply.name, "StartApplicationSessionNegResponse")
        self.assertEqual(text(reply.root, "errorCode/definedError"), "requestedProtocolVersionNotSupported")
        c.start(self.token())

    def test_token_in_the_upgrade_authorization_header(self):
        c = self.client(bearer=self.token())
        reply = c.request(start_session())
        self.assertEqual(reply.name, "StartApplicationSessionPosResponse", reply)

    def test_bad_or_missing_token_is_refused_and_closed(self):
        for token in ("not.a.token", None):
            with self.subTest(token=token):
                c = self.client()
                reply = c.request(start_session(token=token))
                self.assertEqual(reply.name, "StartApplicationSessionNegResponse")
                self.assertEqual(text(reply.root, "errorCode/definedError"), "invalidApplicationInfo")
                self.assertEqual(c.wait_closed(), 1008)

    def test_first_message_must_start_the_session(self):
        c = self.client()
        reply = c.request(f'<MonitorStart xmlns="{ED6}"><monitorObject><deviceObject>1000'
                          '</deviceObject></monitorObject></MonitorStart>')
        self.assertEqual(reply.name, "CSTAErrorCode")
        self.assertEqual(text(reply.root, "security"), "generic")
        self.assertEqual(c.wait_closed(), 1008)

    def test_no_start_within_10_s_closes(self):
        c = self.client()
        self.assertEqual(c.wait_closed(13), 1008)

    # -- bad input keeps the session --------------------------------------------

    def test_bad_requests_get_errors_and_the_session_goes_on(self):
        c = self.started()
        cases = [
            (f'<NoSuchService xmlns="{ED6}"/>', "operation", "serviceNotSupported"),
            ("<unclosed>", "operation", "invalidParameterValue"),
            ('<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>', "operation", "invalidParameterValue"),
        ]
        for xml, category, value in cases:
            with self.subTest(xml=xml):
                reply = c.request(xml)
                self.assertEqual(reply.name, "CSTAErrorCode", reply)
                self.assertEqual(text(reply.root, category), value, reply)
        self.assertEqual(c.request("<RequestSystemStatus/>").name, "RequestSystemStatusResponse")

    def test_every_request_is_audited(self):
        c = self.started()
        c.request("<RequestSystemStatus/>")
        c.request(f'<NoSuchService xmlns="{ED6}"/>')
        log = "".join(self.d.log)
        self.assertTrue(c.spin(lambda: "NoSuchService -> operation/serviceNotSupported" in "".join(self.d.log), 3),
                        log[-2000:])
        self.assertRegex("".join(self.d.log),
                         rf"audit: session {c.session_id} application test-app client crm from 127\.0\.0\.1: "
                         r"\d{4} RequestSystemStatus -> ok")
        self.assertNotIn(self.token()[:20], "".join(self.d.log))

    def test_bad_invoke_id_closes(self):
        c = self.started()
        c.conn.send_text("12x4<RequestSystemStatus/>")
        self.assertEqual(c.wait_closed(), 1008)

    def test_message_over_64_kib_closes_1009(self):
        c = self.started()
        c.send_raw(2, "<x>" + "a" * 70000 + "</x>")
        self.assertEqual(c.wait_closed(), 1009)

    def test_binary_frames_on_csta_xml_close(self):
        c = self.started()
        c.conn.send_binary(CstaClient.frame_bytes(2, "<RequestSystemStatus/>"))
        self.assertEqual(c.wait_closed(), 1003)

    # -- csta-xml-tcp: the ECMA-323 TCP byte stream --------------------------------

    def test_tcp_framing_split_and_merged(self):
        c = self.client("csta-xml-tcp")
        c.start(self.token())
        a = CstaClient.frame_bytes(7, "<RequestSystemStatus/>")
        b = CstaClient.frame_bytes(8, f'<SystemStatus xmlns="{ED6}"><systemStatus>normal</systemStatus></SystemStatus>')
        both = a + b
        c.conn.send_binary(both[:5])           # part of a header
        c.conn.send_binary(both[5:len(a) + 3])  # the rest of a, part of b
        c.conn.send_binary(both[len(a) + 3:])
        self.assertEqual(c.wait(lambda m: m.invoke_id == 7).name, "RequestSystemStatusResponse")
        self.assertEqual(c.wait(lambda m: m.invoke_id == 8).name, "SystemStatusResponse")

    def test_tcp_framing_garbage_closes(self):
        c = self.client("csta-xml-tcp")
        c.start(self.token())
        c.conn.send_binary(b"\x01\x00\x00\x10" + b"0001<x/>")
        self.assertEqual(c.wait_closed(), 1008)

    # -- the session timer and the heartbeat ---------------------------------------

    def test_session_timer_expires_without_application_messages(self):
        c = self.started(duration=2)
        t = time.monotonic()
        ended = c.wait("ApplicationSessionTerminated", 5)
        self.assertNotEqual(ended.invoke_id, EVENT_ID)
        self.assertEqual(text(ended.root, "sessionID"), c.session_id)
        self.assertEqual(text(ended.root, "sessionTermReason/definedTermReason"), "sessionTimerExpired")
        self.assertGreaterEqual(time.monotonic() - t, 1.5)
        self.assertEqual(c.wait_closed(), 4000)

    def test_pipelined_requests_are_answered_in_order(self):
        # 40 requests sent before reading any answer: each is answered as it
        # is read, in order, none refused as too many in flight
        c = self.started()
        ids = [c.send("<RequestSystemStatus/>") for _ in range(40)]
        c.spin(lambda: len(c.messages) >= 40, 10)
        answers = [m for m in c.messages if m.invoke_id != EVENT_ID]
        self.assertEqual([m.invoke_id for m in answers], ids)
        self.assertEqual({m.name for m in answers}, {"RequestSystemStatusResponse"})

    def test_websocket_pings_do_not_keep_a_silent_session(self):
        # the client pings every second (the server answers pongs): no
        # application message, so the 2 s session timer runs out all the same
        c = self.started(duration=2)
        c.conn.set_keepalive_interval(1)
        t = time.monotonic()
        ended = c.wait("ApplicationSessionTerminated", 6)
        self.assertEqual(text(ended.root, "sessionTermReason/definedTermReason"), "sessionTimerExpired")
        self.assertLess(time.monotonic() - t, 4.5)
        self.assertEqual(c.wait_closed(), 4000)

    def test_reset_timer_and_requests_keep_the_session(self):
        c = self.started(duration=2)
        for _ in range(3):
            time.sleep(1.2)
            reply = c.request(f'<ResetApplicationSessionTimer xmlns="{SESSION_NS}"><sessionID>'
                              f'{c.session_id}</sessionID><requestedSessionDuration>2'
                              '</requestedSessionDuration></ResetApplicationSessionTimer>')
            self.assertEqual(reply.name, "ResetApplicationSessionTimerPosResponse", reply)
            self.assertEqual(text(reply.root, "actualSessionDuration"), "2")
        time.sleep(1.2)
        c.request("<RequestSystemStatus/>")
        time.sleep(1.2)
        self.assertIsNone(c.close_code)
        wrong = c.request(f'<ResetApplicationSessionTimer xmlns="{SESSION_NS}"><sessionID>nope'
                          '</sessionID></ResetApplicationSessionTimer>')
        self.assertEqual(text(wrong.root, "errorCode/definedError"), "invalidSessionID")

    def test_session_timeout_setting_caps_the_duration(self):
        self.set_cti(session_timeout=60)
        c = self.started(duration=7200)
        c2 = CstaClient(self.d.cti_port, source="127.0.0.2").connect()
        self.addCleanup(c2.close)
        c2.start(self.token())
        self.assertEqual(c.wait_closed(0.1), None)
        for client in (c, c2):
            reply = client.request(f'<ResetApplicationSessionTimer xmlns="{SESSION_NS}"><sessionID>'
                                   f'{client.session_id}</sessionID></ResetApplicationSessionTimer>')
            self.assertEqual(text(reply.root, "actualSessionDuration"), "60")

    def test_heartbeat_system_status_and_its_answer_keeps_the_session(self):
        self.set_cti(heartbeat_interval=1)
        c = self.started(duration=3)
        seen = 0
        end = time.monotonic() + 5
        while time.monotonic() < end:
            beat = c.wait("SystemStatus", 3)
            self.assertNotEqual(beat.invoke_id, EVENT_ID)
            self.assertEqual(text(beat.root, "systemStatus"), "normal")
            c.send_raw(beat.invoke_id, f'<SystemStatusResponse xmlns="{ED6}"/>')
            seen += 1
        self.assertGreaterEqual(seen, 3)
        self.assertIsNone(c.close_code, "answers to SystemStatus restart the session timer")

    def test_stop_application_session(self):
        c = self.started()
        reply = c.request(f'<StopApplicationSession xmlns="{SESSION_NS}"><sessionID>{c.session_id}'
                          '</sessionID><sessionEndReason><definedEndReason>normal</definedEndReason>'
                          '</sessionEndReason></StopApplicationSession>')
        self.assertEqual(reply.name, "StopApplicationSessionPosResponse")
        self.assertEqual(c.wait_closed(), 1000)

    def test_settings_are_validated(self):
        for bad in ({"session_timeout": 5}, {"heartbeat_interval": -1}, {"nope": 1}):
            r = self.d.admin("PATCH", "/cms/api/v1/cti", bad)
            self.assertEqual(r.status, 400, r)
        self.assertEqual(self.d.admin("GET", "/cms/api/v1/cti").json,
                         {"session_timeout": 3600, "heartbeat_interval": 60, "load_balancers": [],
                          "max_sessions": 1000, "resume_delay": 60, "replay_events": 1000,
                          "logout_on_timeout": False})
        r = self.d.admin("PATCH", "/cms/api/v1/cti", {"load_balancers": ["10.0.0.1/8"]})
        self.assertEqual(r.status, 400, r)

    # -- one connection per client address, load balancers apart -------------------

    def test_second_connection_from_one_address_is_refused(self):
        first = self.client()
        second = CstaClient(self.d.cti_port)
        with self.assertRaises(Exception):
            second.connect()
        self.assertEqual(second.status, 403)
        other = CstaClient(self.d.cti_port, source="127.0.0.2").connect()  # another client
        other.close()
        first.close()
        # the address is free again once its connection ended
        again = CstaClient(self.d.cti_port)
        self.assertTrue(first.spin(lambda: self._connects(again), 3), again.status)
        self.addCleanup(again.close)
        again.start(self.token())

    @staticmethod
    def _connects(client):
        try:
            client.connect()
            return True
        except Exception:
            return False

    def test_load_balancer_connections_count_per_forwarded_client(self):
        self.set_cti(load_balancers=["127.0.0.1"])
        a = CstaClient(self.d.cti_port, headers={"X-Forwarded-For": "198.51.100.7"}).connect()
        self.addCleanup(a.close)
        b = CstaClient(self.d.cti_port, headers={"Forwarded": "for=198.51.100.8"}).connect()
        self.addCleanup(b.close)
        a.start(self.token())
        b.start(self.token())
        c = CstaClient(self.d.cti_port, headers={"X-Forwarded-For": "198.51.100.7"})
        with self.assertRaises(Exception):
            c.connect()
        self.assertEqual(c.status, 403)
        # not behind a listed balancer: the header does not count
        d = CstaClient(self.d.cti_port, source="127.0.0.3",
                       headers={"X-Forwarded-For": "198.51.100.9"}).connect()
        self.addCleanup(d.close)
        e = CstaClient(self.d.cti_port, source="127.0.0.3", headers={"X-Forwarded-For": "198.51.100.10"})
        with self.assertRaises(Exception):
            e.connect()
        self.assertEqual(e.status, 403)


def monitor_start(device, filter_xml=""):
    return (f'<MonitorStart xmlns="{ED6}"><monitorObject><deviceObject>{device}</deviceObject>'
            f'</monitorObject>{filter_xml}</MonitorStart>')


# GetCSTAFeatures' element for each service we answer (ECMA-323 ed6 names)
SERVICES = {
    "capExchangeServList": {"GetCSTAFeatures": "getCSTAFeatures"},
    "systemStatServList": {"RequestSystemStatus": "requestSystemStatus",
                           "SystemStatus": "systemStatus"},
    "monitoringServList": {"ChangeMonitorFilter": "changeMonitorFilter",
                           "MonitorStart": "monitorStart", "MonitorStop": "monitorStop",
                           "GetMonitors": "getMonitors"},
    "snapshotServList": {"SnapshotCall": "snapshotCall", "SnapshotDevice": "snapshotDevice"},
    "callControlServList": {
        "AlternateCall": "alternateCall", "AnswerCall": "answerCall", "ClearCall": "clearCall",
        "ClearConnection": "clearConnection", "ConferenceCall": "conferenceCall",
        "ConsultationCall": "consultationCall", "DeflectCall": "deflectCall",
        "HoldCall": "holdCall", "MakeCall": "makeCall", "ReconnectCall": "reconnectCall",
        "RetrieveCall": "retrieveCall", "SingleStepTransferCall": "singleStepTransfer",
        "TransferCall": "transferCall"},
    "callAssociatedServList": {"GenerateDigits": "generateDigits"},
    "logicalServList": {"GetAgentState": "getAgentState", "SetAgentState": "setAgentState"},
}


class Features(unittest.TestCase):
    """GetCSTAFeatures says what we do, and does not claim what we do not."""

    @classmethod
    def setUpClass(cls):
        cls.d = cti_daemon()

    @classmethod
    def tearDownClass(cls):
        cls.d.cleanup()

    def setUp(self):
        self.c = started_session(self, self.d)

    def test_every_listed_service_is_answered_and_every_answered_one_listed(self):
        reply = self.c.request(f'<GetCSTAFeatures xmlns="{ED6}"/>')
        self.assertEqual(reply.name, "GetCSTAFeaturesResponse", reply)
        services = find(reply.root, "supportedServices")
        listed = {(lst.tag.split("}")[1], el.tag.split("}")[1]) for lst in services for el in lst}
        expected = {(lst, el) for lst, names in SERVICES.items() for el in names.values()}
        self.assertEqual(listed, expected)
        # lists in schema order, flags are booleans
        self.assertEqual([lst.tag.split("}")[1] for lst in services], list(SERVICES))
        for flag in services.iter():
            if len(flag) == 0 and flag.text is not None:
                self.assertEqual(flag.text, "true", flag.tag)
        events = [lst.tag.split("}")[1] for lst in find(reply.root, "supportedEvents")]
        self.assertEqual(events, ["callControlEvtsList", "callAssociatedEvtsList",
                                  "logicalEvtsList", "deviceMaintEvtsList"])
        transferred = find(reply.root, "supportedEvents/callControlEvtsList/transferred")
        self.assertIsNotNone(transferred)
        # each listed service is one the session handles: an empty request
        # gets an error about its arguments, never serviceNotSupported
        for lst, names in SERVICES.items():
            for request in names:
                if request in ("GetCSTAFeatures", "RequestSystemStatus", "SystemStatus",
                               "GetMonitors"):
                    continue
                answer = self.c.request(f'<{request} xmlns="{ED6}"/>')
                self.assertNotEqual(text(answer.root, "operation"), "serviceNotSupported",
                                    f"{request} is listed but not answered: {answer}")
        answer = self.c.request(f'<SingleStepConferenceCall xmlns="{ED6}"/>')
        self.assertEqual(text(answer.root, "operation"), "serviceNotSupported", answer)


class Monitors(unittest.TestCase):
    """Device monitors on the extensions and the events of calls between two
    phones of the embedded default, up to the media (the answered-call
    events need a browser: tests/e2e/test_cti.py)."""

    @classmethod
    def setUpClass(cls):
        cls.d = cti_daemon()
        for number in ("1000", "1001"):
            r = cls.d.admin("POST", "/cms/api/v1/extensions", {
                "from": number, "to": number, "display_name": f"Agent {number}",
                "digest": {"username": number, "password": "p" + number}})
            assert r.status == 201, r

    @classmethod
    def tearDownClass(cls):
        cls.d.cleanup()

    def setUp(self):
        self.c = started_session(self, self.d)

    def phone(self, number):
        p = WsPhone(self.d.client_port).connect()
        p.send({"type": "login", "extension": number, "password": "p" + number})
        p.wait("registered")
        self.addCleanup(p.close)
        return p

    def monitor(self, device, filter_xml=""):
        reply = self.c.request(monitor_start(device, filter_xml))
        self.assertEqual(reply.name, "MonitorStartResponse", reply)
        return text(reply.root, "monitorCrossRefID")

    def events(self, monitor, names, timeout=5):
        """The next len(names) events of monitor, checked by name, in order."""
        got = []
        for name in names:
            ev = self.c.wait(lambda m: m.invoke_id == EVENT_ID and text(m.root, "monitorCrossRefID") == monitor,
                             timeout)
            got.append(ev)
            self.assertEqual(ev.name, name, got)
        return got

    def test_monitor_start_stop_list(self):
        m1 = self.monitor("1000")
        m2 = self.monitor("1001")
        self.assertNotEqual(m1, m2)
        listed = self.c.request(f'<GetMonitors xmlns="{ED6}"/>')
        entries = {text(e, "monitorCrossRefID"): text(e, "monitorObject/deviceObject")
                   for e in find(listed.root, "monitorList")}
        self.assertEqual(entries, {m1: "1000", m2: "1001"})
        stop = self.c.request(f'<MonitorStop xmlns="{ED6}"><monitorCrossRefID>{m1}</monitorCrossRefID></MonitorStop>')
        self.assertEqual(stop.name, "MonitorStopResponse")
        again = self.c.request(f'<MonitorStop xmlns="{ED6}"><monitorCrossRefID>{m1}</monitorCrossRefID></MonitorStop>')
        self.assertEqual(text(again.root, "operation"), "invalidMonitorCrossRefID")

    def test_monitor_bad_objects(self):
        for device, value in (("9999", "invalidDeviceID"), ("../etc", "invalidDeviceID")):
            reply = self.c.request(monitor_start(device))
            self.assertEqual(text(reply.root, "operation"), value, reply)
        reply = self.c.request(f'<MonitorStart xmlns="{ED6}"><monitorObject><callObject><callID>x</callID>'
                               '</callObject></monitorObject></MonitorStart>')
        self.assertEqual(text(reply.root, "operation"), "invalidMonitorObject")
        snap = self.c.request(f'<SnapshotDevice xmlns="{ED6}"><snapshotObject>4242</snapshotObject></SnapshotDevice>')
        self.assertEqual(text(snap.root, "operation"), "invalidDeviceID")

    def test_call_events_between_two_phones_and_the_caller_cancels(self):
        ma, mb = self.monitor("1000"), self.monitor("1001")
        a, b = self.phone("1000"), self.phone("1001")
        call_id = a.request("call", to="1001")["call_id"]
        b.wait("incoming")
        initiated, originated, delivered = self.events(
            ma, ["ServiceInitiatedEvent", "OriginatedEvent", "DeliveredEvent"])
        self.assertEqual(text(initiated.root, "initiatedConnection/callID"), call_id)
        self.assertEqual(text(initiated.root, "initiatedConnection/deviceID"), "1000")
        self.assertEqual(text(initiated.root, "localConnectionInfo"), "initiated")
        self.assertEqual(text(originated.root, "calledDevice/deviceIdentifier"), "1001")
        self.assertEqual(text(delivered.root, "connection/deviceID"), "1001")
        self.assertEqual(text(delivered.root, "alertingDevice/deviceIdentifier"), "1001")
        self.assertEqual(text(delivered.root, "localConnectionInfo"), "connected")
        self.assertEqual(text(delivered.root, "cause"), "newCall")
        (alerting,) = self.events(mb, ["DeliveredEvent"])
        self.assertEqual(text(alerting.root, "connection/deviceID"), "1001")
        self.assertEqual(text(alerting.root, "callingDevice/deviceIdentifier"), "1000")
        self.assertEqual(text(alerting.root, "localConnectionInfo"), "alerting")
        # the same call ID in callLinkageData on both sides
        link = "callLinkageData/globalCallData/globalCallLinkageID/globallyUniqueCallLinkageID"
        self.assertEqual(text(alerting.root, link), call_id.encode().hex().upper())
        # sequence numbers grow, time stamps are UTC with milliseconds
        seqs = [int(text(e.root, "extensions/security/messageSequenceNumber"))
                for e in (initiated, originated, delivered, alerting)]
        self.assertEqual(seqs[:3], sorted(seqs[:3]))
        self.assertEqual(sorted(seqs), list(range(min(seqs), min(seqs) + 4)))
        self.assertRegex(text(alerting.root, "extensions/security/timeStamp"),
                         r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
        # a snapshot while it rings
        snap = self.c.request(f'<SnapshotDevice xmlns="{ED6}"><snapshotObject>1001</snapshotObject></SnapshotDevice>')
        info = find(snap.root, "crossRefIDorSnapshotData/snapshotData/snapshotDeviceResponseInfo")
        self.assertEqual(text(info, "connectionIdentifier/callID"), call_id)
        self.assertEqual(text(info, "localCallState/compoundCallState/localConnectionState"), "alerting")

        a.request("hangup", call_id=call_id)
        (cleared_a,) = self.events(ma, ["ConnectionClearedEvent"])
        self.assertEqual(text(cleared_a.root, "droppedConnection/deviceID"), "1000")
        self.assertEqual(text(cleared_a.root, "cause"), "normalClearing")
        (cleared_b,) = self.events(mb, ["ConnectionClearedEvent"])
        self.assertEqual(text(cleared_b.root, "droppedConnection/deviceID"), "1000")
        self.assertEqual(text(cleared_b.root, "cause"), "callCancelled")
        snap = self.c.request(f'<SnapshotDevice xmlns="{ED6}"><snapshotObject>1001</snapshotObject></SnapshotDevice>')
        self.assertIsNone(find(snap.root, "crossRefIDorSnapshotData/snapshotData/snapshotDeviceResponseInfo"))

    def test_callee_declines_and_filters(self):
        no_delivered = ("<requestedMonitorFilter><callcontrol><delivered>true</delivered>"
                        "</callcontrol></requestedMonitorFilter>")
        reply = self.c.request(monitor_start("1000", no_delivered))
        self.assertEqual(text(reply.root, "actualMonitorFilter/callcontrol/delivered"), "true")
        ma = text(reply.root, "monitorCrossRefID")
        a, b = self.phone("1000"), self.phone("1001")
        call_id = a.request("call", to="1001")["call_id"]
        b.wait("incoming")
        b.request("decline", call_id=call_id)
        a.wait("ended")
        failed, cleared = self.events(ma, ["ServiceInitiatedEvent", "OriginatedEvent", "FailedEvent",
                                          "ConnectionClearedEvent"])[2:]
        self.assertEqual(text(failed.root, "failedConnection/deviceID"), "1001")
        self.assertEqual(text(failed.root, "localConnectionInfo"), "fail")
        self.assertEqual(text(failed.root, "cause"), "busy")
        self.assertEqual(text(cleared.root, "droppedConnection/deviceID"), "1000")

    def test_invert_filter_and_existing_calls(self):
        """Our private MonitorStart options: invertFilter (a flag set selects
        its event, as with Avaya's switch) and existingCalls=snapshot (the
        calls in progress in the response)."""
        a, b = self.phone("1000"), self.phone("1001")
        call_id = a.request("call", to="1001")["call_id"]
        b.wait("incoming")
        private = ('<extensions><privateData><private><x:invertFilter xmlns:x="urn:mediagate:cti:1">'
                   'true</x:invertFilter><x:existingCalls xmlns:x="urn:mediagate:cti:1">snapshot'
                   '</x:existingCalls></private></privateData></extensions>')
        only_cleared = ("<requestedMonitorFilter><callcontrol><connectionCleared>true"
                        "</connectionCleared></callcontrol></requestedMonitorFilter>")
        reply = self.c.request(monitor_start("1001", only_cleared + private))
        self.assertEqual(reply.name, "MonitorStartResponse", reply)
        mb = text(reply.root, "monitorCrossRefID")
        self.assertEqual(text(reply.root, "monitorExistingCalls"), "true")
        self.assertEqual(text(reply.root, "extensions/privateData/private/monitor/invertFilter"),
                         "true")
        info = find(reply.root, "extensions/privateData/private/monitor/snapshot"
                                "/snapshotDeviceResponseInfo")
        self.assertEqual(text(info, "connectionIdentifier/callID"), call_id)
        self.assertEqual(text(info, "localCallState/compoundCallState/localConnectionState"),
                         "alerting")
        # answered and hung up: of all that, only ConnectionCleared comes
        b.request("accept", call_id=call_id)
        a.request("hangup", call_id=call_id)
        (cleared,) = self.events(mb, ["ConnectionClearedEvent"])
        self.assertEqual(text(cleared.root, "droppedConnection/deviceID"), "1000")
        time.sleep(0.3)
        self.assertEqual([m for m in self.c.messages if m.invoke_id == EVENT_ID], [])
        # without the options: no private part, the calls still reported from now on
        reply = self.c.request(monitor_start("1000"))
        self.assertIsNone(find(reply.root, "extensions"))
        self.assertEqual(text(reply.root, "monitorExistingCalls"), "true")

    def test_clear_call_ends_it_for_both_with_call_cleared(self):
        ma, mb = self.monitor("1000"), self.monitor("1001")
        a, b = self.phone("1000"), self.phone("1001")
        call_id = a.request("call", to="1001")["call_id"]
        b.wait("incoming")
        self.events(ma, ["ServiceInitiatedEvent", "OriginatedEvent", "DeliveredEvent"])
        self.events(mb, ["DeliveredEvent"])
        reply = self.c.request(f'<ClearCall xmlns="{ED6}"><callToBeCleared><callID>{call_id}</callID>'
                               '<deviceID>1000</deviceID></callToBeCleared></ClearCall>')
        self.assertEqual(reply.name, "ClearCallResponse", reply)
        for monitor in (ma, mb):
            cleared, call_cleared = self.events(monitor, ["ConnectionClearedEvent",
                                                          "CallClearedEvent"])
            self.assertEqual(text(call_cleared.root, "clearedCall/callID"), call_id)
            self.assertEqual(text(call_cleared.root, "cause"), "normalClearing")
        self.assertTrue(a.wait("ended")["call_cleared"])
        self.assertTrue(b.wait("ended")["call_cleared"])

    def test_change_monitor_filter(self):
        ma = self.monitor("1000")
        reply = self.c.request(f'<ChangeMonitorFilter xmlns="{ED6}"><monitorCrossRefID>{ma}</monitorCrossRefID>'
                               '<requestedFilterList><callcontrol><serviceInitiated>true</serviceInitiated>'
                               '<originated>true</originated></callcontrol></requestedFilterList>'
                               '</ChangeMonitorFilter>')
        self.assertEqual(reply.name, "ChangeMonitorFilterResponse", reply)
        self.assertEqual(text(reply.root, "actualFilterList/callcontrol/originated"), "true")
        a, b = self.phone("1000"), self.phone("1001")
        call_id = a.request("call", to="1001")["call_id"]
        b.wait("incoming")
        (delivered,) = self.events(ma, ["DeliveredEvent"])  # the two before it are filtered
        snap = self.c.request(f'<SnapshotCall xmlns="{ED6}"><snapshotObject><callID>{call_id}</callID>'
                              '</snapshotObject></SnapshotCall>')
        parties = {text(i, "deviceOnCall/deviceIdentifier"): text(i, "localConnectionInfo")
                   for i in find(snap.root, "crossRefIDorSnapshotData/snapshotData")}
        self.assertEqual(parties, {"1000": "connected", "1001": "alerting"}, snap)
        a.request("hangup", call_id=call_id)
        self.events(ma, ["ConnectionClearedEvent"])
        for xml, value in (
                (f'<ChangeMonitorFilter xmlns="{ED6}"><monitorCrossRefID>m-999</monitorCrossRefID>'
                 '</ChangeMonitorFilter>', "invalidMonitorCrossRefID"),
                (f'<SnapshotCall xmlns="{ED6}"><snapshotObject><callID>c-none</callID></snapshotObject>'
                 '</SnapshotCall>', "invalidCallID")):
            self.assertEqual(text(self.c.request(xml).root, "operation"), value)

    def test_events_of_one_call_reach_two_sessions(self):
        other = started_session(self, self.d, protocol="csta-xml-tcp", source="127.0.0.2")
        m_other = text(other.request(monitor_start("1001")).root, "monitorCrossRefID")
        mb = self.monitor("1001")
        a, b = self.phone("1000"), self.phone("1001")
        a.request("call", to="1001")
        b.wait("incoming")
        self.events(mb, ["DeliveredEvent"])
        ev = other.wait(lambda m: m.invoke_id == EVENT_ID)
        self.assertEqual((ev.name, text(ev.root, "monitorCrossRefID")), ("DeliveredEvent", m_other))


class AgentState(unittest.TestCase):
    """SetAgentState / GetAgentState and the agent events at a monitor; the
    state survives a restart of the service."""

    def setUp(self):
        self.d = cti_daemon(("1000", "1000"))
        self.addCleanup(self.d.cleanup)
        self.c = self.connect()
        self.monitor = text(self.c.request(monitor_start("1000")).root, "monitorCrossRefID")

    def connect(self):
        return started_session(self, self.d)

    def set_state(self, state, extra=""):
        return self.c.request(f'<SetAgentState xmlns="{ED6}"><device>1000</device>'
                              f'<requestedAgentState>{state}</requestedAgentState>{extra}</SetAgentState>')

    def get_state(self, client=None):
        reply = (client or self.c).request(f'<GetAgentState xmlns="{ED6}"><device>1000</device></GetAgentState>')
        self.assertEqual(reply.name, "GetAgentStateResponse", reply)
        entry = find(reply.root, "agentStateList/agentStateEntry")
        if entry is None:
            return None
        return (text(entry, "agentID"), text(entry, "loggedOnState"),
                text(entry, "agentInfo/agentInfoItem/agentState"),
                text(reply.root, "extensions/privateData/private/reasonCode"))

    def event(self, name):
        ev = self.c.wait(lambda m: m.invoke_id == EVENT_ID, 5)
        self.assertEqual(ev.name, name, ev)
        self.assertEqual(text(ev.root, "monitorCrossRefID"), self.monitor)
        self.assertEqual(text(ev.root, "agentDevice"), "1000")
        return ev

    def test_log_on_ready_not_ready_after_call_log_off(self):
        self.assertIsNone(self.get_state())
        reply = self.set_state("loggedOn", "<agentID>alice</agentID><password>31323334</password>")
        self.assertEqual(reply.name, "SetAgentStateResponse", reply)
        self.assertEqual(text(self.event("AgentLoggedOnEvent").root, "agentID"), "alice")
        self.assertEqual(self.get_state(), ("alice", "true", "agentNotReady", None))
        self.set_state("ready")
        self.event("AgentReadyEvent")
        self.assertEqual(self.get_state()[2], "agentReady")
        reason = ('<extensions><privateData><private><x:reasonCode xmlns:x="urn:mediagate:cti:1">'
                  '12</x:reasonCode></private></privateData></extensions>')
        self.set_state("notReady", reason)
        ev = self.event("AgentNotReadyEvent")
        self.assertEqual(text(ev.root, "extensions/privateData/private/reasonCode"), "12")
        self.assertIsNotNone(text(ev.root, "extensions/security/messageSequenceNumber"))
        self.assertEqual(self.get_state(), ("alice", "true", "agentNotReady", "12"))
        self.set_state("workingAfterCall")
        self.event("AgentWorkingAfterCallEvent")
        self.assertEqual(self.get_state()[2], "agentWorkingAfterCall")
        self.set_state("loggedOff")
        self.event("AgentLoggedOffEvent")
        self.assertIsNone(self.get_state())

    def test_bad_agent_requests(self):
        cases = [
            ("loggedOn", "", "operation", "invalidAgentIdentifier"),
            ("loggedOn", "<agentID>a</agentID><password>xyz</password>", "operation", "invalidAgentPassword"),
            ("sleeping", "", "operation", "invalidAgentState"),
            ("ready", "", "stateIncompatibility", "invalidObjectState"),
            ("loggedOff", "", "stateIncompatibility", "invalidObjectState"),
        ]
        for state, extra, category, value in cases:
            with self.subTest(state=state, extra=extra):
                reply = self.set_state(state, extra)
                self.assertEqual(text(reply.root, category), value, reply)
        reply = self.c.request(f'<SetAgentState xmlns="{ED6}"><device>4242</device>'
                               '<requestedAgentState>ready</requestedAgentState></SetAgentState>')
        self.assertEqual(text(reply.root, "operation"), "invalidDeviceID")
        self.set_state("loggedOn", "<agentID>alice</agentID>")
        reply = self.set_state("loggedOn", "<agentID>bob</agentID>")
        self.assertEqual(text(reply.root, "stateIncompatibility"), "invalidDeviceState")
        self.assertEqual(self.get_state()[0], "alice")

    def test_agent_state_survives_a_restart(self):
        self.set_state("loggedOn", "<agentID>alice</agentID>")
        self.set_state("ready")
        self.c.close()
        self.d.stop()
        self.d.start()
        again = self.connect()
        self.assertEqual(self.get_state(again), ("alice", "true", "agentReady", None))


class Permissions(unittest.TestCase):
    """Each client credential says which extensions its applications may
    monitor and control (cti_devices); anything else is privilegeViolation."""

    @classmethod
    def setUpClass(cls):
        cls.d = cti_daemon(("1000", "1009"), client_id="desk-1001", cti_devices="1001,1005-1009")
        r = cls.d.admin("GET", "/cms/api/v1/clients/desk-1001")
        assert (r.json["cti_devices"], r.json["caller_id_masking"]) == ("1001,1005-1009", "none"), r

    @classmethod
    def tearDownClass(cls):
        cls.d.cleanup()

    def setUp(self):
        self.c = started_session(self, self.d, "desk-1001")

    def test_only_the_listed_devices(self):
        for device, allowed in (("1001", True), ("1007", True), ("1000", False), ("1002", False)):
            with self.subTest(device=device):
                reply = self.c.request(monitor_start(device))
                if allowed:
                    self.assertEqual(reply.name, "MonitorStartResponse", reply)
                else:
                    self.assertEqual(text(reply.root, "operation"), "privilegeViolationSpecifiedDevice")
        for xml, value in (
                (f'<SnapshotDevice xmlns="{ED6}"><snapshotObject>1000</snapshotObject></SnapshotDevice>',
                 "privilegeViolationSpecifiedDevice"),
                (f'<GetAgentState xmlns="{ED6}"><device>1000</device></GetAgentState>',
                 "privilegeViolationSpecifiedDevice"),
                (f'<ClearConnection xmlns="{ED6}"><connectionToBeCleared><callID>c-1</callID>'
                 '<deviceID>1000</deviceID></connectionToBeCleared></ClearConnection>',
                 "privilegeViolationSpecifiedDevice"),
                (f'<MakeCall xmlns="{ED6}"><callingDevice>1000</callingDevice>'
                 '<calledDirectoryNumber>1001</calledDirectoryNumber></MakeCall>',
                 "privilegeViolationCallingDevice")):
            with self.subTest(xml=xml):
                self.assertEqual(text(self.c.request(xml).root, "operation"), value)

    def test_policy_values_are_checked_and_change_nothing(self):
        for body in ({"cti_devices": "all"}, {"cti_devices": "1009-1000"},
                     {"caller_id_masking": "partial:0"}, {"caller_id_masking": 3}):
            with self.subTest(body=body):
                r = self.d.admin("PATCH", "/cms/api/v1/clients/desk-1001",
                                 dict(body, description="changed?"))
                self.assertEqual(r.status, 400, r)
        r = self.d.admin("GET", "/cms/api/v1/clients/desk-1001")
        self.assertEqual((r.json["cti_devices"], r.json["caller_id_masking"], r.json["description"]),
                         ("1001,1005-1009", "none", ""))
        r = self.d.admin("PATCH", "/cms/api/v1/clients/desk-1001", {"caller_id_masking": "hash"})
        self.assertEqual((r.status, r.json["caller_id_masking"]), (200, "hash"))


class SessionCase(unittest.TestCase):
    """A daemon with a client credential and extensions 1000-1001, and CTI
    sessions started from chosen source addresses."""

    def setUp(self):
        self.d = cti_daemon(("1000", "1001"))
        self.addCleanup(self.d.cleanup)

    def token(self):
        return access_token(self.d)

    def connect(self, source="127.0.0.1", **start):
        c = CstaClient(self.d.cti_port, source=source).connect()
        self.addCleanup(c.close)
        reply = c.request(self.start_xml(**start))
        self.assertEqual(reply.name, "StartApplicationSessionPosResponse", reply)
        c.session_id = text(reply.root, "sessionID")
        return c, reply

    def start_xml(self, resume=None, last=None, duration=None):
        return start_session(token=self.token(), duration=duration, resume=resume, last=last)



class Resume(SessionCase):
    """A session dropped without StopApplicationSession is kept for
    resume_delay: StartApplicationSession naming it and the last sequence
    number takes it back, monitors and their IDs with it, and the missed
    events come again; a gap is reported. With logout_on_timeout, a
    timed-out session's agents are logged off once its resume time ran out."""

    def agent(self, c, state, agent_id="alice"):
        reply = c.request(f'<SetAgentState xmlns="{ED6}"><device>1000</device>'
                          f'<requestedAgentState>{state}</requestedAgentState>'
                          f'<agentID>{agent_id}</agentID></SetAgentState>')
        self.assertEqual(reply.name, "SetAgentStateResponse", reply)

    def events(self, c, n):
        return [c.wait(lambda m: m.invoke_id == EVENT_ID, 5) for _ in range(n)]

    def seq(self, event):
        return int(text(event.root, "extensions/security/messageSequenceNumber"))

    def test_resume_replays_missed_events_with_the_same_monitor(self):
        a, _ = self.connect()
        monitor = text(a.request(monitor_start("1000")).root, "monitorCrossRefID")
        self.agent(a, "loggedOn")
        (seen,) = self.events(a, 1)
        last = self.seq(seen)
        sid = a.session_id
        a.close()                                   # dropped, no StopApplicationSession
        b, _ = self.connect("127.0.0.2")            # another application acts meanwhile
        self.agent(b, "ready")
        self.agent(b, "notReady")
        # the first one comes back and names its session and the last event it got
        back, reply = self.connect(resume=sid, last=last)
        self.assertEqual(back.session_id, sid)
        self.assertEqual(text(reply.root, "extensions/privateData/private/session/resumed"), "true")
        self.assertEqual(text(reply.root, "extensions/privateData/private/session/replayed"), "2")
        self.assertEqual(text(reply.root, "extensions/privateData/private/session/complete"), "true")
        missed = self.events(back, 2)
        self.assertEqual([m.name for m in missed], ["AgentReadyEvent", "AgentNotReadyEvent"])
        self.assertEqual([self.seq(m) for m in missed], [last + 1, last + 2])
        self.assertEqual({text(m.root, "monitorCrossRefID") for m in missed}, {monitor})
        # and it goes on where it was: same monitor, next numbers
        self.agent(back, "ready")
        (now,) = self.events(back, 1)
        self.assertEqual((text(now.root, "monitorCrossRefID"), self.seq(now)), (monitor, last + 3))
        listed = back.request(f'<GetMonitors xmlns="{ED6}"/>')
        self.assertEqual(text(listed.root, "monitorList/monitorListEntry/monitorCrossRefID"), monitor)

    def test_a_gap_is_reported(self):
        r = self.d.admin("PATCH", "/cms/api/v1/cti", {"replay_events": 10})
        self.assertEqual(r.status, 200, r)
        a, _ = self.connect()
        a.request(monitor_start("1000"))
        sid = a.session_id
        a.close()
        b, _ = self.connect("127.0.0.2")
        self.agent(b, "loggedOn")
        for _ in range(6):
            self.agent(b, "ready")
            self.agent(b, "notReady")
        back, reply = self.connect(resume=sid, last=0)
        self.assertEqual(back.session_id, sid)
        self.assertEqual(text(reply.root, "extensions/privateData/private/session/complete"), "false")
        self.assertEqual(text(reply.root, "extensions/privateData/private/session/replayed"), "10")
        self.assertEqual(self.seq(self.events(back, 10)[0]), 4)  # 1-3 are gone

    def test_unknown_or_foreign_sessions_are_not_resumed(self):
        back, reply = self.connect(resume="no-such-session", last=3)
        self.assertEqual(text(reply.root, "extensions/privateData/private/session/resumed"), "false")
        self.assertNotEqual(back.session_id, "no-such-session")

    def test_stopped_sessions_cannot_be_resumed(self):
        a, _ = self.connect()
        sid = a.session_id
        a.request(f'<StopApplicationSession xmlns="{SESSION_NS}"><sessionID>{sid}</sessionID>'
                  '</StopApplicationSession>')
        a.wait_closed()
        back, reply = self.connect(resume=sid)
        self.assertEqual(text(reply.root, "extensions/privateData/private/session/resumed"), "false")
        self.assertNotEqual(back.session_id, sid)

    def timed_out_agent(self, logout):
        r = self.d.admin("PATCH", "/cms/api/v1/cti", {"logout_on_timeout": logout, "resume_delay": 1})
        self.assertEqual(r.status, 200, r)
        a, _ = self.connect(duration=2)
        self.agent(a, "loggedOn")
        watcher, _ = self.connect("127.0.0.2")
        watcher.request(monitor_start("1000"))
        a.wait("ApplicationSessionTerminated", 5)
        self.assertEqual(a.wait_closed(), 4000)
        return watcher

    def test_logout_on_timeout(self):
        watcher = self.timed_out_agent(True)
        off = watcher.wait(lambda m: m.invoke_id == EVENT_ID, 5)
        self.assertEqual((off.name, text(off.root, "agentID")), ("AgentLoggedOffEvent", "alice"))
        state = watcher.request(f'<GetAgentState xmlns="{ED6}"><device>1000</device></GetAgentState>')
        self.assertIsNone(find(state.root, "agentStateList/agentStateEntry"))

    def test_no_logout_on_timeout_by_default(self):
        watcher = self.timed_out_agent(False)
        time.sleep(2)
        self.assertEqual([m for m in watcher.messages if m.invoke_id == EVENT_ID], [])
        state = watcher.request(f'<GetAgentState xmlns="{ED6}"><device>1000</device></GetAgentState>')
        self.assertEqual(text(state.root, "agentStateList/agentStateEntry/agentID"), "alice")


class AdminSessions(SessionCase):
    """The admin API lists the live sessions and drops one for good;
    max_sessions refuses sessions beyond it."""

    def test_list_and_drop(self):
        a, _ = self.connect()
        monitor = text(a.request(monitor_start("1000")).root, "monitorCrossRefID")
        self.assertIsNotNone(monitor)
        b, _ = self.connect(source="127.0.0.2")
        r = self.d.admin("GET", "/cms/api/v1/cti/listener")
        self.assertEqual((r.json["address"], r.json["port"], r.json["path"], r.json["sessions"]),
                         ("127.0.0.1", self.d.cti_port, "/csta", 2), r.json)
        self.assertEqual((r.json["tls_listener"]["enabled"], r.json["tls_listener"]["port"]),
                         (False, 8091), r.json)
        r = self.d.admin("GET", "/cms/api/v1/cti/sessions")
        self.assertEqual(r.status, 200, r)
        self.assertEqual(r.json["total"], 2, r.json)
        first, second = r.json["items"]
        self.assertEqual((first["session_id"], first["application"], first["client_id"],
                          first["address"], first["monitors"], first["subprotocol"],
                          first["connected"]),
                         (a.session_id, "test-app", "crm", "127.0.0.1", 1, "csta-xml", True))
        self.assertEqual((second["session_id"], second["address"], second["monitors"]),
                         (b.session_id, "127.0.0.2", 0))
        for key in ("since", "last_activity"):
            self.assertRegex(first[key], r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d")
        self.assertNotIn("mg1.", r.raw.decode(), "a token in the admin API")
        self.assertEqual(self.d.admin("GET", "/cms/api/v1/cti/sessions", auth=None).status, 401)

        r = self.d.admin("DELETE", f"/cms/api/v1/cti/sessions/{a.session_id}")
        self.assertEqual(r.status, 204, r)
        told = a.wait("ApplicationSessionTerminated", 5)
        self.assertEqual(text(told.root, "sessionTermReason/serverTermReason"),
                         "dropped by an administrator")
        self.assertEqual(a.wait_closed(), 1000)
        r = self.d.admin("GET", "/cms/api/v1/cti/sessions")
        self.assertEqual([i["session_id"] for i in r.json["items"]], [b.session_id])
        self.assertEqual(self.d.admin("DELETE", f"/cms/api/v1/cti/sessions/{a.session_id}").status,
                         404)
        # a dropped session cannot be resumed
        back, reply = self.connect(resume=a.session_id, last=0)
        self.assertEqual(text(reply.root, "extensions/privateData/private/session/resumed"), "false")

    def test_max_sessions(self):
        r = self.d.admin("PATCH", "/cms/api/v1/cti", {"max_sessions": 0})
        self.assertEqual(r.status, 400, r)
        r = self.d.admin("PATCH", "/cms/api/v1/cti", {"max_sessions": 1})
        self.assertEqual((r.status, r.json["max_sessions"]), (200, 1), r)
        self.connect()
        c = CstaClient(self.d.cti_port, source="127.0.0.2").connect()
        self.addCleanup(c.close)
        reply = c.request(self.start_xml())
        self.assertEqual(reply.name, "StartApplicationSessionNegResponse", reply)
        self.assertEqual(text(reply.root, "errorCode/definedError"), "maxNumberSessions")
        self.assertEqual(c.wait_closed(), 1008)


class TlsListener(unittest.TestCase):
    """The optional raw CSTA-over-TLS listener ([cti-tls-listener], off by
    default): existing TCP CSTA tools speak the ECMA-323 8-byte framing
    over TLS, without a WebSocket, to the same sessions."""

    @classmethod
    def setUpClass(cls):
        cls.d = cti_daemon(("1000", "1000"),
                           "[cti-tls-listener]\nenabled=true\naddress=127.0.0.1\nport=0\n")

    @classmethod
    def tearDownClass(cls):
        cls.d.cleanup()

    def token(self):
        return access_token(self.d)

    def client(self, **kw):
        c = CstaTlsClient(self.d.cti_tls_port, **kw).connect()
        self.addCleanup(c.close)
        return c

    def test_a_session_in_pieces_and_merged_frames(self):
        # every frame arrives in 7-byte pieces: the server re-frames the stream
        c = self.client(chunk=7)
        c.start(self.token())
        monitor = text(c.request(monitor_start("1000")).root, "monitorCrossRefID")
        self.assertIsNotNone(monitor)
        # two requests in one write: both answered, in order
        c.chunk = None
        c.send_bytes(c.frame_bytes(41, f'<RequestSystemStatus xmlns="{ED6}"/>')
                     + c.frame_bytes(42, f'<GetAgentState xmlns="{ED6}"><device>1000</device>'
                                         '</GetAgentState>'))
        first, second = c.wait(lambda m: m.invoke_id == 41), c.wait(lambda m: m.invoke_id == 42)
        self.assertEqual((first.name, second.name),
                         ("RequestSystemStatusResponse", "GetAgentStateResponse"))
        # events come over it too, 9999 and all
        reply = c.request(f'<SetAgentState xmlns="{ED6}"><device>1000</device>'
                          '<requestedAgentState>loggedOn</requestedAgentState>'
                          '<agentID>alice</agentID></SetAgentState>')
        self.assertEqual(reply.name, "SetAgentStateResponse", reply)
        event = c.wait(lambda m: m.invoke_id == EVENT_ID, 5)
        self.assertEqual((event.name, text(event.root, "monitorCrossRefID")),
                         ("AgentLoggedOnEvent", monitor))
        items = self.d.admin("GET", "/cms/api/v1/cti/sessions").json["items"]
        self.assertEqual([i["subprotocol"] for i in items if i["session_id"] == c.session_id],
                         ["tls"])
        c.request(f'<StopApplicationSession xmlns="{SESSION_NS}"><sessionID>{c.session_id}'
                  '</sessionID></StopApplicationSession>')
        self.assertEqual(c.wait_closed(), "eof")

    def test_the_same_rules_as_the_websocket_listener(self):
        first = self.client()
        first.start(self.token())
        # one connection per address: a second one from here is ended at once
        self.assertEqual(self.client().wait_closed(), "eof")
        # another address is fine; its first message must be StartApplicationSession
        other = self.client(source="127.0.0.2")
        reply = other.request(f'<RequestSystemStatus xmlns="{ED6}"/>')
        self.assertEqual(text(reply.root, "security"), "generic", reply)
        self.assertEqual(other.wait_closed(), "eof")
        # a stream that is not ECMA-323 framing ends the connection
        bad = self.client(source="127.0.0.3")
        bad.send_bytes(struct.pack(">HH", 0x1603, 8) + b"0001")
        self.assertEqual(bad.wait_closed(), "eof")
        first.request(f'<RequestSystemStatus xmlns="{ED6}"/>')  # the first one goes on

    def test_off_by_default(self):
        d = Daemon().start()
        self.addCleanup(d.cleanup)
        self.assertIsNone(d.cti_tls_port)


class SlowConsumer(SessionCase):
    """An application that stops reading is dropped before its queue grows
    without bound (docs/cti.md), and its session waits for a resume."""

    def raw_websocket(self):
        """A csta-xml WebSocket over TLS by hand: a client whose reading we
        control (it never reads after the handshake)."""
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        raw = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        # a small receive window: what we do not read piles up at the server
        raw.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        raw.connect(("127.0.0.1", self.d.cti_port))
        sock = ctx.wrap_socket(raw)
        self.addCleanup(sock.close)
        key = base64.b64encode(os.urandom(16)).decode()
        sock.sendall((f"GET /csta HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                      f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                      "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: csta-xml\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            head += sock.recv(1)
        self.assertIn(b" 101 ", head.split(b"\r\n")[0])
        return sock

    @staticmethod
    def frame(text):
        data = text.encode()
        mask = os.urandom(4)
        header = bytes([0x81]) + (bytes([0x80 | len(data)]) if len(data) < 126
                                  else bytes([0x80 | 126]) + struct.pack(">H", len(data)))
        return header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data))

    def test_a_reader_that_stops_is_dropped_and_may_resume(self):
        sock = self.raw_websocket()
        sock.sendall(self.frame("0001" + self.start_xml()))
        time.sleep(0.5)
        sessions = self.d.admin("GET", "/cms/api/v1/cti/sessions").json["items"]
        self.assertEqual(len(sessions), 1, sessions)
        sid = sessions[0]["session_id"]
        # requests whose answers it never reads: several MB of GetCSTAFeaturesResponse
        request = self.frame(f'0002<GetCSTAFeatures xmlns="{ED6}"/>')
        sock.settimeout(5)
        try:
            for _ in range(1500):
                sock.sendall(request)
        except (socket.timeout, OSError):
            pass  # the server stopped reading us too: enough is queued
        self.assertTrue(wait_for(lambda: not self.d.admin("GET", "/cms/api/v1/cti/sessions")
                                 .json["items"][0]["connected"], 40),
                        "the stalled application was not dropped")
        # it comes back and resumes its session
        back, reply = self.connect(resume=sid, last=0)
        self.assertEqual(text(reply.root, "extensions/privateData/private/session/resumed"), "true")


if __name__ == "__main__":
    unittest.main(verbosity=2)

