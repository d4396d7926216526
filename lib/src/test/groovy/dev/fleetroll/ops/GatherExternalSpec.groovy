package dev.fleetroll.ops

import dev.fleetroll.UserError
import dev.fleetroll.standin.GitHubStandIn
import dev.fleetroll.standin.StandInTask
import dev.fleetroll.standin.StaticRefSource
import dev.fleetroll.standin.TaskclusterStandIn
import java.nio.file.Files
import java.nio.file.Path
import java.time.Duration
import java.time.Instant
import spock.lang.AutoCleanup
import spock.lang.Specification
import spock.lang.TempDir

/**
 * gather-tc and gather-gh through DefaultFleet against the Taskcluster and GitHub stand-ins (real HTTP servers on
 * 127.0.0.1) and a real store: pools from roles and WORKER_TYPE_OVERRIDE, absent and unmapped hosts, a failing pool
 * that keeps its hosts' old records while the others are stored, the throttle, and the verdicts built on the result.
 */
class GatherExternalSpec extends Specification {
    static final String HEAD = ExternalFixture.HEAD
    static final String FIX_HEAD = ExternalFixture.FIX_HEAD

    @TempDir Path dir
    @AutoCleanup ExternalFixture ext

    TaskclusterStandIn getTc() { ext.tc }
    GitHubStandIn getGh() { ext.gh }
    DefaultFleet getFleet() { ext.fleet }
    StaticRefSource getRefs() { ext.refs }
    List<String> getHosts() { ext.hosts }

    def setup() {
        ext = new ExternalFixture(dir)
    }

    def "gather-tc stores every host: present, absent, moved by WORKER_TYPE_OVERRIDE, unmapped, never audited"() {
        when:
        def r = fleet.gatherTaskcluster(hosts)
        def stored = fleet.store().taskcluster()

        then:
        r.poolErrors() == [:]
        r.poolsListed() == 2
        r.workersListed() == 3
        r.present() == ['t-linux64-ms-001', 't-linux64-ms-003']
        r.absent() == ['t-linux64-ms-002']
        r.unmapped() == ['t-linux64-ms-004': 'no pool for role gecko_t_unknown (add it to taskcluster.roles)',
                         't-linux64-ms-005': 'never audited, so its role is unknown (gather-host it first)']
        stored.keySet() == hosts as Set

        and: 'the listed worker with its latest task run'
        with(stored['t-linux64-ms-001']) {
            present()
            pool() == 'releng-hardware/gecko-t-linux-talos-1804'
            workerGroup() == 'mdc1'
            latestTask() == 'TASK-A'
            latestTaskState() == 'running'
            taskRunning()
        }
        stored['t-linux64-ms-003'].pool() == 'releng-hardware/gecko-t-staging'
    }

    def "a resolved task run is not asked for again (it cannot change); a running one is, until it resolves"() {
        given:
        fleet.gatherTaskcluster(hosts)

        when: 'TASK-A still runs: two pool listings and its status'
        int r0 = tc.requests()
        fleet.gatherTaskcluster(hosts)

        then:
        tc.requests() - r0 == 3

        when: 'it resolved: asked once more to learn that'
        ext.workers.add(new StandInTask('TASK-A', [new StandInTask.Run(0, 'completed', ext.now - Duration.ofMinutes(12),
                ext.now - Duration.ofMinutes(2), 'mdc1', 't-linux64-ms-001')]))
        int r1 = tc.requests()
        def r = fleet.gatherTaskcluster(hosts)

        then:
        tc.requests() - r1 == 3
        r.stored()['t-linux64-ms-001'].latestTaskState() == 'completed'
        r.stored()['t-linux64-ms-001'].taskDuration(Instant.now()) == Duration.ofMinutes(10)

        when: 'then never again while it stays the latest'
        int r2 = tc.requests()
        def again = fleet.gatherTaskcluster(hosts)

        then:
        tc.requests() - r2 == 2
        again.stored()['t-linux64-ms-001'].taskResolved() == r.stored()['t-linux64-ms-001'].taskResolved()
    }

