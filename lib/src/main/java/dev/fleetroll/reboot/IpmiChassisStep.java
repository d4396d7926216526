package dev.fleetroll.reboot;

import dev.fleetroll.config.FleetrollConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A rung that sends one IPMI chassis power command to the host's BMC with {@code ipmitool -I lanplus}. The password
 * reaches ipmitool through its environment ({@code -E}, {@code IPMI_PASSWORD}), never its command line, where
 * {@code ps} would show it to every user; it is read from {@code bmc.credentials_file} ({@code ipmi_password}) on
 * each attempt. Cipher suite 3 (RAKP-HMAC-SHA1, the IPMI 2.0 default every BMC offers) is asked for directly:
 * letting ipmitool ask the BMC first costs a timeout on BMCs that do not answer that question, ipmi_sim among them.
 */
public abstract sealed class IpmiChassisStep implements RebootStep permits IpmiReset, IpmiCycle {
    private final FleetrollConfig.Bmc config;
    private final Path credentials;
    private final String action;

    IpmiChassisStep(FleetrollConfig.Bmc config, Path credentials, String action) {
        this.config = config;
        this.credentials = credentials;
        this.action = action;
    }

    @Override
    public boolean appliesTo(String host) {
        return BmcTarget.lookup(config, host).isPresent();
    }

    /** The host's BMC, as configured. */
    public Optional<BmcTarget> target(String host) {
        return BmcTarget.lookup(config, host);
    }

    @Override
    public String attempt(String host, String reason) throws RebootStepFailed {
        BmcTarget t = BmcTarget.lookup(config, host).orElseThrow(
                () -> new RebootStepFailed(host + " has no BMC in the configuration (bmc.hosts)"));
        String password = CredentialsFile.read(credentials, "ipmi_password", "bmc.credentials_file");
        long perTry = Math.max(1, config.timeout().toSeconds());
        List<String> argv = List.of("ipmitool", "-I", "lanplus", "-C", "3", "-N", Long.toString(perTry),
                "-R", Integer.toString(config.retries()), "-H", t.address(), "-p", Integer.toString(t.port()),
                "-U", t.user(), "-E", "-v", "chassis", "power", action);
        // ipmitool gives up by itself after its tries; the ceiling only ends one that hangs
        Duration ceiling = Duration.ofSeconds(perTry * (config.retries() + 1) * 3 + 20);
        LocalCommand r = LocalCommand.run(argv, Map.of("IPMI_PASSWORD", password), ceiling, "ipmitool");
        String what = "ipmitool chassis power " + action + " on " + t.where();
        if (r.ok()) {
            String said = r.stdout().lines().map(String::strip).filter(l -> l.startsWith("Chassis Power Control"))
                    .findFirst().orElse("done");
            return CredentialsFile.scrub(what + ": " + said, password);
        }
        throw new RebootStepFailed(CredentialsFile.scrub(what + " failed: " + diagnose(r, t, perTry), password));
    }

    /** One clause saying why ipmitool failed, from its verbose output. */
    private String diagnose(LocalCommand r, BmcTarget t, long perTry) {
        String out = r.output();
        int tries = config.retries() + 1;
        if (out.contains("RAKP 2 HMAC is invalid") || out.contains("invalid integrity check value")
                || out.contains("RAKP 2 message indicates an error : unauthorized")) {
            if (out.contains("unauthorized name")) {
                return "the BMC does not know user '" + t.user() + "' (check bmc.user or the host's bmc entry)";
            }
            return "the BMC refused the password of user '" + t.user() + "' (wrong ipmi_password in bmc.credentials_file)";
        }
        if (r.timedOut() || out.contains("Get Auth Capabilities error") || out.contains("No response")
                || out.contains("Error issuing Get Channel Authentication Capabilities")) {
            return "BMC unreachable: no answer in " + tries + " tr" + (tries == 1 ? "y" : "ies") + " of " + perTry
                    + " s (timeout; is " + t.where() + " the right address and port?)";
        }
        if (out.contains("insufficient privilege") || out.contains("Insufficient privilege")) {
            return "user '" + t.user() + "' may not control chassis power (needs operator or admin privilege)";
        }
        String last = out.lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("Loading IANA") && !l.startsWith(">"))
                .reduce((a, b) -> b).orElse("exit status " + r.exitCode());
        return last;
    }
}
