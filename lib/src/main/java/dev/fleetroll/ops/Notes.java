package dev.fleetroll.ops;

import com.fasterxml.jackson.databind.JsonNode;
import dev.fleetroll.UserError;
import dev.fleetroll.auditlog.AuditLog;
import dev.fleetroll.auditlog.AuditRecord;
import dev.fleetroll.inventory.HostNames;
import dev.fleetroll.util.NaturalOrder;
import dev.fleetroll.state.HostNote;
import dev.fleetroll.state.NoteEntry;
import dev.fleetroll.store.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Operator notes ({@code fleetroll note}, {@code hosts(...).note('text')}): a short line an operator leaves on a
 * host ("disk failing, RELOPS-123") that the monitor shows until someone clears it. Notes live in the store with
 * author and millisecond time (the history is kept: a clear is a tombstone); every add and clear is also a line in
 * the audit log ({@code host.note_add}, {@code host.note_clear}).
 *
 * <p>Idempotent: adding the note a host already shows, or clearing a host without notes, changes nothing (the audit
 * log says {@code unchanged}). The audit log is checked writable before the store is touched, and a batch is one
 * store transaction.
 */
public final class Notes {
    /** Longest note or reason, in characters: a note is one line in a table, not a document. */
    public static final int MAX_LENGTH = 500;

    public static final String ADD_ACTION = "host.note_add";
    public static final String CLEAR_ACTION = "host.note_clear";

    private final Store store;
    private final AuditLog auditLog;
    private final Clock clock;

    public Notes(Store store, AuditLog auditLog, Clock clock) {
        this.store = store;
        this.auditLog = auditLog;
        this.clock = clock;
    }

    /**
     * What an add or clear did.
     *
     * @param changed hosts that got the note, or whose notes were cleared
     * @param unchanged hosts that already showed this note, or had none to clear
     * @param neverSeen hosts the store has never observed that got a note (it is kept; a typo shows here); empty for a
     *     clear
     * @param text the note (null for a clear)
     */
    public record Change(String action, List<String> changed, List<String> unchanged, List<String> neverSeen,
                         String text, String reason, String actor, Instant at) {
        public Change {
            changed = List.copyOf(changed);
            unchanged = List.copyOf(unchanged);
            neverSeen = List.copyOf(neverSeen);
        }

        /** {@code note added to 3 hosts (1 already had it)}, {@code notes cleared on 2 hosts (1 had none)}. */
        public String summary() {
            boolean add = action.equals(ADD_ACTION);
            StringBuilder b = new StringBuilder(add ? "note added to " : "notes cleared on ")
                    .append(changed.size()).append(changed.size() == 1 ? " host" : " hosts");
            if (!unchanged.isEmpty()) {
                b.append(" (").append(unchanged.size()).append(add ? " already had it)" : " had none)");
            }
            return b.toString();
        }
    }

    /** Adds {@code text} as the note of every host. */
    public Change add(List<String> hosts, String text) {
        String note = checkText(text, "note");
        requireHosts(hosts);
        auditLog.checkWritable();
        Instant at = clock.instant();
        Map<String, HostNote> current = store.notes();
        List<String> changed = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        for (String h : hosts) {
            HostNote n = current.get(h);
            (n != null && n.text().equals(note) ? unchanged : changed).add(h);
        }
        store.addNotes(changed, note, auditLog.actor(), at);
        List<AuditRecord> records = new ArrayList<>();
        for (String h : hosts) {
            records.add(AuditRecord.builder(ADD_ACTION).ts(at).host(h).ok(true)
                    .outcome(changed.contains(h) ? "changed" : "unchanged").parameter("note", note).build());
        }
        auditLog.appendAll(records);
        return new Change(ADD_ACTION, changed, unchanged, neverSeen(hosts), note, null, auditLog.actor(), at);
    }

    /** Clears the notes of every host ({@code reason} optional). */
    public Change clear(List<String> hosts, String reason) {
        String why = reason == null || reason.isBlank() ? null : checkText(reason, "reason");
        requireHosts(hosts);
        auditLog.checkWritable();
        Instant at = clock.instant();
        Map<String, HostNote> before = store.notes();
        List<NoteEntry> tombstones = store.clearNotes(hosts, auditLog.actor(), why, at);
        Set<String> changed = new HashSet<>();
        tombstones.forEach(t -> changed.add(t.host()));
        List<AuditRecord> records = new ArrayList<>();
        for (String h : hosts) {
            HostNote was = before.get(h);
            AuditRecord.Builder r = AuditRecord.builder(CLEAR_ACTION).ts(at).host(h).ok(true)
                    .outcome(changed.contains(h) ? "changed" : "unchanged").reason(why);
            if (changed.contains(h) && was != null) {
                r.observed("notes_cleared", was.count()).observed("last_note", was.text());
            }
            records.add(r.build());
        }
        auditLog.appendAll(records);
        return new Change(CLEAR_ACTION, hosts.stream().filter(changed::contains).toList(),
                hosts.stream().filter(h -> !changed.contains(h)).toList(), List.of(), null, why, auditLog.actor(), at);
    }

    /** The current note of each of {@code hosts} that has one. */
    public Map<String, HostNote> current() {
        return store.notes();
    }

    /** {@code host}'s history, newest first (adds and clears). */
    public List<NoteEntry> history(String host, int limit) {
        return store.noteHistory(host, limit);
    }

