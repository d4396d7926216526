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
                              Github github, Freshness freshness, Maintain maintain, Reboot reboot) {

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

    /**
     * @param retention observations kept per host on every save (plus the newest OK one and the first failure after it)
     * @param keepDays {@code fleetroll maintain} deletes observations older than this many days (with the same
     *     exceptions, and a host's newest observation); 0 keeps them whatever their age
     */
    public record Store(int retention, int keepDays) {
        public Store {
            if (keepDays < 0) {
                throw new IllegalArgumentException("store.keep_days must be 0 (keep) or more, not " + keepDays);
            }
        }

        /** Retention only; observations are never pruned by age. */
        public Store(int retention) {
            this(retention, 0);
        }
    }

    /**
     * Limits of {@code fleetroll data-freshness} (the gate cron scripts run before acting on stored data).
     *
     * @param maxAuditAge a host's latest audit (successful or not) must be younger than this
     * @param maxTcAge a host's Taskcluster record ({@code gather-tc}) must be younger than this
     * @param maxGhAge the head of each branch the hosts follow ({@code gather-gh}) must be younger than this
     * @param minFreshPct the share of hosts (percent) whose audit and Taskcluster data must be fresh
     * @param parts which parts are checked: {@code audit}, {@code tc}, {@code gh}
     */
    public record Freshness(Duration maxAuditAge, Duration maxTcAge, Duration maxGhAge, int minFreshPct, List<String> parts) {
        public Freshness {
            if (minFreshPct < 0 || minFreshPct > 100) {
                throw new IllegalArgumentException("freshness.min_fresh_pct must be 0..100, not " + minFreshPct);
            }
            parts = parts == null ? List.of() : List.copyOf(parts);
            for (String p : parts) {
                if (!List.of("audit", "tc", "gh").contains(p)) {
                    throw new IllegalArgumentException("freshness.parts: unknown part '" + p + "' (audit, tc, gh)");
                }
            }
        }
    }

    /**
     * {@code fleetroll maintain}.
     *
     * @param largeMb {@code audit.jsonl} is rotated once it is at least this big (MiB); the monitor suggests
     *     {@code fleetroll maintain} when it or the store is
     */
    public record Maintain(int largeMb) {
        public Maintain {
            if (largeMb < 1) {
                throw new IllegalArgumentException("maintain.large_mb must be at least 1, not " + largeMb);
            }
        }

        public long largeBytes() {
            return largeMb * 1024L * 1024L;
        }
    }

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

    /**
     * Coordinated reboots ({@code fleetroll reboot}, {@code reboot-slots}, {@code fleetlock serve}); see
     * {@link dev.fleetroll.reboot.RebootGroups}.
     *
     * @param slots hosts of one group rebooting at once, unless the group says otherwise
     * @param deadline how long a host has to go down and come back after one rung of the ladder
     * @param pollEvery how often a rebooting host is audited to see whether it came back
     * @param groups name to group: the first whose {@code match} (a regex on the whole host name) matches holds the
     *     host; the others are in {@code default}
     */
    public record Reboot(int slots, Duration deadline, Duration pollEvery, Map<String, RebootGroup> groups) {
        public Reboot {
            if (slots < 1) {
                throw new IllegalArgumentException("reboot.slots must be at least 1, not " + slots);
            }
            if (deadline == null || deadline.isZero() || deadline.isNegative()) {
                throw new IllegalArgumentException("reboot.deadline must be a positive duration");
            }
            if (pollEvery == null || pollEvery.isZero() || pollEvery.isNegative()) {
                throw new IllegalArgumentException("reboot.poll_every must be a positive duration");
            }
            groups = groups == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(groups));
        }
    }

    /** A reboot group: which hosts ({@code match}, a regex on the whole name; null: none by name) and its slots (null: {@code reboot.slots}). */
    public record RebootGroup(String match, Integer slots) {}
}
