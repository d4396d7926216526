package dev.fleetroll.github

import dev.fleetroll.util.Sleeper
import dev.fleetroll.standin.GitHubStandIn
import dev.fleetroll.standin.StaticRefSource
import java.time.Duration
import java.time.Instant
import spock.lang.AutoCleanup
import spock.lang.Specification

/** The client against the stand-in over real HTTP; waits are recorded, never slept; the clock is fixed. */
class GitHubClientSpec extends Specification {
    static final Instant NOW = Instant.parse('2026-03-01T12:00:00Z')
    static final String TOKEN = 'ghp_SECRETsecret1234567890abcdefABCDEF'

    StaticRefSource refs = new StaticRefSource()
    @AutoCleanup
    GitHubStandIn github = GitHubStandIn.start(refs, 0, { NOW })
    List<Duration> waits = [].asSynchronized()
    @AutoCleanup
    GitHubClient client = client(settings())

    GitHubClient.Settings settings() {
        GitHubClient.Settings.defaults()
                .withApiUrl(github.apiUrl())
                .withSleeper({ Duration d -> waits << d } as Sleeper)
                .withClock({ NOW })
                .withMaxAttempts(3)
                .withInitialBackoff(Duration.ofMillis(500))
                .withMaxRateLimitWait(Duration.ofSeconds(60))
                .withRequestTimeout(Duration.ofSeconds(5))
    }

    GitHubClient client(GitHubClient.Settings s) {
        client?.close()
        client = new GitHubClient(s)
    }

    static String sha(int i) {
        sprintf('%040x', i)
    }

    def "reads 250 branches in three pages of 100, following Link rel=next"() {
        given:
        Map<String, String> heads = (1..250).collectEntries { [("branch-" + sprintf('%03d', it)): sha(it)] }
        refs.put('mozilla-platform-ops', 'ronin_puppet', heads)

        when:
        def got = client.branchHeads('mozilla-platform-ops', 'ronin_puppet')

        then:
        got == heads
        got.size() == 250
        github.requests() == 3
        waits.isEmpty()
    }

    def "stops with an error past maxPages instead of returning part of the branches"() {
        given:
        refs.put('o', 'r', (1..250).collectEntries { [("b$it".toString()): sha(it)] })
        client(settings().withMaxPages(2))

        when:
        client.branchHeads('o', 'r')

        then:
        def e = thrown(GitHubException)
        e.message == 'o/r has more than 2 pages of branches; stopped reading (maxPages)'
    }

    def "branch names keep their slashes; owner and repo match case-insensitively"() {
        given:
        refs.put('Owner', 'Repo', ['master': sha(1), 'relops/fix/resolved': sha(2), 'a/b': sha(3)])

        expect:
        client.branchHeads('owner', 'repo') == ['master': sha(1), 'relops/fix/resolved': sha(2), 'a/b': sha(3)]
    }

    def "an empty repository has no branches"() {
        given:
        refs.put('o', 'empty', [:])

        expect:
        client.branchHeads('o', 'empty') == [:]
    }

    def "a renamed repository: the 301 to its new name is followed, with the token"() {
        given:
        refs.put('mozilla-platform-ops', 'ronin_puppet', [master: sha(1)])
        github.rename('mozilla-releng/ronin_puppet', 'mozilla-platform-ops/ronin_puppet')
        github.requireToken(TOKEN)
        client(settings().withToken(TOKEN))

        expect:
        client.branchHeads('mozilla-releng', 'ronin_puppet') == [master: sha(1)]
        github.requests() == 2
    }

    def "a redirect or next-page link to another host is not followed (the token would go along)"() {
        given: 'a second server whose answers point at the stand-in, another origin'
        def other = com.sun.net.httpserver.HttpServer.create(new InetSocketAddress(InetAddress.loopbackAddress, 0), 0)
        other.createContext('/') { ex ->
            if (ex.requestURI.path.contains('/moved/')) {
                ex.responseHeaders.add('Location', "${github.apiUrl()}/repos/o/r/git/refs/heads")
                ex.sendResponseHeaders(301, -1)
            } else {
                ex.responseHeaders.add('Link', "<${github.apiUrl()}/repos/o/r/git/refs/heads?page=2>; rel=\"next\"")
                byte[] body = '[]'.bytes
                ex.sendResponseHeaders(200, body.length)
                ex.responseBody.write(body)
            }
            ex.close()
        }
        other.start()
        client(settings().withApiUrl("http://127.0.0.1:${other.address.port}"))

        when:
        client.branchHeads('moved', 'r')

        then:
        def e = thrown(GitHubException)
        e.message == "GitHub's redirect for moved/r leads to another server (${github.apiUrl()}); not following it"

        when:
        client.branchHeads('o', 'paged')

        then:
        def e2 = thrown(GitHubException)
        e2.message == "GitHub's next-page link for o/paged leads to another server (${github.apiUrl()}); not following it"
        github.requests() == 0

        cleanup:
        other?.stop(0)
    }

