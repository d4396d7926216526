package dev.fleetroll.console.repl;

import dev.fleetroll.Version;
import dev.fleetroll.config.FleetrollHome;
import dev.fleetroll.config.Workspace;
import dev.fleetroll.console.dsl.DslCancelled;
import dev.fleetroll.console.dsl.compile.DslCompiler;
import dev.fleetroll.console.dsl.DslErrors;
import dev.fleetroll.console.dsl.DslExit;
import dev.fleetroll.console.dsl.DslHelp;
import dev.fleetroll.console.dsl.DslOutput;
import dev.fleetroll.console.dsl.DslSession;
import dev.fleetroll.console.dsl.StatementWorker;
import dev.fleetroll.console.progress.LineControl;
import dev.fleetroll.console.progress.ProgressDisplay;
import dev.fleetroll.console.writes.ConsoleWriteGate;
import dev.fleetroll.console.render.PlanFormatter;
import dev.fleetroll.util.EditDistance;
import java.time.Clock;
import dev.fleetroll.console.dsl.FleetFactory;
import dev.fleetroll.console.dsl.FleetScript;
import dev.fleetroll.console.render.ValuePrinter;
import groovy.lang.Binding;
import groovy.lang.GroovyShell;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;
import org.codehaus.groovy.control.CompilationFailedException;
import org.codehaus.groovy.control.customizers.ImportCustomizer;
import org.codehaus.groovy.runtime.StackTraceUtils;
import org.jline.reader.EndOfFileException;
import org.jline.reader.History;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Attributes;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;

/**
 * The interactive console ({@code fleetroll} on a terminal): a hand-written loop on JLine's {@link LineReader}
 * (not jline-console's engine, whose completion evaluates code).
 *
 * <ul>
 *   <li>Each input is compiled as its own script against one shared {@link Binding}; {@link DslCompiler#repl}
 *       turns top-level {@code def x = ...} and methods into binding entries, so variables persist with and without
 *       {@code def}. {@code _} holds the last non-null value.
 *   <li>Statements run on a worker thread. Ctrl-C (SIGINT while a statement runs) cancels the session's
 *       {@code Cancellation} (the engine reports pending hosts cancelled and closes running channels, keeping
 *       connections) and interrupts the worker ({@code ThreadInterrupt} checks in user code); the prompt returns
 *       within 1.6 s even if the statement does not stop ({@link StatementWorker.Timings#REPL}).
 *   <li>History is appended to {@code $FLEETROLL_HOME/history} line by line and re-read when another console
 *       appended to it, so consoles sharing a tmux session see and keep each other's lines.
 * </ul>
 */
public final class Repl {
    private static final String PROMPT = "fleetroll> ";

    private final Supplier<Workspace> workspace;
    private final FleetrollHome home;
    private final boolean debug;
    private final Binding binding = new Binding();
    private final List<String> statements = new ArrayList<>();
    private final ImportCustomizer imports = new ImportCustomizer();
    private Terminal terminal;
    private LineReader reader;
    private DslSession session;
    private DslOutput output;
    private GroovyShell shell;
    private Throwable lastError;
    private int counter;
    private final Map<String, String> env;
    /** The statement being compiled or run; null at the prompt. Read by the SIGINT handler's thread. */
    private volatile StatementWorker statement;
    private long historyStamp = Long.MIN_VALUE;

    public Repl(Supplier<Workspace> workspace, FleetrollHome home, Map<String, String> env, boolean debug) {
        this.workspace = workspace;
        this.home = home;
        this.env = env;
        this.debug = debug;
    }

    public int run() throws IOException {
        return run(TerminalBuilder.builder().system(true).name("fleetroll").build());
    }

