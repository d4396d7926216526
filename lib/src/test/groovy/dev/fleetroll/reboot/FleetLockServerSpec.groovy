package dev.fleetroll.reboot

import com.fasterxml.jackson.databind.ObjectMapper
import dev.fleetroll.UserError
import dev.fleetroll.config.FleetrollConfig
import dev.fleetroll.config.FleetrollHome
import dev.fleetroll.store.SqliteStore
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Path
import java.time.Clock
import java.time.Duration
import java.time.Instant
import java.util.concurrent.Callable
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit
import spock.lang.AutoCleanup
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.TempDir

/**
 * The FleetLock protocol over real HTTP (java.net.http, as a client would) against a server on the store's slots; a
 * second store connection plays another console sharing the same slots.
 */
class FleetLockServerSpec extends Specification {
    @TempDir
    @Shared
    Path tmp
    @Shared
    SqliteStore store
    @Shared
    SqliteStore other
    @Shared
    @AutoCleanup
    FleetLockServer server
    @Shared
    HttpClient http = HttpClient.newHttpClient()
    static final ObjectMapper JSON = new ObjectMapper()

    def setupSpec() {
        def home = new FleetrollHome(tmp.resolve('home'))
        store = SqliteStore.open(home, new FleetrollConfig.Store(10))
        other = SqliteStore.open(home, new FleetrollConfig.Store(10))
        def groups = new RebootGroups(new FleetrollConfig.Reboot(1, Duration.ofMinutes(10), Duration.ofSeconds(5),
                [wide: new FleetrollConfig.RebootGroup(null, 3)]))
        server = FleetLockServer.start(new RebootSlots(store), groups, Clock.systemUTC(), '127.0.0.1:0', false)
    }

    def cleanupSpec() {
        store?.close()
        other?.close()
    }

