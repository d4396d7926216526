package dev.fleetroll.console.dsl.compile;

import java.math.BigDecimal;
import java.time.Duration;

/**
 * Groovy extension methods for durations in scripts and the REPL: {@code 30.seconds}, {@code 5.minutes},
 * {@code 2.hours}, {@code 1.day}, {@code 1.5.hours}, and arithmetic ({@code 2.hours + 30.minutes},
 * {@code 5.minutes * 3}, {@code 1.hour / 4}). Comparisons ({@code dataAge > 2.hours}) work because
 * {@link Duration} is {@link Comparable}. Registered in {@code META-INF/groovy/org.codehaus.groovy.runtime.ExtensionModule}.
 */
public final class DurationExtension {
    private DurationExtension() {}

    private static Duration of(Number n, long nanosPerUnit) {
        if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte) {
            return Duration.ofNanos(Math.multiplyExact(n.longValue(), nanosPerUnit));
        }
        BigDecimal nanos = new BigDecimal(n.toString()).multiply(BigDecimal.valueOf(nanosPerUnit));
        return Duration.ofNanos(nanos.setScale(0, java.math.RoundingMode.HALF_UP).longValueExact());
    }

    public static Duration getMilliseconds(Number self) {
        return of(self, 1_000_000L);
    }

    public static Duration getMillisecond(Number self) {
        return getMilliseconds(self);
    }

    public static Duration getSeconds(Number self) {
        return of(self, 1_000_000_000L);
    }

    public static Duration getSecond(Number self) {
        return getSeconds(self);
    }

    public static Duration getMinutes(Number self) {
        return of(self, 60_000_000_000L);
    }

    public static Duration getMinute(Number self) {
        return getMinutes(self);
    }

    public static Duration getHours(Number self) {
        return of(self, 3_600_000_000_000L);
    }

    public static Duration getHour(Number self) {
        return getHours(self);
    }

    public static Duration getDays(Number self) {
        return of(self, 86_400_000_000_000L);
    }

    public static Duration getDay(Number self) {
        return getDays(self);
    }

    public static Duration getWeeks(Number self) {
        return of(self, 7 * 86_400_000_000_000L);
    }

    public static Duration getWeek(Number self) {
        return getWeeks(self);
    }

    /** {@code 5.minutes * 3}. */
    public static Duration multiply(Duration self, Number factor) {
        return of(factor, self.toNanos());
    }

    /** {@code 1.hour / 4}. */
    public static Duration div(Duration self, Number divisor) {
        BigDecimal nanos = BigDecimal.valueOf(self.toNanos()).divide(new BigDecimal(divisor.toString()), 0,
                java.math.RoundingMode.HALF_UP);
        return Duration.ofNanos(nanos.longValueExact());
    }

    /** {@code -5.minutes}. */
    public static Duration negative(Duration self) {
        return self.negated();
    }
}
