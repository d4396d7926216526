package dev.fleetroll.console.writes;

import dev.fleetroll.console.render.PlanFormatter;
import dev.fleetroll.ops.WriteGate;
import dev.fleetroll.ops.ActionPlan;
import java.io.PrintStream;

/**
 * The console's write safety policy, one rule for every front-end:
 * <ol>
 *   <li>{@code --confirm}: write (the plan is printed first);</li>
 *   <li>{@code --dry-run}: print the plan, write nothing (audited as a dry run);</li>
 *   <li>REPL or {@code -e} ({@link Context#INTERACTIVE}) on a terminal: print the plan and ask {@code [y/N]} through
 *       the {@link Confirmer};</li>
 *   <li>CLI command or {@code fleetroll run} on a terminal: dry run, with a hint to add {@code --confirm};</li>
 *   <li>otherwise — no terminal and neither flag (cron, pipes, CI): <b>refused</b>, one line, audited, and the
 *       operation throws so a script stops (fail closed: a forgotten {@code --confirm} must not look like a
 *       successful run).</li>
 * </ol>
 * "Terminal" means stdin is a terminal (someone could have answered).
 */
public final class ConsoleWriteGate implements WriteGate {

    public enum Context {
        /** A CLI subcommand ({@code host-set-override}). */
        CLI,
        /** {@code fleetroll run FILE}. */
        SCRIPT,
        /** The REPL, {@code fleetroll -e}. */
        INTERACTIVE
    }

    private final Context context;
    private final boolean confirm;
    private final boolean dryRun;
    private final boolean terminal;
    private final Confirmer confirmer;
    private final PrintStream out;
    private final PlanFormatter formatter;
    private final boolean printPlan;

    /**
     * @param out where the plan goes (stdout); null or {@code printPlan=false} for JSON output, where the front-end
     *     prints the plan itself
     * @param confirmer used only for {@link Context#INTERACTIVE}; may be null elsewhere
     */
    public ConsoleWriteGate(Context context, boolean confirm, boolean dryRun, boolean terminal, Confirmer confirmer,
                            PrintStream out, PlanFormatter formatter, boolean printPlan) {
        if (confirm && dryRun) {
            throw new IllegalArgumentException("--confirm and --dry-run exclude each other");
        }
        this.context = context;
        this.confirm = confirm;
        this.dryRun = dryRun;
        this.terminal = terminal;
        this.confirmer = confirmer;
        this.out = out;
        this.formatter = formatter;
        this.printPlan = printPlan && out != null;
    }

    /** What a script sees as {@code dryRun}: true unless writes go ahead without asking ({@code --confirm}). */
    public boolean dryRun() {
        return !confirm && !(context == Context.INTERACTIVE && terminal && confirmer != null && !dryRun);
    }

    @Override
    public Decision decide(ActionPlan plan) throws InterruptedException {
        if (confirm) {
            print(formatter.render(plan, PlanFormatter.Mode.WRITE));
            return new Decision(Verdict.WRITE, "--confirm", null);
        }
        if (dryRun) {
            print(formatter.render(plan, PlanFormatter.Mode.DRY_RUN));
            return new Decision(Verdict.DRY_RUN, "--dry-run", null);
        }
        if (terminal && context == Context.INTERACTIVE && confirmer != null) {
            boolean yes = confirmer.confirm(plan, formatter.render(plan, PlanFormatter.Mode.ASK));
            return yes ? new Decision(Verdict.WRITE, "prompt", null)
                    : new Decision(Verdict.DECLINED, "prompt", "not confirmed; nothing written");
        }
        if (terminal) {
            print(formatter.render(plan, PlanFormatter.Mode.DRY_RUN));
            return new Decision(Verdict.DRY_RUN, "dry run (no --confirm)", null);
        }
        int n = plan.hosts().size();
        return new Decision(Verdict.REFUSED, "no terminal, no --confirm",
                plan.verb() + " refused: no terminal to confirm on and no --confirm (nothing written to the "
                        + n + " host" + (n == 1 ? "" : "s") + "; add --confirm to write, or --dry-run to see the plan)");
    }

    private void print(String text) {
        if (printPlan) {
            out.print(text);
            out.flush();
        }
    }

    public Context context() {
        return context;
    }
}
