package dev.fleetroll.console.cli;

import dev.fleetroll.state.NamedFilter;
import dev.fleetroll.state.NamedFilters;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code fleetroll filters}: lists the named filters (saved queries), over {@link NamedFilters}. */
final class FiltersCommand implements Command {
    @Override
    public String name() {
        return "filters";
    }

    @Override
    public String summary() {
        return "list the named filters (saved queries) and check their files";
    }

    @Override
    public String arguments() {
        return "[NAME]";
    }

    @Override
    public String description() {
        return """
                Lists the named filters: NAME, QUERY and DESCRIPTION, sorted by name. A named filter is a file
                NAME.yaml with a 'query:' (the query language of where('...') and the monitor, docs/query.md) and an
                optional 'description:', in <project>/configs/filters (shared) or $FLEETROLL_HOME/filters
                (personal; it wins over a project filter of the same name). The established tool's files load
                unchanged. A file that is not such a mapping or whose query does not parse is left out, with a
                warning on stderr naming the file and the problem.

                With NAME, prints only that filter's query (for scripts). --check exits 1 when any file is bad.
                In the DSL: inventory().filter('unhealthy-stale').show()

                Examples:
                  fleetroll filters
                  fleetroll filters --check
                  fleetroll filters unhealthy-stale
                """;
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("check").desc("exit 1 when a filter file is bad (and say how many were checked)").get());
        return o;
    }

    @Override
    public int run(CommandLine line, CliContext ctx) {
        List<String> args = line.getArgList();
        if (args.size() > 1) {
            throw new UsageError("filters takes at most one NAME, got " + args.size());
        }
        NamedFilters.Loaded loaded = NamedFilters.load(ctx.workspace());
        for (String w : loaded.warnings()) {
            ctx.err().println("warning: " + w);
        }
        if (args.size() == 1) {
            ctx.out().println(loaded.require(args.get(0)).query());
            return Cli.OK;
        }
        List<NamedFilter> filters = loaded.filters();
        if (!filters.isEmpty()) {
            int nameWidth = Math.max(4, filters.stream().mapToInt(f -> f.name().length()).max().orElse(0));
            int queryWidth = Math.max(5, filters.stream().mapToInt(f -> f.query().length()).max().orElse(0));
            String format = "%-" + nameWidth + "s  %-" + queryWidth + "s  %s";
            ctx.out().println(String.format(Locale.ROOT, format, "NAME", "QUERY", "DESCRIPTION").stripTrailing());
            for (NamedFilter f : filters) {
                ctx.out().println(String.format(Locale.ROOT, format, f.name(), f.query(), f.description()).stripTrailing());
            }
        }
        List<String> dirs = loaded.directories().stream().map(Path::toString).toList();
        if (filters.isEmpty() && loaded.problems().isEmpty()) {
            ctx.err().println("no named filters (add NAME.yaml files with a 'query:' under " + String.join(" or ", dirs) + ")");
        }
        if (line.hasOption("check")) {
            int bad = loaded.problems().size();
            ctx.err().println((filters.size() + bad) + " filter files in " + String.join(", ", dirs) + ": "
                    + (bad == 0 ? "all good" : bad + " bad"));
            return bad == 0 ? Cli.OK : Cli.FAILED;
        }
        return Cli.OK;
    }
}
