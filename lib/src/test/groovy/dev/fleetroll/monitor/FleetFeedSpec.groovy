package dev.fleetroll.monitor

import dev.fleetroll.config.FleetrollConfig
import dev.fleetroll.config.FleetrollHome
import dev.fleetroll.ssh.Outcome
import dev.fleetroll.state.BranchHead
import dev.fleetroll.state.ExternalFacts
import dev.fleetroll.state.TaskclusterState
import dev.fleetroll.store.JdbcStore
import dev.fleetroll.store.StoreBackend
import java.nio.file.Path
import java.time.Duration
import spock.lang.Specification
import spock.lang.TempDir

import static dev.fleetroll.state.TestObservations.*

/** The live feed over a real SQLite store; {@link FleetFeedOnPostgresSpec} runs the same features on PostgreSQL. */
class FleetFeedSpec extends Specification {
    @TempDir
    Path tmp

    List<JdbcStore> stores = []

    StoreBackend backend() {
        StoreBackend.SQLITE
    }

    String place

    def cleanup() {
        stores*.close()
    }

    JdbcStore open() {
        place = place ?: backend().newPlace(tmp)
        def s = backend().open(place)
        stores << s
        s
    }

    static FleetFeed feed(JdbcStore store, List<String> hosts = null) {
        FleetFeed.open(store, { new ExternalFacts(store.taskcluster(), store.branchHeads(), null, Duration.ofHours(1)) }, hosts)
    }

    def "a feed starts from the store and then reads only what was saved since"() {
        given:
        def store = open()
        store.saveAll([ok('a', role: 'r1'), ok('b', role: 'r1')])
        def feed = feed(store)

        expect:
        feed.hosts() == ['a', 'b']
        feed.states(NOW)*.role == ['r1', 'r1']
        !feed.poll().any()

        when: 'another writer (its own connection) saves a newer observation of b and a new host c'
        def writer = open()
        writer.saveAll([ok('b', role: 'r2', age: Duration.ofMinutes(1)), ok('c', role: 'r3')])
        def update = feed.poll()

        then:
        update.hosts() == ['b', 'c'] as Set
        !update.external()
        feed.hosts() == ['a', 'b', 'c']
        feed.states(NOW)*.role == ['r1', 'r2', 'r3']
        !feed.poll().any()
    }

    def "an older observation saved late does not replace the newest; a failure keeps the last good facts"() {
        given:
        def store = open()
        store.save(ok('a', role: 'new', age: Duration.ofMinutes(1)))
        def feed = feed(store)

        when:
        open().save(ok('a', role: 'old', age: Duration.ofMinutes(30)))

        then: 'the poll saw it, but nothing shown changed'
        !feed.poll().any()
        feed.states(NOW)[0].role() == 'new'

        when:
        open().save(failed('a', Outcome.TIMED_OUT))
        def update = feed.poll()
        def a = feed.states(NOW)[0]

        then:
        update.hosts() == ['a'] as Set
        !a.reachable()
        a.outcome() == Outcome.TIMED_OUT
        a.role() == 'new'
    }

    def "a feed over named hosts shows them all, observed or not, and ignores the others"() {
        given:
        def store = open()
        def feed = feed(store, ['b', 'x'])

        when:
        store.saveAll([ok('a'), ok('b', role: 'rb')])
        def update = feed.poll()

        then:
        update.hosts() == ['b'] as Set
        feed.hosts() == ['b', 'x']
        feed.states(NOW).collect { [it.name(), it.audited()] } == [['b', true], ['x', false]]
    }

    def "Taskcluster records and branch heads saved elsewhere reach the feed as an external change"() {
        given:
        def store = open()
        store.save(ok('a'))
        def feed = feed(store)

        when:
        def other = open()
        other.saveTaskcluster([a: new TaskclusterState(NOW, 'releng-hardware/gecko-t-linux', true, 'mdc1', 'a', 'running',
                null, NOW - Duration.ofMinutes(3), null, null, null, null, null, null, null, null)])
        def update = feed.poll()

        then:
        update.external()
        update.hosts().isEmpty()
        feed.states(NOW)[0].tc().pool() == 'releng-hardware/gecko-t-linux'

        when:
        other.saveBranchHeads([new BranchHead('acme/ronin_puppet:main', 'c' * 40, NOW, null)])

        then:
        feed.poll().external()
        !feed.poll().any()
    }

    def "a note added or cleared elsewhere reaches the feed for that host alone"() {
        given:
        def store = open()
        store.saveAll([ok('a'), ok('b')])
        def feed = feed(store)

        when:
        open().addNotes(['b'], 'bad cartridge', 'ops', NOW)
        def update = feed.poll()

        then:
        update.external()
        update.hosts() == ['b'] as Set
        feed.states(NOW)*.note()*.text == [null, 'bad cartridge']

        when:
        open().clearNotes(['b'], 'ops', 'replaced', NOW + Duration.ofSeconds(1))
        feed.poll()

        then:
        feed.states(NOW)*.note() == [null, null]
    }

    def "two feeds on one store see the same thing"() {
        given:
        def store = open()
        store.save(ok('a', role: 'r1'))
        def one = feed(open())
        def two = feed(open())

        when:
        store.save(ok('a', role: 'r9', age: Duration.ofSeconds(10)))
        one.poll()
        two.poll()

        then:
        one.states(NOW) == two.states(NOW)
        one.states(NOW)[0].role() == 'r9'
    }

    def "the store's marks move with every kind of write and stay put without one"() {
        given:
        def store = open()
        def m0 = store.marks()

        expect:
        store.marks() == m0

        when:
        store.save(ok('a'))
        def m1 = store.marks()

        then:
        m1.observations() > m0.observations()
        !m1.externalDiffers(m0)

        when: "the same connection writes (data_version does not count a connection's own commits)"
        store.saveTaskcluster([a: TaskclusterState.absent(NOW, 'p/q', 'a', null)])
        def m2 = store.marks()

        then:
        m2.externalDiffers(m1)
        m2.observations() == m1.observations()
    }
}
