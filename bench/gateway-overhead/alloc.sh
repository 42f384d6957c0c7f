#!/usr/bin/env bash
# Allocation per proxied request: Bastion in front of nginx (one-gateway.sh), then a JFR recording (profile settings)
# over SECS seconds (default 20) paced at ~1,000 requests/s. Two figures:
#  - heap accounting: from the recording's GC heap summaries, the bytes allocated between consecutive collections
#    (used before a collection minus used after the previous one) over the time between them, divided by the
#    request rate; exact up to what lives outside the heap, and independent of how busy the machine is;
#  - JFR's estimate: the sum of jdk.ObjectAllocationSample weights over the requests (a sample's weight is charged
#    to whichever allocation triggered it, so its sites are not a breakdown; profile.sh gives one by stage).
# Needs wrk, nginx and JDK 25. Before/after: BENCH_BASTION_ROOT (one-gateway.sh).
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/one-gateway.sh"
jdk="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
"$jdk/bin/jcmd" "$jpid" JFR.start name=alloc settings=profile filename="$work/alloc.jfr" >/dev/null
line=$(chat_wrk 10 1 10 "${SECS:-20}")
"$jdk/bin/jcmd" "$jpid" JFR.stop name=alloc >/dev/null
echo "$line"
"$jdk/bin/jfr" print --events jdk.ObjectAllocationSample,jdk.GCHeapSummary "$work/alloc.jfr" | python3 -c "
import re, sys
units = {'bytes': 1, 'B': 1, 'kB': 1e3, 'MB': 1e6, 'GB': 1e9}
text = sys.stdin.read()
line = sys.argv[1]
req = int(re.search(r'requests=([0-9]+)', line).group(1))
rps = float(re.search(r'rps=([0-9.]+)', line).group(1))
sampled = 0.0
for e in text.split('jdk.ObjectAllocationSample {')[1:]:
    e = e.split('jdk.GCHeapSummary {')[0]
    if 'Attach Listener' in e:
        continue  # jcmd starting the recording
    m = re.search(r'weight = ([0-9.]+) (\w+)', e)
    sampled += float(m.group(1)) * units[m.group(2)]
gcs = {}
for e in text.split('jdk.GCHeapSummary {')[1:]:
    e = e.split('\n}\n')[0]  # this event only, not the events printed after it
    t = re.search(r'startTime = (\d+):(\d+):([0-9.]+)', e)
    secs = int(t.group(1)) * 3600 + int(t.group(2)) * 60 + float(t.group(3))
    used = re.search(r'heapUsed = ([0-9.]+) (\w+)', e)
    gcs.setdefault(int(re.search(r'gcId = (\d+)', e).group(1)), {})[re.search(r'when = .(\w+) GC', e).group(1).lower()] = (
        secs, float(used.group(1)) * units[used.group(2)])
ids = sorted(g for g in gcs if len(gcs[g]) == 2)
pairs = [(a, b) for a, b in zip(ids, ids[1:]) if b == a + 1]
allocated = sum(gcs[b]['before'][1] - gcs[a]['after'][1] for a, b in pairs)
span = sum(gcs[b]['before'][0] - gcs[a]['after'][0] for a, b in pairs)
if span > 0:
    print(f'heap accounting: {allocated / 1e6:.0f} MB allocated in {span:.1f} s between {len(pairs) + 1} collections at {rps:.0f} requests/s: {allocated / span / rps / 1e3:.0f} kB per request')
else:
    print('heap accounting: fewer than two collections in the recording; run longer (SECS)')
print(f'allocated (JFR sample weights) {sampled / 1e6:.0f} MB over {req} requests: {sampled / req / 1e3:.0f} kB per request')
" "$line"
