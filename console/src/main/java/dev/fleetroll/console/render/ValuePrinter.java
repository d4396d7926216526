package dev.fleetroll.console.render;

import dev.fleetroll.console.dsl.ChangeResults;
import dev.fleetroll.console.dsl.DslOutput;
import dev.fleetroll.console.dsl.ExecResults;
import dev.fleetroll.console.dsl.HostSet;
import dev.fleetroll.console.dsl.PuppetResults;
import dev.fleetroll.console.dsl.Results;
import dev.fleetroll.state.Columns;
import dev.fleetroll.state.HostState;
import dev.fleetroll.state.Query;
import dev.fleetroll.util.Durations;
import dev.fleetroll.ssh.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.Map;
import java.util.regex.Pattern;
import org.codehaus.groovy.runtime.InvokerHelper;

/**
 * How a statement's value is shown (REPL, {@code -e}): a {@link HostSet} as the monitor table (plus what the verb
 * that made it did), {@link Results} as the summary (with exec's gathered output), a {@link HostState} as a list
 * of its properties, a Duration as {@code 1h30m}, anything else plainly.
 */
public final class ValuePrinter {
    /** Rows shown for a HostSet value in the REPL before "... N more". */
    public static final int REPL_ROWS = 100;

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

    private ValuePrinter() {}

    /** The text for {@code value}, ending in a newline; empty for null. */
    public static String render(Object value, DslOutput out, boolean repl) {
        if (value == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        if (value instanceof HostSet h) {
            b.append(HostTable.render(h.states(), Columns.standard().displayedFor(h.states()), out.colour(),
                    repl ? REPL_ROWS : Integer.MAX_VALUE));
            if (h.getResults() != null && repl) {
                b.append(h.getResults().summary()).append('\n');
            }
            return b.toString();
        }
        if (value instanceof ExecResults r) {
            return r.render() + r.summary() + "\n";
        }
        if (value instanceof ChangeResults c) {
            return c.getWrites().performed() ? c.render(out.colour()) : c.summary() + "\n";
        }
        if (value instanceof PuppetResults p) {
            return p.getReport().performed() ? p.render(out.colour()) : p.summary() + "\n";
        }
        if (value instanceof Results r) {
            return r.summary() + "\n";
        }
        if (value instanceof HostState s) {
            return properties(s);
        }
        return plain(value) + "\n";
    }

    /**
     * One line per property, as the DSL names them: durations as {@code 3h12m}, times as ISO with their age
     * ({@code 2026-11-23T16:02:11Z (5m ago)}), a record (override, puppet run) as {@code key=value} pairs of its
     * non-null parts, sha256 values shortened to 12 characters.
     */
    static String properties(HostState s) {
        StringBuilder b = new StringBuilder();
        Map<String, Object> m = HostJson.components(s);
        int w = m.keySet().stream().mapToInt(String::length).max().orElse(0);
        m.forEach((k, v) -> b.append(String.format("%-" + w + "s  %s%n", k, human(v, s.asOf()))));
        return b.toString();
    }

    private static String human(Object v, Instant now) {
        if (v instanceof Instant i) {
            Duration age = Duration.between(i, now);
            return i.truncatedTo(ChronoUnit.SECONDS) + (age.isNegative() ? "" : " (" + Durations.format(age) + " ago)");
        }
        if (v instanceof Outcome o) {
            return o.label();
        }
        if (v instanceof String str && SHA256.matcher(str).matches()) {
            return str.substring(0, 12);
        }
        if (v instanceof Record r) {
            StringBuilder b = new StringBuilder();
            HostJson.components(r).forEach((k, part) -> {
                if (part != null) {
                    b.append(b.isEmpty() ? "" : ", ").append(k).append('=').append(human(part, now));
                }
            });
            return b.isEmpty() ? "(empty)" : b.toString();
        }
        return plain(v);
    }

    private static String plain(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Duration d) {
            return Durations.format(d);
        }
        if (value instanceof Query q) {
            return q.text();
        }
        if (value instanceof CharSequence cs) {
            return cs.toString();
        }
        if (value instanceof Map<?, ?> || value instanceof Collection<?> || value.getClass().isArray()) {
            return InvokerHelper.toString(value);
        }
        return InvokerHelper.toString(value);
    }
}
