package dev.fleetroll.inventory;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * One host as an import file or a command gives it: the name, the facts set for it (others are left as they are),
 * and where it and each fact came from ({@code FILE:LINE} or {@code command}).
 *
 * @param host the host name
 * @param facts the facts given
 * @param source where the host was first named
 * @param factSources where each fact was given; a fact missing here came from {@code source}
 */
public record InventoryEntry(String host, Map<Fact, String> facts, String source, Map<Fact, String> factSources) {
    public InventoryEntry {
        facts = copy(facts);
        factSources = copy(factSources);
    }

    public InventoryEntry(String host, Map<Fact, String> facts, String source) {
        this(host, facts, source, Map.of());
    }

    /** Where {@code fact} was given. */
    public String sourceOf(Fact fact) {
        return factSources.getOrDefault(fact, source);
    }

    private static Map<Fact, String> copy(Map<Fact, String> m) {
        EnumMap<Fact, String> c = new EnumMap<>(Fact.class);
        c.putAll(m);
        return Collections.unmodifiableMap(c);
    }
}
