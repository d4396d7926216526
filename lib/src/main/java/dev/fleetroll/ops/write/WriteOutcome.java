package dev.fleetroll.ops.write;

/** How a write ended on one host. */
public enum WriteOutcome {
    /** The file was written (or removed). */
    CHANGED("changed"),
    /** The file already had this content (mode and owner re-applied), or was already absent. */
    UNCHANGED("unchanged"),
    /** The host refused: a different override is there and force was off (or unset's sha guard differed). */
    BLOCKED("blocked"),
    /** The script failed, timed out or was cancelled; the target is the old or the new file, never a partial one. */
    FAILED("failed"),
    /** The command never ran: unreachable, authentication failed or host key mismatch (see the detail). */
    UNREACHABLE("unreachable");

    private final String label;

    WriteOutcome(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    public boolean ok() {
        return this == CHANGED || this == UNCHANGED;
    }

    @Override
    public String toString() {
        return label;
    }
}
