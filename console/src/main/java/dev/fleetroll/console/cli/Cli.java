package dev.fleetroll.console.cli;

import dev.fleetroll.RemoteServiceException;

import dev.fleetroll.store.StoreException;
import dev.fleetroll.UserError;
import dev.fleetroll.Version;
import dev.fleetroll.config.Workspace;
import dev.fleetroll.util.EditDistance;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.MissingArgumentException;
import org.apache.commons.cli.MissingOptionException;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.apache.commons.cli.UnrecognizedOptionException;

/**
 * The {@code fleetroll} command line: global options, subcommand dispatch, help, and the one place where
 * exceptions become one-line messages and exit codes.
 */
public final class Cli {
    public static final int OK = 0;
    public static final int FAILED = 1;
    public static final int USAGE = 2;
    public static final int INTERNAL = 70;
    public static final int INTERRUPTED = 130;

    private final Map<String, Command> commands = new LinkedHashMap<>();
    private final Map<String, Command> byName = new LinkedHashMap<>();

    public Cli(List<Command> commands) {
        for (Command c : commands) {
            this.commands.put(c.name(), c);
            byName.put(c.name(), c);
            c.aliases().forEach(a -> byName.put(a, c));
        }
    }

    static Options globalOptions() {
        Options o = new Options();
        o.addOption(Option.builder("h").longOpt("help").desc("show this help, or a command's help with CMD --help").get());
        o.addOption(Option.builder("V").longOpt("version").desc("print the version and exit").get());
        o.addOption(Option.builder("d").longOpt("debug").desc("log debug detail to stderr and show stack traces").get());
        o.addOption(Option.builder("e").longOpt("expression").hasArg().argName("EXPR")
                .desc("evaluate a DSL expression or statements and print the result, e.g. -e \"hosts('sandbox').show()\"").get());
        return o;
    }

    /**
     * Whether {@code -d}/{@code --debug} is among fleetroll's own arguments: those before a {@code --}, after which
     * the words belong to a script ({@code fleetroll run x.groovy -- -d} is the script's {@code -d}).
     */
    public static boolean debugRequested(String[] args) {
        for (String a : args) {
            if (a.equals("--")) {
                return false;
            }
            if (a.equals("-d") || a.equals("--debug")) {
                return true;
            }
        }
        return false;
    }

    /** Runs with the process's streams and environment. */
    public int run(String[] args) {
        boolean debug = debugRequested(args);
        CliContext ctx = new CliContext(System.in, System.out, System.err, System.getenv(),
                Tty.isTerminal(0), Tty.isTerminal(1), Tty.isTerminal(2), debug,
                () -> Workspace.fromEnvironment(System.getenv()));
        return run(args, ctx);
    }

    public int run(String[] args, CliContext ctx) {
        try {
            return dispatch(args, ctx);
        } catch (UsageError e) {
            ctx.err().println("fleetroll: " + e.getMessage());
            return USAGE;
        } catch (UserError e) {
            ctx.err().println("fleetroll: " + e.getMessage());
            if (ctx.debug()) {
                e.printStackTrace(ctx.err());
            }
            return USAGE;
        } catch (RemoteServiceException e) {
            // Taskcluster or GitHub, after retries: one line naming the request, exit 1
            ctx.err().println("fleetroll: " + e.getMessage());
            if (ctx.debug()) {
                e.printStackTrace(ctx.err());
            }
            return FAILED;
        } catch (StoreException e) {
            // the disk, not the operator or fleetroll: one line naming the store and the cause, exit 1
            ctx.err().println("fleetroll: " + e.getMessage());
            if (ctx.debug()) {
                e.printStackTrace(ctx.err());
            }
            return FAILED;
        } catch (InterruptedException e) {
            ctx.err().println("fleetroll: interrupted");
            return INTERRUPTED;
        } catch (Throwable e) {
            return internalError(e, ctx);
        }
    }

