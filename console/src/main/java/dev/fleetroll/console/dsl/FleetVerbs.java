package dev.fleetroll.console.dsl;

import dev.fleetroll.UserError;
import dev.fleetroll.console.progress.Progress;
import dev.fleetroll.console.render.GatherFormatter;
import dev.fleetroll.console.render.PuppetRunFormatter;
import dev.fleetroll.inventory.NodeSet;
import dev.fleetroll.ops.AuditReport;
import dev.fleetroll.ops.ExecReport;
import dev.fleetroll.ops.GatherGithub;
import dev.fleetroll.ops.GatherTaskcluster;
import dev.fleetroll.ops.Notes;
import dev.fleetroll.ops.PuppetRunReport;
import dev.fleetroll.ops.QuarantineResults;
import dev.fleetroll.ops.RunPuppet;
import dev.fleetroll.ops.WriteGate;
import dev.fleetroll.ops.write.SetOverride;
import dev.fleetroll.ops.write.SetVault;
import dev.fleetroll.ops.write.UnsetOverride;
import dev.fleetroll.ops.write.WriteAction;
import dev.fleetroll.ops.write.WriteContext;
import dev.fleetroll.ops.write.WriteOptions;
import dev.fleetroll.ops.write.WriteResults;
import dev.fleetroll.ops.write.WriteSource;
import dev.fleetroll.reboot.HostReboot;
import dev.fleetroll.reboot.RebootReport;
import dev.fleetroll.reboot.Reboots;
import dev.fleetroll.ssh.BatchListener;
import dev.fleetroll.ssh.ExecResult;
import dev.fleetroll.ssh.Outcome;
import dev.fleetroll.ssh.RemoteCommand;
import dev.fleetroll.state.HostState;
import dev.fleetroll.state.Observation;
import dev.fleetroll.util.Durations;
import dev.fleetroll.util.NamedOptions;
import groovy.lang.Closure;
import java.io.File;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.codehaus.groovy.runtime.typehandling.DefaultTypeTransformation;

/**
 * The network verbs of a {@link HostSet}: what audits, writes, runs Puppet or commands, reboots, quarantines or notes
 * its hosts, each a thin call into one {@code lib} operation plus the DSL's progress, summary and result tracking.
 * {@code HostSet} keeps the set algebra (shaping and reading sets never touches the network) and hands every verb
 * here; the DSL's surface (names, documentation, type checking) stays on {@code HostSet}.
 */
final class FleetVerbs {
    private final DslSession session;
    private final HostSet set;
    private final List<String> names;

    FleetVerbs(DslSession session, HostSet set) {
        this.session = session;
        this.set = set;
        this.names = set.names();
    }


    HostSet audit() {
        if (names.isEmpty()) {
            return set;
        }
        Instant start = Instant.now();
        AuditReport report = runAudit("audit", "audit");
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        Map<String, Observation> fresh = new LinkedHashMap<>();
        for (Observation o : report.observations()) {
            fresh.put(o.host(), o);
        }
        for (String n : names) {
            Observation o = fresh.get(n);
            outcomes.put(n, o == null ? Outcome.CANCELLED : o.outcome());
            if (o != null && !o.ok()) {
                errors.put(n, o.error());
            }
        }
        Results results = new Results(session, "audit", names, outcomes, errors,
                report.elapsed() != null ? report.elapsed() : Duration.between(start, Instant.now()));
        finish(results);
        // the fleet stored every observation it made: the stored state is the fresh one (with Taskcluster/GitHub facts)
        return new HostSet(session, names, session.states(names), results);
    }

    HostSet tc() {
        if (names.isEmpty()) {
            return set;
        }
        session.checkCancelled("tc");
        GatherTaskcluster.Report r = session.fleet().gatherTaskcluster(names);
        session.output().info(GatherFormatter.text(r).stripTrailing());
        return new HostSet(session, names, session.states(names), null);
    }

    HostSet refresh() {
        HostSet audited = audit();
        session.checkCancelled("refresh");
        GatherGithub.Report gh = session.fleet().gatherGithub(false);
        if (!gh.failed().isEmpty()) {
            session.output().info(GatherFormatter.text(gh).stripTrailing());
        }
        return audited.tc();
    }

