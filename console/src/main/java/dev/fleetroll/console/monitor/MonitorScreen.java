package dev.fleetroll.console.monitor;

import dev.fleetroll.monitor.FleetFeed;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.jline.keymap.BindingReader;
import org.jline.keymap.KeyMap;
import org.jline.terminal.Attributes;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.utils.AttributedString;
import org.jline.utils.Display;
import org.jline.utils.InfoCmp.Capability;
import org.jline.utils.NonBlockingReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live monitor on a terminal: the alternate screen in raw mode, JLine's {@link Display} redrawing only what
 * changed, keys read between polls of the store. The store is polled every {@value #POLL_MS} ms (a cheap check of its
 * change marks; only new observations are read); ages are redrawn every second; a resize (SIGWINCH, e.g. another
 * tmux client attaching) redraws at the new size.
 */
public final class MonitorScreen {
    static final int POLL_MS = 25;
    private static final Duration AGE_TICK = Duration.ofSeconds(1);
    private static final Logger log = LoggerFactory.getLogger(MonitorScreen.class);

    private final Terminal terminal;
    private final FleetFeed feed;
    private final MonitorUi ui;
    private final MonitorFrame frame;
    private final Clock clock;
    private final Supplier<String> warning;
    private final FrameTrace trace;
    private final AtomicBoolean resized = new AtomicBoolean(true);

    MonitorScreen(Terminal terminal, FleetFeed feed, MonitorUi ui, MonitorFrame frame, Clock clock,
                  Supplier<String> warning, FrameTrace trace) {
        this.terminal = terminal;
        this.feed = feed;
        this.ui = ui;
        this.frame = frame;
        this.clock = clock;
        this.warning = warning;
        this.trace = trace;
    }

    /** Runs until the operator quits (q) or the terminal closes. */
    void run() throws IOException {
        Attributes saved = terminal.enterRawMode();
        Terminal.SignalHandler oldWinch = terminal.handle(Terminal.Signal.WINCH, s -> resized.set(true));
        Terminal.SignalHandler oldInt = terminal.handle(Terminal.Signal.INT, s -> ui.quit = true);
        terminal.puts(Capability.enter_ca_mode);
        terminal.puts(Capability.keypad_xmit);
        terminal.puts(Capability.cursor_invisible);
        terminal.flush();
        Display display = new Display(terminal, true);
        BindingReader keys = new BindingReader(terminal.reader());
        KeyMap<KeyEvent.Key> keyMap = keyMap(terminal);
        try {
            loop(display, keys, keyMap);
        } finally {
            terminal.puts(Capability.cursor_visible);
            terminal.puts(Capability.keypad_local);
            terminal.puts(Capability.exit_ca_mode);
            terminal.flush();
            terminal.setAttributes(saved);
            terminal.handle(Terminal.Signal.WINCH, oldWinch);
            terminal.handle(Terminal.Signal.INT, oldInt);
        }
    }

    private void loop(Display display, BindingReader keys, KeyMap<KeyEvent.Key> keyMap) throws IOException {
        Instant lastBuild = Instant.MIN;
        boolean dirty = true;
        String reason = "start";
        while (!ui.quit) {
            if (resized.getAndSet(false)) {
                Size size = terminal.getSize();
                display.clear();
                display.resize(Math.max(size.getRows(), 5), Math.max(size.getColumns(), 20));
                dirty = true;
                reason = "resize";
            }
            long t0 = System.nanoTime();
            FleetFeed.Update update = feed.poll();
            Instant now = clock.instant();
            if (update.any() || ui.rebuild || Duration.between(lastBuild, now).compareTo(AGE_TICK) >= 0) {
                if (update.any()) {
                    reason = update.external() ? "external" : "hosts " + update.hosts().size();
                } else if (!ui.rebuild && reason == null) {
                    reason = "tick";
                }
                ui.update(feed.states(now), now);
                lastBuild = now;
                dirty = true;
            }
            if (dirty) {
                draw(display, now);
                trace.frame(reason, System.nanoTime() - t0);
                dirty = false;
                reason = null;
            }
            int c = keys.peekCharacter(POLL_MS);
            if (c == NonBlockingReader.EOF) {
                return;
            }
            if (c == NonBlockingReader.READ_EXPIRED) {
                continue;
            }
            KeyEvent.Key k = keys.readBinding(keyMap, null, false);
            if (k == null) {
                continue;
            }
            KeyEvent e = k == KeyEvent.Key.CHAR ? KeyEvent.ch(keys.getLastBinding()) : KeyEvent.of(k);
            if (ui.handle(e, clock.instant())) {
                dirty = true;
                reason = "key";
            }
        }
    }

