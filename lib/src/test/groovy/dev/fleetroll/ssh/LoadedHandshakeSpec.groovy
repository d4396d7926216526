package dev.fleetroll.ssh

import dev.fleetroll.testing.TestJvm
import dev.fleetroll.sandbox.SandboxFixture
import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration
import spock.lang.AutoCleanup
import spock.lang.Requires
import spock.lang.Shared
import spock.lang.Specification

/**
 * Many first connections at once against real sshd hosts while the machine is busy, and while fleetroll's own work
 * (a known_hosts append another process holds the lock of) keeps handshakes waiting: healthy hosts end ok, because
 * the connect timeout counts the server's silence, not time spent in fleetroll's queue or waiting for CPU; a real
 * tarpit (a stopped sshd whose kernel still accepts connections) in the same batch still times out.
 */
@Requires({ SandboxFixture.supported() })
class LoadedHandshakeSpec extends Specification {
    static final int HOSTS = 48

    @Shared @AutoCleanup SandboxFixture fleet = SandboxFixture.start(HOSTS + 1)
    @Shared Path dir = Files.createTempDirectory('fleetroll-loaded-')
    @Shared String tarpit
    @Shared List<String> healthy

    SshjExecutor ex
    List<Process> processes = [] // CPU hogs and the lock holder; gone after each feature

    def setupSpec() {
        tarpit = fleet.hosts()[HOSTS].fqdn()
        healthy = fleet.hosts()[0..<HOSTS]*.fqdn()
        fleet.tarpit(fleet.hosts()[HOSTS].name())
    }

    def cleanupSpec() {
        dir.toFile().deleteDir()
    }

    def cleanup() {
        ex?.close()
        processes.each { it.destroyForcibly().waitFor() }
    }

    /**
     * An executor on the sandbox's ssh_config with a fresh known_hosts (every host is new: accept-new appends one
     * line each, under the file's lock), the given silence budget, and fan-out and handshake caps of 64.
     */
    SshjExecutor executor(Path knownHosts, Duration budget) {
        Path cfg = dir.resolve("ssh_config_${System.nanoTime()}")
        cfg.text = "Host *\n  ConnectTimeout ${budget.toSeconds()}\n  UserKnownHostsFile ${knownHosts}\n\n" + fleet.sshConfig().text
        Path home = Files.createDirectories(dir.resolve('home'))
        def settings = SshjExecutor.Settings.builder()
                .handshakeConcurrency(64).connectTimeout(budget).commandTimeout(Duration.ofMinutes(5))
                .connectRetries(0).retryBackoff(Duration.ofMillis(50)).idleClose(Duration.ofMinutes(5))
                .spillDir(dir.resolve('spill')).build()
        ex = new SshjExecutor(SshConfigResolver.load([cfg], home, 'root'), new KnownHostsVerifier(),
                new SshAuth(null, home, SshjCrypto.keyFileFactories()), settings)
        ex
    }

    /** Two processes that keep both cores busy for as long as the feature runs. */
    void loadTheMachine() {
        2.times { processes << new ProcessBuilder('sh', '-c', 'while :; do :; done').start() }
    }

    def "first connections to every host at once on a loaded machine: the healthy all ok, the tarpit timed-out"() {
        given:
        loadTheMachine()
        executor(dir.resolve('kh_loaded'), Duration.ofSeconds(20))

        when:
        def rs = new FanOut(64).exec(ex, healthy + [tarpit], RemoteCommand.of('hostname'), null, Cancellation.none(), null)

        then:
        rs.findAll { it.host() != tarpit && it.outcome() != Outcome.OK }.collect { "${it.host()}: ${it.outcome()} ${it.error()}" } == []
        rs.findAll { it.host() != tarpit }.every { it.stdoutText().trim() + '.sandbox.test' == it.host() }

        and:
        def t = rs.find { it.host() == tarpit }
        t.outcome() == Outcome.TIMED_OUT
        t.error().endsWith('the server sent nothing for 20s while fleetroll waited for it')
        t.elapsed() >= Duration.ofSeconds(20)
    }

    def "handshakes held up by fleetroll's own work for three budgets are not timed out; the tarpit still is"() {
        given: 'another process holds the lock of the known_hosts file every new host key is appended to'
        loadTheMachine()
        Path kh = dir.resolve('kh_locked')
        def holder = new ProcessBuilder(TestJvm.command(FileLockHolderMain, kh)).redirectErrorStream(true).start()
        processes << holder
        assert holder.inputStream.newReader().readLine() == 'LOCKED'
        Duration budget = Duration.ofSeconds(5)
        executor(kh, budget)
        long accepted = fleet.acceptedConnections()

        when: 'the batch starts, and every healthy host got as far as its TCP connection'
        def batch = java.util.concurrent.CompletableFuture.supplyAsync {
            new FanOut(64).exec(ex, healthy + [tarpit], RemoteCommand.of('hostname'), null, Cancellation.none(), null)
        }
        while (fleet.acceptedConnections() < accepted + HOSTS) { // the tarpit sshd is stopped: it logs nothing
            Thread.sleep(50)
        }

        and: 'the lock stays held three budgets longer, then is released'
        Thread.sleep(budget.multipliedBy(3).toMillis())
        boolean stillRunning = !batch.done
        holder.outputStream.close()
        holder.waitFor()
        List<ExecResult> rs = batch.get()

        then: 'the handshakes were waiting for the lock all that time'
        stillRunning

        and: 'yet no healthy host is timed-out, and each known_hosts line was added once'
        rs.findAll { it.host() != tarpit && it.outcome() != Outcome.OK }.collect { "${it.host()}: ${it.outcome()} ${it.error()}" } == []
        Files.readAllLines(kh).size() == HOSTS

        and:
        def t = rs.find { it.host() == tarpit }
        t.outcome() == Outcome.TIMED_OUT
        t.error().endsWith('the server sent nothing for 5s while fleetroll waited for it')
    }
}
