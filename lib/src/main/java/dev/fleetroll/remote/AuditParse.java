package dev.fleetroll.remote;

import dev.fleetroll.content.ContentStore;
import dev.fleetroll.state.Observation;
import java.util.Set;

/**
 * One parsed audit: the observation, plus file contents kept apart from it (contents never go into an
 * observation, the store or the log).
 *
 * @param observation what the host reported, or why it could not be asked
 * @param overrideContent the override file's bytes as on the host; null when absent, not reported, or unchanged
 *                        since the known audit (its content is in the content store already)
 * @param vaultContent the vault file's bytes (a secret); null unless the script fetched it and the file exists
 * @param reused what the host reported unchanged, so that facts came from the known observation (see
 *               {@link AuditKnown}); empty for a full audit
 */
public record AuditParse(Observation observation, byte[] overrideContent, byte[] vaultContent, Set<Reused> reused) {

    /** What an audit can take from the known observation instead of reading it again on the host. */
    public enum Reused {
        /** {@code uname} was not run: the known OS holds in the resident shell that saw it. */
        OS,
        /** {@code sysctl} was not run (macOS): the known boot time holds in the resident shell that saw it. */
        BOOT,
        /** The override's stat line was unchanged: known sha256 and settings, no content sent. */
        OVERRIDE,
        /** The vault's stat line was unchanged: known sha256. */
        VAULT,
        /** The run record's stat line was unchanged: known Puppet run. */
        PUPPET
    }

    public AuditParse {
        reused = reused == null ? Set.of() : Set.copyOf(reused);
    }

    /** A parse that reused nothing. */
    public AuditParse(Observation observation, byte[] overrideContent, byte[] vaultContent) {
        this(observation, overrideContent, vaultContent, Set.of());
    }

    /**
     * Puts the contents into their content stores (idempotent), so they can be shown by sha or humanhash later.
     * Either store may be null to skip that kind.
     */
    public void storeContents(ContentStore overrides, ContentStore vault) {
        if (overrides != null && overrideContent != null) {
            overrides.put(overrideContent);
        }
        if (vault != null && vaultContent != null) {
            vault.put(vaultContent);
        }
    }

    @Override
    public String toString() {
        // never print content: the vault is secret and the override is noise
        return "AuditParse[" + observation + ", override " + (overrideContent == null ? "-" : overrideContent.length + " bytes")
                + ", vault " + (vaultContent == null ? "-" : vaultContent.length + " bytes") + ", reused " + reused + "]";
    }
}
