package dev.fleetroll.ssh;

import dev.fleetroll.util.Shell;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.connection.channel.direct.Session;

/**
 * A long-lived {@code sh -s} (or {@code sudo -n sh -s}) on one pooled connection, running one command at a time
 * (see docs/ssh-engine.md, "Resident shells"). Each command is written to the shell's stdin as
 *
 * <pre>
 * echo B; echo B &gt;&amp;2; [p='PRELUDE'; if (eval "$p") &lt;/dev/null; then eval "$p" &lt;/dev/null; fi;] (eval 'SCRIPT') &lt;/dev/null; echo "
 * E $?"; echo "
 * E" &gt;&amp;2
 * </pre>
 *
 * where {@code B} and {@code E} are begin and end markers with a random token per command, and a prelude (function
 * definitions) is run in the shell itself the first time this shell sees it, once a subshell has run it without error
 * (a syntax error in {@code eval} ends a non-interactive shell). The first command also sets
 * {@code FLEETROLL_RESIDENT} (not exported) to this shell's random id. {@link MarkedInput} splits the streams.
 */
final class ResidentShell {
    private static final SecureRandom RANDOM = new SecureRandom();

    final String line;
    final SSHClient client;
    final String id = token();
    /** Held by the one thread running a command in this shell (and by the thread starting it). */
    final ReentrantLock lock = new ReentrantLock();
    volatile Session session;
    volatile Session.Command command;
    volatile boolean broken;
    /** Commands written to this shell so far (guarded by {@link #lock}). */
    int commands;
    /** The preludes this shell has run (guarded by {@link #lock}); a few constant strings, their hash cached. */
    private final Set<String> preludes = new HashSet<>();

    /** A shell not yet started; the constructing thread holds its lock. */
    ResidentShell(String line, SSHClient client) {
        this.line = line;
        this.client = client;
        lock.lock();
    }

    /** The command line that starts a resident shell: {@code sh -s}, under {@code sudo -n} for root when not root. */
    static String commandLine(boolean asRoot, String loginUser) {
        return SshjExecutor.sudo(asRoot, loginUser) + "sh -s";
    }

    static String token() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    /** True while the shell can take a command: started, not given up, channel open, no EOF from the host. */
    boolean usable() {
        Session.Command c = command;
        return !broken && c != null && c.isOpen() && !c.isEOF();
    }

    OutputStream stdin() {
        return command.getOutputStream();
    }

    InputStream stdout() {
        return command.getInputStream();
    }

    InputStream stderr() {
        return command.getErrorStream();
    }

    /** {@code prelude} when this shell has not run it yet, else null. */
    String needs(String prelude) {
        return prelude == null || prelude.isEmpty() || preludes.contains(prelude) ? null : prelude;
    }

    /** Notes that {@code prelude} (null: none) has been written to this shell. */
    void ran(String prelude) {
        if (prelude != null) {
            preludes.add(prelude);
        }
    }

    /** The bytes that run {@code script}, after {@code prelude} when not null, with markers {@code begin}/{@code end}. */
    byte[] wrap(String script, String prelude, String begin, String end) {
        StringBuilder sb = new StringBuilder(script.length() + (prelude == null ? 0 : prelude.length()) + 200);
        if (commands == 0) {
            sb.append("FLEETROLL_RESIDENT=").append(id).append('\n');
        }
        sb.append("echo ").append(begin).append("; echo ").append(begin).append(" >&2; ");
        if (prelude != null) {
            // a syntax error in eval would end the shell itself: try the prelude in a subshell first
            sb.append("fleetroll_prelude=").append(Shell.quote(prelude))
                    .append("; if (eval \"$fleetroll_prelude\") </dev/null; then eval \"$fleetroll_prelude\" </dev/null; fi;")
                    .append(" unset fleetroll_prelude; ");
        }
        sb.append("(eval ").append(Shell.quote(script)).append(") </dev/null; echo \"\n")
                .append(end).append(" $?\"; echo \"\n")
                .append(end).append("\" >&2\n");
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Gives the shell up: TERM to it (when {@code signal}), both streams ended for their readers, channel closed.
     * Never blocks: the close runs on a virtual thread. The connection stays.
     */
    void kill(boolean signal) {
        broken = true;
        ChannelRunner.kill(command, session, signal);
    }

    /** Forgets this shell in {@code slot}, so the next resident command there starts a new one. */
    void drop(PoolSlot slot) {
        broken = true;
        slot.resident.remove(line, this);
    }
}
