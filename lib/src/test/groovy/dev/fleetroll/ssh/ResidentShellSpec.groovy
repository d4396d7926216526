package dev.fleetroll.ssh

import dev.fleetroll.sandbox.SandboxFixture
import dev.fleetroll.sandbox.SandboxHost
import java.nio.charset.StandardCharsets
import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration
import java.util.concurrent.Executors
import spock.lang.AutoCleanup
import spock.lang.Requires
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.TempDir
import spock.lang.Timeout

/**
 * Resident shells ({@link RemoteCommand#resident()}) against real sshd hosts of a sandbox fleet: reuse across
 * rounds, exact output, exit status, stdin isolation, output caps, cancellation, timeouts, a shell killed on the host.
 */
@Timeout(120)
@Requires({ SandboxFixture.supported() })
class ResidentShellSpec extends Specification {
    @Shared @AutoCleanup SandboxFixture fleet = SandboxFixture.start(3)
    @Shared @TempDir Path dir

    SshjExecutor ex

    def cleanup() {
        ex?.close()
    }

    SshjExecutor executor(Map o = [:]) {
        Path home = Files.createDirectories(dir.resolve('home'))
        def resolver = SshConfigResolver.load([fleet.sshConfig()], home, 'root')
        def auth = new SshAuth(null, home, SshjCrypto.keyFileFactories())
        def settings = SshjExecutor.Settings.builder()
                .handshakeConcurrency(8).connectTimeout(Duration.ofSeconds(20))
                .commandTimeout(o.commandTimeout ?: Duration.ofSeconds(30)).connectRetries(0)
                .retryBackoff(Duration.ofMillis(50)).idleClose(o.idle ?: Duration.ofMinutes(5))
                .outputCapBytes(o.cap ?: (1L << 20)).spillDir(dir.resolve('spill')).build()
        ex = new SshjExecutor(resolver, new KnownHostsVerifier(), auth, settings)
        ex
    }

    SandboxHost linux() {
        fleet.hosts().find { it.name().startsWith('t-linux64') }
    }

    static RemoteCommand resident(String script) {
        RemoteCommand.of(script).inResidentShell()
    }

    ExecResult run(String host, String script) {
        ex.exec(host, resident(script), Cancellation.none())
    }

    /** Processes in the host whose whole command line is {@code sh -s}: the resident shells. */
    int residentShellsOn(SandboxHost h) {
        def r = fleet.hostShell(h.name(), "pgrep -c -x -f 'sh -s' || true")
        r.out() as int
    }

    def "three rounds run in one resident shell: no new connection, no new session, the same shell process"() {
        given:
        executor()
        def hosts = fleet.hosts()*.fqdn()

        when:
        def rounds = (1..3).collect { round ->
            def rs = hosts.collect { run(it, 'echo "$$ $FLEETROLL_RESIDENT"') }
            [results: rs, accepted: fleet.acceptedConnections()]
        }

        then:
        rounds.every { it.results.every { r -> r.ok() } }
        rounds[1].accepted == rounds[0].accepted
        rounds[2].accepted == rounds[0].accepted
        ex.connectionsOpened() == hosts.size()
        ex.residentShellsStarted() == hosts.size()
        hosts.indices.every { i -> rounds*.results*.get(i)*.stdoutText().unique().size() == 1 }
        rounds[0].results.every { it.stdoutText() ==~ /\d+ [0-9a-f]{32}\n/ }
        fleet.hosts().every { residentShellsOn(it) == 1 }
    }

    def "output comes through byte for byte: no trailing newline, empty, blank lines, marker-like text"() {
        given:
        executor()
        def h = linux().fqdn()

        expect:
        with(run(h, script)) {
            ok()
            stdoutText() == out
            stderrText() == err
            exitCode() == 0
        }

        where:
        script                                                                          | out                              | err
        'printf abc'                                                                    | 'abc'                            | ''
        'printf "abc\\n\\n"'                                                            | 'abc\n\n'                        | ''
        ':'                                                                             | ''                               | ''
        'printf "\\n"'                                                                  | '\n'                             | ''
        'printf out; printf err >&2'                                                    | 'out'                            | 'err'
        'echo FLEETROLL_END_0123abcd 0; echo FLEETROLL_BEGIN_0123abcd; printf "\\nFLEETROLL_END_x 7\\n"' |
                'FLEETROLL_END_0123abcd 0\nFLEETROLL_BEGIN_0123abcd\n\nFLEETROLL_END_x 7\n' | ''
        'echo FLEETROLL_END_0123abcd >&2; printf "\\nFLEETROLL_END_" >&2'               | ''                               | 'FLEETROLL_END_0123abcd\n\nFLEETROLL_END_'
        "printf '%s\\n' \"it's\" 'a \"quoted\" \$(text)'"                               | 'it\'s\na "quoted" $(text)\n'    | ''
    }

