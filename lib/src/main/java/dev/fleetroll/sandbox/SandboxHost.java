package dev.fleetroll.sandbox;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;

/**
 * What the sandbox put on one host, for tests and rehearsals to assert against.
 *
 * @param name short host name ({@code t-linux64-ms-001}), also its hostname and its host-list entry
 * @param fqdn {@code name.sandbox.test}, the name the sandbox host list and ssh_config use
 * @param address the loopback address its sshd listens on (port 22)
 * @param role contents of {@code /etc/puppet_role}; null when the host has no role file
 * @param overrideBranch the branch its override names; null when it has no override
 * @param override the override file's content; null when none
 * @param vault the vault.yaml content; null when none
 * @param uptimeSeconds the uptime the host had when the sandbox came up
 * @param hostKey the host's public key as it was at {@code up} ({@code ssh-ed25519 AAAA...})
 * @param metadata {@code last_run_metadata.json} exactly as the host's first-boot puppet run wrote it; null when the
 *     scenario has none
 */
public record SandboxHost(
        int index,
        String name,
        String fqdn,
        String address,
        HostOs os,
        Scenario scenario,
        String role,
        String overrideBranch,
        String override,
        String vault,
        long uptimeSeconds,
        String hostKey,
        String metadata) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public Duration uptime() {
        return Duration.ofSeconds(uptimeSeconds);
    }

    public String overridePath() {
        return os.overridePath();
    }

    public String vaultPath() {
        return os.vaultPath();
    }

    public String metadataPath() {
        return os.metadataPath();
    }

    /** The metadata's fields (JSON nulls are Java nulls); null when the host has no metadata. */
    public Map<String, Object> metadataValues() {
        if (metadata == null) {
            return null;
        }
        try {
            return JSON.readValue(metadata, new TypeReference<>() {});
        } catch (IOException e) {
            throw new UncheckedIOException("metadata of " + name + " is not JSON", e);
        }
    }

    SandboxHost withMetadata(String m) {
        return new SandboxHost(index, name, fqdn, address, os, scenario, role, overrideBranch, override, vault,
                uptimeSeconds, hostKey, m);
    }

    @Override
    public String toString() {
        return fqdn;
    }
}
