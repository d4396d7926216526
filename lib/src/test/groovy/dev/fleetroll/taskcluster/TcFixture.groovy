package dev.fleetroll.taskcluster

import dev.fleetroll.util.Sleeper
import dev.fleetroll.standin.StandInTask
import dev.fleetroll.standin.StandInWorker
import dev.fleetroll.standin.StaticWorkerSource
import dev.fleetroll.standin.TaskclusterStandIn

import java.nio.file.Path
import java.time.Duration
import java.time.Instant
import java.util.concurrent.CopyOnWriteArrayList

/** A stand-in with a few pools and a client for it that records its backoffs instead of sleeping. */
class TcFixture implements AutoCloseable {
    static final Instant NOW = Instant.parse('2026-01-10T12:00:00Z')
    static final String CLIENT_ID = 'project/fleetroll/ops'
    static final String TOKEN = 'Zq3-secret-access-token-xyzzy-7f0e'
    static final String PROV = 'releng-hardware'

    final StaticWorkerSource source = new StaticWorkerSource()
    final List<Duration> sleeps = new CopyOnWriteArrayList<>()
    TaskclusterStandIn standIn

    TcFixture(Path book) {
        source.add(PROV, 'small', workers('s', 3))
        source.add(PROV, 'big', workers('b', 25))
        source.add(PROV, 'empty', [])
        // 25 workers of which 10..19 expired a day ago: with dropExpiredWorkers the second page of 10 is empty
        source.add(PROV, 'gappy', (0..<25).collect { i ->
            new StandInWorker('mdc1', "g$i", 'running', 1, 'static', NOW - Duration.ofDays(30), NOW - Duration.ofHours(1),
                    i in 10..19 ? NOW - Duration.ofDays(1) : null, [])
        })
        source.add(PROV, 'osx', [new StandInWorker('mdc1', 'macmini-r8-1', 'running', 1, 'static',
                NOW - Duration.ofDays(30), NOW - Duration.ofMinutes(5), NOW + Duration.ofDays(1),
                [new StandInWorker.TaskRef('T1', 0), new StandInWorker.TaskRef('T2', 1)])])
        source.add(new StandInTask('T2', [
                new StandInTask.Run(0, 'exception', NOW - Duration.ofMinutes(30), NOW - Duration.ofMinutes(20), 'mdc1', 'other'),
                new StandInTask.Run(1, 'running', NOW - Duration.ofMinutes(10), null, 'mdc1', 'macmini-r8-1')]))
        standIn = TaskclusterStandIn.start(source, [(CLIENT_ID): TOKEN, 'someone-else': 'another-token'], book, 0, { NOW })
    }

    static List<StandInWorker> workers(String prefix, int n) {
        (0..<n).collect { i -> StandInWorker.of('mdc1', "$prefix$i", NOW - Duration.ofDays(1)) }
    }

    TaskclusterClient.Settings settings(TaskclusterCredentials creds = TaskclusterCredentials.of(CLIENT_ID, TOKEN)) {
        TaskclusterClient.Settings.of(standIn.rootUrl(), creds)
                .withRetries(5, Duration.ofMillis(200), { Duration d -> sleeps << d } as Sleeper)
                .withRequestTimeout(Duration.ofSeconds(20))
                .withClock({ NOW })
    }

    TaskclusterClient client(TaskclusterCredentials creds = TaskclusterCredentials.of(CLIENT_ID, TOKEN)) {
        new TaskclusterClient(settings(creds))
    }

    @Override
    void close() {
        standIn?.close()
    }
}
