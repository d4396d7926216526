package dev.fleetroll.ops

import dev.fleetroll.UserError
import dev.fleetroll.config.FleetrollConfig
import dev.fleetroll.config.FleetrollHome
import dev.fleetroll.config.Workspace
import dev.fleetroll.ssh.Outcome
import dev.fleetroll.state.BranchHead
import dev.fleetroll.state.TaskclusterState
import dev.fleetroll.state.TestObservations
import dev.fleetroll.store.SqliteStore
import java.nio.file.Path
import java.time.Duration
import java.time.Instant
import spock.lang.AutoCleanup
import spock.lang.Specification
import spock.lang.TempDir

/** data-freshness over a real store: observations, Taskcluster records and branch heads of chosen ages. */
class FreshnessSpec extends Specification {
    static final Instant NOW = TestObservations.NOW
    static final Freshness.Limits LIMITS = new Freshness.Limits(Duration.ofHours(2), Duration.ofHours(1), Duration.ofHours(2), 100,
            ['audit', 'tc', 'gh'])

    @TempDir Path tmp
    @AutoCleanup DefaultFleet fleet

    def setup() {
        def home = new FleetrollHome(tmp.resolve('home'))
        fleet = DefaultFleet.open(Workspace.of(home, null, [HOME: tmp.toString()]))
    }

    SqliteStore store() {
        fleet.store() as SqliteStore
    }

    static Instant ago(long minutes) {
        NOW - Duration.ofMinutes(minutes)
    }

    void fleetOf(Map<String, Long> auditAgeMinutes, Map<String, Long> tcAgeMinutes = [:], Map<String, Long> headAgeMinutes = [:]) {
        auditAgeMinutes.each { h, m -> store().save(TestObservations.ok(h, ts: ago(m))) }
        store().saveTaskcluster(tcAgeMinutes.collectEntries { h, m -> [h, TaskclusterState.absent(ago(m), 'p/w', h, null)] })
        store().saveBranchHeads(headAgeMinutes.collect { k, m -> new BranchHead(k, 'c' * 40, ago(m), null) })
    }

    def "everything within its limits: fresh, one ok line per part naming the oldest"() {
        given:
        fleetOf(['ms-1': 10L, 'ms-2': 100L], ['ms-1': 5L, 'ms-2': 50L], ['acme/ronin_puppet:main': 30L])

        when:
        def r = Freshness.check(fleet, ['ms-1', 'ms-2'], LIMITS, NOW)

        then:
        r.fresh()
        r.parts()*.describe() == [
                'audit: ok, 2 hosts within 2h (oldest ms-2, 1h 40m)',
                'tc: ok, 2 hosts within 1h (oldest ms-2, 50m)',
                'gh: ok, 1 branch within 2h (oldest acme/ronin_puppet:main, 30m)']
    }

    def "stale hosts are counted and the oldest named; hosts without data are named apart"() {
        given:
        fleetOf(['ms-1': 10L, 'ms-2': 312L, 'ms-3': 150L, 'ms-4': 5L], ['ms-1': 5L, 'ms-2': 5L], ['acme/ronin_puppet:main': 180L])

        when:
        def r = Freshness.check(fleet, ['ms-1', 'ms-2', 'ms-3', 'ms-4', 'ms-5'], LIMITS, NOW)

        then:
        !r.fresh()
        r.hosts() == 5
        r.parts()*.describe() == [
                "audit: 2 of 5 hosts' data older than 2h (oldest ms-2, 5h 12m); 1 never audited (gather-host): ms-5",
                'tc: 3 of 5 hosts never scanned (gather-tc): ms-[3-5]',
                "gh: 1 of 1 branch's data older than 2h (oldest acme/ronin_puppet:main, 3h 00m)"]
        r.parts()[0].stale()*.key() == ['ms-2', 'ms-3']
        r.parts()[0].missing() == ['ms-5']
    }

    def "an unreachable host audited recently is fresh: its latest audit counts, successful or not"() {
        given:
        store().save(TestObservations.ok('ms-1', ts: ago(600)))
        store().save(TestObservations.failed('ms-1', Outcome.UNREACHABLE, ts: ago(3)) )

        expect:
        Freshness.check(fleet, ['ms-1'], LIMITS, NOW).parts()[0].describe() == 'audit: ok, 1 host within 2h (oldest ms-1, 3m)'
    }

    def "min-fresh-pct tolerates a share of stale hosts; the line still names them"() {
        given:
        fleetOf((1..10).collectEntries { ["ms-$it".toString(), it == 7 ? 500L : 10L] })
        def limits = new Freshness.Limits(Duration.ofHours(2), Duration.ofHours(1), Duration.ofHours(2), 90, ['audit'])

        when:
        def r = Freshness.check(fleet, (1..10).collect { "ms-$it".toString() }, limits, NOW)

        then:
        r.fresh()
        r.parts()[0].describe() == "audit: ok (at least 90% fresh), 1 of 10 hosts' data older than 2h (oldest ms-7, 8h 20m)"

        when: 'two stale hosts of eleven are too many'
        store().save(TestObservations.ok('ms-11', ts: ago(501)))

        then:
        !Freshness.check(fleet, (1..11).collect { "ms-$it".toString() }, limits, NOW).fresh()
    }

    def "a branch fetched without a sha has no data; no hosts at all is stale"() {
        given:
        fleetOf(['ms-1': 1L], ['ms-1': 1L])
        store().saveBranchHeads([new BranchHead('acme/ronin_puppet:main', null, ago(1), 'no such branch')])

        expect:
        Freshness.check(fleet, ['ms-1'], LIMITS, NOW).parts()[2].describe() ==
                'gh: 1 of 1 branch without a head (gather-gh; or the branch does not exist): acme/ronin_puppet:main'
        with(Freshness.check(fleet, [], LIMITS, NOW)) {
            !fresh()
            parts()[0].describe() == 'audit: no hosts to check (the store has none: run gather-host first)'
        }
    }

    def "bad limits are one clear error"() {
        when:
        new Freshness.Limits(Duration.ZERO, Duration.ofHours(1), Duration.ofHours(1), 100, ['audit'])

        then:
        thrown(UserError)

        when:
        new Freshness.Limits(Duration.ofHours(1), Duration.ofHours(1), Duration.ofHours(1), 100, ['audit', 'puppet'])

        then:
        def e = thrown(UserError)
        e.message == "data-freshness: unknown part 'puppet' (audit, tc, gh)"
    }
}
