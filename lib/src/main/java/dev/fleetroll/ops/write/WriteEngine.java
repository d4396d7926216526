package dev.fleetroll.ops.write;

import dev.fleetroll.ops.AuditReport;
import dev.fleetroll.ops.WriteGate;
import dev.fleetroll.ops.WritePlan;
import dev.fleetroll.util.Sha256;
import dev.fleetroll.UserError;
import dev.fleetroll.auditlog.AuditRecord;
import dev.fleetroll.config.FleetrollConfig;
import dev.fleetroll.puppet.InvalidFileError;
import dev.fleetroll.puppet.OverrideValidator;
import dev.fleetroll.puppet.VaultValidator;
import dev.fleetroll.remote.WriteReply;
import dev.fleetroll.remote.WriteScripts;
import dev.fleetroll.ssh.BatchListener;
import dev.fleetroll.ssh.Cancellation;
import dev.fleetroll.ssh.ExecResult;
import dev.fleetroll.ssh.Outcome;
import dev.fleetroll.ssh.RemoteCommand;
import dev.fleetroll.state.Observation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one pipeline behind {@link SetOverride}, {@link UnsetOverride} and {@link SetVault}:
 * validate -> plan -> gate (dry run / declined / refused are audited and stop here) -> store the content ->
 * fan out the write script with the content on stdin -> classify each host -> one audit record per host ->
 * re-audit the touched hosts -> {@link WriteResults}.
 */
final class WriteEngine {
    private static final Logger LOG = LoggerFactory.getLogger(WriteEngine.class);

    private final WriteContext ctx;
    private final WriteAction action;

    WriteEngine(WriteContext ctx, WriteAction action) {
        this.ctx = ctx;
        this.action = action;
    }

    /** Validates and plans without auditing or touching a host. */
    WritePlan plan(List<String> hosts, WriteSource source, WriteOptions options) {
        List<String> distinct = List.copyOf(new LinkedHashSet<>(hosts));
        return plan(distinct, source, check(source, options));
    }

    /** Options and content checks: every operator mistake surfaces here, before anything else happens. */
    private WritePlanner.Settings check(WriteSource source, WriteOptions options) {
        WritePlanner.Settings settings = settings(options);
        validate(source);
        return settings;
    }

    private WritePlan plan(List<String> distinct, WriteSource source, WritePlanner.Settings settings) {
        String sha = source == null ? null : Sha256.hex(source.bytes());
        Map<String, Observation> latest = distinct.isEmpty() ? Map.of() : ctx.fleet().latestOk(distinct);
        return WritePlanner.plan(action, distinct, source, sha, settings, latest, ctx.content());
    }

    WriteResults run(List<String> hosts, WriteSource source, WriteOptions options, WriteGate gate,
                     BatchListener listener, Cancellation cancellation) {
        Instant start = ctx.clock().instant();
        List<String> distinct = List.copyOf(new LinkedHashSet<>(hosts));
        WritePlanner.Settings settings;
        try {
            settings = check(source, options);
        } catch (UserError e) {
            auditInvalid(distinct, source, options, e);
            throw e;
        }
        WritePlan plan = plan(distinct, source, settings);
        if (distinct.isEmpty()) {
            return new WriteResults(plan, null, List.of(), null, List.of(), Duration.ZERO);
        }
        WriteGate.Decision decision = WriteGate.ask(gate, plan);
        if (decision.verdict() != WriteGate.Verdict.WRITE) {
            auditDecision(plan, decision);
            decision.throwIfRefused(plan);
            return new WriteResults(plan, decision, List.of(), null, List.of(), elapsed(start));
        }

        ctx.auditLog().checkWritable(); // no host is changed without a record of it
        List<String> warnings = new ArrayList<>();
        if (source != null) {
            try {
                ctx.content().store(action.file(), source.bytes());
            } catch (RuntimeException e) {
                warnings.add("could not keep a local copy of the content: " + e.getMessage());
            }
        }
        RemoteCommand command = RemoteCommand.asRoot(script(plan, start)).withTimeout(options.timeout());
        if (source != null) {
            command = command.withStdin(source.bytes());
        }
        List<ExecResult> results = ctx.fleet().exec(distinct, command, listener, cancellation).results();
        Map<String, ExecResult> byHost = new LinkedHashMap<>();
        results.forEach(r -> byHost.put(r.host(), r));
        List<HostWrite> writes = new ArrayList<>();
        for (String h : distinct) {
            ExecResult r = byHost.get(h);
            writes.add(r == null ? missing(h) : classify(r));
        }
        try {
            auditWrites(plan, decision, writes);
        } catch (UserError e) {
            // the hosts are written: report what happened to them rather than lose it with the exception
            LOG.error("{} on {} hosts was not recorded in the audit log: {}", action.auditName(), writes.size(), e.getMessage());
            warnings.add("not recorded in the audit log: " + e.getMessage());
        }

        AuditReport reaudit = null;
        List<String> touched = writes.stream().filter(w -> w.outcome() != WriteOutcome.UNREACHABLE).map(HostWrite::host).toList();
        if (options.reauditOrDefault() && !touched.isEmpty() && !cancellation.isCancelled()) {
            try {
                reaudit = ctx.fleet().audit(touched, listener, cancellation);
                long bad = reaudit.failed().size();
                if (bad > 0) {
                    warnings.add("re-audit failed on " + bad + " host" + (bad == 1 ? "" : "s") + "; stored state may be stale");
                }
            } catch (RuntimeException e) {
                LOG.warn("re-audit after {} failed", action.auditName(), e);
                warnings.add("re-audit failed: " + e.getMessage() + "; stored state may be stale");
            }
        }
        return new WriteResults(plan, decision, writes, reaudit, warnings, elapsed(start));
    }

