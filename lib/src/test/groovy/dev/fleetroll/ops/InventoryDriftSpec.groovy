package dev.fleetroll.ops

import dev.fleetroll.auditlog.AuditLog
import dev.fleetroll.config.FleetrollHome
import dev.fleetroll.config.Workspace
import dev.fleetroll.inventory.ProbeResult
import dev.fleetroll.rollout.BatchSize
import dev.fleetroll.rollout.RolloutPlan
import dev.fleetroll.rollout.RolloutState
import dev.fleetroll.rollout.RolloutStore
import dev.fleetroll.state.Columns
import dev.fleetroll.state.NamedFilters
import dev.fleetroll.state.Query
import dev.fleetroll.state.TaskclusterState
import dev.fleetroll.state.TestObservations
import dev.fleetroll.store.SqliteStore
import java.nio.file.Path
import java.time.Duration
import java.time.Instant
import spock.lang.AutoCleanup
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.TempDir

/**
 * Drift as typed queries: a real store with crafted observations, hosts of record, a Taskcluster record, probes and
 * rollouts, read back through DefaultFleet's host states and the shared query language.
 */
class InventoryDriftSpec extends Specification {
    @Shared
    @TempDir
    Path tmp

    @Shared
    @AutoCleanup
    DefaultFleet fleet

    @Shared
    Map states

    @Shared
    Instant now = Instant.now()

    def setupSpec() {
        def ws = Workspace.of(new FleetrollHome(tmp.resolve('home')), null, [HOME: tmp.toString(), USER: 'bob'])
        fleet = DefaultFleet.open(ws)
        def store = fleet.store() as SqliteStore
        def hosts = fleet.hostsOfRecord(AuditLog.of(ws.home(), 'bob'))
        def ts = now - Duration.ofMinutes(2)
        // a: role and OS differ from the record, override outside any rollout
        hosts.add('a.ex', [role: 'gecko_t_osx', os: 'mac', pool: 'gecko-t-linux'])
        store.save(TestObservations.ok('a.ex', ts: ts, role: 'gecko_t_linux'))
        // b: as recorded; its override belongs to an active rollout
        hosts.add('b.ex', [role: 'gecko_t_linux', os: 'linux', pool: 'other-pool'])
        store.save(TestObservations.ok('b.ex', ts: ts))
        // c: of record, never audited
        hosts.add('c.ex', [dc: 'mdc1'])
        // d: audited, not of record
        store.save(TestObservations.ok('d.ex', ts: ts, override: null))
        // e: disabled but Taskcluster saw it active a minute ago; no override
        hosts.add('e.ex', [:])
        hosts.disable('e.ex', 'RELOPS-9 bad disk')
        store.save(TestObservations.ok('e.ex', ts: ts, override: null))
        // f: override left by a rolled-back rollout
        hosts.add('f.ex', [:])
        store.save(TestObservations.ok('f.ex', ts: ts))
        def tc = { String h -> new TaskclusterState(now, 'releng-hardware/gecko-t-linux', true, 'mdc1', h, 'running',
                now - Duration.ofDays(3), now - Duration.ofMinutes(1), null, null, 'T1', 0, 'completed',
                now - Duration.ofMinutes(20), now - Duration.ofMinutes(10), null) }
        store.saveTaskcluster(['a.ex': tc('a'), 'b.ex': tc('b'), 'e.ex': tc('e')])
        def rollouts = new RolloutStore(store)
        rollouts.create(plan('live', ['b.ex']), [['b.ex']], 'bob', now)
        rollouts.create(plan('old', ['f.ex']), [['f.ex']], 'bob', now)
        rollouts.rolloutState('old', RolloutState.ROLLED_BACK, now)
        fleet.inventoryStore().saveProbes([new ProbeResult('a.ex', now - Duration.ofMinutes(5), true, true, true, false, null,
                'sudo -n true failed (exit 1)')])
        states = fleet.states(fleet.knownHosts(), now)
    }

    static RolloutPlan plan(String name, List<String> targets) {
        new RolloutPlan(name, targets, [:], 'x.override', "PUPPET_BRANCH='x'\n", 'b' * 64, [], [BatchSize.REST],
                'applied=y', 0, 0, false)
    }

    List<String> select(String q) {
        Query.parse(q, Columns.standard()).apply(states.values() as List)*.name()
    }

    def "inventory() is every host audited or of record"() {
        expect:
        fleet.knownHosts() == ['a.ex', 'b.ex', 'c.ex', 'd.ex', 'e.ex', 'f.ex']
    }

    def "drift query '#q' selects #expected"() {
        expect:
        select(q) == expected

        where:
        q                         || expected
        'role_drift=y'            || ['a.ex']
        'role_drift=n'            || ['b.ex']
        'os_drift=y'              || ['a.ex']
        'pool_drift=y'            || ['b.ex']
        'pool_drift=n'            || ['a.ex']
        'stray_override=y'        || ['a.ex', 'f.ex']
        'stray_override=n'        || ['b.ex', 'd.ex', 'e.ex']
        'never_audited=y'         || ['c.ex']
        'unlisted=y'              || ['d.ex']
        'listed=n'                || ['d.ex']
        'enabled=n'               || ['e.ex']
        'disabled_busy=y'         || ['e.ex']
        'disabled_busy=n'         || ['a.ex', 'b.ex', 'c.ex', 'f.ex']
        'dc=mdc1'                 || ['c.ex']
        'exp_os=linux'            || ['b.ex']
        'inv_pool~linux'          || ['a.ex']
        'probe_ssh=y probe_sudo=n' || ['a.ex']
        'probe_age<1h'            || ['a.ex']
        'role_drift=y or unlisted=y' || ['a.ex', 'd.ex']
    }

    def "the shipped named filter #name runs over the same states"() {
        given:
        def file = Path.of(System.getProperty('user.dir')).resolve("../configs/filters/${name}.yaml").normalize()

        expect:
        Query.parse(NamedFilters.read(file, Columns.standard()).query(), Columns.standard()).apply(states.values() as List)*.name() == expected

        where:
        name              || expected
        'role-drift'      || ['a.ex']
        'stray-overrides' || ['a.ex', 'f.ex']
        'never-audited'   || ['c.ex']
        'unlisted'        || ['d.ex']
        'disabled-busy'   || ['e.ex']
    }
}
