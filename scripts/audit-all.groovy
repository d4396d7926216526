// Cron audit: audits every host the store knows (or the host lists given after --), prints a plain report of
// the hosts that need attention, and fails when too many are unreachable or stale.
//
//   fleetroll run scripts/audit-all.groovy                      # every host the store has seen
//   fleetroll run scripts/audit-all.groovy -- linux/1804 mac    # these host lists, node sets or hosts
//   MAX_BAD_PERCENT=5 STALE_AFTER=12h fleetroll run scripts/audit-all.groovy
//
// Unreachable: the audit could not get an answer now. Stale: the host answered, but Puppet has not run on it
// within STALE_AFTER (default 6h), or never.
// Exit status: 0 within the threshold (MAX_BAD_PERCENT, default 10); 1 over it, or the audit could not run;
// 2 the script or its arguments are wrong.

def env = System.getenv()
int maxBadPercent = (env.MAX_BAD_PERCENT ?: '10') as int
def staleAfter = duration(env.STALE_AFTER ?: '6h')

def targets = args ? hosts(args) : inventory()
if (!targets) {
    fail 'no hosts to audit: name host lists (fleetroll run scripts/audit-all.groovy -- linux/1804) or audit some hosts first'
}

def audited = targets.audit()
def unreachable = audited.unreachable
def stale = audited.where { reachable && (puppetAge == null || puppetAge > staleAfter) }
def problems = unreachable + stale

println "audited ${audited.size()} hosts: ${audited.ok.size()} answered, ${unreachable.size()} unreachable, " +
        "${stale.size()} stale (no Puppet run within ${env.STALE_AFTER ?: '6h'})"
if (problems) {
    println()
    problems.show('host ssh pp_last data role ovr_bch')
}

if (problems.size() * 100 > maxBadPercent * audited.size()) {
    fail "${problems.size()} of ${audited.size()} hosts are unreachable or stale, more than MAX_BAD_PERCENT=${maxBadPercent}%"
}
