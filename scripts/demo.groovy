// The demo: audit the sandbox fleet, add what GitHub and Taskcluster say (the sandbox runs stand-ins for both), show
// what every host really runs and whether it is healthy, and plan the headline rollout step.
//
//   ./fleetroll demo                                  (starts the sandbox if needed, then runs this as a dry run)
//   fleetroll run scripts/demo.groovy --dry-run       (or -- LIST [OVERRIDE] for another host list or override file)
//   fleetroll run scripts/demo.groovy --confirm       (really pushes the override to the hosts that need it)

def list = args ? args[0] : 'sandbox'
def override = args.size() > 1 ? args[1] : 'configs/overrides/netperf-tuning.override'
def audited = hosts(list).refresh()   // audit + expected shas (GitHub) + workers (Taskcluster)
audited.show()

def unreachable = audited.unreachable
def pending = audited.where { reachable && !applied }
println()
println "${audited.size() - unreachable.size()} of ${audited.size()} hosts answered" +
        (unreachable ? " (unreachable: ${unreachable.fold()})" : '') +
        "; ${pending.size()} ha${pending.size() == 1 ? 's' : 've'} not applied their override yet" +
        (pending ? ": ${pending.fold()}" : '.')
def unhealthy = audited.where { healthy == false }
println "${audited.where { healthy }.size()} healthy (ran the expected sha, active in Taskcluster, not quarantined)" +
        (unhealthy ? "; not healthy: ${unhealthy.fold()}" : '')
println()

// The headline: push an override to the hosts that have not applied theirs (a dry run unless --confirm).
println "\$ hosts('$list').audit().where { !applied }.setOverride(file('$override'), reason: 'demo')"
if (!pending) {
    println 'nothing to push: every host that answered has applied its override'
} else {
    def pushed = pending.setOverride(file(override), reason: 'demo')
    if (!pushed.dryRun) {
        println "changed: ${pushed.changed.fold() ?: '-'}; blocked: ${pushed.blocked.fold() ?: '-'}"
    }
}
