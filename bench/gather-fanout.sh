#!/usr/bin/env bash
# bench/gather-fanout.sh [N] [REPS] - cold 200-host (default) audit: fleetroll gather-host vs pdsh -R ssh vs clush,
# all running the same audit script over the same sandbox hosts at fanout 64 with the same OpenSSH client config
# (so the same key exchange, curve25519-sha256), plus warm rounds of `gather-host --every` over open connections.
#
# For each tool: median wall seconds, client CPU seconds (user+sys of the tool and its children, from GNU time)
# and peak memory (the summed RSS of the tool's whole process tree, sampled every 100 ms), then the ratios.
# Every fleetroll run starts with an empty observation store, so its first round is a full audit like pdsh's and
# clush's (later rounds of one process may use what the earlier rounds saw: that is the warm round).
# Then, per round of one `gather-host --every` process: wall, client CPU and host-side CPU (every process of the
# sandbox fleet: sshd, sessions, shells and what they ran, from /proc, read between rounds).
# Linux and root only (the sandbox); installs pdsh and clustershell from Debian packages when missing.
# The fleet's sshd processes share the CPU with the client: run it on an otherwise idle machine.
# FLEETROLL_BIN=/other/checkout/fleetroll measures another build with the same method; FLEETROLL_SANDBOX_BIN (default:
# this checkout's launcher) is the one that brings the sandbox up and down, so both see the same fleet.
set -euo pipefail
n="${1:-200}"
reps="${2:-3}"
fanout=64
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
fleetroll="${FLEETROLL_BIN:-$here/fleetroll}"
sandbox="${FLEETROLL_SANDBOX_BIN:-$here/fleetroll}"

# the peers, and GNU time for client CPU (Debian packages; 'apt-get update' only when the plain install fails)
if ! command -v pdsh >/dev/null || ! command -v clush >/dev/null || [ ! -x /usr/bin/time ]; then
    echo "installing pdsh, clustershell and time..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -qq pdsh clustershell time >/dev/null \
        || { apt-get update -qq >/dev/null && apt-get install -y -qq pdsh clustershell time >/dev/null; }
fi

home="$(mktemp -d /tmp/fleetroll-bench-XXXXXX)"
export FLEETROLL_HOME="$home"
cleanup() {
    "$sandbox" sandbox down >/dev/null 2>&1 || true
    cg_cleanup
    rm -rf "$home"
}
trap cleanup EXIT

"$fleetroll" --version >/dev/null            # build the jar and its CDS archive outside any timing
"$sandbox" --version >/dev/null
"$sandbox" sandbox up "$n" | grep -E '^(sandbox up|memory)'
config="$home/sandbox/ssh_config"
"$fleetroll" hosts sandbox >"$home/hosts.txt"
"$fleetroll" debug-host-script --wrap >"$home/audit-wrapped.sh"
remote="$(cat "$home/audit-wrapped.sh")"
# every tool gets the same client settings (the sandbox config: curve25519-sha256 first, BatchMode, known hosts)
export PDSH_SSH_ARGS="-F $config -2 -a -x %h"
export PDSH_SSH_ARGS_APPEND=""

# an empty observation store: the next fleetroll process knows nothing of earlier runs
forget() {
    rm -f "$home/fleetroll.db" "$home/fleetroll.db-wal" "$home/fleetroll.db-shm"
}

# pids of the process trees rooted at the processes of process group $1 (the sandbox fleet: launch, supervisors,
# each host's init and sshd; later forks inherit the cgroup, whatever session they make)
tree_pids() {
    # cat, not awk on the files: processes come and go while they are read
    { cat /proc/[0-9]*/stat 2>/dev/null || true; } | awk -v id="$1" '
        { line = $0; sub(/^[0-9]+ \(.*\) /, "", line); split(line, f, " "); ppid[$1] = f[2]; pgrp[$1] = f[3] }
        END {
            for (p in ppid) {
                q = p
                while (q != "" && q > 1 && pgrp[q] != id) q = ppid[q]
                if (q != "" && pgrp[q] == id) print p
            }
        }'
}

