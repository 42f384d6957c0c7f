#!/usr/bin/env python3
"""Breaks a JFR recording of the gateway down by request stage: CPU (execution samples, or CPU-time samples when
the recording has them) and allocation (allocation samples' weights). Each sample goes to the first rule in STAGES
whose marker occurs anywhere in its stack (outermost stage wins only when no earlier rule matches), so the order
of STAGES is the order of precedence. Usage: stages.py RECORDING [REQUESTS]: with REQUESTS, allocation is also
given per request. Then the allocation by call site: each allocation sample goes to the innermost frame of Bastion's
own code (dev.bastion.) in its stack, with the JDK and library frames it called folded in (a sample with no Bastion
frame goes to its innermost io.helidon. frame, else "JDK / other"), and by allocated class; the top SITES (default
30) of each. Record with a higher allocation sampling rate for a finer breakdown (profile.sh's JFR_OPTS
'jdk.ObjectAllocationSample#throttle=10000/s'). Reads the recording with `jfr print` (JAVA_HOME's, or the one on the
PATH)."""
import collections, os, re, subprocess, sys

# (stage, markers): a sample belongs to the first stage with a marker in its stack.
STAGES = [
    ("jfr itself", ["jdk.jfr.", "jdk.management."]),
    ("metrics (Prometheus)", ["dev.bastion.gateway.metrics.", "io.prometheus."]),
    ("tracing (OpenTelemetry)", ["dev.bastion.gateway.telemetry.", "io.opentelemetry."]),
    ("logging", ["java.util.logging.", "System$Logger", "LoggerFinder"]),
    ("audit: sign/hash/append", ["dev.bastion.audit."]),
    ("audit: record building", ["AuditTrail", "AuditRecord", "RequestFacts.close", "UsageRecorder"]),
    ("authenticate", ["Authenticator", "KeyService", "dev.bastion.store.keys."]),
    ("admit (limits)", ["Admission", "RateLimiter"]),
    ("abuse monitor", ["AbuseMonitor"]),
    ("parse request", ["ChatEndpoint.parse", "RequestBodies", "ChatRequest.from"]),
    ("scan input", ["InputGuard", "ToolArgumentGuard"]),
    ("route", ["Router."]),
    ("rewrite", ["Rewrite.", "PromptCanary"]),
    ("scan output", ["OutputGuard", "scanCompleteAnswer"]),
    ("upstream call", ["dev.bastion.gateway.backend.", "io.helidon.webclient.", "java.net.http."]),
    ("respond", ["HelidonExchange.respond", "ServerResponse"]),
    ("read body", ["BodyReader"]),
    ("other gateway code", ["dev.bastion."]),
    ("Helidon server", ["io.helidon.webserver.", "io.helidon.http."]),
    ("Helidon other", ["io.helidon."]),
    ("JDK scheduler / threads", ["ForkJoin", "VirtualThread", "Continuation"]),
]
UNITS = {"bytes": 1, "B": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9}


def events(recording, name):
    jdk = os.environ.get("JAVA_HOME")
    jfr = os.path.join(jdk, "bin", "jfr") if jdk else "jfr"
    text = subprocess.run([jfr, "print", "--stack-depth", "128", "--events", name, recording],
                          check=True, capture_output=True, text=True).stdout
    return text.split(name + " {")[1:]


def stage_of(event):
    frames = re.findall(r"^\s+(\S+)\(.*\) line:", event, re.M)
    stack = "\n".join(frames)
    for name, markers in STAGES:
        if any(m in stack for m in markers):
            return name
    return "JVM / unattributed" if not frames else "JDK other"


def table(title, counts, total, unit, requests):
    print(f"\n{title}")
    for name, value in counts.most_common():
        share = value / total * 100 if total else 0
        per = f"  {value / requests / 1e3:8.1f} kB/request" if unit == "bytes" and requests else ""
        shown = f"{value / 1e6:10.1f} MB" if unit == "bytes" else f"{value:8d} samples"
        print(f"  {name:28s} {shown} {share:5.1f}%{per}")


def main():
    recording = sys.argv[1]
    requests = int(sys.argv[2]) if len(sys.argv) > 2 else 0
    cpu_events = events(recording, "jdk.CPUTimeSample")
    cpu_name = "jdk.CPUTimeSample"
    if not cpu_events:
        cpu_events, cpu_name = events(recording, "jdk.ExecutionSample"), "jdk.ExecutionSample"
    cpu = collections.Counter(stage_of(e) for e in cpu_events)
    table(f"CPU by stage ({cpu_name}, {len(cpu_events)} samples)", cpu, sum(cpu.values()), "samples", 0)
    alloc = collections.Counter()
    sites = collections.Counter()
    classes = collections.Counter()
    # With TLAB events in the recording (JFR_OPTS 'jdk.ObjectAllocationInNewTLAB#enabled=true
    # jdk.ObjectAllocationOutsideTLAB#enabled=true'), every new TLAB is charged, whole, to the allocation that opened
    # it, and every allocation outside a TLAB to itself: an allocation of s bytes opens a TLAB of T bytes with a
    # chance of about s / T, so each site is charged its own bytes on average, with no throttle in between (the
    # samples' throttled weights overcharge large allocations and the first ones after them).
    tlab = [(e, "tlabSize") for e in events(recording, "jdk.ObjectAllocationInNewTLAB")]
    tlab += [(e, "allocationSize") for e in events(recording, "jdk.ObjectAllocationOutsideTLAB")]
    if tlab:
        samples, source = tlab, "new TLABs and allocations outside them"
    else:
        samples = [(e, "weight") for e in events(recording, "jdk.ObjectAllocationSample")]
        source = "jdk.ObjectAllocationSample weights"
    for e, field in samples:
        if 'eventThread = "Attach Listener"' in e:
            continue  # jcmd starting the recording
        m = re.search(field + r" = ([0-9.]+) (\w+)", e)
        weight = float(m.group(1)) * UNITS[m.group(2)]
        alloc[stage_of(e)] += weight
        sites[site_of(e)] += weight
        c = re.search(r"objectClass = (\S+)", e)
        classes[c.group(1) if c else "?"] += weight
    total = sum(alloc.values())
    table(f"Allocation by stage ({source}, {len(samples)} events)", alloc, total, "bytes",
          requests)
    top = int(os.environ.get("SITES", "30"))
    table(f"Allocation by call site (innermost Bastion frame; top {top})", top_of(sites, top), total, "bytes", requests)
    table(f"Allocation by class (top {top})", top_of(classes, top), total, "bytes", requests)


def site_of(event):
    frames = re.findall(r"^\s+(\S+)\(.*\) line: (\d+)", event, re.M)
    for prefix in ("dev.bastion.", "io.helidon."):
        for method, line in frames:
            if method.startswith(prefix):
                return f"{method}:{line}"
    return "JDK / other"


def top_of(counter, n):
    return collections.Counter(dict(counter.most_common(n)))


if __name__ == "__main__":
    main()
