"""A CSTA application for tests (docs/cti.md): libsoup 3 WebSocket through
GObject introspection, subprotocol csta-xml (text frames: 4-digit invokeID
+ one XML document) or csta-xml-tcp (binary frames carrying the ECMA-323
TCP byte stream with its 8-byte header), and CstaTlsClient for the raw
CSTA-over-TLS listener (the same byte stream, no WebSocket). Messages are parsed with
ElementTree; `find(el, "a/b")` looks by local name, whatever the namespace.
"""
import socket
import ssl
import struct
import threading
import time
import xml.etree.ElementTree as ET

import gi

from cstaschema import order_error

gi.require_version("Soup", "3.0")
from gi.repository import Gio, GLib, Soup  # noqa: E402

ED6 = "http://www.ecma-international.org/standards/ecma-323/csta/ed6"
ED4 = "http://www.ecma-international.org/standards/ecma-323/csta/ed4"
SESSION_NS = "http://www.ecma-international.org/standards/ecma-354/appl_session"
EVENT_ID = 9999


def local(tag):
    return tag.rsplit("}", 1)[-1]


def namespace(el):
    return el.tag[1:].split("}", 1)[0] if el.tag.startswith("{") else None


def find(el, path):
    """The first element at path (local names separated by '/'), or None."""
    for name in path.split("/"):
        el = next((c for c in el if local(c.tag) == name), None) if el is not None else None
    return el


def text(el, path):
    found = find(el, path)
    return found.text.strip() if found is not None and found.text else None


def start_session(application="test-app", token=None, versions=(ED6,), duration=None,
                  resume=None, last=None):
    """StartApplicationSession with our login: the token, and to resume a
    dropped session its ID and the last event sequence number received."""
    info = f"<applicationID>{application}</applicationID>"
    if token is not None:
        login = f"<x:token>{token}</x:token>"
        if resume:
            login += f"<x:resumeSessionID>{resume}</x:resumeSessionID>"
        if last is not None:
            login += f"<x:lastSequence>{last}</x:lastSequence>"
        info += ("<applicationSpecificInfo><x:login xmlns:x=\"urn:mediagate:cti:1\">"
                 f"{login}</x:login></applicationSpecificInfo>")
    body = f"<applicationInfo>{info}</applicationInfo>"
    if versions:
        body += "<requestedProtocolVersions>" + "".join(
            f"<protocolVersion>{v}</protocolVersion>" for v in versions) + "</requestedProtocolVersions>"
    if duration is not None:
        body += f"<requestedSessionDuration>{duration}</requestedSessionDuration>"
    return f'<StartApplicationSession xmlns="{SESSION_NS}">{body}</StartApplicationSession>'


class Message:
    def __init__(self, invoke_id, xml):
        self.invoke_id = invoke_id
        self.xml = xml
        self.root = ET.fromstring(xml)
        self.name = local(self.root.tag)
        self.namespace = namespace(self.root)
        self.order_error = order_error(self.name, [local(c.tag) for c in self.root])

    def __repr__(self):
        return f"[{self.invoke_id:04d}] {self.xml[:300]}"


