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
                              Github github, Freshness freshness, Maintain maintain, Bmc bmc, Pdu pdu, Bugs bugs,
                              Server server, Reboot reboot) {

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
     * @param url null (or empty) for the embedded SQLite store in {@code $FLEETROLL_HOME}; {@code
     *     postgres://USER@HOST:PORT/DATABASE} for a shared PostgreSQL store
     * @param passwordFile the PostgreSQL password's file (its first line), or null: then {@code $PGPASSWORD}, then the
     *     driver's {@code ~/.pgpass}
     */
    public record Store(int retention, int keepDays, String url, String passwordFile) {
        public Store {
            if (keepDays < 0) {
                throw new IllegalArgumentException("store.keep_days must be 0 (keep) or more, not " + keepDays);
            }
            url = url == null || url.isBlank() ? null : url.strip();
            passwordFile = passwordFile == null || passwordFile.isBlank() ? null : passwordFile.strip();
        }

        /** The embedded SQLite store with these limits. */
        public Store(int retention, int keepDays) {
            this(retention, keepDays, null, null);
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
     * Where a host's BMC is and how to log in to it over IPMI ({@code ipmitool -I lanplus}), for the reboot ladder's
     * {@code ipmi-reset} and {@code ipmi-cycle} rungs. A host without an entry has no BMC (those rungs do not apply).
     *
     * @param user the BMC user of entries that name none
     * @param port the BMC's UDP port of entries that name none (623)
     * @param credentialsFile a YAML file (mode 0600) whose {@code ipmi_password} is the BMC password; never printed
     * @param timeout ipmitool's timeout per try ({@code -N}); {@code retries} tries more ({@code -R})
     * @param hosts name to entry: a key without {@code match} is a host's FQDN; one with {@code match} is a rule whose
     *     regex, matched against a whole FQDN, gives the address by replacement ({@code $1-mgmt.example.com})
     */
    public record Bmc(String user, int port, String credentialsFile, Duration timeout, int retries,
                      Map<String, BmcHost> hosts) {
        public Bmc {
            hosts = hosts == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(hosts));
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("bmc.port must be 1..65535, not " + port);
            }
            if (retries < 0) {
                throw new IllegalArgumentException("bmc.retries must be 0 or more, not " + retries);
            }
        }
    }

    /** One {@code bmc.hosts} entry; null port and user take the section's. */
    public record BmcHost(String match, String address, Integer port, String user) {}

    /**
     * Switched PDUs driven over SNMP v2c ({@code snmpset}) for the reboot ladder's {@code pdu-cycle} rung: a host's
     * outlet is set to {@code reboot_value} in the outlet control table {@code outlet_oid} (APC PowerNet
     * sPDUOutletCtl by default: 1 on, 2 off, 3 reboot).
     *
     * @param credentialsFile a YAML file (mode 0600) whose {@code snmp_community} is the write community; never printed
     * @param hosts a host's FQDN to its PDU address, port and outlet number
     */
    public record Pdu(int port, String credentialsFile, String outletOid, int rebootValue, Duration timeout, int retries,
                      Map<String, PduOutlet> hosts) {
        public Pdu {
            hosts = hosts == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(hosts));
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("pdu.port must be 1..65535, not " + port);
            }
            if (outletOid == null || !outletOid.matches("(\\.\\d+)+")) {
                throw new IllegalArgumentException("pdu.outlet_oid must be a numeric OID such as .1.3.6.1.4.1.318.1.1.4.4.2.1.3,"
                        + " not " + outletOid);
            }
            if (retries < 0) {
                throw new IllegalArgumentException("pdu.retries must be 0 or more, not " + retries);
            }
        }
    }

    /** One {@code pdu.hosts} entry; a null port takes the section's. */
    public record PduOutlet(String address, Integer port, int outlet) {
        public PduOutlet {
            if (outlet < 1) {
                throw new IllegalArgumentException("pdu.hosts: outlet numbers start at 1, not " + outlet);
            }
        }
    }

    /**
     * {@code fleetroll serve} (docs/server.md).
     *
     * @param listen {@code HOST:PORT} used when {@code --listen} is not given
     * @param readAuth read routes need Hawk credentials too
     * @param clientsFile JSON list of API clients {@code {clientId, accessToken, scopes}}; null: none
     * @param corsOrigins origins allowed by CORS; empty: off
     * @param maxBodyBytes largest request body accepted
     * @param scan the scheduled scanner's intervals
     */
    public record Server(String listen, boolean readAuth, String clientsFile, List<String> corsOrigins,
                         int maxBodyBytes, Scan scan) {
        public Server {
            corsOrigins = corsOrigins == null ? List.of() : List.copyOf(corsOrigins);
            if (maxBodyBytes < 1024) {
                throw new IllegalArgumentException("server.max_body_bytes must be at least 1024, not " + maxBodyBytes);
            }
        }
    }

    /**
     * The bug tracker (Bugzilla REST: {@code POST /rest/bug}) the reboot ladder's last rung files a bug in.
     *
     * @param url the tracker's base URL ({@code https://bugzilla.example.com}); null: no bug rung
     * @param credentialsFile a YAML file (mode 0600) whose {@code bugs_api_key} is the API key; never printed
     */
    public record Bugs(String url, String credentialsFile, String product, String component, String version,
                       Duration requestTimeout) {}

    /**
     * The scanner's intervals; a zero interval turns that gather off.
     *
     * @param leaseRetry how often a server without the scanner lease tries to take it
     */
    public record Scan(Duration auditEvery, Duration tcEvery, Duration ghEvery, Duration leaseRetry) {
        public Scan {
            if (leaseRetry == null || leaseRetry.isZero() || leaseRetry.isNegative()) {
                throw new IllegalArgumentException("server.scan.lease_retry must be positive");
            }
        }
    }

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