    private Duration elapsed(Instant start) {
        return Duration.between(start, ctx.clock().instant());
    }

    private WritePlanner.Settings settings(WriteOptions o) {
        FleetrollConfig.Writes d = ctx.defaults();
        String mode = o.mode() != null ? o.mode() : action.file().secret() ? d.vaultMode() : d.overrideMode();
        String owner = o.owner() != null ? o.owner() : d.owner();
        String group = o.group() != null ? o.group() : d.group();
        try {
            WriteScripts.checkPath(o.path());
            if (!action.removal()) {
                WriteScripts.checkMode(mode);
                WriteScripts.checkName("owner", owner);
                WriteScripts.checkName("group", group);
            }
            if (o.onlyIfSha() != null && !o.onlyIfSha().matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("onlyIfSha must be a full sha256 (64 hex digits)");
            }
        } catch (IllegalArgumentException e) {
            throw new UserError(action.verb() + ": " + e.getMessage());
        }
        if (o.force() && action == WriteAction.VAULT_SET) {
            throw new UserError(action.verb() + ": force has no meaning for vaults (an existing vault is always replaced,"
                    + " after a backup unless backup is off); drop it");
        }
        return new WritePlanner.Settings(o.path(), action.removal() ? null : mode, action.removal() ? null : owner,
                action.removal() ? null : group, o.backupOrDefault(), d.backupsKept(), o.force(), o.onlyIfSha(), o.reason());
    }

    private void validate(WriteSource source) {
        switch (action) {
            case OVERRIDE_SET -> OverrideValidator.validate(source.bytes(), source.name());
            case VAULT_SET -> VaultValidator.validate(source.bytes(), source.name());
            case OVERRIDE_UNSET -> {
                // nothing to validate
            }
        }
    }

    private String script(WritePlan plan, Instant stamp) {
        if (action.removal()) {
            return WriteScripts.unset(new WriteScripts.UnsetParams(action.file(), plan.targetPath(), plan.backup(),
                    plan.backupsKept(), plan.onlyIfSha(), stamp));
        }
        return WriteScripts.set(new WriteScripts.SetParams(action.file(), plan.targetPath(), plan.sha256(), plan.size(),
                plan.mode(), plan.owner(), plan.group(), plan.backup(), plan.backupsKept(),
                action == WriteAction.OVERRIDE_SET && !plan.force(), stamp));
    }

    /** Folds the SSH outcome and the script's report into one per-host outcome. */
    static HostWrite classify(ExecResult r) {
        WriteReply reply = WriteReply.parse(r.stdout());
        WriteOutcome outcome;
        String error = null;
        String result = reply.result() == null ? "" : reply.result();
        switch (result) {
            case "changed" -> outcome = WriteOutcome.CHANGED;
            case "unchanged" -> outcome = WriteOutcome.UNCHANGED;
            case "blocked" -> {
                outcome = WriteOutcome.BLOCKED;
                error = reply.error();
            }
            case "failed" -> {
                outcome = WriteOutcome.FAILED;
                error = reply.error();
            }
            default -> {
                if (r.outcome().isConnectionProblem()) {
                    outcome = WriteOutcome.UNREACHABLE;
                    error = r.outcome().label() + (r.error() == null ? "" : ": " + r.error());
                } else {
                    outcome = WriteOutcome.FAILED;
                    error = switch (r.outcome()) {
                        case TIMED_OUT, CANCELLED -> r.outcome().label() + (r.error() == null ? "" : ": " + r.error())
                                + " (the target is the old or the new file; audit the host to see which)";
                        default -> firstLine(r.error() != null ? r.error() : r.stderrText(), "exit " + r.exitCode());
                    };
                }
            }
        }
        return new HostWrite(r.host(), outcome, r.outcome(), r.exitCode(), reply, error, r.elapsed());
    }

