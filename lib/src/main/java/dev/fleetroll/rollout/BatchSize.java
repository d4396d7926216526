package dev.fleetroll.rollout;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.fleetroll.UserError;
import java.util.Locale;

/**
 * The size of one rollout batch after the canary: a host count ({@code 5}), a share of all targets ({@code 10%},
 * rounded up, at least one host) or {@code rest} (every host not yet in a stage). Written as text in the store and
 * on the command line.
 */
public record BatchSize(Kind kind, int value) {
    public enum Kind { COUNT, PERCENT, REST }

    public static final BatchSize REST = new BatchSize(Kind.REST, 0);

    public BatchSize {
        if (kind == Kind.COUNT && value < 1) {
            throw new UserError("a batch of " + value + " hosts: give at least 1");
        }
        if (kind == Kind.PERCENT && (value < 1 || value > 100)) {
            throw new UserError("a batch of " + value + "%: give 1% to 100%");
        }
    }

    public static BatchSize count(int n) {
        return new BatchSize(Kind.COUNT, n);
    }

    public static BatchSize percent(int p) {
        return new BatchSize(Kind.PERCENT, p);
    }

    /** {@code 5}, {@code 10%}, {@code rest}. */
    @JsonCreator
    public static BatchSize parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        try {
            if (t.equals("rest")) {
                return REST;
            }
            if (t.endsWith("%")) {
                return percent(Integer.parseInt(t.substring(0, t.length() - 1).strip()));
            }
            return count(Integer.parseInt(t));
        } catch (NumberFormatException e) {
            throw new UserError("batch size '" + text + "' is not a host count (5), a percentage (10%) or rest");
        }
    }

    /** How many hosts this batch takes, of {@code total} targets with {@code left} not yet staged. */
    public int hosts(int total, int left) {
        int n = switch (kind) {
            case COUNT -> value;
            case PERCENT -> Math.max(1, (int) Math.ceil(total * value / 100.0));
            case REST -> left;
        };
        return Math.min(n, left);
    }

    @JsonValue
    @Override
    public String toString() {
        return switch (kind) {
            case COUNT -> Integer.toString(value);
            case PERCENT -> value + "%";
            case REST -> "rest";
        };
    }
}