    private void draw(Display display, Instant now) {
        Size size = terminal.getSize();
        // one column short of the edge: a character in the last column makes some terminals (and tmux) wrap
        int width = Math.max(size.getColumns() - 1, 20);
        int height = Math.max(size.getRows(), 5);
        List<AttributedString> lines = frame.render(ui, width, height, now, warning.get());
        int col = MonitorFrame.cursorColumn(ui);
        if (col >= 0) {
            terminal.puts(Capability.cursor_visible);
            display.update(lines, size.cursorPos(height - 1, Math.min(col, width - 1)));
        } else {
            terminal.puts(Capability.cursor_invisible);
            display.update(lines, -1);
        }
        terminal.flush();
    }

    /** The keys the monitor knows, with the terminal's own sequences and the common xterm/vt100 ones. */
    static KeyMap<KeyEvent.Key> keyMap(Terminal terminal) {
        KeyMap<KeyEvent.Key> m = new KeyMap<>();
        m.setUnicode(KeyEvent.Key.CHAR);
        m.setNomatch(null);
        m.setAmbiguousTimeout(100);
        for (char c = 32; c < 127; c++) {
            m.bind(KeyEvent.Key.CHAR, String.valueOf(c));
        }
        m.bind(KeyEvent.Key.ENTER, "\r", "\n");
        m.bind(KeyEvent.Key.ESC, KeyMap.esc());
        m.bind(KeyEvent.Key.BACKSPACE, KeyMap.del(), KeyMap.ctrl('H'));
        m.bind(KeyEvent.Key.TAB, "\t");
        m.bind(KeyEvent.Key.CTRL_A, KeyMap.ctrl('A'));
        m.bind(KeyEvent.Key.CTRL_E, KeyMap.ctrl('E'));
        m.bind(KeyEvent.Key.CTRL_U, KeyMap.ctrl('U'));
        m.bind(KeyEvent.Key.CTRL_L, KeyMap.ctrl('L'));
        m.bind(KeyEvent.Key.CTRL_C, KeyMap.ctrl('C'));
        bind(m, terminal, KeyEvent.Key.UP, Capability.key_up, "\033[A", "\033OA");
        bind(m, terminal, KeyEvent.Key.DOWN, Capability.key_down, "\033[B", "\033OB");
        bind(m, terminal, KeyEvent.Key.RIGHT, Capability.key_right, "\033[C", "\033OC");
        bind(m, terminal, KeyEvent.Key.LEFT, Capability.key_left, "\033[D", "\033OD");
        bind(m, terminal, KeyEvent.Key.PAGE_UP, Capability.key_ppage, "\033[5~");
        bind(m, terminal, KeyEvent.Key.PAGE_DOWN, Capability.key_npage, "\033[6~");
        bind(m, terminal, KeyEvent.Key.HOME, Capability.key_home, "\033[H", "\033OH", "\033[1~", "\033[7~");
        bind(m, terminal, KeyEvent.Key.END, Capability.key_end, "\033[F", "\033OF", "\033[4~", "\033[8~");
        bind(m, terminal, KeyEvent.Key.DELETE, Capability.key_dc, "\033[3~");
        return m;
    }

    private static void bind(KeyMap<KeyEvent.Key> m, Terminal t, KeyEvent.Key key, Capability cap, String... seqs) {
        String own = KeyMap.key(t, cap);
        if (own != null && !own.isEmpty()) {
            m.bind(key, own);
        }
        for (String s : seqs) {
            m.bind(key, s);
        }
    }

    /** Where frame timings go when {@code FLEETROLL_MONITOR_TRACE} names a file (for bench/monitor.sh). */
    interface FrameTrace {
        FrameTrace NONE = (reason, nanos) -> {};

        void frame(String reason, long nanos);
    }

}
