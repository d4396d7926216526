#!/bin/sh
# fleetroll sandbox: starts one supervisor per line of $1 ("HOSTDIR NAME BOOTTIME_OFFSET"), each in the
# background with its output in HOSTDIR/console.log, and exits. Each further pair SCRIPT LOG (the sandbox's
# Taskcluster and GitHub stand-ins; its BMCs and PDU) is first started in the background with its output
# appended to LOG.
# fleetroll runs this under setsid, so every supervisor, namespace init and sshd of the fleet, and the
# stand-ins, share this process's group: one kill of the group stops the whole fleet, whatever happened to
# the process that started it.
lib=${0%/*}
echo $$
list=$1
shift
while [ $# -ge 2 ]; do
    /bin/sh "$1" </dev/null >>"$2" 2>&1 &
    shift 2
done
while read -r h name off; do
    /bin/sh "$lib/supervisor.sh" "$h" "$name" "$off" </dev/null >>"$h/console.log" 2>&1 &
done <"$list"
