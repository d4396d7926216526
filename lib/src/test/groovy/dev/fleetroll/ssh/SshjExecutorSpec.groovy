package dev.fleetroll.ssh

import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration
import java.util.concurrent.CopyOnWriteArrayList
import spock.lang.AutoCleanup
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.TempDir
import spock.lang.Timeout

/** The executor against real sshd processes (no mocked SSH). */
@Timeout(60)
class SshjExecutorSpec extends Specification {
    @Shared @TempDir Path dir
    @Shared @AutoCleanup SshdFixture fx
    @Shared SshdFixture.Server s0, s1, s2
    @Shared int tarpit
    @Shared int refused
    @Shared @AutoCleanup HoldingRelay relay
    @Shared Path home

    SshjExecutor ex

    def setupSpec() {
        fx = new SshdFixture(dir)
        s0 = fx.start()
        s1 = fx.start()
        s2 = fx.start()
        tarpit = fx.tarpit()
        refused = SshdFixture.freePort()
        relay = new HoldingRelay(s2.port)
        home = dir.resolve('home') // an empty home: no ~/.ssh keys or config are ever read
        Files.createDirectories(home)
    }

    def cleanup() {
        ex?.close()
    }

    String hosts(String extra = '') {
        """${extra}
Host s0
  Port ${s0.port}
Host s1
  Port ${s1.port}
Host s2
  Port ${s2.port}
Host tarpit
  Port ${tarpit}
Host refused
  Port ${refused}
Host relay
  Port ${relay.port()}
Host *
  HostName 127.0.0.1
  User root
  IdentityFile @KEY@
  UserKnownHostsFile @DIR@/known_hosts_${System.nanoTime()}
"""
    }

    SshjExecutor executor(Map o = [:]) {
        Path cfg = fx.sshConfig("ssh_config_${System.nanoTime()}", o.config ?: hosts())
        def resolver = SshConfigResolver.load([cfg], home, 'root')
        def auth = new SshAuth(o.agent as Path, home, SshjCrypto.keyFileFactories())
        def settings = SshjExecutor.Settings.builder()
                .handshakeConcurrency(o.handshakes ?: 8).connectTimeout(o.connectTimeout ?: Duration.ofSeconds(20))
                .commandTimeout(o.commandTimeout ?: Duration.ofSeconds(20)).connectRetries(o.retries != null ? o.retries : 0)
                .retryBackoff(Duration.ofMillis(50)).strictHostKeyChecking(o.policy ?: 'accept-new')
                .idleClose(o.idle ?: Duration.ofMinutes(5)).outputCapBytes(o.cap ?: (1L << 20))
                .spillDir(dir.resolve('spill')).closeWhenDone(o.closeWhenDone ?: false)
                .keepaliveInterval(o.keepalive ?: Duration.ofSeconds(15)).build()
        ex = new SshjExecutor(resolver, o.verifier ?: new KnownHostsVerifier(), auth, settings)
        ex
    }

    def "exec: exit 0 is ok with stdout; non-zero is failed with exit code and first stderr line"() {
        given:
        executor()

        when:
        def ok = ex.exec('s0', RemoteCommand.of('echo hello; echo warn >&2'), Cancellation.none())
        def bad = ex.exec('s0', RemoteCommand.of('echo out; echo "first problem" >&2; echo second >&2; exit 3'), Cancellation.none())

        then:
        ok.outcome() == Outcome.OK
        ok.stdoutText() == 'hello\n'
        ok.stderrText() == 'warn\n'
        ok.exitCode() == 0
        ok.attempts() == 1
        bad.outcome() == Outcome.FAILED
        bad.exitCode() == 3
        bad.error() == 'exit 3: first problem'
        bad.stdoutText() == 'out\n'
    }

