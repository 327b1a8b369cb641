"""A WebSocket client for the phone protocol (docs/protocol.md), on libsoup 3
through GObject introspection, driving the default GLib main context (libsoup
re-arms its WebSocket reads there)."""
import json
import time

import gi

gi.require_version("Soup", "3.0")
from gi.repository import Gio, GLib, Soup  # noqa: E402


class WsPhone:
    def __init__(self, port, host="127.0.0.1", path="/webkit/ws", headers=None, source=None):
        self.url = f"wss://{host}:{port}{path}"
        self.headers = headers or {}
        self.source = source
        self.ctx = GLib.MainContext.default()
        self.conn = None
        self.messages = []
        self.close_code = None
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
            self.local = Gio.InetSocketAddress.new_from_string(self.source, 0)
            session = Soup.Session(local_address=self.local)
        else:
            session = Soup.Session()
        msg = Soup.Message.new("GET", self.url)
        for name, value in self.headers.items():
            msg.get_request_headers().append(name, value)
        msg.connect("accept-certificate", lambda *a: True)
        result = []
        session.websocket_connect_async(msg, None, None, GLib.PRIORITY_DEFAULT, None,
                                        lambda s, r: result.append(r))
        if not self.spin(lambda: result, 10):
            raise RuntimeError("WebSocket connect timed out")
        self.conn = session.websocket_connect_finish(result[0])
        self.session = session
        self.conn.connect("message", self._on_message)
        self.conn.connect("closed", self._on_closed)
        return self

    def _on_message(self, conn, data_type, data):
        self.messages.append(json.loads(data.get_data().decode()))

    def _on_closed(self, conn):
        self.close_code = conn.get_close_code()

    def send(self, obj):
        self.conn.send_text(obj if isinstance(obj, str) else json.dumps(obj))

    def send_bytes(self, data):
        self.conn.send_binary(data)

    def wait(self, predicate_or_type, timeout=5):
        """The first message (after those already taken) matching a type or predicate."""
        pred = predicate_or_type if callable(predicate_or_type) else (
            lambda m: m.get("type") == predicate_or_type)
        found = []

        def look():
            for m in self.messages:
                if pred(m):
                    found.append(m)
                    self.messages.remove(m)
                    return True
            return False
        if not self.spin(look, timeout):
            raise AssertionError(f"no {predicate_or_type} message; got {self.messages}")
        return found[0]

    def request(self, type_, timeout=5, **fields):
        rid = self.next_id
        self.next_id += 1
        self.send(dict(type=type_, id=rid, **fields))
        return self.wait(lambda m: m.get("type") == "response" and m.get("id") == rid, timeout)

    def wait_closed(self, timeout=5):
        self.spin(lambda: self.close_code is not None, timeout)
        return self.close_code

    def close(self):
        if self.conn is not None and self.conn.get_state() == Soup.WebsocketState.OPEN:
            self.conn.close(1000, None)
            self.spin(lambda: self.close_code is not None, 2)
