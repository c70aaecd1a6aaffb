#!/usr/bin/python3
"""One timed send for bench/send/run: start PROCS copies of a command at once
and time them against the smtp-sink that bench/send/run started.

  drive.py --copies N --procs P --sink-pid PID --sink-counters FILE --sink-log FILE
           --out DIR/NAME [--readers] [--pg-pid PID] -- COMMAND...

The clock starts just before the processes are started. `sink_s` is when the
sink's message counter (smtp-sink -c, on its stdout) has grown by N: every
copy accepted; `exit_s` when the last process has exited (its ledger written:
it exits only when it has settled every copy it took). With --readers, the
RCPT TO lines the sink logged meanwhile (smtp-sink -v) must name every
reader<i>@reader<i % 50>.example (i < N) exactly once. CPU seconds are
counted for the processes (user + system, from /usr/bin/time), the sink, and
with --pg-pid the PostgreSQL server (the postmaster, its live children and
those it reaped). Each process's stdout and stderr go to DIR/NAME.<i>.out and
.err. Prints one line of key=value; exit 1 when a process failed, the sink
did not count N messages, or a reader got no copy or more than one.
"""
import argparse
import collections
import os
import re
import subprocess
import sys
import time

TICKS = os.sysconf("SC_CLK_TCK")


def counter(path):
    """The sink's message count: the last `mesg=N` it printed."""
    with open(path, "rb") as f:
        f.seek(0, os.SEEK_END)
        size = f.tell()
        f.seek(max(0, size - 256))
        found = re.findall(rb"mesg=(\d+)", f.read())
    return int(found[-1]) if found else 0


def stat(pid):
    """(ppid, own CPU ticks, reaped children's CPU ticks) of a process, or None."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    # fields[0] is the state (field 3 of proc(5)): ppid 4, utime 14, stime 15, cutime 16, cstime 17.
    return int(fields[1]), int(fields[11]) + int(fields[12]), int(fields[13]) + int(fields[14])


def tree_cpu(root):
    """CPU seconds of a process, its live children and the children it reaped."""
    top = stat(root)
    if top is None:
        return 0.0
    ticks = top[1] + top[2]
    for entry in os.listdir("/proc"):
        if entry.isdigit() and int(entry) != root:
            s = stat(int(entry))
            if s is not None and s[0] == root:
                ticks += s[1]
    return ticks / TICKS


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--copies", type=int, required=True)
    p.add_argument("--procs", type=int, default=1)
    p.add_argument("--sink-pid", type=int, required=True)
    p.add_argument("--sink-counters", required=True)
    p.add_argument("--sink-log", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--readers", action="store_true")
    p.add_argument("--pg-pid", type=int)
    p.add_argument("--timeout", type=float, default=3600)
    p.add_argument("command", nargs=argparse.REMAINDER)
    a = p.parse_args()
    command = a.command[1:] if a.command[:1] == ["--"] else a.command

    base = counter(a.sink_counters)
    log_from = os.path.getsize(a.sink_log)
    sink_cpu0 = tree_cpu(a.sink_pid)
    pg_cpu0 = tree_cpu(a.pg_pid) if a.pg_pid else 0.0
    procs, outs = [], []
    t0 = time.monotonic()
    for i in range(a.procs):
        out = open(f"{a.out}.{i}.out", "wb")
        err = open(f"{a.out}.{i}.err", "wb")
        outs += [out, err]
        procs.append(subprocess.Popen(["/usr/bin/time", "-f", "%M %U %S", "-o", f"{a.out}.{i}.time"] + command,
                                      stdout=out, stderr=err))
    sink_s = exit_s = None
    while exit_s is None or sink_s is None:
        now = time.monotonic() - t0
        if sink_s is None and counter(a.sink_counters) - base >= a.copies:
            sink_s = now
        if exit_s is None and all(pr.poll() is not None for pr in procs):
            exit_s = now
            if sink_s is None:
                time.sleep(0.2)  # the sink's last counter line
                if counter(a.sink_counters) - base < a.copies:
                    break
        if now > a.timeout:
            for pr in procs:
                pr.kill()
            break
        time.sleep(0.005)
    for pr in procs:
        pr.wait()
    for f in outs:
        f.close()
    time.sleep(0.2)  # the sink's log of the last session
    sink_cpu = tree_cpu(a.sink_pid) - sink_cpu0
    pg_cpu = (tree_cpu(a.pg_pid) - pg_cpu0) if a.pg_pid else 0.0
    messages = counter(a.sink_counters) - base

    problems = []
    for i, pr in enumerate(procs):
        if pr.returncode != 0:
            problems.append(f"process {i} exited with {pr.returncode} (see {a.out}.{i}.err)")
    if messages != a.copies:
        problems.append(f"the sink counted {messages} messages, not {a.copies}")
    rcpt = "n/a"
    if a.readers:
        with open(a.sink_log, "rb") as f:
            f.seek(log_from)
            seen = collections.Counter(m.decode() for m in re.findall(rb"RCPT TO:<([^>]*)>", f.read()))
        expected = {f"reader{i}@reader{i % 50}.example" for i in range(a.copies)}
        missing = len(expected - seen.keys())
        twice = sum(1 for r, n in seen.items() if n > 1)
        strangers = len(seen.keys() - expected)
        rcpt = f"{len(seen)}/{len(expected)}"
        if missing or twice or strangers:
            problems.append(f"the sink's RCPT TO: {missing} readers got no copy, {twice} more than one, "
                            f"{strangers} unknown recipients")
    peak, cpu, sent = [], 0.0, []
    for i in range(a.procs):
        try:
            with open(f"{a.out}.{i}.time") as f:
                m, u, s = f.read().split()[-3:]
            peak.append(int(m) / 1024)
            cpu += float(u) + float(s)
        except (OSError, ValueError):
            peak.append(0.0)
        with open(f"{a.out}.{i}.out", errors="replace") as f:
            m = re.search(r": (\d+) sent,", f.read())
        sent.append(m.group(1) if m else "-")
    print(f"sink_s={sink_s if sink_s is not None else -1:.3f} exit_s={exit_s if exit_s is not None else -1:.3f} "
          f"messages={messages} readers_once={rcpt} sent_by_process={'+'.join(sent)} "
          f"peak_mib={'+'.join(f'{x:.1f}' for x in peak)} cpu_senders={cpu:.2f} cpu_sink={sink_cpu:.2f} cpu_pg={pg_cpu:.2f}")
    for problem in problems:
        print(f"drive.py: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
