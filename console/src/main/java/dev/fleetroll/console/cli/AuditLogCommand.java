package dev.fleetroll.console.cli;

import dev.fleetroll.UserError;
import dev.fleetroll.auditlog.Actor;
import dev.fleetroll.auditlog.AuditLog;
import dev.fleetroll.auditlog.AuditRecord;
import dev.fleetroll.util.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code fleetroll audit-log verify|show}: checks the audit log's hash chain, or prints (filtered) records. */
final class AuditLogCommand implements Command {
    private final Clock clock;

    AuditLogCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String name() {
        return "audit-log";
    }

    @Override
    public String summary() {
        return "verify or show the audit log of every write ($FLEETROLL_HOME/audit.jsonl)";
    }

    @Override
    public String arguments() {
        return "verify|show";
    }

    @Override
    public String description() {
        return """
                The audit log records every mutating action (including dry runs, refused and failed ones), one JSON
                object a line; each line carries the sha256 of the previous line and its own hash. fleetroll maintain
                rotates it to audit.jsonl.<yyyyMMdd-HHmmss>; the new file's first line (audit.rotate) carries the hash
                of the rotated file's last line, so the chain runs across files (keep the rotated ones).

                  verify   check every line's hash and the chain, across the rotated files in order; names the
                           first bad line and its file (exit 1 if any)
                  show     print records (rotated files included), oldest first, optionally filtered

                Examples:
                  fleetroll audit-log verify
                  fleetroll audit-log show --host t-linux64-ms-238 --since 2d
                  fleetroll audit-log show --action override --json
                """;
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("host").hasArg().argName("HOST").desc("only records about this host").get());
        o.addOption(Option.builder().longOpt("action").hasArg().argName("A")
                .desc("only this action (override.set) or family (override)").get());
        o.addOption(Option.builder().longOpt("since").hasArg().argName("WHEN")
                .desc("only records since a duration ago (2h, 3d) or a date/time (2026-08-13, 2026-08-13T10:00:00Z)").get());
        o.addOption(Option.builder().longOpt("json").desc("print the records as stored (JSON lines)").get());
        return o;
    }

    @Override
    public int run(CommandLine line, CliContext ctx) {
        List<String> args = line.getArgList();
        if (args.size() != 1 || !List.of("verify", "show").contains(args.get(0))) {
            throw new UsageError("audit-log: say 'verify' or 'show' (see 'fleetroll audit-log --help')");
        }
        AuditLog log = AuditLog.of(ctx.workspace().home(), Actor.from(ctx.env()));
        if (args.get(0).equals("verify")) {
            AuditLog.Verification v = log.verify();
            if (v.ok()) {
                ctx.out().println("audit log ok: " + v.lines() + " record" + (v.lines() == 1 ? "" : "s")
                        + (v.files() > 1 ? " in " + v.files() + " files (rotated ones included)" : "")
                        + ", chain intact (" + log.file() + ")");
                return Cli.OK;
            }
            ctx.out().println("audit log BROKEN at line " + v.badLine() + (v.files() > 1 ? " of " + v.badFile().getFileName() : "")
                    + ": " + v.problem() + " (" + v.badFile() + ")");
            return Cli.FAILED;
        }
        AuditLog.Filter filter = new AuditLog.Filter(line.getOptionValue("host"), line.getOptionValue("action"),
                since(line.getOptionValue("since")));
        AuditLog.Listing listing = log.read(filter);
        for (AuditLog.Entry e : listing.entries()) {
            ctx.out().println(line.hasOption("json") ? e.raw() : text(e.record()));
        }
        if (listing.unreadable() > 0) {
            ctx.err().println("fleetroll: " + listing.unreadable() + " unreadable line" + (listing.unreadable() == 1 ? "" : "s")
                    + " skipped; run 'fleetroll audit-log verify'");
        }
        return Cli.OK;
    }

    Instant since(String value) {
        if (value == null) {
            return null;
        }
        if (value.strip().matches("\\d+")) {
            // a bare number is ambiguous: 2026 seconds, or the year 2026?
            throw new UserError("audit-log: --since '" + value + "' needs a unit (" + value.strip() + "s, 2h, 3d) or a"
                    + " full date (2026-08-13)");
        }
        Duration d = Durations.tryParse(value);
        if (d != null) {
            return clock.instant().minus(d);
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException ignored) {
            // try a date
        }
        try {
            return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            throw new UserError("audit-log: --since '" + value + "' is neither a duration (2h, 3d) nor a date (2026-08-13)"
                    + " or time (2026-08-13T10:00:00Z)");
        }
    }

    /** {@code 2026-08-13T10:11:12.345Z alice override.set h1 changed forced sha256=3a7b..(hh) reason="canary"}. */
    static String text(AuditRecord r) {
        StringBuilder b = new StringBuilder();
        b.append(r.ts() == null ? "-" : AuditLog.formatTs(r.ts())).append("  ").append(r.actor()).append("  ")
                .append(r.action()).append("  ");
        if (r.host() != null) {
            b.append(r.host());
        } else if (r.hosts() != null) {
            b.append(r.hosts().size()).append(" hosts");
        }
        b.append("  ").append(r.outcome() == null ? (r.ok() ? "ok" : "not ok") : r.outcome());
        if (r.dryRun()) {
            b.append(" (dry run)");
        }
        if (r.forced()) {
            b.append(" forced");
        }
        Map<String, Object> p = r.parameters();
        if (p.get("sha256") != null) {
            String sha = p.get("sha256").toString();
            b.append("  sha256=").append(sha, 0, Math.min(12, sha.length()));
            if (p.get("humanhash") != null) {
                b.append(" (").append(p.get("humanhash")).append(')');
            }
        }
        Object error = r.observed().get("error");
        if (error != null) {
            b.append("  error=\"").append(oneLine(error.toString())).append('"');
        }
        if (r.reason() != null) {
            b.append("  reason=\"").append(oneLine(r.reason())).append('"');
        }
        return b.toString();
    }

    private static String oneLine(String s) {
        return s.chars().mapToObj(c -> c == '\n' ? "\\n" : c == '\r' ? "\\r" : c < 0x20 ? "?" : String.valueOf((char) c))
                .collect(Collectors.joining());
    }
}
