package dev.fleetroll.reboot;

import dev.fleetroll.config.FleetrollConfig;
import java.nio.file.Path;

/**
 * The ladder's {@code ipmi-reset} rung: {@code ipmitool -I lanplus ... chassis power reset}, the reset button (a warm
 * restart: power stays on). See {@link IpmiChassisStep}.
 */
public final class IpmiReset extends IpmiChassisStep {
    /** @param credentials the file {@code bmc.credentials_file} names (already resolved), holding {@code ipmi_password} */
    public IpmiReset(FleetrollConfig.Bmc config, Path credentials) {
        super(config, credentials, "reset");
    }

    @Override
    public String name() {
        return "ipmi-reset";
    }
}
