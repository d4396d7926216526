#!/usr/bin/env bash
# bench/sandbox-scale.sh [N...] - how long `fleetroll sandbox up N` and `down` take, and the memory the fleet uses,
# for each N (default: 200 500). Uses a temporary FLEETROLL_HOME; checks a sample of hosts with plain ssh; always
# takes the fleet down. Linux and root only. Other load on the machine shows in the numbers: the load average is
# printed before each run.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
fleetroll="$here/fleetroll"
home="$(mktemp -d /tmp/fleetroll-bench-XXXXXX)"
export FLEETROLL_HOME="$home"
cleanup() {
    "$fleetroll" sandbox down >/dev/null 2>&1 || true
    rm -rf "$home"
}
trap cleanup EXIT

"$fleetroll" --version >/dev/null # build the jar now, not inside a timing
now() { date +%s.%N; }
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(200 500)
for n in "${sizes[@]}"; do
    echo "== sandbox up $n (load average before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores)"
    t0=$(now)
    "$fleetroll" sandbox up "$n" >"$home/up.txt"
    t1=$(now)
    grep -E '^(sandbox up|memory)' "$home/up.txt"
    config="$home/sandbox/ssh_config"
    names=$(grep -v '^#' "$home/host-lists/sandbox.list")
    sample=$(printf '%s\n' "$names" | awk -v n="$n" 'NR == 1 || NR == int(n / 2) || NR == n')
    for h in $sample; do
        printf '  ssh %s: %s\n' "$h" "$(ssh -F "$config" "$h" 'echo $(hostname) $(uname -s) up $(cut -d" " -f1 /proc/uptime)s $(pgrep -c generic-worker) worker')"
    done
    t2=$(now)
    "$fleetroll" sandbox down >"$home/down.txt"
    t3=$(now)
    sed 's/; removed .*//' "$home/down.txt"
    awk -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" \
        'BEGIN { printf "  wall clock with JVM start: up %.1f s, down %.1f s\n", b - a, d - c }'
done
