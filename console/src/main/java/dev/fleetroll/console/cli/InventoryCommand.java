package dev.fleetroll.console.cli;

import dev.fleetroll.auditlog.Actor;
import dev.fleetroll.auditlog.AuditLog;
import dev.fleetroll.inventory.Fact;
import dev.fleetroll.inventory.Inventory;
import dev.fleetroll.inventory.InventoryHost;
import dev.fleetroll.inventory.ProbeResult;
import dev.fleetroll.ops.DefaultFleet;
import dev.fleetroll.ops.HostsOfRecord;
import dev.fleetroll.ssh.BatchListener;
import dev.fleetroll.ssh.Cancellation;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code fleetroll inventory import|add|set|remove|disable|enable|list|export|probe}: the hosts of record, thin
 * wrappers over {@link HostsOfRecord} and {@link DefaultFleet#probe}.
 */
final class InventoryCommand implements Command {
    static final List<String> SUBCOMMANDS = List.of("import", "add", "set", "remove", "disable", "enable", "list", "export",
            "probe");

    @Override
    public String name() {
        return "inventory";
    }

    @Override
    public String summary() {
        return "the hosts of record: import, add, set, remove, disable, enable, list, export, probe";
    }

    @Override
    public String arguments() {
        return "import|add|set|remove|disable|enable|list|export|probe [ARGS...]";
    }

    @Override
    public String description() {
        return """
                The inventory is the fleet's list of record, kept in the store ($FLEETROLL_HOME/fleetroll.db): each host
                with its facts (pool, dc, os, hw, role, bmc) and where each fact came from, enabled or disabled (who,
                when, why), and its latest discovery probe. Every change is one transaction and a line in the audit log
                (actor, reason); doing the same change twice changes nothing. Hosts of record are selected by
                population anywhere HOSTS are taken: pool:POOL, dc:DC, os:OS, hw:HW, role:ROLE (enabled hosts only).
                See docs/inventory.md.

                  import FILE...           host lists (one host or node set a line, # fqdn: .suffix) whose lines may
                                           carry facts (t-linux64-ms-[001-040] pool=P dc=mdc1 os=linux role=R), or
                                           CSV files (host,pool,dc,... header). All files are read first: one bad
                                           line names FILE:LINE and nothing is imported. Existing hosts get the
                                           facts given; others keep theirs.
                  add HOST [--pool P --dc D --os O --hw H --role R --bmc B] [KEY=VALUE...]
                                           one new host; a host already of record is an error
                  set HOST KEY=VALUE...    change facts of a host of record (also with the options above)
                  remove HOST... --reason TEXT
                                           no longer of record (the audit log keeps what it was)
                  disable HOST... --reason TEXT
                                           out of service: kept, but population selectors skip it
                  enable HOST... [--reason TEXT]
                  list [HOSTS] [--json]    the hosts of record with facts, state and latest probe
                  export [HOSTS] --format list|json
                                           a host list file (one name a line, enabled hosts) or JSON on stdout
                  probe [HOSTS] [--json] [--fanout N] [-F FILE]
                                           for each host (default: every enabled host of record): resolves, TCP to
                                           the SSH port, SSH auth, sudo -n true (one SSH round trip), and the BMC
                                           on port 623 when a bmc fact is set; saved in the store with the time

                Exit status: 0 ok, 1 a probed host failed a check, 2 bad input (nothing written), 130 interrupted.

                Examples:
                  fleetroll inventory import configs/host-lists/linux/1804.list inventory/mdc1.csv
                  fleetroll inventory add t-linux64-ms-241.test.releng.mdc1.mozilla.com --pool gecko-t-linux-talos-1804 --dc mdc1
                  fleetroll inventory disable ms-016 --reason 'disk failing, RELOPS-123'
                  fleetroll inventory export dc:mdc1 --format list > mdc1.list
                  fleetroll inventory probe pool:gecko-t-linux-talos-1804
                  fleetroll host-monitor --once --filter 'role_drift=y'
                """;
    }

    @Override
    public Options options() {
        Options o = new Options();
        for (Fact f : Fact.values()) {
            o.addOption(Option.builder().longOpt(f.key()).hasArg().argName(f.key().toUpperCase(java.util.Locale.ROOT))
                    .desc("add, set: " + f.description()).get());
        }
        o.addOption(Option.builder().longOpt("reason").hasArg().argName("TEXT").desc("remove, disable (required), enable: why (audit log)").get());
        o.addOption(Option.builder().longOpt("format").hasArg().argName("list|json").desc("export: the output form (default list)").get());
        o.addOption(Option.builder().longOpt("json").desc("list, probe: print JSON").get());
        return SshOptions.add(o);
    }

    @Override
    public int run(CommandLine line, CliContext ctx) throws Exception {
        List<String> args = new ArrayList<>(line.getArgList());
        if (args.isEmpty() || !SUBCOMMANDS.contains(args.get(0))) {
            throw new UsageError("inventory: give a subcommand: " + String.join(", ", SUBCOMMANDS)
                    + (args.isEmpty() ? "" : " (not '" + args.get(0) + "')"));
        }
        String sub = args.remove(0);
        AuditLog auditLog = AuditLog.of(ctx.workspace().home(), Actor.from(ctx.env()));
        DefaultFleet.Options options = sub.equals("probe") ? SshOptions.fleetOptions(line, "inventory probe", false)
                : DefaultFleet.Options.DEFAULT;
        try (DefaultFleet fleet = DefaultFleet.open(ctx.workspace(), options)) {
            HostsOfRecord hosts = fleet.hostsOfRecord(auditLog);
            return switch (sub) {
                case "import" -> {
                    if (args.isEmpty()) {
                        throw new UsageError("inventory import: name host list or CSV files");
                    }
                    HostsOfRecord.Result r = hosts.importFiles(args.stream().map(a -> ctx.workspace().path(a)).toList());
                    ctx.out().println("inventory: " + r.summary());
                    yield Cli.OK;
                }
                case "add", "set" -> {
                    if (args.isEmpty()) {
                        throw new UsageError("inventory " + sub + ": name the host");
                    }
                    String host = args.remove(0);
                    Map<String, String> facts = facts(line, args, sub);
                    HostsOfRecord.Result r = sub.equals("add") ? hosts.add(host, facts) : hosts.set(host, facts);
                    ctx.out().println("inventory: " + (sub.equals("add") ? "added " + r.added().get(0)
                            : (r.updated().isEmpty() ? "unchanged " : "updated ") + host));
                    yield Cli.OK;
                }
                case "remove", "disable", "enable" -> {
                    if (args.isEmpty()) {
                        throw new UsageError("inventory " + sub + ": name the hosts");
                    }
                    String reason = line.getOptionValue("reason");
                    for (String h : names(fleet, args)) {
                        boolean changed = switch (sub) {
                            case "remove" -> hosts.remove(h, reason);
                            case "disable" -> hosts.disable(h, reason);
                            default -> hosts.enable(h, reason);
                        };
                        ctx.out().println(h + ": " + (changed ? sub + "d" : "unchanged (already " + switch (sub) {
                            case "remove" -> "not in the inventory";
                            case "disable" -> "disabled";
                            default -> "enabled";
                        } + ")"));
                    }
                    yield Cli.OK;
                }
                case "list" -> {
                    List<InventoryHost> all = selected(fleet, hosts.list(), args);
                    if (line.hasOption("json")) {
                        ctx.out().println(AuditLog.json().writerWithDefaultPrettyPrinter().writeValueAsString(
                                all.stream().map(InventoryCommand::json).toList()));
                    } else if (all.isEmpty()) {
                        ctx.out().println("no hosts of record (fleetroll inventory import LIST... adds them)");
                    } else {
                        table(ctx, all);
                    }
                    yield Cli.OK;
                }
                case "export" -> {
                    String format = line.getOptionValue("format", "list");
                    List<InventoryHost> all = selected(fleet, hosts.list(), args);
                    switch (format) {
                        case "list" -> {
                            ctx.out().println("# exported by fleetroll inventory export: enabled hosts of record");
                            all.stream().filter(InventoryHost::enabled).forEach(h -> ctx.out().println(h.host()));
                        }
                        case "json" -> ctx.out().println(AuditLog.json().writerWithDefaultPrettyPrinter()
                                .writeValueAsString(all.stream().map(InventoryCommand::json).toList()));
                        default -> throw new UsageError("inventory export: --format '" + format + "' must be list or json");
                    }
                    yield Cli.OK;
                }
                case "probe" -> probe(line, ctx, fleet, hosts, args);
                default -> throw new IllegalStateException(sub);
            };
        }
    }

    private static int probe(CommandLine line, CliContext ctx, DefaultFleet fleet, HostsOfRecord hosts, List<String> args)
            throws Exception {
        List<String> targets = args.isEmpty()
                ? hosts.list().stream().filter(InventoryHost::enabled).map(InventoryHost::host).toList()
                : fleet.inventory().resolve(args);
        if (targets.isEmpty()) {
            throw new UsageError("inventory probe: no enabled hosts of record; name hosts, or import some first");
        }
        Cancellation cancel = new Cancellation();
        Thread main = Thread.currentThread();
        Runnable restore = Interrupts.onSigint(() -> {
            cancel.cancel("interrupted");
            main.interrupt();
        });
        List<ProbeResult> results;
        BatchListener progress = ProgressLine.forTerminal(ctx, "probing");
        try {
            results = fleet.probe(targets, progress, cancel);
        } finally {
            ProgressLine.finish(progress);
            restore.run();
            Thread.interrupted();
        }
        if (line.hasOption("json")) {
            ctx.out().println(AuditLog.json().writerWithDefaultPrettyPrinter().writeValueAsString(results));
        } else {
            int w = results.stream().mapToInt(r -> r.host().length()).max().orElse(4);
            ctx.out().printf("%-" + w + "s  DNS TCP SSH SUDO BMC  DETAIL%n", "HOST");
            for (ProbeResult r : results) {
                ctx.out().printf("%-" + w + "s  %-3s %-3s %-3s %-4s %-3s  %s%n", r.host(), yn(r.resolves()), yn(r.reachable()),
                        yn(r.sshable()), yn(r.sudoable()), yn(r.bmc()), r.detail() == null ? "" : r.detail());
            }
            long ok = results.stream().filter(ProbeResult::ok).count();
            ctx.out().println("probed " + results.size() + " hosts: " + ok + " answer and sudo, " + (results.size() - ok)
                    + " with a problem");
        }
        if (cancel.isCancelled()) {
            return Cli.INTERRUPTED;
        }
        return results.stream().allMatch(ProbeResult::ok) ? Cli.OK : Cli.FAILED;
    }

    private static String yn(Boolean b) {
        return b == null ? "-" : b ? "Y" : "N";
    }

    /** Host names through the one resolver (short names expand, {@code pool:...} selects). */
    private static List<String> names(DefaultFleet fleet, List<String> args) {
        return fleet.inventory().resolve(args);
    }

    private static List<InventoryHost> selected(DefaultFleet fleet, List<InventoryHost> all, List<String> args) {
        if (args.isEmpty()) {
            return all;
        }
        Set<String> want = new HashSet<>(names(fleet, args));
        return all.stream().filter(h -> want.contains(h.host())).toList();
    }

    private static Map<String, String> facts(CommandLine line, List<String> args, String sub) {
        Map<String, String> facts = new LinkedHashMap<>();
        for (Fact f : Fact.values()) {
            if (line.hasOption(f.key())) {
                facts.put(f.key(), line.getOptionValue(f.key()));
            }
        }
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0) {
                throw new UsageError("inventory " + sub + ": '" + a + "' is not KEY=VALUE (keys: " + String.join(", ", Fact.keys()) + ")");
            }
            Fact.of(a.substring(0, eq));
            if (facts.put(a.substring(0, eq).strip().toLowerCase(java.util.Locale.ROOT), a.substring(eq + 1)) != null) {
                throw new UsageError("inventory " + sub + ": " + a.substring(0, eq) + " given twice");
            }
        }
        return facts;
    }

    private static void table(CliContext ctx, List<InventoryHost> all) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"HOST", "ENABLED", "POOL", "DC", "OS", "HW", "ROLE", "PROBE", "NOTE"});
        for (InventoryHost h : all) {
            ProbeResult p = h.probe();
            rows.add(new String[] {h.host(), h.enabled() ? "Y" : "N", dash(h.fact(Fact.POOL)), dash(h.fact(Fact.DC)),
                    dash(h.fact(Fact.OS)), dash(h.fact(Fact.HW)), dash(h.fact(Fact.ROLE)),
                    p == null ? "-" : p.ok() ? "ok" : "FAIL", h.enabled() ? "" : "disabled by " + h.disabledBy() + ": " + h.disabledReason()});
        }
        int[] w = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                w[i] = Math.max(w[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                b.append(i == r.length - 1 ? r[i] : String.format("%-" + w[i] + "s  ", r[i]));
            }
            ctx.out().println(b.toString().stripTrailing());
        }
    }

    private static String dash(String s) {
        return s == null ? "-" : s;
    }

    private static Map<String, Object> json(InventoryHost h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("host", h.host());
        m.put("enabled", h.enabled());
        if (!h.enabled()) {
            m.put("disabled_reason", h.disabledReason());
            m.put("disabled_by", h.disabledBy());
            m.put("disabled_at", AuditLog.formatTs(h.disabledAt()));
        }
        Map<String, Object> facts = new LinkedHashMap<>();
        Map<String, Object> sources = new LinkedHashMap<>();
        h.facts().forEach((k, v) -> {
            facts.put(k.key(), v.value());
            sources.put(k.key(), v.source());
        });
        m.put("facts", facts);
        m.put("sources", sources);
        m.put("added_by", h.addedBy());
        m.put("added_at", AuditLog.formatTs(h.addedAt()));
        m.put("probe", h.probe());
        return m;
    }
}
