#!/usr/bin/python3
"""Mediagate call benchmark: N concurrent calls through the REAL daemon, and
what each costs the daemon process.

    bench/run --calls 20 --shape passthrough --seconds 20 [--json FILE]

(bench/run wraps this in tests/e2e/run-in-netns: libnice ignores loopback.)

Per shape, from scratch: Kamailio + mediagated with N extensions registered
there (tests/e2e/mgcalls.SipPlatform); one sipp UAS registered as the far
user answers every call with PCMU only, its SDP pointing at our RTP far end
(bench/farend.py); N WebRTC phones in this process (bench/phones.py) log in
over wss://…/webkit/ws, each calls the far user and answers Mediagate's
offer with PCMU (passthrough: the media policy offers PCMU only) or Opus
only (transcoding: Opus page, PCMU far end). Both directions carry 20 ms
packets.

Measured on the daemon's PID only, between a snapshot with every phone
logged in and no call (after one warm-up call) and a steady window with N
calls up: CPU (utime+stime) per call, RSS, threads (by name) and fds per
call; packet loss per direction; call setup times. Loss counts packets at
each receiver against what the other end sent over warm-up + window, both
read while both senders pause and nothing is in flight.

--smoke fails (exit 1) only when calls did not come up or a direction lost
everything: never on timing.
"""
import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "e2e"))

from farend import BenchUas, RtpFarEnd  # noqa: E402
from mgcalls import SipPlatform, require_netns  # noqa: E402
from phones import BenchPhone, GLib, pump  # noqa: E402
import procstat  # noqa: E402
from procstat import Snapshot  # noqa: E402

FAR_USER, FAR_PASSWORD = "9000", "p9000"
FIRST_EXTENSION = 1000
DAEMON_LIMITS = "[limits]\nmax-connections-per-source=100000\n"
PASSTHROUGH_POLICY = ["PCMU", "telephone-event"]  # both legs share PCMU
DRAIN_S = 1.5      # after both senders pause, what is in flight arrives
KEEPALIVE_S = 10   # phone pings (the listener closes silent connections)


def extensions(n):
    return [str(FIRST_EXTENSION + i) for i in range(n)]


def percentile(values, q):
    values = sorted(v for v in values if v is not None)
    if not values:
        return None
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


class Counters:
    """Packets per direction at one moment: what the page side sent and
    received, what the far end received and sent."""

    def __init__(self, calls, far):
        self.page_sent = sum(c.packets_sent() for c in calls)
        self.page_received = sum(c.received() for c in calls)
        f = far.counts()
        self.far_received, self.far_sent = f["received"], f["sent"]


def loss(sent, received):
    return None if sent <= 0 else max(0.0, 1.0 - received / sent)


