#!/usr/bin/env python3
"""Where a command's wall time goes on a shared machine: on a CPU, waiting for one, or neither.

Usage: bench/assess/cpuwait.py COMMAND [ARGS...]

Runs COMMAND and, every 0.2 s until it exits, reads /proc/PID/task/*/schedstat for each of its threads (Linux:
nanoseconds on a CPU, nanoseconds runnable but waiting on a run queue, time slices). A thread's last reading is
kept after it ends, so threads that come and go are counted; a thread shorter than the sampling interval can be
missed, and the last 0.2 s of every thread may be (both small against runs of tens of seconds). Child processes are
not followed (`bastion assess` runs in one JVM). Prints one line to stderr:

  cpuwait: wall W s; on CPU C s; runnable but waiting for a CPU R s; threads T; load L before

C / W is the cores the process used on average; R is time its threads were ready to run while other processes
held the cores: with R near zero the wall time is the program's own (CPU and I/O or sleeping), with R large the
machine was the bottleneck. The exit code is COMMAND's.
"""
import os
import subprocess
import sys
import time


def read(pid, seen):
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except FileNotFoundError:
        return
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
                run, wait, _ = (int(v) for v in f.read().split())
        except (FileNotFoundError, ProcessLookupError, ValueError):
            continue
        seen[tid] = (run, wait)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    load = open("/proc/loadavg").read().split()[0]
    start = time.monotonic()
    proc = subprocess.Popen(sys.argv[1:])
    seen = {}
    while proc.poll() is None:
        read(proc.pid, seen)
        time.sleep(0.2)
    wall = time.monotonic() - start
    run = sum(r for r, _ in seen.values()) / 1e9
    wait = sum(w for _, w in seen.values()) / 1e9
    print(f"cpuwait: wall {wall:.1f} s; on CPU {run:.1f} s; runnable but waiting for a CPU {wait:.1f} s; "
          f"threads {len(seen)}; load {load} before", file=sys.stderr)
    sys.exit(proc.returncode)


if __name__ == "__main__":
    main()