    private int dispatch(String[] args, CliContext ctx) throws Exception {
        CommandLine global;
        try {
            // quotes inside -e belong to the Groovy code: do not strip them
            global = DefaultParser.builder().setStripLeadingAndTrailingQuotes(false).get().parse(globalOptions(), args, true);
        } catch (UnrecognizedOptionException e) {
            throw new UsageError("unknown option '" + e.getOption() + "' (see 'fleetroll --help')");
        }
        List<String> rest = global.getArgList();
        if (global.hasOption("version")) {
            ctx.out().println("fleetroll " + Version.get());
            return OK;
        }
        if (global.hasOption("expression")) {
            if (!rest.isEmpty()) {
                throw new UsageError("-e takes the whole expression; quote it (unexpected '" + rest.get(0) + "')");
            }
            return Scripting.expression(global.getOptionValue("expression"), ctx);
        }
        if (rest.isEmpty() && global.hasOption("help")) {
            printMainHelp(ctx.out());
            return OK;
        }
        if (rest.isEmpty()) {
            // no command: the console on a terminal, else statements from stdin (cron, pipes)
            return ctx.stdinIsTerminal() ? Scripting.console(ctx) : Scripting.stdin(ctx);
        }
        String name = rest.get(0);
        if (name.equals("help")) {
            if (rest.size() > 1) {
                printCommandHelp(find(rest.get(1)), ctx.out());
            } else {
                printMainHelp(ctx.out());
            }
            return OK;
        }
        if (name.startsWith("-")) {
            throw new UsageError("unknown option '" + name + "' (see 'fleetroll --help')");
        }
        Command command = find(name);
        String[] commandArgs = rest.subList(1, rest.size()).toArray(String[]::new);
        List<String> ownArgs = Arrays.asList(commandArgs);
        if (ownArgs.contains("--")) {
            ownArgs = ownArgs.subList(0, ownArgs.indexOf("--")); // what follows "--" belongs to a script
        }
        if (global.hasOption("help") || ownArgs.contains("--help") || ownArgs.contains("-h")) {
            printCommandHelp(command, ctx.out());
            return OK;
        }
        CommandLine line;
        try {
            line = DefaultParser.builder().get().parse(command.options(), commandArgs);
        } catch (UnrecognizedOptionException e) {
            throw new UsageError(command.name() + ": unknown option '" + e.getOption() + "' (see 'fleetroll " + command.name() + " --help')");
        } catch (MissingArgumentException e) {
            throw new UsageError(command.name() + ": option '" + optionName(e.getOption()) + "' needs a value (see 'fleetroll "
                    + command.name() + " --help')");
        } catch (MissingOptionException e) {
            throw new UsageError(command.name() + ": missing required option " + e.getMissingOptions()
                    + " (see 'fleetroll " + command.name() + " --help')");
        } catch (ParseException e) {
            throw new UsageError(command.name() + ": " + e.getMessage() + " (see 'fleetroll " + command.name() + " --help')");
        }
        return command.run(line, ctx);
    }

    private static String optionName(Option o) {
        return o.getLongOpt() != null ? "--" + o.getLongOpt() : "-" + o.getOpt();
    }

    private Command find(String name) {
        Command c = byName.get(name);
        if (c == null) {
            String near = EditDistance.closest(name, byName.keySet());
            throw new UsageError("unknown command '" + name + "'" + (near == null ? "" : " (did you mean '" + near + "'?)")
                    + "; see 'fleetroll --help'");
        }
        return c;
    }

