package dev.fleetroll.ops;

import java.time.Duration;
import java.util.List;

/**
 * What {@code runPuppet()} / {@code fleetroll host-run-puppet} will do, shown before it happens: which hosts, the
 * remote command (one bounded attempt, {@code FLEETROLL_SINGLE_RUN=1}), the per-host timeout and how many hosts run
 * at once. Running Puppet changes hosts, so it goes through the same {@link WriteGate} as file writes.
 *
 * @param command the run-puppet wrapper's path on the hosts
 * @param commandLine the shell text each host runs (as root)
 * @param timeout per-host limit for one run
 */
public record PuppetRunPlan(List<String> hosts, String command, String commandLine, Duration timeout, int fanout,
                            String reason) implements ActionPlan {
    public PuppetRunPlan {
        hosts = List.copyOf(hosts);
    }

    @Override
    public String verb() {
        return "runPuppet";
    }

    @Override
    public String title() {
        return "run puppet";
    }

    /** The audit log's {@code action}. */
    public static final String AUDIT_ACTION = "host.run_puppet";
}
