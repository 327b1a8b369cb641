#!/usr/bin/python3
"""Per-window level and dominant frequency of a 16-bit PCM WAV (stdlib only).

    wavwin.py FILE.wav [--win 1.0] [--expect "0-3:1000,3-6:silence,6-9:1000"]
                       [--tol 0.03] [--silence-dbfs -45] [--json]

One line per window: start-end s, RMS in dBFS, dominant frequency (Hz) and
"purity" (share of the window's power within +-tol of that frequency; a clean
tone gives about 1.0). --expect checks ranges (seconds in the file): FREQ means
that frequency dominates every whole window inside the range (purity >= 0.6,
level above the silence threshold); "silence" means every window is below
--silence-dbfs. Exit status 0 only if all expectations hold.

Dominant frequency: a coarse Goertzel scan (25 Hz steps, 100-3900 Hz, on the
window's middle 100 ms), refined to 1 Hz on the whole window. About 0.1 s of
CPU per second of 8 kHz audio. Adapted from the verified far-phone recipe
(shared/peers/farphone/wavwin.py); tests use windows(), check() and
mgcalls.assert_tone().
"""
import argparse
import json
import math
import struct
import sys
import wave

SILENCE_DBFS = -45.0
MIN_PURITY = 0.6


def read_wav(path):
    """(sample rate, first channel as floats in [-1, 1))."""
    w = wave.open(path)
    sr, ch, sw, n = w.getframerate(), w.getnchannels(), w.getsampwidth(), w.getnframes()
    if sw != 2:
        raise ValueError(f"{path}: need 16-bit PCM, got {sw} bytes per sample")
    raw = w.readframes(n)
    w.close()
    x = struct.unpack("<%dh" % (len(raw) // 2), raw)[::ch]
    return sr, [v / 32768.0 for v in x]


def goertzel_power(x, sr, f):
    """Power of the f component; a full-window sine of amplitude A gives A^2/2."""
    k = 2.0 * math.cos(2.0 * math.pi * f / sr)
    s1 = s2 = 0.0
    for v in x:
        s1, s2 = v + k * s1 - s2, s1
    n = len(x)
    return max(0.0, s1 * s1 + s2 * s2 - k * s1 * s2) * 2.0 / (n * n)


def analyse(x, sr, tol=0.03):
    """{dbfs, hz, purity} of one window."""
    n = len(x)
    if n == 0:
        return {"dbfs": -120.0, "hz": 0, "purity": 0.0}
    ms = sum(v * v for v in x) / n
    dbfs = 10 * math.log10(ms) + 3.01 if ms > 1e-12 else -120.0  # full-scale sine = 0 dBFS
    if ms < 1e-9:
        return {"dbfs": round(dbfs, 1), "hz": 0, "purity": 0.0}
    mid = x[max(0, n // 2 - sr // 20): n // 2 + sr // 20]
    top = min(3900, sr // 2 - 100)
    coarse = max(range(100, top, 25), key=lambda f: goertzel_power(mid, sr, f))
    fine = max(range(max(50, coarse - 25), coarse + 26), key=lambda f: goertzel_power(x, sr, f))
    band = max(goertzel_power(x, sr, fine * r)
               for r in (1 - tol, 1 - tol / 2, 1.0, 1 + tol / 2, 1 + tol))
    return {"dbfs": round(dbfs, 1), "hz": fine, "purity": round(min(1.0, band / ms), 3)}


def windows(x, sr, win=1.0):
    """analyse() of consecutive windows of win seconds (a last one shorter
    than half a window is dropped), each with t0/t1."""
    step = int(win * sr)
    out = []
    for i in range(0, len(x), step):
        seg = x[i:i + step]
        if len(seg) < step // 2:
            break
        r = analyse(seg, sr)
        r.update({"t0": round(i / sr, 2), "t1": round((i + len(seg)) / sr, 2)})
        out.append(r)
    return out


def window_ok(w, what, silence_dbfs=SILENCE_DBFS, tol=0.03):
    if what == "silence":
        return w["dbfs"] <= silence_dbfs
    f = float(what)
    return w["dbfs"] > silence_dbfs and w["purity"] >= MIN_PURITY and abs(w["hz"] - f) <= f * tol


def check(wins, expect, silence_dbfs=SILENCE_DBFS, tol=0.03):
    """expect: [(t0, t1, 'silence' | freq)]; returns [(spec, ok, why)]."""
    res = []
    for t0, t1, what in expect:
        inside = [w for w in wins if w["t0"] >= t0 - 1e-6 and w["t1"] <= t1 + 1e-6]
        if not inside:
            res.append(((t0, t1, what), False, "no whole window inside the range"))
            continue
        bad = [w for w in inside if not window_ok(w, what, silence_dbfs, tol)]
        why = "bad windows: %s" % [(w["t0"], w["dbfs"], w["hz"], w["purity"]) for w in bad]
        res.append(((t0, t1, what), not bad, why if bad else "ok"))
    return res


def parse_expect(s):
    out = []
    for part in filter(None, (p.strip() for p in s.split(","))):
        rng, what = part.split(":")
        a, b = rng.split("-")
        out.append((float(a), float(b), what))
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("wav")
    ap.add_argument("--win", type=float, default=1.0)
    ap.add_argument("--expect", default="")
    ap.add_argument("--tol", type=float, default=0.03)
    ap.add_argument("--silence-dbfs", type=float, default=SILENCE_DBFS)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    sr, x = read_wav(a.wav)
    wins = windows(x, sr, a.win)
    res = check(wins, parse_expect(a.expect), a.silence_dbfs, a.tol)
    if a.json:
        print(json.dumps({"file": a.wav, "rate": sr, "secs": round(len(x) / sr, 2),
                          "windows": wins,
                          "checks": [{"range": r[0], "ok": r[1], "why": r[2]} for r in res]}))
    else:
        print("%s: %d Hz, %.2f s" % (a.wav, sr, len(x) / sr))
        for w in wins:
            print("  %6.2f-%6.2f s  %6.1f dBFS  %5d Hz  purity %.2f"
                  % (w["t0"], w["t1"], w["dbfs"], w["hz"], w["purity"]))
        for spec, ok, why in res:
            print("  %s %s-%s s %s: %s" % ("PASS" if ok else "FAIL", spec[0], spec[1], spec[2], why))
    return 0 if all(r[1] for r in res) else 1


if __name__ == "__main__":
    sys.exit(main())
