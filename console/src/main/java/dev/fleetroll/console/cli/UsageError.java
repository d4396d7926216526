package dev.fleetroll.console.cli;

import dev.fleetroll.UserError;

/** A command line that cannot be understood; printed with a hint to {@code --help}, exit status 2. */
public class UsageError extends UserError {
    public UsageError(String message) {
        super(message);
    }
}
