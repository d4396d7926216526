#!/bin/bash
# run-puppet.sh - example run-puppet wrapper for a Linux ronin_puppet host, showing where fleetroll's
# last_run_metadata.json comes from. Install as /usr/local/bin/run-puppet.sh with the state functions at
# /etc/puppet/lib/puppet_state_functions.sh; a systemd unit runs it once per boot, and generic-worker waits
# for /tmp/puppet_run_done.
#
#   - defaults, then the override file (/etc/puppet/ronin_settings: PUPPET_REPO, PUPPET_BRANCH, PUPPET_MAIL,
#     optional WORKER_TYPE_OVERRIDE) sourced over them, so an override rolls a branch out to this host
#   - a fresh clone of that branch, applied with --detailed-exitcodes (0 nothing changed, 2 changes applied,
#     4 or 6 failures)
#   - after every attempt, successful or not, write_puppet_state records what was applied
#   - retries every 10 minutes until a run succeeds, unless FLEETROLL_SINGLE_RUN=1 (fleetroll's
#     host-run-puppet asks for exactly one bounded attempt)
#
# The sandbox's hosts run a stand-in of this wrapper (lib/src/main/resources/dev/fleetroll/sandbox/host/
# run-puppet.sh) that "applies" a branch by copying a file instead of running puppet.
set -u

OVERRIDE_FILE=/etc/puppet/ronin_settings
VAULT_FILE=/root/vault.yaml
ROLE_FILE=/etc/puppet_role
STATE_FILE=/etc/puppet/last_run_metadata.json
STATE_FUNCTIONS=/etc/puppet/lib/puppet_state_functions.sh
DONE_SEMAPHORE=/tmp/puppet_run_done
RETRY_SECONDS=600

PUPPET_REPO='https://github.com/mozilla-platform-ops/ronin_puppet.git'
PUPPET_BRANCH='master'
PUPPET_MAIL='releng-hardware@mozilla.com'
WORKER_TYPE_OVERRIDE=''

# shellcheck source=/dev/null
[ -f "$OVERRIDE_FILE" ] && . "$OVERRIDE_FILE"

# Without the functions the run still happens; only the record is missing.
if [ -r "$STATE_FUNCTIONS" ]; then
    # shellcheck source=puppet_state_functions.sh
    . "$STATE_FUNCTIONS"
else
    write_puppet_state() { echo "run-puppet: $STATE_FUNCTIONS missing; no run metadata written" >&2; }
fi

role=''
[ -f "$ROLE_FILE" ] && role=$(tr -s '[:space:]' ' ' <"$ROLE_FILE" | sed 's/^ //; s/ $//')
if [ -z "$role" ]; then
    echo "run-puppet: no role in $ROLE_FILE; refusing to guess what this host is" >&2
fi

run_once() {
    local workdir start rc
    workdir=$(mktemp -d /tmp/ronin_puppet.XXXXXX) || return 1
    start=$(date +%s)
    rc=1
    if git clone --quiet --depth 1 --branch "$PUPPET_BRANCH" "$PUPPET_REPO" "$workdir" && [ -n "$role" ]; then
        # the role decides which roles_profiles class the catalog includes
        FACTER_puppet_role="$role" /opt/puppetlabs/bin/puppet apply \
            --modulepath="$workdir/modules:$workdir/r10k_modules" \
            --hiera_config="$workdir/hiera.yaml" \
            --detailed-exitcodes --logdest=console --logdest=syslog \
            "$workdir/manifests/"
        rc=$?
    fi
    write_puppet_state "$workdir" "$role" "$rc" "$(($(date +%s) - start))" "$OVERRIDE_FILE" "$VAULT_FILE" "$STATE_FILE"
    rm -rf "$workdir"
    return "$rc"
}

while :; do
    run_once
    rc=$?
    if [ "$rc" -eq 0 ] || [ "$rc" -eq 2 ]; then
        if [ -n "$WORKER_TYPE_OVERRIDE" ]; then
            /usr/local/bin/change_workertype.py "$WORKER_TYPE_OVERRIDE"
        fi
        touch "$DONE_SEMAPHORE"
        exit 0
    fi
    if [ "${FLEETROLL_SINGLE_RUN:-0}" = 1 ]; then
        echo "run-puppet: run failed (exit $rc); single run requested, not retrying" >&2
        exit "$rc"
    fi
    echo "run-puppet: run failed (exit $rc); retrying in $RETRY_SECONDS s (report to $PUPPET_MAIL)" >&2
    sleep "$RETRY_SECONDS"
done
