package dev.fleetroll.sandbox

import dev.fleetroll.ops.DefaultFleet
import dev.fleetroll.ssh.BatchListener
import dev.fleetroll.ssh.Cancellation
import dev.fleetroll.state.HostState
import dev.fleetroll.state.TaskclusterState
import groovy.json.JsonSlurper
import spock.lang.Requires
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.nio.file.Files
import java.nio.file.attribute.PosixFilePermissions
import java.time.Duration
import java.time.Instant
import java.time.temporal.ChronoUnit

/**
 * A 5-host sandbox with its Taskcluster and GitHub stand-ins, used the way an operator would: through DefaultFleet on
 * the sandbox's home, whose drop-in points gather-tc and gather-gh at the stand-ins. Every host is a worker in the
 * pool of its role, its activity follows the host's boots and puppet runs, a halted host is stopped, an override's
 * WORKER_TYPE_OVERRIDE moves it, quarantines need the sandbox's credentials, and down stops the stand-ins with the
 * hosts. Features run in order on one fleet; the last one takes it down.
 */
@Stepwise
@Requires({ SandboxFixture.supported() })
class SandboxServicesSpec extends Specification {
    static final String PROV = 'releng-hardware'
    static final Map<String, String> POOLS = [
            't-linux64-ms-001': "$PROV/gecko-t-linux-talos-1804",
            't-linux64-ms-002': "$PROV/gecko-t-linux-talos-2404",
            't-linux64-ms-003': "$PROV/gecko-t-linux-netperf-1804",
            't-linux64-ms-004': "$PROV/gecko-t-linux-talos-1804",
            'macmini-r8-001'  : "$PROV/gecko-t-osx-1400-r8"].collectEntries { k, v -> [k, v.toString()] }

    @Shared
    Instant beforeUp = Instant.now().truncatedTo(ChronoUnit.MILLIS)
    @Shared
    SandboxFixture fleet = SandboxFixture.start(5) { it.withServices(true) }

    def cleanupSpec() {
        fleet?.close()
    }

    List<String> hosts() {
        fleet.hosts()*.fqdn()
    }

    String fqdn(String name) {
        fleet.host(name).fqdn()
    }

    def <T> T withFleet(Closure<T> c) {
        DefaultFleet f = DefaultFleet.open(fleet.workspace())
        try {
            return c.call(f)
        } finally {
            f.close()
        }
    }

    /** Audits every host, then gathers GitHub (forced) and Taskcluster; returns each host's state. */
    Map<String, HostState> auditAndGather() {
        withFleet { DefaultFleet f ->
            def audit = f.audit(hosts(), BatchListener.NONE, Cancellation.none())
            assert audit.failed().isEmpty()
            assert f.gatherGithub(true).failed() == [:]
            assert f.gatherTaskcluster(hosts()).poolErrors() == [:]
            f.states(hosts(), Instant.now())
        }
    }

    /** gather-tc alone (the hosts' roles and overrides are known from the last audit); each host's worker record. */
    Map<String, TaskclusterState> gatherTc() {
        withFleet { DefaultFleet f ->
            assert f.gatherTaskcluster(hosts()).poolErrors() == [:]
            f.store().taskcluster()
        }
    }

    def "the drop-in points fleetroll at the stand-ins, which listen on the slot's service address in the fleet's process group"() {
        given:
        def config = fleet.workspace().config()
        String address = "127.${fleet.slot()}.0.2"
        Long pid = fleet.standInPid()
        Long supervisor = RunningSandbox.readPid(fleet.hostDir('t-linux64-ms-001').resolve('supervisor.pid'))

        expect:
        fleet.taskclusterRootUrl() == "http://$address:8080".toString()
        fleet.githubApiUrl() == "http://$address:8081".toString()
        config.taskcluster().rootUrl() == fleet.taskclusterRootUrl()
        config.github().apiUrl() == fleet.githubApiUrl()
        config.github().defaultBranch() == 'mozilla-platform-ops/ronin_puppet:master'
        config.taskcluster().credentialsFile() == fleet.taskclusterCredentials().toString()

        and: 'the credentials are readable by root only and hold a random token'
        PosixFilePermissions.toString(Files.getPosixFilePermissions(fleet.taskclusterCredentials())) == 'rw-------'
        with(new JsonSlurper().parse(fleet.taskclusterCredentials().toFile()) as Map) {
            clientId == 'static/fleetroll-sandbox'
            (accessToken as String).length() >= 40
        }

        and: 'both listen on loopback, served by one process in the fleet group (so the group kill stops it)'
        Procs.tcpListeners().containsAll(["$address:8080".toString(), "$address:8081".toString()])
        pid != null && Procs.alive(pid)
        Procs.stat(pid).pgrp() == Procs.stat(supervisor).pgrp()
        Procs.cmdline(pid).contains('dev.fleetroll.standin.StandInMain')
        Files.readString(fleet.standInLog()).contains("Taskcluster stand-in on ${fleet.taskclusterRootUrl()}")
        Files.readString(fleet.standInLog()).contains("GitHub stand-in on ${fleet.githubApiUrl()}")
    }

