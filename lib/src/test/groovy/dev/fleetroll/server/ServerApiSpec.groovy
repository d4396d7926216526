package dev.fleetroll.server

import dev.fleetroll.UserError
import dev.fleetroll.auditlog.AuditLog
import dev.fleetroll.ssh.Outcome
import dev.fleetroll.taskcluster.Hawk
import java.nio.charset.StandardCharsets
import java.nio.file.Path
import java.time.Duration
import spock.lang.AutoCleanup
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.TempDir

import static dev.fleetroll.state.TestObservations.*

/** The REST API of a real server over a real SQLite store: reads, filters, actions, Hawk, scopes, errors. */
class ServerApiSpec extends Specification {
    @Shared
    @TempDir
    Path tmp

    @Shared
    @AutoCleanup
    ServerFixture f

    def setupSpec() {
        f = new ServerFixture(tmp)
        def now = java.time.Instant.now()
        f.fleet.store().saveAll([
                ok('web-1', role: 'gecko_t_linux', ts: now - Duration.ofMinutes(2), puppetAt: now - Duration.ofHours(30)),
                ok('web-2', role: 'gecko_t_win', ts: now - Duration.ofMinutes(1), puppetAt: now - Duration.ofMinutes(30)),
                failed('db-1', Outcome.UNREACHABLE)])
        f.start()
    }

    def "GET /api/v1/hosts lists every stored host with the monitor's cells and tones"() {
        when:
        def r = f.get('/api/v1/hosts')
        def doc = ServerFixture.parse(r.body())

        then:
        r.statusCode() == 200
        r.headers().firstValue('Content-Type').get().startsWith('application/json')
        doc.hosts*.host == ['db-1', 'web-1', 'web-2']
        doc.summary.total == 3
        doc.summary.unreachable == 1
        doc.columns*.name.containsAll(['host', 'role', 'pp_last', 'note'])
        doc.hosts.find { it.host == 'web-1' }.cells.role == 'gecko_t_linux'
        doc.hosts.find { it.host == 'db-1' }.tones.ssh == 'bad'
    }

    def "the filter and sort parameters use the shared query language"() {
        expect:
        hosts('?filter=' + enc('role~linux|win pp_last>20h')) == ['web-1']
        hosts('?filter=' + enc('role~gecko sort:role:desc')) == ['web-2', 'web-1']
        hosts('?sort=' + enc('host:desc')) == ['web-2', 'web-1', 'db-1']
    }

    def "limit and offset page the rows: total counts every match, next names the following page, the last has none"() {
        when:
        def first = ServerFixture.parse(f.get('/api/v1/hosts?sort=host&limit=2').body())
        def second = ServerFixture.parse(f.get(first.next).body())
        def bad = f.get('/api/v1/hosts?limit=0')

        then:
        first.hosts*.host == ['db-1', 'web-1']
        first.total == 3
        first.offset == 0
        first.next == '/api/v1/hosts?filter=&sort=host&offset=2&limit=2'
        second.hosts*.host == ['web-2']
        second.total == 3
        second.offset == 2
        second.next == null
        bad.statusCode() == 400
        ServerFixture.parse(bad.body()).error.contains('limit')
    }

    def "a bad filter is a 400 with the query language's message"() {
        when:
        def r = f.get('/api/v1/hosts?filter=' + enc('nosuchcol=1'))
        def doc = ServerFixture.parse(r.body())

        then:
        r.statusCode() == 400
        doc.code == 400
        doc.error.contains("nosuchcol")
    }

    def "GET /api/v1/hosts/{name} has the state, observation history, notes and audit entries; unknown is 404 JSON"() {
        when:
        def r = f.get('/api/v1/hosts/web-1')
        def doc = ServerFixture.parse(r.body())
        def missing = f.get('/api/v1/hosts/nope')

        then:
        r.statusCode() == 200
        doc.host == 'web-1'
        doc.observations.size() == 1
        doc.observations[0].host == 'web-1'
        doc.notes instanceof List
        doc.auditLog instanceof List
        missing.statusCode() == 404
        ServerFixture.parse(missing.body()) == [error: "unknown host 'nope' (the store has no observation of it)", code: 404]
    }

