package dev.fleetroll.sandbox;

/**
 * What the sandbox arranged on a host at {@code up}, by really running the host's {@code run-puppet.sh} (or not)
 * before and after placing its override. Together the scenarios exercise every verdict.
 */
public enum Scenario {
    /** No override; the last puppet run applied master. */
    CLEAN("clean", "no override; the last run applied master"),
    /** The override names a branch and the last run applied it. */
    OVERRIDE_APPLIED("override-applied", "override set; the last run applied it"),
    /** The override was placed after the last run (which applied master): not applied yet. */
    OVERRIDE_PENDING("override-pending", "override set after the last run; not applied yet"),
    /** The last run failed (exit 1): the host's fail-puppet fault is on. */
    FAILED_RUN("failed-run", "the last run failed (exit 1); later runs fail too until fixed"),
    /** Puppet never ran: no last_run_metadata.json (and no last_run_summary.yaml). */
    NO_METADATA("no-metadata", "puppet never ran: no run metadata"),
    /** No /etc/puppet_role; the last run recorded a null role. */
    NO_ROLE("no-role", "no role file; the last run had no role");

    private final String label;
    private final String description;

    Scenario(String label, String description) {
        this.label = label;
        this.description = description;
    }

    /** Lower-case name used in output: {@code override-pending}. */
    public String label() {
        return label;
    }

    public String description() {
        return description;
    }

    /** Whether the scenario needs an override (a host's plan may give other scenarios one too, except CLEAN). */
    public boolean requiresOverride() {
        return this == OVERRIDE_APPLIED || this == OVERRIDE_PENDING;
    }

    public static Scenario fromLabel(String label) {
        for (Scenario s : values()) {
            if (s.label.equals(label) || s.name().equalsIgnoreCase(label)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown scenario '" + label + "'");
    }
}
