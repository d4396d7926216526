package dev.fleetroll.console.dsl;

/** A script gave up on purpose ({@code fail('reason')}, {@code results.orFail()}): exit status 1, one line. */
public class DslFailure extends RuntimeException {
    public DslFailure(String message) {
        super(message);
    }
}