class ShapeRun:
    def __init__(self, shape, args):
        self.shape = shape
        self.args = args
        self.result = {"shape": shape, "calls_requested": args.calls, "seconds": args.seconds}

    # -- the run -----------------------------------------------------------

    def run(self):
        far = RtpFarEnd().start()
        try:
            with SipPlatform({FAR_USER: FAR_PASSWORD}, extensions(self.args.calls),
                             daemon_config=DAEMON_LIMITS) as sip:
                self.sip = sip
                self.pid = sip.daemon.proc.pid
                if self.shape == "passthrough":
                    r = sip.daemon.admin("PATCH", "/cms/api/v1/media", {"audio_codecs": PASSTHROUGH_POLICY})
                    assert r.status == 200, r
                uas = BenchUas(sip, FAR_USER, FAR_PASSWORD, far.port)
                sip.phones.append(uas)
                uas.start()
                self._measure(sip, far, uas)
                self.result["daemon_log_warnings"] = warnings_in(sip.daemon.log)
        finally:
            far.stop()
        return self.result

    def _measure(self, sip, far, uas):
        phones = [BenchPhone(sip.daemon.client_port, e).login(sip.session_token(e))
                  for e in extensions(self.args.calls)]
        keepalive = GLibTimer(KEEPALIVE_S, lambda: [p.ping() for p in phones])
        try:
            self._warm_up_call(phones[0], far)
            idle0 = Snapshot(self.pid)
            pump(2.0)
            idle1 = Snapshot(self.pid)
            calls = self._ramp(phones)
            start = self._quiet_counters(calls, far)
            pump(self.args.warmup)
            window = self._window(calls, far, uas)
            drained = self._quiet_counters(calls, far)
            self._hang_up(phones)
        finally:
            keepalive.cancel()
        self._figures(idle0, idle1, calls, window, start, drained)

    def _warm_up_call(self, phone, far):
        """One call and hangup first: plugin loading and thread pools are
        one-time costs, not per call. It also proves a call works at all."""
        call = phone.dial(self.shape, FAR_USER)
        if not pump(20, lambda: (call.t_accepted and call.t_first_rtp) or call.ended, calls=[call]):
            raise RuntimeError("warm-up call: no media within 20 s")
        if call.ended:
            raise RuntimeError(f"warm-up call ended: {call.ended}")
        phone.hangup()
        pump(5, lambda: call.ended)
        call.close()
        phone.call = None
        pump(1.0)
        far.forget()

    def _ramp(self, phones):
        calls = []
        t0 = time.monotonic()
        for i, phone in enumerate(phones):
            calls.append(phone.dial(self.shape, FAR_USER))
            pump(max(0.0, t0 + (i + 1) / self.args.rate - time.monotonic()), calls=calls)
        pump(15 + len(calls) * 0.2,
             lambda: all((c.t_accepted and c.t_first_rtp) or c.ended for c in calls), calls=calls)
        self.result["ramp_s"] = round(time.monotonic() - t0, 2)
        return calls

    def _window(self, calls, far, uas):
        machine0 = procstat.machine_busy()
        s0, me0, sipp0 = Snapshot(self.pid), Snapshot(os.getpid()), Snapshot(uas.proc.pid)
        pump(self.args.seconds)
        s1, me1, sipp1 = Snapshot(self.pid), Snapshot(os.getpid()), Snapshot(uas.proc.pid)
        machine1 = procstat.machine_busy()
        up = [c for c in calls if c.t_accepted and c.t_first_rtp and not c.ended]
        self.result["calls_failed"] = sorted({c.ended or "no media" for c in calls if c not in up})
        return {"s0": s0, "s1": s1, "me": (me0, me1), "sipp": (sipp0, sipp1),
                "up": len(up), "machine": (machine0, machine1)}

    def _quiet_counters(self, calls, far):
        """Counters with nothing in flight: both senders pause, what was
        under way arrives, the counts are read, the senders go on. Taken
        before the warm-up and after the window, so loss is exact over
        warm-up + window (reading counters while packets fly would not be)."""
        for c in calls:
            c.send(False)
        far.sending = False
        pump(DRAIN_S)
        counters = Counters(calls, far)
        counters.udp_rcvbuf_errors = procstat.udp_receive_buffer_errors()
        for c in calls:
            c.send(True)
        far.sending = True
        return counters

    def _hang_up(self, phones):
        for p in phones:
            p.hangup()
        pump(10, lambda: all(p.call.ended for p in phones if p.call))
        for p in phones:
            if p.call:
                p.call.close()
            p.close()

    # -- the figures -------------------------------------------------------

    def _figures(self, idle0, idle1, calls, w, c0, drained):
        s0, s1, n = w["s0"], w["s1"], w["up"]
        r = self.result
        r["calls_up"] = n
        idle_cpu = procstat.cpu_share(idle0, idle1)
        cpu = procstat.cpu_share(s0, s1)
        per = (lambda v: round(v / n, 4) if n else None)
        r["daemon"] = {
            "cpu_idle_core": round(idle_cpu, 4),
            "cpu_core": round(cpu, 4),
            "cpu_core_per_call": per(cpu - idle_cpu),  # = CPU-seconds per call-second
            "rss_mb_per_call": per((s1.rss_kb - idle1.rss_kb) / 1024),
            "threads_per_call": per(s1.threads - idle1.threads),
            "fds_per_call": per(s1.fds - idle1.fds),
            "rss_mb": round(s1.rss_kb / 1024, 1), "threads": s1.threads, "fds": s1.fds,
            "rss_mb_idle": round(idle1.rss_kb / 1024, 1), "threads_idle": idle1.threads,
            "fds_idle": idle1.fds,
            "threads_added_by_name": {k: per(v) for k, v in procstat.thread_delta(idle1, s1).items()},
            "cpu_share_by_thread": procstat.cpu_by_thread(s0, s1),
        }
        if n:
            r["daemon"]["calls_at_80pct_of_2_cores"] = int(1.6 / max(1e-6, r["daemon"]["cpu_core_per_call"]))
        page_sent = drained.page_sent - c0.page_sent
        r["loss"] = {
            "webrtc_to_sip": loss(page_sent, drained.far_received - c0.far_received),
            "sip_to_webrtc": loss(drained.far_sent - c0.far_sent, drained.page_received - c0.page_received),
            "packets_webrtc_to_sip": [page_sent, drained.far_received - c0.far_received],
            "packets_sip_to_webrtc": [drained.far_sent - c0.far_sent, drained.page_received - c0.page_received],
            "udp_rcvbuf_errors": drained.udp_rcvbuf_errors - c0.udp_rcvbuf_errors,
        }
        setups = [c.setup_s() for c in calls]
        media = [c.media_s() for c in calls]
        r["setup_s"] = {"median": _round(percentile(setups, 0.5)), "p95": _round(percentile(setups, 0.95)),
                        "max": _round(percentile(setups, 1.0)),
                        "first_rtp_median": _round(percentile(media, 0.5)),
                        "first_rtp_p95": _round(percentile(media, 0.95))}
        (m0b, m0t), (m1b, m1t) = w["machine"]
        r["load"] = {
            "client_core": round(procstat.cpu_share(*w["me"]), 3),
            "sipp_core": round(procstat.cpu_share(*w["sipp"]), 3),
            "machine_busy_pct": round(100.0 * (m1b - m0b) / max(1, m1t - m0t), 1),
            "cores": os.cpu_count(),
        }


