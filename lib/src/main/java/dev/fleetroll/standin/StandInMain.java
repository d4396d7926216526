package dev.fleetroll.standin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.fleetroll.sandbox.SandboxWorkerSource;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The process that serves one sandbox's Taskcluster and GitHub stand-ins until it is killed (with the rest of the
 * fleet's process group) or its sandbox is gone. {@code Sandbox.up} starts it through {@code launch.sh}; its stdout
 * is the stand-in log in the sandbox directory.
 *
 * <pre>
 * java -cp CLASSPATH dev.fleetroll.standin.StandInMain --sandbox DIR --tc-listen 127.S.0.2:8080
 *     --gh-listen 127.S.0.2:8081 --credentials DIR/client/taskcluster.json --git-config DIR/puppet/gitconfig
 *     --quarantines FILE --ready FILE [--bugs-listen 127.S.0.2:8082 --bugs-key-file DIR/client/bugzilla.yaml]
 * </pre>
 *
 * Workers come from the sandbox's hosts ({@link SandboxWorkerSource}), branch heads from the repositories the
 * sandbox's gitconfig maps GitHub URLs to ({@link GitRefSource#fromGitConfig}); the credentials file's client is the
 * only one the Taskcluster stand-in knows. With {@code --bugs-listen} it also serves a Bugzilla stand-in
 * ({@link BugzillaStandIn}) accepting the {@code bugs_api_key} of {@code --bugs-key-file}. Both listen on loopback addresses only. Once both listen, {@code --ready}
 * is written atomically (their URLs, one per line); a failure to start is one line on stdout and exit status 1.
 */
public final class StandInMain {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** How often the process checks that its sandbox still exists. */
    private static final long WATCH_MILLIS = 5_000;

    private StandInMain() {}

    /** The command line, parsed. */
    record Args(Path sandbox, InetSocketAddress tcListen, InetSocketAddress ghListen, Path credentials, Path gitConfig,
                Path quarantines, Path ready, InetSocketAddress bugsListen, Path bugsKeyFile) {
        static Args parse(String[] argv) {
            Map<String, String> v = new HashMap<>();
            List<String> known = List.of("--sandbox", "--tc-listen", "--gh-listen", "--credentials", "--git-config",
                    "--quarantines", "--ready");
            List<String> optional = List.of("--bugs-listen", "--bugs-key-file");
            for (int i = 0; i < argv.length; i++) {
                if (!(known.contains(argv[i]) || optional.contains(argv[i])) || i + 1 >= argv.length) {
                    throw new IllegalArgumentException("usage: StandInMain --sandbox DIR --tc-listen ADDR:PORT --gh-listen"
                            + " ADDR:PORT --credentials FILE --git-config FILE --quarantines FILE --ready FILE"
                            + " [--bugs-listen ADDR:PORT --bugs-key-file FILE] (at '"
                            + argv[i] + "')");
                }
                v.put(argv[i], argv[++i]);
            }
            for (String k : known) {
                if (!v.containsKey(k)) {
                    throw new IllegalArgumentException("missing " + k);
                }
            }
            return new Args(Path.of(v.get("--sandbox")), address(v.get("--tc-listen")), address(v.get("--gh-listen")),
                    Path.of(v.get("--credentials")), Path.of(v.get("--git-config")), Path.of(v.get("--quarantines")),
                    Path.of(v.get("--ready")), v.containsKey("--bugs-listen") ? address(v.get("--bugs-listen")) : null,
                    v.containsKey("--bugs-key-file") ? Path.of(v.get("--bugs-key-file")) : null);
        }
    }

    public static void main(String[] argv) {
        try {
            run(Args.parse(argv));
        } catch (Exception | Error e) {
            log("cannot serve: " + oneLine(e));
            System.out.flush();
            System.exit(1);
        }
    }

