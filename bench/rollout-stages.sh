#!/usr/bin/env bash
# bench/rollout-stages.sh [N] - a staged rollout over an N-host sandbox (default 500) in 4 stages (a canary, 33%,
# 33%, the rest), without Puppet runs and without soak, so what is timed is fleetroll's own work per stage: the
# gate's re-audit of the stage's hosts, the override push (atomic write script over SSH), the re-audit of the pushed
# hosts, the gate evaluation and the store updates, plus the JVM start of each CLI command.
#
# Prints, per command: wall seconds; the JVM-start baseline (`fleetroll rollout list` on the same store); and per
# stage the wall minus that baseline. Linux and root only (the sandbox). Run it on an otherwise idle machine: the
# fleet's sshd processes share the CPU with the client.
set -euo pipefail
n="${1:-500}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
fleetroll="${FLEETROLL_BIN:-$here/fleetroll}"

home="$(mktemp -d /tmp/fleetroll-bench-XXXXXX)"
export FLEETROLL_HOME="$home"
cleanup() {
    "$fleetroll" sandbox down >/dev/null 2>&1 || true
    rm -rf "$home"
}
trap cleanup EXIT

# the rollout's own phase timings (gate audit, evaluation and store; push and re-audit; store) go to stderr
export FLEETROLL_JAVA_OPTS="${FLEETROLL_JAVA_OPTS:-} -Dorg.slf4j.simpleLogger.log.dev.fleetroll.rollout.Rollouts=debug"

now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }

echo "== sandbox up $n (load average: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores)"
"$fleetroll" sandbox up "$n" | grep -E '^(sandbox up|memory)'

# the sandbox's own resolverd-fix override: hosts that already carry it take it as unchanged
override="$home/resolverd-fix.override"
cat >"$override" <<'OVR'
# fleetroll sandbox: roll out resolverd-fix of ronin_puppet
PUPPET_REPO='https://github.com/mozilla-platform-ops/ronin_puppet.git'
PUPPET_BRANCH='resolverd-fix'
PUPPET_MAIL='releng-hardware@example.com'
# WORKER_TYPE_OVERRIDE='gecko-t-linux-talos-1804-staging'
OVR

# hosts with another override must be skipped by name (a rollout will not start over them)
skip="$("$fleetroll" -e "println hosts('sandbox').audit().where { override != null && override.branch != 'resolverd-fix' }.names().join(',')" 2>/dev/null | tail -n1)"
canary="$("$fleetroll" -e "println hosts('sandbox').where { override == null }.names()[0]" 2>/dev/null | tail -n1)"
echo "skipping $(echo "$skip" | tr ',' '\n' | grep -c . || true) hosts with another override; canary $canary"

t0=$(now); "$fleetroll" rollout list >/dev/null; t1=$(now)
base=$(secs "$t0" "$t1")
t0=$(now); "$fleetroll" rollout list >/dev/null; t1=$(now)
base2=$(secs "$t0" "$t1")
base=$(awk -v a="$base" -v b="$base2" 'BEGIN { printf "%.2f", (a < b ? a : b) }')
echo "JVM start + store open (rollout list): ${base}s"

args=(--override "$override" --canary "$canary" --batches 33%,33%,rest --gate 'reachable=y ovr_bch~resolverd' --no-puppet --confirm)
[ -n "$skip" ] && args+=(--skip "$skip")
t0=$(now); "$fleetroll" rollout start bench sandbox "${args[@]}" >"$home/start.txt" 2>"$home/start.err"; t1=$(now)
w=$(secs "$t0" "$t1")
echo "start (audit of every target + canary push + re-audit): wall ${w}s, minus JVM start $(secs "$base" "$w")s"
grep -E 'rollout bench: (gate|canary|stage)' "$home/start.err" | sed -E 's/^.*DEBUG[^-]*- /    /' || true
for stage in 1 2 3 4; do
    t0=$(now)
    "$fleetroll" rollout advance bench --confirm >"$home/advance-$stage.txt" 2>"$home/advance-$stage.err" || true
    t1=$(now)
    w=$(secs "$t0" "$t1")
    hosts=$(grep -E '^WRITE: rollout bench: advance' "$home/advance-$stage.txt" | sed -E 's/.* on ([0-9]+) hosts?:.*/\1/' || true)
    echo "advance $stage (gate re-audit of the stage + push to ${hosts:-0} hosts + re-audit): wall ${w}s, minus JVM start $(secs "$base" "$w")s"
    grep -E 'rollout bench: (gate|canary|stage)' "$home/advance-$stage.err" | sed -E 's/^.*DEBUG[^-]*- /    /' || true
done
"$fleetroll" rollout status bench | head -n 12