def warnings_in(log_lines, most=5):
    """The daemon's WARNING/CRITICAL lines during the run (the first few)."""
    bad = [l.rstrip() for l in log_lines if "WARNING" in l or "CRITICAL" in l]
    return {"count": len(bad), "first": bad[:most]}


def _round(v, nd=3):
    return None if v is None else round(v, nd)


class GLibTimer:
    """fn() every seconds on the main context, until cancel()."""

    def __init__(self, seconds, fn):
        self.id = GLib.timeout_add(int(seconds * 1000), lambda: fn() or True)

    def cancel(self):
        GLib.source_remove(self.id)


# -- output -----------------------------------------------------------------


def pct(v):
    return "-" if v is None else f"{100 * v:.2f} %"


def table(r):
    d, l, s, load = r["daemon"], r["loss"], r["setup_s"], r["load"]
    rows = [
        ("calls up / asked", f"{r['calls_up']} / {r['calls_requested']}"
         + (f"  (failed: {', '.join(r['calls_failed'])})" if r["calls_failed"] else "")),
        ("window", f"{r['seconds']} s after {r['warmup']} s warm-up; ramp {r['ramp_s']} s"),
        ("daemon CPU, whole", f"{100 * d['cpu_core']:.1f} % of a core (idle with phones logged in "
                              f"{100 * d['cpu_idle_core']:.2f} %)"),
        ("CPU per call", f"{pct(d['cpu_core_per_call'])} of a core"
                         f" = {d['cpu_core_per_call'] or 0:.4f} CPU-s per call-second"),
        ("calls at 80 % of 2 cores", str(d.get("calls_at_80pct_of_2_cores", "-"))),
        ("RSS per call", f"{d['rss_mb_per_call']} MB  ({d['rss_mb_idle']} -> {d['rss_mb']} MB)"),
        ("threads per call", f"{d['threads_per_call']}  ({d['threads_idle']} -> {d['threads']})"),
        ("fds per call", f"{d['fds_per_call']}  ({d['fds_idle']} -> {d['fds']})"),
        ("loss WebRTC -> SIP", f"{pct(l['webrtc_to_sip'])}  (sent {l['packets_webrtc_to_sip'][0]},"
                               f" received {l['packets_webrtc_to_sip'][1]})"),
        ("loss SIP -> WebRTC", f"{pct(l['sip_to_webrtc'])}  (sent {l['packets_sip_to_webrtc'][0]},"
                               f" received {l['packets_sip_to_webrtc'][1]})"),
        ("UDP receive-buffer drops", f"{l['udp_rcvbuf_errors']} (namespace-wide, any socket)"),
        ("setup (call -> accepted)", f"median {s['median']} s, p95 {s['p95']} s, max {s['max']} s"),
        ("call -> first RTP at page", f"median {s['first_rtp_median']} s, p95 {s['first_rtp_p95']} s"),
        ("load generator / sipp", f"{100 * load['client_core']:.1f} % / {100 * load['sipp_core']:.1f} % of a core"),
        ("machine busy (all)", f"{load['machine_busy_pct']} % of {load['cores']} cores"),
        ("daemon log warnings", str(r["daemon_log_warnings"]["count"])),
    ]
    width = max(len(k) for k, _ in rows)
    lines = [f"== {r['shape']}: {r['calls_requested']} calls =="]
    lines += [f"  {k:<{width}}  {v}" for k, v in rows]
    lines.append("  threads added per call, by name: " + ", ".join(
        f"{k} {v}" for k, v in d["threads_added_by_name"].items()))
    lines.append("  daemon CPU by thread: " + ", ".join(
        f"{k} {100 * v:.0f} %" for k, v in d["cpu_share_by_thread"].items()))
    return "\n".join(lines)


