package dev.fleetroll.console.cli;

import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

/**
 * One CLI subcommand. Implementations are thin: parse options, call one {@code lib} operation, format the result.
 *
 * <p>Exit status conventions: 0 success, 1 some host or check failed, 2 usage error (throw
 * {@link dev.fleetroll.UserError} or {@link UsageError}), 130 interrupted.
 */
public interface Command {

    /** The subcommand name, e.g. {@code gather-host}. */
    String name();

    /** Other accepted names, e.g. {@code host-audit}. */
    default List<String> aliases() {
        return List.of();
    }

    /** One line for the command list in {@code fleetroll --help}. */
    String summary();

    /** Argument synopsis after the options, e.g. {@code HOST_OR_LIST...}. */
    default String arguments() {
        return "";
    }

    /** A paragraph or two for {@code fleetroll CMD --help}: what it does, examples, exit status. */
    default String description() {
        return summary();
    }

    /** Options accepted by this command ({@code -h/--help} is added by the dispatcher). */
    default Options options() {
        return new Options();
    }

    /** Runs the command and returns the exit status. */
    int run(CommandLine line, CliContext ctx) throws Exception;
}
