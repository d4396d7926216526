package dev.fleetroll.ops;

import dev.fleetroll.ops.write.WriteContext;
import dev.fleetroll.UserError;
import dev.fleetroll.auditlog.AuditRecord;
import dev.fleetroll.ssh.BatchListener;
import dev.fleetroll.ssh.Cancellation;
import dev.fleetroll.ssh.ExecResult;
import dev.fleetroll.ssh.Outcome;
import dev.fleetroll.ssh.RemoteCommand;
import dev.fleetroll.state.Observation;
import dev.fleetroll.util.Ansi;
import dev.fleetroll.util.Shell;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code runPuppet()} and {@code fleetroll host-run-puppet}: runs each host's run-puppet wrapper once, as the
 * established tool does: {@code env FLEETROLL_SINGLE_RUN=1 WRAPPER 2>&1; echo EXIT=$?} as root, on a pty so Puppet
 * colours its output, with the configured bounded fan-out. Per host: the transport outcome, Puppet's exit code
 * (parsed from the final {@code EXIT=N} line, which is removed), the output ANSI-sanitised and kept under
 * {@code $FLEETROLL_HOME/puppet-runs/HOST/}, one audit record ({@code host.run_puppet}: exit, changes, duration,
 * never the output), and the host's fresh audit (the new run metadata), stored.
 *
 * <p>Running Puppet changes hosts, so the plan goes through the {@link WriteGate} like a file write: the console
 * asks, scripts and the CLI are dry runs unless {@code --confirm}, no terminal and no {@code --confirm} refuses.
 */
public final class RunPuppet {
    private static final Logger LOG = LoggerFactory.getLogger(RunPuppet.class);

    /** Where ronin_puppet hosts (and the sandbox's) have the wrapper. */
    public static final String DEFAULT_COMMAND = "/usr/local/bin/run-puppet.sh";
    /** One Puppet run may take a while; this bounds it per host unless the caller says otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);
    /** Runs kept per host under {@code puppet-runs/HOST/}. */
    static final int LOGS_KEPT = 20;

    private static final Pattern EXIT = Pattern.compile("(?m)^EXIT=(\\d+)\\s*$");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    /**
     * Per-call options.
     *
     * @param command the wrapper's path on the hosts; null = {@link #DEFAULT_COMMAND}
     * @param timeout per host; null = {@link #DEFAULT_TIMEOUT}
     * @param reaudit audit the hosts afterwards (default true): the result then carries the new run metadata
     */
    public record Options(String command, Duration timeout, String reason, Boolean reaudit) {
        public static final Options DEFAULTS = new Options(null, null, null, null);

        public String commandOrDefault() {
            return command == null || command.isBlank() ? DEFAULT_COMMAND : command;
        }

        public Duration timeoutOrDefault() {
            return timeout == null ? DEFAULT_TIMEOUT : timeout;
        }

        public boolean reauditOrDefault() {
            return reaudit == null || reaudit;
        }
    }

    private final WriteContext ctx;

    public RunPuppet(WriteContext ctx) {
        this.ctx = ctx;
    }

    /** The text each host runs: the wrapper once, its output merged, then its exit status on a line of its own. */
    public static String script(String command) {
        return "env FLEETROLL_SINGLE_RUN=1 " + Shell.quote(command) + " 2>&1; echo \"EXIT=$?\"";
    }

    /** Checks the options and builds the plan without touching a host or the audit log. */
    public PuppetRunPlan plan(List<String> hosts, Options options) {
        String command = options.commandOrDefault();
        if (!command.startsWith("/") || command.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new UserError("runPuppet: the wrapper must be an absolute path on the hosts, not '" + command
                    + "' (default " + DEFAULT_COMMAND + ")");
        }
        Duration t = options.timeoutOrDefault();
        if (t.isZero() || t.isNegative()) {
            throw new UserError("runPuppet: the timeout must be positive, not " + t);
        }
        int fanout = ctx.fleet().workspace().config().ssh().fanout();
        return new PuppetRunPlan(List.copyOf(new LinkedHashSet<>(hosts)), command, script(command), t, fanout,
                options.reason());
    }