class CstaClient:
    def __init__(self, port, protocol="csta-xml", host="127.0.0.1", bearer=None, source=None,
                 headers=None):
        self.url = f"wss://{host}:{port}/csta"
        self.protocol = protocol
        self.bearer = bearer
        self.source = source  # a local address, e.g. 127.0.0.2: another client
        self.headers = headers or {}
        self.status = None  # the upgrade's HTTP status
        self.ctx = GLib.MainContext.default()
        self.conn = None
        self.messages = []
        self.schema_errors = []
        self.close_code = None
        self.buffer = b""
        self.next_id = 1

    def spin(self, predicate, timeout=5):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if predicate():
                return True
            self.ctx.iteration(False)
            time.sleep(0.002)
        return predicate()

    def connect(self):
        if self.source:
            self.session = Soup.Session(local_address=Gio.InetSocketAddress.new_from_string(self.source, 0))
        else:
            self.session = Soup.Session()
        msg = Soup.Message.new("GET", self.url)
        msg.connect("accept-certificate", lambda *a: True)
        if self.bearer:
            msg.get_request_headers().append("Authorization", "Bearer " + self.bearer)
        for name, value in self.headers.items():
            msg.get_request_headers().append(name, value)
        result = []
        self.session.websocket_connect_async(msg, None, [self.protocol], GLib.PRIORITY_DEFAULT, None,
                                             lambda s, r: result.append(r))
        if not self.spin(lambda: result, 10):
            raise RuntimeError("WebSocket connect timed out")
        try:
            self.conn = self.session.websocket_connect_finish(result[0])
        finally:
            self.status = msg.get_status()
        self.conn.set_max_incoming_payload_size(4 * 65536)
        self.conn.connect("message", self._on_message)
        self.conn.connect("closed", self._on_closed)
        return self

    def _on_message(self, conn, data_type, data):
        raw = data.get_data()
        if data_type == Soup.WebsocketDataType.TEXT:
            self._received(Message(int(raw[:4]), raw[4:].decode()))
            return
        self._feed(raw)

    def _received(self, message):
        """Every message from the server is checked for schema order as it
        arrives; wait() reports a violation."""
        if message.order_error:
            self.schema_errors.append(message.order_error)
        self.messages.append(message)

    def _feed(self, raw):
        """ECMA-323 TCP bytes: 8-byte headers (2 zero bytes, the length
        with the header, the 4-digit invokeID), a message may come in
        pieces or several at once."""
        self.buffer += raw
        while len(self.buffer) >= 8:
            length = struct.unpack(">H", self.buffer[2:4])[0]
            if len(self.buffer) < length:
                break
            self._received(Message(int(self.buffer[4:8]), self.buffer[8:length].decode()))
            self.buffer = self.buffer[length:]

    def _on_closed(self, conn):
        self.close_code = conn.get_close_code()

    # -- sending -----------------------------------------------------------

    @staticmethod
    def frame_bytes(invoke_id, xml):
        data = xml.encode()
        return struct.pack(">HH", 0, 8 + len(data)) + b"%04d" % invoke_id + data

    def send_raw(self, invoke_id, xml):
        if self.protocol == "csta-xml":
            self.conn.send_text(f"{invoke_id:04d}{xml}")
        else:
            self.conn.send_binary(self.frame_bytes(invoke_id, xml))

    def send(self, xml):
        """Sends a request with the next invokeID; returns the ID."""
        invoke_id = self.next_id
        self.next_id = (self.next_id + 1) % 9999
        self.send_raw(invoke_id, xml)
        return invoke_id

    def request(self, xml, timeout=5):
        """Sends xml and returns the message answering it (same invokeID)."""
        invoke_id = self.send(xml)
        return self.wait(lambda m: m.invoke_id == invoke_id, timeout)

    def start(self, token, **kw):
        reply = self.request(start_session(token=token, **kw))
        assert reply.name == "StartApplicationSessionPosResponse", reply
        self.session_id = text(reply.root, "sessionID")
        self.namespace = text(reply.root, "actualProtocolVersion")
        return reply

    # -- receiving ---------------------------------------------------------

    def wait(self, predicate, timeout=5):
        """The first received message matching predicate (a name or a
        function), taken out of the queue."""
        pred = predicate if callable(predicate) else (lambda m: m.name == predicate)
        found = []

        def look():
            for m in self.messages:
                if pred(m):
                    found.append(m)
                    self.messages.remove(m)
                    return True
            return False
        if not self.spin(look, timeout):
            raise AssertionError(f"no {predicate} message; got {self.messages}")
        if self.schema_errors:
            raise AssertionError("the server broke schema order: " + "; ".join(self.schema_errors))
        return found[0]

    def wait_closed(self, timeout=5):
        self.spin(lambda: self.close_code is not None, timeout)
        return self.close_code

    def close(self):
        if self.conn is not None and self.conn.get_state() == Soup.WebsocketState.OPEN:
            self.conn.close(1000, None)
            self.spin(lambda: self.close_code is not None, 2)


class CstaTlsClient(CstaClient):
    """The same client over the raw CSTA-over-TLS listener: the ECMA-323
    TCP byte stream with its 8-byte header, as existing TCP CSTA tools
    speak it. close_code is "eof" once the server ended the stream."""

    def __init__(self, port, host="127.0.0.1", source=None, chunk=None):
        super().__init__(port, protocol="tls", host=host, source=source)
        self.address = (host, port)
        self.chunk = chunk  # send each frame in pieces of this many bytes
        self.sock = None
        self.lock = threading.Lock()

    def connect(self):
        ctx = ssl.create_default_context()
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        raw = socket.create_connection(self.address, timeout=10,
                                       source_address=(self.source, 0) if self.source else None)
        self.sock = ctx.wrap_socket(raw)
        self.sock.settimeout(None)
        threading.Thread(target=self._read, daemon=True).start()
        return self

    def _read(self):
        while True:
            try:
                data = self.sock.recv(65536)
            except OSError:
                data = b""
            if not data:
                self.close_code = "eof"
                return
            with self.lock:
                self._feed(data)

    def spin(self, predicate, timeout=5):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self.lock:
                if predicate():
                    return True
            time.sleep(0.005)
        with self.lock:
            return predicate()

    def send_bytes(self, data):
        step = self.chunk or len(data)
        for i in range(0, len(data), step):
            self.sock.sendall(data[i:i + step])
            if self.chunk:
                time.sleep(0.01)

    def send_raw(self, invoke_id, xml):
        self.send_bytes(self.frame_bytes(invoke_id, xml))

    def close(self):
        if self.sock is not None:
            try:
                self.sock.close()
            except OSError:
                pass
            self.sock = None
