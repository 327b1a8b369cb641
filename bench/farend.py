"""The SIP side of the benchmark: sipp answers the calls (through Kamailio)
and one UDP socket of ours takes their RTP.

The socket learns each call by the address Mediagate sends from (its SIP leg
uses symmetric RTP: one socket sends and receives) and streams 20 ms PCMU
back to it, so both directions carry a real 50 packet/s stream and each is
counted at its receiver. One thread serves every call: cheap enough next
to the daemon on 2 cores.
"""
import os
import socket
import struct
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "e2e"))

from mgcalls import SippInfoPhone  # noqa: E402

PTIME_S = 0.020
PCMU_PAYLOAD = bytes([0xFF] * 160)  # 20 ms of µ-law silence (0xFF = zero)


class BenchUas(SippInfoPhone):
    """One sipp UAS registered as user that answers every call with PCMU
    pointing at rtp_port (bench/sipp/uas_bench.xml)."""

    def __init__(self, platform, user, password, rtp_port):
        super().__init__(platform, user, password)
        self.rtp_port = rtp_port

    def uas_command(self):
        return ["sipp", "-sf", os.path.join(HERE, "sipp", "uas_bench.xml"),
                "-key", "rtp_port", str(self.rtp_port), "-aa",
                "-i", "127.0.0.1", "-p", str(self.port), "-nostdin",
                # an answered call stays until Mediagate's BYE, however long
                "-timeout", "0", "-max_recv_loops", "100000"]


class Stream:
    """What went each way for one call (one Mediagate RTP address)."""

    def __init__(self, ssrc):
        self.ssrc = ssrc
        self.seq = 0
        self.received = 0
        self.sent = 0
        self.first_seq = None
        self.last_seq = None  # extended (wraps counted)

    def note_received(self, seq):
        self.received += 1
        if self.first_seq is None:
            self.first_seq = self.last_seq = seq
            return
        # extend the 16-bit sequence number around the last one seen
        delta = (seq - (self.last_seq & 0xFFFF) + 0x8000) % 0x10000 - 0x8000
        if delta > 0:
            self.last_seq += delta

    def seq_expected(self):
        return 0 if self.first_seq is None else self.last_seq - self.first_seq + 1


class RtpFarEnd:
    """The UDP socket every call's SIP-side RTP goes to; see the module doc."""

    def __init__(self, ip="127.0.0.1"):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
        self.sock.bind((ip, 0))
        self.port = self.sock.getsockname()[1]
        self.streams = {}  # Mediagate's (ip, port) -> Stream
        self.lock = threading.Lock()
        self.sending = True
        self.running = True
        self.thread = threading.Thread(target=self._serve, name="rtp-far-end", daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.running = False
        self.thread.join(2)
        self.sock.close()

    def _serve(self):
        self.sock.settimeout(PTIME_S / 4)
        next_tick = time.monotonic()
        while self.running:
            now = time.monotonic()
            if now >= next_tick:
                if self.sending:
                    self._send_tick()
                # keep the 20 ms grid; after a stall, skip ahead instead of bursting
                next_tick = max(next_tick + PTIME_S, now)
            self.sock.settimeout(max(0.0005, next_tick - time.monotonic()))
            try:
                data, addr = self.sock.recvfrom(2048)
            except (socket.timeout, BlockingIOError):
                continue
            except OSError:
                return
            if len(data) >= 12 and data[0] >> 6 == 2:
                self._received(addr, struct.unpack_from("!H", data, 2)[0])

    def _received(self, addr, seq):
        with self.lock:
            stream = self.streams.get(addr)
            if stream is None:
                stream = self.streams[addr] = Stream(0x5EED0000 + len(self.streams))
            stream.note_received(seq)

    def _send_tick(self):
        with self.lock:
            targets = list(self.streams.items())
        for addr, s in targets:
            header = struct.pack("!BBHII", 0x80, 0, s.seq & 0xFFFF, (s.seq * 160) & 0xFFFFFFFF, s.ssrc)
            try:
                self.sock.sendto(header + PCMU_PAYLOAD, addr)
            except OSError:
                continue
            s.seq += 1
            s.sent += 1

    def forget(self):
        """Drops every call learnt so far (after a warm-up call)."""
        with self.lock:
            self.streams.clear()

    def counts(self):
        """Totals over every call: received, sent, expected by sequence numbers."""
        with self.lock:
            streams = list(self.streams.values())
        return {"calls": len(streams),
                "received": sum(s.received for s in streams),
                "sent": sum(s.sent for s in streams),
                "seq_expected": sum(s.seq_expected() for s in streams)}
