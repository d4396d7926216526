package dev.fleetroll.console.cli;

import dev.fleetroll.console.dsl.DslOutput;
import dev.fleetroll.console.dsl.DslSession;
import dev.fleetroll.console.dsl.FleetFactory;
import dev.fleetroll.console.writes.ConsoleWriteGate;
import dev.fleetroll.console.render.PlanFormatter;
import dev.fleetroll.console.writes.StreamConfirmer;
import java.time.Clock;
import java.util.List;

/** Builds the DSL session for a non-interactive run from the command's context. */
final class DslSessions {
    private DslSessions() {}

    /**
     * @param context {@link ConsoleWriteGate.Context#SCRIPT} for {@code run} and stdin, INTERACTIVE for {@code -e}
     * @param confirm {@code --confirm}: writes act
     * @param dryRun {@code --dry-run}: writes only show their plan
     */
    static DslSession forScript(CliContext ctx, List<String> args, ConsoleWriteGate.Context context, boolean confirm,
                                boolean dryRun) {
        // results on stdout, summaries on stderr; progress only when stderr is a terminal; colour only on a terminal
        DslOutput output = new DslOutput(ctx.out(), ctx.err(), ProgressLine.display(ctx), ctx.colour(),
                () -> columns(ctx));
        ConsoleWriteGate gate = new ConsoleWriteGate(context, confirm, dryRun, ctx.stdinIsTerminal(),
                context == ConsoleWriteGate.Context.INTERACTIVE ? new StreamConfirmer(ctx.in(), ctx.out()) : null,
                ctx.out(), new PlanFormatter(ctx.colour(), Clock.systemUTC()), true);
        return DslSession.builder(ctx::workspace)
                .fleet(FleetFactory.fromSystem())
                .output(output)
                .interactive(false)
                .dryRun(!confirm)
                .writeGate(gate)
                .args(args)
                .build();
    }

    static int columns(CliContext ctx) {
        try {
            return Integer.parseInt(ctx.env().getOrDefault("COLUMNS", "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