    def "404: the repository is named, with the hint about tokens"() {
        when:
        client.branchHeads('nobody', 'nothing')

        then:
        def e = thrown(GitHubException)
        e.message == 'repository nobody/nothing not found (or not visible without a token)'
        github.requests() == 1
    }

    def "401 says to check the token and never shows it"() {
        given:
        refs.put('o', 'r', [master: sha(1)])
        github.requireToken('the-right-token')
        client(settings().withToken(TOKEN))

        when:
        client.branchHeads('o', 'r')

        then:
        def e = thrown(GitHubException)
        e.message == 'GitHub rejected the token: check github.token / $GITHUB_TOKEN'
        !e.message.contains(TOKEN)
        github.requests() == 1
    }

    def "the right token is sent as a bearer token"() {
        given:
        refs.put('o', 'r', [master: sha(1)])
        github.requireToken(TOKEN)
        client(settings().withToken(TOKEN))

        expect:
        client.branchHeads('o', 'r') == [master: sha(1)]
    }

    def "the token is in no toString"() {
        given:
        def s = settings().withToken(TOKEN)
        client(s)

        expect:
        !s.toString().contains(TOKEN)
        s.toString().contains('token=(set)')
        !client.toString().contains(TOKEN)
        s.token() == TOKEN
    }

    def "403 rate limit resetting within maxRateLimitWait: waits until X-RateLimit-Reset, then reads"() {
        given:
        refs.put('o', 'r', [master: sha(1)])
        github.rateLimitNext(1, Duration.ofSeconds(42))

        when:
        def got = client.branchHeads('o', 'r')

        then:
        got == [master: sha(1)]
        waits == [Duration.ofSeconds(42)]
        github.requests() == 2
    }

    def "403 rate limit resetting later than maxRateLimitWait: an error naming the reset time, no wait"() {
        given:
        refs.put('o', 'r', [master: sha(1)])
        github.rateLimitNext(1, Duration.ofMinutes(30))

        when:
        client.branchHeads('o', 'r')

        then:
        def e = thrown(GitHubException)
        e.message == 'GitHub rate limit reached; resets at 2026-03-01T12:30:00Z (set a token to raise the limit)'
        waits.isEmpty()
        github.requests() == 1
    }

    def "429 with Retry-After: waits that many seconds, then reads"() {
        given:
        refs.put('o', 'r', [master: sha(1)])
        github.retryAfterNext(2, 7)

        when:
        def got = client.branchHeads('o', 'r')

        then:
        got == [master: sha(1)]
        waits == [Duration.ofSeconds(7), Duration.ofSeconds(7)]
        github.requests() == 3
    }

    def "a rate limit that keeps coming is an error after maxAttempts"() {
        given:
        refs.put('o', 'r', [master: sha(1)])
        github.retryAfterNext(5, 7)

        when:
        client.branchHeads('o', 'r')

        then:
        def e = thrown(GitHubException)
        e.message.startsWith('GitHub rate limit reached; resets at 2026-03-01T12:00:07Z')
        github.requests() == 3
        waits.size() == 2
    }

    def "5xx is retried with exponential backoff, then the branches are read"() {
        given:
        refs.put('o', 'r', [master: sha(1)])
        github.failNext(2, 502)

        when:
        def got = client.branchHeads('o', 'r')

        then:
        got == [master: sha(1)]
        waits == [Duration.ofMillis(500), Duration.ofMillis(1000)]
        github.requests() == 3
    }

