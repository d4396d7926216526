#!/usr/bin/env bash
# bench/gather-fanout.sh [N...] [REPS] - cold audit of N sandbox hosts (default 200; several sizes: "500 1000" or
# 500,1000): fleetroll gather-host vs pdsh -R ssh vs clush, all running the same audit script over the same sandbox
# hosts at fanout 64 with the same OpenSSH client config (so the same key exchange, curve25519-sha256), plus warm
# rounds of `gather-host --every` over open connections.
#
# For each tool: median wall seconds, client CPU seconds (user+sys of the tool and its children, from GNU time)
# and peak memory (the summed RSS of the tool's whole process tree, sampled every 100 ms), then the ratios.
# Every fleetroll run starts with an empty observation store, so its first round is a full audit like pdsh's and
# clush's (later rounds of one process may use what the earlier rounds saw: that is the warm round).
# Then, per round of one `gather-host --every` process: wall, client CPU and host-side CPU (every process of the
# sandbox fleet: sshd, sessions, shells and what they ran, from cgroup cpuacct). And where a cold host's CPU goes:
# host-side CPU per host of a bare connection (pdsh running `true`) and of the audit over a new connection (pdsh).
# Linux and root only (the sandbox); installs pdsh and clustershell from Debian packages when missing.
# The fleet's sshd processes share the CPU with the client: run it on an otherwise idle machine (the load average
# is printed with every run). Runs unattended; ends with one comparison table for all sizes.
# FLEETROLL_BIN=/other/checkout/fleetroll measures another build with the same method; FLEETROLL_SANDBOX_BIN (default:
# this checkout's launcher) is the one that brings the sandbox up and down, so both see the same fleet.
set -euo pipefail
read -r -a sizes <<<"$(echo "${1:-200}" | tr ',' ' ')"
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

# The fleet's own CPU while nobody talks to it (its supervisors and timers), in CPU seconds per second: measured over
# 4 s before the CPU runs and subtracted, times each window's length, from the host-side CPU below (a window that
# holds a round and the idle gap before the next one otherwise charges the gap's background to the round).
background=0
measure_background() {
    local h0 t0 h1 t1
    h0=$(cg_seconds "$fleet_cg"); t0=$(date +%s.%N)
    sleep 4
    h1=$(cg_seconds "$fleet_cg"); t1=$(date +%s.%N)
    background=$(awk -v a="$h0" -v b="$h1" -v s="$t0" -v e="$t1" 'BEGIN { printf "%.4f", (b - a) / (e - s) }')
}

