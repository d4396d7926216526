package dev.fleetroll.ops;

import dev.fleetroll.UserError;

/** A write refused by the safety policy (fail closed): nothing was written; the refusal is in the audit log. */
public class WriteRefused extends UserError {
    public WriteRefused(String message) {
        super(message);
    }
}
