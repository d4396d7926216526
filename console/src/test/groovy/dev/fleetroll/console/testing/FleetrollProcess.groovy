package dev.fleetroll.console.testing

import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.attribute.PosixFilePermissions

/**
 * Runs the console as a separate process the way operators do, from the test classpath (so it needs no
 * packaged jar): writes a {@code fleetroll} wrapper script into a temp directory with the environment baked in.
 * With {@code fake: true} the process uses a {@link FakeFleetFactory} whose hosts are described by
 * {@code $FLEETROLL_HOME/fake-fleet.json}.
 */
class FleetrollProcess {
    final Path dir
    final Path home
    final Path project
    final Path launcher

    FleetrollProcess(Map opts = [:]) {
        dir = Files.createTempDirectory('fleetroll-proc')
        home = (opts.home ?: dir.resolve('home')) as Path
        project = opts.project ?: dir.resolve('project')
        Files.createDirectories(home)
        Files.createDirectories(project.resolve('configs/host-lists'))
        String java = ProcessHandle.current().info().command().orElse('java')
        String cp = System.getProperty('surefire.test.class.path') ?: System.getProperty('java.class.path')
        List<String> props = []
        if (opts.fake != false) {
            props << "-Dfleetroll.fleetFactory=${FakeFleetFactory.name}".toString()
        }
        launcher = dir.resolve('fleetroll')
        // SIGINT back to its default before the JVM starts: a build started in the background without job control
        // (nohup mvn ... &) passes SIGINT down as ignored, the JVM then cannot take it, and the Ctrl-C specs
        // would test the harness instead of fleetroll. sh cannot reset an ignored signal; perl (Debian's
        // essential perl-base) can.
        launcher.text = """#!/bin/sh
export FLEETROLL_HOME='${home}' FLEETROLL_PROJECT='${project}' HOME='${dir}'
exec perl -e '\$SIG{INT} = "DEFAULT"; exec @ARGV or die "exec \$ARGV[0]: \$!\\n"' '${java}' -XX:TieredStopAtLevel=1 -XX:+UseSerialGC --enable-native-access=ALL-UNNAMED ${props.join(' ')} \\
  -cp '${cp}' dev.fleetroll.console.Main "\$@"
"""
        Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString('rwxr-xr-x'))
    }

    /** Writes the fake fleet: host -> options (behaviour: ok | unreachable | tarpit | fail, role, ...). */
    FleetrollProcess fakeHosts(Map<String, Map> hosts, boolean seed = true) {
        home.resolve('fake-fleet.json').text = groovy.json.JsonOutput.toJson([seed: seed, hosts: hosts])
        this
    }

    FleetrollProcess hostList(String name, List<String> members) {
        def f = project.resolve("configs/host-lists/${name}.list")
        Files.createDirectories(f.parent)
        f.text = members.join('\n') + '\n'
        this
    }

    /** Lines the fake fleet logged: open, audit ..., exec ..., close. */
    List<String> fleetLog() {
        def f = home.resolve('fake-fleet.log')
        Files.exists(f) ? f.readLines() : []
    }

    /** Runs {@code fleetroll args} with stdin/stdout/stderr as pipes (no terminal). */
    Result run(List<String> args, String stdin = '', Map<String, String> env = [:], long timeoutSeconds = 120) {
        runVia([], args, stdin, env, timeoutSeconds)
    }

    /** Like {@link #run}, with {@code wrapper} in front of the launcher (e.g. a script that hides programs first). */
    Result runVia(List<String> wrapper, List<String> args, String stdin = '', Map<String, String> env = [:],
                  long timeoutSeconds = 120) {
        runCommand(wrapper + [launcher.toString()] + args, stdin, env, timeoutSeconds)
    }

    /** Runs any command the same way: pipes, no TERM, {@code env} added; its status, stdout and stderr. */
    static Result runCommand(List<String> argv, String stdin = '', Map<String, String> env = [:], long timeoutSeconds = 120) {
        def pb = new ProcessBuilder(argv*.toString())
        pb.environment().remove('TERM')
        pb.environment().putAll(env)
        def p = pb.start()
        def out = new ByteArrayOutputStream()
        def err = new ByteArrayOutputStream()
        def t1 = Thread.start { out << p.inputStream }
        def t2 = Thread.start { err << p.errorStream }
        p.outputStream.withStream { it << stdin.getBytes('UTF-8') }
        if (!p.waitFor(timeoutSeconds, java.util.concurrent.TimeUnit.SECONDS)) {
            p.destroyForcibly()
            throw new IllegalStateException("${argv} did not finish in ${timeoutSeconds}s")
        }
        t1.join()
        t2.join()
        new Result(p.exitValue(), out.toString('UTF-8'), err.toString('UTF-8'))
    }

    static class Result {
        final int status
        final String out
        final String err

        Result(int status, String out, String err) {
            this.status = status
            this.out = out
            this.err = err
        }

        String toString() { "status=$status\nstdout:\n$out\nstderr:\n$err" }
    }

    void cleanup() {
        dir.toFile().deleteDir()
    }
}
