// The demo: audit the sandbox fleet and show what every host really runs.
//
//   ./fleetroll demo                      (starts the sandbox if needed, then runs this)
//   fleetroll run scripts/demo.groovy     (or -- LIST to audit another host list)

def fleet = hosts(args ? args[0] : 'sandbox')
def audited = fleet.audit()
audited.show()

def unreachable = audited.unreachable
def pending = audited.where { reachable && !applied }
println()
println "${audited.size() - unreachable.size()} of ${audited.size()} hosts answered" +
        (unreachable ? " (unreachable: ${unreachable.fold()})" : '') +
        "; ${pending.size()} ha${pending.size() == 1 ? 's' : 've'} not applied their override yet" +
        (pending ? ": ${pending.fold()}" : '.')
println "Next: run 'fleetroll' and try  hosts('${args ? args[0] : 'sandbox'}').where { !applied }  or  .where('pp_last>1h')"
