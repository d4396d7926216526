package dev.fleetroll.config;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merged configuration. Field names are the YAML keys in snake_case ({@code handshake_concurrency}).
 * Defaults live in {@code defaults.yaml}; see {@link ConfigLoader} for the layering.
 */
public record FleetrollConfig(Inventory inventory, Ssh ssh, Store store, Writes writes, Taskcluster taskcluster,
                              Github github) {

    /**
     * @param expansions named short-name rules, tried in file order; a map so that layers add rules instead of
     *     replacing the operator's (the sandbox's drop-in adds its own)
     */
    public record Inventory(List<String> hostListDirs, Map<String, Expansion> expansions, String defaultDomain) {
        public Inventory {
            hostListDirs = hostListDirs == null ? List.of() : List.copyOf(hostListDirs);
            expansions = expansions == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(expansions));
        }
    }

    /** A short-name rule: a regex matched against the whole name and its replacement. */
    public record Expansion(String match, String replace) {}

    public record Ssh(
            String configFile,
            int fanout,
            int handshakeConcurrency,
            Duration connectTimeout,
            Duration commandTimeout,
            Duration batchDeadline,
            int connectRetries,
            Duration retryBackoff,
            String strictHostKeyChecking,
            Duration keepaliveInterval,
            Duration idleClose,
            long outputCapBytes) {}

    public record Store(int retention) {}

    /**
     * Defaults for override and vault writes (each overridable per call).
     *
     * @param backupsKept backups of a replaced or removed file kept per host (older ones are pruned), at least 1
     * @param group a group name, or {@code auto}: wheel on macOS, root elsewhere
     */
    public record Writes(int backupsKept, String overrideMode, String vaultMode, String owner, String group) {
        public Writes {
            if (backupsKept < 1) {
                throw new IllegalArgumentException("writes.backups_kept must be at least 1, not " + backupsKept);
            }
        }
    }

    /**
     * Where Taskcluster is and how hosts map to its worker pools.
     *
     * @param rootUrl the deployment's root URL
     * @param provisioner the provisioner of a role whose pool names only a worker type
     * @param credentialsFile a JSON file {@code {clientId, accessToken}} used when neither
     *     {@code $TASKCLUSTER_CLIENT_ID}/{@code $TASKCLUSTER_ACCESS_TOKEN} nor {@code $TC_TOKEN} is set; null: none
     * @param roles Puppet role to worker type ({@code workerType}, {@code provisioner/workerType}, or {@code auto}:
     *     the role with {@code _} turned into {@code -})
     * @param activeWithin a worker active longer ago than this is not {@code tcActive} (nor healthy)
     * @param concurrency pools listed at once
     * @param requestTimeout one HTTP request
     * @param attempts tries per request on 5xx answers, timeouts and connection errors
     */
    public record Taskcluster(String rootUrl, String provisioner, String credentialsFile, Map<String, String> roles,
                              Duration activeWithin, int concurrency, Duration requestTimeout, int attempts) {
        public Taskcluster {
            roles = roles == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(roles));
        }
    }

    /**
     * Where the expected Puppet shas come from.
     *
     * @param apiUrl the GitHub REST API base URL
     * @param tokenFile a file holding a token (raises the rate limit, reads private repositories); {@code $GITHUB_TOKEN}
     *     wins; null: none
     * @param defaultBranch {@code owner/repo:branch} followed by hosts without an override
     * @param refreshEvery a repository fetched more recently than this is not fetched again unless forced
     * @param requestTimeout one HTTP request
     * @param attempts tries per request on 5xx answers, timeouts and connection errors
     */
    public record Github(String apiUrl, String tokenFile, String defaultBranch, Duration refreshEvery,
                         Duration requestTimeout, int attempts) {}
}
