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
        self.thread_cpu_s = collections.Counter()  # thread name -> CPU seconds so far
        self.thread_names = collections.Counter()
        for name, cpu_s in self._threads(pid):
            self.thread_names[name] += 1
            self.thread_cpu_s[name] += cpu_s
        self.threads = sum(self.thread_names.values())
        self.fds = len(os.listdir(f"/proc/{pid}/fd"))

    @staticmethod
    def _threads(pid):
        """(name, CPU seconds) of each thread."""
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                with open(f"/proc/{pid}/task/{tid}/comm") as f:
                    # element numbers differ per call: dtlsenc12:src -> dtlsenc#:src
                    name = re.sub(r"\d+", "#", f.read().strip())
                with open(f"/proc/{pid}/task/{tid}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError):  # the thread ended meanwhile
                continue
            yield name, (int(fields[11]) + int(fields[12])) / CLK_TCK


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


def cpu_by_thread(before, after):
    """{thread name: share of the process's CPU} between two snapshots, for
    the names that used at least 1 % of it. Threads that ended in between
    are missing (their time is in the process total only)."""
    total = after.cpu_s - before.cpu_s
    if total <= 0:
        return {}
    shares = {n: (after.thread_cpu_s[n] - before.thread_cpu_s[n]) / total for n in after.thread_cpu_s}
    return dict(sorted(((n, round(v, 3)) for n, v in shares.items() if v >= 0.01),
                       key=lambda kv: -kv[1]))


def udp_receive_buffer_errors():
    """UDP datagrams the kernel dropped for a full socket receive buffer, in
    this network namespace (/proc/net/snmp RcvbufErrors): loss that happened
    in a socket queue (the daemon's or the bench's own) rather than in a
    pipeline."""
    with open("/proc/net/snmp") as f:
        udp = [line.split() for line in f if line.startswith("Udp:")]
    return int(udp[1][udp[0].index("RcvbufErrors")])
