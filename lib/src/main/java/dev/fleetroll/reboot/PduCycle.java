package dev.fleetroll.reboot;

import dev.fleetroll.config.FleetrollConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The ladder's {@code pdu-cycle} rung: sets the host's PDU outlet to "reboot" over SNMP v2c with net-snmp's
 * {@code snmpset} ({@code pdu.outlet_oid}.OUTLET = {@code pdu.reboot_value}; APC PowerNet sPDUOutletCtl, 3 =
 * outletReboot, by default): the outlet goes off and on again, whatever state the host's BMC and OS are in.
 *
 * <p>The write community is read from {@code pdu.credentials_file} ({@code snmp_community}) on each attempt and
 * handed to snmpset in a private {@code snmp.conf} ({@code defCommunity}) in a fresh mode-0700 directory named by
 * {@code SNMPCONFPATH}, removed afterwards: never on the command line, where {@code ps} shows it to every user. An
 * SNMP v2c agent ignores a request with a wrong community, so a wrong community looks like a timeout; the message
 * says so.
 */
public final class PduCycle implements RebootStep {
    private final FleetrollConfig.Pdu config;
    private final Path credentials;

    /** @param credentials the file {@code pdu.credentials_file} names (already resolved), holding {@code snmp_community} */
    public PduCycle(FleetrollConfig.Pdu config, Path credentials) {
        this.config = config;
        this.credentials = credentials;
    }

    @Override
    public String name() {
        return "pdu-cycle";
    }

    @Override
    public boolean appliesTo(String host) {
        return PduOutlet.lookup(config, host).isPresent();
    }

    @Override
    public String attempt(String host, String reason) throws RebootStepFailed {
        PduOutlet o = PduOutlet.lookup(config, host).orElseThrow(
                () -> new RebootStepFailed(host + " has no PDU outlet in the configuration (pdu.hosts)"));
        String community = CredentialsFile.read(credentials, "snmp_community", "pdu.credentials_file");
        if (community.chars().anyMatch(c -> c <= ' ' || c == '"' || c == '\\')) {
            throw new RebootStepFailed("the snmp_community in pdu.credentials_file " + credentials
                    + " has spaces, quotes or backslashes, which snmp.conf cannot carry");
        }
        long perTry = Math.max(1, config.timeout().toSeconds());
        String oid = config.outletOid() + "." + o.outlet();
        String what = "snmpset " + oid + " = " + config.rebootValue() + " on PDU " + o.where();
        Path conf = null;
        try {
            conf = Files.createTempDirectory("fleetroll-snmp-", PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
            Files.writeString(conf.resolve("snmp.conf"), "defCommunity " + community + "\ndefVersion 2c\nmibs :\n"
                    + "persistentDir " + conf.resolve("persist") + "\n", StandardCharsets.UTF_8);
            List<String> argv = List.of("snmpset", "-On", "-t", Long.toString(perTry), "-r", Integer.toString(config.retries()),
                    o.address() + ":" + o.port(), oid, "i", Integer.toString(config.rebootValue()));
            Duration ceiling = Duration.ofSeconds(perTry * (config.retries() + 1) * 3 + 20);
            LocalCommand r = LocalCommand.run(argv, Map.of("SNMPCONFPATH", conf.toString(), "MIBS", ":"), ceiling, "snmp");
            if (r.ok()) {
                return CredentialsFile.scrub(what + ": " + r.stdout().strip().lines().findFirst().orElse("done"), community);
            }
            throw new RebootStepFailed(CredentialsFile.scrub(what + " failed: " + diagnose(r, o, perTry), community));
        } catch (IOException e) {
            throw new RebootStepFailed("cannot write snmpset's private configuration: " + e.getMessage());
        } finally {
            delete(conf);
        }
    }

    private String diagnose(LocalCommand r, PduOutlet o, long perTry) {
        String out = r.output();
        int tries = config.retries() + 1;
        if (r.timedOut() || out.contains("Timeout") || out.contains("No Response")) {
            return "SNMP timeout: no answer in " + tries + " tr" + (tries == 1 ? "y" : "ies") + " of " + perTry
                    + " s (PDU unreachable, or a wrong snmp_community in pdu.credentials_file: an SNMP v2c agent"
                    + " ignores those)";
        }
        if (out.contains("notWritable") || out.contains("noSuchName") || out.contains("noCreation")
                || out.contains("No Such Object") || out.contains("No Such Instance")) {
            return "the PDU has no writable outlet " + o.outlet() + " at " + config.outletOid() + " (check pdu.hosts and"
                    + " pdu.outlet_oid)";
        }
        if (out.contains("wrongValue") || out.contains("wrongType")) {
            return "the PDU refused value " + config.rebootValue() + " (check pdu.reboot_value)";
        }
        if (out.contains("Unknown host")) {
            return "unknown PDU address " + o.address();
        }
        return out.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("Created directory"))
                .reduce((a, b) -> b).orElse("exit status " + r.exitCode());
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort: a temp file with a secret in a private directory
                }
            });
        } catch (IOException ignored) {
            // already gone
        }
    }
}