# cpu_rounds OUT CMD...: runs CMD (a gather-host --every run whose rounds are far apart) in the client cgroup with output
# to OUT, and prints "client_cpu_s host_cpu_s" for each round, read before the start and each time the process reports
# a round (it is idle then); host CPU less the fleet's background over the window.
cpu_rounds() {
    local out=$1; shift
    local h0 c0 h c t0 t seen=0 rounds
    h0=$(cg_seconds "$fleet_cg"); c0=$(cg_seconds "$client_cg"); t0=$(date +%s.%N)
    sh -c 'echo $$ >"$1/cgroup.procs" && shift && exec "$@"' sh "$client_cg" "$@" >"$out" 2>/dev/null &
    local pid=$!
    while kill -0 "$pid" 2>/dev/null; do
        rounds=$(grep -c '^== round' "$out" || true)
        if [ "$rounds" -gt "$seen" ]; then
            sleep 0.2 # the round's summary line follows its header
            h=$(cg_seconds "$fleet_cg"); c=$(cg_seconds "$client_cg"); t=$(date +%s.%N)
            awk -v h="$h" -v h0="$h0" -v c="$c" -v c0="$c0" -v t="$t" -v t0="$t0" -v bg="$background" \
                'BEGIN { printf "%.3f %.3f\n", c - c0, h - h0 - bg * (t - t0) }'
            h0=$h; c0=$c; t0=$t; seen=$rounds
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

cleanup() {
    "$sandbox" sandbox down >/dev/null 2>&1 || true
    cg_cleanup
    rm -rf "$home"
}
trap cleanup EXIT

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

# host_cpu_per_host CMD...: runs CMD (a pdsh run over every host); prints the fleet's CPU per host in ms (less the
# fleet's background over the run)
host_cpu_per_host() {
    local h0 h1 t0 t1
    h0=$(cg_seconds "$fleet_cg"); t0=$(date +%s.%N)
    "$@" >/dev/null 2>&1 || true
    h1=$(cg_seconds "$fleet_cg"); t1=$(date +%s.%N)
    awk -v a="$h0" -v b="$h1" -v s="$t0" -v e="$t1" -v bg="$background" -v n="$n" \
        'BEGIN { printf "%.1f\n", (b - a - bg * (e - s)) * 1000 / n }'
}

summary="$home/summary"
: >"$summary"

# bench_n N: everything above for one fleet size; appends its comparison rows to $summary
bench_n() {
    n=$1
    echo "== $n hosts (load average before: $(load), $(nproc) cores)"
    "$sandbox" sandbox up "$n" | grep -E '^(sandbox up|memory)'
    config="$home/sandbox/ssh_config"
    "$fleetroll" hosts sandbox >"$home/hosts.txt"
    "$fleetroll" debug-host-script --wrap >"$home/audit-wrapped.sh"
    remote="$(cat "$home/audit-wrapped.sh")"
    # every tool gets the same client settings (the sandbox config: curve25519-sha256 first, BatchMode, known hosts)
    export PDSH_SSH_ARGS="-F $config -2 -a -x %h"
    export PDSH_SSH_ARGS_APPEND=""

    local -A walls=() cpus=() peaks=() mw=() mc=() mp=()
    local rep tool r wall cpu peak rc ok
    for rep in $(seq 1 "$reps"); do
        # each rep starts with the next tool: no tool always runs first (on the fleet fresh from its boot) or last
        local order=() k
        for k in "${!tools[@]}"; do order+=("${tools[$(((k + rep - 1) % ${#tools[@]}))]}"); done
        for tool in "${order[@]}"; do
            case $tool in
                fleetroll) forget; r=$(run fleetroll "$fleetroll" gather-host sandbox -q --fanout "$fanout") ;;
                pdsh) r=$(run pdsh pdsh -R ssh -f "$fanout" -w "^$home/hosts.txt" "$remote") ;;
                clush) r=$(run clush clush --nostdin -f "$fanout" -o "-F $config" -w "$(paste -sd, "$home/hosts.txt")" "$remote") ;;
            esac
            read -r wall cpu peak rc <<<"$r"
            ok=$(case $tool in
                fleetroll) grep -oE '[0-9]+/[0-9]+ hosts ok' "$home/out.fleetroll" | head -1 || true ;;
                *) echo "$(grep -c ': END$' "$home/out.$tool" || true)/$n hosts ok" ;;
            esac)
            printf '  run %d %-9s wall %6.2f s  cpu %6.2f s  peak %7.1f MiB  exit %d  %s  (load %s)\n' \
                "$rep" "$tool" "$wall" "$cpu" "$(awk -v p="$peak" 'BEGIN{print p/1024}')" "$rc" "$ok" "$(load)"
            walls[$tool]+="$wall "; cpus[$tool]+="$cpu "; peaks[$tool]+="$peak "
        done
    done

    # warm: three rounds in one process; the second and third run over the connections the first opened
    forget
    r=$(run warm "$fleetroll" gather-host sandbox -q --fanout "$fanout" --every 1s --rounds 3)
    local cold_round warm_round third_round
    cold_round=$(grep -oE '\(([0-9.]+)s\)' "$home/out.warm" | sed -n 1p | tr -d '()s')
    warm_round=$(grep -oE '\(([0-9.]+)s\)' "$home/out.warm" | sed -n 2p | tr -d '()s')
    third_round=$(grep -oE '\(([0-9.]+)s\)' "$home/out.warm" | sed -n 3p | tr -d '()s')
    echo "  warm: $(tr '\n' ' ' <"$home/out.warm")(load $(load))"

    # CPU per round: the same rounds, 8 s apart so that each ends before the next starts. A fourth round takes the
    # process's exit (closing the connections costs the hosts too), and is not reported.
    : >"$home/cpu.rounds"
    local pgid bare full
    bare=- full=-
    pgid=$(sed -n 's/.*"pgid" *: *\([0-9]*\).*/\1/p' "$home/sandbox/state.json" | head -1)
    if cg_setup "$pgid"; then
        sleep 2
        measure_background
        forget
        cpu_rounds "$home/out.cpu" "$fleetroll" gather-host sandbox -q --fanout "$fanout" --every 8s --rounds 4 >"$home/cpu.all"
        head -3 "$home/cpu.all" >"$home/cpu.rounds"
        echo "  cpu:  $(tr '\n' ' ' <"$home/out.cpu")"
        # where a cold host's CPU goes: a bare connection (ssh + session + `true`) vs the audit over a new connection
        bare=$(host_cpu_per_host pdsh -R ssh -f "$fanout" -w "^$home/hosts.txt" true)
        full=$(host_cpu_per_host pdsh -R ssh -f "$fanout" -w "^$home/hosts.txt" "$remote")
        cg_cleanup
        fleet_cg= client_cg=
    fi
    "$sandbox" sandbox down >/dev/null 2>&1 || true

    echo
    echo "== $n hosts, fanout $fanout, median of $reps runs, $(nproc) cores, load average now $(load)"
    printf '%-10s %10s %12s %14s\n' tool 'wall s' 'client cpu s' 'peak MiB'
    for tool in "${tools[@]}"; do
        mw[$tool]=$(echo "${walls[$tool]}" | median)
        mc[$tool]=$(echo "${cpus[$tool]}" | median)
        mp[$tool]=$(echo "${peaks[$tool]}" | median)
        printf '%-10s %10.2f %12.2f %14.1f\n' "$tool" "${mw[$tool]}" "${mc[$tool]}" "$(awk -v p="${mp[$tool]}" 'BEGIN{print p/1024}')"
    done
    printf '%-10s %10.2f %12s %14s\n' 'warm round' "${warm_round:-0}" '' ''
    echo
    echo "== one gather-host --every process (rounds 1-3): wall s (--every 1s run); client and host-side CPU s (--every 8s run)"
    printf '%-8s %8s %12s %12s %22s\n' round 'wall s' 'client cpu' 'host cpu' 'host cpu / host, ms'
    local i=0 client hostcpu
    while read -r client hostcpu; do
        i=$((i + 1))
        wall=$(case $i in 1) echo "$cold_round" ;; 2) echo "$warm_round" ;; *) echo "$third_round" ;; esac)
        printf '%-8s %8.2f %12.2f %12.2f %22.1f\n' "$i" "${wall:-0}" "$client" "$hostcpu" "$(awk -v c="$hostcpu" -v n="$n" 'BEGIN { print c * 1000 / n }')"
    done <"$home/cpu.rounds"
    echo "host cpu / host, ms, pdsh: bare connection (true) $bare; audit over a new connection $full"
    echo "(host-side CPU less the idle fleet's own: $(awk -v b="$background" 'BEGIN { printf "%.0f", b * 1000 }') ms of CPU per second)"
    local fleet_host_cold
    fleet_host_cold=$(awk -v n="$n" 'NR == 1 { printf "%.1f", $2 * 1000 / n }' "$home/cpu.rounds")
    awk -v n="$n" -v f="${mw[fleetroll]}" -v p="${mw[pdsh]}" -v c="${mw[clush]}" -v fc="${mc[fleetroll]}" -v pc="${mc[pdsh]}" \
        -v cc="${mc[clush]}" -v fp="${mp[fleetroll]}" -v pp="${mp[pdsh]}" -v cp="${mp[clush]}" -v cold="${cold_round:-0}" \
        -v warm="${warm_round:-0}" -v hb="$bare" -v hf="$full" -v hc="${fleet_host_cold:--}" -v ld="$(load)" 'BEGIN {
        best = p < c ? p : c
        wr = (cold > 0) ? warm / cold : 0   # computed apart: inside printf a ">" would be taken as a redirection
        printf "\nfleetroll cold wall / faster of pdsh and clush: %.2f (target <= 0.75)\n", f / best
        printf "fleetroll client cpu / pdsh client cpu:         %.2f (target <= 0.30)\n", fc / pc
        printf "fleetroll peak RSS / pdsh peak RSS (trees):     %.2f (target <= 1.00)\n", fp / pp
        printf "warm round / cold round (same process):         %.2f (target <= 0.10)\n", wr
        printf "%-6s %-10s %8.2f %8.2f %8.1f %8s %6s %6s %s\n", n, "fleetroll", f, fc, fp / 1024, warm, hc, "", ld >> "'"$summary"'"
        printf "%-6s %-10s %8.2f %8.2f %8.1f %8s %6s %6s %s\n", n, "pdsh", p, pc, pp / 1024, "", hf, hb, ld >> "'"$summary"'"
        printf "%-6s %-10s %8.2f %8.2f %8.1f %8s %6s %6s %s\n", n, "clush", c, cc, cp / 1024, "", "", "", ld >> "'"$summary"'"
        printf "%-6s %-10s %8.2f %8.2f %8.2f %8.2f %6s %6s\n", n, "ratio", f / best, fc / pc, fp / pp, wr, "", "" >> "'"$summary"'"
    }'
    echo
}

"$fleetroll" --version >/dev/null            # build the jar and its CDS archive outside any timing
"$sandbox" --version >/dev/null
tools=(fleetroll pdsh clush)
for size in "${sizes[@]}"; do
    bench_n "$size"
done

echo "== summary: fanout $fanout, median of $reps runs, $(nproc) cores; ratio row: fleetroll / faster peer (wall),"
echo "   / pdsh (cpu, RSS), warm / cold round. host ms: host-side CPU per host of a cold audit (fleetroll's first"
echo "   round; pdsh over new connections), bare: pdsh running \`true\` (connection cost alone)"
printf '%-6s %-10s %8s %8s %8s %8s %6s %6s %s\n' hosts tool 'wall s' 'cpu s' 'RSS MiB' 'warm s' 'host ms' 'bare' 'load 1/5/15 min'
cat "$summary"