    def "the verdicts: expected sha from the override's branch or the default, tcActive within the hour, healthy"() {
        when:
        fleet.gatherGithub(false)
        fleet.gatherTaskcluster(hosts)
        def states = fleet.states(hosts, Instant.now())

        then:
        states['t-linux64-ms-001'].expectedBranch() == 'acme/ronin_puppet:fix'
        states['t-linux64-ms-001'].expectedSha() == FIX_HEAD
        states['t-linux64-ms-001'].ppMatch()
        states['t-linux64-ms-001'].tcActive()
        !states['t-linux64-ms-001'].quarantined()
        states['t-linux64-ms-001'].healthy()

        and: 'no override: the default branch; absent from Taskcluster: not active, so not healthy'
        states['t-linux64-ms-002'].expectedSha() == HEAD
        states['t-linux64-ms-002'].ppMatch()
        states['t-linux64-ms-002'].tcActive() == false
        states['t-linux64-ms-002'].healthy() == false

        and: 'last active three hours ago'
        states['t-linux64-ms-003'].tcActive() == false
        states['t-linux64-ms-003'].healthy() == false
    }

    def "a pool that keeps failing is reported; its hosts keep their previous record; the other pools are stored"() {
        given:
        fleet.gatherTaskcluster(hosts)
        def before = fleet.store().taskcluster()['t-linux64-ms-003']
        def before1 = fleet.store().taskcluster()['t-linux64-ms-001']

        when: 'both attempts of the first pool listed fail (concurrency 1: pools go in name order)'
        tc.failNext(2, 503)
        def r = fleet.gatherTaskcluster(hosts)
        def after = fleet.store().taskcluster()

        then:
        r.poolErrors().keySet()*.toString() == ['releng-hardware/gecko-t-linux-talos-1804']
        r.poolErrors().values()[0].contains('503')
        !r.stored().containsKey('t-linux64-ms-001')
        !r.stored().containsKey('t-linux64-ms-002')
        r.stored().keySet() == ['t-linux64-ms-003', 't-linux64-ms-004', 't-linux64-ms-005'] as Set
        after['t-linux64-ms-001'] == before1
        after['t-linux64-ms-003'].scannedAt() > before.scannedAt()
    }

    def "gather-gh: the branches hosts follow plus the default; fresh repositories are skipped unless forced"() {
        when:
        def first = fleet.gatherGithub(false)

        then:
        first.stored()*.key() as Set == ['acme/ronin_puppet:fix', 'acme/ronin_puppet:master', 'acme/ronin_puppet:main'] as Set
        first.stored().find { it.key() == 'acme/ronin_puppet:main' }.problem() == 'no such branch'
        first.failed() == [:]
        fleet.store().branchHeads()['acme/ronin_puppet:fix'].sha() == FIX_HEAD

        when: 'asked again at once: a repository with a missing branch is asked again (the branch may have been pushed)'
        refs.setHead('acme', 'ronin_puppet', 'main', HEAD)
        fleet.gatherGithub(false)
        int requests = gh.requests()
        def second = fleet.gatherGithub(false)

        then: 'now every wanted branch is fresh: no request'
        second.fresh() == ['acme/ronin_puppet']
        second.stored() == []
        gh.requests() == requests

        when: 'the branch moved; forced'
        refs.setHead('acme', 'ronin_puppet', 'fix', 'e' * 40)
        def third = fleet.gatherGithub(true)

        then:
        third.stored().find { it.key() == 'acme/ronin_puppet:fix' }.sha() == 'e' * 40
        fleet.states(['t-linux64-ms-001'], Instant.now())['t-linux64-ms-001'].ppMatch() == false
    }

    def "gather-gh: a repository that is gone is reported and keeps nothing stale; a deleted branch is stored as such"() {
        given:
        fleet.gatherGithub(false)
        refs.put('acme', 'ronin_puppet', [master: HEAD])

        when:
        def r = fleet.gatherGithub(true)

        then:
        r.stored().find { it.key() == 'acme/ronin_puppet:fix' }.problem() == 'no such branch'
        fleet.states(['t-linux64-ms-001'], Instant.now())['t-linux64-ms-001'].expectedSha() == null

        when:
        refs.remove('acme', 'ronin_puppet')
        def gone = fleet.gatherGithub(true)

        then:
        gone.failed().keySet() == ['acme/ronin_puppet'] as Set
        gone.failed()['acme/ronin_puppet'].contains('not found')
    }

    def "a bad default branch in the configuration is one line naming the setting"() {
        given:
        Files.writeString(fleet.workspace().home().configFile(), "github:\n  api_url: ${gh.apiUrl()}\n  default_branch: nonsense\n")
        def broken = DefaultFleet.open(fleet.workspace().reload())

        when:
        broken.gatherGithub(false)

        then:
        def e = thrown(UserError)
        e.message.startsWith('github.default_branch: not a repository branch')

        cleanup:
        broken?.close()
    }
}
