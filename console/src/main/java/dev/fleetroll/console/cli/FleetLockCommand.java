package dev.fleetroll.console.cli;

import dev.fleetroll.ops.DefaultFleet;
import dev.fleetroll.ops.Fleet;
import dev.fleetroll.reboot.FleetLockServer;
import dev.fleetroll.reboot.RebootGroups;
import dev.fleetroll.reboot.RebootSlots;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code fleetroll fleetlock serve --listen HOST:PORT}: a FleetLock server over the store's reboot slots. */
final class FleetLockCommand implements Command {

    @Override
    public String name() {
        return "fleetlock";
    }

    @Override
    public String summary() {
        return "serve the FleetLock protocol over the store's reboot slots, for hosts that reboot themselves";
    }

    @Override
    public String arguments() {
        return "serve";
    }

    @Override
    public String description() {
        return """
                Serves FleetLock (the protocol Zincati speaks) until interrupted, over the same reboot slots as
                fleetroll reboot and reboot-slots, so hosts that reboot themselves and operators share one limit
                per group (reboot.slots; the client names its group):
                  POST /v1/pre-reboot    take a slot for client_params.id in client_params.group (200, or 423
                                         failed_lock_semaphore_full; idempotent per id)
                  POST /v1/steady-state  give the id's slot back (200 also when it held none)
                  GET  /metrics          Prometheus text: fleetroll_reboot_slots_held / _total per group,
                                         fleetroll_fleetlock_requests_total by endpoint and outcome
                  GET  /-/healthy        ok
                Requests need the header 'fleet-lock-protocol: true' and the body
                {"client_params":{"id":"...","group":"..."}}; errors are 4xx/5xx {"kind":...,"value":...}.
                A slot held by a fleetroll reboot run is not taken or given back over FleetLock (423 lock_held).
                FleetLock has no authentication: --listen must be a loopback address unless --allow-remote.

                Exit status: 0 stopped by Ctrl-C/SIGTERM, 2 usage error (bad or busy address).

                Example:
                  fleetroll fleetlock serve --listen 127.0.0.1:8088
                """;
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("listen").hasArg().argName("HOST:PORT")
                .desc("address to listen on (default 127.0.0.1:8088; port 0 picks one)").get());
        o.addOption(Option.builder().longOpt("allow-remote").desc("allow a non-loopback --listen address").get());
        return o;
    }

    @Override
    public int run(CommandLine line, CliContext ctx) throws Exception {
        List<String> args = line.getArgList();
        if (args.size() != 1 || !args.get(0).equals("serve")) {
            throw new UsageError("fleetlock: the subcommand is serve (fleetroll fleetlock serve --listen 127.0.0.1:PORT)");
        }
        String listen = line.getOptionValue("listen", "127.0.0.1:8088");
        CountDownLatch stop = new CountDownLatch(1);
        try (Fleet fleet = DefaultFleet.open(ctx.workspace());
             FleetLockServer server = FleetLockServer.start(RebootSlots.of(fleet),
                     new RebootGroups(ctx.workspace().config().reboot()), Clock.systemUTC(), listen,
                     line.hasOption("allow-remote"))) {
            Runnable restore = Interrupts.onSigint(stop::countDown);
            Thread hook = new Thread(stop::countDown, "fleetlock-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            ctx.out().println("fleetlock: serving " + server.baseUrl() + " (/v1/pre-reboot, /v1/steady-state, /metrics);"
                    + " Ctrl-C stops");
            ctx.out().flush();
            try {
                stop.await();
            } finally {
                restore.run();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException ignored) {
                    // already shutting down
                }
            }
        }
        ctx.out().println("fleetlock: stopped");
        return Cli.OK;
    }
}