    def "an authorised note is stored, shows in the host, and is audited with the client id as actor"() {
        when:
        def r = f.act('ops/alice', '/api/v1/hosts/web-2/note', '{"text": "disk failing, RELOPS-1"}')

        then:
        r.statusCode() == 200
        ServerFixture.parse(r.body()).actor == 'ops/alice'
        f.fleet.store().notes()['web-2'].text() == 'disk failing, RELOPS-1'
        f.fleet.store().notes()['web-2'].author() == 'ops/alice'

        when:
        def log = AuditLog.of(f.workspace.home(), 'x').read(new AuditLog.Filter('web-2', 'host.note_add', null)).entries()
        def entries = ServerFixture.parse(f.get('/api/v1/audit-log?host=web-2').body()).entries
        def detail = ServerFixture.parse(f.get('/api/v1/hosts/web-2').body())

        then:
        log.size() == 1
        log[0].record().actor() == 'ops/alice'
        entries*.actor == ['ops/alice']
        detail.notes*.text == ['disk failing, RELOPS-1']
        detail.auditLog*.action == ['host.note_add']
    }

    def "no credentials is 401, too few scopes is 403, and nothing is done"() {
        given:
        def before = f.fleet.store().noteHistory('web-1', 100).size()

        when:
        def anon = f.post('/api/v1/hosts/web-1/note', '{"text": "x"}', null)
        def bob = f.act('ops/bob', '/api/v1/hosts/web-1/note', '{"text": "x"}')
        def unknown = f.post('/api/v1/hosts/web-1/note', '{"text": "x"}',
                f.hawk('ops/alice', 'POST', '/api/v1/hosts/web-1/note', '{"text": "x"}'.bytes, [token: 'wrong']))

        then:
        anon.statusCode() == 401
        ServerFixture.parse(anon.body()).error.startsWith('authentication required')
        bob.statusCode() == 403
        ServerFixture.parse(bob.body()) == [error: "client 'ops/bob' lacks the scope fleetroll:note:none/web-1", code: 403]
        unknown.statusCode() == 401
        ServerFixture.parse(unknown.body()).error.contains('Bad Mac')
        f.fleet.store().noteHistory('web-1', 100).size() == before
    }

    def "a scope ending in * covers the hosts under it"() {
        expect:
        Scopes.satisfies(['fleetroll:note:*'], 'fleetroll:note:pool/h')
        Scopes.satisfies(['*'], 'fleetroll:quarantine:pool/h')
        Scopes.satisfies(['fleetroll:note:pool/*'], 'fleetroll:note:pool/h')
        !Scopes.satisfies(['fleetroll:note:pool/*'], 'fleetroll:note:other/h')
        !Scopes.satisfies(['fleetroll:note:pool/h'], 'fleetroll:note:pool/h2')
        !Scopes.satisfies(['fleetroll:note*x'], 'fleetroll:note:pool/h')
    }

    def "a replayed request is refused and changes nothing"() {
        given:
        def body = '{"text": "replay me"}'
        def header = f.hawk('ops/alice', 'POST', '/api/v1/hosts/web-1/note', body.bytes)

        when:
        def first = f.post('/api/v1/hosts/web-1/note', body, header)
        f.act('ops/alice', '/api/v1/hosts/web-1/note', '{"clear": true}')
        def again = f.post('/api/v1/hosts/web-1/note', body, header)

        then:
        first.statusCode() == 200
        again.statusCode() == 401
        ServerFixture.parse(again.body()).error.contains('replayed')
        f.fleet.store().notes()['web-1'] == null
    }

