package dev.fleetroll.console.cli

import spock.lang.Specification
import spock.lang.TempDir

import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.TimeUnit

/**
 * The ./fleetroll launcher: its happy path in a copy of this checkout (a fresh build with the machine's JDK 17 first
 * on PATH, then the cached start that builds nothing), and its clear failures: no JDK 21+, no Maven when the jar
 * must be built.
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
        assert p.waitFor(600, TimeUnit.SECONDS)
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

    /** The checkout's files as git sees them (tracked and new); without git, every file outside build output. */
    static List<String> sourceFiles(Path root) {
        try {
            def git = ['git', '-C', root.toString(), 'ls-files', '-z', '--cached', '--others', '--exclude-standard'].execute()
            String listed = git.inputStream.text
            if (git.waitFor() == 0 && listed) {
                return listed.split('\u0000').findAll { it && Files.isRegularFile(root.resolve(it)) }
            }
        } catch (IOException ignored) {
            // no git: walk the tree below
        }
        Files.walk(root).withCloseable { s ->
            s.filter { Files.isRegularFile(it) }
                    .map { root.relativize(it) }
                    .filter { rel -> !rel.iterator().any { it.toString() in ['target', '.git'] } }
                    .map { it.toString() }.toList()
        }
    }

    def "a fresh checkout: the first start builds the jar with a JDK >= 21 it finds itself; the next start just runs"() {
        given: 'a copy of this checkout without anything built, and PATH as on a fresh machine (its default java first)'
        Path root = LAUNCHER.parent
        Path checkout = Files.createDirectories(tmp.resolve('fresh'))
        def names = sourceFiles(root)
        names.each { n ->
            Path to = checkout.resolve(n)
            Files.createDirectories(to.parent)
            Files.copy(root.resolve(n), to, java.nio.file.StandardCopyOption.COPY_ATTRIBUTES)
        }
        assert !Files.exists(checkout.resolve('console/target'))
        def env = [PATH: System.getenv('PATH'), HOME: System.getProperty('user.home'),
                   FLEETROLL_HOME: Files.createDirectories(tmp.resolve('home')).toString()]

        when:
        def first = run(checkout.resolve('fleetroll'), env, '--version')

        then: 'one line says it builds; the jar is there and runs'
        first.status == 0
        first.err.readLines() == ['fleetroll: building (first run or sources changed)...']
        first.out.startsWith('fleetroll ')
        Files.isRegularFile(checkout.resolve('console/target/fleetroll.jar'))

        and: 'with a JDK >= 21, whatever java PATH has first'
        def chosen = checkout.resolve('console/target/.java-path').text.trim()
        def feature = [chosen, '-XshowSettings:properties', '-version'].execute().err.text
                .readLines().find { it.contains('java.specification.version') }.split('=')[1].trim() as int
        feature >= 21

        when:
        long jarTime = Files.getLastModifiedTime(checkout.resolve('console/target/fleetroll.jar')).toMillis()
        def second = run(checkout.resolve('fleetroll'), env, '--version')

        then: 'the cached start: no build, the same jar, the same answer'
        second.status == 0
        second.err == ''
        second.out == first.out
        Files.getLastModifiedTime(checkout.resolve('console/target/fleetroll.jar')).toMillis() == jarTime

        when: 'a plain command and a DSL run, each printing the JVM flags the launcher gave it'
        def flags = env + [FLEETROLL_JAVA_OPTS: '-XX:+PrintCommandLineFlags']
        def plain = run(checkout.resolve('fleetroll'), flags, 'hosts', '--help')
        def dsl = run(checkout.resolve('fleetroll'), flags, '-e', '20 + 22')

        then: 'both run; on JDK 25+ each kind of run has its own AOT cache (the DSL\'s trained with Groovy, the plain one without)'
        plain.status == 0
        dsl.status == 0
        dsl.out.readLines().last() == '42'
        feature < 25 || dsl.out.contains('-XX:AOTCache=' + checkout.resolve('console/target/fleetroll.aot'))
        feature < 25 || plain.out.contains('-XX:AOTCache=' + checkout.resolve('console/target/fleetroll-plain.aot'))

        and: 'real runs compile early (code that runs once per host is compiled after ~10 hosts, not ~250)'
        [plain, dsl].every { it.out.contains('-XX:CompileThresholdScaling=0.05') }

        when:
        def reflection = run(checkout.resolve('fleetroll'), env, '-e', 'System.getProperty("jdk.reflect.useNativeAccessorOnly")')

        then: 'reflection goes through JNI: no method-handle classes spun for each reflected constructor at start-up'
        reflection.status == 0
        reflection.out.readLines().last() == 'true'

        when: 'the long-running server, which serialises JSON all day, asked to print its system properties'
        def properties = env + [FLEETROLL_JAVA_OPTS: '-XshowSettings:properties']
        def server = run(checkout.resolve('fleetroll'), properties, 'serve', '--help')
        def plainProperties = run(checkout.resolve('fleetroll'), properties, 'hosts', '--help')

        then: 'it keeps the JDK\'s method-handle reflection (faster once warm); a plain command does not'
        server.status == 0
        plainProperties.status == 0
        plainProperties.err.contains('jdk.reflect.useNativeAccessorOnly = true')
        !server.err.contains('jdk.reflect.useNativeAccessorOnly')
    }
}
