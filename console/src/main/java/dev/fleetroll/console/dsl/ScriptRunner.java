package dev.fleetroll.console.dsl;

import dev.fleetroll.console.dsl.compile.DslCompiler;
import dev.fleetroll.console.render.ValuePrinter;
import dev.fleetroll.util.Durations;
import groovy.lang.Binding;
import groovy.lang.GroovyShell;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.codehaus.groovy.control.CompilationFailedException;

/**
 * Runs a script (a file, {@code -e} text or stdin) in a session and turns the outcome into an exit status:
 * 0 success; 1 the script threw, called {@code fail}, or left failed hosts of a multi-host verb unexamined;
 * 2 compile error ({@code file:line:col: message}); 130 interrupted. Ctrl-C and {@code timeout} stop the script
 * through {@link StatementWorker} (the running verb is cancelled, then the thread interrupted).
 */
public final class ScriptRunner {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int INTERRUPTED = 130;

    private final DslSession session;
    private final PrintStream err;
    private final boolean debug;
    private final UnaryOperator<Runnable> sigint;

    /**
     * @param sigint installs a SIGINT action and returns what restores the previous handler (the CLI passes
     *     {@code Interrupts::onSigint}); tests pass none
     */
    public ScriptRunner(DslSession session, PrintStream err, boolean debug, UnaryOperator<Runnable> sigint) {
        this.session = session;
        this.err = err;
        this.debug = debug;
        this.sigint = sigint == null ? action -> () -> { } : sigint;
    }

    public ScriptRunner(DslSession session, PrintStream err, boolean debug) {
        this(session, err, debug, null);
    }

    /**
     * Compiles and runs {@code text}.
     *
     * @param label how errors name the source: a file path, {@code -e} or {@code stdin}
     * @param printValue print the final value (for {@code -e} and stdin)
     * @param timeout stop the script after this long (null: no limit)
     */
    public int run(String text, String label, boolean printValue, Duration timeout) {
        String className = DslCompiler.className(label.equals("-e") ? "expression" : label);
        GroovyShell shell = DslCompiler.shell(DslCompiler.configuration(), new Binding());
        FleetScript script;
        try {
            script = DslCompiler.parse(shell, text, className, session);
        } catch (CompilationFailedException e) {
            for (DslErrors.CompileError ce : DslErrors.compileErrors(e)) {
                err.println("fleetroll: " + ce.format(label));
            }
            return USAGE;
        }
        StatementWorker worker = new StatementWorker(session, StatementWorker.Timings.SCRIPT);
        Runnable restore = sigint.apply(() -> worker.stop("interrupted"));
        StatementWorker.Outcome outcome;
        try {
            outcome = worker.run(script::run, "fleetroll-script", null, timeout);
        } finally {
            restore.run();
        }
        try {
            if ("timed out".equals(outcome.stopReason())) {
                err.println("fleetroll: " + label + ": stopped after the timeout of " + Durations.format(timeout));
                return FAILED;
            }
            if (outcome.abandoned()) {
                err.println("fleetroll: " + label + ": interrupted (the script did not stop; exiting anyway)");
                return INTERRUPTED;
            }
            Throwable t = outcome.failure();
            if (t != null) {
                return report(t, label, className);
            }
            if (printValue && !(outcome.value() instanceof Results)) { // verbs already printed their results
                session.output().out().print(ValuePrinter.render(outcome.value(), session.output(), false));
            }
            List<Results> unhandled = session.unhandledFailures();
            if (!unhandled.isEmpty()) {
                for (Results r : unhandled) {
                    err.println("fleetroll: unhandled failures: " + r.summary());
                }
                err.println("fleetroll: the script did not look at these failed hosts (read .failed or .problems, "
                        + "or call .ignoreFailures()), so the run failed");
                return FAILED;
            }
            return OK;
        } finally {
            session.output().out().flush();
        }
    }

    private int report(Throwable t, String label, String className) {
        Throwable e = DslErrors.unwrap(t);
        if (e instanceof DslExit exit) {
            return exit.status();
        }
        int line = DslErrors.scriptLine(e, className);
        String where = label + (line > 0 ? ":" + line : "") + ": ";
        if (DslErrors.isInterrupt(e)) {
            err.println("fleetroll: " + where + "interrupted" + (e.getMessage() != null && !"interrupted".equals(e.getMessage())
                    ? " (" + e.getMessage() + ")" : ""));
            return INTERRUPTED;
        }
        err.println("fleetroll: " + where + DslErrors.describe(e, List.of()));
        if (debug) {
            e.printStackTrace(err);
        }
        return FAILED;
    }
}
