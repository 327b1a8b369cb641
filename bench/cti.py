#!/usr/bin/python3
"""What the CTI interface costs (docs/performance.md, "CTI"): N extensions,
each monitored by its own CTI session, plus one session monitoring all of
them, under call churn between the extensions' phones (embedded default:
the callee rings, the caller hangs up; no media). It prints the time from a
phone's event (its WebSocket message arriving here) to the matching CSTA
event of the callee's own session arriving here (p50, p99), and the daemon's
CPU and memory with and without the sessions.

    bench/cti.py --extensions 300 --rate 10 --seconds 20 --rounds 3

It exits 1 only if no CSTA event matched a call or the daemon died (the
smoke test `cti_bench_smoke` in suite `slow` runs it small), never on
timing. Run from the source tree after scripts/build.sh (MEDIAGATED defaults to
_build/src/daemon/mediagated). Everything is on 127.0.0.1.
"""
import argparse
import os
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "api"))
sys.path.insert(0, HERE)
os.environ.setdefault("MEDIAGATED", os.path.join(HERE, "..", "_build", "src", "daemon", "mediagated"))

from cstaclient import ED6, EVENT_ID, CstaClient, text  # noqa: E402
from mgtest import Daemon  # noqa: E402
from procstat import Snapshot, cpu_share  # noqa: E402
from wsphone import WsPhone  # noqa: E402

SECRET = "bench-cti-secret-0123456789"


def setup(d, n):
    first = 1000
    r = d.admin("POST", "/cms/api/v1/extensions", {
        "from": str(first), "to": str(first + n - 1),
        "digest": {"username": str(first), "password": "bench1000", "increment": True}})
    assert r.status == 201, r
    r = d.admin("POST", "/cms/api/v1/clients", {"client_id": "bench", "client_secret": SECRET})
    assert r.status == 201, r
    # all sessions come from 127.0.0.1: it is a listed load balancer, the
    # client address of each session is its X-Forwarded-For
    r = d.admin("PATCH", "/cms/api/v1/cti", {"load_balancers": ["127.0.0.1"]})
    assert r.status == 200, r
    return [str(first + i) for i in range(n)]


def cti_session(d, token, n, devices):
    c = CstaClient(d.cti_port, headers={"X-Forwarded-For": f"10.{n // 65536}.{n // 256 % 256}.{n % 256}"})
    c.connect()
    c.start(token)
    for device in devices:
        c.send(f'<MonitorStart xmlns="{ED6}"><monitorObject><deviceObject>{device}'
               '</deviceObject></monitorObject></MonitorStart>')
    return c


