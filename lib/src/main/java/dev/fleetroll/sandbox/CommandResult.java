package dev.fleetroll.sandbox;

/** What a local command (plain OpenSSH, nsenter, git) printed and how it exited. */
public record CommandResult(int exitCode, String stdout, String stderr) {
    public boolean ok() {
        return exitCode == 0;
    }

    /** stdout without the trailing newline. */
    public String out() {
        return stdout.stripTrailing();
    }
}