    /**
     * Plans, asks {@code gate}, runs, audits each host, keeps the outputs and re-audits the hosts that ran.
     *
     * @param each called from worker threads with each host's result as it finishes (before the re-audit), for
     *     live output; may be null
     * @throws WriteRefused when the gate refuses (fail closed)
     */
    public PuppetRunReport run(List<String> hosts, Options options, WriteGate gate, BatchListener listener,
                               Cancellation cancellation, Consumer<PuppetRunResult> each) {
        Instant start = ctx.clock().instant();
        PuppetRunPlan plan = plan(hosts, options);
        if (plan.hosts().isEmpty()) {
            return new PuppetRunReport(plan, null, List.of(), null, List.of(), Duration.ZERO);
        }
        WriteGate.Decision decision = WriteGate.ask(gate, plan);
        if (decision.verdict() != WriteGate.Verdict.WRITE) {
            auditDecision(plan, decision);
            decision.throwIfRefused(plan);
            return new PuppetRunReport(plan, decision, List.of(), null, List.of(), elapsed(start));
        }
        ctx.auditLog().checkWritable(); // no host is changed without a record of it
        RemoteCommand command = RemoteCommand.asRoot(plan.commandLine()).withTimeout(plan.timeout()).withPty();
        Map<String, PuppetRunResult> byHost = new ConcurrentHashMap<>();
        Path logs = ctx.fleet().workspace().home().dir().resolve("puppet-runs");
        ctx.fleet().exec(plan.hosts(), command, listener, cancellation, r -> {
            PuppetRunResult pr = parse(r, logs);
            byHost.put(r.host(), pr);
            if (each != null) {
                try {
                    each.accept(pr);
                } catch (RuntimeException e) {
                    LOG.debug("{}: per-host callback failed", r.host(), e);
                }
            }
        });
        List<PuppetRunResult> results = new ArrayList<>();
        for (String h : plan.hosts()) {
            PuppetRunResult r = byHost.get(h);
            results.add(r != null ? r : new PuppetRunResult(h, Outcome.CANCELLED, null, "", null,
                    "cancelled before it ran", Duration.ZERO, null));
        }
        List<String> warnings = new ArrayList<>();
        try {
            audit(plan, decision, results);
        } catch (UserError e) {
            LOG.error("run puppet on {} hosts was not recorded in the audit log: {}", results.size(), e.getMessage());
            warnings.add("not recorded in the audit log: " + e.getMessage());
        }
        AuditReport reaudit = null;
        List<String> touched = results.stream().filter(r -> !r.unreachable() && r.transport() != Outcome.CANCELLED)
                .map(PuppetRunResult::host).toList();
        if (options.reauditOrDefault() && !touched.isEmpty() && !(cancellation != null && cancellation.isCancelled())) {
            try {
                reaudit = ctx.fleet().audit(touched, listener, cancellation);
                Map<String, Observation> fresh = new LinkedHashMap<>();
                reaudit.observations().forEach(o -> fresh.put(o.host(), o));
                results.replaceAll(r -> fresh.containsKey(r.host()) ? r.withObservation(fresh.get(r.host())) : r);
                long bad = reaudit.failed().size();
                if (bad > 0) {
                    warnings.add("re-audit failed on " + bad + " host" + (bad == 1 ? "" : "s") + "; stored state may be stale");
                }
            } catch (RuntimeException e) {
                LOG.warn("re-audit after run puppet failed", e);
                warnings.add("re-audit failed: " + e.getMessage() + "; stored state may be stale");
            }
        }
        return new PuppetRunReport(plan, decision, results, reaudit, warnings, elapsed(start));
    }

