package dev.fleetroll.console.cli;

import dev.fleetroll.config.FleetrollHome;
import dev.fleetroll.console.dsl.DslSession;
import dev.fleetroll.console.dsl.ScriptRunner;
import dev.fleetroll.console.repl.Repl;
import dev.fleetroll.console.writes.ConsoleWriteGate;
import java.io.IOException;
import java.util.List;

/** The command-less entry points: {@code fleetroll -e EXPR}, statements on stdin, and the console. */
final class Scripting {
    private Scripting() {}

    /**
     * {@code fleetroll -e 'EXPR'}: runs the statements and prints the last value. A write shows its plan and asks
     * when stdin is a terminal, else it is refused.
     */
    static int expression(String text, CliContext ctx) {
        try (DslSession session = DslSessions.forScript(ctx, List.of(), ConsoleWriteGate.Context.INTERACTIVE, false, false)) {
            return new ScriptRunner(session, ctx.err(), ctx.debug(), Interrupts::onSigint).run(text, "-e", true, null);
        }
    }

    /**
     * {@code fleetroll < statements.groovy}: stdin is not a terminal, so it is a script; writes are refused (use
     * {@code fleetroll run FILE --confirm}).
     */
    static int stdin(CliContext ctx) throws IOException {
        String text = Cli.readAll(ctx.in());
        if (text.isBlank()) {
            return Cli.OK;
        }
        try (DslSession session = DslSessions.forScript(ctx, List.of(), ConsoleWriteGate.Context.SCRIPT, false, false)) {
            return new ScriptRunner(session, ctx.err(), ctx.debug(), Interrupts::onSigint).run(text, "stdin", true, null);
        }
    }

    /** The interactive console. */
    static int console(CliContext ctx) throws IOException {
        return new Repl(ctx::workspace, FleetrollHome.fromEnvironment(ctx.env()), ctx.env(), ctx.debug()).run();
    }
}