# Host-side and client CPU come from cgroup v1 cpuacct (scheduler run time in ns, dead processes included): the fleet's
# processes are moved into one group, the client starts in another.
cg_root=/sys/fs/cgroup/cpuacct
fleet_cg= client_cg=
cg_setup() {
    [ -w "$cg_root/cgroup.procs" ] || { echo "  (no writable cgroup v1 cpuacct: no CPU per round)" >&2; return 1; }
    fleet_cg="$cg_root/fleetroll-bench-fleet-$$"
    client_cg="$cg_root/fleetroll-bench-client-$$"
    mkdir -p "$fleet_cg" "$client_cg"
    local p
    for p in $(tree_pids "$1"); do echo "$p" >"$fleet_cg/cgroup.procs" 2>/dev/null || true; done
}
cg_cleanup() {
    local g p
    for g in "$fleet_cg" "$client_cg"; do
        [ -n "$g" ] && [ -d "$g" ] || continue
        for p in $(cat "$g/cgroup.procs" 2>/dev/null); do echo "$p" >"$cg_root/cgroup.procs" 2>/dev/null || true; done
        rmdir "$g" 2>/dev/null || true
    done
}
cg_seconds() {
    awk '{ printf "%.3f\n", $1 / 1e9 }' "$1/cpuacct.usage"
}

# cpu_rounds OUT CMD...: runs CMD (a gather-host --every run whose rounds are far apart) in the client cgroup with output
# to OUT, and prints "client_cpu_s host_cpu_s" for each round, read before the start and each time the process reports
# a round (it is idle then).
cpu_rounds() {
    local out=$1; shift
    local h0 c0 h c seen=0 rounds
    h0=$(cg_seconds "$fleet_cg"); c0=$(cg_seconds "$client_cg")
    sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$client_cg" "$@" >"$out" 2>/dev/null &
    local pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        rounds=$(grep -c '^== round' "$out" || true)
        if [ "$rounds" -gt "$seen" ]; then
            sleep 0.2 # the round's summary line follows its header
            h=$(cg_seconds "$fleet_cg"); c=$(cg_seconds "$client_cg")
            awk -v h="$h" -v h0="$h0" -v c="$c" -v c0="$c0" 'BEGIN { printf "%.3f %.3f\n", c - c0, h - h0 }'
            h0=$h; c0=$c; seen=$rounds
        fi
        sleep 0.05
    done
    wait "$pid" || true
}

# peak summed RSS (KiB) of a process tree, sampled until it exits
watch_rss() {
    local root=$1 peak=0 cur
    while kill -0 "$root" 2>/dev/null; do
        cur=$(ps -e -o pid=,ppid=,rss= | awk -v r="$root" '
            { pp[$1] = $2; rss[$1] = $3 }
            END { for (p in pp) { q = p; while (q != "" && q != 0 && q != r) q = pp[q]; if (q == r) s += rss[p] } print s + 0 }')
        [ "$cur" -gt "$peak" ] && peak=$cur
        sleep 0.1
    done
    echo "$peak"
}

# run NAME CMD...: one timed run; prints "wall cpu peak_kib exit"
run() {
    local name=$1; shift
    local tf="$home/time.$name"
    /usr/bin/time -f '%e %U %S' -o "$tf" "$@" >"$home/out.$name" 2>"$home/err.$name" &
    local pid=$!
    local peak; peak=$(watch_rss "$pid")
    local rc=0; wait "$pid" || rc=$?
    read -r wall user sys <"$tf"
    awk -v w="$wall" -v u="$user" -v s="$sys" -v p="$peak" -v rc="$rc" 'BEGIN { printf "%.2f %.2f %d %d\n", w, u + s, p, rc }'
}

declare -A walls cpus peaks
tools=(fleetroll pdsh clush)
for rep in $(seq 1 "$reps"); do
    for tool in "${tools[@]}"; do
        case $tool in
            fleetroll) forget; r=$(run fleetroll "$fleetroll" gather-host sandbox -q --fanout "$fanout") ;;
            pdsh) r=$(run pdsh pdsh -R ssh -f "$fanout" -w "^$home/hosts.txt" "$remote") ;;
            clush) r=$(run clush clush --nostdin -f "$fanout" -o "-F $config" -w "$(paste -sd, "$home/hosts.txt")" "$remote") ;;
        esac
        read -r wall cpu peak rc <<<"$r"
        ok=$(case $tool in
            fleetroll) grep -oE '[0-9]+/[0-9]+ hosts ok' "$home/out.fleetroll" | head -1 ;;
            *) echo "$(grep -c ': END$' "$home/out.$tool")/$n hosts ok" ;;
        esac)
        printf '  run %d %-9s wall %6.2f s  cpu %6.2f s  peak %7.1f MiB  exit %d  %s  (load %s)\n' \
            "$rep" "$tool" "$wall" "$cpu" "$(awk -v p="$peak" 'BEGIN{print p/1024}')" "$rc" "$ok" "$(cut -d' ' -f1 /proc/loadavg)"
        walls[$tool]+="$wall "; cpus[$tool]+="$cpu "; peaks[$tool]+="$peak "
    done