def functional_failures(r):
    """What --smoke fails on: calls that did not come up, a dead direction."""
    bad = []
    if r["calls_up"] < r["calls_requested"]:
        bad.append(f"{r['shape']}: only {r['calls_up']} of {r['calls_requested']} calls up ({r['calls_failed']})")
    for direction in ("webrtc_to_sip", "sip_to_webrtc"):
        if r["loss"][direction] is None or r["loss"][direction] >= 1.0:
            bad.append(f"{r['shape']}: no packets {direction}")
    return bad


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--calls", type=int, default=10)
    ap.add_argument("--shape", choices=("passthrough", "transcoding", "both"), default="both")
    ap.add_argument("--seconds", type=float, default=20, help="measurement window")
    ap.add_argument("--warmup", type=float, default=3, help="seconds between the last call up and the window")
    ap.add_argument("--rate", type=float, default=5, help="calls started per second")
    ap.add_argument("--json", metavar="FILE", help="also write the figures as JSON ('-': stdout)")
    ap.add_argument("--smoke", action="store_true", help="exit 1 on functional breakage only")
    args = ap.parse_args(argv)
    require_netns()
    results, failures = [], []
    for shape in (("passthrough", "transcoding") if args.shape == "both" else (args.shape,)):
        t0 = time.monotonic()
        r = ShapeRun(shape, args).run()
        r["warmup"] = args.warmup
        r["run_s"] = round(time.monotonic() - t0, 1)
        results.append(r)
        print(table(r), flush=True)
        failures += functional_failures(r)
    if args.json:
        text = json.dumps(results, indent=1)
        if args.json == "-":
            print(text)
        else:
            with open(args.json, "w") as f:
                f.write(text + "\n")
    for f in failures:
        print("FAILED: " + f, file=sys.stderr)
    return 1 if failures and args.smoke else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception:  # a set-up failure is a functional failure
        import traceback
        traceback.print_exc()
        sys.exit(1)
