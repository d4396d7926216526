package dev.fleetroll.sandbox

import dev.fleetroll.UserError
import dev.fleetroll.config.FleetrollHome
import dev.fleetroll.standin.StandInMain
import spock.lang.Requires
import spock.lang.Specification
import spock.lang.TempDir

import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration

/**
 * When the sandbox's Taskcluster and GitHub stand-ins cannot start: a taken port fails {@code up} with one line
 * naming it and leaves nothing behind; a stand-in process that dies, or shows no sign of life for the stall budget,
 * fails the wait with its log's last line and the log's path.
 */
class SandboxServicesFailureSpec extends Specification {
    @TempDir
    Path tmp

    @Requires({ SandboxFixture.supported() })
    def "a stand-in port that is taken makes up fail with one line naming it, and leaves nothing running"() {
        given: 'a listener on every address at a port no one else uses, which blocks 127.SLOT.0.2 at that port too'
        ServerSocket blocker = new ServerSocket()
        blocker.bind(new InetSocketAddress('0.0.0.0', 0))
        int taken = blocker.localPort
        int free = new ServerSocket(0).withCloseable { it.localPort }
        Path home = tmp.resolve('home')
        def spec = SandboxSpec.of(new FleetrollHome(home), 2).withServicePorts(taken, free == taken ? taken + 1 : free)

        when:
        Sandbox.up(spec)

        then:
        UserError e = thrown()
        e.message.readLines().size() == 1
        e.message.contains("Taskcluster stand-in cannot listen on 127.")
        e.message.contains(":$taken (")
        e.message.toLowerCase().contains('address already in use')

        and: 'nothing of it is left'
        Procs.all().findAll { p -> p.state() != ('Z' as char) && Procs.cmdline(p.pid()).contains(home.toString()) }.isEmpty()
        !Files.exists(spec.sandboxDir())
        !Files.exists(SandboxLayout.dropIn(new FleetrollHome(home)))
        Sandbox.registry().slots().every { it.fleetrollHome() != home.toString() }

        cleanup:
        blocker?.close()
    }

    def "a stand-in process that dies while starting fails the wait with its log's last line and the log's path"() {
        given:
        Path log = tmp.resolve('stand-ins.log')
        Path pid = tmp.resolve('stand-ins.pid')
        def p = new ProcessBuilder('/bin/sh', '-c', 'echo $$ >"$1"; echo "stand-in: cannot serve: port 8080 in use" >>"$2"; exit 1',
                'sh', pid.toString(), log.toString()).start()
        p.waitFor()

        when:
        SandboxServices.awaitReady(tmp.resolve('ready'), pid, log, Duration.ofSeconds(60))

        then:
        SandboxException e = thrown()
        e.message.readLines().size() == 1
        e.message.contains('stand-in: cannot serve: port 8080 in use')
        e.message.contains("(log: $log)")
    }

    def "a stand-in that shows no sign of life for the stall budget fails the wait; one that is ready does not wait"() {
        given: 'a process that sleeps: no log line, no CPU time'
        Path log = tmp.resolve('stand-ins.log')
        Path pid = tmp.resolve('stand-ins.pid')
        Files.writeString(log, 'starting\n')
        def p = new ProcessBuilder('/bin/sh', '-c', 'echo $$ >"$1"; exec sleep 600', 'sh', pid.toString()).start()
        while (RunningSandbox.readPid(pid) == null) {
            Thread.sleep(10)
        }

        when:
        SandboxServices.awaitReady(tmp.resolve('ready'), pid, log, Duration.ofMillis(300))

        then:
        SandboxException e = thrown()
        e.message.readLines().size() == 1
        e.message.contains('no log line, no CPU time')
        e.message.contains("(log: $log)")

        when:
        Files.writeString(tmp.resolve('ready'), 'http://127.0.0.1:1\n')
        SandboxServices.awaitReady(tmp.resolve('ready'), pid, log, Duration.ofMillis(300))

        then:
        noExceptionThrown()

        cleanup:
        p?.destroyForcibly()
    }

    def "the stand-in process listens on loopback addresses only"() {
        when:
        StandInMain.Args.parse(['--sandbox', '/x', '--tc-listen', listen, '--gh-listen', '127.0.0.1:8081',
                                '--credentials', '/x/c', '--git-config', '/x/g', '--quarantines', '/x/q', '--ready', '/x/r'] as String[])

        then:
        IllegalArgumentException e = thrown()
        e.message.contains(why)

        where:
        listen           | why
        '10.0.0.1:8080'  | 'not a loopback address'
        '0.0.0.0:8080'   | 'not a loopback address'
        'localhost:8080' | 'IPv4 address'
        '127.0.0.1'      | 'not ADDRESS:PORT'
    }
}
