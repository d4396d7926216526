package dev.fleetroll.console.dsl;

import dev.fleetroll.config.Workspace;
import dev.fleetroll.inventory.Inventory;
import dev.fleetroll.console.writes.ConsoleWriteGate;
import dev.fleetroll.console.render.PlanFormatter;
import dev.fleetroll.ops.Fleet;
import dev.fleetroll.ops.write.WriteContext;
import dev.fleetroll.ssh.Cancellation;
import dev.fleetroll.state.HostState;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * What the DSL verbs of one console session or one script run share: the workspace, one {@link Fleet} (opened on
 * the first verb that needs the store or the network — never at start-up or on TAB), where output goes, the
 * {@link Cancellation} of the running statement (Ctrl-C cancels it) and the multi-host results the script has not
 * looked at yet (they decide {@code fleetroll run}'s exit status).
 */
public final class DslSession implements AutoCloseable {
    private final Supplier<Workspace> workspace;
    private final FleetFactory factory;
    private final DslOutput output;
    private final Clock clock;
    private final Ticker ticker;
    private final boolean interactive;
    private final List<String> args;
    private final List<Results> pending = new ArrayList<>();
    private Workspace ws;
    private Fleet fleet;
    private Inventory inventory;
    private volatile Cancellation cancellation = new Cancellation();
    private Random random = new Random();
    private final ConsoleWriteGate writeGate;
    private WriteContext writeContext;

    private DslSession(Builder b) {
        this.workspace = b.workspace;
        this.factory = b.factory;
        this.output = b.output;
        this.clock = b.clock;
        this.ticker = b.ticker;
        this.interactive = b.interactive;
        this.args = List.copyOf(b.args);
        this.writeGate = b.writeGate != null ? b.writeGate
                : new ConsoleWriteGate(ConsoleWriteGate.Context.SCRIPT, !b.dryRun, b.dryRun, false, null, b.output.out(),
                        new PlanFormatter(b.output.colour(), b.clock), true);
    }

    public static Builder builder(Supplier<Workspace> workspace) {
        return new Builder(workspace);
    }

    /** Session options. */
    public static final class Builder {
        private final Supplier<Workspace> workspace;
        private FleetFactory factory = FleetFactory::openEngine;
        private DslOutput output = DslOutput.plain(System.out, System.err);
        private Clock clock = Clock.systemUTC();
        private Ticker ticker = Ticker.SYSTEM;
        private boolean interactive;
        private boolean dryRun = true;
        private List<String> args = List.of();
        private ConsoleWriteGate writeGate;

        Builder(Supplier<Workspace> workspace) {
            this.workspace = workspace;
        }

        public Builder fleet(FleetFactory f) {
            this.factory = f;
            return this;
        }

        public Builder output(DslOutput o) {
            this.output = o;
            return this;
        }

        public Builder clock(Clock c) {
            this.clock = c;
            return this;
        }

        /** The REPL: values are printed by the REPL, not by the verbs; writes ask before acting. */
        public Builder interactive(boolean i) {
            this.interactive = i;
            return this;
        }

        /** Writes only say what they would do ({@code fleetroll run} without {@code --confirm}). */
        public Builder dryRun(boolean d) {
            this.dryRun = d;
            return this;
        }

        public Builder args(List<String> a) {
            this.args = a;
            return this;
        }

        /**
         * How writes are approved (the REPL asks, {@code run --confirm} writes, cron without it is refused). Without
         * one, writes are dry runs when {@link #dryRun} is set and go ahead otherwise.
         */
        public Builder writeGate(ConsoleWriteGate g) {
            this.writeGate = g;
            return this;
        }

        /** The time source of waits ({@link Ticker#SYSTEM} unless a spec gives a {@link Ticker#manual()} one). */
        public Builder ticker(Ticker t) {
            this.ticker = t;
            return this;
        }

        public DslSession build() {
            return new DslSession(this);
        }
    }

    public synchronized Workspace workspace() {
        if (ws == null) {
            ws = workspace.get();
        }
        return ws;
    }

    /** The engine, opened on first use. */
    public synchronized Fleet fleet() {
        if (fleet == null) {
            fleet = factory.open(workspace());
        }
        return fleet;
    }

    /** The engine if a verb already opened it, else null (completion uses this: it never opens anything). */
    public synchronized Fleet fleetIfOpen() {
        return fleet;
    }

    /** Host lists and name rules; reads local files only. */
    public synchronized Inventory inventory() {
        if (inventory == null) {
            inventory = fleet != null ? fleet.inventory() : new Inventory(workspace());
        }
        return inventory;
    }

    public DslOutput output() {
        return output;
    }

    public boolean interactive() {
        return interactive;
    }

    /** What scripts see as {@code dryRun}: true unless writes act (after a confirmation, or with {@code --confirm}). */
    public boolean dryRun() {
        return writeGate.dryRun();
    }

    /** The approval rule for writes in this session. */
    public ConsoleWriteGate writeGate() {
        return writeGate;
    }

    /** What the write operations run with (audit log, content stores), made on the first write. */
    public synchronized WriteContext writeContext() {
        if (writeContext == null) {
            writeContext = WriteContext.of(fleet(), workspace().env());
        }
        return writeContext;
    }

    public List<String> args() {
        return args;
    }

    public Instant now() {
        return clock.instant();
    }

    public Clock clock() {
        return clock;
    }

    /** The cancellation of the statement now running. */
    public Cancellation cancellation() {
        return cancellation;
    }

    /** A fresh cancellation for the next statement (the REPL calls this before each line). */
    public Cancellation resetCancellation() {
        cancellation = new Cancellation();
        return cancellation;
    }

    public void cancel(String why) {
        cancellation.cancel(why);
    }

    /** Throws {@link DslCancelled} when the running statement was cancelled. */
    public void checkCancelled(String verb) {
        if (cancellation.isCancelled() || Thread.currentThread().isInterrupted()) {
            throw new DslCancelled(verb + " cancelled");
        }
    }

    public synchronized Random random() {
        return random;
    }

    /** Makes {@code pick} repeatable. */
    public synchronized void seed(long seed) {
        random = new Random(seed);
    }

    /** The stored state of {@code names} (no network): newest observation and newest successful one per host. */
    public Map<String, HostState> states(List<String> names) {
        if (names.isEmpty()) {
            return Map.of();
        }
        return fleet().states(names, now());
    }

    /** Resolves a path the way scripts expect: absolute; else the working directory; else the project checkout. */
    public Path resolvePath(String path) {
        Path p = workspace().path(path);
        if (p.isAbsolute() || java.nio.file.Files.exists(p)) {
            return p.toAbsolutePath().normalize();
        }
        Path project = workspace().projectDir();
        if (project != null && java.nio.file.Files.exists(project.resolve(path))) {
            return project.resolve(path).normalize();
        }
        return p.toAbsolutePath().normalize();
    }

    /** Records a multi-host result so an unexamined failure can fail the run. */
    public synchronized void track(Results r) {
        pending.add(r);
    }

    /** Results with problem hosts that the script never looked at. */
    public synchronized List<Results> unhandledFailures() {
        return pending.stream().filter(r -> !r.handled() && r.hasProblems()).toList();
    }

    /** Forgets tracked results (the REPL does this before each line: the operator saw them). */
    public synchronized void clearTracked() {
        pending.clear();
    }

    /** The session's time source for waits. */
    public Ticker ticker() {
        return ticker;
    }

    /** Sleeps, waking early (with {@link DslCancelled}) when the statement is cancelled. */
    public void sleep(Duration d) {
        long end = ticker.nanoTime() + d.toNanos();
        while (true) {
            checkCancelled("sleep");
            long left = end - ticker.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                ticker.sleep(Math.min(left, 100_000_000L)); // wake at least every 100 ms to see a cancel
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DslCancelled("sleep interrupted");
            }
        }
    }

    @Override
    public synchronized void close() {
        if (fleet != null) {
            fleet.close();
            fleet = null;
        }
    }
}
