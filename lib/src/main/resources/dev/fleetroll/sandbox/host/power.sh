#!/bin/sh
# fleetroll sandbox stand-in for reboot, shutdown, halt and poweroff (installed under all four names).
# The host is a set of namespaces on a shared machine, so these never touch the machine: they ask the
# host's supervisor to restart the host (sshd gone for a few seconds, uptime starts again) or to keep it
# halted until the sandbox powers it on. As over SSH on a real host, the session ends when the host goes.
# With the sandbox's hang fault (HOSTDIR/control/hang) they say the same and do nothing, like a host that
# hangs on its way down.
me=${0##*/}
action=reboot
case $me in
    halt | poweroff) action=halt ;;
    shutdown)
        action=halt
        for a in "$@"; do
            case $a in
                -r | --reboot) action=reboot ;;
                -c) echo "shutdown: no scheduled shutdown to cancel"; exit 0 ;;
            esac
        done
        ;;
esac
if [ "$(id -u)" != 0 ]; then
    echo "$me: must be superuser." >&2
    exit 1
fi
host=$(cat /run/fleetroll-host 2>/dev/null)
delay=3
[ -f "$host/control/reboot-delay" ] && read -r delay <"$host/control/reboot-delay"
if [ -e "$host/control/hang" ]; then
    # the sandbox's hang fault: the command answers as usual, and nothing happens (the host stays up)
    echo "$me: the system is going down ($action) now"
    exit 0
fi
if [ "$action" = reboot ]; then echo "reboot $delay" >/run/power; else echo halt >/run/power; fi
(sleep 1 && kill -TERM 1) </dev/null >/dev/null 2>&1 &
echo "$me: the system is going down ($action) now"
exit 0
