package dev.fleetroll.console.cli;

import java.util.List;

/** Every subcommand, in the order {@code fleetroll --help} lists them. */
public final class Commands {
    private Commands() {}

    public static List<Command> all() {
        return List.of(
                new DemoCommand(),
                new HostsCommand(),
                new SandboxCommand());
    }
}
