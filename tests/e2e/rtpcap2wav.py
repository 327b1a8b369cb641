#!/usr/bin/python3
"""What a SIP phone RECEIVED, as a wall-clock WAV, from a packet capture (stdlib only).

    rtpcap2wav.py CAP.pcap OUT.wav [--dport-min N --dport-max M] [--t0 EPOCH] [--gap-ms 60]

The far phone (baresip) cannot record what it hears across a hold: its sndfile
dec.wav stops at the first non-sendrecv SDP and drops pauses (PEERS.md section
4). So the tests capture its RTP ports instead:

    tcpdump -i lo -U -s 256 -w CAP.pcap 'udp and dst portrange 5274-5279'

and this decodes G.711 (PT 0 PCMU, PT 8 PCMA; other payload types such as
telephone-event are skipped) onto the capture's clock: a pause in arrivals
longer than gap_ms becomes silence, so a 3 s hold shows up as 3 s of silence.
Time 0 is the first RTP packet, or t0 (epoch seconds). Link types: Ethernet
(tcpdump -i lo), Linux SLL/SLL2 (-i any), raw IP. Adapted from the verified
far-phone recipe (shared/peers/farphone/rtpcap2wav.py).
"""
import argparse
import json
import struct
import sys
import wave

RATE = 8000


def _ulaw(b):
    b = ~b & 0xFF
    s = (((b & 0x0F) << 3) + 0x84) << ((b >> 4) & 7)
    return (0x84 - s) if b & 0x80 else (s - 0x84)


def _alaw(b):
    b ^= 0x55
    e, m = (b >> 4) & 7, b & 0x0F
    s = (m << 4) + 8 if e == 0 else ((m << 4) + 0x108) << (e - 1)
    return s if b & 0x80 else -s


DECODE = {0: [_ulaw(i) for i in range(256)], 8: [_alaw(i) for i in range(256)]}
LINK_HEADER = {1: 14, 113: 16, 276: 20, 101: 0, 228: 0}


def udp_packets(path):
    """(epoch time, source port, destination port, UDP payload) of each IPv4
    UDP packet in a pcap file."""
    with open(path, "rb") as f:
        d = f.read()
    if len(d) < 24:
        return
    magic = d[:4]
    end = "<" if magic in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1") else ">"
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    link = struct.unpack(end + "I", d[20:24])[0]
    if link not in LINK_HEADER:
        raise ValueError(f"unsupported link type {link}")
    off = 24
    while off + 16 <= len(d):
        ts, frac, incl, _ = struct.unpack(end + "IIII", d[off:off + 16])
        pkt = d[off + 16:off + 16 + incl]
        off += 16 + incl
        ip = pkt[LINK_HEADER[link]:]
        if len(ip) < 28 or ip[0] >> 4 != 4 or ip[9] != 17:
            continue
        udp = ip[(ip[0] & 0x0F) * 4:]
        sport, dport = struct.unpack(">HH", udp[:4])
        yield ts + frac / (1e9 if nano else 1e6), sport, dport, udp[8:]


def rtp_packets(path, dport_min=0, dport_max=65535):
    """(time, dport, payload type, ssrc, seq, marker, payload) of each RTP packet."""
    for t, _sport, dport, rtp in udp_packets(path):
        if not dport_min <= dport <= dport_max or len(rtp) < 12 or rtp[0] >> 6 != 2:
            continue
        hl = 12 + 4 * (rtp[0] & 0x0F)
        if rtp[0] & 0x10 and len(rtp) >= hl + 4:  # header extension
            hl += 4 + 4 * struct.unpack(">H", rtp[hl + 2:hl + 4])[0]
        pay = rtp[hl:]
        if rtp[0] & 0x20 and pay:  # padding
            pay = pay[:-pay[-1]]
        yield (t, dport, rtp[1] & 0x7F, struct.unpack(">I", rtp[8:12])[0],
               struct.unpack(">H", rtp[2:4])[0], bool(rtp[1] & 0x80), pay)


def convert(pcap, wav, dport_min=0, dport_max=65535, t0=None, gap_ms=60.0):
    """Writes the decoded G.711 audio of pcap to wav (8 kHz mono S16); returns
    a summary {packets, secs, ssrcs, gaps_s, payload_types}."""
    out, cursor, last, n, ssrcs, gaps, pts = [], 0, None, 0, set(), [], {}
    for t, _dport, pt, ssrc, _seq, _m, pay in rtp_packets(pcap, dport_min, dport_max):
        pts[pt] = pts.get(pt, 0) + 1
        if pt not in DECODE:
            continue
        if t0 is None:
            t0 = t
        ideal = int(round((t - t0) * RATE))
        if last is not None and t - last > gap_ms / 1000.0:
            gaps.append([round(last - t0, 3), round(t - t0, 3)])
        # a real pause (or the start): silence up to now
        if last is None or ideal - cursor > gap_ms / 1000.0 * RATE:
            out.extend([0] * max(0, ideal - cursor))
            cursor = max(cursor, ideal)
        table = DECODE[pt]
        out.extend(table[b] for b in pay)
        cursor += len(pay)
        last, n = t, n + 1
        ssrcs.add(ssrc)
    w = wave.open(wav, "wb")
    w.setnchannels(1)
    w.setsampwidth(2)
    w.setframerate(RATE)
    w.writeframes(struct.pack("<%dh" % len(out), *out))
    w.close()
    return {"wav": wav, "packets": n, "secs": round(len(out) / RATE, 2),
            "ssrcs": ["0x%08x" % s for s in sorted(ssrcs)], "gaps_s": gaps,
            "payload_types": pts}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("pcap")
    ap.add_argument("wav")
    ap.add_argument("--dport-min", type=int, default=0)
    ap.add_argument("--dport-max", type=int, default=65535)
    ap.add_argument("--t0", type=float)
    ap.add_argument("--gap-ms", type=float, default=60.0)
    a = ap.parse_args()
    summary = convert(a.pcap, a.wav, a.dport_min, a.dport_max, a.t0, a.gap_ms)
    print(json.dumps(summary))
    return 0 if summary["packets"] else 1


if __name__ == "__main__":
    sys.exit(main())
