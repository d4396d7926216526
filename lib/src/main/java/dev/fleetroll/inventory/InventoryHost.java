package dev.fleetroll.inventory;

import java.time.Instant;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * One host of record in the inventory (store schema version 6).
 *
 * @param host the host name as the store spells it
 * @param enabled false when an operator disabled it ({@code inventory disable HOST --reason})
 * @param disabledReason why it was disabled; null when enabled
 * @param disabledBy who disabled it; null when enabled
 * @param disabledAt when; null when enabled
 * @param facts the facts known about it, each with where it came from
 * @param addedBy who first put it in the inventory
 * @param addedAt when
 * @param probe the latest discovery probe; null when never probed
 */
public record InventoryHost(String host, boolean enabled, String disabledReason, String disabledBy, Instant disabledAt,
                            Map<Fact, Sourced> facts, String addedBy, Instant addedAt, ProbeResult probe) {

    public InventoryHost {
        EnumMap<Fact, Sourced> copy = new EnumMap<>(Fact.class);
        copy.putAll(facts);
        facts = Collections.unmodifiableMap(copy);
    }

    /**
     * A fact's value and its source.
     *
     * @param value the value
     * @param source where it came from: {@code import:FILE:LINE}, {@code command}, {@code probe}
     */
    public record Sourced(String value, String source) {}

    /** The value of {@code fact}; null when unknown. */
    public String fact(Fact fact) {
        Sourced s = facts.get(fact);
        return s == null ? null : s.value();
    }
}
