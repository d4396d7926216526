package dev.fleetroll.console.cli;

import dev.fleetroll.auditlog.Actor;
import dev.fleetroll.auditlog.AuditLog;
import dev.fleetroll.ops.DefaultFleet;
import dev.fleetroll.ops.Fleet;
import dev.fleetroll.reboot.RebootGroups;
import dev.fleetroll.reboot.RebootSlots;
import dev.fleetroll.reboot.SlotHolder;
import java.time.Clock;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code fleetroll reboot-slots list|release HOST --reason TEXT}: the reboot slots held in the store. */
final class RebootSlotsCommand implements Command {
    private final Clock clock;

    RebootSlotsCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String name() {
        return "reboot-slots";
    }

    @Override
    public String summary() {
        return "list the held reboot slots, or release a stuck host's slot by hand";
    }

    @Override
    public String arguments() {
        return "list | release HOST";
    }

    @Override
    public String description() {
        return """
                Reboot slots are a semaphore per reboot group held in the store (reboot.slots per group, default 5;
                groups by host name in reboot.groups): fleetroll reboot, reboot(...) in scripts and the FleetLock
                server (fleetroll fleetlock serve) all take them, so at most that many hosts of a group are down at
                once. A host that came back gives its slot back; one that did not keeps it (state stuck), on
                purpose, until an operator has looked at it and releases it here.

                  list                        every held slot: group, slot, holder, state, who took it, since when
                  release HOST --reason TEXT  frees HOST's slot whoever holds it (a stuck host, a FleetLock client
                                              that died); recorded in the audit log with you and the reason

                Exit status: 0 done, 2 usage error or no such holder.

                Examples:
                  fleetroll reboot-slots list
                  fleetroll reboot-slots release t-linux64-ms-016 --reason 'PSU replaced, host is back'
                """;
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("reason").hasArg().argName("TEXT").desc("release: why (required, audit log)").get());
        o.addOption(Option.builder().longOpt("json").desc("list: print JSON").get());
        return o;
    }

    @Override
    public int run(CommandLine line, CliContext ctx) throws Exception {
        List<String> args = new ArrayList<>(line.getArgList());
        if (args.isEmpty()) {
            throw new UsageError("reboot-slots: give a subcommand: list, release HOST --reason TEXT");
        }
        String sub = args.remove(0);
        try (Fleet fleet = DefaultFleet.open(ctx.workspace())) {
            RebootSlots slots = RebootSlots.of(fleet);
            switch (sub) {
                case "list" -> {
                    if (!args.isEmpty()) {
                        throw new UsageError("reboot-slots list takes no arguments");
                    }
                    list(slots.list(), new RebootGroups(ctx.workspace().config().reboot()), line.hasOption("json"), ctx);
                    return Cli.OK;
                }
                case "release" -> {
                    if (args.size() != 1) {
                        throw new UsageError("reboot-slots release: name one host (or FleetLock client id)");
                    }
                    AuditLog auditLog = AuditLog.of(ctx.workspace().home(), Actor.from(ctx.env()));
                    SlotHolder was = slots.releaseByHand(args.get(0), line.getOptionValue("reason"), auditLog, clock.instant());
                    ctx.out().println("released reboot slot " + was.slot() + " of group " + was.group() + " held by "
                            + was.holder() + " (" + was.state() + ", taken by " + was.actor() + " at "
                            + AuditLog.formatTs(was.acquired()) + ")");
                    ctx.out().println("Audit log: " + auditLog.file());
                    return Cli.OK;
                }
                default -> throw new UsageError("reboot-slots: unknown subcommand '" + sub + "' (list, release)");
            }
        }
    }

    private void list(List<SlotHolder> held, RebootGroups groups, boolean json, CliContext ctx) throws Exception {
        if (json) {
            List<Map<String, Object>> doc = new ArrayList<>();
            for (SlotHolder h : held) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("group", h.group());
                m.put("slot", h.slot());
                m.put("slots", groups.slotsOf(h.group()));
                m.put("holder", h.holder());
                m.put("state", h.state());
                m.put("actor", h.actor());
                m.put("reason", h.reason());
                m.put("since", h.acquired().toString());
                m.put("updated", h.updated().toString());
                m.put("detail", h.detail());
                doc.add(m);
            }
            ctx.out().println(AuditLog.json().writerWithDefaultPrettyPrinter().writeValueAsString(doc));
            return;
        }
        if (held.isEmpty()) {
            ctx.out().println("no reboot slot is held");
            return;
        }
        int w = Math.max(6, held.stream().mapToInt(h -> h.holder().length()).max().orElse(6));
        int gw = Math.max(5, held.stream().mapToInt(h -> h.group().length()).max().orElse(5));
        ctx.out().printf("%-" + gw + "s  %-5s  %-" + w + "s  %-9s  %-12s  %s%n", "GROUP", "SLOT", "HOLDER", "STATE", "BY", "SINCE");
        for (SlotHolder h : held) {
            String since = AuditLog.formatTs(h.acquired().truncatedTo(ChronoUnit.SECONDS)) + " ("
                    + dev.fleetroll.util.Durations.humanize(Duration.between(h.acquired(), clock.instant())) + " ago)";
            ctx.out().printf("%-" + gw + "s  %-5s  %-" + w + "s  %-9s  %-12s  %s%n", h.group(),
                    h.slot() + "/" + groups.slotsOf(h.group()), h.holder(), h.state(), h.actor(), since);
            if (h.detail() != null) {
                ctx.out().println("    " + h.detail());
            }
        }
    }
}
