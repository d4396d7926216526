package dev.fleetroll.ops

import static dev.fleetroll.state.TestObservations.ok

import dev.fleetroll.config.FleetrollHome
import dev.fleetroll.config.Workspace
import dev.fleetroll.standin.GitHubStandIn
import dev.fleetroll.standin.StandInTask
import dev.fleetroll.standin.StandInWorker
import dev.fleetroll.standin.StaticRefSource
import dev.fleetroll.standin.StaticWorkerSource
import dev.fleetroll.standin.TaskclusterStandIn
import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration
import java.time.Instant

/**
 * A DefaultFleet on a temporary home whose configuration points at a Taskcluster and a GitHub stand-in (real HTTP
 * servers on 127.0.0.1), with five stored hosts: ms-001 follows acme/ronin_puppet:fix and is listed in the talos
 * pool with a running task; ms-002 has no override and is not listed; ms-003 is moved to gecko-t-staging by
 * WORKER_TYPE_OVERRIDE and was last active three hours ago; ms-004's role maps to no pool; ms-005 was never audited.
 */
class ExternalFixture implements AutoCloseable {
    static final String HEAD = 'c' * 40
    static final String FIX_HEAD = 'f' * 40
    static final String PROV = 'releng-hardware'
    static final String CLIENT_ID = 'project/releng/fleetroll'
    static final String TOKEN = 'sandbox-secret-K7fQ2-access-token'

    final Path dir
    final StaticWorkerSource workers = new StaticWorkerSource()
    final StaticRefSource refs = new StaticRefSource()
    final Instant now = Instant.now()
    final List<String> hosts = (1..5).collect { String.format('t-linux64-ms-%03d', it) }
    TaskclusterStandIn tc
    GitHubStandIn gh
    DefaultFleet fleet

    /** @param env extra environment (credentials) for the fleet */
    ExternalFixture(Path dir, Map<String, String> env = [:]) {
        this.dir = dir
        workers.add(PROV, 'gecko-t-linux-talos-1804', [
                new StandInWorker('mdc1', 't-linux64-ms-001', 'running', 1, 'static', now - Duration.ofDays(9),
                        now - Duration.ofMinutes(5), null, [new StandInWorker.TaskRef('TASK-A', 0)]),
                StandInWorker.of('mdc1', 'someone-else', now - Duration.ofDays(2))])
        workers.add(PROV, 'gecko-t-staging', [
                new StandInWorker('mdc2', 't-linux64-ms-003', 'running', 1, 'static', now - Duration.ofDays(9),
                        now - Duration.ofHours(3), null, [])])
        workers.add(new StandInTask('TASK-A', [new StandInTask.Run(0, 'running', now - Duration.ofMinutes(12), null, 'mdc1',
                't-linux64-ms-001')]))
        tc = TaskclusterStandIn.start(workers, [(CLIENT_ID): TOKEN], dir.resolve('quarantines.json'), 0, { Instant.now() })
        refs.put('acme', 'ronin_puppet', [master: HEAD, fix: FIX_HEAD])
        gh = GitHubStandIn.start(refs)
        def home = new FleetrollHome(dir.resolve('home'))
        home.ensureExists()
        Files.writeString(home.configFile(), """\
                taskcluster:
                  root_url: ${tc.rootUrl()}
                  attempts: 2
                  concurrency: 1
                github:
                  api_url: ${gh.apiUrl()}
                  default_branch: acme/ronin_puppet:master
                """.stripIndent())
        fleet = DefaultFleet.open(Workspace.of(home, null,
                [FLEETROLL_HOME: home.dir().toString(), HOME: dir.toString(), USER: 'operator'] + env))
        fleet.store().saveAll([
                ok('t-linux64-ms-001', role: 'gecko_t_linux_talos', repo: 'https://github.com/acme/ronin_puppet.git',
                        branch: 'fix', gitSha: FIX_HEAD, ts: now - Duration.ofMinutes(1)),
                ok('t-linux64-ms-002', role: 'gecko_t_linux_talos', override: null, gitSha: HEAD, ts: now - Duration.ofMinutes(1)),
                ok('t-linux64-ms-003', role: 'gecko_t_linux_talos', workerType: 'gecko-t-staging', gitSha: HEAD,
                        ts: now - Duration.ofMinutes(1)),
                ok('t-linux64-ms-004', role: 'gecko_t_unknown', override: null, ts: now - Duration.ofMinutes(1))])
    }

    /** The environment that gives the fleet the stand-in's credentials. */
    static Map<String, String> credentials() {
        [TASKCLUSTER_CLIENT_ID: CLIENT_ID, TASKCLUSTER_ACCESS_TOKEN: TOKEN]
    }

    @Override
    void close() {
        fleet?.close()
        tc?.close()
        gh?.close()
    }
}
