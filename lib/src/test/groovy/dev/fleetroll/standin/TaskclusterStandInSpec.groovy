package dev.fleetroll.standin

import dev.fleetroll.UserError
import dev.fleetroll.taskcluster.Hawk
import groovy.json.JsonSlurper
import spock.lang.AutoCleanup
import spock.lang.Specification
import spock.lang.TempDir

import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration
import java.time.Instant

/** The stand-in's wire format, seen with a plain HTTP client. */
class TaskclusterStandInSpec extends Specification {
    static final Instant NOW = Instant.parse('2026-01-10T12:00:00Z')
    static final String KEY = 'stand-in-key'

    @TempDir
    Path dir

    @AutoCleanup
    TaskclusterStandIn standIn

    StaticWorkerSource source = new StaticWorkerSource()
    HttpClient http = HttpClient.newHttpClient()

    def setup() {
        source.add('prov', 'pool', (0..<5).collect { StandInWorker.of('g', "w$it", NOW) })
        standIn = TaskclusterStandIn.start(source, [me: KEY], dir.resolve('book.json'), 0, { NOW })
    }

    HttpResponse<String> send(String method, String pathAndQuery, String body = null, String authorization = null) {
        def b = HttpRequest.newBuilder(URI.create(standIn.rootUrl() + pathAndQuery))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
        if (authorization != null) {
            b.header('Authorization', authorization)
        }
        http.send(b.build(), HttpResponse.BodyHandlers.ofString())
    }

    String sign(String method, String pathAndQuery, long ts, String key = KEY) {
        Hawk.header('me', key, new Hawk.Artifacts(ts, Hawk.nonce(), method, pathAndQuery, '127.0.0.1', standIn.port(), null, null))
    }

    static Object json(HttpResponse<String> r) {
        new JsonSlurper().parseText(r.body())
    }

    def "listWorkers pages with opaque tokens, capped at 1000 per page"() {
        given:
        String path = '/api/worker-manager/v1/provisioners/prov/worker-types/pool/workers'

        when:
        def first = json(send('GET', "$path?limit=2"))
        def second = json(send('GET', "$path?limit=2&continuationToken=${first.continuationToken}"))
        def third = json(send('GET', "$path?limit=2&continuationToken=${second.continuationToken}"))
        def all = json(send('GET', "$path?limit=5000"))

        then:
        first.workers*.workerId == ['w0', 'w1']
        first.workers[0] == [workerGroup: 'g', workerId: 'w0', workerPoolId: 'prov/pool', firstClaim: '2026-01-10T12:00:00.000Z',
                             lastDateActive: '2026-01-10T12:00:00.000Z', state: 'running', capacity: 1, providerId: 'static']
        !first.continuationToken.contains('offset')
        second.workers*.workerId == ['w2', 'w3']
        third.workers*.workerId == ['w4']
        !third.containsKey('continuationToken')
        all.workers.size() == 5
        send('GET', "$path?continuationToken=garbage").statusCode() == 400
        json(send('GET', '/api/worker-manager/v1/provisioners/prov/worker-types/other/workers')).workers == []
    }

    def "an unknown worker is a 404 with the queue's error body"() {
        when:
        def r = send('GET', '/api/queue/v1/provisioners/prov/worker-types/pool/workers/g/nope')

        then:
        r.statusCode() == 404
        r.headers().firstValue('Content-Type').get().startsWith('application/json')
        json(r).code == 'ResourceNotFound'
        json(r).message.contains('`nope`')
    }