    ExecResults exec(Map<String, ?> options, String command) {
        Map<String, ?> opts = options == null ? Map.of() : options;
        NamedOptions.check("exec", opts, List.of("sudo", "timeout", "quiet"));
        if (command == null || command.isBlank()) {
            throw new UserError("exec: the command is empty");
        }
        RemoteCommand rc = new RemoteCommand(command, null, DefaultTypeTransformation.castToBoolean(opts.get("sudo")),
                HostSet.toDuration(opts.get("timeout"), "exec timeout:"));
        session.checkCancelled("exec");
        ExecReport report;
        Instant start = Instant.now();
        if (names.isEmpty()) {
            report = new ExecReport(List.of(), Duration.ZERO);
        } else {
            try (Progress p = session.output().progress("exec", names.size())) {
                report = session.fleet().exec(names, rc, p, session.cancellation());
            }
        }
        Map<String, ExecResult> by = new LinkedHashMap<>();
        for (ExecResult r : report.results()) {
            by.put(r.host(), r);
        }
        ExecResults results = new ExecResults(session, command, names, by,
                report.elapsed() != null ? report.elapsed() : Duration.between(start, Instant.now()));
        if (!session.interactive() && !DefaultTypeTransformation.castToBoolean(opts.get("quiet"))) {
            session.output().out().print(results.render());
        }
        finish(results);
        return results;
    }

    ExecResults exec(String command) {
        return exec(Map.of(), command);
    }

    // ---- writes ------------------------------------------------------------------------------------------

    ChangeResults setOverride(Map<String, ?> options, Object source) {
        WriteSource src = writeSource("setOverride", source);
        return write("setOverride",
                (ctx, gate, listener) -> new SetOverride(ctx).run(names, src,
                        WriteOptions.fromMap(WriteAction.OVERRIDE_SET, options), gate, listener, session.cancellation()));
    }

    ChangeResults setOverride(Object source) {
        return setOverride(Map.of(), source);
    }

    ChangeResults unsetOverride(Map<String, ?> options) {
        return write("unsetOverride",
                (ctx, gate, listener) -> new UnsetOverride(ctx).run(names,
                        WriteOptions.fromMap(WriteAction.OVERRIDE_UNSET, options), gate, listener, session.cancellation()));
    }

    ChangeResults unsetOverride() {
        return unsetOverride(Map.of());
    }

    ChangeResults setVault(Map<String, ?> options, Object source) {
        WriteSource src = writeSource("setVault", source);
        return write("setVault",
                (ctx, gate, listener) -> new SetVault(ctx).run(names, src,
                        WriteOptions.fromMap(WriteAction.VAULT_SET, options), gate, listener, session.cancellation()));
    }

    ChangeResults setVault(Object source) {
        return setVault(Map.of(), source);
    }

    PuppetResults runPuppet(Map<String, ?> options) {
        Map<String, ?> o = options == null ? Map.of() : options;
        NamedOptions.check("runPuppet", o, List.of("reason", "timeout", "command", "quiet", "reaudit"));
        session.checkCancelled("runPuppet");
        Object reason = o.get("reason");
        Object command = o.get("command");
        Object reaudit = o.get("reaudit");
        RunPuppet.Options opts = new RunPuppet.Options(command == null ? null : command.toString(),
                HostSet.toDuration(o.get("timeout"), "runPuppet timeout:"), reason == null ? null : reason.toString(),
                reaudit == null ? null : DefaultTypeTransformation.castToBoolean(reaudit));
        boolean print = !session.interactive() && !DefaultTypeTransformation.castToBoolean(o.get("quiet"));
        PuppetRunFormatter formatter = new PuppetRunFormatter(session.output().colour());
        PuppetRunReport report;
        try (Progress p = session.output().progressOnStart("runPuppet")) {
            report = new RunPuppet(session.writeContext()).run(names, opts, session.writeGate(), p,
                    session.cancellation(), r -> {
                        if (print) {
                            synchronized (session.output().out()) {
                                session.output().out().print(formatter.output(r));
                                session.output().out().flush();
                            }
                        }
                    });
        }
        PuppetResults results = new PuppetResults(session, names, report);
        if (report.performed()) {
            // one status line per host; the summary follows from finish() (scripts) or the REPL's printer
            report.hosts().forEach(r -> session.output().out().println(formatter.status(r)));
        }
        finish(results);
        return results;
    }

    PuppetResults runPuppet() {
        return runPuppet(Map.of());
    }