    /** Folds the transport outcome and the {@code EXIT=N} marker into one host's result; keeps the output. */
    static PuppetRunResult parse(ExecResult r, Path logs) {
        String raw = r.stdoutText() + (r.stderr() == null || r.stderr().length == 0 ? "" : r.stderrText());
        String text = Ansi.sanitize(raw);
        Integer exit = null;
        Matcher m = EXIT.matcher(text);
        int cut = -1;
        while (m.find()) {
            exit = Integer.parseInt(m.group(1));
            cut = m.start();
        }
        if (cut >= 0) {
            text = text.substring(0, cut);
        }
        text = text.stripTrailing();
        Outcome transport = r.outcome();
        String error = null;
        if (exit == null) {
            error = r.error() != null ? r.error() : transport.label();
            if (transport == Outcome.OK) {
                transport = Outcome.FAILED; // ran, but the marker is missing: the shell died half-way
                error = "no exit status from the wrapper";
            }
        } else if (exit != 0 && exit != 2) {
            // the last line that names an error says why; else the last line
            List<String> lines = Ansi.plain(text).lines().filter(l -> !l.isBlank()).toList();
            String last = lines.stream().filter(l -> l.toLowerCase(java.util.Locale.ROOT).contains("error"))
                    .reduce((a, b) -> b).orElse(lines.isEmpty() ? "" : lines.get(lines.size() - 1));
            error = "puppet exit " + exit + (last.isEmpty() ? "" : ": " + last.strip());
        }
        Path log = keep(logs, r.host(), r.started(), text);
        return new PuppetRunResult(r.host(), transport, exit, text, log, error, r.elapsed(), null);
    }

    private static Path keep(Path logs, String host, Instant when, String text) {
        if (logs == null || host.contains("/") || host.startsWith(".")) {
            return null;
        }
        try {
            Path dir = logs.resolve(host);
            Files.createDirectories(dir);
            Path file = dir.resolve(STAMP.format(when == null ? Instant.now() : when) + ".log");
            Files.writeString(file, text.isEmpty() ? "" : text + "\n", StandardCharsets.UTF_8);
            try (Stream<Path> old = Files.list(dir)) {
                List<Path> all = old.filter(p -> p.getFileName().toString().endsWith(".log"))
                        .sorted(Comparator.comparing(Path::getFileName).reversed()).toList();
                for (Path p : all.subList(Math.min(LOGS_KEPT, all.size()), all.size())) {
                    Files.deleteIfExists(p);
                }
            }
            return file;
        } catch (IOException e) {
            LOG.warn("{}: could not keep the puppet output: {}", host, e.getMessage());
            return null;
        }
    }

    private Duration elapsed(Instant start) {
        return Duration.between(start, ctx.clock().instant());
    }

    private static Map<String, Object> parameters(PuppetRunPlan plan, String approval) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("command", plan.command());
        p.put("single_run", true);
        p.put("timeout_s", plan.timeout().toSeconds());
        p.put("approval", approval);
        return p;
    }

    private void auditDecision(PuppetRunPlan plan, WriteGate.Decision d) {
        Map<String, Object> obs = new LinkedHashMap<>();
        if (d.explanation() != null) {
            obs.put("explanation", d.explanation());
        }
        ctx.auditLog().append(AuditRecord.builder(PuppetRunPlan.AUDIT_ACTION).hosts(plan.hosts())
                .ok(d.verdict() == WriteGate.Verdict.DRY_RUN).outcome(d.verdict().auditOutcome())
                .dryRun(d.verdict() == WriteGate.Verdict.DRY_RUN).reason(plan.reason())
                .parameters(parameters(plan, d.decidedBy())).observed(obs).build());
    }

    /** One record per host; the raw output is never logged (it is kept in the host's puppet-runs directory). */
    private void audit(PuppetRunPlan plan, WriteGate.Decision d, List<PuppetRunResult> results) {
        Map<String, Object> params = parameters(plan, d.decidedBy());
        List<AuditRecord> records = new ArrayList<>();
        for (PuppetRunResult r : results) {
            Map<String, Object> obs = new LinkedHashMap<>();
            obs.put("puppet_exit", r.puppetExit());
            obs.put("changes_applied", r.changesApplied());
            obs.put("duration_s", r.elapsed() == null ? null : Math.round(r.elapsed().toMillis() / 10.0) / 100.0);
            obs.put("transport", r.transport().label());
            if (r.error() != null) {
                obs.put("error", r.error());
            }
            records.add(AuditRecord.builder(PuppetRunPlan.AUDIT_ACTION).host(r.host()).ok(r.ok()).outcome(r.label())
                    .reason(plan.reason()).parameters(params).observed(obs).build());
        }
        ctx.auditLog().appendAll(records);
    }
}
