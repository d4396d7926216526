package dev.fleetroll.console.dsl;

import dev.fleetroll.console.render.PuppetRunFormatter;
import dev.fleetroll.ops.PuppetRunReport;
import dev.fleetroll.ops.PuppetRunResult;
import dev.fleetroll.ssh.Outcome;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code runPuppet()} did: the {@link Results} sets ({@code ok} = Puppet exit 0 or 2, {@code failed} = any other
 * exit or a timeout, {@code unreachable}, ...) plus {@code changed} (exit 2), each host's exit code and output, and
 * whether anything ran at all ({@code dryRun}). A dry run or a declined run has no problem hosts.
 */
public final class PuppetResults extends Results {
    private final PuppetRunReport report;
    private final Map<String, PuppetRunResult> byHost = new LinkedHashMap<>();

    PuppetResults(DslSession session, List<String> hosts, PuppetRunReport report) {
        super(session, "runPuppet", hosts, outcomes(hosts, report), errors(report), report.elapsed());
        this.report = report;
        report.hosts().forEach(r -> byHost.put(r.host(), r));
    }

    private static Map<String, Outcome> outcomes(List<String> hosts, PuppetRunReport report) {
        Map<String, Outcome> out = new LinkedHashMap<>();
        Map<String, PuppetRunResult> by = new LinkedHashMap<>();
        report.hosts().forEach(r -> by.put(r.host(), r));
        for (String h : hosts) {
            PuppetRunResult r = by.get(h);
            if (!report.performed()) {
                out.put(h, Outcome.OK); // nothing was attempted: nothing failed
            } else if (r == null) {
                out.put(h, Outcome.CANCELLED);
            } else if (r.ok()) {
                out.put(h, Outcome.OK);
            } else {
                out.put(h, r.transport() == Outcome.OK ? Outcome.FAILED : r.transport());
            }
        }
        return out;
    }

    private static Map<String, String> errors(PuppetRunReport report) {
        Map<String, String> out = new LinkedHashMap<>();
        report.hosts().stream().filter(r -> !r.ok()).forEach(r -> out.put(r.host(), r.error() == null ? r.label() : r.error()));
        return out;
    }

    /** Hosts where Puppet applied changes (exit 2). */
    public HostSet getChanged() {
        return HostSet.of(session, report.changed());
    }

    /** Puppet's exit code on {@code host} (null when it did not run to the end). */
    public Integer exitCode(String host) {
        PuppetRunResult r = byHost.get(host);
        return r == null ? null : r.puppetExit();
    }

    /** What the run printed on {@code host} (escape sequences removed, colours kept). */
    public String output(String host) {
        PuppetRunResult r = byHost.get(host);
        return r == null ? null : r.output();
    }

    /** True when nothing ran because this was a dry run. */
    public boolean isDryRun() {
        return report.dryRun();
    }

    /** The lib result, for scripts that want every detail. */
    public PuppetRunReport getReport() {
        return report;
    }

    /** Status lines and the summary, as the CLI prints them. */
    public String render(boolean colour) {
        return new PuppetRunFormatter(colour).render(report);
    }

    @Override
    public String summary() {
        return report.summary();
    }
}
