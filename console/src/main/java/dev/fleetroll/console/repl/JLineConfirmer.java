package dev.fleetroll.console.repl;

import dev.fleetroll.console.writes.Confirmer;
import dev.fleetroll.ops.ActionPlan;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;

/**
 * The console's {@code [y/N]}: prints the plan on the terminal and reads the answer with a history-less line reader,
 * so answers never land in the shared history. Ctrl-C, Ctrl-D, an empty line or anything but y/yes is no.
 */
final class JLineConfirmer implements Confirmer {
    private final Terminal terminal;

    JLineConfirmer(Terminal terminal) {
        this.terminal = terminal;
    }

    @Override
    public boolean confirm(ActionPlan plan, String renderedPlan) {
        terminal.writer().print(renderedPlan);
        terminal.flush();
        LineReader answer = LineReaderBuilder.builder()
                .terminal(terminal)
                .variable(LineReader.DISABLE_HISTORY, true)
                .build();
        try {
            return Confirmer.isYes(answer.readLine(Confirmer.question(plan)));
        } catch (UserInterruptException | EndOfFileException e) {
            return false;
        }
    }
}
