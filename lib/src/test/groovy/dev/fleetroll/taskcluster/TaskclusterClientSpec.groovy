package dev.fleetroll.taskcluster

import dev.fleetroll.util.Sleeper
import dev.fleetroll.UserError
import spock.lang.AutoCleanup
import spock.lang.Specification
import spock.lang.TempDir

import java.net.ServerSocket
import java.nio.file.Path
import java.time.Duration
import java.time.Instant

import static dev.fleetroll.taskcluster.TcFixture.CLIENT_ID
import static dev.fleetroll.taskcluster.TcFixture.NOW
import static dev.fleetroll.taskcluster.TcFixture.PROV
import static dev.fleetroll.taskcluster.TcFixture.TOKEN

/** The client against the stand-in over real HTTP. */
class TaskclusterClientSpec extends Specification {
    @TempDir
    Path dir

    @AutoCleanup
    TcFixture tc

    @AutoCleanup
    TaskclusterClient client

    def setup() {
        tc = new TcFixture(dir.resolve('quarantines.json'))
        client = tc.client()
    }

    def "lists a pool across several pages, in order"() {
        given:
        client = new TaskclusterClient(tc.settings().withPaging(10, 100))

        when:
        List<Worker> workers = client.listWorkers(PROV, 'big')

        then:
        workers*.workerId() == (0..<25).collect { "b$it" }
        client.pagesFetched() == 3
        tc.standIn.requests() == 3
        with(workers[0]) {
            workerPoolId() == "$PROV/big"
            workerGroup() == 'mdc1'
            state() == 'running'
            capacity() == 1
            providerId() == 'static'
            firstClaim() == NOW - Duration.ofDays(1)
            quarantineUntil() == null
            latestTask() == null
        }
    }

    def "an empty page that carries a token is followed"() {
        given:
        tc.standIn.dropExpiredWorkers()
        client = new TaskclusterClient(tc.settings().withPaging(10, 100))

        when:
        List<Worker> workers = client.listWorkers(PROV, 'gappy')

        then:
        workers*.workerId() == ((0..9) + (20..24)).collect { "g$it" }
        client.pagesFetched() == 3
    }

    def "one page for a small pool, none of an empty one"() {
        expect:
        client.listWorkers(PROV, 'small')*.workerId() == ['s0', 's1', 's2']
        client.listWorkers(PROV, 'empty').isEmpty()
        client.pagesFetched() == 2
    }

    def "latest task and optional fields"() {
        when:
        Worker w = client.listWorkers(PROV, 'osx')[0]

        then:
        w.latestTask() == new LatestTask('T2', 1)
        w.lastDateActive() == NOW - Duration.ofMinutes(5)
    }

    def "a token loop is cut off with an error naming the pool"() {
        given:
        tc.standIn.tokenLoop("$PROV/big")
        client = new TaskclusterClient(tc.settings().withPaging(10, 100))

        when:
        client.listWorkers(PROV, 'big')

        then:
        TaskclusterException e = thrown()
        e.message == "pool $PROV/big: the continuation token repeated after 2 pages (a paging loop on the server), stopped"
        tc.standIn.requests() == 2
    }

    def "a listing longer than maxPages is cut off"() {
        given:
        client = new TaskclusterClient(tc.settings().withPaging(1, 3))

        when:
        client.listWorkers(PROV, 'big')

        then:
        TaskclusterException e = thrown()
        e.message == "pool $PROV/big: more than 3 pages of workers, stopped (the continuation token never ran out)"
        tc.standIn.requests() == 3
    }

    def "5xx answers are retried with growing backoff, then the call succeeds"() {
        given:
        tc.standIn.failNext(2, 503)

        when:
        List<Worker> workers = client.listWorkers(PROV, 'small')

        then:
        workers.size() == 3
        tc.standIn.requests() == 3
        tc.sleeps.size() == 2
        tc.sleeps[0] >= Duration.ofMillis(100) && tc.sleeps[0] <= Duration.ofMillis(200)
        tc.sleeps[1] >= Duration.ofMillis(200) && tc.sleeps[1] <= Duration.ofMillis(400)
    }

    def "5xx for ever: an error after maxAttempts"() {
        given:
        tc.standIn.failNext(1000, 503)

        when:
        client.getWorker(PROV, 'osx', 'mdc1', 'macmini-r8-1')

        then:
        TaskclusterException e = thrown()
        e.message == "GET ${tc.standIn.rootUrl()}/api/queue/v1/provisioners/$PROV/worker-types/osx/workers/mdc1/macmini-r8-1: HTTP 503 after 5 attempts"
        e.status() == 503
        tc.standIn.requests() == 5
        tc.sleeps.size() == 4
    }

