#!/bin/sh
# fleetroll: a host's gated program (bind-mounted over /usr/bin/cat or /usr/bin/sync; the name comes from $0). It is
# the real program (/run/gate/real-NAME) until a gate is armed (/run/gate/NAME holds a byte count). Then the first
# call that takes the gate (an atomic rename) holds: cat without arguments (how a write's content arrives) first
# passes that many bytes of its input; sync holds before syncing. It says so (/run/gate/NAME.held) and waits for
# /run/gate/NAME.release before going on as the real program. Specs cut a write at an exact point with it: the
# sandbox (RunningSandbox.holdReceive) and WriteHosts (which puts its own directory in place of /run/gate).
p=${0##*/}
g=/run/gate/$p
if { [ "$p" != cat ] || [ $# -eq 0 ]; } && [ -f "$g" ] && mv "$g" "$g.taken" 2>/dev/null; then
    if [ "$p" = cat ]; then
        read -r n <"$g.taken"
        head -c "$n" || exit 1
    fi
    : >"$g.held"
    while [ ! -e "$g.release" ]; do sleep 0.02; done
    rm -f "$g.taken" "$g.release" "$g.held"
fi
exec "/run/gate/real-$p" "$@"
