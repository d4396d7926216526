package dev.fleetroll.reboot;

import dev.fleetroll.config.FleetrollConfig;
import java.nio.file.Path;

/**
 * The ladder's {@code ipmi-cycle} rung: {@code ipmitool -I lanplus ... chassis power cycle}: power off, then on again
 * after the BMC's interval (also boots a host that was off). See {@link IpmiChassisStep}.
 */
public final class IpmiCycle extends IpmiChassisStep {
    /** @param credentials the file {@code bmc.credentials_file} names (already resolved), holding {@code ipmi_password} */
    public IpmiCycle(FleetrollConfig.Bmc config, Path credentials) {
        super(config, credentials, "cycle");
    }

    @Override
    public String name() {
        return "ipmi-cycle";
    }
}
