package dev.fleetroll.console.cli;

import dev.fleetroll.auditlog.Actor;
import dev.fleetroll.auditlog.AuditLog;
import dev.fleetroll.inventory.Inventory;
import dev.fleetroll.ops.DefaultFleet;
import dev.fleetroll.ops.Fleet;
import dev.fleetroll.ops.Notes;
import dev.fleetroll.state.HostNote;
import dev.fleetroll.state.NoteEntry;
import dev.fleetroll.util.Durations;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code fleetroll notes [HOSTS]} (also {@code show-notes}): the operator notes with author, time and history. */
final class NotesCommand implements Command {
    private final Clock clock;

    NotesCommand(Clock clock) {
        this.clock = clock;
    }

    @Override
    public String name() {
        return "notes";
    }

    @Override
    public List<String> aliases() {
        return List.of("show-notes");
    }

    @Override
    public String summary() {
        return "show operator notes: every noted host, or the note history of hosts";
    }

    @Override
    public String arguments() {
        return "[HOSTS...]";
    }

    @Override
    public String description() {
        return """
                Without hosts: every host that carries a note, with the newest note since its last clear, how many
                were added since ((N) when more than one), who wrote it and when.
                With hosts: each host's notes since its last clear, oldest first; --all adds the earlier ones and the
                clears (with who cleared and why).

                --import FILE reads a fleetroll_mvp notes.jsonl (host.note_add / host.note_clear lines) into the store;
                entries already there are skipped, so importing twice adds nothing. A bad line stops the import
                before anything is added, naming the line.

                Examples:
                  fleetroll notes
                  fleetroll notes t-linux64-ms-016 --all
                  fleetroll notes --import ~/fleetroll_mvp/data/notes.jsonl
                """;
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder("a").longOpt("all").desc("with hosts: the whole history, clears included").get());
        o.addOption(Option.builder().longOpt("limit").hasArg().argName("N").desc("with hosts: at most the N newest entries each").get());
        o.addOption(Option.builder().longOpt("json").desc("print JSON").get());
        o.addOption(Option.builder().longOpt("import").hasArg().argName("FILE").desc("import a fleetroll_mvp notes.jsonl").get());
        return o;
    }

    @Override
    public int run(CommandLine line, CliContext ctx) throws Exception {
        int limit = limit(line.getOptionValue("limit"));
        AuditLog auditLog = AuditLog.of(ctx.workspace().home(), Actor.from(ctx.env()));
        try (Fleet fleet = DefaultFleet.open(ctx.workspace())) {
            Notes notes = fleet.notes(auditLog);
            if (line.hasOption("import")) {
                if (!line.getArgList().isEmpty()) {
                    throw new UsageError("notes --import FILE takes no hosts");
                }
                Notes.Import r = notes.importFile(ctx.workspace().path(line.getOptionValue("import")));
                ctx.out().println("notes: imported " + r.added() + " of " + r.read() + " entries from " + r.file()
                        + (r.read() > r.added() ? " (" + (r.read() - r.added()) + " already here)" : ""));
                return Cli.OK;
            }
            Instant now = clock.instant();
            Map<String, HostNote> current = notes.current();
            if (line.getArgList().isEmpty()) {
                if (line.hasOption("json")) {
                    Map<String, Object> doc = new LinkedHashMap<>();
                    current.forEach((h, n) -> doc.put(h, noteJson(n)));
                    ctx.out().println(AuditLog.json().writerWithDefaultPrettyPrinter().writeValueAsString(doc));
                } else if (current.isEmpty()) {
                    ctx.out().println("no host has a note (fleetroll note HOST 'text' adds one)");
                } else {
                    int w = current.keySet().stream().mapToInt(String::length).max().orElse(4);
                    current.forEach((h, n) -> ctx.out().printf("%-" + w + "s  %s  (%s, %s)%n", h, n.cell(), n.author(), ago(n.at(), now)));
                }
                return Cli.OK;
            }
            List<String> hosts = new Inventory(ctx.workspace()).resolve(line.getArgList());
            Map<String, Object> doc = new LinkedHashMap<>();
            for (String h : hosts) {
                List<NoteEntry> entries = entries(notes.history(h, line.hasOption("all") ? limit : Integer.MAX_VALUE),
                        line.hasOption("all"), limit);
                if (line.hasOption("json")) {
                    Map<String, Object> one = new LinkedHashMap<>();
                    one.put("note", current.get(h) == null ? null : noteJson(current.get(h)));
                    one.put("history", entries.stream().map(NotesCommand::entryJson).toList());
                    doc.put(h, one);
                    continue;
                }
                ctx.out().println(h + (current.containsKey(h) ? "" : "  (no note)"));
                for (NoteEntry e : entries) {
                    String when = AuditLog.formatTs(e.at()) + " (" + ago(e.at(), now) + ")";
                    ctx.out().println(e.action() == NoteEntry.Action.ADD
                            ? "  " + when + "  " + e.actor() + ": " + e.text()
                            : "  " + when + "  " + e.actor() + " cleared the notes" + (e.reason() == null ? "" : ": " + e.reason()));
                }
            }
            if (line.hasOption("json")) {
                ctx.out().println(AuditLog.json().writerWithDefaultPrettyPrinter().writeValueAsString(doc));
            }
        }
        return Cli.OK;
    }

    /** Oldest first: since the last clear, or (with {@code all}) everything; the newest {@code limit}. */
    private static List<NoteEntry> entries(List<NoteEntry> newestFirst, boolean all, int limit) {
        List<NoteEntry> out = new ArrayList<>();
        for (NoteEntry e : newestFirst) {
            if (!all && e.action() == NoteEntry.Action.CLEAR) {
                break;
            }
            if (out.size() == limit) {
                break;
            }
            out.add(0, e);
        }
        return out;
    }

    private static int limit(String value) {
        if (value == null) {
            return Integer.MAX_VALUE;
        }
        try {
            int n = Integer.parseInt(value.strip());
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // fall through
        }
        throw new UsageError("notes: --limit '" + value + "' must be a positive number");
    }

    private static String ago(Instant t, Instant now) {
        Duration d = Duration.between(t, now);
        return d.isNegative() ? "just now" : Durations.humanize(d) + " ago";
    }

    private static Map<String, Object> noteJson(HostNote n) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("text", n.text());
        m.put("count", n.count());
        m.put("author", n.author());
        m.put("at", AuditLog.formatTs(n.at()));
        return m;
    }

    private static Map<String, Object> entryJson(NoteEntry e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("at", AuditLog.formatTs(e.at()));
        m.put("actor", e.actor());
        m.put("action", e.action().label());
        if (e.text() != null) {
            m.put("text", e.text());
        }
        if (e.reason() != null) {
            m.put("reason", e.reason());
        }
        return m;
    }
}