    def "4xx answers are not retried"() {
        given:
        tc.standIn.failNext(1, 400)

        when:
        client.listWorkers(PROV, 'small')

        then:
        TaskclusterException e = thrown()
        e.message.startsWith("pool $PROV/small: GET ${tc.standIn.rootUrl()}/api/worker-manager/v1/provisioners/$PROV/worker-types/small/workers?limit=1000: HTTP 400: ")
        tc.standIn.requests() == 1
        tc.sleeps.isEmpty()
    }

    def "an answer that does not come within the request timeout is retried"() {
        given:
        tc.standIn.delayNext(1, Duration.ofSeconds(60))
        client = new TaskclusterClient(tc.settings().withRequestTimeout(Duration.ofSeconds(3)))

        expect: 'the first answer never came in time; a retry got the workers (on a loaded machine a retry may time out too)'
        client.listWorkers(PROV, 'small').size() == 3
        tc.sleeps.size() >= 1
    }

    def "a service that cannot be reached: an error after maxAttempts"() {
        given:
        int port = new ServerSocket(0, 1, InetAddress.loopbackAddress).withCloseable { it.localPort }
        client = new TaskclusterClient(tc.settings().withRetries(3, Duration.ofMillis(10), { } as Sleeper)
                .with { new TaskclusterClient.Settings("http://127.0.0.1:$port", it.credentials(), it.requestTimeout(),
                        it.maxAttempts(), it.baseBackoff(), it.sleeper(), it.pageLimit(), it.maxPages(), it.clock()) })

        when:
        client.latestRun('T2', 1)

        then:
        TaskclusterException e = thrown()
        e.message.startsWith("GET http://127.0.0.1:$port/api/queue/v1/task/T2/status: cannot connect")
        e.message.endsWith('after 3 attempts')
    }

    def "malformed JSON is an error naming the URL"() {
        given:
        tc.standIn.malformedNext()

        when:
        client.listWorkers(PROV, 'small')

        then:
        TaskclusterException e = thrown()
        e.message.startsWith("pool $PROV/small: malformed JSON from ${tc.standIn.rootUrl()}/api/worker-manager/v1/provisioners/$PROV/worker-types/small/workers?limit=1000: ")
        e.message.lines().count() == 1
        tc.standIn.requests() == 1
    }

    def "a clock #skew off is corrected once and the offset kept"() {
        given:
        tc.standIn.clockSkew(skew)

        when:
        def w = client.getWorker(PROV, 'osx', 'mdc1', 'macmini-r8-1')

        then:
        w.isPresent()
        tc.standIn.requests() == 2
        client.clockOffset() == skew

        when:
        client.listWorkers(PROV, 'small')

        then:
        tc.standIn.requests() == 3
        tc.sleeps.isEmpty()

        where:
        skew << [Duration.ofHours(2), Duration.ofMinutes(-20)]
    }

    def "the offset is learned against the client's own clock"() {
        given:
        tc.standIn.clockSkew(Duration.ofHours(2))
        def drifting = new TaskclusterClient(tc.settings().withClock({ NOW - Duration.ofHours(3) }))

        when:
        drifting.listWorkers(PROV, 'small')

        then:
        noExceptionThrown()
        drifting.clockOffset() == Duration.ofHours(5)

        cleanup:
        drifting?.close()
    }

    def "quarantine without credentials: one line naming the variables"() {
        given:
        client = tc.client(null)

        when:
        client.quarantineWorker(PROV, 'osx', 'mdc1', 'macmini-r8-1', NOW + Duration.ofDays(1), 'bad disk')

        then:
        UserError e = thrown()
        e.message == 'quarantine needs Taskcluster credentials: set TASKCLUSTER_CLIENT_ID and TASKCLUSTER_ACCESS_TOKEN, or TC_TOKEN=FILE, or taskcluster.credentials_file'
        tc.standIn.requests() == 0
    }

    def "reads work without credentials"() {
        given:
        client = tc.client(null)

        expect:
        client.listWorkers(PROV, 'small').size() == 3
        client.getWorker(PROV, 'osx', 'mdc1', 'macmini-r8-1').isPresent()
    }

    def "a wrong access token is a 401 Bad Mac, not retried, and the message has no token"() {
        given:
        String wrong = 'wrong-token-' + TOKEN.reverse()
        client = tc.client(TaskclusterCredentials.of(CLIENT_ID, wrong))

        when:
        client.quarantineWorker(PROV, 'osx', 'mdc1', 'macmini-r8-1', NOW + Duration.ofDays(1), 'bad disk')

        then:
        TaskclusterException e = thrown()
        e.message == "PUT ${tc.standIn.rootUrl()}/api/queue/v1/provisioners/$PROV/worker-types/osx/workers/mdc1/macmini-r8-1: HTTP 401: AuthenticationFailed: Bad Mac"
        e.status() == 401
        !e.message.contains(wrong) && !e.message.contains(TOKEN)
        tc.standIn.requests() == 1
    }

