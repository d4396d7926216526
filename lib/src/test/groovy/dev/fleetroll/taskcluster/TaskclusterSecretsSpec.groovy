package dev.fleetroll.taskcluster

import dev.fleetroll.util.Sleeper
import dev.fleetroll.UserError
import spock.lang.Isolated
import spock.lang.Specification
import spock.lang.TempDir

import java.nio.charset.StandardCharsets
import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration

import static dev.fleetroll.taskcluster.TcFixture.CLIENT_ID
import static dev.fleetroll.taskcluster.TcFixture.NOW
import static dev.fleetroll.taskcluster.TcFixture.PROV
import static dev.fleetroll.taskcluster.TcFixture.TOKEN

/**
 * No access token in any error text, toString or log line. Isolated: it captures System.err (where slf4j-simple
 * writes) while it provokes every failure it can, so no other spec may write there meanwhile.
 */
@Isolated
class TaskclusterSecretsSpec extends Specification {
    @TempDir
    Path dir

    def "the access token appears in no exception, toString or log line"() {
        given:
        String wrong = 'wrong-' + TOKEN.reverse()
        List<String> texts = []
        def keep = { Throwable t ->
            for (Throwable c = t; c != null; c = c.cause) {
                texts << c.toString()
                StringWriter w = new StringWriter()
                c.printStackTrace(new PrintWriter(w))
                texts << w.toString()
            }
        }
        def attempt = { Closure body ->
            try {
                body()
            } catch (RuntimeException e) {
                keep(e)
                return e
            }
            return null
        }
        PrintStream savedErr = System.err
        ByteArrayOutputStream captured = new ByteArrayOutputStream()
        System.err = new PrintStream(captured, true, StandardCharsets.UTF_8)
        TcFixture tc = new TcFixture(dir.resolve('book.json'))
        List<RuntimeException> errors = []

        when:
        try {
            // credential sources that hold the token but are unusable
            Path yaml = dir.resolve('yaml')
            Files.writeString(yaml, "clientId: x\naccessToken: $TOKEN\n")
            Path broken = dir.resolve('broken')
            Files.writeString(broken, """{"clientId": "x", "accessToken": "$TOKEN" """)
            errors << attempt { TaskclusterCredentials.load([TC_TOKEN: yaml.toString()], null, null) }
            errors << attempt { TaskclusterCredentials.load([TC_TOKEN: broken.toString()], null, null) }
            errors << attempt { TaskclusterCredentials.load([:], broken, null) }
            errors << attempt { TaskclusterCredentials.load([TASKCLUSTER_ACCESS_TOKEN: TOKEN], null, null) }
            errors << attempt { TaskclusterCredentials.load([TASKCLUSTER_CLIENT_ID: 'x', TASKCLUSTER_ACCESS_TOKEN: TOKEN,
                                                             TASKCLUSTER_CERTIFICATE: TOKEN], null, null) }
            def creds = TaskclusterCredentials.of(CLIENT_ID, TOKEN)
            texts << creds.toString() << tc.settings(creds).toString()

            // client failures with the right and with a wrong token
            def good = tc.client(creds)
            def bad = tc.client(TaskclusterCredentials.of(CLIENT_ID, wrong))
            texts << good.toString()
            errors << attempt { bad.quarantineWorker(PROV, 'osx', 'mdc1', 'macmini-r8-1', NOW, 'x') }
            errors << attempt { bad.listWorkers(PROV, 'small') }
            tc.standIn.failNext(5, 503)
            errors << attempt { good.listWorkers(PROV, 'small') }
            tc.standIn.malformedNext()
            errors << attempt { good.getWorker(PROV, 'osx', 'mdc1', 'macmini-r8-1') }
            errors << attempt { good.quarantineWorker(PROV, 'osx', 'mdc1', 'nope', NOW, TOKEN.take(5)) }
            tc.standIn.clockSkew(Duration.ofHours(1))
            good.listWorkers(PROV, 'small') // corrected, logged
            tc.standIn.tokenLoop("$PROV/big")
            good.listWorkers([new Pool(PROV, 'big'), new Pool(PROV, 'small')], 2).values()
                    .findAll { !it.ok() }.each { keep(it.error()) }
            errors << attempt { tc.client(null).quarantineWorker(PROV, 'osx', 'mdc1', 'macmini-r8-1', NOW, 'x') }
            tc.standIn.close()
            errors << attempt { new TaskclusterClient(good.settings().withRetries(2, Duration.ofMillis(1), { } as Sleeper)).listWorkers(PROV, 'small') }
            good.close()
            bad.close()
        } finally {
            System.err.flush()
            System.err = savedErr
            tc.close()
        }
        String log = captured.toString(StandardCharsets.UTF_8)
        savedErr.print(log)

        then: 'every provoked failure happened'
        errors.every { it != null }
        errors.count { it instanceof UserError } == 6
        errors.count { it instanceof TaskclusterException } == 6
        log.contains('HTTP 503, attempt 1 of 5')
        log.contains('Hawk timestamps corrected')

        and: 'none of it shows a token'
        texts.size() > 20
        texts.every { !it.contains(TOKEN) && !it.contains(wrong) }
        !log.contains(TOKEN) && !log.contains(wrong)
    }
}
