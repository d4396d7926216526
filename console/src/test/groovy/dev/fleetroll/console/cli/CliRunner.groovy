package dev.fleetroll.console.cli

import dev.fleetroll.config.FleetrollHome
import dev.fleetroll.config.Workspace

import java.nio.file.Path

/** Runs the real CLI in-process with captured streams, a given FLEETROLL_HOME and no terminal. */
class CliRunner {
    final Path home
    final Path project
    final Map<String, String> env

    CliRunner(Path home, Path project = null, Map<String, String> extraEnv = [:]) {
        this.home = home
        this.project = project
        this.env = [FLEETROLL_HOME: home.toString()] + extraEnv
    }

    Map run(String... args) {
        def out = new ByteArrayOutputStream()
        def err = new ByteArrayOutputStream()
        def ctx = new CliContext(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, 'UTF-8'),
                new PrintStream(err, true, 'UTF-8'), env, false, false, false, false,
                { Workspace.of(new FleetrollHome(home), project, env) })
        int status = new Cli(Commands.all()).run(args, ctx)
        [status: status, out: out.toString('UTF-8'), err: err.toString('UTF-8')]
    }
}