    def "an unknown clientId is a 401 even on a read"() {
        given:
        client = tc.client(TaskclusterCredentials.of('nobody', TOKEN))

        when:
        client.listWorkers(PROV, 'small')

        then:
        TaskclusterException e = thrown()
        e.message.endsWith('HTTP 401: AuthenticationFailed: Unknown credentials')
    }

    def "quarantine, then getWorker and listWorkers show it; unquarantine lifts it"() {
        given:
        Instant until = NOW + Duration.ofDays(3650)

        when:
        WorkerDetails q = client.quarantineWorker(PROV, 'osx', 'mdc1', 'macmini-r8-1', until, 'bug 123: bad disk')
        WorkerDetails got = client.getWorker(PROV, 'osx', 'mdc1', 'macmini-r8-1').get()

        then:
        q == got
        got.quarantineUntil() == until
        got.quarantinedAt(NOW)
        got.quarantineDetails() == [new QuarantineDetail(CLIENT_ID, until, NOW, 'bug 123: bad disk')]
        got.recentTasks() == [new RecentTask('T1', 0), new RecentTask('T2', 1)]
        got.provisionerId() == PROV
        got.workerType() == 'osx'
        got.expires() == NOW + Duration.ofDays(1)
        client.listWorkers(PROV, 'osx')[0].quarantineUntil() == until

        when:
        WorkerDetails lifted = client.unquarantineWorker(PROV, 'osx', 'mdc1', 'macmini-r8-1', null)

        then:
        lifted.quarantineUntil() == NOW
        !lifted.quarantinedAt(NOW)
        lifted.quarantineDetails()*.quarantineInfo() == ['bug 123: bad disk', '[unspecified]']
        lifted.quarantineDetails()*.clientId() == [CLIENT_ID, CLIENT_ID]
    }

    def "temporary credentials sign with the certificate in ext"() {
        given:
        client = tc.client(new TaskclusterCredentials(CLIENT_ID, TOKEN, '{"version":1,"issuer":"root","scopes":["*"]}'))

        when:
        WorkerDetails q = client.quarantineWorker(PROV, 'osx', 'mdc1', 'macmini-r8-1', NOW + Duration.ofDays(1), 'temp')

        then:
        q.quarantineDetails()*.clientId() == [CLIENT_ID]
    }

    def "quarantining an unknown worker is a 404 error"() {
        when:
        client.quarantineWorker(PROV, 'osx', 'mdc1', 'nope', NOW, 'x')

        then:
        TaskclusterException e = thrown()
        e.status() == 404
        e.message.contains('HTTP 404: ResourceNotFound: Worker with workerId `nope`')
    }

    def "an unknown worker or task is empty"() {
        expect:
        client.getWorker(PROV, 'osx', 'mdc1', 'nope').isEmpty()
        client.getWorker(PROV, 'no-such-pool', 'mdc1', 'macmini-r8-1').isEmpty()
        client.latestRun('nope', 0).isEmpty()
        client.latestRun('T2', 7).isEmpty()
    }

    def "a task run's state and times"() {
        expect:
        client.latestRun('T2', 1).get() == new TaskRun('T2', 1, 'running', NOW - Duration.ofMinutes(10), null)
        client.latestRun('T2', 0).get() == new TaskRun('T2', 0, 'exception', NOW - Duration.ofMinutes(30), NOW - Duration.ofMinutes(20))
    }

    def "path parameters are escaped one by one like encodeURIComponent, and the stand-in reads them back"() {
        given:
        tc.source.add('proj/x', 'pool name+1', TcFixture.workers('w', 2))

        expect:
        TaskclusterClient.encode('proj/pool x+é?&#') == 'proj%2Fpool%20x%2B%C3%A9%3F%26%23'
        TaskclusterClient.encode("A-z_0.9!~*'()") == "A-z_0.9!~*'()"
        client.listWorkers('proj/x', 'pool name+1')*.workerId() == ['w0', 'w1']
    }

    def "several pools concurrently: one failing pool does not lose the others"() {
        given:
        tc.standIn.tokenLoop("$PROV/big")
        client = new TaskclusterClient(tc.settings().withPaging(10, 100))
        def pools = ['small', 'big', 'osx', 'empty'].collect { new Pool(PROV, it) }

        when:
        Map<Pool, PoolResult> results = client.listWorkers(pools, 3)

        then:
        results.keySet() as List == pools
        results[pools[0]].workers().size() == 3
        !results[pools[1]].ok()
        results[pools[1]].error().message.startsWith("pool $PROV/big: the continuation token repeated")
        results[pools[2]].workers()*.workerId() == ['macmini-r8-1']
        results[pools[3]].workers().isEmpty()
    }
}
