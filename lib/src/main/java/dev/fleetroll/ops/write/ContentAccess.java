package dev.fleetroll.ops.write;

import dev.fleetroll.remote.ManagedFile;
import java.util.Optional;

/**
 * What writes need from the local content stores ({@code $FLEETROLL_HOME/overrides}, {@code vault_yamls}): old
 * override content for plan diffs, a place to keep what was pushed (vault copies mode 0600), and humanhashes.
 */
public interface ContentAccess {

    /** Stored content by full sha256, if present. */
    Optional<byte[]> find(ManagedFile kind, String sha256);

    /** Stores pushed content (idempotent). */
    void store(ManagedFile kind, byte[] content);

    /** The two-word humanhash of a sha256 hex digest. */
    String humanhash(String sha256);
}
