package dev.fleetroll.console.repl;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.BiPredicate;

/**
 * The console's {@code :commands}, each with everything about it in one place, in the manner of JLine's
 * {@code CommandRegistry}: name and aliases, usage and help (for {@code :help}), what its argument is (for
 * completion) and its action.
 */
enum ReplCommand {
    HELP(":help", List.of(":h"), ":help [verb]", "list verbs, or explain one", Argument.TOPIC, (r, arg) -> {
        r.help(arg);
        return true;
    }),
    LOAD(":load", List.of(), ":load FILE", "run a script file in this session (its variables stay)", Argument.FILE,
            (r, arg) -> {
                r.load(arg);
                return true;
            }),
    SAVE(":save", List.of(), ":save FILE", "write this session's successful statements as a runnable script",
            Argument.FILE, (r, arg) -> {
                r.save(arg);
                return true;
            }),
    VARS(":vars", List.of(), ":vars", "list the session's variables", Argument.NONE, (r, arg) -> {
        r.vars();
        return true;
    }),
    HISTORY(":history", List.of(), ":history [N]", "show the last N history lines", Argument.COUNT, (r, arg) -> {
        r.history(arg);
        return true;
    }),
    TRACE(":trace", List.of(), ":trace", "show the last error's stack trace", Argument.NONE, (r, arg) -> {
        r.trace();
        return true;
    }),
    EXIT(":exit", List.of(":quit", ":q"), ":exit", "leave the console (Ctrl-D too)", Argument.NONE, (r, arg) -> false);

    /** What a command's argument is, which decides how TAB completes it. */
    enum Argument { NONE, FILE, TOPIC, COUNT }

    private final String name;
    private final List<String> aliases;
    private final String usage;
    private final String summary;
    private final Argument argument;
    private final BiPredicate<Repl, String> action;

    ReplCommand(String name, List<String> aliases, String usage, String summary, Argument argument,
                BiPredicate<Repl, String> action) {
        this.name = name;
        this.aliases = aliases;
        this.usage = usage;
        this.summary = summary;
        this.argument = argument;
        this.action = action;
    }

    String commandName() {
        return name;
    }

    String usage() {
        return usage;
    }

    String summary() {
        return summary;
    }

    Argument argument() {
        return argument;
    }

    /** Runs the command in {@code repl} with {@code arg} (stripped, may be empty); false means leave the console. */
    boolean run(Repl repl, String arg) {
        return action.test(repl, arg);
    }

    /** The command called {@code word} (its name or an alias). */
    static Optional<ReplCommand> find(String word) {
        return Arrays.stream(values()).filter(c -> c.name.equals(word) || c.aliases.contains(word)).findFirst();
    }

    /** Every command's name (no aliases), in {@code :help} order. */
    static List<String> names() {
        return Arrays.stream(values()).map(c -> c.name).toList();
    }
}
