package dev.fleetroll.reboot;

import dev.fleetroll.config.FleetrollConfig;
import dev.fleetroll.config.Workspace;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;

/**
 * The reboot ladder's rungs above ssh, in the order they are tried: {@code ipmi-reset} ({@link IpmiReset}),
 * {@code ipmi-cycle} ({@link IpmiCycle}), {@code pdu-cycle} ({@link PduCycle}) and the terminal {@code bug}
 * ({@link FileBug}), built from the configuration's {@code bmc:}, {@code pdu:} and {@code bugs:} sections. Every rung
 * is returned; each says per host whether it {@linkplain RebootStep#appliesTo applies} (a host with no BMC entry skips
 * the IPMI rungs, one with no outlet the PDU rung, and with no {@code bugs.url} there is no bug rung).
 */
public final class OutOfBandRungs {
    private OutOfBandRungs() {}

    /** The rungs for {@code ws}'s configuration, credentials files resolved against its home ({@code ~}). */
    public static List<RebootStep> forWorkspace(Workspace ws, Function<String, List<String>> tried) {
        return forConfig(ws.config(), s -> s == null ? null : ws.path(s), tried);
    }

    /**
     * The rungs for {@code config}.
     *
     * @param paths turns a configured file name into a path (expanding {@code ~}); null names stay null
     * @param tried what the ladder tried on a host so far, for the bug's description
     */
    public static List<RebootStep> forConfig(FleetrollConfig config, Function<String, Path> paths,
                                             Function<String, List<String>> tried) {
        Path bmc = paths.apply(config.bmc().credentialsFile());
        return List.of(new IpmiReset(config.bmc(), bmc), new IpmiCycle(config.bmc(), bmc),
                new PduCycle(config.pdu(), paths.apply(config.pdu().credentialsFile())),
                new FileBug(config.bugs(), paths.apply(config.bugs().credentialsFile()), tried));
    }
}
