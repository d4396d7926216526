package dev.fleetroll.console.cli;

import dev.fleetroll.console.dsl.DslSession;
import dev.fleetroll.console.dsl.ScriptRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;

/** {@code fleetroll demo}: runs {@code scripts/demo.groovy} (audits the sandbox fleet and shows the table). */
final class DemoCommand implements Command {
    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String summary() {
        return "audit the sandbox fleet and show the table (scripts/demo.groovy)";
    }

    @Override
    public String description() {
        return """
                Runs scripts/demo.groovy from the checkout: audits the hosts of the sandbox fleet and prints the
                monitor table. Start the sandbox first with 'fleetroll sandbox up N'.
                """;
    }

    @Override
    public int run(CommandLine line, CliContext ctx) {
        Path project = ctx.workspace().projectDir();
        Path script = project == null ? Path.of("scripts/demo.groovy") : project.resolve("scripts/demo.groovy");
        if (!Files.isRegularFile(script)) {
            throw new UsageError("demo: " + script + " not found (run from the fleetroll checkout or set FLEETROLL_PROJECT)");
        }
        try (DslSession session = DslSessions.forScript(ctx, line.getArgList(), true)) {
            return new ScriptRunner(session, ctx.err(), ctx.debug(), Interrupts::onSigint).run(RunCommand.read(script.toString()),
                    script.toString(), false, null);
        }
    }
}
