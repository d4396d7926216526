package dev.fleetroll.console.testing

import dev.fleetroll.config.FleetrollHome
import dev.fleetroll.config.Workspace
import dev.fleetroll.console.dsl.compile.DslCompiler
import dev.fleetroll.console.dsl.DslOutput
import dev.fleetroll.console.dsl.DslSession
import dev.fleetroll.console.dsl.ScriptRunner
import dev.fleetroll.console.dsl.Ticker
import groovy.lang.Binding
import java.nio.file.Files
import java.nio.file.Path

/**
 * A DSL session in a temp home and project (host lists under configs/host-lists) against a {@link FakeFleet}.
 * {@code eval('hosts("web").size()')} runs DSL text and returns its value; {@code out}/{@code err} capture output.
 */
class DslHarness implements Closeable {
    final Path root = Files.createTempDirectory('fleetroll-dsl')
    final Path home = root.resolve('home')
    final Path project = root.resolve('project')
    final ByteArrayOutputStream outBytes = new ByteArrayOutputStream()
    final ByteArrayOutputStream errBytes = new ByteArrayOutputStream()
    final Workspace workspace
    final FakeFleet fleet
    final DslSession session
    final Binding binding = new Binding()
    GroovyShell shell

    DslHarness(Map<String, Map> hosts, Map<String, List<String>> lists = [:], Map opts = [:]) {
        Files.createDirectories(home)
        Files.createDirectories(project.resolve('configs/host-lists'))
        lists.each { name, members ->
            def f = project.resolve("configs/host-lists/${name}.list")
            Files.createDirectories(f.parent)
            f.text = members.join('\n') + '\n'
        }
        workspace = Workspace.of(new FleetrollHome(home), project, [HOME: root.toString()])
        fleet = new FakeFleet(workspace, hosts)
        if (opts.seed != false) {
            fleet.seed()
        }
        session = DslSession.builder({ workspace })
                .fleet({ ws -> fleet })
                .output(DslOutput.plain(outBytes, errBytes))
                .interactive(opts.interactive ?: false)
                .dryRun(opts.containsKey('dryRun') ? opts.dryRun : true)
                .args(opts.args ?: [])
                .ticker(opts.ticker ?: Ticker.SYSTEM)
                .build()
        shell = DslCompiler.shell(opts.repl ? DslCompiler.repl(null) : DslCompiler.configuration(), binding)
    }

    Object eval(String text) {
        DslCompiler.parse(shell, text, "Test${System.nanoTime()}", session).run()
    }

    /** Runs text the way fleetroll run does; returns the exit status. */
    int run(String text, String label = 'test.groovy') {
        new ScriptRunner(session, new PrintStream(errBytes, true), false).run(text, label, false, null)
    }

    String getOut() { outBytes.toString('UTF-8') }

    String getErr() { errBytes.toString('UTF-8') }

    @Override
    void close() {
        session.close()
        root.toFile().deleteDir()
    }
}