    def "the payload hash must be sent and must match the body"() {
        when:
        def noHash = f.post('/api/v1/hosts/web-1/note', '{"text": "a"}', f.hawk('ops/alice', 'POST', '/api/v1/hosts/web-1/note', null))
        def wrong = f.post('/api/v1/hosts/web-1/note', '{"text": "b"}',
                f.hawk('ops/alice', 'POST', '/api/v1/hosts/web-1/note', '{"text": "a"}'.bytes, [hash: Hawk.payloadHash('application/json', '{"text": "a"}'.bytes)]))

        then:
        noHash.statusCode() == 401
        ServerFixture.parse(noHash.body()).error.contains('payload hash')
        wrong.statusCode() == 401
        ServerFixture.parse(wrong.body()).error.contains('does not match')
        f.fleet.store().notes()['web-1'] == null
    }

    def "malformed, wrong-shaped and oversized bodies are 400"() {
        when:
        def r = f.act('ops/alice', '/api/v1/hosts/web-1/note', body)
        def doc = ServerFixture.parse(r.body())

        then:
        r.statusCode() == 400
        doc.code == 400
        doc.error.contains(message)
        f.fleet.store().notes()['web-1'] == null

        where:
        body                                | message
        '{"text": '                         | 'malformed JSON'
        '["text"]'                          | 'must be a JSON object'
        '{"text": 1}'                       | "'text' must be a string"
        '{"txt": "x"}'                      | "unknown field 'txt'"
        '{}'                                | "'text' is required"
        '{"text": "a"} {"text": "b"}'       | 'malformed JSON'
        '{"text": "' + 'x' * 70_000 + '"}'  | 'too large'
        '{"text": "' + 'x' * 600 + '"}'     | 'at most 500'
    }

    def "reboot starts a coordinated reboot (202), ends in the audit log, and a host still holding its slot is 409; unknown actions are 404"() {
        when: 'no reason'
        def none = f.act('ops/alice', '/api/v1/hosts/db-1/reboot', '{}')

        then:
        none.statusCode() == 400
        ServerFixture.parse(none.body()).error.contains('needs a reason')

        when: 'a reason: accepted at once, the climb runs in the server'
        def r = f.act('ops/alice', '/api/v1/hosts/db-1/reboot', '{"reason": "kernel 6.12"}')
        def doc = ServerFixture.parse(r.body())

        then:
        r.statusCode() == 202
        doc.host == 'db-1'
        doc.group == 'default'
        doc.rungs == ['ssh']
        doc.follow == '/api/v1/audit-log?host=db-1&action=reboot.done'

        when: 'its end is in the audit log: db-1 has no sshd and no BMC, so nothing brought it back and it keeps its slot'
        def done = awaitAudit(doc.follow)
        def again = f.act('ops/alice', '/api/v1/hosts/db-1/reboot', '{"reason": "again"}')

        then:
        done.actor == 'ops/alice'
        done.outcome == 'not-back'
        again.statusCode() == 409
        ServerFixture.parse(again.body()).error =~ /db-1 holds reboot slot 0 of default \(stuck\) since .*, taken by ops\/alice for 'kernel 6.12'; release it with fleetroll reboot-slots release first/

        when:
        def other = f.act('ops/alice', '/api/v1/hosts/web-1/explode', null)

        then:
        other.statusCode() == 404
    }

    /** The newest audit record at {@code path} once there is one (the reboot runs in the server's own thread). */
    Map awaitAudit(String path) {
        def deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos()
        while (System.nanoTime() < deadline) {
            def entries = ServerFixture.parse(f.get(path).body()).entries
            if (entries) {
                return entries[0]
            }
            Thread.sleep(100)
        }
        throw new AssertionError("no record at $path within 120 s")
    }

    def "every route the server answers is in the OpenAPI document, and every documented path is served"() {
        when:
        def doc = ServerFixture.parse(f.get('/api/v1/openapi.json').body())

        then:
        doc.openapi.startsWith('3.')
        FleetServer.ROUTES.every { route ->
            def (method, path) = route.split(' ', 2)
            doc.paths[path]?.containsKey(method.toLowerCase())
        }
        doc.paths.keySet().every { path -> FleetServer.ROUTES.any { it.endsWith(' ' + path) } }

        and: 'each documented GET route answers (events is a stream, read separately)'
        doc.paths.findAll { p, ops -> ops.get && p != '/api/v1/events' }.every { p, ops ->
            f.get(p.replace('{name}', 'web-2')).statusCode() == 200
        }
    }

