package dev.fleetroll.console.monitor;

import dev.fleetroll.Version;
import dev.fleetroll.config.Workspace;
import dev.fleetroll.monitor.FleetFeed;
import dev.fleetroll.state.Query;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.jline.terminal.Terminal;
import org.jline.utils.InfoCmp.Capability;

/** Starts the live monitor on a terminal: wires the feed, the filter history and the saved filters to the screen. */
public final class MonitorSession {
    /** Environment variable naming a file that gets one line per drawn frame (for bench/monitor.sh). */
    public static final String TRACE_ENV = "FLEETROLL_MONITOR_TRACE";

    private MonitorSession() {}

    /**
     * Runs the live monitor until the operator quits.
     *
     * @param source what is watched, for the header
     */
    public static void run(Terminal terminal, Workspace workspace, FleetFeed feed, Query query, String sort, String source,
                           Supplier<List<Picker.Entry>> savedFilters, Supplier<String> warning) throws IOException {
        FilterHistory history = FilterHistory.load(workspace.home().dir().resolve("filter_history"));
        if (!query.text().isBlank()) {
            history.add(query.text());
        }
        MonitorUi ui = new MonitorUi(query, sort, history, savedFilters);
        Integer max = terminal.getNumericCapability(Capability.max_colors);
        int colours = workspace.env().containsKey("NO_COLOR") || max == null ? 0 : max;
        MonitorFrame frame = new MonitorFrame(Version.get(), source, colours);
        new MonitorScreen(terminal, feed, ui, frame, Clock.systemUTC(), warning, trace(workspace)).run();
    }

    private static MonitorScreen.FrameTrace trace(Workspace workspace) {
        String file = workspace.env().get(TRACE_ENV);
        if (file == null || file.isBlank()) {
            return MonitorScreen.FrameTrace.NONE;
        }
        Path path = Path.of(file);
        return (reason, nanos) -> {
            try {
                Files.writeString(path, String.format(Locale.ROOT, "%d %s %.3f%n", System.currentTimeMillis(),
                        reason == null ? "-" : reason.replace(' ', '_'), nanos / 1e6), StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }
}
