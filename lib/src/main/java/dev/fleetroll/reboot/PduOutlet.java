package dev.fleetroll.reboot;

import dev.fleetroll.config.FleetrollConfig;
import java.util.Map;
import java.util.Optional;

/**
 * The PDU outlet that powers one host, from the configuration's {@code pdu.hosts}.
 *
 * @param address the PDU's address
 * @param port its SNMP UDP port (161)
 * @param outlet the outlet number (the row of the outlet control table)
 */
public record PduOutlet(String address, int port, int outlet) {
    /** {@code address:port outlet N}, for messages. */
    public String where() {
        return address + ":" + port + " outlet " + outlet;
    }

    /** The outlet of {@code host} (keyed by FQDN or short name); empty when it has none. */
    public static Optional<PduOutlet> lookup(FleetrollConfig.Pdu pdu, String host) {
        if (pdu == null || host == null) {
            return Optional.empty();
        }
        String name = host.toLowerCase(java.util.Locale.ROOT);
        for (Map.Entry<String, FleetrollConfig.PduOutlet> e : pdu.hosts().entrySet()) {
            FleetrollConfig.PduOutlet o = e.getValue();
            if (o != null && o.address() != null && BmcTarget.sameHost(e.getKey(), name)) {
                return Optional.of(new PduOutlet(o.address(), o.port() != null ? o.port() : pdu.port(), o.outlet()));
            }
        }
        return Optional.empty();
    }
}
