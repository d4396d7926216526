package dev.fleetroll.github

import dev.fleetroll.util.Sleeper
import dev.fleetroll.standin.GitHubStandIn
import dev.fleetroll.standin.StaticRefSource
import java.nio.charset.StandardCharsets
import java.time.Duration
import java.time.Instant
import spock.lang.Isolated
import spock.lang.Specification

/** What the client logs (slf4j-simple writes to System.err, captured here; hence alone) never holds the token. */
@Isolated
class GitHubClientLogSpec extends Specification {
    static final String TOKEN = 'ghp_LOGSECRET0987654321zyxwvuZYXWVU'

    def "retries, rate-limit waits and failures are logged without the token"() {
        given:
        def refs = new StaticRefSource().put('o', 'r', [master: 'a' * 40])
        def github = GitHubStandIn.start(refs, 0, { Instant.parse('2026-03-01T12:00:00Z') })
        def client = new GitHubClient(GitHubClient.Settings.defaults()
                .withApiUrl(github.apiUrl())
                .withToken(TOKEN)
                .withSleeper({ Duration d -> } as Sleeper)
                .withClock({ Instant.parse('2026-03-01T12:00:00Z') })
                .withMaxAttempts(3))
        def captured = new ByteArrayOutputStream()
        def err = System.err
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8))

        when:
        github.failNext(1, 502)
        github.rateLimitNext(1, Duration.ofSeconds(5))
        def ok = client.branchHeads('o', 'r')
        github.failNext(3, 503)
        def failed = client.heads([RepoBranch.parse('o/r:master')], 1)
        github.requireToken('another')
        def rejected = client.heads([RepoBranch.parse('o/r:master')], 1)

        then:
        ok == [master: 'a' * 40]
        failed.values()[0] instanceof GitHubClient.Result.Failed
        rejected.values()[0].describe() == 'GitHub rejected the token: check github.token / $GITHUB_TOKEN'
        def log = captured.toString(StandardCharsets.UTF_8)
        log.contains('retrying')
        log.contains('rate limit')
        !log.contains(TOKEN)
        !log.contains(TOKEN.substring(4, 20))
        [ok, failed, rejected, client].every { !it.toString().contains(TOKEN) }

        cleanup:
        System.setErr(err)
        client?.close()
        github?.close()
    }
}