    /** What {@link #importFile} did: entries read from the file and how many of them were new. */
    public record Import(Path file, int read, int added) {}

    /**
     * Imports a fleetroll_mvp {@code notes.jsonl} ({@code {"action":"host.note_add","actor","host","note","ts"}} and
     * {@code {"action":"host.note_clear","actor","host","ts","reason"}} lines) so a team's notes come along; entries
     * already in the store are skipped, so importing twice adds nothing. The whole file is checked first: one bad line
     * is a {@link UserError} naming it, and nothing is imported. One audit record ({@code host.note_import}) names the
     * file and the counts.
     */
    public Import importFile(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new UserError("notes file " + file + " does not exist");
        } catch (IOException e) {
            throw new UserError("cannot read the notes file " + file + ": " + e.getMessage(), e);
        }
        List<NoteEntry> entries = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.isEmpty()) {
                entries.add(mvpEntry(line, file, i + 1));
            }
        }
        auditLog.checkWritable();
        int added = store.importNotes(entries);
        auditLog.append(AuditRecord.builder("host.note_import").ts(clock.instant())
                .hosts(entries.stream().map(NoteEntry::host).distinct().sorted(NaturalOrder.INSTANCE).toList())
                .ok(true).outcome(added > 0 ? "changed" : "unchanged")
                .parameter("file", file.toAbsolutePath().toString()).observed("read", entries.size()).observed("added", added)
                .build());
        return new Import(file, entries.size(), added);
    }

    private static NoteEntry mvpEntry(String line, Path file, int n) {
        String where = file + " line " + n;
        JsonNode node;
        try {
            node = AuditLog.json().readTree(line);
        } catch (IOException e) {
            throw new UserError(where + " is not JSON; expected one {\"action\": \"host.note_add\", ...} object a line");
        }
        String action = text(node, "action");
        String host = text(node, "host");
        String actor = text(node, "actor");
        String ts = text(node, "ts");
        if (host == null || HostNames.problem(host) != null) {
            throw new UserError(where + ": bad or missing host '" + host + "'"
                    + (host == null ? "" : " (" + HostNames.problem(host) + ")"));
        }
        Instant at = parseTime(ts);
        if (at == null) {
            throw new UserError(where + ": bad or missing ts '" + ts + "' (expected an ISO time like 2026-08-13T10:11:12Z)");
        }
        // everything imported is shown on terminals later: the same one-line plain-text rule as typed notes
        String who;
        String note = null;
        String reason = null;
        try {
            who = actor == null || actor.isBlank() ? "unknown" : checkText(actor, "actor");
            if (ADD_ACTION.equals(action)) {
                note = checkText(text(node, "note"), "note");
            } else if (CLEAR_ACTION.equals(action)) {
                String r = text(node, "reason");
                reason = r == null || r.isBlank() ? null : checkText(r, "reason");
            }
        } catch (UserError e) {
            throw new UserError(where + ": " + e.getMessage());
        }
        if (ADD_ACTION.equals(action)) {
            return new NoteEntry(0, host.toLowerCase(java.util.Locale.ROOT), at, who, NoteEntry.Action.ADD, note, null);
        }
        if (CLEAR_ACTION.equals(action)) {
            return new NoteEntry(0, host.toLowerCase(java.util.Locale.ROOT), at, who, NoteEntry.Action.CLEAR, null, reason);
        }
        throw new UserError(where + ": unknown action '" + action + "' (host.note_add or host.note_clear)");
    }

    private static String text(JsonNode node, String key) {
        JsonNode v = node.get(key);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static Instant parseTime(String ts) {
        if (ts == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(ts).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return LocalDateTime.parse(ts).toInstant(ZoneOffset.UTC); // no zone: the mvp wrote UTC
            } catch (DateTimeParseException e2) {
                return null;
            }
        }
    }

    private List<String> neverSeen(List<String> hosts) {
        Set<String> known = new HashSet<>(store.hosts());
        return hosts.stream().filter(h -> !known.contains(h)).toList();
    }

    private static void requireHosts(List<String> hosts) {
        if (hosts == null || hosts.isEmpty()) {
            throw new UserError("no hosts given for the note");
        }
    }

    /**
     * The text stripped, or a {@link UserError} naming the problem: empty, longer than {@link #MAX_LENGTH}, or holding
     * a control character (a note is one line: newlines, tabs and terminal escapes would break the monitor's table).
     */
    public static String checkText(String text, String what) {
        if (text == null || text.isBlank()) {
            throw new UserError("the " + what + " is empty; say what the next operator should know, e.g. 'disk failing, RELOPS-123'");
        }
        String t = text.strip();
        int length = t.codePointCount(0, t.length());
        if (length > MAX_LENGTH) {
            throw new UserError("the " + what + " is " + length + " characters long; at most " + MAX_LENGTH
                    + " (put details in a bug and note its number)");
        }
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                throw new UserError("the " + what + " holds a control character (" + describe(c) + ") at position " + (i + 1)
                        + "; a note is one line of plain text");
            }
        }
        return t;
    }

    private static String describe(char c) {
        return switch (c) {
            case '\n' -> "a newline";
            case '\r' -> "a carriage return";
            case '\t' -> "a tab";
            case '\u001b' -> "an escape";
            default -> String.format("U+%04X", (int) c);
        };
    }
}
