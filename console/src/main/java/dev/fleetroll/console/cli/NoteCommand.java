package dev.fleetroll.console.cli;

import dev.fleetroll.auditlog.Actor;
import dev.fleetroll.auditlog.AuditLog;
import dev.fleetroll.inventory.Inventory;
import dev.fleetroll.inventory.NodeSet;
import dev.fleetroll.ops.DefaultFleet;
import dev.fleetroll.ops.Fleet;
import dev.fleetroll.ops.Notes;
import java.util.List;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * {@code fleetroll note HOSTS 'text'} and {@code note --clear HOSTS [--reason R]} (also {@code note-add} and
 * {@code note-clear}, the established tool's names): leave or clear the operator note the monitor shows.
 */
final class NoteCommand implements Command {
    private final boolean clearOnly;

    /** {@code note} (adds, or clears with {@code --clear}); with {@code clearOnly}, {@code note-clear}. */
    NoteCommand(boolean clearOnly) {
        this.clearOnly = clearOnly;
    }

    @Override
    public String name() {
        return clearOnly ? "note-clear" : "note";
    }

    @Override
    public List<String> aliases() {
        return clearOnly ? List.of() : List.of("note-add");
    }

    @Override
    public String summary() {
        return clearOnly ? "clear the operator notes of hosts (same as note --clear)"
                : "leave an operator note on hosts, shown in the monitor's NOTE column (--clear removes it)";
    }

    @Override
    public String arguments() {
        return clearOnly ? "HOSTS" : "HOSTS 'TEXT' | --clear HOSTS";
    }

    @Override
    public String description() {
        return (clearOnly ? "Clears the notes of the hosts (like 'fleetroll note --clear HOSTS').\n\n" : """
                Leaves a note on each host: one line of plain text (at most 500 characters) that the next operator
                sees in the monitor's NOTE column, in `fleetroll notes` and in the DSL (HostState.note). A host shows
                its newest note since the last clear, prefixed (N) when N notes were added since. --clear removes the
                notes (they stay in the history: fleetroll notes HOST --all).

                """) + """
                HOSTS is one argument: a host, a node set ('ms-[001-004]'), a comma-separated list (a,b) or a host-list
                name, as in every command. Any valid host name is accepted; a host fleetroll has never audited is
                named in a warning (a typo shows there). The author is $FLEETROLL_ACTOR, $SUDO_USER or $USER; every
                add and clear is a line in the audit log (host.note_add, host.note_clear). Adding the note a host
                already shows, or clearing a host without notes, changes nothing.

                Exit status: 0 done, 1 the store could not be written, 2 usage error (bad host name, empty text, over
                500 characters, control characters).

                Examples:
                """ + (clearOnly ? "  fleetroll note-clear t-linux64-ms-016 --reason 'disk replaced'\n" : """
                  fleetroll note t-linux64-ms-016 'disk failing, RELOPS-123'
                  fleetroll note 'ms-[016-020]' 'rack move on Tuesday'
                  fleetroll note --clear ms-016 --reason 'disk replaced'
                """);
    }

    @Override
    public Options options() {
        Options o = new Options();
        if (!clearOnly) {
            o.addOption(Option.builder().longOpt("clear").desc("clear the hosts' notes instead of adding one").get());
        }
        o.addOption(Option.builder().longOpt("reason").hasArg().argName("TEXT").desc("why the notes are cleared (kept in the history and the audit log)").get());
        return o;
    }

    @Override
    public int run(CommandLine line, CliContext ctx) {
        boolean clear = clearOnly || line.hasOption("clear");
        List<String> args = line.getArgList();
        if (clear && args.size() != 1) {
            throw new UsageError(name() + (clearOnly ? "" : " --clear") + ": give the hosts as one argument"
                    + (args.isEmpty() ? "" : " (got " + args.size() + "; for several hosts use a node set 'ms-[1-3]' or a,b)"));
        }
        if (!clear && args.size() != 2) {
            throw new UsageError(args.size() < 2
                    ? "note: give the hosts and the text: fleetroll note HOSTS 'text' (or --clear HOSTS)"
                    : "note: expected HOSTS and one quoted text, got " + args.size() + " arguments; quote the text"
                            + " (fleetroll note ms-016 'disk failing') and give several hosts as one node set 'ms-[1-3]' or a,b");
        }
        if (!clear && line.hasOption("reason")) {
            throw new UsageError("note: --reason goes with --clear (the note itself says why)");
        }
        List<String> hosts = new Inventory(ctx.workspace()).resolve(args.get(0));
        AuditLog auditLog = AuditLog.of(ctx.workspace().home(), Actor.from(ctx.env()));
        Notes.Change c;
        try (Fleet fleet = DefaultFleet.open(ctx.workspace())) {
            Notes notes = fleet.notes(auditLog);
            c = clear ? notes.clear(hosts, line.getOptionValue("reason")) : notes.add(hosts, args.get(1));
        }
        if (!c.neverSeen().isEmpty()) {
            ctx.err().println("fleetroll: warning: never audited (check the name): " + NodeSet.fold(c.neverSeen()));
        }
        ctx.out().println(c.summary() + (c.changed().isEmpty() ? "" : ": " + NodeSet.fold(c.changed()))
                + " (by " + c.actor() + ")");
        return Cli.OK;
    }
}
