package dev.fleetroll.console.render;

import dev.fleetroll.content.Humanhash;
import dev.fleetroll.inventory.NodeSet;
import dev.fleetroll.rollout.GateResult;
import dev.fleetroll.rollout.RolloutResult;
import dev.fleetroll.rollout.RolloutStatus;
import dev.fleetroll.util.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How rollouts are shown, the same for {@code fleetroll rollout} and the DSL: the one-line list entry, the status
 * (plan, stages with their gate results, problem hosts, recent events) and the JSON form.
 */
public final class RolloutFormatter {
    static final int EVENTS_SHOWN = 10;

    private final Clock clock;

    public RolloutFormatter(Clock clock) {
        this.clock = clock;
    }

    /** {@code resolverd  active  stage 2/3 waiting for assessment  4 hosts  by alice, updated 5m ago}. */
    public String line(RolloutStatus s) {
        RolloutStatus.Stage cur = s.current();
        return String.format("%-24s %-11s %-8s %-24s %4d hosts  by %s, updated %s ago", s.name(), s.state().label(),
                "stage " + (cur.index() + 1) + "/" + s.stages().size(), cur.title(s.hasCanary()) + " " + cur.state().label(),
                s.plan().targets().size(), s.createdBy(), age(s.updatedAt()));
    }

    public String status(RolloutStatus s) {
        Instant now = clock.instant();
        StringBuilder b = new StringBuilder();
        RolloutStatus.Stage cur = s.current();
        b.append("rollout ").append(s.name()).append(": ").append(s.state().label()).append(", ")
                .append(cur.title(s.hasCanary())).append(" (stage ").append(cur.index() + 1).append(" of ")
                .append(s.stages().size()).append(") ").append(cur.state().label()).append('\n');
        b.append("  override ").append(s.plan().overrideSha(), 0, 12).append(" (").append(Humanhash.of(s.plan().overrideSha()))
                .append(") from ").append(s.plan().source()).append('\n');
        b.append("  gate     '").append(s.plan().gate()).append("', at most ").append(s.plan().maxFailures())
                .append(" failing per stage, soak ").append(Durations.format(s.plan().soak())).append(", Puppet ")
                .append(s.plan().runPuppet() ? "runs after each push" : "not run by the rollout").append('\n');
        b.append("  started  by ").append(s.createdBy()).append(' ').append(s.createdAt().truncatedTo(ChronoUnit.SECONDS))
                .append(", ").append(s.plan().targets().size()).append(" targets");
        if (!s.plan().skipped().isEmpty()) {
            b.append(", skipped ").append(NodeSet.fold(List.copyOf(s.plan().skipped().keySet())));
        }
        b.append('\n');
        if (s.lease() != null) {
            b.append("  NOW      being changed by ").append(s.lease().by()).append(" since ")
                    .append(s.lease().since().truncatedTo(ChronoUnit.SECONDS)).append('\n');
        }
        b.append("  stages:\n");
        for (RolloutStatus.Stage st : s.stages()) {
            b.append(String.format("    %-8s %-24s %3d host%s %s", st.title(s.hasCanary()), st.state().label(), st.hosts().size(),
                    st.hosts().size() == 1 ? " " : "s", NodeSet.fold(st.hosts())));
            GateResult g = st.gate();
            if (g != null) {
                b.append("  gate ").append(g.passed() ? "passed" : "FAILED").append(" (")
                        .append(g.hosts().size() - g.failing().size()).append('/').append(g.hosts().size()).append(')');
            }
            if (st.advancedBy() != null) {
                b.append("  advanced by ").append(st.advancedBy()).append(st.forced() ? " (FORCED: " + st.reason() + ")" : "");
            }
            if (st == cur && st.soakUntil() != null && st.soakUntil().isAfter(now)) {
                b.append("  soak until ").append(st.soakUntil().truncatedTo(ChronoUnit.SECONDS)).append(" (")
                        .append(Durations.humanize(Duration.between(now, st.soakUntil()))).append(" left)");
            }
            b.append('\n');
        }
        List<RolloutStatus.HostRecord> problems = s.hosts().values().stream().filter(h -> problem(h)).toList();
        if (!problems.isEmpty()) {
            b.append("  problems:\n");
            for (RolloutStatus.HostRecord h : problems) {
                b.append("    ").append(h.host()).append(": push ").append(h.push() == null ? "-" : h.push());
                if (h.pushError() != null) {
                    b.append(" (").append(h.pushError()).append(')');
                }
                if (h.puppet() != null) {
                    b.append(", puppet ").append(h.puppet()).append(h.puppetExit() == null ? "" : " (exit " + h.puppetExit() + ")");
                }
                if ("fail".equals(h.gate())) {
                    b.append(", gate failed: ").append(h.gateDetail());
                }
                b.append('\n');
            }
        }
        List<RolloutStatus.Event> ev = s.events();
        b.append("  events:\n");
        for (RolloutStatus.Event e : ev.subList(Math.max(0, ev.size() - EVENTS_SHOWN), ev.size())) {
            b.append("    ").append(e.ts().truncatedTo(ChronoUnit.SECONDS)).append(' ').append(e.actor()).append(' ')
                    .append(e.event()).append(e.detail() == null ? "" : ": " + e.detail()).append('\n');
        }
        return b.toString();
    }