    HttpResponse<String> post(String path, String body, Map<String, String> headers = ['fleet-lock-protocol': 'true']) {
        def b = HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).POST(HttpRequest.BodyPublishers.ofString(body))
        headers.each { k, v -> b.header(k, v) }
        http.send(b.build(), HttpResponse.BodyHandlers.ofString())
    }

    static String params(String id, String group = 'default') {
        JSON.writeValueAsString([client_params: [id: id, group: group]])
    }

    def "ids racing for the one slot: exactly one gets it, the others are refused as locked; steady-state lets the next in"() {
        given: 'five clients released together'
        def ids = (1..5).collect { "machine-$it".toString() }
        def pool = Executors.newFixedThreadPool(5)
        def go = new CountDownLatch(1)

        when:
        def futures = ids.collect { id -> pool.submit({ go.await(); post('/v1/pre-reboot', params(id)) } as Callable) }
        go.countDown()
        Map<String, HttpResponse<String>> replies = [ids, futures*.get(60, TimeUnit.SECONDS)].transpose().collectEntries()
        def winner = replies.find { it.value.statusCode() == 200 }?.key
        def losers = ids - winner

        then:
        replies.values().count { it.statusCode() == 200 } == 1
        losers.every { replies[it].statusCode() == 423 }
        losers.every { JSON.readTree(replies[it].body()).kind.asText() == 'failed_lock_semaphore_full' }
        losers.every { replies[it].headers().firstValue('content-type').get() == 'application/json' }
        new RebootSlots(other).list()*.holder() == [winner]

        when: 'the winner asks again (idempotent), a loser tries to give back what it does not hold'
        def again = post('/v1/pre-reboot', params(winner))
        def loserUnlock = post('/v1/steady-state', params(losers[0]))

        then:
        again.statusCode() == 200 && again.body().startsWith('retained reboot slot 0')
        loserUnlock.statusCode() == 200 && loserUnlock.body() == 'reboot slot already released\n'

        when: 'the winner rebooted and is steady: the next one gets the slot'
        def unlock = post('/v1/steady-state', params(winner))
        def unlockAgain = post('/v1/steady-state', params(winner))
        def next = post('/v1/pre-reboot', params(losers[0]))
        def stillFull = post('/v1/pre-reboot', params(losers[1]))

        then:
        unlock.statusCode() == 200
        unlockAgain.statusCode() == 200
        next.statusCode() == 200
        stillFull.statusCode() == 423
        new RebootSlots(other).list()*.holder() == [losers[0]]

        cleanup:
        pool.shutdownNow()
        post('/v1/steady-state', params(losers[0]))
    }

    def "groups are separate semaphores with their own slots"() {
        when:
        def codes = (1..4).collect { post('/v1/pre-reboot', params("w$it", 'wide')).statusCode() }

        then:
        codes == [200, 200, 200, 423]
        post('/v1/pre-reboot', params('d1')).statusCode() == 200

        cleanup:
        (1..4).each { post('/v1/steady-state', params("w$it", 'wide')) }
        post('/v1/steady-state', params('d1'))
    }

    def "a slot a fleetroll reboot run holds is neither taken nor given back by a FleetLock client of the same id"() {
        given:
        new RebootSlots(other).acquire('default', 1, 'host-7', 'run-abc', 'alice', 'kernel', SlotHolder.REBOOTING,
                Instant.parse('2026-12-07T06:00:00Z'))

        when:
        def lock = post('/v1/pre-reboot', params('host-7'))
        def unlock = post('/v1/steady-state', params('host-7'))

        then:
        lock.statusCode() == 423
        JSON.readTree(lock.body()).kind.asText() == 'lock_held'
        JSON.readTree(lock.body()).value.asText().contains('taken by alice')
        unlock.statusCode() == 423
        new RebootSlots(other).list()*.holder() == ['host-7']

        cleanup:
        new RebootSlots(other).release('host-7', 'run-abc')
    }

    def "bad requests: 4xx with a JSON kind and value, nothing taken"() {
        when:
        def r = post(path, body, headers)
        def json = JSON.readTree(r.body())

        then:
        r.statusCode() == status
        json.kind.asText() == kind
        !json.value.asText().isEmpty()
        new RebootSlots(other).list().isEmpty()

        where:
        path               | body                                          | headers                           || status | kind
        '/v1/pre-reboot'   | params('a')                                   | [:]                               || 400    | 'missing_header'
        '/v1/pre-reboot'   | params('a')                                   | ['fleet-lock-protocol': 'yes']    || 400    | 'missing_header'
        '/v1/pre-reboot'   | 'not json'                                    | ['fleet-lock-protocol': 'true']   || 400    | 'decode_error'
        '/v1/pre-reboot'   | '{"client_params":{"id":"","group":"x"}}'     | ['fleet-lock-protocol': 'true']   || 400    | 'decode_error'
        '/v1/pre-reboot'   | '{"client_params":{"id":"a","group":"a b"}}'  | ['fleet-lock-protocol': 'true']   || 400    | 'decode_error'
        '/v1/steady-state' | '{"client_params":{"id":"a"}}'                | ['fleet-lock-protocol': 'true']   || 400    | 'decode_error'
        '/v1/nope'         | params('a')                                   | ['fleet-lock-protocol': 'true']   || 404    | 'not_found'
    }

    def "GET on a lock endpoint is 405"() {
        when:
        def r = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + '/v1/pre-reboot'))
                .header('fleet-lock-protocol', 'true').GET().build(), HttpResponse.BodyHandlers.ofString())

        then:
        r.statusCode() == 405
        JSON.readTree(r.body()).kind.asText() == 'method_not_allowed'
    }

    def "/metrics: slots held and total per group, requests by endpoint and outcome"() {
        given:
        post('/v1/pre-reboot', params('m1', 'wide'))

        when:
        def text = http.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + '/metrics')).build(),
                HttpResponse.BodyHandlers.ofString()).body()

        then:
        text.contains('fleetroll_reboot_slots_held{group="wide"} 1\n')
        text.contains('fleetroll_reboot_slots_total{group="wide"} 3\n')
        text.contains('fleetroll_reboot_slots_held{group="default"} 0\n')
        text.contains('fleetroll_reboot_slots_total{group="default"} 1\n')
        text =~ /fleetroll_fleetlock_requests_total\{endpoint="pre-reboot",outcome="failed_lock_semaphore_full"\} [1-9]/
        text =~ /fleetroll_fleetlock_requests_total\{endpoint="pre-reboot",outcome="missing_header"\} 2/

        cleanup:
        post('/v1/steady-state', params('m1', 'wide'))
    }

    def "a non-loopback listen address is refused unless allowed"() {
        when:
        FleetLockServer.start(new RebootSlots(store), new RebootGroups(new FleetrollConfig.Reboot(1, Duration.ofMinutes(1),
                Duration.ofSeconds(1), [:])), Clock.systemUTC(), '0.0.0.0:0', false)

        then:
        def e = thrown(UserError)
        e.message.contains('is not a loopback address') && e.message.contains('--allow-remote')
    }
}
