package dev.fleetroll.ops;

import dev.fleetroll.ssh.ExecResult;
import java.time.Duration;
import java.util.List;

/** The outcome of running one command on a set of hosts: one result per host, in input order. */
public record ExecReport(List<ExecResult> results, Duration elapsed) {
    public ExecReport {
        results = List.copyOf(results);
    }
}
