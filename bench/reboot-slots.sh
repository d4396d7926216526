#!/usr/bin/env bash
# bench/reboot-slots.sh [N] [SLOTS] - reboots an N-host sandbox (default 50) through SLOTS reboot slots (default 5)
# with `fleetroll reboot sandbox --confirm --fanout N`: every host asks for a slot at once, each is rebooted over SSH
# (the sandbox's reboot stand-in keeps it down 3 s, then it boots and runs Puppet) and is seen back by its uptime
# restarting, then gives its slot back to the next.
#
# Prints the wall time, and proves the limit twice, independently:
#   - a sampler reads the store's reboot_slots table every 0.1 s during the run: the most rows ever seen;
#   - the audit log: each host's ssh rung runs from its `started` (before `reboot` is sent) to its record's `ts`
#     (after the host was seen back), which contains all the time the host was down; the most intervals open at
#     any one moment must be <= SLOTS.
# Linux and root only (the sandbox). Note the load average printed: the lead re-runs it on an idle machine.
set -euo pipefail
n="${1:-50}"
slots="${2:-5}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
fleetroll="${FLEETROLL_BIN:-$here/fleetroll}"

home="$(mktemp -d /tmp/fleetroll-bench-XXXXXX)"
export FLEETROLL_HOME="$home"
sampler=""
cleanup() {
    [ -n "$sampler" ] && kill "$sampler" 2>/dev/null || true
    "$fleetroll" sandbox down >/dev/null 2>&1 || true
    rm -rf "$home"
}
trap cleanup EXIT

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

cat >"$home/config.yaml" <<YAML
reboot:
  slots: $slots
  deadline: 5m
  poll_every: 1s
YAML

echo "== sandbox up $n (load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores)"
"$fleetroll" sandbox up "$n" | grep -E '^(sandbox up|memory)'
"$fleetroll" reboot-slots list >/dev/null # creates and migrates the store before the sampler reads it

max_file="$home/sampler.max"
(
    max=0
    while :; do
        c=$(sqlite3 -cmd '.timeout 2000' "$home/fleetroll.db" 'SELECT count(*) FROM reboot_slots' 2>/dev/null || echo 0)
        if [ "${c:-0}" -gt "$max" ]; then max=$c; echo "$max" >"$max_file"; fi
        sleep 0.1
    done
) &
sampler=$!

echo "== reboot $n hosts through $slots slots (load average: $(cut -d' ' -f1-3 /proc/loadavg))"
t0=$(now)
status=0
"$fleetroll" reboot sandbox --reason "bench: $n hosts through $slots slots" --fanout "$n" --confirm \
    >"$home/reboot.txt" 2>"$home/reboot.err" || status=$?
t1=$(now)
kill "$sampler" 2>/dev/null || true
sampler=""
tail -n 2 "$home/reboot.txt"
echo "wall $(secs "$t0" "$t1")s, exit status $status, back: $(grep -c '^BACK' "$home/reboot.txt" || true) of $n"

echo "most slots held at once (sampler of reboot_slots, every 0.1 s): $(cat "$max_file" 2>/dev/null || echo 0)"
python3 - "$home/audit.jsonl" "$slots" <<'PY'
import json, sys
from datetime import datetime
def t(s): return datetime.fromisoformat(s.replace('Z', '+00:00')).timestamp()
events = []
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r.get('action') == 'host.reboot' and not r.get('dry_run') and 'started' in r.get('observed', {}):
        events += [(t(r['observed']['started']), 1), (t(r['ts']), -1)]
events.sort(key=lambda e: (e[0], e[1]))  # an end at the same instant as a start counts first
cur = most = 0
for _, d in events:
    cur += d
    most = max(most, cur)
print(f"most hosts between 'reboot sent' and 'seen back' at once (audit log, {len(events)//2} rungs): {most}"
      f" -> {'OK' if most <= int(sys.argv[2]) else 'VIOLATED'} (limit {sys.argv[2]})")
PY
