package dev.fleetroll.console.dsl;

/** The running statement was cancelled (Ctrl-C, a timeout): the verb stops and nothing after it runs. */
public class DslCancelled extends RuntimeException {
    public DslCancelled(String message) {
        super(message);
    }
}
