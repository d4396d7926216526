package dev.fleetroll.console.dsl;

import dev.fleetroll.state.Columns;
import dev.fleetroll.state.HostState;
import dev.fleetroll.state.Query;
import dev.fleetroll.util.Durations;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import org.codehaus.groovy.runtime.InvokerHelper;

/**
 * How a statement's value is shown (REPL, {@code -e}): a {@link HostSet} as the monitor table (plus what the verb
 * that made it did), {@link Results} as the summary (with exec's gathered output), a {@link HostState} as a list
 * of its properties, a Duration as {@code 1h30m}, anything else plainly.
 */
public final class ValuePrinter {
    /** Rows shown for a HostSet value in the REPL before "... N more". */
    public static final int REPL_ROWS = 100;

    private ValuePrinter() {}

    /** The text for {@code value}, ending in a newline; empty for null. */
    public static String render(Object value, DslOutput out, boolean repl) {
        if (value == null) {
            return "";
        }
        StringBuilder b = new StringBuilder();
        if (value instanceof HostSet h) {
            b.append(HostTable.render(h.states(), Columns.standard().displayed(), out.colour(),
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
        if (value instanceof Results r) {
            return r.summary() + "\n";
        }
        if (value instanceof HostState s) {
            Map<String, Object> m = HostJson.toMap(s);
            int w = m.keySet().stream().mapToInt(String::length).max().orElse(0);
            m.forEach((k, v) -> b.append(String.format("%-" + w + "s  %s%n", k, plain(v))));
            return b.toString();
        }
        return plain(value) + "\n";
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
