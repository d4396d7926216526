package dev.fleetroll.console;

import dev.fleetroll.config.FleetrollHome;
import dev.fleetroll.config.Workspace;
import dev.fleetroll.console.cli.Cli;
import dev.fleetroll.console.cli.Commands;
import dev.fleetroll.console.repl.Repl;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * The workloads the launcher records its two JDK 25 AOT caches from (not for operators). {@code fleetroll --aot-train}
 * for the DSL's cache: {@code --version}, {@code -e} with the DSL's compiler, durations and queries, and the console
 * up to its prompt on a dumb terminal with a few lines and a completion. {@code fleetroll --aot-train-plain} for plain
 * commands' cache: {@code --version} and a command's help, without the Groovy classes (mapping those made a plain
 * command bigger and slower). Both then run, when this machine has an OpenSSH server, two audit rounds of 32
 * connections to a throw-away {@code sshd} on 127.0.0.1 (handshake, auth, exec, parser, store: what every cold
 * {@code gather-host} repeats per host). Output is discarded; no real host or store is touched (FLEETROLL_HOME is a
 * temporary directory).
 */
final class Training {
    /** The launcher's argument for each workload. */
    static final String DSL = "--aot-train";
    static final String PLAIN = "--aot-train-plain";

    private Training() {}

    /** The workload {@code arg} names ({@link #DSL} or {@link #PLAIN}); 0. */
    static int run(String arg) throws Exception {
        PrintStream out = System.out;
        PrintStream err = System.err;
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        Path home = Files.createTempDirectory("fleetroll-train");
        try {
            System.setOut(nowhere);
            System.setErr(nowhere);
            Cli cli = new Cli(Commands.all());
            cli.run(new String[] {"--version"});
            if (DSL.equals(arg)) {
                dsl(cli, home);
            } else {
                cli.run(new String[] {"gather-host", "--help"});
            }
            TrainingSshd.audit(home.resolve("ssh"));
            return 0;
        } finally {
            System.setOut(out);
            System.setErr(err);
            try (var files = Files.walk(home)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The DSL's entry points: -e through the Groovy compiler, and the console up to its prompt on a dumb terminal. */
    private static void dsl(Cli cli, Path home) throws Exception {
        cli.run(new String[] {"-e", "1+1"});
        cli.run(new String[] {"-e", "def d = 30.seconds + 2.minutes; [1, 2, 3].collect { it * 2 }.sum() + d.seconds"});
        cli.run(new String[] {"-e", "query('role~talos pp_last>20h os=L|M sort:pp_last:desc,host')"});
        String lines = "1+1\ndef s = [a: 1]\ns.a + 1\n:help where\nhosts('x').wh\t\t\u0015\n:exit\n";
        try (Terminal t = TerminalBuilder.builder().dumb(true).system(false).type("dumb")
                .streams(new ByteArrayInputStream(lines.getBytes(StandardCharsets.UTF_8)), OutputStream.nullOutputStream())
                .build()) {
            Map<String, String> env = Map.of(FleetrollHome.ENV, home.toString());
            FleetrollHome fh = new FleetrollHome(home);
            new Repl(() -> Workspace.of(fh, null, env), fh, env, false).run(t);
        }
    }
}