    def "5xx on every attempt: an error after maxAttempts naming status and URL"() {
        given:
        refs.put('o', 'r', [master: sha(1)])
        github.failNext(10, 503)

        when:
        client.branchHeads('o', 'r')

        then:
        def e = thrown(GitHubException)
        e.message == "GitHub answered 503 for ${github.apiUrl()}/repos/o/r/git/refs/heads?per_page=100 (gave up after 3 attempts)"
        github.requests() == 3
        waits == [Duration.ofMillis(500), Duration.ofMillis(1000)]
    }

    def "a request timeout is retried like a server error"() {
        given: 'the first answer comes long after the client stops waiting'
        refs.put('o', 'r', [master: sha(1)])
        github.stallNext(1, Duration.ofSeconds(60))
        client(settings().withRequestTimeout(Duration.ofSeconds(3)))

        when:
        def got = client.branchHeads('o', 'r')

        then: 'the first wait is the first backoff (on a loaded machine a retry may time out too, and waits again)'
        got == [master: sha(1)]
        waits[0] == Duration.ofMillis(500)
        github.requests() == waits.size() + 1
    }

    def "a server that cannot be reached is retried, then named"() {
        given:
        def port = github.port()
        github.close()

        when:
        client.branchHeads('o', 'r')

        then:
        def e = thrown(GitHubException)
        e.message.startsWith("cannot reach GitHub at http://127.0.0.1:$port/repos/o/r/git/refs/heads?per_page=100: ")
        e.message.endsWith('(gave up after 3 attempts)')
        waits.size() == 2
    }

    def "malformed JSON is an error naming the URL"() {
        given:
        refs.put('o', 'r', [master: sha(1)])
        github.malformedNext()

        when:
        client.branchHeads('o', 'r')

        then:
        def e = thrown(GitHubException)
        e.message.startsWith("GitHub sent malformed JSON for ${github.apiUrl()}/repos/o/r/git/refs/heads?per_page=100: ")
        !e.message.contains('\n')
        github.requests() == 1
    }

    def "heads(): every wanted branch gets its sha, 'no such branch', or its repository's error"() {
        given:
        refs.put('mozilla-platform-ops', 'ronin_puppet', [master: sha(1), 'relops/x': sha(2)])
        refs.put('jwmoss', 'ronin_puppet', [netperf: sha(3)])
        def wanted = [RepoBranch.DEFAULT,
                      RepoBranch.parse('mozilla-platform-ops/ronin_puppet:relops/x'),
                      RepoBranch.parse('mozilla-platform-ops/ronin_puppet:gone'),
                      RepoBranch.parse('jwmoss/ronin_puppet:netperf'),
                      RepoBranch.parse('deleted/fork:main')]

        when:
        def got = client.heads(wanted, 3)

        then:
        got.keySet() as List == wanted
        got[wanted[0]] == new GitHubClient.Result.Found(sha(1))
        got[wanted[1]].sha().get() == sha(2)
        got[wanted[2]] == new GitHubClient.Result.NoSuchBranch()
        got[wanted[3]].describe() == sha(3)
        got[wanted[4]] == new GitHubClient.Result.Failed('repository deleted/fork not found (or not visible without a token)')
        github.requests() == 3 // each repository once
    }

    def "heads(): a repository whose server keeps failing does not lose the others"() {
        given: 'the first request fails for good (3 attempts), whichever repository it is for'
        refs.put('a', 'one', [master: sha(1)])
        refs.put('b', 'two', [master: sha(2)])
        def wanted = [RepoBranch.parse('a/one:master'), RepoBranch.parse('b/two:master')]
        github.failNext(3, 500)

        when: 'one repository at a time, so the failures all go to the first'
        def got = client.heads(wanted, 1)

        then: 'the repository asked first (the client does not promise an order) failed; the other was still read'
        def failed = wanted.findAll { got[it] instanceof GitHubClient.Result.Failed }
        failed.size() == 1
        got[failed[0]].describe().contains('GitHub answered 500')
        def other = (wanted - failed)[0]
        got[other] == new GitHubClient.Result.Found(other.repo() == 'one' ? sha(1) : sha(2))
    }

    def "settings refuse a token that cannot be an HTTP header value, without showing it"() {
        when:
        settings().withToken('ghp_abc\r\nX-Evil: 1')

        then:
        def e = thrown(dev.fleetroll.UserError)
        !e.message.contains('ghp_abc')
    }
}
