#!/bin/sh
# fleetroll sandbox: the host's `cat` once a receive gate is armed (RunningSandbox.holdReceive). The first `cat`
# without arguments that takes the gate (an atomic rename of /run/gate/cat) passes the gate's byte count of its
# input, says so (/run/gate/cat.held) and waits for /run/gate/cat.release before copying the rest; every other
# call is the real cat. A write's content arrives through such a cat, so a spec can cut a write at an exact point.
g=/run/gate/cat
if [ $# -eq 0 ] && [ -f "$g" ] && mv "$g" "$g.taken" 2>/dev/null; then
    head -c "$(/run/gate/real-cat "$g.taken")" || exit 1
    : >"$g.held"
    while [ ! -e "$g.release" ]; do sleep 0.02; done
    rm -f "$g.taken" "$g.release" "$g.held"
fi
exec /run/gate/real-cat "$@"
