#!/bin/sh
# fleetroll sandbox: the power wiring of one host, outside the host, for its BMC (ipmi_sim) and its PDU outlet
# (snmpd). Usage: power-knob.sh HOSTDIR reset|off|on|status WHO
#   reset   a reset button or outlet reboot: the host restarts (down for its reboot delay, then boots);
#           nothing happens while it is halted (no power)
#   off     the host halts, as after `halt`, and stays off until `on` (waits until it is down)
#   on      a halted host boots
#   status  prints 1 (on) or 0 (off)
# It uses the host's own power knobs, as its reboot/halt stand-ins and RunningSandbox.reboot/powerOff/powerOn do:
# a request in HOSTDIR/run/power and SIGTERM to the host's PID 1; HOSTDIR/power-on to boot a halted host.
# Each action is one line in HOSTDIR/console.log.
h=$1 action=$2 who=${3:-bmc}
[ -d "$h" ] || { echo "no such sandbox host directory: $h"; exit 1; }
note() { echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) $who: $*" >>"$h/console.log"; }
halted() { [ -e "$h/halted" ] && [ ! -e "$h/power-on" ]; }
init_pid() {
    pid=
    [ -f "$h/run/init.pid" ] && read -r pid <"$h/run/init.pid"
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}
case $action in
    status)
        if halted; then echo 0; else echo 1; fi
        ;;
    reset)
        if halted; then note "reset ignored: the host is off"; exit 0; fi
        pid=$(init_pid) || { note "reset: the host is already restarting"; exit 0; }
        delay=3
        [ -f "$h/control/reboot-delay" ] && read -r delay <"$h/control/reboot-delay"
        note "reset: the host restarts"
        echo "reboot $delay" >"$h/run/power" && kill -TERM "$pid"
        ;;
    off)
        if halted; then exit 0; fi
        pid=$(init_pid) || { note "power off: the host is restarting; it halts when it is back"; exit 0; }
        note "power off"
        echo halt >"$h/run/power" && kill -TERM "$pid"
        n=0
        while [ ! -e "$h/halted" ] && [ $n -lt 600 ]; do sleep 0.1; n=$((n + 1)); done
        ;;
    on)
        req=
        [ -f "$h/run/power" ] && read -r req <"$h/run/power"
        if [ -e "$h/halted" ] || [ "$req" = halt ]; then note "power on"; : >"$h/power-on"; fi
        ;;
    *)
        echo "power-knob.sh: unknown action '$action' (reset, off, on, status)"
        exit 1
        ;;
esac
exit 0
