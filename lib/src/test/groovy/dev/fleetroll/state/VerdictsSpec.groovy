package dev.fleetroll.state

import static dev.fleetroll.state.TestObservations.NOW

import java.time.Duration
import java.time.Instant
import spock.lang.Specification

/** The Taskcluster and GitHub verdicts, and the host state and columns built on them. */
class VerdictsSpec extends Specification {
    static final String HEAD = 'c' * 40
    static final Duration HOUR = Duration.ofHours(1)

    static TaskclusterState worker(Map o = [:]) {
        new TaskclusterState(o.scannedAt ?: NOW, 'releng-hardware/gecko-t-linux-talos-1804', true, 'mdc1', 'h1',
                'running', NOW - Duration.ofDays(30), o.containsKey('lastActive') ? o.lastActive : NOW - Duration.ofMinutes(10),
                o.quarantinedUntil as Instant, o.reason as String, 'TASK', 0, o.taskState ?: 'completed',
                o.started as Instant, o.resolved as Instant, null)
    }

    static ExternalFacts facts(Map<String, TaskclusterState> tc, Map<String, String> heads) {
        new ExternalFacts(tc, heads.collectEntries { k, v -> [k, new BranchHead(k, v, NOW, v == null ? 'no such branch' : null)] },
                'acme/ronin_puppet:master', HOUR)
    }

    def "ppMatch: unknown without a run or an expected sha; no when the run failed; else the shas compared"() {
        expect:
        Verdicts.ppMatch(run(success, sha), expected) == result

        where:
        success | sha          | expected        || result
        true    | HEAD         | HEAD            || true
        true    | HEAD         | HEAD.toUpperCase() || true
        true    | 'd' * 40     | HEAD            || false
        false   | HEAD         | HEAD            || false
        true    | null         | HEAD            || false
        true    | HEAD         | null            || null
        true    | HEAD         | ' '             || null
    }

    def "ppMatch without a run record is unknown"() {
        expect:
        Verdicts.ppMatch(null, HEAD) == null
    }

    def "tcActive: within the threshold inclusive; absent or never active is no; never scanned is unknown"() {
        expect:
        Verdicts.tcActive(worker(lastActive: NOW - HOUR), NOW, HOUR)
        !Verdicts.tcActive(worker(lastActive: NOW - HOUR - Duration.ofSeconds(1)), NOW, HOUR)
        !Verdicts.tcActive(worker(lastActive: null), NOW, HOUR)
        !Verdicts.tcActive(TaskclusterState.absent(NOW, 'p/w', 'h1', null), NOW, HOUR)
        Verdicts.tcActive(null, NOW, HOUR) == null
    }

    def "quarantined: a quarantine that ends after now; unknown when not listed"() {
        expect:
        Verdicts.quarantined(worker(quarantinedUntil: NOW + HOUR), NOW)
        !Verdicts.quarantined(worker(quarantinedUntil: NOW), NOW)
        !Verdicts.quarantined(worker(), NOW)
        Verdicts.quarantined(TaskclusterState.absent(NOW, 'p/w', 'h1', null), NOW) == null
        Verdicts.quarantined(null, NOW) == null
    }

    def "healthy: any known no makes it no; all yes makes it yes; otherwise unknown"() {
        expect:
        Verdicts.healthy(pp, active, quar) == result

        where:
        pp    | active | quar  || result
        true  | true   | false || true
        false | true   | false || false
        true  | false  | false || false
        true  | true   | true  || false
        null  | true   | false || null
        null  | true   | true  || false
        true  | null   | null  || null
        null  | null   | null  || null
    }

