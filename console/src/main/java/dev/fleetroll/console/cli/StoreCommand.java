package dev.fleetroll.console.cli;

import dev.fleetroll.auditlog.Actor;
import dev.fleetroll.auditlog.AuditLog;
import dev.fleetroll.ops.StoreMigration;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code fleetroll store migrate --to URL}: copy the SQLite store into an empty PostgreSQL database. */
final class StoreCommand implements Command {
    @Override
    public String name() {
        return "store";
    }

    @Override
    public String summary() {
        return "store administration: migrate --to postgres://... copies the SQLite store into PostgreSQL";
    }

    @Override
    public String arguments() {
        return "migrate --to URL";
    }

    @Override
    public String description() {
        return """
                migrate --to postgres://USER@HOST:PORT/DATABASE
                    Copies this FLEETROLL_HOME's SQLite store (fleetroll.db) into an empty PostgreSQL database, to
                    make it the team's shared store: observations, Taskcluster records, branch heads, notes,
                    rollouts - every table, row for row with its ids, in one transaction (a failure leaves the
                    database empty). The database's schema is created first. A database that already has rows is
                    refused. The SQLite store is not changed. Prints the rows copied per table; the audit log
                    records the copy (target without password, counts).

                    The password comes from store.password_file (a file under FLEETROLL_HOME, first line) or
                    $PGPASSWORD, else ~/.pgpass; never from the command line. Afterwards set
                    store.url: postgres://... in config.yaml so every fleetroll uses the shared store.

                Exit status: 0 copied, 2 usage error, non-empty target, no SQLite store or unreachable database.

                Examples:
                  PGPASSWORD=... fleetroll store migrate --to postgres://fleetroll@db.example.org:5432/fleetroll
                """;
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("to").hasArg().argName("URL")
                .desc("the empty PostgreSQL database: postgres://USER@HOST:PORT/DATABASE").get());
        return o;
    }

    @Override
    public int run(CommandLine line, CliContext ctx) {
        List<String> args = line.getArgList();
        if (args.size() != 1 || !args.get(0).equals("migrate")) {
            throw new UsageError("usage: fleetroll store migrate --to postgres://USER@HOST:PORT/DATABASE (see 'fleetroll store --help')");
        }
        if (!line.hasOption("to")) {
            throw new UsageError("store migrate needs --to postgres://USER@HOST:PORT/DATABASE");
        }
        AuditLog auditLog = AuditLog.of(ctx.workspace().home(), Actor.from(ctx.env()));
        StoreMigration.Report r = StoreMigration.toPostgres(ctx.workspace().home(), ctx.workspace().config().store(),
                line.getOptionValue("to"), ctx.env(), auditLog);
        ctx.out().println("Copied " + r.from() + " to " + r.to() + ": " + r.copied().total() + " rows");
        for (Map.Entry<String, Long> e : r.copied().rows().entrySet()) {
            ctx.out().printf("  %-16s %d%n", e.getKey(), e.getValue());
        }
        ctx.out().println("Audit log: " + auditLog.file());
        ctx.out().println("To use it: set store.url: " + r.to() + " in " + ctx.workspace().home().configFile());
        return Cli.OK;
    }
}
