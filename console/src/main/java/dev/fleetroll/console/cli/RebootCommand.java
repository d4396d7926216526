package dev.fleetroll.console.cli;

import dev.fleetroll.auditlog.Actor;
import dev.fleetroll.auditlog.AuditLog;
import dev.fleetroll.console.writes.ConsoleWriteGate;
import dev.fleetroll.console.render.PlanFormatter;
import dev.fleetroll.inventory.Inventory;
import dev.fleetroll.ops.DefaultFleet;
import dev.fleetroll.ops.Fleet;
import dev.fleetroll.reboot.HostReboot;
import dev.fleetroll.reboot.RebootReport;
import dev.fleetroll.reboot.Reboots;
import dev.fleetroll.util.Durations;
import java.io.PrintStream;
import java.time.Clock;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code fleetroll reboot HOSTS --reason TEXT}: a thin wrapper over {@link Reboots}: coordinated reboots through the
 * store's slots, each host climbing the escalation ladder. Dry run unless {@code --confirm} (or {@code --yes}).
 */
final class RebootCommand implements Command {

    @Override
    public String name() {
        return "reboot";
    }

    @Override
    public String summary() {
        return "reboot hosts through the reboot slots, escalating until each is back (dry run unless --confirm)";
    }

    @Override
    public String arguments() {
        return "HOST_OR_LIST...";
    }

    @Override
    public String description() {
        return """
                Reboots the hosts in parallel (at most --fanout, default ssh.fanout, at once), each only once it
                holds a reboot slot of its group (reboot.slots, default 5 per group; shared through the store with
                other operators, scripts and fleetroll fleetlock serve), so never more hosts of a group are down at
                once than it has slots.

                Each host climbs the ladder: ssh 'reboot' as root first (then, where configured, the BMC and PDU
                rungs, and last filing a bug). After each rung the host is audited every reboot.poll_every until its
                uptime restarts (it went down and came back) or reboot.deadline passes; then the next rung that
                applies to it. A host that came back gives its slot back. One that did not keeps it, on purpose,
                until an operator releases it (fleetroll reboot-slots release HOST --reason TEXT). A host someone
                else is rebooting is refused, naming who and since when. Every rung tried is a host.reboot line,
                and each host's end a reboot.done line, in $FLEETROLL_HOME/audit.jsonl.

                One line per host as it ends:
                  BACK    HOST back after ssh (booted ...)
                  STUCK   HOST not back after N rungs ...; keeps reboot slot S of group G until ... release
                  REFUSED HOST refused: HOST holds reboot slot ... taken by alice (rebooting)
                  NO-SLOT HOST all N reboot slots of group G are held by hosts that did not come back

                Without --confirm (or --yes) this is a dry run (the plan is printed); without a terminal, --confirm
                or --dry-run is required. Exit status: 0 every host came back (or dry run), 1 some host did not or
                was refused, 2 usage error, 130 interrupted (hosts still waiting for a slot are not rebooted).

                Examples:
                  fleetroll reboot t-linux64-ms-016 --reason 'kernel 6.12'
                  fleetroll reboot 'ms-[001-050]' --reason 'kernel 6.12' --fanout 10 --confirm
                """;
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("reason").hasArg().argName("TEXT").desc("why (required; audit log)").get());
        o.addOption(Option.builder().longOpt("fanout").hasArg().argName("N").desc("hosts worked on at once (default ssh.fanout)").get());
        o.addOption(Option.builder().longOpt("confirm").desc("really reboot (otherwise a dry run)").get());
        o.addOption(Option.builder("y").longOpt("yes").desc("the same as --confirm").get());
        o.addOption(Option.builder().longOpt("dry-run").desc("only show the plan (needed without a terminal when not confirming)").get());
        return SshOptions.add(o);
    }

    @Override
    public int run(CommandLine line, CliContext ctx) {
        boolean confirm = line.hasOption("confirm") || line.hasOption("yes");
        if (confirm && line.hasOption("dry-run")) {
            throw new UsageError(name() + ": --confirm/--yes and --dry-run exclude each other");
        }
        if (line.getArgList().isEmpty()) {
            throw new UsageError(name() + ": name the hosts (HOST_OR_LIST...)");
        }
        if (!line.hasOption("reason")) {
            throw new UsageError(name() + ": --reason TEXT is required (what the audit log and the next operator see)");
        }
        Integer fanout = null;
        if (line.hasOption("fanout")) {
            try {
                fanout = Integer.parseInt(line.getOptionValue("fanout"));
            } catch (NumberFormatException e) {
                throw new UsageError(name() + ": --fanout must be a number, not '" + line.getOptionValue("fanout") + "'");
            }
        }
        List<String> hosts = new Inventory(ctx.workspace()).resolve(line.getArgList());
        ConsoleWriteGate gate = new ConsoleWriteGate(ConsoleWriteGate.Context.CLI, confirm, line.hasOption("dry-run"),
                ctx.stdinIsTerminal(), null, ctx.out(), new PlanFormatter(ctx.colour(), Clock.systemUTC()), true);
        PrintStream out = ctx.out();
        AuditLog auditLog = AuditLog.of(ctx.workspace().home(), Actor.from(ctx.env()));
        boolean[] interrupted = {false};
        RebootReport report;
        try (Fleet fleet = DefaultFleet.open(ctx.workspace(), SshOptions.fleetOptions(line, name(), false))) {
            Reboots reboots = Reboots.of(fleet, auditLog, Clock.systemUTC());
            Runnable restore = Interrupts.onSigint(() -> {
                interrupted[0] = true;
                reboots.cancel();
            });
            try {
                report = reboots.run(hosts, line.getOptionValue("reason"), fanout, gate, r -> {
                    synchronized (out) {
                        out.println(status(r));
                        out.flush();
                    }
                });
            } finally {
                restore.run();
            }
        }
        if (report.performed()) {
            long back = report.results().stream().filter(HostReboot::ok).count();
            out.println("reboot: " + back + " of " + report.results().size() + " back in "
                    + Durations.humanize(report.elapsed()) + (report.stuck().isEmpty() ? ""
                    : "; not back, keeping their slots: " + String.join(", ", report.stuck())));
        }
        out.println("Audit log: " + auditLog.file());
        if (interrupted[0]) {
            ctx.err().println("fleetroll: interrupted; hosts still waiting for a slot were not rebooted");
            return Cli.INTERRUPTED;
        }
        return report.allOk() ? Cli.OK : Cli.FAILED;
    }

    static String status(HostReboot r) {
        String tag = switch (r.outcome()) {
            case HostReboot.CAME_BACK -> "BACK   ";
            case HostReboot.NOT_BACK -> "STUCK  ";
            case HostReboot.REFUSED -> "REFUSED";
            case HostReboot.NO_SLOT -> "NO-SLOT";
            default -> "CANCEL ";
        };
        return tag + " " + r.host() + " " + r.detail();
    }
}
