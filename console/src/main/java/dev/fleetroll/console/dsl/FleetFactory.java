package dev.fleetroll.console.dsl;

import dev.fleetroll.UserError;
import dev.fleetroll.config.Workspace;
import dev.fleetroll.ops.DefaultFleet;
import dev.fleetroll.ops.Fleet;

/**
 * Opens the engine for a session. The console calls it lazily, on the first verb that needs the store or the
 * network, so start-up and TAB completion never touch either.
 *
 * <p>The system property {@code fleetroll.fleetFactory} names a class with a public no-argument constructor to use
 * instead (specs drive the REPL in a terminal against an in-test fleet this way).
 */
@FunctionalInterface
public interface FleetFactory {
    String PROPERTY = "fleetroll.fleetFactory";

    Fleet open(Workspace workspace);

    /** The factory the process should use: the one named by {@link #PROPERTY}, else the engine's. */
    static FleetFactory fromSystem() {
        String name = System.getProperty(PROPERTY);
        if (name == null || name.isBlank()) {
            return FleetFactory::openEngine;
        }
        try {
            return (FleetFactory) Class.forName(name).getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | ClassCastException e) {
            throw new UserError("-D" + PROPERTY + "=" + name + ": not a usable FleetFactory (" + e + ")");
        }
    }

    /** The real engine: the store and content stores now, the SSH engine on the first network verb. */
    static Fleet openEngine(Workspace workspace) {
        return DefaultFleet.open(workspace);
    }
}