def settle(phones, seconds=1.0):
    """Lets the daemon and the clients finish what is under way."""
    ctx = next(iter(phones.values())).ctx
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        ctx.iteration(False)
        time.sleep(0.002)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--extensions", type=int, default=300)
    ap.add_argument("--rate", type=float, default=10.0, help="new calls per second")
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--rounds", type=int, default=1,
                    help="churn with and without the sessions this many times, alternating; "
                    "the medians are compared (CPU on a shared machine is noisy)")
    args = ap.parse_args()
    n = args.extensions - args.extensions % 2

    d = Daemon(extra_config="[limits]\nmax-connections-per-source=10000\n").start()
    try:
        devices = setup(d, n)
        phones = {}
        for dev in devices:
            p = WsPhone(d.client_port).connect()
            p.send({"type": "login", "extension": dev, "password": f"bench{dev}"})
            phones[dev] = p
        for dev, p in phones.items():
            p.wait("registered", 30)

        def churn(label, sessions):
            """Calls caller -> callee at args.rate; returns (latencies, cpu share)."""
            pairs = [(devices[i], devices[i + 1]) for i in range(0, n, 2)]
            latencies, pending = [], {}
            ctx = phones[devices[0]].ctx
            start = Snapshot(d.proc.pid)
            end_at = time.monotonic() + args.seconds
            k = 0
            next_call = time.monotonic()
            while time.monotonic() < end_at:
                now = time.monotonic()
                if now >= next_call:
                    caller, callee = pairs[k % len(pairs)]
                    k += 1
                    next_call += 1.0 / args.rate
                    phones[caller].send({"type": "call", "id": k, "to": callee})
                    pending[callee] = (caller, None)
                ctx.iteration(False)
                for callee, (caller, seen) in list(pending.items()):
                    p = phones[callee]
                    inc = next((m for m in p.messages if m.get("type") == "incoming"), None)
                    if inc is not None and seen is None:
                        p.messages.remove(inc)
                        pending[callee] = (caller, (time.monotonic(), inc["call_id"]))
                        if not sessions:
                            phones[caller].send({"type": "hangup", "id": 0, "call_id": inc["call_id"]})
                            del pending[callee]
                        continue
                    if seen is not None:
                        c = sessions[callee]
                        ev = next((m for m in c.messages if m.invoke_id == EVENT_ID and m.name == "DeliveredEvent"
                                   and text(m.root, "connection/callID") == seen[1]), None)
                        if ev is not None:
                            latencies.append(time.monotonic() - seen[0])
                            phones[caller].send({"type": "hangup", "id": 0, "call_id": seen[1]})
                            del pending[callee]
                for c in sessions.values() if sessions else ():
                    c.messages = [m for m in c.messages if m.invoke_id != EVENT_ID or m.name == "DeliveredEvent"][-50:]
                for p in phones.values():
                    p.messages = [m for m in p.messages if m.get("type") == "incoming"][-5:]
            stop = Snapshot(d.proc.pid)
            cpu = 100 * cpu_share(start, stop)
            print(f"== {label}: {k} calls in {args.seconds:.0f} s ==")
            print(f"  daemon CPU                 {cpu:.1f} % of a core")
            return latencies, cpu

        token = d.client("POST", "/oauth/token", "grant_type=client_credentials",
                         auth=("bench", SECRET),
                         content_type="application/x-www-form-urlencoded").json["access_token"]
        latencies, with_cti, without = [], [], []
        for r in range(args.rounds):
            # sessions first, before any call has grown the heap, so their memory shows
            settle(phones)
            if r == 0:
                before = Snapshot(d.proc.pid)
            sessions = {dev: cti_session(d, token, i + r * (n + 1), [dev]) for i, dev in enumerate(devices)}
            everything = cti_session(d, token, n + r * (n + 1), devices)
            for c in list(sessions.values()) + [everything]:
                c.spin(lambda: sum(m.name == "MonitorStartResponse" for m in c.messages) >= 1, 10)
            settle(phones)
            if r == 0:
                after = Snapshot(d.proc.pid)
            got, cpu = churn(f"call churn, {n + 1} CTI sessions", sessions)
            latencies += got
            with_cti.append(cpu)
            for c in list(sessions.values()) + [everything]:
                c.close()
            settle(phones)
            without.append(churn("the same churn, no CTI sessions", None)[1])
        cpu_with, cpu_without = statistics.median(with_cti), statistics.median(without)
        latencies.sort()
        print(f"  CTI sessions               {n} (one extension each) + 1 (all {n})")
        print(f"  RSS per CTI session        {(after.rss_kb - before.rss_kb) / (n + 1):.1f} kB")
        print(f"  CTI's CPU                  {cpu_with - cpu_without:.1f} % of a core "
              f"({cpu_without:.1f} -> {cpu_with:.1f}"
              + (f", medians of {args.rounds} rounds)" if args.rounds > 1 else ")"))
        if latencies:
            p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
            print(f"  page event -> CSTA event   p50 {statistics.median(latencies) * 1000:.1f} ms, "
                  f"p99 {p99 * 1000:.1f} ms ({len(latencies)} calls)")
        else:
            print("  no Delivered event matched a call")
            return 1
        if d.proc.poll() is not None:
            print(f"  the daemon exited during the churn ({d.proc.returncode})")
            return 1
    except BaseException:
        print("".join(d.log[-40:]), file=sys.stderr)
        raise
    finally:
        d.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
