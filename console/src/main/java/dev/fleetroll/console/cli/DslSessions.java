package dev.fleetroll.console.cli;

import dev.fleetroll.console.dsl.DslOutput;
import dev.fleetroll.console.dsl.DslSession;
import dev.fleetroll.console.dsl.FleetFactory;
import java.util.List;

/** Builds the DSL session for a non-interactive run from the command's context. */
final class DslSessions {
    private DslSessions() {}

    static DslSession forScript(CliContext ctx, List<String> args, boolean dryRun) {
        // results on stdout, summaries on stderr; progress only when stderr is a terminal; colour only on a terminal
        DslOutput output = new DslOutput(ctx.out(), ctx.err(), ctx.stderrIsTerminal() ? ctx.err() : null, ctx.colour(),
                () -> columns(ctx));
        return DslSession.builder(ctx::workspace)
                .fleet(FleetFactory.fromSystem())
                .output(output)
                .interactive(false)
                .dryRun(dryRun)
                .args(args)
                .build();
    }

    private static int columns(CliContext ctx) {
        try {
            return Integer.parseInt(ctx.env().getOrDefault("COLUMNS", "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