    def "every host is a running worker in its role's pool, active since this sandbox came up; ppMatch and healthy where puppet ran the branch head"() {
        when:
        def states = auditAndGather()
        def repo = fleet.puppetRepo()

        then:
        states.size() == 5
        fleet.hosts().each { SandboxHost h ->
            TaskclusterState tc = states[h.fqdn()].tc()
            assert tc.present()
            assert tc.pool() == POOLS[h.name()]
            assert tc.workerId() == h.name()
            assert tc.workerGroup() == 'sandbox'
            assert tc.state() == 'running'
            assert !tc.lastActive().isBefore(beforeUp)
            assert states[h.fqdn()].tcActive()
            assert tc.latestTask() ==~ /[A-Za-z0-9_-]{22}/
            assert tc.latestTaskState() == 'running'
            assert !tc.taskStarted().isBefore(beforeUp)
            assert tc.taskResolved() == null
        }

        and: 'the clean host ran master, the default branch, at its head'
        with(states[fqdn('t-linux64-ms-001')]) {
            expectedBranch() == 'mozilla-platform-ops/ronin_puppet:master'
            expectedSha() == repo.head('master')
            ppMatch()
            !quarantined()
            healthy()
        }

        and: 'the override-applied host ran its override branch at its head'
        with(states[fqdn('t-linux64-ms-002')]) {
            expectedBranch() == "mozilla-platform-ops/ronin_puppet:${fleet.host('t-linux64-ms-002').overrideBranch()}".toString()
            expectedSha() == repo.head(fleet.host('t-linux64-ms-002').overrideBranch())
            ppMatch()
            healthy()
        }

        and: 'the override-pending host ran master, but its override now names another branch'
        states[fqdn('t-linux64-ms-003')].ppMatch() == false
        states[fqdn('t-linux64-ms-003')].healthy() == false
    }

    def "a puppet run moves the worker's lastDateActive forward and restarts its task's run"() {
        given:
        def before = gatherTc()[fqdn('t-linux64-ms-001')]

        when:
        def run = fleet.hostShell('t-linux64-ms-001', '/usr/local/bin/run-puppet.sh')
        def after = gatherTc()[fqdn('t-linux64-ms-001')]

        then:
        run.exitCode() in [0, 2]
        after.lastActive().isAfter(before.lastActive())
        after.latestTask() == before.latestTask()
        after.taskStarted().isAfter(before.taskStarted())
        after.state() == 'running'
    }

    def "a reboot moves lastDateActive forward and starts a new task"() {
        given:
        def before = gatherTc()[fqdn('t-linux64-ms-002')]

        when:
        fleet.reboot('t-linux64-ms-002')
        fleet.awaitUp('t-linux64-ms-002', Duration.ofSeconds(60))
        def after = gatherTc()[fqdn('t-linux64-ms-002')]

        then:
        fleet.boots('t-linux64-ms-002') == 2
        after.state() == 'running'
        after.lastActive().isAfter(before.lastActive())
        after.latestTask() != before.latestTask()
        after.latestTaskState() == 'running'
    }

    def "a halted host is a stopped worker whose task ended, and keeps its lastDateActive; powered on it runs again"() {
        given:
        def before = gatherTc()[fqdn('t-linux64-ms-004')]

        when:
        fleet.powerOff('t-linux64-ms-004')
        def halted = gatherTc()[fqdn('t-linux64-ms-004')]

        then:
        halted.present()
        halted.state() == 'stopped'
        halted.lastActive() == before.lastActive()
        halted.latestTask() == before.latestTask()
        halted.latestTaskState() == 'exception'
        halted.taskResolved() != null
        withFleet { DefaultFleet f -> f.states([fqdn('t-linux64-ms-004')], Instant.now()) }[fqdn('t-linux64-ms-004')]
                .tc().state() == 'stopped'

        when:
        fleet.powerOn('t-linux64-ms-004')
        fleet.awaitUp('t-linux64-ms-004', Duration.ofSeconds(60))
        def back = gatherTc()[fqdn('t-linux64-ms-004')]

        then:
        back.state() == 'running'
        back.lastActive().isAfter(before.lastActive())
        back.latestTask() != before.latestTask()
    }

    def "WORKER_TYPE_OVERRIDE in a host's override moves its worker to that pool"() {
        given:
        String path = fleet.host('t-linux64-ms-002').overridePath()

        when:
        def w = fleet.hostShell('t-linux64-ms-002', "echo \"WORKER_TYPE_OVERRIDE='gecko-t-linux-talos-2404-staging'\" >>$path")
        def states = auditAndGather()

        then:
        w.exitCode() == 0
        states[fqdn('t-linux64-ms-002')].override().workerType() == 'gecko-t-linux-talos-2404-staging'
        with(states[fqdn('t-linux64-ms-002')].tc()) {
            present()
            pool() == "$PROV/gecko-t-linux-talos-2404-staging".toString()
            state() == 'running'
        }
    }

    def "the sandbox's credentials quarantine a worker; the quarantine is kept in the sandbox and gathered"() {
        given:
        def h = fleet.host('t-linux64-ms-001')

        when:
        def details = withFleet { DefaultFleet f ->
            f.taskcluster().quarantineWorker(PROV, 'gecko-t-linux-talos-1804', 'sandbox', h.name(),
                    Instant.now() + Duration.ofHours(2), 'sandbox spec')
        }
        def state = withFleet { DefaultFleet f ->
            f.gatherTaskcluster(hosts())
            f.states([h.fqdn()], Instant.now())[h.fqdn()]
        }

        then:
        details.quarantineDetails()*.quarantineInfo() == ['sandbox spec']
        state.quarantined()
        state.tc().quarantineReason() == 'sandbox spec'
        state.healthy() == false
        Files.readString(fleet.dir().resolve('services/quarantines.json')).contains(h.name())
    }

    def "down stops the stand-ins with the hosts: nothing listens on their ports and their process is gone"() {
        given:
        Long pid = fleet.standInPid()
        String address = "127.${fleet.slot()}.0.2"

        when:
        fleet.down()

        then:
        !Procs.alive(pid)
        Procs.tcpListeners().findAll { it.startsWith("$address:") }.isEmpty()
        Procs.all().findAll { p -> p.state() != ('Z' as char) && Procs.cmdline(p.pid()).contains(fleet.dir().toString()) }.isEmpty()
    }
}
