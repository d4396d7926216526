package dev.fleetroll.console.dsl;

import dev.fleetroll.console.writes.WriteResultsFormatter;
import dev.fleetroll.ops.write.HostWrite;
import dev.fleetroll.ops.write.WriteOutcome;
import dev.fleetroll.ops.write.WriteResults;
import dev.fleetroll.ssh.Outcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code setOverride}, {@code unsetOverride} and {@code setVault} did: the {@link Results} sets ({@code ok},
 * {@code failed}, {@code unreachable}, ...) plus {@code changed}, {@code unchanged} and {@code blocked}, and whether
 * anything was written at all ({@code dryRun}, {@code declined}). A dry run or a declined write has no problem hosts.
 */
public final class ChangeResults extends Results {
    private final WriteResults writes;
    private final List<String> hosts;

    ChangeResults(DslSession session, String verb, List<String> hosts, WriteResults writes) {
        super(session, verb, hosts, outcomes(hosts, writes), errors(writes), writes.elapsed());
        this.writes = writes;
        this.hosts = List.copyOf(hosts);
    }

    private static Map<String, Outcome> outcomes(List<String> hosts, WriteResults w) {
        Map<String, Outcome> out = new LinkedHashMap<>();
        if (!w.performed()) {
            hosts.forEach(h -> out.put(h, Outcome.OK)); // nothing was attempted: nothing failed
            return out;
        }
        Map<String, HostWrite> by = new LinkedHashMap<>();
        w.hosts().forEach(h -> by.put(h.host(), h));
        for (String h : hosts) {
            HostWrite hw = by.get(h);
            out.put(h, hw == null ? Outcome.CANCELLED : switch (hw.outcome()) {
                case CHANGED, UNCHANGED -> Outcome.OK;
                case BLOCKED -> Outcome.FAILED;
                case FAILED -> hw.transport() == Outcome.TIMED_OUT || hw.transport() == Outcome.CANCELLED
                        ? hw.transport() : Outcome.FAILED;
                case UNREACHABLE -> hw.transport() != null && hw.transport().isConnectionProblem()
                        ? hw.transport() : Outcome.UNREACHABLE;
            });
        }
        return out;
    }

    private static Map<String, String> errors(WriteResults w) {
        Map<String, String> out = new LinkedHashMap<>();
        for (HostWrite h : w.hosts()) {
            if (!h.outcome().ok()) {
                out.put(h.host(), h.error() != null ? h.error() : h.outcome().label());
            }
        }
        return out;
    }

    /** Hosts whose file was written (or removed). */
    public HostSet getChanged() {
        return with(WriteOutcome.CHANGED);
    }

    /** Hosts that already had this content (mode and owner re-applied), or had nothing to remove. */
    public HostSet getUnchanged() {
        return with(WriteOutcome.UNCHANGED);
    }

    /** Hosts that refused because a different override is there (use {@code force: true}). */
    public HostSet getBlocked() {
        getFailed(); // looking at blocked hosts counts as handling the problems
        return with(WriteOutcome.BLOCKED);
    }

    /** True when nothing was written because this was a dry run. */
    public boolean isDryRun() {
        return writes.dryRun();
    }

    /** True when the operator answered no. */
    public boolean isDeclined() {
        return writes.declined();
    }

    /** The lib result, for scripts that want every detail. */
    public WriteResults getWrites() {
        return writes;
    }

    private HostSet with(WriteOutcome o) {
        List<String> out = new ArrayList<>();
        for (String h : writes.with(o)) {
            if (hosts.contains(h)) {
                out.add(h);
            }
        }
        return HostSet.of(session, out);
    }

    /** Per-host lines and the summary, as the CLI prints them. */
    public String render(boolean colour) {
        return new WriteResultsFormatter(colour).render(writes);
    }

    @Override
    public String summary() {
        return writes.summary();
    }
}