done

# warm: three rounds in one process; the second and third run over the connections the first opened
forget
r=$(run warm "$fleetroll" gather-host sandbox -q --fanout "$fanout" --every 1s --rounds 3)
cold_round=$(grep -oE '\(([0-9.]+)s\)' "$home/out.warm" | sed -n 1p | tr -d '()s')
warm_round=$(grep -oE '\(([0-9.]+)s\)' "$home/out.warm" | sed -n 2p | tr -d '()s')
third_round=$(grep -oE '\(([0-9.]+)s\)' "$home/out.warm" | sed -n 3p | tr -d '()s')
echo "  warm: $(tr '\n' ' ' <"$home/out.warm")"

# CPU per round: the same rounds, 8 s apart so that each ends before the next starts. A fourth round takes the
# process's exit (closing 200 connections costs the hosts too), and is not reported.
: >"$home/cpu.rounds"
pgid=$(sed -n 's/.*"pgid" *: *\([0-9]*\).*/\1/p' "$home/sandbox/state.json" | head -1)
if cg_setup "$pgid"; then
    sleep 2
    forget
    cpu_rounds "$home/out.cpu" "$fleetroll" gather-host sandbox -q --fanout "$fanout" --every 8s --rounds 4 >"$home/cpu.all"
    head -3 "$home/cpu.all" >"$home/cpu.rounds"
    echo "  cpu:  $(tr '\n' ' ' <"$home/out.cpu")"
fi

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
echo
echo "== $n hosts, fanout $fanout, median of $reps runs, $(nproc) cores"
printf '%-10s %10s %12s %14s\n' tool 'wall s' 'client cpu s' 'peak MiB'
declare -A mw mc
for tool in "${tools[@]}"; do
    mw[$tool]=$(echo "${walls[$tool]}" | median)
    mc[$tool]=$(echo "${cpus[$tool]}" | median)
    mp=$(echo "${peaks[$tool]}" | median)
    printf '%-10s %10.2f %12.2f %14.1f\n' "$tool" "${mw[$tool]}" "${mc[$tool]}" "$(awk -v p="$mp" 'BEGIN{print p/1024}')"
done
printf '%-10s %10.2f %12s %14s\n' 'warm round' "$warm_round" '' ''
echo
echo "== one gather-host --every process (rounds 1-3): wall s (--every 1s run); client and host-side CPU s (--every 8s run)"
printf '%-8s %8s %12s %12s %22s\n' round 'wall s' 'client cpu' 'host cpu' 'host cpu / host, ms'
i=0
while read -r client hostcpu; do
    i=$((i + 1))
    wall=$(case $i in 1) echo "$cold_round" ;; 2) echo "$warm_round" ;; *) echo "$third_round" ;; esac)
    printf '%-8s %8.2f %12.2f %12.2f %22.1f\n' "$i" "$wall" "$client" "$hostcpu" "$(awk -v c="$hostcpu" -v n="$n" 'BEGIN { print c * 1000 / n }')"
done <"$home/cpu.rounds"
awk -v f="${mw[fleetroll]}" -v p="${mw[pdsh]}" -v c="${mw[clush]}" -v fc="${mc[fleetroll]}" -v pc="${mc[pdsh]}" \
    -v cold="$cold_round" -v warm="$warm_round" 'BEGIN {
    best = p < c ? p : c
    printf "\nfleetroll cold wall / faster of pdsh and clush: %.2f (target <= 0.80)\n", f / best
    printf "fleetroll client cpu / pdsh client cpu:         %.2f (target <= 0.50)\n", fc / pc
    printf "warm round / cold round (same process):         %.2f (target <= 0.15)\n", warm / cold
}'
