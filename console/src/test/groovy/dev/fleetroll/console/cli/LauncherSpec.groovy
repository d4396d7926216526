package dev.fleetroll.console.cli

import spock.lang.Specification
import spock.lang.TempDir

import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.TimeUnit

/**
 * The ./fleetroll launcher's clear failures: no JDK 21+, no Maven when the jar must be built. (The happy path is
 * not run here: during the build the jar is not packaged yet, and the launcher would start a nested build.)
 */
class LauncherSpec extends Specification {
    static final Path LAUNCHER = Path.of(System.getProperty('user.dir')).resolve('../fleetroll').normalize()

    @TempDir
    Path tmp

    Map run(Path launcher, Map<String, String> env, String... args) {
        def pb = new ProcessBuilder(['/bin/bash', launcher.toString()] + (args as List))
        pb.environment().clear()
        pb.environment().putAll([HOME: tmp.toString()] + env)
        pb.redirectErrorStream(false)
        def p = pb.start()
        p.outputStream.close()
        assert p.waitFor(120, TimeUnit.SECONDS)
        [status: p.exitValue(), out: p.inputStream.text, err: p.errorStream.text]
    }

    /** A PATH with only the tools the launcher itself uses (no java, no mvn). */
    Path toolsOnly() {
        Path bin = Files.createDirectories(tmp.resolve('bin'))
        ['bash', 'sed', 'head', 'tail', 'find', 'mkdir', 'cat', 'dirname', 'flock', 'mktemp', 'rm', 'mv', 'touch',
         'date', 'id'].each { t ->
            def real = ['/usr/bin', '/bin'].collect { Path.of(it, t) }.find { Files.isExecutable(it) }
            if (real != null) {
                Files.createSymbolicLink(bin.resolve(t), real)
            }
        }
        bin
    }

    def "no JDK 21 or newer: one line naming where it looked and what to do, exit 2"() {
        when:
        def r = run(LAUNCHER, [PATH: toolsOnly().toString(), FLEETROLL_JDK_DIRS: tmp.resolve('nojdks').toString()], '--version')

        then:
        r.status == 2
        r.err.readLines().size() == 1
        r.err.startsWith('fleetroll: no JDK 21 or newer found')
        r.err.contains('set JAVA_HOME')
    }

    def "the jar must be built and Maven is missing: one line, exit 2"() {
        given: 'a checkout without a built jar'
        Path checkout = Files.createDirectories(tmp.resolve('checkout'))
        Files.copy(LAUNCHER, checkout.resolve('fleetroll'))
        String javaHome = System.getProperty('java.home')

        when:
        def r = run(checkout.resolve('fleetroll'), [PATH: toolsOnly().toString(), JAVA_HOME: javaHome], '--version')

        then:
        r.status == 2
        r.err.readLines().size() == 1
        r.err.contains('Maven is not installed')
    }
}
