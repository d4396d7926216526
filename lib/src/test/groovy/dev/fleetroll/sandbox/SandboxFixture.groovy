package dev.fleetroll.sandbox

import dev.fleetroll.config.FleetrollHome
import dev.fleetroll.config.Workspace

import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration

/**
 * A sandbox fleet for one spec, in its own temporary FLEETROLL_HOME, always torn down: by {@link #close()} (use
 * Spock's {@code @AutoCleanup}, which runs also when the spec fails), by a JVM shutdown hook as a last resort, and,
 * if the JVM dies hard, by the next {@code Sandbox.up} anywhere on the machine (the fleet is tied to this process).
 *
 * <pre>
 * &#64;Requires({ SandboxFixture.supported() })
 * class MySpec extends Specification {
 *     &#64;Shared &#64;AutoCleanup SandboxFixture fleet = SandboxFixture.start(5)
 *
 *     def "..."() {
 *         expect:
 *         fleet.exec('t-linux64-ms-001', 'cat /etc/puppet_role').out() == fleet.host('t-linux64-ms-001').role()
 *         new Inventory(fleet.workspace()).resolve('sandbox').size() == 5
 *     }
 * }
 * </pre>
 *
 * Every public method of {@link RunningSandbox} is available on the fixture itself ({@code fleet.stopSshd(h)},
 * {@code fleet.hosts()}, ...).
 */
class SandboxFixture implements AutoCloseable {
    /** The temporary FLEETROLL_HOME (removed on close). */
    final Path home
    @Delegate(excludes = ['close', 'down'])
    final RunningSandbox sandbox
    private final Thread hook
    private boolean closed

    private SandboxFixture(Path home, RunningSandbox sandbox) {
        this.home = home
        this.sandbox = sandbox
        this.hook = new Thread({ quietly { sandbox.down() } }, 'sandbox-fixture-teardown')
        Runtime.runtime.addShutdownHook(hook)
    }

    /**
     * Whether this machine can run sandboxes (Linux, root, every {@link Prerequisite#SANDBOX} program). Under
     * {@code mvn verify} it always can: the build's prerequisite step installs them or stops the build first.
     */
    static boolean supported() {
        Sandbox.unsupportedReason() == null && Prerequisite.SANDBOX.every { it.present() }
    }

    /**
     * Starts an N-host fleet of the default shape ({@link FleetPlan}); {@code customize} may adjust the spec, e.g.
     * {@code { it.withLoginUser('ci') }} or {@code { it.withHosts(it.hosts().collect { h -> h.withVault(false) }) }}.
     * Without the Taskcluster and GitHub stand-ins unless {@code customize} asks ({@code { it.withServices(true) }}):
     * their JVM costs CPU time that most specs do not need.
     */
    static SandboxFixture start(int hosts = 5, Closure<SandboxSpec> customize = null) {
        Path home = Files.createTempDirectory('fleetroll-sandbox-home-')
        try {
            SandboxSpec spec = SandboxSpec.of(new FleetrollHome(home), hosts).withServices(false)
            if (customize != null) {
                spec = customize.call(spec)
            }
            return new SandboxFixture(home, Sandbox.up(spec))
        } catch (Throwable t) {
            home.toFile().deleteDir()
            throw t
        }
    }

    FleetrollHome fleetrollHome() {
        new FleetrollHome(home)
    }

    /** A workspace on the fixture's home (its config includes the sandbox drop-in); {@code projectDir} may be null. */
    Workspace workspace(Path projectDir = null) {
        Workspace.of(fleetrollHome(), projectDir, [FLEETROLL_HOME: home.toString()])
    }

    /** Environment for a fleetroll subprocess that should talk to this sandbox. */
    Map<String, String> env() {
        [FLEETROLL_HOME: home.toString()]
    }

    /** Takes the fleet down now (idempotent); returns what was removed. */
    synchronized DownReport down() {
        sandbox.down()
    }

    // --- the sandbox's host operations, taking a SandboxHost (specs hold hosts; the sandbox takes names) ------

    void stopSshd(SandboxHost h) {
        sandbox.stopSshd(h.name())
    }

    void startSshd(SandboxHost h) {
        sandbox.startSshd(h.name())
    }

    void tarpit(SandboxHost h) {
        sandbox.tarpit(h.name())
    }

    void untarpit(SandboxHost h) {
        sandbox.untarpit(h.name())
    }

    String rekey(SandboxHost h) {
        sandbox.rekey(h.name())
    }

    void trustHostKey(SandboxHost h) {
        sandbox.trustHostKey(h.name())
    }

    void corruptMetadata(SandboxHost h) {
        sandbox.corruptMetadata(h.name())
    }

    void reboot(SandboxHost h) {
        sandbox.reboot(h.name())
    }

    void reboot(SandboxHost h, Duration down) {
        sandbox.reboot(h.name(), down)
    }

    void awaitUp(SandboxHost h, Duration stall) {
        sandbox.awaitUp(h.name(), stall)
    }

    long acceptedConnections(SandboxHost h) {
        sandbox.acceptedConnections(h.name())
    }

    CommandResult hostShell(SandboxHost h, String script) {
        sandbox.hostShell(h.name(), script)
    }

    String readHostFile(SandboxHost h, String path) {
        sandbox.readHostFile(h.name(), path)
    }

    Long uptimeSeconds(SandboxHost h) {
        sandbox.uptimeSeconds(h.name())
    }

    @Override
    synchronized void close() {
        if (closed) {
            return
        }
        closed = true
        try {
            sandbox.down()
        } finally {
            quietly { Runtime.runtime.removeShutdownHook(hook) }
            home.toFile().deleteDir()
        }
    }

    private static void quietly(Closure c) {
        try {
            c.call()
        } catch (Throwable ignored) {
            // best effort: the next Sandbox.up reaps what is left
        }
    }
}
