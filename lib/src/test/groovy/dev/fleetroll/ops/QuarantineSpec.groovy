package dev.fleetroll.ops

import dev.fleetroll.UserError
import dev.fleetroll.auditlog.AuditLog
import java.nio.file.Path
import java.time.Clock
import java.time.Duration
import java.time.Instant
import spock.lang.AutoCleanup
import spock.lang.Specification
import spock.lang.TempDir

/**
 * Quarantine and its lifting through DefaultFleet against the Taskcluster stand-in (which checks the Hawk signature
 * and records each quarantine with the caller's clientId): the gate decides, every change is audited, the stored
 * record follows Taskcluster's answer, hosts without a listed worker are named and left alone.
 */
class QuarantineSpec extends Specification {
    @TempDir Path dir
    @AutoCleanup ExternalFixture ext
    AuditLog auditLog

    def setup() {
        ext = new ExternalFixture(dir, ExternalFixture.credentials())
        ext.fleet.gatherTaskcluster(ext.hosts)
        auditLog = new AuditLog(dir.resolve('audit.jsonl'), 'operator', Clock.systemUTC())
    }

    def "quarantine: Taskcluster records it with our clientId and reason; the audit log and the stored record follow"() {
        when:
        def r = ext.fleet.quarantine(['t-linux64-ms-001', 't-linux64-ms-003'], false, Duration.ofDays(2), 'disk failing',
                WriteGate.confirmed('--confirm'), auditLog)

        then:
        r.sent()
        r.allOk()
        r.done().keySet() == ['t-linux64-ms-001', 't-linux64-ms-003'] as Set
        r.done().values().every { it > Instant.now() + Duration.ofDays(1) }

        and: 'Taskcluster itself has it, signed by our client'
        def details = ext.fleet.taskcluster().getWorker('releng-hardware', 'gecko-t-linux-talos-1804', 'mdc1', 't-linux64-ms-001').get()
        details.quarantineUntil() > Instant.now()
        details.quarantineDetails()[-1].clientId() == ExternalFixture.CLIENT_ID
        details.quarantineDetails()[-1].quarantineInfo() == 'disk failing'

        and: 'the stored state shows it at once, and a later scan agrees'
        def s = ext.fleet.states(['t-linux64-ms-001'], Instant.now())['t-linux64-ms-001']
        s.quarantined()
        s.tc().quarantineReason() == 'disk failing'
        !s.healthy()
        ext.fleet.gatherTaskcluster(ext.hosts).stored()['t-linux64-ms-001'].quarantineReason() == 'disk failing'

        and: 'one audit record per host, with the pool and the approval'
        def records = auditLog.read(AuditLog.Filter.ALL).entries()*.record()
        records*.action() == ['tc.quarantine', 'tc.quarantine']
        records*.host() == ['t-linux64-ms-001', 't-linux64-ms-003']
        records.every { it.ok() && it.reason() == 'disk failing' && it.parameters().approval == '--confirm' }
        records[1].parameters().pool == 'releng-hardware/gecko-t-staging'

        when: 'lifted'
        def lifted = ext.fleet.quarantine(['t-linux64-ms-001'], true, null, null, WriteGate.confirmed('prompt'), auditLog)

        then:
        lifted.done() == ['t-linux64-ms-001': null]
        !ext.fleet.states(['t-linux64-ms-001'], Instant.now())['t-linux64-ms-001'].quarantined()
        !ext.fleet.taskcluster().getWorker('releng-hardware', 'gecko-t-linux-talos-1804', 'mdc1', 't-linux64-ms-001').get()
                .quarantineUntil().isAfter(Instant.now())
        auditLog.read(AuditLog.Filter.ALL).entries()*.record()*.action()[-1] == 'tc.unquarantine'
    }

    def "a dry run sends nothing and is audited as one; a refusal throws after auditing"() {
        when:
        def r = ext.fleet.quarantine(['t-linux64-ms-001'], false, null, 'maybe', WriteGate.dryRun('--dry-run'), auditLog)

        then:
        !r.sent()
        r.done() == [:]
        ext.fleet.taskcluster().getWorker('releng-hardware', 'gecko-t-linux-talos-1804', 'mdc1', 't-linux64-ms-001').get()
                .quarantineUntil() == null
        with(auditLog.read(AuditLog.Filter.ALL).entries()[-1].record()) {
            action() == 'tc.quarantine'
            dryRun()
            hosts() == ['t-linux64-ms-001']
        }

        when:
        ext.fleet.quarantine(['t-linux64-ms-001'], false, null, 'maybe',
                { p -> new WriteGate.Decision(WriteGate.Verdict.REFUSED, 'no terminal, no --confirm', 'quarantine refused: no terminal') } as WriteGate,
                auditLog)

        then:
        def e = thrown(WriteRefused)
        e.message == 'quarantine refused: no terminal'
        auditLog.read(AuditLog.Filter.ALL).entries()[-1].record().outcome() == 'refused'
    }

