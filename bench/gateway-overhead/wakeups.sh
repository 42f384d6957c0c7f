#!/usr/bin/env bash
# Which threads wake up per proxied request: one gateway (one-gateway.sh: nginx upstream, embedded defaults;
# BENCH_BASTION_ROOT picks another build's tree, BENCH_ENV adds environment), warmed WARM2 more seconds (default 20)
# at the paced rate, then SECS seconds (default 15) paced (PACE_MS, default 10: ~1,000 requests/s). For every
# thread (named from `jcmd Thread.print`, numbered threads grouped) it prints per request: wake-ups (voluntary
# context switches from /proc/PID/task/TID/status: each is one block and one wake, a futex pair for a parked
# thread), preemptions (involuntary switches: the machine's load, not the code) and CPU time. Counts, unlike
# times, hardly move with the load, so two builds compare on a shared machine; run two at once on other ports
# (BENCH_PORT, BENCH_UPSTREAM_PORT) so that both see the same rate. Needs wrk, nginx and JDK 25.
#
#   bench/gateway-overhead/wakeups.sh
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/one-gateway.sh"
names() { "${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/jcmd" "$jpid" Thread.print 2>/dev/null | sed -nE 's/^"([^"]+)".* nid=(0x[0-9a-f]+|[0-9]+).*/\2\t\1/p' | python3 -c "import sys
for l in sys.stdin:
    i, n = l.rstrip('\\n').split('\\t', 1); print(f'{int(i, 0)}\\t{n}')" > "$work/names"; }
name_of() { local tid=$1 n; n=$(awk -F'\t' -v t="$tid" '$1 == t {print $2; exit}' "$work/names"); echo "${n:-$(cat /proc/$jpid/task/$tid/comm)}"; }
snap() { for t in /proc/"$jpid"/task/*; do
  printf '%s\t%s\t%s\t%s\n' "$(name_of "${t##*/}")" "$(awk '/^voluntary_ctxt/{print $2}' "$t/status")" \
    "$(awk '/^nonvoluntary_ctxt/{print $2}' "$t/status")" "$(awk '{print $14+$15}' "$t/stat")"; done; }
chat_wrk 10 1 10 "${WARM2:-20}" >/dev/null
names; snap > "$work/s0"; line=$(chat_wrk "${PACE_MS:-10}" 1 10 "${SECS:-15}"); snap > "$work/s1"
echo "$line load=$(cut -d' ' -f1 /proc/loadavg)"
n=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$line")
python3 - "$work/s0" "$work/s1" "$n" <<'PY'
import sys, re, collections
def rd(f):
    d = collections.defaultdict(lambda: [0, 0, 0])
    for l in open(f):
        c, v, nv, t = l.rstrip('\n').split('\t'); k = re.sub(r'[-#_ ]?\d+$', '', c)
        d[k][0] += int(v); d[k][1] += int(nv); d[k][2] += int(t)
    return d
a, b, n = rd(sys.argv[1]), rd(sys.argv[2]), int(sys.argv[3])
tot = [0, 0, 0]
rows = []
for k in b:
    d = [b[k][i] - a.get(k, [0, 0, 0])[i] for i in range(3)]
    tot = [tot[i] + d[i] for i in range(3)]
    if any(d): rows.append((k, d))
print(f"{n} requests; per request: wake-ups (voluntary switches) {tot[0]/n:.2f}, preemptions {tot[1]/n:.2f}, CPU {tot[2]/100/n*1e6:.0f} us")
for k, d in sorted(rows, key=lambda r: -r[1][0]):
    print(f"  {k:32s} wake-ups {d[0]/n:6.3f}  preempted {d[1]/n:6.3f}  cpu {d[2]/100/n*1e6:6.0f} us")
PY
