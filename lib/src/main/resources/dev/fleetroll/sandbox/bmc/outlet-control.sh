#!/bin/sh
# fleetroll sandbox: snmpd's "pass" program for the sandbox PDU's outlet control column (APC PowerNet
# sPDUOutletCtl, @OID@.N: 1 on, 2 off, 3 reboot; reads give 1 on or 2 off). Outlet N powers the host whose
# directory is line N of @OUTLETS@. snmpd calls it as
#   outlet-control.sh -g OID          get:     OID, type, value on three lines (nothing: no such object)
#   outlet-control.sh -n OID          getnext: the same for the next outlet
#   outlet-control.sh -s OID TYPE V   set:     nothing on success, else not-writable / wrong-type / wrong-value
knob=${0%/*}/power-knob.sh
base=@OID@
outlets=@OUTLETS@
count=$(wc -l <"$outlets")
hostdir() { sed -n "${1}p" "$outlets"; }
index() {
    case ${1#"$base".} in
        "$1" | *[!0-9]* | '' | 0*) return 1 ;;
    esac
    i=${1#"$base".}
    [ "$i" -ge 1 ] && [ "$i" -le "$count" ] && echo "$i"
}
show() {
    echo "$base.$1"
    echo integer
    if [ "$(/bin/sh "$knob" "$(hostdir "$1")" status)" = 1 ]; then echo 1; else echo 2; fi
}
case $1 in
    -g)
        i=$(index "$2") && show "$i"
        ;;
    -n)
        if [ "$2" = "$base" ] || [ "${2#"$base".}" = "$2" ]; then
            case $2 in "$base"* | '') i=1 ;; *) i=$((count + 1)) ;; esac
        else
            i=${2#"$base".}
            i=$(( ${i%%.*} + 1 ))
        fi
        [ "$i" -le "$count" ] && show "$i"
        ;;
    -s)
        i=$(index "$2") || { echo not-writable; exit 0; }
        [ "$3" = integer ] || { echo wrong-type; exit 0; }
        h=$(hostdir "$i")
        case $4 in
            1) /bin/sh "$knob" "$h" on pdu ;;
            2) /bin/sh "$knob" "$h" off pdu ;;
            3) /bin/sh "$knob" "$h" reset pdu ;;
            *) echo wrong-value ;;
        esac
        ;;
esac
exit 0
