package dev.fleetroll.rollout

import dev.fleetroll.UserError
import dev.fleetroll.config.FleetrollHome
import dev.fleetroll.store.JdbcStore
import dev.fleetroll.store.StoreBackend
import spock.lang.Specification
import spock.lang.TempDir

import java.nio.file.Path
import java.time.Instant

/**
 * Rollouts in a real SQLite store: what one connection writes another reads (two consoles, or a console after a
 * crash), and the advance lease: one holder at a time, a dead holder does not block. {@link RolloutStoreOnPostgresSpec}
 * runs the same features on PostgreSQL.
 */
class RolloutStoreSpec extends Specification {
    @TempDir Path tmp

    StoreBackend backend() {
        StoreBackend.SQLITE
    }

    String place

    JdbcStore open() {
        place = place ?: backend().newPlace(tmp)
        backend().open(place)
    }

    static RolloutPlan plan(String name = 'resolverd') {
        new RolloutPlan(name, ['a', 'b', 'c'], [d: 'has another override'], 'x.override', "PUPPET_BRANCH='x'\n",
                'b' * 64, ['a'], [BatchSize.REST], 'applied=y', 1800, 1, true)
    }

    def "a rollout written by one connection is read whole by another, and survives reopening"() {
        given:
        def one = open()
        def two = open()
        def now = Instant.parse('2026-12-07T03:00:00Z')

        when:
        new RolloutStore(one).create(plan(), plan().stages(), 'alice', now)
        new RolloutStore(one).recordPushes('resolverd', [new RolloutStore.Push('a', 'changed', null, null)], now)
        new RolloutStore(one).stageApplied('resolverd', 0, now, now.plusSeconds(1800))
        RolloutStatus seen = new RolloutStore(two).require('resolverd')

        then:
        seen.state() == RolloutState.ACTIVE
        seen.plan() == plan()
        seen.stages()*.hosts() == [['a'], ['b', 'c']]
        seen.stages()*.state() == [StageState.APPLIED, StageState.PENDING]
        seen.stages()[0].soakUntil() == now.plusSeconds(1800)
        seen.hosts()['a'].push() == 'changed'
        seen.hosts()['a'].pushed()
        !seen.hosts()['b'].pushed()
        seen.events()*.event() == ['start']
        seen.soakRemaining(now.plusSeconds(600)).toMinutes() == 20

        when:
        one.close()
        two.close()
        def three = open()

        then:
        new RolloutStore(three).require('resolverd').hosts()['a'].push() == 'changed'
        new RolloutStore(three).list()*.name() == ['resolverd']

        cleanup:
        three?.close()
    }

    def "the name is unique; an unknown name is a one-line error naming the known ones"() {
        given:
        def s = new RolloutStore(open())
        s.create(plan(), plan().stages(), 'alice', Instant.now())

        when:
        s.create(plan(), plan().stages(), 'bob', Instant.now())

        then:
        UserError e = thrown()
        e.message.startsWith("a rollout named 'resolverd' exists already")

        when:
        s.require('nope')

        then:
        e = thrown(UserError)
        e.message == "no rollout named 'nope'; rollouts: resolverd"
    }

    def "the lease: a second taker is told who holds it and since when; released, it can be taken"() {
        given:
        def alice = new RolloutStore(open())
        def bob = new RolloutStore(open())
        alice.create(plan(), plan().stages(), 'alice', Instant.now())
        def since = Instant.parse('2026-12-07T03:04:05Z')

        when:
        String token = alice.acquire('resolverd', 'alice', 'advanced', since)
        bob.acquire('resolverd', 'bob', 'advanced', Instant.now())

        then:
        RolloutBusy e = thrown()
        e.message.startsWith('rollout resolverd is being advanced by alice since 2026-12-07T03:04:05Z')
        bob.require('resolverd').lease().by() == 'alice'

        when:
        alice.release('resolverd', token)
        String bobs = bob.acquire('resolverd', 'bob', 'advanced', Instant.now())

        then:
        bobs != token
        alice.require('resolverd').lease().by() == 'bob'
    }

    def "a lease whose process died on this machine does not block: it is taken over, and that is recorded"() {
        given:
        def store = open()
        def s = new RolloutStore(store)
        s.create(plan(), plan().stages(), 'alice', Instant.now())
        def dead = new ProcessBuilder('true').start()
        dead.waitFor()
        String machine = InetAddress.localHost.hostName
        store.inWriteTransaction { c ->
            c.createStatement().executeUpdate("UPDATE rollouts SET lease_token = 't', lease_by = 'crashed', lease_pid = ${dead.pid()}," +
                    " lease_machine = '${machine}', lease_ms = 0")
        }

        when:
        s.acquire('resolverd', 'bob', 'advanced', Instant.now())

        then:
        s.require('resolverd').lease().by() == 'bob'
        s.require('resolverd').events()*.event().contains('lease-taken-over')
    }
}
