"""What one process costs, read from /proc: CPU ticks, RSS, threads (with
their names), open fds. Snapshots are subtracted to get per-call figures."""
import collections
import os
import re
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")


class Snapshot:
    def __init__(self, pid):
        self.pid = pid
        self.t = time.monotonic()
        with open(f"/proc/{pid}/stat") as f:
            # the name (field 2) may hold spaces: count fields after its ')'
            fields = f.read().rsplit(")", 1)[1].split()
        self.cpu_s = (int(fields[11]) + int(fields[12])) / CLK_TCK  # utime + stime
        with open(f"/proc/{pid}/status") as f:
            status = dict(line.split(":", 1) for line in f if ":" in line)
        self.rss_kb = int(status["VmRSS"].split()[0])
        self.thread_names = collections.Counter(self._thread_names(pid))
        self.threads = sum(self.thread_names.values())
        self.fds = len(os.listdir(f"/proc/{pid}/fd"))

    @staticmethod
    def _thread_names(pid):
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/comm") as f:
                    # element numbers differ per call: dtlsenc12:src -> dtlsenc#:src
                    yield re.sub(r"\d+", "#", f.read().strip())
            except FileNotFoundError:  # the thread ended meanwhile
                continue


def machine_busy():
    """(busy, total) jiffies of the whole machine, from /proc/stat."""
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values) - idle, sum(values)


def cpu_share(before, after):
    """CPU of one core the process used between two snapshots (1.0 = a core)."""
    wall = after.t - before.t
    return (after.cpu_s - before.cpu_s) / wall if wall > 0 else 0.0


def thread_delta(before, after):
    """{thread name: added count} between two snapshots, biggest first."""
    names = set(before.thread_names) | set(after.thread_names)
    delta = {n: after.thread_names[n] - before.thread_names[n] for n in names}
    return dict(sorted(((n, d) for n, d in delta.items() if d), key=lambda kv: (-kv[1], kv[0])))
