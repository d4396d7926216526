package dev.fleetroll.console.cli;

import dev.fleetroll.auditlog.Actor;
import dev.fleetroll.auditlog.AuditLog;
import dev.fleetroll.config.FleetrollConfig;
import dev.fleetroll.ops.DefaultFleet;
import dev.fleetroll.ops.Fleet;
import dev.fleetroll.ops.Maintenance;
import dev.fleetroll.store.Store;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code fleetroll maintain}: prune old observations, compact the store, rotate the audit log (dry run by default). */
final class MaintainCommand implements Command {
    @Override
    public String name() {
        return "maintain";
    }

    @Override
    public String summary() {
        return "prune old observations, compact the store, rotate a large audit log (dry run unless --confirm)";
    }

    @Override
    public String description() {
        return """
                Keeps $FLEETROLL_HOME small (a weekly cron job is plenty). Without --confirm it only says what it
                would do.

                  prune    delete observations older than store.keep_days (90; 0 = never); each host keeps its
                           newest observation, its newest successful one and the first failure after it, so no
                           host disappears and "down since" stays exact. Notes are never pruned.
                  compact  fold the write-ahead log into fleetroll.db and VACUUM it (sizes before and after)
                  rotate   when audit.jsonl has reached maintain.large_mb (100) or with --force-rotate: it becomes
                           audit.jsonl.<UTC yyyyMMdd-HHmmss> and the new audit.jsonl starts with a record chained to
                           its last line, so 'fleetroll audit-log verify' checks the chain across every file. Safe
                           while other consoles append (they wait for the same lock). Keep the rotated files.

                Other fleetroll processes may keep running; a long VACUUM makes their writes wait.
                The monitor suggests this command when audit.jsonl or the store reaches maintain.large_mb.

                Exit status: 0 done (or dry run), 1 the store could not be compacted (busy: try again; the
                audit log still records what was done), 2 usage error or the audit log could not be rotated.

                Examples:
                  fleetroll maintain
                  fleetroll maintain --confirm
                  fleetroll maintain --confirm --force-rotate
                """;
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("confirm").desc("do it (otherwise a dry run)").get());
        o.addOption(Option.builder().longOpt("force-rotate").desc("rotate the audit log whatever its size").get());
        return o;
    }

    @Override
    public int run(CommandLine line, CliContext ctx) {
        if (!line.getArgList().isEmpty()) {
            throw new UsageError("maintain takes no arguments (see 'fleetroll maintain --help')");
        }
        boolean confirm = line.hasOption("confirm");
        FleetrollConfig config = ctx.workspace().config();
        AuditLog auditLog = AuditLog.of(ctx.workspace().home(), Actor.from(ctx.env()));
        Maintenance.Report r;
        try (Fleet fleet = DefaultFleet.open(ctx.workspace())) {
            r = fleet.maintenance(auditLog).run(confirm, line.hasOption("force-rotate"));
        }
        for (String l : lines(r, config, auditLog)) {
            ctx.out().println(l);
        }
        return Cli.OK;
    }

    static List<String> lines(Maintenance.Report r, FleetrollConfig config, AuditLog auditLog) {
        String would = r.confirmed() ? "" : "would ";
        int keepDays = config.store().keepDays();
        String prune = keepDays == 0 ? "prune: store.keep_days is 0: observations are kept whatever their age"
                : "prune: " + would + (r.confirmed() ? "deleted " : "delete ") + r.pruned() + " observation"
                        + (r.pruned() == 1 ? "" : "s") + " older than " + keepDays + " days (each host keeps its newest,"
                        + " its newest successful one and the first failure after it)";
        String compact;
        if (r.compaction() != null) {
            Store.Compaction c = r.compaction();
            compact = "compact: fleetroll.db " + Maintenance.human(c.before()) + " -> " + Maintenance.human(c.after())
                    + " (write-ahead log " + Maintenance.human(c.walBefore()) + " -> " + Maintenance.human(c.walAfter()) + ")";
        } else {
            compact = "compact: would checkpoint and vacuum fleetroll.db (now " + Maintenance.human(r.before().database())
                    + " with its write-ahead log)";
        }
        String limit = Maintenance.human(config.maintain().largeBytes());
        String rotate;
        if (r.rotation() != null && r.rotation().rotated()) {
            rotate = "rotate: audit.jsonl (" + Maintenance.human(r.rotation().bytes()) + ") is now "
                    + r.rotation().rotatedTo().getFileName() + "; the new audit.jsonl continues its chain";
        } else if (r.wouldRotate() && !r.confirmed()) {
            rotate = "rotate: would rotate audit.jsonl (" + Maintenance.human(r.before().auditLog()) + ", limit " + limit + ")";
        } else {
            rotate = "rotate: audit.jsonl is " + Maintenance.human(r.before().auditLog()) + ", below " + limit
                    + (r.before().auditLog() == 0 ? "" : " (--force-rotate rotates it anyway)");
        }
        List<String> out = new java.util.ArrayList<>(List.of(prune, compact, rotate));
        if (!r.confirmed()) {
            out.add("dry run: nothing changed; run again with --confirm");
        } else {
            out.add("Audit log: " + auditLog.file());
        }
        return out;
    }
}