    void printMainHelp(PrintStream out) {
        out.println("usage: fleetroll [-d] COMMAND [options] [args]");
        out.println("       fleetroll                 (the console; statements from stdin when it is not a terminal)");
        out.println("       fleetroll -e 'EXPR'       (evaluate DSL statements and print the result)");
        out.println();
        out.println("fleetroll " + Version.get() + " - audit, change and roll out Puppet-managed host fleets.");
        out.println();
        out.println("Commands:");
        int width = commands.keySet().stream().mapToInt(String::length).max().orElse(10);
        for (Command c : commands.values()) {
            out.printf("  %-" + width + "s  %s%n", c.name(), c.summary());
        }
        out.println();
        out.println("Global options:");
        out.print(formatOptions(globalOptions()));
        out.println();
        out.println("Environment: FLEETROLL_HOME (state, default ~/.fleetroll), FLEETROLL_PROJECT (checkout with configs/),");
        out.println("FLEETROLL_ACTOR (name in the audit log), NO_COLOR.");
        out.println("Exit status: 0 ok, 1 some host or check failed, 2 usage error, 130 interrupted; 70 internal error"
                + " (the one-line message names the file with the details).");
        out.println("Run 'fleetroll COMMAND --help' for a command's options.");
    }

    void printCommandHelp(Command c, PrintStream out) {
        String args = c.arguments().isEmpty() ? "" : " " + c.arguments();
        String opts = c.options().getOptions().isEmpty() ? "" : " [options]";
        out.println("usage: fleetroll " + c.name() + opts + args);
        if (!c.aliases().isEmpty()) {
            out.println("aliases: " + String.join(", ", c.aliases()));
        }
        out.println();
        out.println(c.description().strip());
        Options o = c.options();
        if (!o.getOptions().isEmpty()) {
            out.println();
            out.println("Options:");
            out.print(formatOptions(o));
        }
    }

    /** Two-column option list: {@code -c, --count N   text}, wrapped to 100 columns. */
    static String formatOptions(Options options) {
        List<String[]> rows = new ArrayList<>();
        for (Option o : options.getOptions()) {
            StringBuilder left = new StringBuilder("  ");
            left.append(o.getOpt() != null ? "-" + o.getOpt() + (o.getLongOpt() != null ? ", " : "") : "    ");
            if (o.getLongOpt() != null) {
                left.append("--").append(o.getLongOpt());
            }
            if (o.hasArg()) {
                left.append(' ').append(o.getArgName() != null ? o.getArgName() : "VALUE");
            }
            rows.add(new String[] {left.toString(), o.getDescription() == null ? "" : o.getDescription()});
        }
        int width = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0) + 2;
        StringBuilder out = new StringBuilder();
        for (String[] r : rows) {
            List<String> lines = wrap(r[1], Math.max(30, 100 - width));
            for (int i = 0; i < lines.size(); i++) {
                out.append(String.format("%-" + width + "s%s%n", i == 0 ? r[0] : "", lines.get(i)));
            }
        }
        return out.toString();
    }

    private static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        for (String word : text.split(" ")) {
            if (!cur.isEmpty() && cur.length() + 1 + word.length() > width) {
                lines.add(cur.toString());
                cur.setLength(0);
            }
            if (!cur.isEmpty()) {
                cur.append(' ');
            }
            cur.append(word);
        }
        lines.add(cur.toString());
        return lines;
    }

    private static int internalError(Throwable e, CliContext ctx) {
        Path log = null;
        try {
            Path dir = ctx.workspace().home().logs();
            Files.createDirectories(dir);
            log = dir.resolve("last-error.log");
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            Files.writeString(log, Instant.now() + "\n" + trace);
        } catch (Throwable ignored) {
            // best effort: the message below still reaches the operator
        }
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getClass().getSimpleName() + ": " + e.getMessage();
        ctx.err().println("fleetroll: internal error: " + msg.lines().findFirst().orElse("")
                + (log != null ? " (stack trace in " + log + ")" : ""));
        if (ctx.debug()) {
            e.printStackTrace(ctx.err());
        }
        return INTERNAL;
    }

    /** Commands in registration order (for completion and docs). */
    public List<Command> commands() {
        return new ArrayList<>(commands.values());
    }

    /** Reads everything from {@code in} (for commands that accept a script on stdin). */
    public static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    }
}