    def "a host state: the expected sha follows the override's repo and branch, else the default branch"() {
        given:
        def ext = facts([h1: worker()], ['acme/ronin_puppet:fix': HEAD, 'acme/ronin_puppet:master': 'd' * 40])

        when:
        def withOverride = TestObservations.ok('h1', branch: 'fix', gitSha: HEAD)
        def s = HostState.of('h1', withOverride, withOverride, ext, NOW)

        then:
        s.expectedBranch() == 'acme/ronin_puppet:fix'
        s.expectedSha() == HEAD
        s.ppMatch()
        s.tcActive()
        !s.quarantined()
        s.healthy()

        when:
        def bare = TestObservations.ok('h1', override: null, gitSha: HEAD)
        def d = HostState.of('h1', bare, bare, ext, NOW)

        then:
        d.expectedBranch() == 'acme/ronin_puppet:master'
        d.expectedSha() == 'd' * 40
        d.ppMatch() == false
        d.healthy() == false
    }

    def "an override on a repository that is not on GitHub has no expected sha; a never-audited host has no branch"() {
        given:
        def ext = facts([:], ['acme/ronin_puppet:master': HEAD])
        def o = TestObservations.ok('h1', repo: 'https://git.example.com/x/y.git')

        expect:
        HostState.of('h1', o, o, ext, NOW).expectedBranch() == null
        HostState.of('h1', o, o, ext, NOW).ppMatch() == null
        HostState.of('h2', null, null, ext, NOW).expectedBranch() == null
    }

    def "columns: PP_EXP, PP_MATCH, TC_ACT, TC_T_DUR, TC_QUAR, HEALTHY, DATA show the gathered data"() {
        given:
        def ext = facts([h1: worker(quarantinedUntil: NOW + HOUR, started: NOW - Duration.ofMinutes(20),
                scannedAt: NOW - Duration.ofMinutes(5)),
                         h2: TaskclusterState.absent(NOW, 'releng-hardware/x', 'h2', null),
                         h3: TaskclusterState.absent(NOW, null, 'h3', 'no pool for role gecko_t_linux')],
                ['acme/ronin_puppet:main': HEAD])
        def states = ['h1', 'h2', 'h3'].collect { h ->
            def o = TestObservations.ok(h, gitSha: HEAD)
            HostState.of(h, o, o, ext, NOW)
        }
        def cols = Columns.standard()

        expect:
        states.collect { cols.require('pp_exp').displayOf(it) } == [HEAD[0..6]] * 3
        states.collect { cols.require('pp_match').displayOf(it) } == ['Y'] * 3
        states.collect { cols.require('tc_act').displayOf(it) } == ['10m', 'absent', 'no pool']
        cols.require('tc_t_dur').displayOf(states[0]) == '15m -'
        states.collect { cols.require('tc_quar').displayOf(it) } == ['YES', '-', '-']
        states.collect { cols.require('healthy').displayOf(it) } == ['N', 'N', 'N']
        cols.require('data').displayOf(states[0]) == '2m/5m'
        cols.require('pool').valueOf(states[0]) == 'releng-hardware/gecko-t-linux-talos-1804'

        and: 'a table leaves out the Taskcluster and GitHub columns only when no host has data in them'
        cols.displayedFor(states)*.name().containsAll(['pp_exp', 'pp_match', 'tc_act', 'tc_t_dur', 'tc_quar', 'healthy'])
        cols.displayedFor([TestObservations.state('h9')])*.name().intersect(Columns.EXTERNAL as List) == []
    }

    def "queries filter on the new columns by typed value"() {
        given:
        def ext = facts([h1: worker(quarantinedUntil: NOW + HOUR), h2: worker(lastActive: NOW - Duration.ofHours(3))], [:])
        def states = ['h1', 'h2'].collect { h ->
            def o = TestObservations.ok(h)
            HostState.of(h, o, o, ext, NOW)
        }

        expect:
        Query.parse(q).apply(states)*.name() == names

        where:
        q               || names
        'tc_quar=y'     || ['h1']
        'tc_act>2h'     || ['h2']
        'pool~talos'    || ['h1', 'h2']
    }

    private static PuppetRun run(Boolean success, String sha) {
        TestObservations.ok('x', success: success, gitSha: sha).puppet().with {
            new PuppetRun(source(), schemaVersion(), at(), durationS(), success, exitCode(), role(), gitRepo(), gitBranch(),
                    sha, gitDirty(), vaultPath(), vaultSha(), overridePath(), overrideSha())
        }
    }
}
