package dev.fleetroll.standin

import groovy.json.JsonSlurper
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.time.Duration
import java.time.Instant
import spock.lang.AutoCleanup
import spock.lang.Specification

/** The stand-in as any HTTP client sees it: GitHub's JSON, paging, errors and headers. */
class GitHubStandInSpec extends Specification {
    static final Instant NOW = Instant.parse('2026-03-01T12:00:00Z')

    StaticRefSource refs = new StaticRefSource()
    @AutoCleanup
    GitHubStandIn github = GitHubStandIn.start(refs, 0, { NOW })
    @AutoCleanup
    HttpClient http = HttpClient.newHttpClient()

    HttpResponse<String> get(String pathAndQuery, Map<String, String> headers = [:]) {
        def b = HttpRequest.newBuilder(URI.create("${github.apiUrl()}$pathAndQuery"))
        headers.each { k, v -> b.header(k, v) }
        http.send(b.build(), HttpResponse.BodyHandlers.ofString())
    }

    static String sha(int i) {
        sprintf('%040x', i)
    }

    def "serves on 127.0.0.1 at an ephemeral port"() {
        expect:
        github.apiUrl() == URI.create("http://127.0.0.1:${github.port()}")
        github.port() > 0
    }

    def "refs come in GitHub's shape, sorted by name, with rate-limit headers"() {
        given:
        refs.put('o', 'r', ['master': sha(1), 'fix/a': sha(2)])

        when:
        def r = get('/repos/o/r/git/refs/heads')
        def json = new JsonSlurper().parseText(r.body())

        then:
        r.statusCode() == 200
        r.headers().firstValue('content-type').get().startsWith('application/json')
        json == [
                [ref: 'refs/heads/fix/a', node_id: json[0].node_id, url: "${github.apiUrl()}/repos/o/r/git/refs/heads/fix/a".toString(),
                 object: [sha: sha(2), type: 'commit', url: "${github.apiUrl()}/repos/o/r/git/commits/${sha(2)}".toString()]],
                [ref: 'refs/heads/master', node_id: json[1].node_id, url: "${github.apiUrl()}/repos/o/r/git/refs/heads/master".toString(),
                 object: [sha: sha(1), type: 'commit', url: "${github.apiUrl()}/repos/o/r/git/commits/${sha(1)}".toString()]]]
        json*.node_id.every { it.startsWith('REF_') }
        r.headers().firstValue('X-RateLimit-Limit').get() == '5000'
        r.headers().firstValue('X-RateLimit-Remaining').get() == '4999'
        r.headers().firstValue('X-RateLimit-Used').get() == '1'
        r.headers().firstValue('X-RateLimit-Reset').get() == "${NOW.epochSecond + 3600}"
        r.headers().firstValue('X-RateLimit-Resource').get() == 'core'
        !r.headers().firstValue('Link').isPresent()
    }

    def "pages: per_page (default 30, at most 100) and page, with GitHub's Link relations"() {
        given:
        refs.put('o', 'r', (1..250).collectEntries { [(sprintf('b%03d', it)): sha(it)] })
        def base = "${github.apiUrl()}/repos/o/r/git/refs/heads"

        when:
        def first = get('/repos/o/r/git/refs/heads')
        def middle = get('/repos/o/r/git/refs/heads?per_page=100&page=2')
        def last = get('/repos/o/r/git/refs/heads?page=3&per_page=100')
        def beyond = get('/repos/o/r/git/refs/heads?per_page=100&page=9')
        def capped = get('/repos/o/r/git/refs/heads?per_page=1000')

        then:
        new JsonSlurper().parseText(first.body()).size() == 30
        first.headers().firstValue('Link').get() ==
                "<$base?per_page=30&page=2>; rel=\"next\", <$base?per_page=30&page=9>; rel=\"last\"".toString()
        new JsonSlurper().parseText(middle.body())*.ref.first() == 'refs/heads/b101'
        middle.headers().firstValue('Link').get() ==
                ("<$base?per_page=100&page=1>; rel=\"prev\", <$base?per_page=100&page=3>; rel=\"next\", " +
                        "<$base?per_page=100&page=3>; rel=\"last\", <$base?per_page=100&page=1>; rel=\"first\"").toString()
        new JsonSlurper().parseText(last.body()).size() == 50
        !last.headers().firstValue('Link').get().contains('rel="next"')
        new JsonSlurper().parseText(beyond.body()) == []
        new JsonSlurper().parseText(capped.body()).size() == 100
    }

    def "unknown repository and unknown path: GitHub's 404 body"() {
        when:
        def r = get(path)

        then:
        r.statusCode() == 404
        def json = new JsonSlurper().parseText(r.body())
        json.message == 'Not Found'
        json.documentation_url.startsWith('https://docs.github.com/')
        r.headers().firstValue('X-RateLimit-Remaining').isPresent()

        where:
        path << ['/repos/nobody/nothing/git/refs/heads', '/user', '/repos/o/r/git/refs/tags']
    }

    def "an empty repository: 409 as GitHub answers"() {
        given:
        refs.put('o', 'empty', [:])

        expect:
        get('/repos/o/empty/git/refs/heads').statusCode() == 409
    }

    def "requireToken: 401 without the right bearer token"() {
        given:
        refs.put('o', 'r', [master: sha(1)])
        github.requireToken('t0ken')

        expect:
        get('/repos/o/r/git/refs/heads').statusCode() == 401
        get('/repos/o/r/git/refs/heads', [Authorization: 'Bearer wrong']).statusCode() == 401
        new JsonSlurper().parseText(get('/repos/o/r/git/refs/heads', [Authorization: 'Bearer wrong']).body()).message == 'Bad credentials'
        get('/repos/o/r/git/refs/heads', [Authorization: 'Bearer t0ken']).statusCode() == 200
    }

    def "fault knobs answer the next requests in the order queued, then normal answers resume"() {
        given:
        refs.put('o', 'r', [master: sha(1)])
        github.failNext(1, 502)
        github.rateLimitNext(1, Duration.ofSeconds(90))
        github.retryAfterNext(1, 12)
        github.malformedNext()

        when:
        def answers = (1..5).collect { get('/repos/o/r/git/refs/heads') }

        then:
        answers*.statusCode() == [502, 403, 429, 200, 200]
        answers[1].headers().firstValue('X-RateLimit-Remaining').get() == '0'
        answers[1].headers().firstValue('X-RateLimit-Reset').get() == "${NOW.epochSecond + 90}"
        answers[2].headers().firstValue('Retry-After').get() == '12'
        answers[3].body().startsWith('[{"ref":"refs/heads/master"')
        when:
        new JsonSlurper().parseText(answers[3].body())
        then:
        thrown(Exception)
        new JsonSlurper().parseText(answers[4].body())*.ref == ['refs/heads/master']
        github.requests() == 5
    }
}
