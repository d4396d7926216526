package dev.fleetroll.remote;

import dev.fleetroll.content.ContentStore;
import dev.fleetroll.state.Observation;

/**
 * One parsed audit: the observation, plus file contents kept apart from it (contents never go into an
 * observation, the store or the log).
 *
 * @param observation what the host reported, or why it could not be asked
 * @param overrideContent the override file's bytes as on the host; null when absent or not reported
 * @param vaultContent the vault file's bytes (a secret); null unless the script fetched it and the file exists
 */
public record AuditParse(Observation observation, byte[] overrideContent, byte[] vaultContent) {

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
                + ", vault " + (vaultContent == null ? "-" : vaultContent.length + " bytes") + "]";
    }
}