    def "the plan names the workers and the hosts it leaves alone, and why"() {
        when:
        def plan = new Quarantine(ext.fleet.store(), ext.fleet.taskcluster(), auditLog, Clock.systemUTC())
                .plan(ext.hosts + ['t-linux64-ms-099'], false, null, 'rack move')

        then:
        plan.hosts() == ['t-linux64-ms-001', 't-linux64-ms-003']
        plan.skipped() == ['t-linux64-ms-002': 'not listed in releng-hardware/gecko-t-linux-talos-1804 at the last scan',
                           't-linux64-ms-004': 'no pool for role gecko_t_unknown (add it to taskcluster.roles)',
                           't-linux64-ms-005': 'never audited, so its role is unknown (gather-host it first)',
                           't-linux64-ms-099': 'never scanned: run gather-tc (or tc()) first']
        plan.targets()[0].workerGroup() == 'mdc1'
    }

    def "bad input is one line, before anything is sent or audited"() {
        when:
        ext.fleet.quarantine(hosts, lift, duration, reason, WriteGate.confirmed('--confirm'), auditLog)

        then:
        def e = thrown(UserError)
        e.message == message
        !e.message.contains(ExternalFixture.TOKEN)
        auditLog.read(AuditLog.Filter.ALL).entries().isEmpty()

        where:
        hosts                  | lift  | duration             | reason  || message
        ['t-linux64-ms-001']   | false | null                 | null    || "quarantine needs a reason (reason: '...' in the DSL, --reason in the CLI): it is what the next operator and Taskcluster's UI will see"
        ['t-linux64-ms-001']   | false | null                 | '  '    || "quarantine needs a reason (reason: '...' in the DSL, --reason in the CLI): it is what the next operator and Taskcluster's UI will see"
        ['t-linux64-ms-001']   | false | Duration.ofHours(-1) | 'x'     || 'a quarantine must last a positive time, not PT-1H (use unquarantine to end one)'
        ['t-linux64-ms-001']   | false | null                 | 'x' * 4001 || 'the quarantine reason is 4001 characters; Taskcluster keeps at most 4000'
        ['t-linux64-ms-099']   | true  | null                 | null    || 'unquarantine: none of the 1 host is a known Taskcluster worker: t-linux64-ms-099 (never scanned: run gather-tc (or tc()) first)'
    }

    def "without credentials: one line naming the variables, nothing sent"() {
        given:
        def anonymous = new ExternalFixture(dir.resolve('anon'))
        anonymous.fleet.gatherTaskcluster(anonymous.hosts)

        when:
        anonymous.fleet.quarantine(['t-linux64-ms-001'], false, null, 'x', WriteGate.confirmed('--confirm'), auditLog)

        then:
        def e = thrown(UserError)
        e.message == 'quarantine needs Taskcluster credentials: set TASKCLUSTER_CLIENT_ID and TASKCLUSTER_ACCESS_TOKEN, or TC_TOKEN=FILE, or taskcluster.credentials_file'

        cleanup:
        anonymous?.close()
    }

    def "a request Taskcluster refuses (wrong token) is that host's failure, audited, without the token in any message"() {
        given:
        def wrong = new ExternalFixture(dir.resolve('wrong'),
                [TASKCLUSTER_CLIENT_ID: ExternalFixture.CLIENT_ID, TASKCLUSTER_ACCESS_TOKEN: 'not-the-right-token-9Zx'])
        // with a wrong token even reads are refused, so the records come from a scan with the right one
        wrong.fleet.store().saveTaskcluster(ext.fleet.store().taskcluster())

        when:
        def r = wrong.fleet.quarantine(['t-linux64-ms-001'], false, null, 'x', WriteGate.confirmed('--confirm'), auditLog)

        then:
        r.sent()
        r.done() == [:]
        r.failed().keySet() == ['t-linux64-ms-001'] as Set
        r.failed()['t-linux64-ms-001'].contains('401')
        !r.failed()['t-linux64-ms-001'].contains('not-the-right-token-9Zx')
        with(auditLog.read(AuditLog.Filter.ALL).entries()[-1]) {
            !record().ok()
            record().outcome() == 'failed'
            !raw().contains('not-the-right-token-9Zx')
        }

        cleanup:
        wrong?.close()
    }
}
