package dev.fleetroll.console.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.jline.terminal.spi.SystemStream;
import org.jline.terminal.spi.TerminalProvider;

/**
 * Whether stdin, stdout and stderr are terminals, each on its own (cron and pipes need the distinction).
 * The launcher passes {@code -Dfleetroll.tty=ioe} flags from the shell's {@code [ -t N ]}; otherwise JLine's
 * native provider answers, and {@code /proc/self/fd} is the last resort.
 */
final class Tty {
    private Tty() {}

    static boolean isTerminal(int fd) {
        String flags = System.getProperty("fleetroll.tty");
        if (flags != null && flags.length() == 3) {
            return flags.charAt(fd) == '1';
        }
        try {
            TerminalProvider provider = TerminalProvider.load("jni");
            return provider.isSystemStream(switch (fd) {
                case 0 -> SystemStream.Input;
                case 1 -> SystemStream.Output;
                default -> SystemStream.Error;
            });
        } catch (Throwable e) {
            try {
                String target = Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
                return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
            } catch (Exception ignored) {
                return false;
            }
        }
    }
}
