#!/bin/sh
# fleetroll sandbox: PID 1 of one host, inside its own mount, UTS, PID and time namespaces.
# Arguments: HOSTDIR NAME. Mounts the host's files (HOSTDIR/fstab), sets the hostname, starts sshd, runs the
# first-boot scenario (or, on later boots, puppet as Linux workers do once per boot), starts generic-worker,
# then waits: reaping orphans, and obeying control requests (SIGUSR1 + /run/ctl, written by fleetroll) and
# the host's own reboot/halt commands (SIGTERM after writing /run/power). Exit 99 = the boot failed.
h=$1 name=$2
# our global PID (the machine's /proc is still mounted here) lets fleetroll signal us from outside
read -r gpid _ </proc/self/stat
if ! mount -n -a --fstab "$h/fstab"; then
    echo "host-init $name: mounting the host's files failed (see above)"
    exit 99
fi
echo "$gpid" >/run/init.pid
echo "$h" >/run/fleetroll-host
echo "$name" >/proc/sys/kernel/hostname

sshd_pid=
start_sshd() {
    if [ -n "$sshd_pid" ] && kill -0 "$sshd_pid" 2>/dev/null; then return 0; fi
    /usr/sbin/sshd -D -f "$h/sshd_config" -E "$h/sshd.log" </dev/null &
    sshd_pid=$!
    echo "$sshd_pid" >/run/sshd.pid
}
stop_sshd() {
    [ -n "$sshd_pid" ] || return 0
    kill -CONT "$sshd_pid" 2>/dev/null
    kill -TERM "$sshd_pid" 2>/dev/null
    wait "$sshd_pid" 2>/dev/null
    sshd_pid=
    rm -f /run/sshd.pid
}
control() {
    read -r seq cmd arg </run/ctl || return 0
    case $cmd in
        start-sshd) start_sshd ;;
        stop-sshd) stop_sshd ;;
        restart-sshd) stop_sshd && start_sshd ;;
        tarpit) [ -n "$sshd_pid" ] && kill -STOP "$sshd_pid" ;;
        untarpit) [ -n "$sshd_pid" ] && kill -CONT "$sshd_pid" ;;
        hold-receive)
            # from now on (this boot) /usr/bin/cat is the gate (gate.sh); its next bare call holds after ARG bytes
            if ! grep -q ' /run/gate/real-cat ' /proc/self/mountinfo; then
                mkdir -p /run/gate && : >/run/gate/real-cat && mount -n --bind /usr/bin/cat /run/gate/real-cat \
                    && mount -n --bind "${0%/*}/gate.sh" /usr/bin/cat
            fi
            rm -f /run/gate/cat.taken /run/gate/cat.release /run/gate/cat.held
            echo "$arg" >/run/gate/cat ;;
        release-receive) rm -f /run/gate/cat && : >/run/gate/cat.release ;;
        reboot) echo "reboot ${arg:-3}" >/run/power && exit 0 ;;
        halt) echo halt >/run/power && exit 0 ;;
    esac
    echo "$seq" >/run/ctl.ack
}
trap control USR1
trap 'exit 0' TERM

start_sshd
# the boot sequence becomes generic-worker; while it lives, `wait` blocks on it (reaping orphans meanwhile);
# if it dies, a sleep takes its place so PID 1 keeps waiting instead of spinning
(
    if [ -f "$h/firstboot.sh" ] && [ ! -e "$h/firstboot.done" ]; then
        /bin/sh "$h/firstboot.sh"
        echo $? >"$h/firstboot.done"
    elif [ -e "$h/control/puppet-on-boot" ]; then
        /usr/local/bin/run-puppet.sh
    fi
    # booted once this process runs as the worker (until its exec it is "sh"): an audit right after the boot
    # sees the worker running
    read -r me _ </proc/self/stat
    (
        n=
        while [ "$n" != generic-worker ] && kill -0 "$me" 2>/dev/null; do
            read -r n <"/proc/$me/comm" 2>/dev/null || n=
            [ "$n" = generic-worker ] || sleep 0.01
        done
        : >/run/booted
    ) &
    exec /usr/local/bin/generic-worker infinity
) </dev/null &
anchor=$!
while :; do
    wait "$anchor"
    kill -0 "$anchor" 2>/dev/null || {
        sleep 2147483647 &
        anchor=$!
    }
done