    def "/metrics counts hosts by verdict and API requests by route and status; /healthz answers"() {
        given:
        f.get('/api/v1/hosts/nope')

        when:
        def m = f.get('/metrics').body()
        def h = ServerFixture.parse(f.get('/healthz').body())

        then:
        m.contains('fleetroll_hosts{verdict="total"} 3')
        m.contains('fleetroll_hosts{verdict="unreachable"} 1')
        m.contains('fleetroll_api_requests_total{route="/api/v1/hosts/{name}",status="404"}')
        m.contains('fleetroll_scanner ')
        h.status == 'ok'
        h.hosts == 3
    }

    def "unknown routes and methods are JSON errors; CORS headers are off by default"() {
        when:
        def nf = f.get('/api/v1/nope', [Origin: 'https://example.org'])
        def put = f.http.send(java.net.http.HttpRequest.newBuilder(f.uri('/api/v1/hosts'))
                .method('PUT', java.net.http.HttpRequest.BodyPublishers.noBody()).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())

        then:
        nf.statusCode() == 404
        ServerFixture.parse(nf.body()).code == 404
        nf.headers().firstValue('Access-Control-Allow-Origin').isEmpty()
        put.statusCode() == 405
        ServerFixture.parse(put.body()).code == 405
    }

    def "the server refuses a non-loopback address unless remote access is allowed"() {
        when:
        ListenAddress.parse('0.0.0.0:8420', false)

        then:
        def e = thrown(UserError)
        e.message.contains('--allow-remote')

        expect:
        ListenAddress.parse('0.0.0.0:8420', true).port == 8420
        ListenAddress.parse('127.0.0.1:0', false).address.loopbackAddress
    }

    def "with CORS origins and read_auth configured, reads need Hawk and answers carry CORS headers"() {
        given:
        def g = new ServerFixture(tmp.resolve('second'), '''
  read_auth: true
  cors_origins: [https://tools.example.org]
'''.stripIndent().replace('\n  ', '\n').replaceFirst('^\n', '').split('\n').collect { '  ' + it }.join('\n'))
        g.fleet.store().saveAll([ok('h1')])
        g.start()

        when:
        def anon = g.get('/api/v1/hosts', [Origin: 'https://tools.example.org'])
        def signed = g.get('/api/v1/hosts', [Authorization: g.hawk('ops/alice', 'GET', '/api/v1/hosts')])
        def bob = g.get('/api/v1/hosts', [Authorization: g.hawk('ops/bob', 'GET', '/api/v1/hosts')])
        def pre = g.http.send(java.net.http.HttpRequest.newBuilder(g.uri('/api/v1/hosts/h1/note'))
                .method('OPTIONS', java.net.http.HttpRequest.BodyPublishers.noBody()).header('Origin', 'https://tools.example.org').build(),
                java.net.http.HttpResponse.BodyHandlers.ofString())

        then:
        anon.statusCode() == 401
        anon.headers().firstValue('Access-Control-Allow-Origin').get() == 'https://tools.example.org'
        signed.statusCode() == 200
        ServerFixture.parse(signed.body()).hosts*.host == ['h1']
        bob.statusCode() == 403
        pre.statusCode() == 204
        pre.headers().firstValue('Access-Control-Allow-Methods').get().contains('POST')

        cleanup:
        g?.close()
    }

    private List<String> hosts(String query) {
        def r = f.get('/api/v1/hosts' + query)
        assert r.statusCode() == 200: r.body()
        ServerFixture.parse(r.body()).hosts*.host
    }

    private static String enc(String s) {
        URLEncoder.encode(s, StandardCharsets.UTF_8)
    }
}