    /** Runs the console on {@code term} (the system terminal, or a dumb one for the start-up cache's training). */
    public int run(Terminal term) throws IOException {
        home.ensureExists();
        terminal = term;
        try {
            PrintStream termOut = new PrintStream(terminal.output(), true, StandardCharsets.UTF_8);
            boolean colour = !"dumb".equals(terminal.getType()) && !env.containsKey("NO_COLOR");
            output = new DslOutput(termOut, termOut, new ProgressDisplay(terminal.output(),
                    LineControl.forTerm(terminal.getType()), terminal::getWidth), colour, terminal::getWidth);
            // writes show their plan and ask [y/N] on this terminal
            ConsoleWriteGate gate = new ConsoleWriteGate(ConsoleWriteGate.Context.INTERACTIVE, false, false, true,
                    new JLineConfirmer(terminal), termOut, new PlanFormatter(colour, Clock.systemUTC()), true);
            session = DslSession.builder(workspace).fleet(FleetFactory.fromSystem()).output(output)
                    .interactive(true).dryRun(false).writeGate(gate).build();
            shell = DslCompiler.shell(DslCompiler.repl(imports), binding);
            CompletionAnalyzer analyzer = new CompletionAnalyzer(new ReplEnvironment(binding, session));
            reader = LineReaderBuilder.builder()
                    .terminal(terminal)
                    .appName("fleetroll")
                    .parser(new ReplParser(analyzer))
                    .completer(new DslCompleter(analyzer))
                    .variable(LineReader.HISTORY_FILE, home.history())
                    .variable(LineReader.HISTORY_FILE_SIZE, 10_000)
                    .variable(LineReader.HISTORY_SIZE, 2_000)
                    .variable(LineReader.SECONDARY_PROMPT_PATTERN, "%P ... ")
                    .variable(LineReader.LIST_MAX, 200)
                    .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                    .option(LineReader.Option.HISTORY_INCREMENTAL, true)
                    .option(LineReader.Option.HISTORY_IGNORE_DUPS, true)
                    .option(LineReader.Option.AUTO_GROUP, true)
                    .option(LineReader.Option.GROUP, true)
                    .option(LineReader.Option.CASE_INSENSITIVE, false)
                    .build();
            terminal.handle(Terminal.Signal.INT, s -> interrupt());
            // no "^C" echoed in front of the "cancelled" line while a statement runs
            Attributes attrs = terminal.getAttributes();
            attrs.setLocalFlag(Attributes.LocalFlag.ECHOCTL, false);
            terminal.setAttributes(attrs);
            terminal.writer().println("fleetroll " + Version.get()
                    + " - Groovy DSL console. :help lists verbs, TAB completes, Ctrl-C cancels, Ctrl-D exits.");
            terminal.flush();
            warmUp();
            loop();
            return 0;
        } finally {
            if (session != null) {
                session.close();
            }
            terminal.close();
        }
    }

    private void loop() {
        while (true) {
            String line;
            try {
                reloadHistoryIfChanged();
                line = reader.readLine(PROMPT);
            } catch (UserInterruptException e) {
                continue; // Ctrl-C at the prompt drops the line
            } catch (EndOfFileException e) {
                return; // Ctrl-D
            }
            String text = line.strip();
            if (text.isEmpty()) {
                continue;
            }
            if (text.startsWith(":")) {
                if (!command(text)) {
                    return;
                }
                continue;
            }
            if (evaluate(line, "Repl" + (++counter))) {
                statements.add(line);
            }
        }
    }

    // ---- evaluation ----

    /** Compiles and runs one input; prints its value or one line of error. Returns true on success. */
    boolean evaluate(String text, String className) {
        session.resetCancellation();
        session.clearTracked();
        statement = new StatementWorker(session, StatementWorker.Timings.REPL);
        try {
            return compileAndRun(text, className);
        } finally {
            statement = null;
        }
    }

    private boolean compileAndRun(String text, String className) {
        PrintStream out = output.out();
        FleetScript script;
        try {
            script = DslCompiler.parse(shell, text, className, session);
        } catch (CompilationFailedException e) {
            lastError = e;
            DslErrors.CompileError ce = DslErrors.compileErrors(e).get(0);
            error("syntax error" + (ce.line() > 0 ? " at line " + ce.line() + ", column " + ce.column() : "") + ": "
                    + ce.message());
            return false;
        }
        if (statement.stopRequested()) { // Ctrl-C while compiling: do not start it
            error("cancelled");
            return false;
        }
        StatementWorker.Outcome outcome = statement.run(script::run, "fleetroll-eval-" + counter,
                shell.getClassLoader(), null);
        if (outcome.abandoned()) {
            error("cancelled (the statement is still stopping in the background)");
            return false;
        }
        Throwable ex = outcome.failure();
        if (ex != null) {
            Throwable e = DslErrors.unwrap(ex);
            lastError = e;
            if (e instanceof DslExit exit) {
                out.println("exit(" + exit.status() + ") ends scripts; use :exit or Ctrl-D to leave the console");
                return true;
            }
            if (DslErrors.isInterrupt(e) || outcome.stopped()) {
                String why = e instanceof DslCancelled ? e.getMessage() : null;
                error("cancelled" + (why != null && why.contains(": ") ? " (" + why + ")" : ""));
                return false;
            }
            int line = DslErrors.scriptLine(e, className);
            error(DslErrors.describe(e, variableNames()) + (line > 1 || text.contains("\n") && line > 0 ? " (line " + line + ")" : ""));
            return false;
        }
        Object v = outcome.value();
        if (v != null) {
            binding.setVariable("_", v);
            out.print(ValuePrinter.render(v, output, true));
        }
        out.flush();
        return true;
    }

