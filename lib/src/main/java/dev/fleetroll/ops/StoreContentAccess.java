package dev.fleetroll.ops;

import dev.fleetroll.content.ContentStore;
import dev.fleetroll.content.Humanhash;
import dev.fleetroll.remote.ManagedFile;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link ContentAccess} over the two local content stores: {@code $FLEETROLL_HOME/overrides} and
 * {@code vault_yamls} (directory 0700, files 0600 — {@link ContentStore} enforces the modes).
 */
public final class StoreContentAccess implements ContentAccess {
    private final ContentStore overrides;
    private final ContentStore vaults;

    public StoreContentAccess(ContentStore overrides, ContentStore vaults) {
        this.overrides = Objects.requireNonNull(overrides, "overrides");
        this.vaults = Objects.requireNonNull(vaults, "vaults");
    }

    private ContentStore of(ManagedFile kind) {
        return kind == ManagedFile.VAULT ? vaults : overrides;
    }

    @Override
    public Optional<byte[]> find(ManagedFile kind, String sha256) {
        return of(kind).content(sha256);
    }

    @Override
    public void store(ManagedFile kind, byte[] content) {
        of(kind).put(content);
    }

    @Override
    public String humanhash(String sha256) {
        return Humanhash.of(sha256);
    }
}