    /** What a command did, then the status. */
    public String result(RolloutResult r) {
        StringBuilder b = new StringBuilder();
        r.warnings().forEach(w -> b.append("warning: ").append(w).append('\n'));
        b.append(r.message()).append('\n');
        return b.toString();
    }

    static boolean problem(RolloutStatus.HostRecord h) {
        boolean pushBad = h.push() != null && !List.of("changed", "unchanged", "rolled-back", "restored", "finalized").contains(h.push());
        return pushBad || h.puppet() != null && !"ok".equals(h.puppet()) || "fail".equals(h.gate());
    }

    private String age(Instant t) {
        Duration d = Duration.between(t, clock.instant());
        return Durations.humanize(d.isNegative() ? Duration.ZERO : d);
    }

    public static Map<String, Object> toJson(RolloutStatus s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", s.name());
        m.put("state", s.state().label());
        m.put("current_stage", s.currentStage());
        m.put("created_by", s.createdBy());
        m.put("created_at", s.createdAt().toString());
        m.put("updated_at", s.updatedAt().toString());
        m.put("override_sha256", s.plan().overrideSha());
        m.put("source", s.plan().source());
        m.put("gate", s.plan().gate());
        m.put("max_failures", s.plan().maxFailures());
        m.put("soak_s", s.plan().soakSeconds());
        m.put("run_puppet", s.plan().runPuppet());
        m.put("targets", s.plan().targets());
        m.put("skipped", s.plan().skipped());
        m.put("lease", s.lease() == null ? null : Map.of("by", s.lease().by(), "since", s.lease().since().toString()));
        m.put("stages", s.stages().stream().map(st -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("index", st.index());
            x.put("title", st.title(s.hasCanary()));
            x.put("state", st.state().name().toLowerCase(java.util.Locale.ROOT));
            x.put("hosts", st.hosts());
            x.put("applied_at", st.appliedAt() == null ? null : st.appliedAt().toString());
            x.put("soak_until", st.soakUntil() == null ? null : st.soakUntil().toString());
            x.put("gate_passed", st.gate() == null ? null : st.gate().passed());
            x.put("gate_failing", st.gate() == null ? null : st.gate().failing());
            x.put("advanced_by", st.advancedBy());
            x.put("forced", st.forced());
            x.put("reason", st.reason());
            return x;
        }).toList());
        m.put("hosts", s.hosts().values().stream().map(h -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("host", h.host());
            x.put("stage", h.stage());
            x.put("push", h.push());
            x.put("push_error", h.pushError());
            x.put("prior_sha256", h.priorSha());
            x.put("puppet", h.puppet());
            x.put("puppet_exit", h.puppetExit());
            x.put("gate", h.gate());
            x.put("gate_detail", h.gateDetail());
            return x;
        }).toList());
        m.put("events", s.events().stream().map(e -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("ts", e.ts().toString());
            x.put("actor", e.actor());
            x.put("event", e.event());
            x.put("detail", e.detail());
            return x;
        }).toList());
        return m;
    }
}
