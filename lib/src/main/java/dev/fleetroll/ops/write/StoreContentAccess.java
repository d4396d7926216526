package dev.fleetroll.ops.write;

import dev.fleetroll.content.ContentStore;
import dev.fleetroll.content.Humanhash;
import dev.fleetroll.remote.ManagedFile;
import java.util.Objects;
import java.util.Optional;

/**
 * {@link ContentAccess} over the two local {@link ContentStores} (vaults: directory 0700, files 0600 —
 * {@link ContentStore} enforces the modes).
 */
public final class StoreContentAccess implements ContentAccess {
    private final ContentStores stores;

    public StoreContentAccess(ContentStores stores) {
        this.stores = Objects.requireNonNull(stores, "stores");
    }

    private ContentStore of(ManagedFile kind) {
        return stores.of(kind);
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
