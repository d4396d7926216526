#!/bin/sh
# fleetroll sandbox: keeps one host running. Boots it - host-init.sh as PID 1 of new mount, UTS, PID and
# time namespaces, with a boot-time offset that gives the host its own uptime - and boots it again when the
# host asks (its reboot command, or the sandbox's reboot fault). Arguments: HOSTDIR NAME BOOTTIME_OFFSET.
# Runs outside the host; a host that halts stays down until HOSTDIR/power-on appears.
lib=${0%/*}
h=$1 name=$2 off=$3
echo $$ >"$h/supervisor.pid"
boots=0
while :; do
    boots=$((boots + 1))
    echo "$boots" >"$h/boots"
    echo "$off" >"$h/boot-offset"
    unshare --mount --uts --pid --time --fork --kill-child --boottime "$off" -- /bin/sh "$lib/host-init.sh" "$h" "$name" &
    echo $! >"$h/unshare.pid"
    wait $!
    rc=$?
    if [ "$rc" = 99 ]; then
        echo "supervisor $name: boot failed; the host stays down"
        : >"$h/boot-failed"
        exit 1
    fi
    req=
    [ -f "$h/run/power" ] && read -r req <"$h/run/power"
    # /run is per boot, as on a real host (sshd/ is the privilege-separation directory and stays)
    for f in "$h"/run/* "$h"/run/.[!.]*; do
        case ${f##*/} in sshd | '*' | '.[!.]*') ;; *) rm -rf "$f" ;; esac
    done
    case $req in
        halt)
            echo "supervisor $name: halted; waiting for $h/power-on"
            : >"$h/halted"
            while [ ! -e "$h/power-on" ]; do sleep 1; done
            rm -f "$h/power-on" "$h/halted"
            # a powered-on machine takes a moment to boot; a new boot's uptime starts at 1 to 2 s (below), so an
            # instant boot would look as if it began before the power-on (the reboot ladder compares the two)
            delay=2
            ;;
        reboot*) delay=${req#reboot} ;;
        *)
            echo "supervisor $name: init exited ($rc) without a request; rebooting"
            delay=3
            ;;
    esac
    sleep ${delay:-3}
    # the new boot starts at an uptime of about one second
    read -r up _ </proc/uptime
    off=$((1 - ${up%.*}))
done
