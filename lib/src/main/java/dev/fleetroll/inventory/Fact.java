package dev.fleetroll.inventory;

import dev.fleetroll.util.EditDistance;
import dev.fleetroll.UserError;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The facts the inventory keeps about a host of record: a fixed set, so a typo ({@code dcc=mdc1}) is an error rather
 * than a new fact nobody queries. The populations ({@link #population()}) also select hosts:
 * {@code hosts('pool:gecko-t-linux-talos-1804')}, {@code hosts('dc:mdc1')}.
 */
public enum Fact {
    /** The Taskcluster worker pool of record (provisioner/worker-type, or worker-type alone). */
    POOL("pool", true, "Taskcluster worker pool of record"),
    /** The datacenter. */
    DC("dc", true, "datacenter"),
    /** The expected operating system ({@code linux}, {@code mac}, {@code windows}); compared by OS letter. */
    OS("os", true, "expected operating system: linux, mac, windows"),
    /** The hardware model. */
    HW("hw", true, "hardware model"),
    /** The expected Puppet role ({@code /etc/puppet_role}). */
    ROLE("role", true, "expected Puppet role"),
    /** The BMC (IPMI) address, when the host has one. */
    BMC("bmc", false, "BMC address (host or IP) probed on port 623");

    private final String key;
    private final boolean population;
    private final String description;

    Fact(String key, boolean population, String description) {
        this.key = key;
        this.population = population;
        this.description = description;
    }

    /** The lower-case key used in files, options, selectors and JSON: {@code pool}, {@code dc}. */
    public String key() {
        return key;
    }

    /** True when hosts can be selected by it ({@code KEY:VALUE}). */
    public boolean population() {
        return population;
    }

    public String description() {
        return description;
    }

    /** Every key, in declaration order. */
    public static List<String> keys() {
        return Arrays.stream(values()).map(Fact::key).toList();
    }

    /** The keys that select hosts. */
    public static List<String> populationKeys() {
        return Arrays.stream(values()).filter(Fact::population).map(Fact::key).toList();
    }

    /** The fact called {@code key}, or a one-line error naming the nearest key and the known ones. */
    public static Fact of(String key) {
        String k = key == null ? "" : key.strip().toLowerCase(Locale.ROOT);
        for (Fact f : values()) {
            if (f.key.equals(k)) {
                return f;
            }
        }
        String near = EditDistance.closest(k, keys());
        throw new UserError("unknown inventory key '" + key + "'" + (near == null ? "" : " (did you mean '" + near + "'?)")
                + "; known keys: " + String.join(", ", keys()));
    }

    /** The population called {@code key}, or a one-line error naming the known populations. */
    public static Fact population(String key) {
        Fact f;
        try {
            f = of(key);
        } catch (UserError e) {
            String near = EditDistance.closest(key.toLowerCase(Locale.ROOT), populationKeys());
            throw new UserError("unknown population '" + key + "'" + (near == null ? "" : " (did you mean '" + near + "'?)")
                    + "; populations: " + String.join(", ", populationKeys()));
        }
        if (!f.population) {
            throw new UserError("'" + key + "' does not select hosts; populations: " + String.join(", ", populationKeys()));
        }
        return f;
    }

    /**
     * Checks a value: one token of printable ASCII without spaces, {@code #}, {@code ,} or quotes (it goes in
     * selectors, files and tables). Returns it stripped, or throws a one-line error.
     */
    public String check(String value) {
        String v = value == null ? "" : value.strip();
        if (v.isEmpty()) {
            throw new UserError(key + ": empty value (write " + key + "=VALUE)");
        }
        if (v.length() > 200 || !v.matches("[A-Za-z0-9._/:@+-]+")) {
            throw new UserError(key + ": bad value '" + v + "' (use letters, digits and . _ / : @ + - only)");
        }
        return v;
    }
}
