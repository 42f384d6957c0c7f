#!/usr/bin/env bash
# Allocation per proxied request: Bastion in front of nginx (one-gateway.sh), then a JFR recording (profile settings)
# over 20 s paced at ~1,000 requests/s; the sum of jdk.ObjectAllocationSample weights (JFR's estimate of all
# allocation) divided by the requests answered. Needs wrk, nginx and JDK 25.
set -euo pipefail
source "$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)/one-gateway.sh"
jdk="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
"$jdk/bin/jcmd" "$jpid" JFR.start name=alloc settings=profile filename="$work/alloc.jfr" >/dev/null
line=$(chat_wrk 10 1 10 20)
"$jdk/bin/jcmd" "$jpid" JFR.stop name=alloc >/dev/null
echo "$line"
"$jdk/bin/jfr" print --events jdk.ObjectAllocationSample "$work/alloc.jfr" | python3 -c "
import re, sys
total = sum(float(m.group(1)) * {'B': 1, 'kB': 1e3, 'MB': 1e6, 'GB': 1e9}[m.group(2)]
            for m in (re.search(r'weight = ([0-9.]+) ([kMG]?B)', l) for l in sys.stdin) if m)
req = int(re.search(r'requests=([0-9]+)', sys.argv[1]).group(1))
print(f'allocated (JFR sample weights) {total / 1e6:.0f} MB over {req} requests: {total / req / 1e3:.0f} kB per request')
" "$line"