    Results reboot(Map<String, ?> options) {
        Map<String, ?> o = options == null ? Map.of() : options;
        NamedOptions.check("reboot", o, List.of("reason", "fanout"));
        session.checkCancelled("reboot");
        Object reason = o.get("reason");
        Integer fanout = o.get("fanout") == null ? null : DefaultTypeTransformation.intUnbox(o.get("fanout"));
        Reboots reboots = Reboots.of(session.fleet(), session.writeContext().auditLog(),
                session.writeContext().clock());
        RebootReport report = reboots.run(names, reason == null ? null : reason.toString(), fanout,
                session.writeGate(), r -> {
                    synchronized (session.output().out()) {
                        session.output().out().println(r.host() + ": " + r.outcome() + ": " + r.detail());
                        session.output().out().flush();
                    }
                });
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        names.forEach(h -> outcomes.put(h, report.performed() ? Outcome.CANCELLED : Outcome.OK));
        for (HostReboot r : report.results()) {
            outcomes.put(r.host(), r.ok() ? Outcome.OK
                    : r.outcome().equals(HostReboot.CANCELLED) ? Outcome.CANCELLED : Outcome.FAILED);
            if (!r.ok()) {
                errors.put(r.host(), r.outcome() + ": " + r.detail());
            }
        }
        Results results = new Results(session, "reboot", names, outcomes, errors, report.elapsed());
        finish(results);
        return results;
    }

    Results quarantine(Map<String, ?> options) {
        Map<String, ?> o = options == null ? Map.of() : options;
        NamedOptions.check("quarantine", o, List.of("reason", "for"));
        Object reason = o.get("reason");
        Duration d = o.containsKey("for") ? HostSet.toDuration(o.get("for"), "quarantine for:") : null;
        return quarantine("quarantine", false, d, reason == null ? null : reason.toString());
    }

    Results unquarantine(Map<String, ?> options) {
        Map<String, ?> o = options == null ? Map.of() : options;
        NamedOptions.check("unquarantine", o, List.of("reason"));
        Object reason = o.get("reason");
        return quarantine("unquarantine", true, null, reason == null ? null : reason.toString());
    }

    Results unquarantine() {
        return unquarantine(Map.of());
    }

    private Results quarantine(String verb, boolean lift, Duration duration, String reason) {
        session.checkCancelled(verb);
        QuarantineResults r;
        try {
            r = session.fleet().quarantine(names, lift, duration, reason, session.writeGate(),
                    session.writeContext().auditLog());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DslCancelled(verb + " interrupted");
        }
        List<String> hosts = r.plan().hosts();
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        for (String h : hosts) {
            outcomes.put(h, !r.sent() || r.done().containsKey(h) ? Outcome.OK : Outcome.FAILED);
        }
        Results results = new Results(session, verb, hosts, outcomes, r.failed(), r.elapsed());
        r.plan().skipped().forEach((h, why) -> session.output().info(verb + ": skipped " + h + ": " + why));
        r.warnings().forEach(w -> session.output().info(verb + ": " + w));
        if (r.sent()) {
            session.output().info(results.summary());
        }
        session.track(results);
        return results;
    }

    HostSet note(String text) {
        String checked = Notes.checkText(text, "note");
        return noteChange("note", "add the note '" + checked + "' to", notes -> notes.add(names, checked));
    }

    HostSet clearNote(Map<String, ?> options) {
        Map<String, ?> o = options == null ? Map.of() : options;
        NamedOptions.check("clearNote", o, List.of("reason"));
        String reason = o.get("reason") == null ? null : Notes.checkText(o.get("reason").toString(), "reason");
        return noteChange("clearNote", "clear the notes of", notes -> notes.clear(names, reason));
    }

    HostSet clearNote() {
        return clearNote(Map.of());
    }

    private HostSet noteChange(String verb, String what, Function<Notes, Notes.Change> call) {
        if (names.isEmpty()) {
            return set;
        }
        session.checkCancelled(verb);
        if (session.dryRun()) {
            session.output().info(verb + " (dry run): would " + what + " " + names.size() + (names.size() == 1 ? " host" : " hosts")
                    + ": " + set.fold());
            return set;
        }
        Notes.Change c = call.apply(session.fleet().notes(session.writeContext().auditLog()));
        if (!c.neverSeen().isEmpty()) {
            session.output().info(verb + ": never audited (check the name): " + NodeSet.fold(c.neverSeen()));
        }
        session.output().info(verb + ": " + c.summary() + " (by " + c.actor() + ")");
        return new HostSet(session, names, session.states(names), null);
    }

    @FunctionalInterface
    private interface WriteCall {
        WriteResults run(WriteContext ctx, WriteGate gate, BatchListener listener) throws InterruptedException;
    }

