package dev.fleetroll.sandbox

import spock.lang.Requires
import spock.lang.Specification
import spock.lang.TempDir

import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.TimeUnit

/**
 * A test JVM that dies hard leaves its fleet running; the next up or down --all-stale reaps it. Isolated: any other
 * spec's Sandbox.up reaps stale fleets too, and would take this one before downStale() can report it.
 */
@spock.lang.Isolated
@Requires({ SandboxFixture.supported() })
class SandboxCrashSpec extends Specification {
    @TempDir
    Path home

    def "the fleet of a process killed with SIGKILL is reaped as stale"() {
        given: 'another JVM owns a 2-host fleet'
        def java = Path.of(System.getProperty('java.home'), 'bin', 'java').toString()
        def owner = new ProcessBuilder(java, '-cp', System.getProperty('java.class.path'), SandboxOwnerMain.name,
                home.toString(), '2').redirectErrorStream(true).start()
        def reader = owner.inputStream.newReader()
        String line
        while ((line = reader.readLine()) != null && !line.startsWith('UP ')) {
            // log lines
        }
        assert line?.startsWith('UP '): 'the owner did not bring its sandbox up'
        def (dir, slot) = [Path.of(line.split(' ')[1]), line.split(' ')[2] as int]
        def sb = Sandbox.open(dir).get()
        def runtime = sb.runtimeDir()
        Long standIn = sb.standInPid() // SandboxSpec.of runs the Taskcluster and GitHub stand-ins too

        when: 'it dies without any chance to clean up'
        owner.destroyForcibly()
        owner.waitFor(10, TimeUnit.SECONDS)

        then: 'its hosts and its stand-ins keep running'
        sb.status().hosts()*.state() == ['up', 'up']
        standIn != null && Procs.alive(standIn)

        when:
        def reaped = Sandbox.downStale().find { it.dir() == dir }

        then:
        reaped != null
        reaped.slot() == slot
        Teardown.fleetProcesses([dir.toString() + '/', runtime.toString() + '/'], 0, false).isEmpty()
        !Procs.alive(standIn)
        !Files.exists(dir)
        !Files.exists(runtime)
        !Files.exists(home.resolve('config.d/50-sandbox.yaml'))
        Sandbox.registry().slots().every { it.dir() != dir.toString() }
    }
}
