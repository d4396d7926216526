#!/usr/bin/env bash
# Start-up benchmark: the median wall time of `fleetroll --version`, `fleetroll -e '1+1'`, the console's first
# prompt (in a private tmux server: from starting the session until "fleetroll> " shows) and a plain command that
# loads the configuration and opens the store (`host-monitor --once` on an empty store, which exits 1: no hosts),
# through the ./fleetroll launcher, so build checks and the launcher's class-data/AOT cache are included.
#
#   bench/startup.sh [RUNS]        RUNS per measurement, default 11
#
# Uses a temporary FLEETROLL_HOME; the first (untimed) runs let the launcher build and create its caches.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
fr="$here/fleetroll"
runs="${1:-11}"
home="$(mktemp -d)"
sock="fleetroll-bench-$$"
sockdir="${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)"
trap 'for s in $(cat "$home/.sockets" 2>/dev/null); do tmux -L "$s" kill-server 2>/dev/null || true; rm -f "$sockdir/$s"; done; rm -rf "$home"' EXIT
export FLEETROLL_HOME="$home"

now_ms() { date +%s%3N; }

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

timed() { # prints the wall time of "$@" in ms, output discarded, no terminal
    local start end
    start="$(now_ms)"
    "$@" </dev/null >/dev/null 2>&1
    end="$(now_ms)"
    echo $((end - start))
}

first_prompt() { # ms from starting the console in a new tmux session until its prompt shows
    local start end screen s
    s="$sock-$RANDOM$RANDOM"   # a fresh server each time: a dying server can unlink a new one's socket
    echo "$s" >>"$home/.sockets"
    start="$(now_ms)"
    tmux -L "$s" -f /dev/null new-session -d -x 160 -y 40 "env TERM=screen-256color FLEETROLL_HOME='$home' '$fr'"
    while true; do
        screen="$(tmux -L "$s" capture-pane -p -J 2>/dev/null || true)"
        case "$screen" in *'fleetroll> '*) break ;; esac
        sleep 0.005
        if [ $(( $(now_ms) - start )) -gt 60000 ]; then echo "no prompt after 60 s" >&2; exit 1; fi
    done
    end="$(now_ms)"
    tmux -L "$s" send-keys ':exit' Enter
    sleep 0.5
    tmux -L "$s" kill-server 2>/dev/null || true
    echo $((end - start))
}

# warm-up: build if needed, create the launcher's caches
"$fr" --version >/dev/null
"$fr" -e '1+1' >/dev/null
first_prompt >/dev/null
"$fr" host-monitor --once >/dev/null || true   # exits 1: no hosts in the empty store

report() { # name, list of ms values
    local name="$1"; shift
    local m
    m="$(printf '%s\n' "$@" | median)"
    printf '%-24s median %5.2f s   (%d runs: %s ms)\n' "$name" "$(awk "BEGIN { print $m / 1000 }")" "$#" "$*"
}

v=(); for _ in $(seq "$runs"); do v+=("$(timed "$fr" --version)"); done
report "fleetroll --version" "${v[@]}"
e=(); for _ in $(seq "$runs"); do e+=("$(timed "$fr" -e '1+1')"); done
report "fleetroll -e '1+1'" "${e[@]}"
p=(); for _ in $(seq "$runs"); do p+=("$(first_prompt)"); done
report "console first prompt" "${p[@]}"
m=(); for _ in $(seq "$runs"); do m+=("$(timed "$fr" host-monitor --once)"); done
report "host-monitor --once" "${m[@]}"
echo "(java: $(cat "$here/console/target/.java-path" 2>/dev/null || echo '?'); load: $(cut -d' ' -f1-3 /proc/loadavg))"
