package dev.fleetroll.console.cli;

import dev.fleetroll.config.FleetrollConfig;
import dev.fleetroll.ops.DefaultFleet;
import dev.fleetroll.ops.Fleet;
import dev.fleetroll.server.ApiClients;
import dev.fleetroll.server.FleetServer;
import dev.fleetroll.server.ListenAddress;
import dev.fleetroll.server.Scanner;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code fleetroll serve}: a thin wrapper over {@link FleetServer} (REST API, web UI, metrics, scheduled scanner). */
final class ServeCommand implements Command {

    @Override
    public String name() {
        return "serve";
    }

    @Override
    public String summary() {
        return "serve the monitor over HTTP (web UI, REST API, /metrics) and run the scheduled scanner";
    }

    @Override
    public String description() {
        return """
                Runs fleetroll as a service for a team: a read-only web UI (the monitor's table with the same
                columns, filter language, named filters and sort; a page per host with its observation history,
                notes and audit-log entries; live updates as the store changes), a REST API under /api/v1
                (documented at /api/v1/openapi.json), Prometheus /metrics and /healthz.

                Scanner: the server also runs gather-host, gather-tc and gather-gh for every stored host at the
                intervals server.scan.audit_every / tc_every / gh_every (0s turns one off). Only one server per
                store scans: the holder of the store's scanner lease. Another server on the same store serves
                read-only and takes the lease over (within server.scan.lease_retry) when the scanner stops.

                Actions (POST /api/v1/hosts/NAME/note, /quarantine, /run-puppet, /reboot) need Hawk credentials
                with Taskcluster-style clients read from server.clients_file (clientId, accessToken, scopes such as
                fleetroll:note:* or fleetroll:quarantine:POOL/HOST) and are recorded in the audit log with the client
                id as actor. /reboot starts a coordinated reboot (reboot slots, then the ladder) and answers 202 at
                once; its end is the host's reboot.done audit record. Reads are open unless
                server.read_auth is true. CORS is off unless server.cors_origins lists origins.

                It binds loopback only (default server.listen, 127.0.0.1:8420); another address needs
                --allow-remote. Stop it with Ctrl-C or SIGTERM. See docs/server.md.

                Exit status: 0 stopped, 2 usage or configuration error (bad --listen, unreadable clients file,
                port in use).

                Examples:
                  fleetroll serve
                  fleetroll serve --listen 127.0.0.1:9000
                  fleetroll serve --listen 0.0.0.0:8420 --allow-remote
                """;
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("listen").hasArg().argName("HOST:PORT")
                .desc("address to serve on (default server.listen, 127.0.0.1:8420)").get());
        o.addOption(Option.builder().longOpt("allow-remote")
                .desc("allow a non-loopback --listen address").get());
        return o;
    }

    @Override
    public int run(CommandLine line, CliContext ctx) throws Exception {
        if (!line.getArgList().isEmpty()) {
            throw new UsageError("serve: takes no arguments (got " + String.join(" ", line.getArgList()) + ")");
        }
        FleetrollConfig.Server config = ctx.workspace().config().server();
        InetSocketAddress listen = ListenAddress.parse(line.getOptionValue("listen", config.listen()),
                line.hasOption("allow-remote"));
        ApiClients clients = config.clientsFile() == null ? ApiClients.none()
                : ApiClients.read(ctx.workspace().path(config.clientsFile()));
        CountDownLatch stop = new CountDownLatch(1);
        try (Fleet fleet = DefaultFleet.open(ctx.workspace())) {
            FleetServer server = FleetServer.start(ctx.workspace(), fleet, fleet.store(),
                    new FleetServer.Options(listen, config, clients, Duration.ofMillis(500), new Scanner.Listener() {
                        @Override
                        public void roleChanged(Scanner.Role role) {
                            ctx.err().println("fleetroll serve: scanner " + role.name().toLowerCase(java.util.Locale.ROOT));
                        }
                    }));
            Thread hook = new Thread(() -> {
                server.close();
                stop.countDown();
            });
            Runtime.getRuntime().addShutdownHook(hook);
            ctx.out().println("fleetroll serve: serving on " + server.uri() + " (" + clients.size()
                    + " API clients; Ctrl-C stops)");
            ctx.out().flush();
            stop.await();
        }
        return Cli.OK;
    }
}
