package dev.fleetroll.console;

import dev.fleetroll.console.cli.Cli;
import dev.fleetroll.console.cli.Commands;

/** Process entry point. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        Logging.configure(args);
        int status = args.length == 1 && (args[0].equals(Training.DSL) || args[0].equals(Training.PLAIN))
                ? Training.run(args[0]) : new Cli(Commands.all()).run(args);
        System.out.flush();
        System.err.flush();
        System.exit(status);
    }
}
