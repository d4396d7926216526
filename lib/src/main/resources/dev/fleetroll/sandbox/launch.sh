#!/bin/sh
# fleetroll sandbox: starts one supervisor per line of $1 ("HOSTDIR NAME BOOTTIME_OFFSET"), each in the
# background with its output in HOSTDIR/console.log, and exits. With $2 and $3, it first starts the script $2
# (the sandbox's Taskcluster and GitHub stand-ins) in the background with its output appended to $3.
# fleetroll runs this under setsid, so every supervisor, namespace init and sshd of the fleet, and the
# stand-ins, share this process's group: one kill of the group stops the whole fleet, whatever happened to
# the process that started it.
lib=${0%/*}
echo $$
if [ -n "$2" ]; then
    /bin/sh "$2" </dev/null >>"$3" 2>&1 &
fi
while read -r h name off; do
    /bin/sh "$lib/supervisor.sh" "$h" "$name" "$off" </dev/null >>"$h/console.log" 2>&1 &
done <"$1"
