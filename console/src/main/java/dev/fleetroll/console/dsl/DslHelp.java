package dev.fleetroll.console.dsl;

import dev.fleetroll.state.HostState;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The one table of DSL words: what {@code :help} prints and what completion shows next to each candidate.
 * A spec checks that every public verb of {@link FleetScript}, {@link HostSet} and {@link Results} and every
 * {@link HostState} property has an entry here.
 */
public final class DslHelp {
    /** Where a word applies. */
    public enum Kind { VERB, HOSTSET, RESULTS, STATE, ROLLOUT }

    /**
     * @param signature how to call it, e.g. {@code where { closure } | where('query')}
     * @param summary one line (completion descriptions)
     * @param example an example or longer note for {@code :help NAME}; may be empty
     */
    public record Entry(Kind kind, String name, String signature, String summary, String example) {}

    private static final List<Entry> ENTRIES = new ArrayList<>();

    private static void add(Kind k, String name, String signature, String summary, String example) {
        ENTRIES.add(new Entry(k, name, signature, summary, example));
    }

    static {
        add(Kind.VERB, "hosts", "hosts('list' | 'node[1-9]' | 'host' | 'pool:P' | 'dc:D' | file(...) | set, ...)",
                "select hosts: host lists, node sets, hosts, list files, populations of the inventory (pool: dc: os: hw: role:, enabled hosts of record) (several = union)",
                "hosts('linux/1804')   hosts('t-linux64-ms-[001-010]')   hosts('ms-238', 'ms-239')   hosts(file('x.list'))   hosts('pool:gecko-t-linux-talos-1804')   hosts('dc:mdc1')");
        add(Kind.VERB, "inventory", "inventory()", "every host the store knows: audited ones and the hosts of record (fleetroll inventory)",
                "inventory().where { !reachable }   inventory().filter('role-drift').show()");
        add(Kind.VERB, "file", "file('path')", "a local file (relative to the working directory or the checkout)",
                "hosts(file('configs/host-lists/linux/canary.list'))");
        add(Kind.VERB, "args", "args", "the script's arguments (fleetroll run FILE -- ARGS)", "def list = args ? args[0] : 'sandbox'");
        add(Kind.VERB, "dryRun", "dryRun", "true when writes only say what they would do (fleetroll run without --confirm)", "");
        add(Kind.VERB, "sleep", "sleep(30.seconds)", "wait (Ctrl-C interrupts)", "");
        add(Kind.VERB, "log", "log('text')", "print a line to the log stream (stderr in scripts)", "");
        add(Kind.VERB, "fail", "fail('reason')", "stop the script with exit status 1 and this message", "");
        add(Kind.VERB, "exit", "exit(status)", "stop the script with this exit status", "");
        add(Kind.VERB, "query", "query('role~talos pp_last>20h')", "check a monitor query and return it (errors name the bad column)", "");
        add(Kind.VERB, "rollout", "rollout('name') { targets ...; override file(...); canary ...; batches 10.percent, rest; gate 'applied=y'; soak 30.minutes; maxFailures 1 }",
                "define a staged rollout (or continue the stored one of that name); rollout('name') finds a stored one",
                "def r = rollout('resolverd-1804') { targets hosts('linux/1804'); override file('configs/overrides/resolverd.override'); canary 'ms-001'; batches 25.percent, rest; gate 'applied=y' }.start()\n"
                        + "while (!r.done) r.advance()");
        add(Kind.VERB, "seed", "seed(42)", "make pick(n) repeatable for the rest of the session", "");
        add(Kind.VERB, "duration", "duration('1h30m')", "a Duration from the query syntax; also 30.seconds, 5.minutes, 2.hours, 1.day", "");

        add(Kind.HOSTSET, "audit", "audit()", "SSH audit of every host in parallel; returns the set with fresh state",
                "hosts('linux/1804').audit().where { !applied }.show()");
        add(Kind.HOSTSET, "tc", "tc()", "read every host's Taskcluster worker (gather-tc); returns the set with fresh state",
                "hosts('linux/1804').tc().where { quarantined }.show()");
        add(Kind.HOSTSET, "refresh", "refresh()",
                "audit + expected shas from GitHub (hourly) + Taskcluster: everything the verdicts need",
                "hosts('linux/1804').refresh().where { !healthy }.show()");
        add(Kind.HOSTSET, "where", "where { closure } | where('query')",
                "hosts matching a closure over HostState, or a query (COL OP VALUE, and/or/not, (), sort:COL; docs/query.md)",
                "where { !applied && role =~ /talos/ }   where('role~talos (pp_last>20h or pp_last~FAIL) sort:pp_last:desc')");
        add(Kind.HOSTSET, "filter", "filter('name')",
                "hosts matching a named filter (configs/filters/NAME.yaml or $FLEETROLL_HOME/filters; fleetroll filters lists them)",
                "inventory().filter('unhealthy-stale').show()");
        add(Kind.HOSTSET, "sort", "sort('col[:desc],...') | sort { key } | sort()", "order by monitor columns, a key, or name",
                "sort('pp_last:desc,host')   sort { uptime }");
        add(Kind.HOSTSET, "take", "take(n)", "the first n hosts", "");
        add(Kind.HOSTSET, "drop", "drop(n)", "all but the first n hosts", "");
        add(Kind.HOSTSET, "pick", "pick(n) | pick(n, seed)", "n hosts at random (seedable)", "def canaries = hosts('linux/1804').pick(3, 42)");
        add(Kind.HOSTSET, "batches", "batches(n | '20%')", "split into consecutive batches (a list of sets)",
                "hosts('linux/1804').batches('20%').each { b -> b.exec('uptime') }");
        add(Kind.HOSTSET, "plus", "a + b", "union (also a host spec string or a list of names)", "");
        add(Kind.HOSTSET, "minus", "a - b", "difference", "");
        add(Kind.HOSTSET, "and", "a & b", "intersection", "");
        add(Kind.HOSTSET, "size", "size()", "number of hosts", "");
        add(Kind.HOSTSET, "isEmpty", "isEmpty()", "true when there are no hosts", "");
        add(Kind.HOSTSET, "names", "names()", "host names as a list", "");
        add(Kind.HOSTSET, "fold", "fold()", "host names as one folded node set", "");
        add(Kind.HOSTSET, "contains", "contains('host')", "whether the set holds this host", "");
        add(Kind.HOSTSET, "states", "states()", "the HostState of every host, as a list", "");
        add(Kind.HOSTSET, "each", "each { closure }", "run a closure per host (delegate: HostState)", "each { println \"$name $role\" }");
        add(Kind.HOSTSET, "collect", "collect { closure }", "a list of the closure's value per host", "collect { puppet?.gitSha }.unique()");
        add(Kind.HOSTSET, "groupBy", "groupBy { key }", "a map of key -> HostSet", "groupBy { role }.each { r, s -> println \"$r ${s.size()}\" }");
        add(Kind.HOSTSET, "show", "show() | show('host role pp_last')", "print the monitor table (all or some columns)", "");
        add(Kind.HOSTSET, "json", "json()", "print the states as JSON", "");
        add(Kind.HOSTSET, "toJson", "toJson()", "the states as a JSON string", "");
        add(Kind.HOSTSET, "exec", "exec('cmd', sudo: false, timeout: 30.seconds)",
                "run a command on every host; output gathered by identical result", "hosts('sandbox').exec('uptime')");
        add(Kind.HOSTSET, "waitFor", "waitFor(2.hours, every: 30.seconds) { condition }",
                "re-audit until every host meets the condition or time runs out", "waitFor(30.minutes) { applied }");
        add(Kind.HOSTSET, "setOverride", "setOverride(file('x.override'), reason: '...', force: false, backup: true)",
                "validate, then write the override atomically on every host (the console asks; run: dry run unless --confirm)",
                "hosts('linux/1804').audit().where { !applied }.setOverride(file('configs/overrides/x.override'), reason: 'canary')");
        add(Kind.HOSTSET, "unsetOverride", "unsetOverride(reason: '...', backup: true)",
                "remove the override from every host (after a backup)", "hosts('ms-[001-004]').unsetOverride(reason: 'merged')");
        add(Kind.HOSTSET, "setVault", "setVault(file('vault.yaml'), reason: '...')",
                "validate, then write vault.yaml on every host (content never shown or logged)", "");
        add(Kind.HOSTSET, "runPuppet", "runPuppet(reason: '...', timeout: 30.minutes)",
                "run Puppet once on every host (FLEETROLL_SINGLE_RUN=1, on a pty), then re-audit (the console asks; run: dry run unless --confirm)",
                "hosts('ms-[001-004]').runPuppet(reason: 'canary').changed.show()");
        add(Kind.HOSTSET, "reboot", "reboot(reason: '...', fanout: 10)",
                "reboot every host through the reboot slots, climbing the ladder (ssh, then BMC/PDU) until each is seen back; a host not back keeps its slot (the console asks; run: dry run unless --confirm)",
                "hosts('ms-[001-010]').reboot(reason: 'kernel 6.12').failed.show()");
        add(Kind.HOSTSET, "quarantine", "quarantine(reason: '...', for: 2.days)",
                "quarantine every host's Taskcluster worker (default ten years; the console asks; run: dry run unless --confirm)",
                "hosts('ms-016').quarantine(reason: 'disk failing, RELOPS-123')");
        add(Kind.HOSTSET, "unquarantine", "unquarantine(reason: '...')", "end the Taskcluster quarantine of every host's worker",
                "hosts('ms-016').unquarantine(reason: 'disk replaced')");
        add(Kind.HOSTSET, "note", "note('text')",
                "leave an operator note on every host (monitor NOTE column; author, time and audit log; run: dry run unless --confirm)",
                "hosts('ms-016').note('disk failing, RELOPS-123')");
        add(Kind.HOSTSET, "clearNote", "clearNote(reason: '...')", "clear the operator notes of every host (history is kept)",
                "hosts('ms-016').clearNote(reason: 'disk replaced')");
        add(Kind.HOSTSET, "getAt", "set[0] | set['host']", "the HostState of one host", "");
        add(Kind.HOSTSET, "iterator", "for (h in set)", "iterate over HostStates", "");
        add(Kind.HOSTSET, "asBoolean", "if (set)", "false when empty", "");
        add(Kind.HOSTSET, "results", "results", "after audit(): what the audit did per host (a Results)", "");
        add(Kind.HOSTSET, "unreachable", "unreachable", "hosts whose latest audit did not work", "");
        add(Kind.HOSTSET, "failed", "failed", "after audit(): hosts whose audit failed", "");
        add(Kind.HOSTSET, "ok", "ok", "hosts whose latest audit worked", "");

        add(Kind.RESULTS, "ok", "ok", "hosts that ended ok", "");
        add(Kind.RESULTS, "failed", "failed", "hosts where the command ran and failed or timed out", "");
        add(Kind.RESULTS, "unreachable", "unreachable", "hosts without a working session (unreachable, auth, host key)", "");
        add(Kind.RESULTS, "cancelled", "cancelled", "hosts not done when the verb was cancelled", "");
        add(Kind.RESULTS, "problems", "problems", "every host that did not end ok", "");
        add(Kind.RESULTS, "all", "all", "every host the verb covered", "");
        add(Kind.RESULTS, "allOk", "allOk", "true when every host ended ok", "");
        add(Kind.RESULTS, "outcome", "outcome('host')", "how one host ended", "");
        add(Kind.RESULTS, "error", "error('host')", "why one host did not end ok", "");
        add(Kind.RESULTS, "orFail", "orFail()", "fail the script unless every host ended ok", "");
        add(Kind.RESULTS, "ignoreFailures", "ignoreFailures()", "accept problem hosts (exit status stays 0)", "");
        add(Kind.RESULTS, "summary", "summary()", "the one-line summary", "");
        add(Kind.RESULTS, "size", "size()", "number of hosts", "");
        add(Kind.RESULTS, "verb", "verb", "which verb produced these results", "");
        add(Kind.RESULTS, "elapsed", "elapsed", "how long the verb took", "");
        add(Kind.RESULTS, "asBoolean", "if (results)", "true when every host ended ok", "");
        add(Kind.RESULTS, "groups", "groups", "exec: groups of hosts with identical output", "");
        add(Kind.RESULTS, "output", "output('host')", "exec: one host's stdout", "");
        add(Kind.RESULTS, "stderr", "stderr('host')", "exec: one host's stderr", "");
        add(Kind.RESULTS, "exitCode", "exitCode('host')", "exec: one host's exit code", "");
        add(Kind.RESULTS, "command", "command", "exec: the command", "");
        add(Kind.RESULTS, "results", "results", "exec: each host's raw result", "");
        add(Kind.RESULTS, "show", "show()", "exec: print the gathered output", "");
        add(Kind.RESULTS, "render", "render()", "exec: the gathered output as text", "");
        add(Kind.RESULTS, "changed", "changed", "writes: hosts whose file was written or removed", "");
        add(Kind.RESULTS, "unchanged", "unchanged", "writes: hosts that already had it (mode/owner re-applied)", "");
        add(Kind.RESULTS, "blocked", "blocked", "writes: hosts with a different override (use force: true)", "");
        add(Kind.RESULTS, "dryRun", "dryRun", "writes: true when nothing was written (dry run)", "");
        add(Kind.RESULTS, "report", "report", "runPuppet: the lib report (per-host exit, output, log file, re-audit)", "");
        add(Kind.RESULTS, "declined", "declined", "writes: true when the operator answered no", "");

        state("name", "host name");
        state("os", "uname -s: Linux, Darwin");
        state("hostname", "what the host calls itself");
        state("role", "Puppet role (/etc/puppet_role)");
        state("reachable", "the latest audit worked");
        state("outcome", "how the latest audit ended (Outcome)");
        state("error", "why the latest audit failed");
        state("auditedAt", "when the latest audit finished");
        state("lastOkAt", "when the latest successful audit finished");
        state("dataAge", "age of the facts (Duration)");
        state("override", "override file: sha, humanhash, repo, branch, workerType (null: none)");
        state("vaultSha", "sha256 of the vault file");
        state("uptime", "uptime at the last audit (Duration)");
        state("puppet", "last Puppet run: at, success, exitCode, gitSha, gitBranch, overrideSha, vaultSha");
        state("puppetAge", "time since the last Puppet run (Duration)");
        state("applied", "the last Puppet run applied the override now on the host");
        state("workerRunning", "a generic-worker process was running");
        state("expectedBranch", "owner/repo:branch the host should follow (its override's, else the default)");
        state("expectedSha", "sha the host should run: that branch's head (gather-gh; null: unknown)");
        state("ppMatch", "the last Puppet run succeeded and ran exactly expectedSha (null: unknown)");
        state("healthy", "ppMatch, Taskcluster-active within the threshold and not quarantined (null: unknown)");
        state("tc", "Taskcluster worker: pool, present, state, lastActive, quarantinedUntil, quarantineReason, latestTask, ...");
        state("tcActive", "the worker was active within taskcluster.active_within (null: never scanned)");
        state("quarantined", "quarantined in Taskcluster (null: never scanned, or not listed)");
        state("note", "operator note: text (newest since the last clear), count, author, at (null: none)");
        state("inventory", "what the inventory says: record (facts, enabled, disabledReason), probe (resolves, reachable, sshable, sudoable, bmc, at), inRollout, listed (null: inventory not read)");
        state("asOf", "when ages were computed");

        add(Kind.ROLLOUT, "start", "start()", "check, audit the targets, push to the first stage and run Puppet there", "");
        add(Kind.ROLLOUT, "advance", "advance() | advance(force: true, reason: '...')",
                "wait out the soak, assess the gate, apply the next stage; a failing gate pauses the rollout and stops the script", "");
        add(Kind.ROLLOUT, "pause", "pause('reason')", "stop advancing", "");
        add(Kind.ROLLOUT, "resume", "resume()", "allow a paused rollout to advance again", "");
        add(Kind.ROLLOUT, "rollback", "rollback(runPuppet: true, reason: '...')", "take the override back from the hosts that got it", "");
        add(Kind.ROLLOUT, "finalizeRollout", "finalizeRollout(reason: '...')",
                "after the merge: remove the override from every target (irreversible)", "");
        add(Kind.ROLLOUT, "status", "status", "the stored rollout: stages, gate results, hosts, events", "");
        add(Kind.ROLLOUT, "state", "state", "active, paused, complete, rolled-back, finalized", "");
        add(Kind.ROLLOUT, "stage", "stage", "the current stage's index (0: the canary)", "");
        add(Kind.ROLLOUT, "done", "done", "true when complete, rolled back or finalized", "");
        add(Kind.ROLLOUT, "show", "show()", "print the status", "");
        add(Kind.ROLLOUT, "name", "name", "the rollout's name", "");
        add(Kind.ROLLOUT, "targets", "targets hosts('linux/1804')", "rollout definition: the hosts to roll out to", "");
        add(Kind.ROLLOUT, "override", "override file('x.override')", "rollout definition: the override file", "");
        add(Kind.ROLLOUT, "canary", "canary 'ms-001'", "rollout definition: the first stage's hosts", "");
        add(Kind.ROLLOUT, "batches", "batches 10.percent, 25.percent, rest", "rollout definition: stage sizes after the canary (counts, percentages, rest)", "");
        add(Kind.ROLLOUT, "rest", "rest", "rollout definition: every host not yet in a stage", "");
        add(Kind.ROLLOUT, "gate", "gate 'applied=y healthy=y'", "rollout definition: the monitor query each stage's hosts must meet (checked by fleetroll check)", "");
        add(Kind.ROLLOUT, "soak", "soak 30.minutes", "rollout definition: wait after a stage before assessing it", "");
        add(Kind.ROLLOUT, "maxFailures", "maxFailures 1", "rollout definition: hosts per stage that may fail the gate", "");
        add(Kind.ROLLOUT, "runPuppet", "runPuppet true", "rollout definition: run Puppet after each push (default true)", "");
        add(Kind.ROLLOUT, "skip", "skip 'ms-016'", "rollout definition: targets to leave out", "");
    }

    private static void state(String name, String summary) {
        add(Kind.STATE, name, name, summary, "");
    }

    private DslHelp() {}

    public static List<Entry> entries(Kind kind) {
        return ENTRIES.stream().filter(e -> e.kind() == kind).toList();
    }

    public static Optional<Entry> find(Kind kind, String name) {
        return ENTRIES.stream().filter(e -> e.kind() == kind && e.name().equals(name)).findFirst();
    }

    /** Every entry called {@code name}, whatever its kind. */
    public static List<Entry> find(String name) {
        return ENTRIES.stream().filter(e -> e.name().equals(name)).toList();
    }

    public static String summary(Kind kind, String name) {
        return find(kind, name).map(Entry::summary).orElse(null);
    }

    /** The names of {@link HostState}'s properties (its record components). */
    public static List<String> hostStateProperties() {
        return Arrays.stream(HostState.class.getRecordComponents()).map(RecordComponent::getName).toList();
    }

    /** The verbs a script can call at top level. */
    public static List<String> verbNames() {
        return entries(Kind.VERB).stream().map(Entry::name).toList();
    }
}
