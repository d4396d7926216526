package dev.fleetroll.console.render;

import dev.fleetroll.inventory.NodeSet;
import dev.fleetroll.ops.ActionPlan;
import dev.fleetroll.ops.PuppetRunPlan;
import dev.fleetroll.ops.RebootPlan;
import dev.fleetroll.ops.QuarantinePlan;
import dev.fleetroll.ops.RolloutStep;
import dev.fleetroll.ops.WritePlan;
import dev.fleetroll.util.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Renders a {@link WritePlan} the same way for the CLI, {@code fleetroll run} dry runs and the REPL confirmation:
 * host count and folded names, source, sha256 and humanhash, target, mode/owner, backup, force, reason, what the
 * hosts have now (grouped, with the unified diff where the old content is stored locally) and the new override
 * text. Vault content is never shown. {@link #toJson} is the same plan for {@code --json}.
 */
public final class PlanFormatter {

    public enum Mode {
        /** About to write ({@code --confirm}). */
        WRITE,
        /** Dry run: ends with how to write for real. */
        DRY_RUN,
        /** Shown before the {@code [y/N]} question. */
        ASK
    }

    private static final String RED = "\u001b[31m";
    private static final String GREEN = "\u001b[32m";
    private static final String CYAN = "\u001b[36m";
    private static final String BOLD = "\u001b[1m";
    private static final String RESET = "\u001b[0m";

    /** New content longer than this is cut short in the plan (the sha256 names it exactly). */
    static final int MAX_CONTENT_LINES = 200;

    private final boolean colour;
    private final Clock clock;

    public PlanFormatter(boolean colour, Clock clock) {
        this.colour = colour;
        this.clock = clock;
    }

    /** Any plan the gate decides on, rendered the same way everywhere. */
    public String render(ActionPlan plan, Mode mode) {
        return switch (plan) {
            case WritePlan w -> render(w, mode);
            case QuarantinePlan q -> render(q, mode);
            case PuppetRunPlan r -> render(r, mode);
            case RolloutStep r -> render(r, mode);
            case RebootPlan r -> render(r, mode);
        };
    }

    private void head(StringBuilder b, ActionPlan p, Mode mode) {
        int n = p.hosts().size();
        String head = switch (mode) {
            case WRITE -> "WRITE";
            case DRY_RUN -> "DRY RUN";
            case ASK -> "PLAN";
        };
        b.append(paint(BOLD, head)).append(": ").append(p.title()).append(" on ").append(n)
                .append(n == 1 ? " host: " : " hosts: ").append(n == 0 ? "(none)" : NodeSet.fold(p.hosts())).append('\n');
    }

    public String render(QuarantinePlan p, Mode mode) {
        StringBuilder b = new StringBuilder();
        head(b, p, mode);
        if (!p.lift()) {
            row(b, "until", p.until().truncatedTo(ChronoUnit.SECONDS) + " ("
                    + Durations.humanize(Duration.between(clock.instant(), p.until())) + " from now)");
        }
        row(b, "reason", p.reason() == null ? "(none given)" : oneLine(p.reason()));
        b.append("  workers:\n");
        for (QuarantinePlan.Target t : p.targets()) {
            String now = t.currentUntil() == null || !t.currentUntil().isAfter(clock.instant()) ? "not quarantined"
                    : "quarantined until " + t.currentUntil().truncatedTo(ChronoUnit.SECONDS);
            b.append("    ").append(t.host()).append(": ").append(t.pool()).append(' ').append(t.workerGroup()).append('/')
                    .append(t.workerId()).append(", ").append(now).append(" (scanned ")
                    .append(Durations.humanize(Duration.between(t.scannedAt(), clock.instant()))).append(" ago)\n");
        }
        p.skipped().forEach((h, why) -> b.append("  skipped ").append(h).append(": ").append(why).append('\n'));
        if (mode == Mode.DRY_RUN) {
            b.append(paint(BOLD, "Nothing sent (dry run).")).append(" Add --confirm to send.\n");
        }
        return b.toString();
    }

    public String render(RolloutStep p, Mode mode) {
        StringBuilder b = new StringBuilder();
        head(b, p, mode);
        row(b, "override", p.overrideSha() + " (" + p.humanhash() + ")");
        row(b, "gate", p.gateState() != null ? p.gateState() : "'" + p.gate() + "'");
        if (!p.hosts().isEmpty() && !p.action().equals("rollback") && !p.action().equals("finalize")) {
            row(b, "puppet", p.runPuppet() ? "runs once on each host after the push" : "not run (the hosts' own schedule applies it)");
        }
        if (p.forced()) {
            row(b, "forced", "yes" + (p.reason() == null ? "" : ": " + oneLine(p.reason())));
        } else if (p.reason() != null) {
            row(b, "reason", oneLine(p.reason()));
        }
        for (String n : p.notes()) {
            b.append("  ").append(n).append('\n');
        }
        if (mode == Mode.DRY_RUN) {
            b.append(paint(BOLD, "Nothing changed (dry run).")).append(" Add --confirm to do it.\n");
        }
        return b.toString();
    }

    public String render(RebootPlan p, Mode mode) {
        StringBuilder b = new StringBuilder();
        head(b, p, mode);
        row(b, "slots", String.join(", ", new java.util.TreeSet<>(p.groups().values()).stream().map(g -> "group " + g + " "
                + p.slots().get(g) + " (" + p.held().getOrDefault(g, 0) + " held now)").toList())
                + ": at most that many hosts of a group down at once");
        java.util.Map<java.util.List<String>, java.util.List<String>> byLadder = new java.util.LinkedHashMap<>();
        p.hosts().forEach(h -> byLadder.computeIfAbsent(p.rungs().get(h), k -> new java.util.ArrayList<>()).add(h));
        byLadder.forEach((rungs, hosts) -> row(b, "ladder", (rungs.isEmpty() ? "(no rung applies)" : String.join(" -> ", rungs))
                + " for " + NodeSet.fold(hosts)));
        row(b, "deadline", Durations.format(p.deadline()) + " per rung to go down and come back (uptime restarts)");
        row(b, "fan-out", "at most " + p.fanout() + " hosts at once");
        row(b, "reason", oneLine(p.reason()));
        if (mode == Mode.DRY_RUN) {
            b.append(paint(BOLD, "Nothing rebooted (dry run).")).append(" Add --confirm to reboot.\n");
        }
        return b.toString();
    }

    public String render(PuppetRunPlan p, Mode mode) {
        StringBuilder b = new StringBuilder();
        head(b, p, mode);
        row(b, "command", p.commandLine() + " (as root, on a pty)");
        row(b, "attempts", "one per host (FLEETROLL_SINGLE_RUN=1), at most " + p.fanout() + " at once");
        row(b, "timeout", Durations.format(p.timeout()) + " per host");
        row(b, "reason", p.reason() == null ? "(none given)" : oneLine(p.reason()));
        if (mode == Mode.DRY_RUN) {
            b.append(paint(BOLD, "Nothing run (dry run).")).append(" Add --confirm to run.\n");
        }
        return b.toString();
    }

    public String render(WritePlan p, Mode mode) {
        StringBuilder b = new StringBuilder();
        head(b, p, mode);
        if (!p.action().removal()) {
            row(b, "source", p.source());
            row(b, "sha256", p.sha256() + " (" + p.humanhash() + "), " + p.size() + " byte" + (p.size() == 1 ? "" : "s"));
        }
        row(b, "target", p.defaultTargets());
        if (!p.action().removal()) {
            row(b, "file", "mode " + p.mode() + ", owner " + p.owner() + ":" + p.group()
                    + ("auto".equals(p.group()) ? " (wheel on macOS, root on Linux)" : ""));
        }
        row(b, "backup", p.backup() ? "yes, keeping the newest " + p.backupsKept() + " per host" : "no");
        if (p.action() == dev.fleetroll.ops.write.WriteAction.OVERRIDE_SET) {
            row(b, "force", p.force() ? "yes: a different override is replaced" : "no: hosts with a different override are blocked");
        }
        if (p.onlyIfSha() != null) {
            row(b, "only if", "the override's sha256 is " + p.onlyIfSha());
        }
        row(b, "reason", p.reason() == null ? "(none given)" : oneLine(p.reason()));
        if (!p.current().isEmpty()) {
            b.append("  now:\n");
            for (WritePlan.CurrentGroup g : p.current()) {
                int k = g.hosts().size();
                b.append("    ").append(String.format("%-8s", k + (k == 1 ? " host" : " hosts"))).append(' ')
                        .append(NodeSet.fold(g.hosts())).append(": ").append(describe(p, g)).append('\n');
                for (String line : g.diff()) {
                    b.append("      ").append(diffLine(line)).append('\n');
                }
            }
        }
        if (p.secret()) {
            b.append("  content: not shown (vault)\n");
        } else if (p.newText() != null) {
            b.append("  new content:\n");
            List<String> lines = p.newText().lines().toList();
            for (String line : lines.subList(0, Math.min(lines.size(), MAX_CONTENT_LINES))) {
                b.append("    | ").append(line).append('\n');
            }
            if (lines.size() > MAX_CONTENT_LINES) {
                b.append("    | ... ").append(lines.size() - MAX_CONTENT_LINES).append(" more lines\n");
            }
        }
        if (mode == Mode.DRY_RUN) {
            b.append(paint(BOLD, "Nothing written (dry run).")).append(" Add --confirm to write.\n");
        }
        return b.toString();
    }

    private String describe(WritePlan p, WritePlan.CurrentGroup g) {
        String age = g.observedAt() == null ? "" : ", audited " + Durations.humanize(Duration.between(g.observedAt(), clock.instant())) + " ago";
        String what = p.action().file().label();
        return switch (g.state()) {
            case ABSENT -> p.action().removal() ? "no " + what + ", nothing to remove" + age : "no " + what + " now" + age;
            case SAME -> "already this content (unchanged)" + age;
            case DIFFERENT -> {
                String s = "has " + g.sha256().substring(0, 12) + " (" + g.humanhash() + ")" + age;
                if (p.action().removal()) {
                    yield s + (p.onlyIfSha() != null && !p.onlyIfSha().equals(g.sha256()) ? ", will be blocked (not the given sha)" : ", will be removed");
                }
                if (!p.expectedBlocked().isEmpty() && p.expectedBlocked().contains(g.hosts().get(0))) {
                    yield s + ", will be blocked unless forced";
                }
                yield s + (p.secret() ? ", will be replaced (not diffed: vault)"
                        : g.diffOmitted() ? ", will be replaced (diff omitted: over " + WritePlan.MAX_DIFF_LINES + " lines)"
                        : g.diff().isEmpty() ? ", will be replaced (old content not stored locally)" : ", will be replaced:");
            }
            case UNKNOWN -> "not known (never audited, or another target path)";
        };
    }

    private String diffLine(String line) {
        if (!colour) {
            return line;
        }
        if (line.startsWith("+++") || line.startsWith("---")) {
            return BOLD + line + RESET;
        }
        if (line.startsWith("@@")) {
            return CYAN + line + RESET;
        }
        if (line.startsWith("+")) {
            return GREEN + line + RESET;
        }
        if (line.startsWith("-")) {
            return RED + line + RESET;
        }
        return line;
    }

    private static void row(StringBuilder b, String key, String value) {
        b.append("  ").append(String.format("%-8s", key)).append(' ').append(value).append('\n');
    }

    private String paint(String code, String text) {
        return colour ? code + text + RESET : text;
    }

    private static String oneLine(String s) {
        return s.replace("\r", "\\r").replace("\n", "\\n");
    }

    /** The plan as JSON-ready maps (snake_case keys); vault plans carry no content. */
    public static Map<String, Object> toJson(WritePlan p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("action", p.action().auditName());
        m.put("host_count", p.hosts().size());
        m.put("hosts", p.hosts());
        m.put("source", p.source());
        m.put("sha256", p.sha256());
        m.put("humanhash", p.humanhash());
        m.put("size", p.size());
        m.put("target", p.targetPath());
        m.put("mode", p.mode());
        m.put("owner", p.owner());
        m.put("group", p.group());
        m.put("backup", p.backup());
        m.put("backups_kept", p.backupsKept());
        m.put("force", p.force());
        m.put("only_if_sha", p.onlyIfSha());
        m.put("reason", p.reason());
        m.put("expected_blocked", p.expectedBlocked());
        m.put("current", p.current().stream().map(g -> {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("state", g.state().name().toLowerCase(java.util.Locale.ROOT));
            c.put("sha256", g.sha256());
            c.put("humanhash", g.humanhash());
            c.put("hosts", g.hosts());
            c.put("observed_at", g.observedAt() == null ? null : g.observedAt().toString());
            c.put("diff", g.diff());
            return c;
        }).toList());
        if (p.newText() != null) {
            m.put("content", p.newText());
        }
        return m;
    }

    /** For callers that only need the folded host names. */
    public static String fold(List<String> hosts) {
        return hosts.isEmpty() ? "(none)" : NodeSet.fold(hosts);
    }
}
