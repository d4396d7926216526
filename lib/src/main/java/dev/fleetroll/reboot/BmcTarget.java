package dev.fleetroll.reboot;

import dev.fleetroll.config.FleetrollConfig;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Where one host's BMC is and whom to log in as, from the configuration's {@code bmc:} section.
 *
 * @param address the BMC's address (name or IP)
 * @param port its UDP port (623)
 * @param user the BMC user
 */
public record BmcTarget(String address, int port, String user) {
    /** {@code address:port}, for messages. */
    public String where() {
        return address + ":" + port;
    }

    /**
     * The BMC of {@code host} (an FQDN, or a short name when the configuration keys hosts by short name): an entry
     * keyed by the host itself (or its short name) first, then the first rule whose {@code match} regex matches the
     * whole name, its {@code address} being the replacement. Empty when the host has none.
     */
    public static Optional<BmcTarget> lookup(FleetrollConfig.Bmc bmc, String host) {
        if (bmc == null || host == null) {
            return Optional.empty();
        }
        String name = host.toLowerCase(Locale.ROOT);
        for (Map.Entry<String, FleetrollConfig.BmcHost> e : bmc.hosts().entrySet()) {
            FleetrollConfig.BmcHost h = e.getValue();
            if (h != null && h.match() == null && h.address() != null && sameHost(e.getKey(), name)) {
                return Optional.of(of(bmc, h, h.address()));
            }
        }
        for (FleetrollConfig.BmcHost h : bmc.hosts().values()) {
            if (h == null || h.match() == null || h.address() == null) {
                continue;
            }
            Matcher m;
            try {
                m = Pattern.compile(h.match()).matcher(name);
            } catch (PatternSyntaxException e) {
                continue; // a broken rule matches nothing
            }
            if (m.matches()) {
                return Optional.of(of(bmc, h, m.replaceFirst(h.address())));
            }
        }
        return Optional.empty();
    }

    private static BmcTarget of(FleetrollConfig.Bmc bmc, FleetrollConfig.BmcHost h, String address) {
        return new BmcTarget(address, h.port() != null ? h.port() : bmc.port(), h.user() != null ? h.user() : bmc.user());
    }

    /** {@code key} names {@code host}: equal, or one is the other's short name. */
    static boolean sameHost(String key, String host) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.equals(host) || host.startsWith(k + ".") || k.startsWith(host + ".");
    }
}
