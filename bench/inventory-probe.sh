#!/usr/bin/env bash
# bench/inventory-probe.sh [N] [REPS] - one discovery probe round (fleetroll inventory probe) against one cold audit
# (fleetroll gather-host) over the same N sandbox hosts (default 500), at the same fanout (default ssh.fanout).
#
# Each run is a fresh fleetroll process with an empty store (the probe's store holds only the imported inventory),
# so both open every connection from scratch. Prints the median wall seconds of each, their ratio (target: probe <=
# cold audit) and the load average at each run. Linux and root only (the sandbox); run it on an otherwise idle machine.
set -euo pipefail
n="${1:-500}"
reps="${2:-3}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
fleetroll="${FLEETROLL_BIN:-$here/fleetroll}"

home="$(mktemp -d /tmp/fleetroll-bench-XXXXXX)"
export FLEETROLL_HOME="$home"
cleanup() {
    "$fleetroll" sandbox down >/dev/null 2>&1 || true
    rm -rf "$home"
}
trap cleanup EXIT

"$fleetroll" --version >/dev/null            # build the jar outside any timing
"$fleetroll" sandbox up "$n" | grep -E '^(sandbox up|memory)' || true
"$fleetroll" hosts sandbox >"$home/hosts.list"

forget() {
    rm -f "$home/fleetroll.db" "$home/fleetroll.db-wal" "$home/fleetroll.db-shm"
}

# timed NAME CMD...: wall seconds of CMD (output to a file; a non-zero exit is reported, not fatal)
timed() {
    local name=$1; shift
    local t0 t1 rc=0
    t0=$(date +%s.%N)
    "$@" >"$home/out.$name" 2>"$home/err.$name" || rc=$?
    t1=$(date +%s.%N)
    awk -v a="$t0" -v b="$t1" -v rc="$rc" 'BEGIN { printf "%.2f %d\n", b - a, rc }'
}

audits="" probes=""
for rep in $(seq 1 "$reps"); do
    forget
    read -r wall rc <<<"$(timed audit "$fleetroll" gather-host sandbox -q)"
    printf '  run %d cold audit  wall %7.2f s  exit %d  %s  (load %s)\n' "$rep" "$wall" "$rc" \
        "$(grep -oE '[0-9]+/[0-9]+ hosts ok' "$home/out.audit" | head -1)" "$(cut -d' ' -f1-3 /proc/loadavg)"
    audits+="$wall "
    forget
    "$fleetroll" inventory import "$home/hosts.list" >/dev/null
    read -r wall rc <<<"$(timed probe "$fleetroll" inventory probe)"
    printf '  run %d probe       wall %7.2f s  exit %d  %s  (load %s)\n' "$rep" "$wall" "$rc" \
        "$(tail -1 "$home/out.probe")" "$(cut -d' ' -f1-3 /proc/loadavg)"
    probes+="$wall "
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
a=$(echo "$audits" | median)
p=$(echo "$probes" | median)
echo
echo "== $n hosts, median of $reps runs, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf 'cold audit (gather-host)   %8.2f s\n' "$a"
printf 'probe (inventory probe)    %8.2f s\n' "$p"
awk -v a="$a" -v p="$p" 'BEGIN { printf "probe / cold audit:        %8.2f (target <= 1.00)\n", p / a }'
