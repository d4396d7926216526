package dev.fleetroll.console.testing

import java.nio.file.Files
import java.nio.file.Path

/**
 * A private tmux server (its own socket via -L and an empty config) for driving the console in a real terminal:
 * start sessions, send keys, poll capture-pane until text appears, resize, attach extra clients. {@link #close}
 * kills the server and waits for it and the attached clients to end.
 */
class Tmux implements Closeable {
    final String socket = "fleetroll-spec-${ProcessHandle.current().pid()}-${UUID.randomUUID().toString().take(8)}"
    final Path conf = Files.createTempFile('tmux', '.conf')
    private final List<Process> clients = []
    private Long serverPid

    static boolean available() {
        try {
            return new ProcessBuilder('tmux', '-V').start().waitFor() == 0
        } catch (IOException ignored) {
            return false
        }
    }

    Tmux() {
        conf.text = 'set -g history-limit 5000\nsetw -g remain-on-exit on\n'
    }

    String tmux(List<String> args) {
        def p = new ProcessBuilder((['tmux', '-L', socket, '-f', conf.toString()] + args)*.toString()).redirectErrorStream(true).start()
        String out = p.inputStream.text
        p.waitFor()
        if (p.exitValue() != 0) {
            throw new IllegalStateException("tmux ${args}: ${out}")
        }
        out
    }

    /** Starts {@code command} in a new detached session of the given size, with TERM set for it. */
    private String socketPath

    void start(String session, String command, String term = 'screen-256color', int width = 200, int height = 50) {
        tmux(['new-session', '-d', '-s', session, '-x', "$width", '-y', "$height",
              "env TERM=${term} NO_COLOR=1 ${command}; echo \"[exited \$?]\"".toString()])
        if (serverPid == null) {
            serverPid = tmux(['display-message', '-p', '#{pid}']).trim() as Long
            socketPath = tmux(['display-message', '-p', '#{socket_path}']).trim()
        }
    }

    /** Types text literally (no key names). */
    void type(String session, String text) {
        tmux(['send-keys', '-t', session, '-l', text])
    }

    /** Sends key names: Enter, Tab, C-c, C-d, Up ... */
    void keys(String session, String... keys) {
        tmux(['send-keys', '-t', session] + keys.toList())
    }

    String screen(String session) {
        tmux(['capture-pane', '-p', '-J', '-t', session, '-S', '-500'])
    }

    /** The visible screen, row by row as drawn (full-screen programs: no joining of rows tmux thinks wrapped). */
    String rows(String session) {
        tmux(['capture-pane', '-p', '-t', session])
    }

    /** Polls the screen until {@code pattern} (a substring or a regex via ~/.../) shows; returns the screen. */
    String waitFor(String session, Object pattern, double seconds = 60) {
        long end = System.nanoTime() + (long) (seconds * 1e9)
        String last = ''
        while (System.nanoTime() < end) {
            last = screen(session)
            if (pattern instanceof java.util.regex.Pattern ? last =~ pattern : last.contains(pattern as String)) {
                return last
            }
            Thread.sleep(100)
        }
        throw new AssertionError("timed out after ${seconds}s waiting for '${pattern}' in ${session}; screen:\n${last}")
    }

    /** Waits until the screen has {@code n} occurrences of {@code text}. */
    String waitForCount(String session, String text, int n, double seconds = 60) {
        long end = System.nanoTime() + (long) (seconds * 1e9)
        String last = ''
        while (System.nanoTime() < end) {
            last = screen(session)
            if (last.count(text) >= n) {
                return last
            }
            Thread.sleep(100)
        }
        throw new AssertionError("timed out waiting for ${n} x '${text}'; screen:\n${last}")
    }

    /** True once the program in the session's pane has exited. */
    boolean paneDead(String session) {
        tmux(['list-panes', '-t', session, '-F', '#{pane_dead}']).trim() == '1'
    }

    /** Waits until the pane's program has exited; returns its exit status. */
    int waitForExit(String session, double seconds = 30) {
        long end = System.nanoTime() + (long) (seconds * 1e9)
        while (System.nanoTime() < end) {
            def m = screen(session) =~ /\[exited (\d+)]|Pane is dead \(status (\d+)/
            if (m.find()) {
                return (m.group(1) ?: m.group(2)) as int
            }
            Thread.sleep(100)
        }
        throw new AssertionError("${session} did not exit in ${seconds}s; screen:\n${screen(session)}")
    }

    void resize(String session, int width, int height) {
        tmux(['resize-window', '-t', session, '-x', "$width", '-y', "$height"])
    }

    /** Attaches a client through script(1) so the session has a real attached terminal. */
    void attachClient(String session) {
        def pb = new ProcessBuilder('script', '-qfec', "tmux -L ${socket} -f ${conf} attach -t ${session}", '/dev/null')
        pb.environment().put('TERM', 'screen-256color')
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
        clients << pb.start()
    }

    int clientCount() {
        tmux(['list-clients']).readLines().findAll { it.trim() }.size()
    }

    @Override
    void close() {
        List<ProcessHandle> started = serverPid == null ? [] : ProcessHandle.of(serverPid)
                .map { it.descendants().toList() }.orElse([])
        try {
            tmux(['kill-server'])
        } catch (IllegalStateException ignored) {
            // already gone
        }
        clients.each { it.destroy(); it.waitFor(5, java.util.concurrent.TimeUnit.SECONDS) }
        if (serverPid != null) {
            ProcessHandle.of(serverPid).ifPresent { it.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS) }
        }
        // the consoles this server ran: SIGHUP should have ended them; make sure, by pid
        started.findAll { it.alive }.each { it.destroy() }
        started.each { it.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS) }
        Files.deleteIfExists(conf)
        if (socketPath) {
            Files.deleteIfExists(Path.of(socketPath))
        }
    }
}