    def "exit 3 is failed with status 3 and the shell survives; so do set -e, cd, variables and traps"() {
        given:
        executor()
        def h = linux().fqdn()
        def pid = run(h, 'echo $$').stdoutText()

        when:
        def three = run(h, 'echo before; echo oops >&2; exit 3; echo after')
        def polluting = run(h, 'set -e; cd /tmp; X=polluted; trap "echo trapped" EXIT; false; echo never')
        def after = run(h, 'echo "$$ ${X:-clean} $(pwd)"')

        then:
        three.outcome() == Outcome.FAILED
        three.exitCode() == 3
        three.stdoutText() == 'before\n'
        three.error() == 'exit 3: oops'
        polluting.outcome() == Outcome.FAILED
        polluting.stdoutText() == 'trapped\n'
        after.ok()
        after.stdoutText() == "${pid.trim()} clean ${fleet.hostShell(linux().name(), 'cd && pwd').out()}\n"
        ex.residentShellsStarted() == 1
    }

    def "a script that reads stdin gets EOF at once and cannot eat the next command"() {
        given:
        executor()
        def h = linux().fqdn()

        when:
        long t0 = System.nanoTime()
        def reader = run(h, 'cat; read x; echo "read:$? x=$x"; head -c 10 </dev/stdin | wc -c')
        double seconds = (System.nanoTime() - t0) / 1e9
        def next = run(h, 'echo next')

        then: 'it ended by itself (a read waiting for input would have run into the 30 s command timeout)'
        reader.ok()
        reader.stdoutText().readLines() == ['read:1 x=', '0']
        next.stdoutText() == 'next\n'
        ex.residentShellsStarted() == 1
    }

    def "a syntax error fails that command only"() {
        given:
        executor()
        def h = linux().fqdn()

        when:
        def broken = run(h, 'echo "unterminated')
        def parens = run(h, 'echo a ) ; echo b')
        def next = run(h, 'echo fine')

        then:
        broken.outcome() == Outcome.FAILED
        broken.exitCode() == 2
        parens.outcome() == Outcome.FAILED
        next.stdoutText() == 'fine\n'
        ex.residentShellsStarted() == 1
    }

    def "output over the cap is kept up to the cap and spilled in full, and the shell goes on"() {
        given:
        executor(cap: 1000L)
        def h = linux().fqdn()

        when:
        def big = run(h, 'i=0; while [ $i -lt 3000 ]; do echo "line $i"; i=$((i+1)); done; echo tail >&2')
        def next = run(h, 'echo next')

        then:
        big.ok()
        big.truncated()
        big.stdout().length == 1000
        big.stderrText() == 'tail\n'
        def spilled = Files.readString(big.spillFile())
        spilled.contains('line 0\n')
        spilled.contains('line 2999\n')
        !spilled.contains('FLEETROLL_')
        next.stdoutText() == 'next\n'
    }

    def "cancelling a resident command returns at once; the next one gets a new shell on the same connection"() {
        given:
        executor()
        def h = linux().fqdn()
        def pid = run(h, 'echo $$').stdoutText()
        def cancel = new Cancellation()
        long accepted = fleet.acceptedConnections()

        when:
        Thread.start { sleep 3000; cancel.cancel('operator pressed Ctrl-C') }
        long t0 = System.nanoTime()
        def r = ex.exec(h, resident('echo started; sleep 300'), cancel)
        double seconds = (System.nanoTime() - t0) / 1e9
        def next = run(h, 'echo $$')

        then:
        r.outcome() == Outcome.CANCELLED
        r.error() == 'operator pressed Ctrl-C'
        r.stdoutText() == 'started\n'
        seconds < 60 // not waited for: the command sleeps five minutes
        next.ok()
        next.stdoutText() != pid
        ex.residentShellsStarted() == 2
        ex.connectionsOpened() == 1
        fleet.acceptedConnections() == accepted
    }

    def "a resident command over its timeout is timed-out quickly; the next one works"() {
        given:
        executor()
        def h = linux().fqdn()
        run(h, 'true')

        when:
        long t0 = System.nanoTime()
        def r = ex.exec(h, resident('sleep 300').withTimeout(Duration.ofSeconds(1)), Cancellation.none())
        double seconds = (System.nanoTime() - t0) / 1e9
        def next = run(h, 'echo ok')

        then:
        r.outcome() == Outcome.TIMED_OUT
        r.error() == 'command did not finish within 1s'
        seconds >= 1 && seconds < 60 // not waited for: the command sleeps five minutes
        next.stdoutText() == 'ok\n'
        ex.connectionsOpened() == 1
    }

