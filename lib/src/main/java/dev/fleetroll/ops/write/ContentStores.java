package dev.fleetroll.ops.write;

import dev.fleetroll.config.FleetrollHome;
import dev.fleetroll.content.ContentStore;
import dev.fleetroll.remote.ManagedFile;
import java.util.Objects;

/**
 * The two local content stores, one per {@link ManagedFile}: {@code $FLEETROLL_HOME/overrides} and
 * {@code vault_yamls}. {@link #of(ManagedFile)} is the one place a managed file is mapped to its store.
 */
public record ContentStores(ContentStore overrides, ContentStore vaults) {
    public ContentStores {
        Objects.requireNonNull(overrides, "overrides");
        Objects.requireNonNull(vaults, "vaults");
    }

    /** The stores under {@code home}. */
    public static ContentStores of(FleetrollHome home) {
        return new ContentStores(ContentStore.overrides(home), ContentStore.vault(home));
    }

    /** Where {@code kind}'s files are kept. */
    public ContentStore of(ManagedFile kind) {
        return switch (kind) {
            case OVERRIDE -> overrides;
            case VAULT -> vaults;
        };
    }
}
