package dev.fleetroll.console.writes;

import dev.fleetroll.ops.ActionPlan;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** A {@link Confirmer} on plain streams: prints the plan and the question, reads one line. */
public final class StreamConfirmer implements Confirmer {
    private final BufferedReader in;
    private final PrintStream out;

    public StreamConfirmer(InputStream in, PrintStream out) {
        this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        this.out = out;
    }

    @Override
    public boolean confirm(ActionPlan plan, String renderedPlan) {
        out.print(renderedPlan);
        out.print(Confirmer.question(plan));
        out.flush();
        try {
            return Confirmer.isYes(in.readLine());
        } catch (IOException e) {
            return false;
        }
    }
}