    def "a resident shell killed on the host is replaced, and the command runs exactly once"() {
        given:
        executor()
        def host = linux()
        def h = host.fqdn()
        def mark = "/tmp/resident-count-${System.nanoTime()}"
        def first = run(h, 'echo $$').stdoutText()

        when:
        def kill = fleet.hostShell(host.name(), "pkill -x -f 'sh -s'")
        def waitGone = (1..50).find { sleep 100; residentShellsOn(host) == 0 }
        def r = run(h, "echo run >> $mark; echo \$\$")
        def count = fleet.hostShell(host.name(), "wc -l < $mark").out()

        then:
        kill.ok()
        waitGone != null
        r.ok()
        r.stdoutText() != first
        count == '1'
        ex.residentShellsStarted() == 2
        ex.connectionsOpened() == 1

        cleanup:
        fleet.hostShell(host.name(), "rm -f $mark")
    }

    def "a shell killed while a command runs fails that command (not repeated); the next one works"() {
        given:
        executor()
        def host = linux()
        def h = host.fqdn()
        run(h, 'true')

        when:
        Thread.start {
            (1..50).find { sleep 100; fleet.hostShell(host.name(), 'pgrep -x -f "sleep 27"').ok() }
            // the shell (and its subshell), then the sleep, which would hold the channel's stdout open until it ends
            fleet.hostShell(host.name(), "pkill -x -f 'sh -s'; pkill -x -f 'sleep 27'")
        }
        def r = run(h, 'sleep 27; echo done')
        def next = run(h, 'echo next')

        then:
        r.outcome() == Outcome.FAILED
        r.error().startsWith('resident shell ended while the command ran')
        next.stdoutText() == 'next\n'

        cleanup:
        fleet.hostShell(host.name(), "pkill -x -f 'sleep 27' || true")
    }

    def "concurrent resident commands on one host: one uses the shell, the others their own channels"() {
        given:
        executor()
        def h = linux().fqdn()
        run(h, 'true')
        def pool = Executors.newVirtualThreadPerTaskExecutor()

        when:
        def futures = (1..4).collect { i -> pool.submit({ run(h, "sleep 0.5; echo $i") } as java.util.concurrent.Callable) }
        def results = futures*.get()

        then:
        results*.stdoutText() == ['1\n', '2\n', '3\n', '4\n']
        ex.residentShellsStarted() == 1

        cleanup:
        pool.shutdown()
    }

    def "commands with stdin bytes, and non-resident commands, run on channels of their own as before"() {
        given:
        executor()
        def h = linux().fqdn()

        when:
        def withStdin = ex.exec(h, resident('cat').withStdin('fed'.getBytes(StandardCharsets.UTF_8)), Cancellation.none())
        def plain = ex.exec(h, RemoteCommand.of('echo $$'), Cancellation.none())

        then:
        withStdin.stdoutText() == 'fed'
        plain.ok()
        ex.residentShellsStarted() == 0
    }

    def "asRoot and plain resident commands as root share one shell; idle close takes it with the connection"() {
        given:
        executor(idle: Duration.ofMillis(600))
        def host = linux()
        def h = host.fqdn()

        when:
        def a = ex.exec(h, RemoteCommand.asRoot('echo $$ $(id -u)').inResidentShell(), Cancellation.none())
        def b = run(h, 'echo $$ $(id -u)')
        def gone = (1..300).find { sleep 100; ex.openConnections() == 0 && residentShellsOn(host) == 0 }
        def c = run(h, 'echo $$')

        then: 'one shell (the same $$) served both; idle close took it with the connection'
        a.stdoutText() == b.stdoutText()
        a.stdoutText().endsWith(' 0\n')
        gone != null
        c.ok()
        ex.connectionsOpened() == 2
        ex.residentShellsStarted() == 2
    }

    def "a prelude runs in the resident shell once; on a channel of its own it runs before the script"() {
        given:
        executor()
        def h = linux().fqdn()
        def prelude = 'greet() { echo "hello $1"; }; preludes=$((${preludes:-0} + 1))'
        def cmd = resident('greet "$preludes"').withPrelude(prelude)

        when:
        def first = ex.exec(h, cmd, Cancellation.none())
        def second = ex.exec(h, cmd, Cancellation.none())
        def other = ex.exec(h, resident('greet "$preludes"; other').withPrelude(prelude + '; other() { echo other; }'), Cancellation.none())
        def own = ex.exec(h, cmd.withResident(false), Cancellation.none())
        def broken = ex.exec(h, resident('greet x; echo "rc $?"').withPrelude('greet() { echo "unterminated; }'), Cancellation.none())
        def after = ex.exec(h, cmd, Cancellation.none())

        then:
        first.stdoutText() == 'hello 1\n'
        second.stdoutText() == 'hello 1\n'
        other.stdoutText() == 'hello 2\nother\n'
        own.stdoutText() == 'hello 1\n'
        broken.stdoutText() == 'hello x\nrc 0\n' // the broken prelude defined nothing new; its error is this command's
        broken.stderrText().contains('Syntax error')
        after.stdoutText() == 'hello 2\n'
        ex.residentShellsStarted() == 1
    }
}
