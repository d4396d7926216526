package dev.fleetroll.console.dsl;

/** {@code exit(n)} in a script: stop now with status {@code n}. */
public class DslExit extends RuntimeException {
    private final int status;

    public DslExit(int status) {
        super("exit " + status, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