    def "quarantine needs a Hawk-signed request from a known client"() {
        given:
        String path = '/api/queue/v1/provisioners/prov/worker-types/pool/workers/g/w1'
        String body = '{"quarantineUntil": "2026-02-01T00:00:00.000Z", "quarantineInfo": "disk"}'
        long ts = NOW.epochSecond

        expect:
        send('PUT', path, body).statusCode() == 403
        json(send('PUT', path, body, sign('PUT', path, ts, 'wrong'))).message == 'Bad Mac'
        json(send('PUT', path, body, Hawk.header('who', KEY, new Hawk.Artifacts(ts, 'n', 'PUT', path, '127.0.0.1', standIn.port(), null, null)))).message == 'Unknown credentials'
        send('PUT', path, '{"quarantineInfo": "no date"}', sign('PUT', path, ts)).statusCode() == 400
        send('PUT', path, body, sign('PUT', path, ts)).statusCode() == 200
        standIn.quarantineBook().until(new QuarantineBook.Key('prov', 'pool', 'g', 'w1')).get() == Instant.parse('2026-02-01T00:00:00Z')
        standIn.requests() == 5
    }

    def "a stale timestamp is answered like hapi: 401 with the server's ts and its MAC"() {
        given:
        String path = '/api/queue/v1/provisioners/prov/worker-types/pool/workers/g/w1'
        standIn.clockSkew(Duration.ofMinutes(16))

        when:
        def r = send('GET', path, null, sign('GET', path, NOW.epochSecond))
        def challenge = Hawk.attributes(r.headers().firstValue('WWW-Authenticate').get()).get()

        then:
        r.statusCode() == 401
        json(r).message == 'Stale timestamp'
        challenge.ts == String.valueOf(NOW.epochSecond + 960)
        challenge.tsm == Hawk.timestampMac(KEY, NOW.epochSecond + 960)
        challenge.error == 'Stale timestamp'

        and: 'fifteen minutes off is still fine'
        send('GET', path, null, sign('GET', path, NOW.epochSecond + 60)).statusCode() == 200
    }

    def "quarantines survive a restart"() {
        given:
        String path = '/api/queue/v1/provisioners/prov/worker-types/pool/workers/g/w2'
        send('PUT', path, '{"quarantineUntil": "2027-01-01T00:00:00Z"}', sign('PUT', path, NOW.epochSecond))
        standIn.close()

        when:
        standIn = TaskclusterStandIn.start(source, [me: KEY], dir.resolve('book.json'), 0, { NOW })
        def w = json(send('GET', path))

        then:
        w.quarantineUntil == '2027-01-01T00:00:00.000Z'
        w.quarantineDetails == [[clientId: 'me', quarantineUntil: '2027-01-01T00:00:00.000Z',
                                 updatedAt: '2026-01-10T12:00:00.000Z', quarantineInfo: '[unspecified]']]
        w.taskQueueId == 'prov/pool'
    }

    def "a file that is not a quarantine book is one line naming it"() {
        given:
        Path bad = dir.resolve('bad.json')
        Files.writeString(bad, 'not json')

        when:
        QuarantineBook.open(bad)

        then:
        UserError e = thrown()
        e.message == "quarantine book $bad: not a fleetroll quarantine book: move it away or delete it"
    }

    def "task status lists the runs"() {
        given:
        source.add(new StandInTask('T', [new StandInTask.Run(0, 'completed', NOW, NOW + Duration.ofMinutes(1), 'g', 'w0')]))

        when:
        def s = json(send('GET', '/api/queue/v1/task/T/status'))

        then:
        s.status.state == 'completed'
        s.status.runs == [[runId: 0, state: 'completed', reasonCreated: 'scheduled', workerGroup: 'g', workerId: 'w0',
                           started: '2026-01-10T12:00:00.000Z', resolved: '2026-01-10T12:01:00.000Z']]
        send('GET', '/api/queue/v1/task/nope/status').statusCode() == 404
    }

    def "fault knobs: failNext, malformedNext"() {
        given:
        String path = '/api/worker-manager/v1/provisioners/prov/worker-types/pool/workers'
        standIn.failNext(2, 502)

        expect:
        send('GET', path).statusCode() == 502
        send('GET', path).statusCode() == 502
        send('GET', path).statusCode() == 200

        when:
        standIn.malformedNext()
        new JsonSlurper().parseText(send('GET', path).body())

        then:
        thrown(Exception)
        send('GET', path).statusCode() == 200
        standIn.requests() == 5
    }
}