    def "stdin bytes reach the command, then EOF"() {
        given:
        executor()
        byte[] payload = new byte[300_000]
        new Random(1).nextBytes(payload)
        String expected = java.security.MessageDigest.getInstance('SHA-256').digest(payload).encodeHex().toString()

        when:
        def r = ex.exec('s0', RemoteCommand.of('sha256sum | cut -d" " -f1').withStdin(payload), Cancellation.none())
        def empty = ex.exec('s0', RemoteCommand.of('cat; echo done'), Cancellation.none())

        then:
        r.outcome() == Outcome.OK
        r.stdoutText().trim() == expected
        empty.stdoutText() == 'done\n'
    }

    def "output over the cap is truncated in memory and spilled in full to a per-host log"() {
        given:
        executor(cap: 1000L)

        when:
        def r = ex.exec('s1', RemoteCommand.of('seq 1 2000; echo tail-err >&2'), Cancellation.none())

        then:
        r.outcome() == Outcome.OK
        r.truncated()
        r.stdout().length == 1000
        r.stderrText() == 'tail-err\n'
        r.spillFile() != null
        r.spillFile().parent == dir.resolve('spill')
        r.spillFile().fileName.toString().startsWith('s1-')
        // output may hold anything, a fetched vault among it: owner only
        java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(r.spillFile())) == 'rw-------'
        java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve('spill'))) == 'rwx------'
        def log = Files.readString(r.spillFile())
        log.contains('1\n2\n3\n')
        log.contains('1999\n2000\n')
        log.contains('tail-err')
        Files.list(dir.resolve('spill')).noneMatch { it.toString().endsWith('.part') }
    }

    def "large stdout and stderr at once do not hang (both drained concurrently)"() {
        given:
        executor(cap: 64L * 1024)

        when:
        def r = ex.exec('s1', RemoteCommand.of('head -c 4000000 /dev/zero & head -c 4000000 /dev/zero >&2; wait'), Cancellation.none())

        then:
        r.outcome() == Outcome.OK
        r.truncated()
        Files.size(r.spillFile()) > 8_000_000
    }

    def "one connection per host, reused by later commands from other threads"() {
        given:
        executor()
        int before = s2.accepted()

        when:
        def results = new CopyOnWriteArrayList()
        def threads = (1..6).collect { i -> Thread.start { results << ex.exec('s2', RemoteCommand.of("echo $i"), Cancellation.none()) } }
        threads*.join()
        results << ex.exec('s2', RemoteCommand.of('true'), Cancellation.none())
        // sshd writes its log asynchronously: wait for the first line, then count
        for (int i = 0; i < 500 && s2.accepted() == before; i++) {
            Thread.sleep(20)
        }

        then:
        results.every { it.outcome() == Outcome.OK }
        ex.connectionsOpened() == 1
        s2.accepted() - before == 1
    }

    def "closeWhenDone: each host's connection is closed once its command is done; the next command opens a new one"() {
        given:
        executor(closeWhenDone: true)

        when:
        def plain = ex.exec('s0', RemoteCommand.of('echo one'), Cancellation.none())
        def openAfterPlain = ex.openConnections()
        def resident = ex.exec('s0', RemoteCommand.of('echo two').inResidentShell(), Cancellation.none())
        def openAfterResident = ex.openConnections()

        then:
        plain.outcome() == Outcome.OK
        plain.stdoutText() == 'one\n'
        resident.outcome() == Outcome.OK
        resident.stdoutText() == 'two\n'
        openAfterPlain == 0
        openAfterResident == 0
        ex.connectionsOpened() == 2
    }

    def "a connection idle for longer than idleClose is closed; one running a long command is not"() {
        given:
        executor(idle: Duration.ofMillis(600))

        when: 'a command that outlasts the idle time several times'
        def slow = ex.exec('s0', RemoteCommand.of('sleep 2; echo done'), Cancellation.none())
        def openAfterSlow = ex.openConnections()

        and: 'then nothing for a while'
        long deadline = System.nanoTime() + 5_000_000_000L
        while (ex.openConnections() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(50)
        }
        def openWhenIdle = ex.openConnections()
        def again = ex.exec('s0', RemoteCommand.of('echo again'), Cancellation.none())

        then:
        slow.outcome() == Outcome.OK
        slow.stdoutText() == 'done\n'
        openAfterSlow == 1
        openWhenIdle == 0
        again.outcome() == Outcome.OK
        ex.connectionsOpened() == 2
    }

    def "a refused port is unreachable after the configured retries"() {
        given:
        executor(retries: 2)

        when:
        def r = ex.exec('refused', RemoteCommand.of('true'), Cancellation.none())

        then:
        r.outcome() == Outcome.UNREACHABLE
        r.error().contains('refused')
        r.attempts() == 3
    }

    def "a tarpit times out within the connect timeout while the rest of the batch finishes"() {
        given:
        // the budget is for every host: healthy sshds on a loaded machine can be silent for seconds too
        executor(connectTimeout: Duration.ofSeconds(10), retries: 2)
        def finished = new CopyOnWriteArrayList()
        def listener = new BatchListener() {
            void hostFinished(String host, Outcome outcome) { finished << host }
        }

        when:
        def rs = new FanOut(8).exec(ex, ['tarpit', 's0', 's1', 's2'], RemoteCommand.of('echo up'), listener,
                Cancellation.none(), Duration.ofSeconds(120))

        then: 'the tarpit is timed-out for its silence: never before its budget, and long before the batch deadline'
        rs*.host() == ['tarpit', 's0', 's1', 's2']
        rs[0].outcome() == Outcome.TIMED_OUT
        rs[0].error() ==~ /SSH handshake with 127\.0\.0\.1:\d+ timed out: connected, but the server sent nothing for 10s while fleetroll waited for it/
        rs[0].elapsed() >= Duration.ofSeconds(10)
        rs[0].elapsed() < Duration.ofSeconds(60)
        rs[1..3].every { it.outcome() == Outcome.OK }
        finished.toSet() == rs*.host().toSet()

        and: 'the others did not queue behind it: each started before the tarpit was given up'
        rs[1..3].every { it.started() < rs[0].started() + rs[0].elapsed() }
    }

    def "a changed host key is a per-host mismatch naming the known_hosts line; policy no accepts it"() {
        given:
        def server = fx.start()
        Path kh = dir.resolve("kh_changed_${System.nanoTime()}")
        String cfg = "Host h\n  HostName 127.0.0.1\n  Port ${server.port}\n  User root\n  IdentityFile @KEY@\n  UserKnownHostsFile ${kh}\n"
        executor(config: cfg)
        assert ex.exec('h', RemoteCommand.of('true'), Cancellation.none()).ok()
        ex.close()
        fx.restart(server, true)

        when:
        executor(config: cfg)
        def r = ex.exec('h', RemoteCommand.of('true'), Cancellation.none())

        then:
        r.outcome() == Outcome.HOST_KEY_MISMATCH
        r.error().contains("[127.0.0.1]:${server.port}")
        r.error().contains("${kh}:1")
        r.error().contains("ssh-keygen -R '[127.0.0.1]:${server.port}' -f ${kh}")
        r.attempts() == 1

        when:
        ex.close()
        executor(config: cfg, policy: 'no')
        def accepted = ex.exec('h', RemoteCommand.of('echo fine'), Cancellation.none())

        then:
        accepted.outcome() == Outcome.OK
        Files.readAllLines(kh).size() == 1

        cleanup:
        fx.stop(server)
    }

    def "accept-new appends exactly one line per new host with 30 concurrent first connections"() {
        given:
        Path kh = dir.resolve("kh_concurrent_${System.nanoTime()}")
        List<String> aliases = (1..15).collect { "al$it".toString() } + (1..15).collect { "same$it".toString() }
        String cfg = (1..15).collect { "Host al$it\n  HostKeyAlias alias-$it\n" }.join('') + """
Host *
  HostName 127.0.0.1
  Port ${s0.port}
  User root
  IdentityFile @KEY@
  UserKnownHostsFile ${kh}
"""
        executor(config: cfg, handshakes: 30)

        when:
        def rs = new FanOut(30).exec(ex, aliases, RemoteCommand.of('true'), null, Cancellation.none(), null)

        then:
        rs.every { it.outcome() == Outcome.OK }
        def lines = Files.readAllLines(kh)
        lines.size() == 16
        lines.count { it.startsWith("[127.0.0.1]:${s0.port} ") } == 1
        (1..15).every { i -> lines.count { it.startsWith("alias-$i ") } == 1 }
    }

    def "agent-only authentication with a real ssh-agent and no identity file"() {
        given:
        Path sock = fx.agent([fx.clientKey])
        String cfg = "Host a\n  HostName 127.0.0.1\n  Port ${s1.port}\n  User root\n  UserKnownHostsFile @DIR@/kh_agent\n"
        executor(config: cfg, agent: sock)

        when:
        def r = ex.exec('a', RemoteCommand.of('echo via-agent'), Cancellation.none())

        then:
        r.outcome() == Outcome.OK
        r.stdoutText() == 'via-agent\n'
    }

    def "IdentitiesOnly offers only agent keys matching an IdentityFile"() {
        given:
        Path sock = fx.agent([fx.clientKey])
        String cfg = "Host a\n  HostName 127.0.0.1\n  Port ${s1.port}\n  User root\n  IdentitiesOnly yes\n  IdentityFile ${fx.otherKey}\n  UserKnownHostsFile @DIR@/kh_agent2\n"
        executor(config: cfg, agent: sock)

        when:
        def r = ex.exec('a', RemoteCommand.of('true'), Cancellation.none())

        then: 'the agent key is authorized but not offered; the file key is offered and refused'
        r.outcome() == Outcome.AUTH_FAILED
        r.error() == "no key was accepted for root@127.0.0.1 (tried ${fx.otherKey})".toString()
    }

    def "a key the server does not accept is auth-failed, naming what was tried"() {
        given:
        Path sock = fx.agent([fx.otherKey])
        String cfg = "Host a\n  HostName 127.0.0.1\n  Port ${s1.port}\n  User root\n  IdentityFile ${fx.otherKey}\n  UserKnownHostsFile @DIR@/kh_bad\n"
        executor(config: cfg, agent: sock)

        when:
        def r = ex.exec('a', RemoteCommand.of('true'), Cancellation.none())

        then:
        r.outcome() == Outcome.AUTH_FAILED
        r.error().startsWith('no key was accepted for root@127.0.0.1 (tried agent ')
        r.attempts() == 1
    }

    def "an agent that refuses to sign is auth-failed with the agent's reason, not only 'no key was accepted'"() {
        given:
        Path sock = fx.agent([fx.clientKey], true)
        String cfg = "Host a\n  HostName 127.0.0.1\n  Port ${s1.port}\n  User root\n  UserKnownHostsFile @DIR@/kh_confirm\n"
        executor(config: cfg, agent: sock)

        when:
        def r = ex.exec('a', RemoteCommand.of('true'), Cancellation.none())

        then:
        r.outcome() == Outcome.AUTH_FAILED
        r.error().startsWith('no key was accepted for root@127.0.0.1 (tried agent ')
        r.error().contains('ssh-agent refused to sign')
    }

    def "cancelling a running command returns quickly and leaves the connection usable"() {
        given:
        executor()
        assert ex.exec('s0', RemoteCommand.of('true'), Cancellation.none()).ok()
        def c = new Cancellation()

        when:
        Thread.start { Thread.sleep(500); c.cancel('operator pressed Ctrl-C') }
        long t0 = System.nanoTime()
        def r = ex.exec('s0', RemoteCommand.of('sleep 300'), c)
        double secs = (System.nanoTime() - t0) / 1e9
        def after = ex.exec('s0', RemoteCommand.of('echo still-here'), Cancellation.none())

        then: 'cancelled, not waited for (the command sleeps five minutes)'
        r.outcome() == Outcome.CANCELLED
        r.error() == 'operator pressed Ctrl-C'
        secs < 60
        after.outcome() == Outcome.OK
        after.stdoutText() == 'still-here\n'
        ex.connectionsOpened() == 1
    }

    def "a command over its timeout is timed-out; the connection stays"() {
        given:
        executor()

        when:
        def r = ex.exec('s1', RemoteCommand.of('echo started; sleep 300').withTimeout(Duration.ofSeconds(5)), Cancellation.none())
        def after = ex.exec('s1', RemoteCommand.of('true'), Cancellation.none())

        then: 'what it printed before the timeout is kept; the command was not waited for (it sleeps five minutes)'
        r.outcome() == Outcome.TIMED_OUT
        r.error() == 'command did not finish within 5s'
        r.stdoutText() == 'started\n'
        r.elapsed() >= Duration.ofSeconds(5)
        r.elapsed() < Duration.ofSeconds(60)
        after.ok()
        ex.connectionsOpened() == 1
    }

    /**
     * A new executor with one pooled connection through the relay (no keep-alives: the client sends nothing but the
     * next command) and no resident shell yet, the relay armed to hold the server's answer to the next exec request:
     * that of the next command on a channel of its own, or of the resident shell it starts.
     */
    void heldRelayConnection(Duration connectTimeout = Duration.ofSeconds(20)) {
        executor(connectTimeout: connectTimeout, keepalive: Duration.ZERO)
        assert ex.exec('relay', RemoteCommand.of('true'), Cancellation.none()).ok()
        relay.holdAnswerToSecondRequest()
    }

    static RemoteCommand echoRan(boolean resident) {
        resident ? RemoteCommand.of('echo ran').inResidentShell() : RemoteCommand.of('echo ran')
    }

    def "a server slow to start the command (resident shell: #resident) is waited for up to the command's timeout, not SSHJ's channel timeout"() {
        given: 'a pooled connection through the relay, with a connect timeout shorter than SSHJ\'s channel timeout'
        heldRelayConnection(Duration.ofSeconds(1))

        when: 'the server\'s answer to the exec request is held for longer than SSHJ would have waited for it'
        def result = new java.util.concurrent.CompletableFuture<ExecResult>()
        Thread.start { result.complete(ex.exec('relay', echoRan(resident), Cancellation.none())) }
        relay.held().await()
        Thread.sleep(SshConnector.CHANNEL_TIMEOUT_FLOOR_MS + 1000)
        boolean waiting = !result.done
        relay.release()
        def r = result.get()

        then:
        waiting
        r.outcome() == Outcome.OK
        r.stdoutText() == 'ran\n'
        ex.connectionsOpened() == 1
        ex.residentShellsStarted() == (resident ? 1 : 0)

        where:
        resident << [false, true]
    }

    def "a command whose start is never confirmed ends #how (resident shell: #resident); the connection stays"() {
        given: 'the answer to the exec request is held until the command has ended'
        heldRelayConnection()
        def c = new Cancellation()
        if (ctrlC) {
            Thread.start { relay.held().await(); c.cancel('operator pressed Ctrl-C') }
        }

        when:
        def r = ex.exec('relay', echoRan(resident).withTimeout(timeout), c)
        relay.release()
        def after = ex.exec('relay', RemoteCommand.of('echo still-here'), Cancellation.none())

        then:
        r.outcome() == outcome
        r.error().startsWith(error)
        after.stdoutText() == 'still-here\n'
        ex.connectionsOpened() == 1

        where:
        how                  | timeout               | ctrlC | resident || outcome           | error
        'at its 2 s timeout' | Duration.ofSeconds(2) | false | false    || Outcome.TIMED_OUT | 'command did not finish within 2s'
        'at Ctrl-C'          | null                  | true  | false    || Outcome.CANCELLED | 'operator pressed Ctrl-C'
        'at its 2 s timeout' | Duration.ofSeconds(2) | false | true     || Outcome.TIMED_OUT | 'command did not finish within 2s'
        'at Ctrl-C'          | null                  | true  | true     || Outcome.CANCELLED | 'operator pressed Ctrl-C'
    }

    def "the batch deadline cancels running and waiting hosts"() {
        given:
        executor()

        when:
        long t0 = System.nanoTime()
        def rs = new FanOut(2).exec(ex, ['s0', 's1', 's2'], RemoteCommand.of('sleep 300'), null, Cancellation.none(), Duration.ofSeconds(1))
        double secs = (System.nanoTime() - t0) / 1e9

        then: 'all cancelled at the deadline, none waited for (they sleep five minutes)'
        rs*.outcome() == [Outcome.CANCELLED] * 3
        rs.every { it.error().contains('batch deadline 1s passed') }
        secs >= 1 && secs < 60
    }

    def "a pooled connection whose server restarted is re-opened once"() {
        given:
        def server = fx.start()
        String cfg = "Host r\n  HostName 127.0.0.1\n  Port ${server.port}\n  User root\n  IdentityFile @KEY@\n  UserKnownHostsFile @DIR@/kh_restart_${server.port}\n"
        executor(config: cfg)
        assert ex.exec('r', RemoteCommand.of('true'), Cancellation.none()).ok()

        when:
        fx.restart(server, false)
        Thread.sleep(300)
        def r = ex.exec('r', RemoteCommand.of('echo again'), Cancellation.none())

        then:
        r.outcome() == Outcome.OK
        r.stdoutText() == 'again\n'
        ex.connectionsOpened() == 2

        cleanup:
        fx.stop(server)
    }

    def "a stopped sshd is unreachable"() {
        given:
        def server = fx.start()
        fx.stop(server)
        String cfg = "Host x\n  HostName 127.0.0.1\n  Port ${server.port}\n  User root\n  IdentityFile @KEY@\n"
        executor(config: cfg)

        expect:
        with(ex.exec('x', RemoteCommand.of('true'), Cancellation.none())) {
            outcome() == Outcome.UNREACHABLE
            error() == "connection refused by 127.0.0.1:${server.port}".toString()
        }
    }

    def "ProxyJump through one sshd to another, with the config that ssh -G resolves the same way"() {
        given:
        String body = """
Host target
  HostName 127.0.0.1
  Port ${s2.port}
  ProxyJump jump
Host jump
  HostName 127.0.0.1
  Port ${s0.port}
Host *
  User root
  IdentityFile @KEY@
  UserKnownHostsFile @DIR@/kh_jump
"""
        Path cfg = fx.sshConfig('ssh_config_jump', body)
        def mine = SshConfigResolver.load([cfg], Path.of(System.getProperty('user.home')), 'root').resolve('target')
        assert SshConfigResolverSpec.normalise(mine.sshGLines()) == SshConfigResolverSpec.normalise(SshConfigResolverSpec.sshG(cfg, 'target'))
        executor(config: body)

        when:
        def r = ex.exec('target', RemoteCommand.of('echo through'), Cancellation.none())
        def direct = ex.exec('jump', RemoteCommand.of('true'), Cancellation.none())

        then:
        r.outcome() == Outcome.OK
        r.stdoutText() == 'through\n'
        direct.ok()
        ex.connectionsOpened() == 3 // the jump's pooled connection, the target through it, the direct one to 'jump'
    }

    def "asRoot commands use sudo -n unless the login user is root; every script runs under sh -c"() {
        expect:
        SshjExecutor.commandLine(RemoteCommand.asRoot("cat '/etc/x'"), 'worker') == "sudo -n sh -c 'cat '\"'\"'/etc/x'\"'\"''"
        SshjExecutor.commandLine(RemoteCommand.asRoot('id -u'), 'root') == "sh -c 'id -u'"
        SshjExecutor.commandLine(RemoteCommand.of('id -u'), 'worker') == "sh -c 'id -u'"
    }

    def "an unresolvable host name is unreachable (DNS), without retries"() {
        given:
        executor(config: "Host d\n  HostName no-such-host.invalid\n  IdentityFile @KEY@\n", retries: 2)

        expect:
        with(ex.exec('d', RemoteCommand.of('true'), Cancellation.none())) {
            outcome() == Outcome.UNREACHABLE
            error().contains('DNS')
            attempts() == 1
        }
    }
}
