package dev.fleetroll.console.dsl;

import dev.fleetroll.util.NaturalOrder;
import dev.fleetroll.inventory.NodeSet;
import dev.fleetroll.ssh.ExecResult;
import dev.fleetroll.ssh.Outcome;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** {@link Results} of {@code exec}: also each host's output, gathered into groups of identical output. */
public class ExecResults extends Results {
    private final String command;
    private final Map<String, ExecResult> results;
    private final List<OutputGroup> groups;

    ExecResults(DslSession session, String command, List<String> hosts, Map<String, ExecResult> results,
                Duration elapsed) {
        super(session, "exec", hosts, outcomes(hosts, results), errors(hosts, results), elapsed);
        this.command = command;
        this.results = new LinkedHashMap<>(results);
        this.groups = gather(hosts.stream().map(h -> results.getOrDefault(h, ExecResult.cancelled(h, "not run"))).toList());
    }

    private static Map<String, Outcome> outcomes(List<String> hosts, Map<String, ExecResult> results) {
        Map<String, Outcome> m = new LinkedHashMap<>();
        for (String h : hosts) {
            ExecResult r = results.get(h);
            m.put(h, r == null ? Outcome.CANCELLED : r.outcome());
        }
        return m;
    }

    private static Map<String, String> errors(List<String> hosts, Map<String, ExecResult> results) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String h : hosts) {
            ExecResult r = results.get(h);
            if (r != null && !r.ok()) {
                m.put(h, r.error() != null ? r.error() : "exit " + r.exitCode());
            }
        }
        return m;
    }

    public String getCommand() {
        return command;
    }

    /** Groups of hosts with identical results, biggest first. */
    public List<OutputGroup> getGroups() {
        return groups;
    }

    /** The stdout of {@code host} (empty when it produced none or did not run). */
    public String output(String host) {
        ExecResult r = results.get(host);
        return r == null ? "" : r.stdoutText();
    }

    /** The stderr of {@code host}. */
    public String stderr(String host) {
        ExecResult r = results.get(host);
        return r == null ? "" : r.stderrText();
    }

    /** The exit code of {@code host}, null when the command did not run to completion. */
    public Integer exitCode(String host) {
        ExecResult r = results.get(host);
        return r == null ? null : r.exitCode();
    }

    /** Each host's raw result. */
    public Map<String, ExecResult> getResults() {
        return java.util.Collections.unmodifiableMap(results);
    }

    /** Prints the gathered output and the summary. */
    public void show() {
        PrintStream out = session.output().out();
        out.print(render());
        out.println(summary());
    }

    /** The gathered output: per group a folded host header, then the output. */
    public String render() {
        StringBuilder b = new StringBuilder();
        for (OutputGroup g : groups) {
            String title = g.header() + " (" + g.size() + ")" + describe(g);
            String rule = "-".repeat(Math.min(Math.max(title.length(), 15), 80));
            b.append(rule).append('\n').append(title).append('\n').append(rule).append('\n');
            if (!g.stdout().isEmpty()) {
                b.append(g.stdout());
                if (!g.stdout().endsWith("\n")) {
                    b.append('\n');
                }
            }
            if (!g.stderr().isEmpty()) {
                for (String line : g.stderr().split("\n", -1)) {
                    if (!line.isEmpty()) {
                        b.append("stderr: ").append(line).append('\n');
                    }
                }
            }
        }
        return b.toString();
    }

    private static String describe(OutputGroup g) {
        return switch (g.outcome()) {
            case OK -> "";
            case FAILED -> " exit " + g.exitCode();
            default -> " " + g.outcome().label() + (g.error() == null ? "" : ": " + g.error());
        };
    }

    /** Groups identical results (outcome, exit code, stdout, stderr, error) with folded host headers. */
    static List<OutputGroup> gather(List<ExecResult> results) {
        record Key(Outcome outcome, Integer exit, String out, String err, String error) {}
        Map<Key, List<String>> by = new LinkedHashMap<>();
        for (ExecResult r : results) {
            boolean ran = r.outcome() == Outcome.OK || r.outcome() == Outcome.FAILED;
            Key k = new Key(r.outcome(), r.exitCode(), r.stdoutText(), r.stderrText(),
                    ran ? null : Objects.requireNonNullElse(r.error(), ""));
            by.computeIfAbsent(k, x -> new ArrayList<>()).add(r.host());
        }
        List<OutputGroup> groups = new ArrayList<>();
        for (Map.Entry<Key, List<String>> e : by.entrySet()) {
            List<String> hosts = new ArrayList<>(e.getValue());
            hosts.sort(NaturalOrder.INSTANCE);
            Key k = e.getKey();
            groups.add(new OutputGroup(List.copyOf(hosts), NodeSet.fold(hosts), k.outcome(), k.exit(), k.out(), k.err(),
                    k.error() == null || k.error().isEmpty() ? null : k.error()));
        }
        groups.sort(Comparator.comparing((OutputGroup g) -> g.outcome() != Outcome.OK)
                .thenComparing(OutputGroup::size, Comparator.reverseOrder())
                .thenComparing(g -> g.hosts().get(0), NaturalOrder.INSTANCE));
        return groups;
    }
}
