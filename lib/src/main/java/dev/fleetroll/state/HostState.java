package dev.fleetroll.state;

import dev.fleetroll.content.Humanhash;
import dev.fleetroll.ssh.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Everything fleetroll knows about one host at one moment, as the DSL ({@code where { ... }}), the monitor and
 * rollouts see it. Built from the newest stored observation and the newest successful one: when the latest audit
 * failed, the facts come from the last audit that worked, and {@code reachable} says they are old.
 *
 * <p>Every property may be null when nothing is known (the host was never audited successfully). Booleans that
 * are verdicts are plain {@code boolean}s where unknown means "no" ({@code reachable}, {@code applied}).
 *
 * @param name the host name as the inventory spells it
 * @param os {@code uname -s} of the host: {@code Linux}, {@code Darwin}
 * @param hostname what the host calls itself
 * @param role contents of {@code /etc/puppet_role}; null when absent or unknown
 * @param reachable the latest audit worked (false when it failed or the host was never audited)
 * @param outcome how the latest audit ended; null when never audited
 * @param error why the latest audit failed; null when it worked
 * @param auditedAt when the latest audit (successful or not) finished
 * @param lastOkAt when the latest successful audit finished; the facts below are from then
 * @param dataAge {@code asOf - lastOkAt}: how old the facts are
 * @param override the override file on the host; null when there is none (or unknown)
 * @param vaultSha sha256 of the vault file on the host; null when absent
 * @param uptime the host's uptime at the last successful audit
 * @param puppet the last Puppet run (at, success, exitCode, gitSha, gitBranch, overrideSha, vaultSha, ...)
 * @param puppetAge {@code asOf - puppet.at}: time since the last Puppet run
 * @param applied the last Puppet run succeeded and applied the override now on the host ({@link Verdicts#applied})
 * @param workerRunning whether a generic-worker process was running
 * @param expectedBranch {@code owner/repo:branch} the host should follow ({@link ExternalFacts#branchOf}); null when
 *     its override names a repository that is not on GitHub
 * @param expectedSha the git sha the host should run: that branch's head from {@code gather-gh}; null when unknown
 * @param ppMatch the last run succeeded and applied exactly {@code expectedSha} ({@link Verdicts#ppMatch}); null
 *     when unknown
 * @param healthy {@code ppMatch}, Taskcluster-active recently and not quarantined ({@link Verdicts#healthy})
 * @param tc the Taskcluster worker record from the last {@code gather-tc}; null when never scanned
 * @param tcActive the worker was active within the threshold ({@link Verdicts#tcActive})
 * @param quarantined the worker is quarantined in Taskcluster ({@link Verdicts#quarantined})
 * @param note the operator note on the host (newest since the last clear); null when none
 * @param inventory what the inventory says about the host (record, probe, rollout membership); null when the inventory
 *     was not read
 * @param asOf the moment ages were computed for
 */
public record HostState(
        String name,
        String os,
        String hostname,
        String role,
        boolean reachable,
        Outcome outcome,
        String error,
        Instant auditedAt,
        Instant lastOkAt,
        Duration dataAge,
        OverrideState override,
        String vaultSha,
        Duration uptime,
        PuppetRun puppet,
        Duration puppetAge,
        boolean applied,
        Boolean workerRunning,
        String expectedBranch,
        String expectedSha,
        Boolean ppMatch,
        Boolean healthy,
        TaskclusterState tc,
        Boolean tcActive,
        Boolean quarantined,
        HostNote note,
        InventoryState inventory,
        Instant asOf) {

    public HostState {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(asOf, "asOf");
    }

    /**
     * The override file on a host.
     *
     * @param sha sha256 of the file
     * @param humanhash two-word name of {@code sha}
     * @param repo {@code PUPPET_REPO}
     * @param branch {@code PUPPET_BRANCH}
     * @param workerType {@code WORKER_TYPE_OVERRIDE}; null when not set
     */
    public record OverrideState(String sha, String humanhash, String repo, String branch, String mail, String workerType,
                           String path) {}

    /**
     * What the inventory says about a host.
     *
     * @param record the host of record; null when the host is not in the inventory
     * @param probe the latest discovery probe; null when never probed
     * @param inRollout the host is a target of a rollout that has not ended
     */
    public record InventoryState(dev.fleetroll.inventory.InventoryHost record, dev.fleetroll.inventory.ProbeResult probe,
                                 boolean inRollout) {
        /** True when the host is in the inventory. */
        public boolean listed() {
            return record != null;
        }

        /** The host of record's value of {@code fact}; null when unlisted or unknown. */
        public String fact(dev.fleetroll.inventory.Fact fact) {
            return record == null ? null : record.fact(fact);
        }
    }

    /**
     * Builds the state of {@code host} from its newest observation and its newest successful one (either may be
     * null), with ages computed at {@code now}, and no Taskcluster or GitHub data.
     */
    public static HostState of(String host, Observation latest, Observation latestOk, Instant now) {
        return of(host, latest, latestOk, ExternalFacts.NONE, now);
    }

    /**
     * Builds the state of {@code host} from its newest observation and its newest successful one (either may be
     * null) and what Taskcluster and GitHub said ({@code ext}), with ages and verdicts computed at {@code now}.
     */
    public static HostState of(String host, Observation latest, Observation latestOk, ExternalFacts ext, Instant now) {
        Observation facts = latestOk != null ? latestOk : (latest != null && latest.ok() ? latest : null);
        if (latest == null) {
            latest = facts;
        }
        OverrideState override = null;
        String vaultSha = null;
        PuppetRun puppet = null;
        if (facts != null) {
            FileFacts f = facts.override();
            if (f != null) {
                OverrideSettings s = facts.overrideSettings();
                override = new OverrideState(f.sha256(), Humanhash.tryOf(f.sha256()),
                        s == null ? null : s.repo(), s == null ? null : s.branch(), s == null ? null : s.mail(),
                        s == null ? null : s.workerType(), f.path());
            }
            vaultSha = facts.vault() == null ? null : facts.vault().sha256();
            puppet = facts.puppet();
        }
        boolean reachable = latest != null && latest.ok();
        // which branch a host should follow depends on its override: unknown until an audit has worked
        String expectedBranch = facts == null ? null : ext.branchOf(override);
        String expectedSha = facts == null ? null : ext.expectedSha(override);
        return new HostState(
                host,
                facts == null ? null : facts.os(),
                facts == null ? null : facts.hostname(),
                facts == null ? null : facts.role(),
                reachable,
                latest == null ? null : latest.outcome(),
                latest == null || latest.ok() ? null : latest.error(),
                latest == null ? null : latest.ts(),
                facts == null ? null : facts.ts(),
                null,
                override,
                vaultSha,
                facts == null || facts.uptimeSeconds() == null ? null : Duration.ofSeconds(facts.uptimeSeconds()),
                puppet,
                null,
                facts != null && Verdicts.applied(facts.override(), puppet),
                facts == null ? null : facts.workerRunning(),
                expectedBranch,
                expectedSha,
                Verdicts.ppMatch(puppet, expectedSha),
                null,
                ext.tcOf(host),
                null,
                null,
                ext.noteOf(host),
                ext.inventory().of(host),
                now).at(now, ext.activeWithin());
    }

    /**
     * This state as of {@code now}: the ages and the verdicts that depend on the time ({@code dataAge},
     * {@code puppetAge}, {@code tcActive}, {@code quarantined}, {@code healthy}) computed again, everything else kept.
     * A live view builds each host's state once per change and ages it every second with this.
     *
     * @param activeWithin how recently a worker must have been active to count as active
     */
    public HostState at(Instant now, Duration activeWithin) {
        Boolean active = Verdicts.tcActive(tc, now, activeWithin);
        Boolean quar = Verdicts.quarantined(tc, now);
        return new HostState(name, os, hostname, role, reachable, outcome, error, auditedAt, lastOkAt, age(lastOkAt, now),
                override, vaultSha, uptime, puppet, puppet == null ? null : age(puppet.at(), now), applied,
                workerRunning, expectedBranch, expectedSha, ppMatch, Verdicts.healthy(ppMatch, active, quar), tc, active,
                quar, note, inventory, now);
    }

    /** A host the store has never seen. */
    public static HostState unknown(String host, Instant now) {
        return of(host, null, null, now);
    }

    /** True when at least one audit of this host ever worked (the facts are not all null). */
    public boolean audited() {
        return lastOkAt != null;
    }

    /** The short OS letter the monitor shows: {@code L}, {@code M} (macOS), {@code W}, else the first letter. */
    public String osLetter() {
        return osLetter(os);
    }

    /**
     * The one OS-letter table, for host values ({@code uname -s}) and query operands alike ({@code os=mac},
     * {@code os=M}): L, M, W, else the first letter; null for none.
     */
    public static String osLetter(String os) {
        if (os == null || os.isBlank()) {
            return null;
        }
        return switch (os.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "linux" -> "L";
            case "darwin", "mac", "macos", "osx" -> "M";
            case "windows", "windows_nt", "win" -> "W";
            default -> os.strip().substring(0, 1).toUpperCase(java.util.Locale.ROOT);
        };
    }

    private static Duration age(Instant then, Instant now) {
        return then == null ? null : Duration.between(then, now);
    }

    @Override
    public String toString() {
        return "HostState[" + name + (reachable ? "" : outcome == null ? ", never audited" : ", " + outcome) + "]";
    }
}