    private static HostWrite missing(String host) {
        return new HostWrite(host, WriteOutcome.FAILED, Outcome.CANCELLED, null, WriteReply.parse(""),
                "no result from the fan-out", Duration.ZERO);
    }

    private static String firstLine(String s, String fallback) {
        if (s == null || s.isBlank()) {
            return fallback;
        }
        return s.strip().lines().findFirst().orElse(fallback);
    }

    // ---- audit records ----

    private Map<String, Object> parameters(WritePlan plan, String approval) {
        Map<String, Object> p = new LinkedHashMap<>();
        if (!action.removal()) {
            p.put("source", plan.source());
            p.put("sha256", plan.sha256());
            p.put("humanhash", plan.humanhash());
            p.put("size", plan.size());
            p.put("mode", plan.mode());
            p.put("owner", plan.owner());
            p.put("group", plan.group());
        } else if (plan.onlyIfSha() != null) {
            p.put("only_if_sha", plan.onlyIfSha());
        }
        p.put("target", plan.targetPath());
        p.put("backup", plan.backup());
        p.put("backups_kept", plan.backupsKept());
        if (approval != null) {
            p.put("approval", approval);
        }
        return p;
    }

    private void auditInvalid(List<String> hosts, WriteSource source, WriteOptions options, UserError e) {
        Map<String, Object> p = new LinkedHashMap<>();
        if (source != null) {
            p.put("source", source.name());
            p.put("sha256", Sha256.hex(source.bytes()));
            p.put("size", source.bytes().length);
        }
        Map<String, Object> obs = new LinkedHashMap<>();
        obs.put("error", e.getMessage());
        if (e instanceof InvalidFileError ife) {
            obs.put("rule", ife.rule());
            obs.put("line", ife.line());
        }
        ctx.auditLog().append(AuditRecord.builder(action.auditName()).hosts(hosts).ok(false).outcome("invalid")
                .forced(options.force()).reason(options.reason()).parameters(p).observed(obs).build());
    }

    private void auditDecision(WritePlan plan, WriteGate.Decision d) {
        String outcome = d.verdict().auditOutcome();
        Map<String, Object> obs = new LinkedHashMap<>();
        if (d.explanation() != null) {
            obs.put("explanation", d.explanation());
        }
        obs.put("expected_blocked", plan.expectedBlocked());
        ctx.auditLog().append(AuditRecord.builder(action.auditName()).hosts(plan.hosts())
                .ok(d.verdict() == WriteGate.Verdict.DRY_RUN).outcome(outcome)
                .dryRun(d.verdict() == WriteGate.Verdict.DRY_RUN).forced(plan.force()).reason(plan.reason())
                .parameters(parameters(plan, d.decidedBy())).observed(obs).build());
    }

    private void auditWrites(WritePlan plan, WriteGate.Decision d, List<HostWrite> writes) {
        Map<String, Object> params = parameters(plan, d.decidedBy());
        List<AuditRecord> records = new ArrayList<>();
        for (HostWrite w : writes) {
            WriteReply r = w.reply();
            Map<String, Object> obs = new LinkedHashMap<>();
            obs.put("os", r.os());
            obs.put("target", r.target());
            obs.put("old_sha256", r.oldSha256());
            obs.put("new_sha256", r.newSha256());
            obs.put("backup", r.backup());
            if (!r.pruned().isEmpty()) {
                obs.put("pruned", r.pruned());
            }
            if (r.metaChanged() != null) {
                obs.put("meta_changed", r.metaChanged());
            }
            obs.put("transport", w.transport() == null ? null : w.transport().label());
            obs.put("exit_code", w.exitCode());
            obs.put("elapsed_ms", w.elapsed() == null ? null : w.elapsed().toMillis());
            if (w.error() != null) {
                obs.put("error", w.error());
            }
            records.add(AuditRecord.builder(action.auditName()).host(w.host()).ok(w.outcome().ok())
                    .outcome(w.outcome().label()).forced(plan.force()).reason(plan.reason())
                    .parameters(params).observed(obs).build());
        }
        ctx.auditLog().appendAll(records);
    }

}
