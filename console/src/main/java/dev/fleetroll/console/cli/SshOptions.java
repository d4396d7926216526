package dev.fleetroll.console.cli;

import dev.fleetroll.ops.DefaultFleet;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** The SSH flags every network command shares: {@code --fanout N} and {@code -F/--ssh-config FILE}. */
final class SshOptions {
    private SshOptions() {}

    static Options add(Options o) {
        o.addOption(Option.builder().longOpt("fanout").hasArg().argName("N")
                .desc("hosts worked on at once (default ssh.fanout, 64)").get());
        o.addOption(Option.builder("F").longOpt("ssh-config").hasArg().argName("FILE")
                .desc("OpenSSH client config to use instead of ssh.config_file (~/.ssh/config)").get());
        return o;
    }

    static DefaultFleet.Options fleetOptions(CommandLine line, String command, boolean fetchVault) {
        Integer fanout = null;
        if (line.hasOption("fanout")) {
            try {
                fanout = Integer.parseInt(line.getOptionValue("fanout"));
            } catch (NumberFormatException e) {
                fanout = -1;
            }
            if (fanout < 1 || fanout > 4096) {
                throw new UsageError(command + ": --fanout '" + line.getOptionValue("fanout") + "' must be a number from 1 to 4096");
            }
        }
        Path config = null;
        if (line.hasOption("ssh-config")) {
            config = Path.of(line.getOptionValue("ssh-config"));
            if (!Files.isReadable(config)) {
                throw new UsageError(command + ": ssh config " + config + " is not readable");
            }
        }
        return new DefaultFleet.Options(config, fanout, fetchVault);
    }
}
