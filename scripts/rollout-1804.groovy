// The saved procedure for rolling resolverd-fix out to the Ubuntu 18.04 workers, stage by stage: audit, push to a
// canary, run Puppet there, check the gate, then batches of 25% and the rest, each gated the same way. A host that
// fails the gate stops the rollout (it is paused, the script exits 1); fix it or advance with force and a reason:
//   fleetroll rollout advance resolverd-fix-1804 --force --reason '...' --confirm
//
//   fleetroll run scripts/rollout-1804.groovy --dry-run                     (the plan only)
//   fleetroll run scripts/rollout-1804.groovy --confirm                     (linux/1804)
//   fleetroll run scripts/rollout-1804.groovy --confirm -- sandbox          (rehearse on the sandbox)
//   args: HOST_LIST [OVERRIDE_FILE [ROLLOUT_NAME [GATE [SOAK]]]]
//
// The rollout is kept in the store: run the script again after a pause, a Ctrl-C or a crash and it continues where it
// stopped; `fleetroll rollout status resolverd-fix-1804` shows where that is, from any console.

def list = args ? args[0] : 'linux/1804'
def change = args.size() > 1 ? args[1] : 'configs/overrides/resolverd-fix.override'
def name = args.size() > 2 ? args[2] : 'resolverd-fix-1804'
def gateQuery = args.size() > 3 ? args[3] : 'applied=y healthy=y'
def soakFor = args.size() > 4 ? duration(args[4]) : 30.minutes

// Audit first: who is reachable, and who already carries another override (those are left out, by name).
def fleet = hosts(list).audit()
String ours = file(change).toFile().bytes.sha256()
def busy = fleet.where { override != null && override.sha != ours }
if (busy) {
    log "leaving out ${busy.size()} host(s) with another override: ${busy.fold()}"
}
def pool = fleet - busy
if (!pool) {
    fail "no host of $list can take $change"
}

def r = rollout(name) {
    targets fleet
    skip busy
    override file(change)
    canary pool.take(1)
    batches 25.percent, rest
    gate gateQuery
    soak soakFor
    maxFailures 0
}
r.start()
while (!r.done) {
    r.advance()          // waits out the soak, assesses the gate; a failing gate stops the script here
}
r.show()
