package dev.fleetroll.console.cli;

import dev.fleetroll.config.Workspace;
import dev.fleetroll.console.render.HostTable;
import dev.fleetroll.console.monitor.MonitorJson;
import dev.fleetroll.console.monitor.MonitorSession;
import dev.fleetroll.inventory.Inventory;
import dev.fleetroll.monitor.FleetFeed;
import dev.fleetroll.monitor.MonitorView;
import dev.fleetroll.ops.DefaultFleet;
import dev.fleetroll.ops.Fleet;
import dev.fleetroll.ops.Maintenance;
import dev.fleetroll.state.Columns;
import dev.fleetroll.state.Query;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/** {@code fleetroll host-monitor}: the fleet's live table, or one snapshot of it as text, host names or JSON. */
final class MonitorCommand implements Command {

    @Override
    public String name() {
        return "host-monitor";
    }

    @Override
    public List<String> aliases() {
        return List.of("monitor");
    }

    @Override
    public String summary() {
        return "the fleet's live table (or --once/--json/--hostname-only snapshots), filtered and sorted";
    }

    @Override
    public String arguments() {
        return "[HOST_OR_LIST...]";
    }

    @Override
    public String description() {
        return """
                Shows what the store knows about each host: role, OS, vault and override, uptime, the last Puppet run
                (PP_LAST, PP_SHA against the expected PP_EXP, PP_MATCH, APPLIED), Taskcluster (TC_ACT, TC_T_DUR,
                TC_QUAR), HEALTHY, the age of the data (DATA), how the last audit ended (SSH) and the operator's NOTE.
                It reads the store only (no network): keep it fresh with gather-host / gather-tc / gather-gh (by hand,
                from cron, or from another pane). Without arguments: every host in the store.

                On a terminal it is live: it redraws as the store changes (another console auditing, a cron gather,
                a note added) and as ages grow. Keys: arrows/PgUp/PgDn/Home/End (or k j g G) scroll, ← → scroll
                columns, / filter (Enter applies, ↑↓ history), \\ clears it, f picks a saved or recent filter,
                s/S sort, ? help, q quit. Several monitors on one store (tmux panes) show the same data.

                With --once, or when stdout is not a terminal, it prints the table once and exits; --json prints one
                JSON document (docs/monitor.schema.json), --hostname-only one host per line (for other commands).

                Filter language (also the DSL's where('...')): COL OP VALUE with = != ~ < > <= >=, e.g.
                  role~talos pp_last>20h os=L|M ovr_bch!= healthy=n sort:pp_last:desc
                Columns: see '?' in the monitor or docs/dsl.md.

                Exit status: 0 some host matched, 1 none matched, 2 usage error (bad filter, unknown list).

                Examples:
                  fleetroll host-monitor linux/1804
                  fleetroll host-monitor --once --filter 'applied=n sort:role'
                  fleetroll host-monitor --json | jq -r '.hosts[] | select(.state.healthy == false) | .host'
                  fleetroll host-monitor --once --hostname-only --filter 'pp_last>20h' | xargs fleetroll gather-host
                """;
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("once").desc("print the table once and exit (implied when stdout is not a terminal)").get());
        o.addOption(Option.builder().longOpt("json").desc("print one JSON document and exit").get());
        o.addOption(Option.builder().longOpt("hostname-only").desc("print the matching host names, one per line, and exit").get());
        o.addOption(Option.builder().longOpt("filter").hasArg().argName("QUERY").desc("show only hosts matching QUERY (and sort by its sort: keys)").get());
        o.addOption(Option.builder().longOpt("filter-file").hasArg().argName("FILE").desc("read the query from a YAML file with a 'query:' key (a saved filter)").get());
        o.addOption(Option.builder().longOpt("sort").hasArg().argName("COL[:desc]").desc("base order when the filter has no sort: (default host)").get());
        return o;
    }

    /** The header's "Large logs ... run 'fleetroll maintain'" warning, looked at every 30 s. */
    private static Supplier<String> largeLogs(Workspace ws) {
        long[] checkedAt = {Long.MIN_VALUE};
        String[] last = {null};
        return () -> {
            long now = System.nanoTime();
            if (checkedAt[0] == Long.MIN_VALUE || now - checkedAt[0] > 30_000_000_000L) {
                checkedAt[0] = now;
                last[0] = Maintenance.sizes(ws.home(), ws.config().maintain()).warning();
            }
            return last[0];
        };
    }

    @Override
    public int run(CommandLine line, CliContext ctx) throws Exception {
        if (line.hasOption("filter") && line.hasOption("filter-file")) {
            throw new UsageError("host-monitor: give --filter or --filter-file, not both");
        }
        if (line.hasOption("json") && line.hasOption("hostname-only")) {
            throw new UsageError("host-monitor: give --json or --hostname-only, not both");
        }
        String text = line.hasOption("filter-file") ? FilterFiles.query(line.getOptionValue("filter-file"))
                : line.getOptionValue("filter", "");
        Query query = Query.parse(text, Columns.standard());
        String sort = line.getOptionValue("sort", "host");
        Query.parseSort(sort, Columns.standard());
        List<String> args = line.getArgList();
        try (Fleet fleet = DefaultFleet.open(ctx.workspace())) {
            List<String> hosts = args.isEmpty() ? null : new Inventory(ctx.workspace()).resolve(args);
            FleetFeed feed = fleet.watch(hosts);
            boolean once = line.hasOption("once") || line.hasOption("json") || line.hasOption("hostname-only")
                    || !ctx.stdoutIsTerminal() || !ctx.stdinIsTerminal();
            if (!once) {
                String source = args.isEmpty() ? "all stored hosts" : String.join(" ", args);
                try (Terminal terminal = TerminalBuilder.builder().system(true).name("fleetroll").build()) {
                    if (!Terminal.TYPE_DUMB.equals(terminal.getType()) && !Terminal.TYPE_DUMB_COLOR.equals(terminal.getType())) {
                        MonitorSession.run(terminal, ctx.workspace(), feed, query, sort, source,
                                () -> FilterFiles.pickerEntries(ctx.workspace()), largeLogs(ctx.workspace()));
                        return Cli.OK;
                    }
                }
            }
            Instant now = Instant.now();
            MonitorView view = MonitorView.of(feed.states(now), query, query.hasSort() ? null : sort, now);
            if (line.hasOption("json")) {
                ctx.out().print(MonitorJson.render(view, Columns.standard().displayed(), query.text(), sort));
            } else if (line.hasOption("hostname-only")) {
                view.rows().forEach(h -> ctx.out().println(h.name()));
            } else {
                ctx.out().print(HostTable.render(view.rows(), Columns.standard().displayedFor(view.rows()), ctx.colour(),
                        Integer.MAX_VALUE));
            }
            return view.rows().isEmpty() ? Cli.FAILED : Cli.OK;
        }
    }
}
