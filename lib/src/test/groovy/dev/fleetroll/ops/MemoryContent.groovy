package dev.fleetroll.ops

import dev.fleetroll.ops.write.ContentAccess;
import dev.fleetroll.remote.ManagedFile

/** In-memory content store for specs; humanhash stand-in is "hh-" plus the first 6 hex digits. */
class MemoryContent implements ContentAccess {
    final Map<String, byte[]> overrides = [:]
    final Map<String, byte[]> vaults = [:]

    @Override
    Optional<byte[]> find(ManagedFile kind, String sha256) {
        Optional.ofNullable((kind == ManagedFile.VAULT ? vaults : overrides)[sha256])
    }

    @Override
    void store(ManagedFile kind, byte[] content) {
        (kind == ManagedFile.VAULT ? vaults : overrides)[LocalFleet.sha(content)] = content
    }

    @Override
    String humanhash(String sha256) {
        'hh-' + sha256.substring(0, 6)
    }
}