    private ChangeResults write(String verb, WriteCall call) {
        session.checkCancelled(verb);
        WriteResults r;
        try (Progress p = session.output().progressOnStart(verb)) {
            r = call.run(session.writeContext(), session.writeGate(), p);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DslCancelled(verb + " interrupted");
        }
        ChangeResults results = new ChangeResults(session, verb, names, r);
        if (!session.interactive() && r.performed()) {
            session.output().out().print(results.render(session.output().colour()));
        }
        if (session.cancellation().isCancelled()) {
            throw new DslCancelled(r.summary());
        }
        session.track(results);
        return results;
    }

    private WriteSource writeSource(String verb, Object source) {
        if (source instanceof Path p) {
            return WriteSource.file(p);
        }
        if (source instanceof File f) {
            return WriteSource.file(f.toPath());
        }
        if (source instanceof CharSequence cs) {
            String text = cs.toString();
            if (!text.contains("=") && !text.contains("\n")) {
                throw new UserError(verb + ": '" + text + "' is not file content (no assignment); to use a file write "
                        + verb + "(file('" + text + "'))");
            }
            return WriteSource.text(text);
        }
        throw new UserError(verb + ": give file('path') or the file's text, not " + (source == null ? "null"
                : source.getClass().getSimpleName()));
    }

    Results waitFor(Map<String, ?> options, Duration timeout, Closure<?> condition) {
        Map<String, ?> opts = options == null ? Map.of() : options;
        NamedOptions.check("waitFor", opts, List.of("every"));
        if (timeout == null || timeout.isNegative()) {
            throw new UserError("waitFor: give a timeout, e.g. waitFor(2.hours) { applied }");
        }
        Duration every = opts.containsKey("every") ? HostSet.toDuration(opts.get("every"), "waitFor every:") : Duration.ofSeconds(30);
        if (every == null || every.isZero() || every.isNegative()) {
            throw new UserError("waitFor: every: must be a positive duration");
        }
        long startNanos = session.ticker().nanoTime();
        long deadline = startNanos + timeout.toNanos();
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        List<String> pending = new ArrayList<>(names);
        int round = 0;
        while (!pending.isEmpty()) {
            round++;
            HostSet audited = new FleetVerbs(session, set.derive(pending)).reaudit("waitFor");
            List<String> still = new ArrayList<>();
            for (HostState s : audited.states()) {
                if (s.reachable() && HostSet.test(condition, s, "waitFor")) {
                    outcomes.put(s.name(), Outcome.OK);
                    errors.remove(s.name());
                } else {
                    still.add(s.name());
                    Outcome o = s.reachable() ? Outcome.TIMED_OUT : (s.outcome() == null ? Outcome.UNREACHABLE : s.outcome());
                    outcomes.put(s.name(), o == Outcome.FAILED ? Outcome.TIMED_OUT : o);
                    errors.put(s.name(), s.reachable() ? "condition not met" : s.error());
                }
            }
            pending = still;
            long left = deadline - session.ticker().nanoTime();
            if (pending.isEmpty() || left <= 0) {
                break;
            }
            session.output().info(String.format("waitFor: %d/%d hosts meet the condition; next audit in %s (%s left)",
                    names.size() - pending.size(), names.size(), Durations.format(every),
                    Durations.humanize(Duration.ofNanos(left))));
            session.sleep(every.toNanos() < left ? every : Duration.ofNanos(left));
        }
        for (String n : pending) {
            if (outcomes.get(n) == Outcome.TIMED_OUT) {
                errors.put(n, "condition not met within " + Durations.format(timeout));
            }
        }
        Results r = new Results(session, "waitFor", names, outcomes, errors, Duration.ofNanos(session.ticker().nanoTime() - startNanos));
        finish(r);
        return r;
    }

    Results waitFor(Duration timeout, Closure<?> condition) {
        return waitFor(Map.of(), timeout, condition);
    }

    private HostSet reaudit(String verb) {
        runAudit(verb, verb + " audit");
        session.checkCancelled(verb);
        return new HostSet(session, names, session.states(names), null);
    }

    private AuditReport runAudit(String verb, String phase) {
        session.checkCancelled(verb);
        try (Progress p = session.output().progress(phase, names.size())) {
            return session.fleet().audit(names, p, session.cancellation());
        }
    }

    private void finish(Results r) {
        if (session.cancellation().isCancelled()) {
            throw new DslCancelled(r.summary());
        }
        if (!session.interactive()) {
            session.output().info(r.summary());
        }
        session.track(r);
    }
}
