#!/usr/bin/env python3
"""Bytes allocated per second on the Java heap, from a JFR recording's GC heap summaries: between consecutive
collections, the heap used before collection n+1 minus the heap used after collection n is what was allocated in
between (exact for the heap, whatever the load). Usage: heap.py RECORDING; prints "ALLOC bytes=B seconds=S gcs=N"
(B allocated over S seconds of intervals between N collections), or "ALLOC gcs=N" when fewer than two were seen.
Reads the recording with JAVA_HOME's `jfr print`."""
import os, re, subprocess, sys

UNITS = {"bytes": 1, "B": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9}


def main():
    jdk = os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64")
    text = subprocess.run([os.path.join(jdk, "bin", "jfr"), "print", "--events", "jdk.GCHeapSummary", sys.argv[1]],
                          check=True, capture_output=True, text=True).stdout
    gcs = {}
    for e in text.split("jdk.GCHeapSummary {")[1:]:
        e = e.split("\n}\n")[0]
        t = re.search(r"startTime = (\d+):(\d+):([0-9.]+)", e)
        secs = int(t.group(1)) * 3600 + int(t.group(2)) * 60 + float(t.group(3))
        used = re.search(r"heapUsed = ([0-9.]+) (\w+)", e)
        when = re.search(r"when = .(\w+) GC", e).group(1).lower()
        gcs.setdefault(int(re.search(r"gcId = (\d+)", e).group(1)), {})[when] = (secs, float(used.group(1)) * UNITS[used.group(2)])
    ids = sorted(g for g in gcs if len(gcs[g]) == 2)
    pairs = [(a, b) for a, b in zip(ids, ids[1:]) if b == a + 1]
    if not pairs:
        print(f"ALLOC gcs={len(ids)}")
        return
    allocated = sum(gcs[b]["before"][1] - gcs[a]["after"][1] for a, b in pairs)
    span = sum(gcs[b]["before"][0] - gcs[a]["after"][0] for a, b in pairs)
    print(f"ALLOC bytes={allocated:.0f} seconds={span:.3f} gcs={len(pairs) + 1}")


if __name__ == "__main__":
    main()
