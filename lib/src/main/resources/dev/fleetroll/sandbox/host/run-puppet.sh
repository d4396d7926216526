#!/bin/sh
# fleetroll sandbox stand-in for ronin_puppet's run-puppet.sh: one run, the way the real wrapper does it,
# with a local git repository standing in for GitHub and a file copy standing in for `puppet apply`.
#   - sources the override (PUPPET_REPO, PUPPET_BRANCH, ...) over the defaults
#   - fetches that branch into a working copy and checks it out (detached, like a fresh clone per run)
#   - "applies" it: installs the branch's motd as /etc/motd; exit 2 when that changed something, 0 when
#     not, 1 when the run fails (unknown repository or branch, or the sandbox's fail-puppet fault)
#   - writes last_run_metadata.json with write_puppet_state (references/puppet_state_functions.sh)
# GitHub URLs map to the sandbox's bare repositories through url.<path>.insteadOf entries in
# @SANDBOX@/puppet/gitconfig, so git_repo in the metadata is the GitHub URL, as on a real host.
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
sandbox=@SANDBOX@
. "$sandbox/lib/puppet_state_functions.sh"

# paths from dev.fleetroll.puppet.HostPaths, filled in when the sandbox is written
case $(uname -s) in
    Darwin)
        override=@DARWIN_OVERRIDE@
        vault=@DARWIN_VAULT@
        state=@DARWIN_METADATA@
        ;;
    *)
        override=@LINUX_OVERRIDE@
        vault=@LINUX_VAULT@
        state=@LINUX_METADATA@
        ;;
esac
workdir=$(dirname "$override")/ronin_puppet

PUPPET_REPO='https://github.com/mozilla-platform-ops/ronin_puppet.git'
PUPPET_BRANCH='master'
PUPPET_MAIL='releng-hardware@example.com'
# shellcheck disable=SC1090
[ -f "$override" ] && . "$override"
role=
if [ -f /etc/puppet_role ]; then
    read -r role </etc/puppet_role
    set -f
    # shellcheck disable=SC2086
    set -- $role
    set +f
    role=$*
fi
host=
[ -f /run/fleetroll-host ] && read -r host </run/fleetroll-host

export GIT_CONFIG_GLOBAL="$sandbox/puppet/gitconfig" GIT_CONFIG_NOSYSTEM=1 GIT_TERMINAL_PROMPT=0
start=$(date +%s)
rc=0
echo "run-puppet: role=${role:-none} repo=$PUPPET_REPO branch=$PUPPET_BRANCH"
if ! grep -qixF "	insteadOf = $PUPPET_REPO" "$GIT_CONFIG_GLOBAL"; then
    echo "run-puppet: cannot fetch $PUPPET_REPO (the sandbox has no stand-in for that repository)" >&2
    rc=1
elif [ -d "$workdir/.git" ] && [ "$(git -C "$workdir" config remote.origin.url)" = "$PUPPET_REPO" ]; then
    git -C "$workdir" fetch -q origin "+refs/heads/$PUPPET_BRANCH:refs/remotes/origin/$PUPPET_BRANCH" || rc=1
else
    rm -rf "$workdir"
    git clone -q --template= --shared --no-checkout "$PUPPET_REPO" "$workdir" || rc=1
fi
if [ "$rc" = 0 ]; then
    if ! git -C "$workdir" checkout -q -f --detach "refs/remotes/origin/$PUPPET_BRANCH"; then
        echo "run-puppet: cannot check out $PUPPET_BRANCH from $PUPPET_REPO" >&2
        rc=1
    elif [ -n "$host" ] && [ -e "$host/control/fail-puppet" ]; then
        echo "run-puppet: Error: Could not apply catalog (sandbox fault: $host/control/fail-puppet)" >&2
        rc=1
    elif cmp -s "$workdir/modules/motd/files/motd" /etc/motd; then
        rc=0
    elif cp "$workdir/modules/motd/files/motd" /etc/motd; then
        echo "run-puppet: Notice: /Stage[main]/Motd/File[/etc/motd]/content: content changed"
        rc=2
    else
        rc=1
    fi
fi
end=$(date +%s)
write_puppet_state "$workdir" "$role" "$rc" "$((end - start))" "$override" "$vault" "$state"
echo "run-puppet: exit $rc"
exit "$rc"
