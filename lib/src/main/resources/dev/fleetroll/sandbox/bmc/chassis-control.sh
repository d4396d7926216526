#!/bin/sh
# fleetroll sandbox: ipmi_sim's chassis_control program for one host's BMC (lan.conf: chassis_control
# "/bin/sh .../chassis-control.sh HOSTDIR"). ipmi_sim calls it as
#   chassis-control.sh HOSTDIR get PARM...        -> one "PARM:VALUE" line per PARM (power: 1 on, 0 off; boot)
#   chassis-control.sh HOSTDIR set PARM VAL...     -> nothing on success; an error line and exit 1 otherwise
# "set reset 1" is the reset button, "set power 0"/"set power 1" power off and on (a power cycle is both).
knob=${0%/*}/power-knob.sh
h=$1 op=$2
shift 2
case $op in
    get)
        for p in "$@"; do
            case $p in
                power) echo "power:$(/bin/sh "$knob" "$h" status)" ;;
                boot) echo "boot:default" ;;
                *) echo "unknown parameter $p"; exit 1 ;;
            esac
        done
        ;;
    set)
        while [ $# -ge 2 ]; do
            case $1:$2 in
                reset:1) /bin/sh "$knob" "$h" reset bmc || exit 1 ;;
                reset:0) ;;
                power:0) /bin/sh "$knob" "$h" off bmc || exit 1 ;;
                power:1) /bin/sh "$knob" "$h" on bmc || exit 1 ;;
                boot:*) ;;
                *) echo "cannot set $1 to $2"; exit 1 ;;
            esac
            shift 2
        done
        ;;
    *)
        echo "unknown operation $op"
        exit 1
        ;;
esac
exit 0