    /** SIGINT while a statement runs: cancel its verb now; the wait loop interrupts the thread if that is not enough. */
    private void interrupt() {
        StatementWorker running = statement;
        if (running != null) {
            running.stop("interrupted");
        }
    }

    private void error(String message) {
        PrintStream out = output.out();
        if (output.colour()) {
            out.println(new AttributedString("error:", AttributedStyle.DEFAULT.foreground(AttributedStyle.RED))
                    .toAnsi(terminal) + " " + message);
        } else {
            out.println("error: " + message);
        }
        out.flush();
    }

    private List<String> variableNames() {
        return new ArrayList<>(binding.getVariables().keySet().stream().map(String::valueOf).toList());
    }

    /**
     * Loads the compiler on a throwaway shell while the operator types the first line (no user code runs). It
     * starts a moment after the prompt so it does not compete with drawing it.
     */
    private void warmUp() {
        Thread.ofPlatform().daemon().name("fleetroll-warmup").start(() -> {
            try {
                Thread.sleep(250);
                DslCompiler.shell(DslCompiler.repl(null), new Binding()).parse("def warm = 1 + 1");
            } catch (Throwable ignored) {
                // only a warm-up
            }
        });
    }

    // ---- history ----

    private long historyStamp() {
        try {
            return Files.size(home.history()) * 31 + Files.getLastModifiedTime(home.history()).toMillis();
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * Re-reads the shared history file before each prompt, so Up and Ctrl-R see lines other consoles appended
     * (our own lines are in the file already: HISTORY_INCREMENTAL appends each one as it is entered). Skipped when
     * the file has not changed since the last read.
     */
    private void reloadHistoryIfChanged() {
        long stamp = historyStamp();
        if (stamp != historyStamp) {
            try {
                reader.getHistory().load();
            } catch (IOException | RuntimeException ignored) {
                // keep the in-memory history
            }
            historyStamp = stamp;
        }
    }

    // ---- :commands ----

    /** Runs a {@code :command}; returns false to leave the console. */
    boolean command(String text) {
        String[] parts = text.split("\\s+", 2);
        String arg = parts.length > 1 ? parts[1].strip() : "";
        Optional<ReplCommand> cmd = ReplCommand.find(parts[0]);
        if (cmd.isEmpty()) {
            String near = EditDistance.closest(parts[0], ReplCommand.names());
            error("unknown command " + parts[0] + (near == null ? "" : " (did you mean " + near + "?)") + "; :help lists them");
            output.out().flush();
            return true;
        }
        boolean stay = cmd.get().run(this, arg);
        output.out().flush();
        return stay;
    }

    void trace() {
        PrintStream out = output.out();
        if (lastError == null) {
            out.println("no error yet");
        } else {
            StringWriter w = new StringWriter();
            StackTraceUtils.deepSanitize(lastError).printStackTrace(new PrintWriter(w));
            out.print(w);
        }
    }

    void help(String arg) {
        PrintStream out = output.out();
        if (arg.isEmpty()) {
            section(out, "Verbs", DslHelp.Kind.VERB);
            section(out, "HostSet (hosts(...).VERB)", DslHelp.Kind.HOSTSET);
            section(out, "Results (of exec, waitFor, audit().results)", DslHelp.Kind.RESULTS);
            section(out, "HostState properties (inside where { } and each { })", DslHelp.Kind.STATE);
            section(out, "Rollouts (rollout('name') { definition }.VERB)", DslHelp.Kind.ROLLOUT);
            out.println("Console commands:");
            int w = Arrays.stream(ReplCommand.values()).mapToInt(c -> c.usage().length()).max().orElse(10);
            for (ReplCommand c : ReplCommand.values()) {
                out.printf("  %-" + w + "s  %s%n", c.usage(), c.summary());
            }
            out.println("Durations: 30.seconds 5.minutes 2.hours 1.day. Queries: COL OP VALUE with = != ~ < > <= >=, "
                    + "sort:COL[:desc]. ':help where' explains one word.");
            return;
        }
        String name = arg.startsWith(":") ? arg : arg.replaceAll("[(){}'\"].*", "");
        Optional<ReplCommand> command = ReplCommand.find(name);
        if (command.isPresent()) {
            out.println(command.get().usage() + "    [command]");
            out.println("  " + command.get().summary());
            return;
        }
        List<DslHelp.Entry> entries = DslHelp.find(name);
        if (entries.isEmpty()) {
            List<String> all = new ArrayList<>(ReplCommand.names());
            for (DslHelp.Kind k : DslHelp.Kind.values()) {
                DslHelp.entries(k).forEach(e -> all.add(e.name()));
            }
            String near = EditDistance.closest(name, all);
            error("no help for '" + name + "'" + (near == null ? "" : " (did you mean '" + near + "'?)"));
            return;
        }
        for (DslHelp.Entry e : entries) {
            out.println(e.signature() + "    [" + e.kind().name().toLowerCase(java.util.Locale.ROOT) + "]");
            out.println("  " + e.summary());
            if (!e.example().isEmpty()) {
                out.println("  e.g. " + e.example());
            }
        }
    }

    private static void section(PrintStream out, String title, DslHelp.Kind kind) {
        out.println(title + ":");
        List<DslHelp.Entry> entries = DslHelp.entries(kind);
        int w = entries.stream().mapToInt(e -> e.signature().length()).max().orElse(10);
        w = Math.min(w, 44);
        for (DslHelp.Entry e : entries) {
            String sig = e.signature();
            if (sig.length() > w) {
                out.println("  " + sig);
                out.printf("  %-" + w + "s  %s%n", "", e.summary());
            } else {
                out.printf("  %-" + w + "s  %s%n", sig, e.summary());
            }
        }
    }

    void load(String arg) {
        if (arg.isEmpty()) {
            error(":load needs a file name");
            return;
        }
        Path p = session.resolvePath(arg);
        String text;
        try {
            text = Files.readString(p, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            error(":load: " + p + " does not exist");
            return;
        } catch (IOException e) {
            error(":load: cannot read " + p + ": " + e.getMessage());
            return;
        }
        if (evaluate(text, DslCompiler.className(p.getFileName().toString()) + "_" + (++counter))) {
            statements.add("// :load " + arg + "\n" + text.stripTrailing());
        }
    }

    void save(String arg) {
        if (arg.isEmpty()) {
            error(":save needs a file name, e.g. :save scripts/mine.groovy");
            return;
        }
        Path p = Path.of(arg).toAbsolutePath();
        StringBuilder b = new StringBuilder();
        b.append("// Saved from the fleetroll console on ").append(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
                .append("; run with: fleetroll run ").append(arg).append('\n');
        for (String s : statements) {
            b.append(s.stripTrailing()).append('\n');
        }
        try {
            if (p.getParent() != null) {
                Files.createDirectories(p.getParent());
            }
            Files.writeString(p, b.toString(), StandardCharsets.UTF_8);
            output.out().println("saved " + statements.size() + " statement" + (statements.size() == 1 ? "" : "s") + " to " + p);
        } catch (IOException e) {
            error(":save: cannot write " + p + ": " + e.getMessage());
        }
    }

    void vars() {
        PrintStream out = output.out();
        Map<String, Object> vars = new TreeMap<>();
        binding.getVariables().forEach((k, v) -> vars.put(String.valueOf(k), v));
        if (vars.isEmpty()) {
            out.println("no variables yet (x = hosts('...') or def x = ... keeps one)");
            return;
        }
        int w = vars.keySet().stream().mapToInt(String::length).max().orElse(1);
        vars.forEach((k, v) -> {
            String type = v == null ? "null" : v.getClass().getSimpleName();
            String shown = v == null ? "" : String.valueOf(v instanceof groovy.lang.Closure<?> ? "{ ... }" : v);
            shown = shown.lines().findFirst().orElse("");
            if (shown.length() > 70) {
                shown = shown.substring(0, 67) + "...";
            }
            out.printf("  %-" + w + "s  %-12s %s%n", k, type, shown);
        });
    }

    void history(String arg) {
        PrintStream out = output.out();
        int n = 20;
        if (!arg.isEmpty()) {
            try {
                n = Integer.parseInt(arg);
            } catch (NumberFormatException e) {
                error(":history takes a count, e.g. :history 50");
                return;
            }
        }
        History h = reader.getHistory();
        int from = Math.max(h.first(), h.last() - n + 1);
        for (int i = from; i <= h.last(); i++) {
            out.printf("%5d  %s%n", i + 1, h.get(i).replace("\n", "\n       "));
        }
    }
}