    static void run(Args a) throws IOException, InterruptedException {
        Map<String, String> clients = client(a.credentials());
        SandboxWorkerSource workers = SandboxWorkerSource.open(a.sandbox());
        TaskclusterStandIn tc;
        try {
            tc = TaskclusterStandIn.start(workers, clients, a.quarantines(), a.tcListen(), Instant::now);
        } catch (IOException e) {
            throw new IOException("the Taskcluster stand-in cannot listen on " + hostPort(a.tcListen()) + ": "
                    + e.getMessage(), e);
        }
        GitHubStandIn gh;
        try {
            gh = GitHubStandIn.start(GitRefSource.fromGitConfig(a.gitConfig()), a.ghListen(), Instant::now);
        } catch (RuntimeException e) {
            tc.close();
            throw e;
        }
        BugzillaStandIn bugs = null;
        if (a.bugsListen() != null) {
            try {
                bugs = BugzillaStandIn.start(bugsKey(a.bugsKeyFile()), a.bugsListen());
            } catch (RuntimeException | IOException e) {
                gh.close();
                tc.close();
                throw e;
            }
        }
        log("Taskcluster stand-in on " + tc.rootUrl() + " (client " + String.join(", ", clients.keySet()) + "), GitHub"
                + " stand-in on " + gh.apiUrl() + (bugs == null ? "" : ", Bugzilla stand-in on " + bugs.url())
                + ", for the sandbox in " + a.sandbox());
        Path tmp = a.ready().resolveSibling(a.ready().getFileName() + ".tmp");
        Files.writeString(tmp, tc.rootUrl() + "\n" + gh.apiUrl() + "\n");
        Files.move(tmp, a.ready(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        // normally the fleet's process group is killed with us in it; this only ends a process that group kill missed
        while (Files.exists(a.sandbox().resolve("state.json"))) {
            Thread.sleep(WATCH_MILLIS);
        }
        log("the sandbox in " + a.sandbox() + " is gone; stopping after " + tc.requests() + " Taskcluster and "
                + gh.requests() + " GitHub requests");
        gh.close();
        tc.close();
        if (bugs != null) {
            bugs.close();
        }
    }

    /** The {@code bugs_api_key} of a YAML credentials file (one {@code key: value} per line). */
    static String bugsKey(Path file) throws IOException {
        if (file == null) {
            throw new IOException("--bugs-listen needs --bugs-key-file");
        }
        for (String line : Files.readAllLines(file)) {
            String t = line.strip();
            if (t.startsWith("bugs_api_key:")) {
                return t.substring("bugs_api_key:".length()).strip();
            }
        }
        throw new IOException(file + " has no bugs_api_key");
    }

    /** clientId to accessToken of the credentials file ({@code {"clientId": ..., "accessToken": ...}}). */
    static Map<String, String> client(Path file) throws IOException {
        JsonNode n = JSON.readTree(file.toFile());
        if (n == null || !n.path("clientId").isTextual() || !n.path("accessToken").isTextual()) {
            throw new IOException(file + " has no clientId and accessToken");
        }
        return Map.of(n.get("clientId").asText(), n.get("accessToken").asText());
    }

    /** {@code 127.1.0.2:8080} to a socket address; only loopback addresses (the stand-ins answer this machine only). */
    static InetSocketAddress address(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || !hostPort.substring(colon + 1).matches("\\d{1,5}")) {
            throw new IllegalArgumentException("'" + hostPort + "' is not ADDRESS:PORT");
        }
        String literal = hostPort.substring(0, colon);
        if (!literal.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            throw new IllegalArgumentException("'" + hostPort + "' does not start with an IPv4 address");
        }
        InetAddress addr;
        try {
            addr = InetAddress.getByName(literal); // a literal: no name lookup
        } catch (IOException e) {
            throw new IllegalArgumentException("'" + hostPort + "' does not start with an IPv4 address", e);
        }
        if (!addr.isLoopbackAddress()) {
            throw new IllegalArgumentException(hostPort + " is not a loopback address; the stand-ins answer this machine only");
        }
        return new InetSocketAddress(addr, Integer.parseInt(hostPort.substring(colon + 1)));
    }

    private static String hostPort(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    private static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        return m.replaceAll("\\s*\\R\\s*", " ").strip();
    }

    private static void log(String line) {
        System.out.println(Instant.now() + " stand-in: " + line);
        System.out.flush();
    }
}
