#!/usr/bin/env bash
# bench/gather-fanout.sh [N] [REPS] - cold 200-host (default) audit: fleetroll gather-host vs pdsh -R ssh vs clush,
# all running the same audit script over the same sandbox hosts at fanout 64 with the same OpenSSH client config
# (so the same key exchange, curve25519-sha256), plus a warm round of `gather-host --every` over open connections.
#
# For each tool: median wall seconds, client CPU seconds (user+sys of the tool and its children, from GNU time)
# and peak memory (the summed RSS of the tool's whole process tree, sampled every 100 ms), then the ratios.
# Linux and root only (the sandbox); installs pdsh and clustershell from Debian packages when missing.
# The fleet's sshd processes share the CPU with the client: run it on an otherwise idle machine.
set -euo pipefail
n="${1:-200}"
reps="${2:-3}"
fanout=64
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
fleetroll="$here/fleetroll"

if ! command -v pdsh >/dev/null || ! command -v clush >/dev/null; then
    echo "installing pdsh and clustershell..." >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pdsh clustershell >/dev/null
fi

home="$(mktemp -d /tmp/fleetroll-bench-XXXXXX)"
export FLEETROLL_HOME="$home"
cleanup() {
    "$fleetroll" sandbox down >/dev/null 2>&1 || true
    rm -rf "$home"
}
trap cleanup EXIT

"$fleetroll" --version >/dev/null            # build the jar and its CDS archive outside any timing
"$fleetroll" sandbox up "$n" | grep -E '^(sandbox up|memory)'
config="$home/sandbox/ssh_config"
"$fleetroll" hosts sandbox >"$home/hosts.txt"
"$fleetroll" debug-host-script --wrap >"$home/audit-wrapped.sh"
remote="$(cat "$home/audit-wrapped.sh")"
# every tool gets the same client settings (the sandbox config: curve25519-sha256 first, BatchMode, known hosts)
export PDSH_SSH_ARGS="-F $config -2 -a -x %h"
export PDSH_SSH_ARGS_APPEND=""

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
            fleetroll) r=$(run fleetroll "$fleetroll" gather-host sandbox -q --fanout "$fanout") ;;
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

# warm: two rounds in one process; the second runs over the connections the first opened
r=$(run warm "$fleetroll" gather-host sandbox -q --fanout "$fanout" --every 1s --rounds 2)
cold_round=$(grep -oE '\(([0-9.]+)s\)' "$home/out.warm" | sed -n 1p | tr -d '()s')
warm_round=$(grep -oE '\(([0-9.]+)s\)' "$home/out.warm" | sed -n 2p | tr -d '()s')
echo "  warm: $(tr '\n' ' ' <"$home/out.warm")"

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
awk -v f="${mw[fleetroll]}" -v p="${mw[pdsh]}" -v c="${mw[clush]}" -v fc="${mc[fleetroll]}" -v pc="${mc[pdsh]}" \
    -v cold="$cold_round" -v warm="$warm_round" 'BEGIN {
    best = p < c ? p : c
    printf "\nfleetroll cold wall / faster of pdsh and clush: %.2f (target <= 0.80)\n", f / best
    printf "fleetroll client cpu / pdsh client cpu:         %.2f (target <= 0.50)\n", fc / pc
    printf "warm round / cold round (same process):         %.2f (target <= 0.15)\n", warm / cold
}'
