package dev.fleetroll.console.testing

import dev.fleetroll.config.Workspace
import dev.fleetroll.inventory.Inventory
import dev.fleetroll.util.NaturalOrder
import dev.fleetroll.ops.AuditReport
import dev.fleetroll.ops.ExecReport
import dev.fleetroll.ops.Fleet
import dev.fleetroll.ssh.BatchListener
import dev.fleetroll.ssh.Cancellation
import dev.fleetroll.ssh.ExecResult
import dev.fleetroll.ssh.Outcome
import dev.fleetroll.ssh.RemoteCommand
import dev.fleetroll.state.Observation
import dev.fleetroll.state.TestObservations
import groovy.transform.CompileStatic
import java.time.Duration
import java.time.Instant
import java.util.concurrent.ConcurrentHashMap
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import java.util.concurrent.TimeUnit

/**
 * An in-test {@link Fleet}: fixed hosts with scripted behaviour, no SSH. For DSL shaping, where/query and table
 * specs, and for driving the REPL in tmux before the sandbox exists. Integration specs use the sandbox instead.
 *
 * Host behaviours: {@code ok} (audit returns the host's options as an observation), {@code unreachable},
 * {@code tarpit} (blocks until cancelled), {@code fail} (exec exits 1). Options are those of
 * {@link TestObservations#ok}; {@code output} sets exec's stdout.
 */
class FakeFleet implements Fleet {
    final Workspace workspace
    final Map<String, Map> hosts = new ConcurrentHashMap<>()
    final Map<String, Observation> latest = new ConcurrentHashMap<>()
    final Map<String, Observation> latestOk = new ConcurrentHashMap<>()
    final List<String> calls = Collections.synchronizedList([])
    /** Changes a host's facts at the start of the given audit round: round -> host -> options. */
    final Map<Integer, Map<String, Map>> changes = [:]
    int audits = 0
    Duration hostDelay = Duration.ZERO
    File log

    FakeFleet(Workspace ws, Map<String, Map> hosts = [:]) {
        this.workspace = ws
        this.hosts.putAll(hosts)
    }

    /** Seeds the store as if every ok host had been audited earlier. */
    FakeFleet seed() {
        hosts.each { h, o ->
            if ((o.behaviour ?: 'ok') == 'ok') {
                def obs = TestObservations.ok(o + [ts: Instant.now() - Duration.ofMinutes(10), puppetAt: Instant.now() - Duration.ofHours(1)], h)
                latest[h] = obs
                latestOk[h] = obs
            }
        }
        this
    }

    private void record(String call) {
        calls << call
        log?.append(call + '\n')
    }

    @Override
    Workspace workspace() { workspace }

    @Override
    Inventory inventory() { new Inventory(workspace) }

    @Override
    List<String> knownHosts() {
        (latest.keySet() as List).sort(false, NaturalOrder.INSTANCE)
    }

    @Override
    Map<String, Observation> latest(List<String> names) {
        names.findAll { latest[it] }.collectEntries { [it, latest[it]] }
    }

    @Override
    Map<String, Observation> latestOk(List<String> names) {
        names.findAll { latestOk[it] }.collectEntries { [it, latestOk[it]] }
    }

    @Override
    synchronized AuditReport audit(List<String> names, BatchListener listener, Cancellation cancellation) {
        audits++
        changes[audits]?.each { h, o -> hosts[h] = (hosts[h] ?: [:]) + o }
        record("audit ${names.join(',')}")
        def start = Instant.now()
        def results = run(names, listener, cancellation) { String h, Map o ->
            switch (o.behaviour ?: 'ok') {
                case 'unreachable': return Observation.failed(h, Instant.now(), Outcome.UNREACHABLE, 'connection refused', null, 3L)
                default: return TestObservations.ok(o + [ts: Instant.now(), puppetAt: Instant.now() - Duration.ofHours(1)], h)
            }
        } { String h -> Observation.failed(h, Instant.now(), Outcome.CANCELLED, cancellation.reason(), null, 0L) }
        results.each { Observation o ->
            latest[o.host()] = o
            if (o.ok()) latestOk[o.host()] = o
        }
        new AuditReport(results, [:], Duration.between(start, Instant.now()))
    }

    @Override
    ExecReport exec(List<String> names, RemoteCommand command, BatchListener listener, Cancellation cancellation) {
        record("exec ${command.script()}${command.asRoot() ? ' (root)' : ''} on ${names.join(',')}")
        def start = Instant.now()
        def results = run(names, listener, cancellation) { String h, Map o ->
            switch (o.behaviour ?: 'ok') {
                case 'unreachable':
                    return new ExecResult(h, Outcome.UNREACHABLE, null, new byte[0], new byte[0], false, null,
                            'connection refused', Instant.now(), Duration.ZERO, 1)
                case 'fail':
                    return new ExecResult(h, Outcome.FAILED, 1, new byte[0], 'boom\n'.bytes, false, null, 'boom',
                            Instant.now(), Duration.ofMillis(5), 1)
                default:
                    String out = o.output ?: "ran: ${command.script()}\n"
                    return new ExecResult(h, Outcome.OK, 0, out.bytes, new byte[0], false, null, null, Instant.now(),
                            Duration.ofMillis(5), 1)
            }
        } { String h -> ExecResult.cancelled(h, cancellation.reason()) }
        new ExecReport(results, Duration.between(start, Instant.now()))
    }

    private <T> List<T> run(List<String> names, BatchListener listener, Cancellation cancellation,
                            Closure<T> work, Closure<T> cancelled) {
        listener.started(names.size())
        def pool = Executors.newFixedThreadPool(Math.max(1, Math.min(names.size(), 16)))
        try {
            def futures = names.collect { String h ->
                pool.submit({
                    Map o = hosts.containsKey(h) ? hosts[h] : [behaviour: 'unreachable']
                    if (cancellation.isCancelled()) {
                        def r = cancelled(h)
                        listener.hostFinished(h, Outcome.CANCELLED)
                        return r
                    }
                    listener.hostStarted(h)
                    if ((o.behaviour ?: 'ok') == 'tarpit') {
                        def latch = new CountDownLatch(1)
                        def undo = cancellation.onCancel { latch.countDown() }
                        latch.await(60, TimeUnit.SECONDS)
                        undo.run()
                        def r = cancelled(h)
                        listener.hostFinished(h, Outcome.CANCELLED)
                        return r
                    }
                    if (!hostDelay.isZero()) {
                        Thread.sleep(hostDelay.toMillis())
                    }
                    def r = work(h, o)
                    listener.hostFinished(h, r.outcome())
                    return r
                } as java.util.concurrent.Callable<T>)
            }
            futures.collect { it.get() }
        } finally {
            pool.shutdownNow()
        }
    }

    @Override
    void close() {
        record('close')
    }
}
