package dev.fleetroll.console.cli

import dev.fleetroll.auditlog.AuditLog
import dev.fleetroll.auditlog.AuditRecord
import dev.fleetroll.config.FleetrollHome
import dev.fleetroll.config.Workspace
import dev.fleetroll.ops.DefaultFleet
import dev.fleetroll.ops.LocalFleet
import dev.fleetroll.ops.MemoryContent
import dev.fleetroll.ops.write.WriteAction
import dev.fleetroll.ops.write.WriteContext
import groovy.json.JsonSlurper
import spock.lang.Specification
import spock.lang.TempDir

import java.nio.file.Files
import java.nio.file.Path
import java.time.Clock
import java.time.Duration
import java.time.Instant

/** The write commands through the real CLI dispatcher, with hosts as local directories (see LocalFleet). */
class WriteCommandSpec extends Specification {
    static final String OVR = "PUPPET_REPO='https://github.com/o/r.git'\nPUPPET_BRANCH='canary'\nPUPPET_MAIL='a@b.cd'\n"
    static final String ME = ['id', '-un'].execute().text.trim()
    static final String MY_GROUP = ['id', '-gn'].execute().text.trim()

    @TempDir
    Path tmp
    LocalFleet fleet
    Workspace ws
    MemoryContent content

    def setup() {
        ws = Workspace.of(new FleetrollHome(tmp.resolve('home')), null, [:])
        fleet = new LocalFleet(ws, tmp.resolve('hosts'))
        content = new MemoryContent()
    }

    Map cli(List<String> args, boolean tty = true) {
        def out = new ByteArrayOutputStream()
        def err = new ByteArrayOutputStream()
        def opener = { Workspace w, Map env, DefaultFleet.Options o -> new WriteContext(fleet, AuditLog.of(w.home(), 'tester'), content, Clock.systemUTC()) } as WriteCommand.Opener
        def commands = WriteAction.values().collect { new WriteCommand(it, opener, Clock.systemUTC()) } + [new AuditLogCommand(Clock.systemUTC())]
        def ctx = new CliContext(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, 'UTF-8'), new PrintStream(err, true, 'UTF-8'),
                [USER: 'tester', NO_COLOR: '1'], tty, tty, tty, false, { ws })
        int rc = new Cli(commands).run(args as String[], ctx)
        [rc: rc, out: out.toString('UTF-8'), err: err.toString('UTF-8')]
    }

    Path file(String name, String text) {
        def p = tmp.resolve(name)
        p.text = text
        p
    }

    List<Map> audit() {
        def f = ws.home().auditLog()
        Files.exists(f) ? Files.readAllLines(f).collect { new JsonSlurper().parseText(it) as Map } : []
    }

    List<String> common() {
        ['--target-path', LocalFleet.HOSTROOT + '/ronin_settings', '--owner', ME, '--group', MY_GROUP, '--no-reaudit']
    }

    def "without --confirm on a terminal: the plan is printed, nothing written, a dry-run record is audited"() {
        given:
        def f = file('x.override', OVR)

        when:
        def r = cli(['host-set-override', '-f', f.toString(), 'h[1-3]', '--reason', 'canary'] + common())

        then:
        r.rc == 0
        r.out.startsWith('DRY RUN: set override on 3 hosts: h[1-3]\n')
        r.out.contains('Nothing written (dry run). Add --confirm to write.')
        r.out.contains("    | PUPPET_BRANCH='canary'")
        r.out.contains('Audit log: ')
        fleet.commands.isEmpty()
        audit().size() == 1
        audit()[0].dry_run == true
        audit()[0].hosts == ['h1', 'h2', 'h3']
    }

    def "without a terminal and without --confirm: refused in one line, audited, exit 2"() {
        given:
        def f = file('x.override', OVR)

        when:
        def r = cli(['host-set-override', '-f', f.toString(), 'h1'] + common(), false)

        then:
        r.rc == 2
        r.err.readLines().size() == 1
        r.err.startsWith('fleetroll: setOverride refused: no terminal to confirm on and no --confirm')
        fleet.commands.isEmpty()
        audit()[0].outcome == 'refused'

        when: 'an explicit --dry-run works without a terminal'
        def d = cli(['host-set-override', '-f', f.toString(), 'h1', '--dry-run'] + common(), false)

        then:
        d.rc == 0
        d.out.startsWith('DRY RUN')
    }

    def "--confirm writes: one line per host, a summary, exit 1 when a host is blocked"() {
        given:
        def f = file('x.override', OVR)
        def g = file('y.override', OVR.replace('canary', 'other'))

        when:
        def r = cli(['host-set-override', '-f', f.toString(), 'h1,h2,down1', '--confirm'] + common())

        then:
        r.rc == 1
        r.out.contains('changed     h1  override written\n')
        r.out.contains('unreachable down1  unreachable: connection refused\n')
        r.out.contains('set override: 3 hosts, 2 changed, 0 unchanged, 0 blocked, 0 failed, 1 unreachable')
        fleet.dir('h1').resolve('ronin_settings').text == OVR

        when:
        def again = cli(['host-set-override', '-f', f.toString(), 'h1,h2', '--confirm'] + common())
        def blocked = cli(['host-set-override', '-f', g.toString(), 'h1', '--confirm'] + common())
        def forced = cli(['host-set-override', '-f', g.toString(), 'h1', '--confirm', '--force'] + common())

        then:
        again.rc == 0
        again.out.contains('unchanged   h1  already current')
        blocked.rc == 1
        blocked.out.contains('blocked     h1  a different override is already at')
        blocked.out.contains('(use --force)')
        forced.rc == 0
        forced.out =~ /changed     h1  override written \(backup .*ronin_settings\.bak\.\d{8}T\d{6}\.\d{3}Z\)/

        when:
        def unset = cli(['host-unset-override', 'h1', '--confirm', '--target-path', LocalFleet.HOSTROOT + '/ronin_settings', '--no-reaudit'])

        then:
        unset.rc == 0
        unset.out.contains('changed     h1  override removed')
        !Files.exists(fleet.dir('h1').resolve('ronin_settings'))
    }

    def "an invalid override: one line naming line and rule, exit 2, no host touched"() {
        given:
        def f = file('bad.override', "PUPPET_REPO='https://github.com/o/r'\n")

        when:
        def r = cli(['host-set-override', '-f', f.toString(), 'h1', '--confirm'] + common())

        then:
        r.rc == 2
        r.err == "fleetroll: ${f}: line 1: PUPPET_REPO 'https://github.com/o/r' must start with https://, http:// or git@ and end in .git [rule repo-url]\n".toString()
        fleet.commands.isEmpty()
        audit()[0].outcome == 'invalid'
    }

    def "vault: content never printed; --force is a usage error"() {
        given:
        def v = file('vault.yaml', "secret_key: sup3rs3cret\n")

        when:
        def r = cli(['host-set-vault', '-f', v.toString(), 'h1', '--confirm', '--target-path', LocalFleet.HOSTROOT + '/vault.yaml',
                     '--owner', ME, '--group', MY_GROUP, '--no-reaudit'])

        then:
        r.rc == 0
        !r.out.contains('sup3rs3cret')
        r.out.contains('content: not shown (vault)')
        r.out.contains('changed     h1  vault written')
        !ws.home().auditLog().text.contains('sup3rs3cret')

        when:
        def f = cli(['host-set-vault', '-f', v.toString(), 'h1', '--force'])

        then:
        f.rc == 2
        f.err.contains('--force has no meaning for vaults')
    }

    def "--json prints one object with the plan and per-host results"() {
        given:
        def f = file('x.override', OVR)

        when:
        def r = cli(['host-set-override', '-f', f.toString(), 'h1', '--confirm', '--json'] + common())
        def j = new JsonSlurper().parseText(r.out)

        then:
        r.rc == 0
        j.action == 'override.set'
        j.plan.host_count == 1
        j.results[0].host == 'h1'
        j.results[0].outcome == 'changed'
        j.counts.changed == 1
    }

    def "audit-log verify and show"() {
        given:
        def f = file('x.override', OVR)
        cli(['host-set-override', '-f', f.toString(), 'h1,h2', '--confirm', '--reason', "multi\nline"] + common())
        cli(['host-unset-override', 'h2', '--dry-run'])

        when:
        def v = cli(['audit-log', 'verify'])
        def show = cli(['audit-log', 'show', '--host', 'h2'])
        def json = cli(['audit-log', 'show', '--action', 'override.set', '--json'])

        then:
        v.rc == 0
        v.out.startsWith('audit log ok: 3 records, chain intact')
        show.out.readLines().size() == 2
        show.out.readLines()[0] =~ /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z  tester  override\.set  h2  changed  sha256=[0-9a-f]{12} \(hh-[0-9a-f]{6}\)  reason="multi\\nline"$/
        show.out.readLines()[1].contains('override.unset  1 hosts  dry-run (dry run)')
        json.out.readLines().size() == 2
        json.out.readLines().every { new JsonSlurper().parseText(it).action == 'override.set' }

        when:
        def log = ws.home().auditLog()
        def lines = Files.readAllLines(log)
        lines[1] = lines[1].replace('"changed"', '"unchanged"')
        Files.write(log, lines)
        def broken = cli(['audit-log', 'verify'])

        then:
        broken.rc == 1
        broken.out.startsWith('audit log BROKEN at line 2: line 2 does not match its hash')
    }

    def "audit-log show --since: a duration, a date or a time; older records are left out"() {
        given: 'records two days apart in 2025, one 3 hours old and one 10 minutes old'
        def log = AuditLog.of(ws.home(), 'tester')
        def now = Instant.now()
        [a: Instant.parse('2025-03-01T08:00:00Z'), b: Instant.parse('2025-03-02T12:00:00Z'),
         c: now - Duration.ofHours(3), d: now - Duration.ofMinutes(10)].each { host, ts ->
            log.append(AuditRecord.builder('override.set').ts(ts).host(host).ok(true).outcome('changed').build())
        }

        when:
        def r = cli(['audit-log', 'show', '--since', since, '--json'])

        then:
        r.rc == 0
        r.err == ''
        r.out.readLines().collect { new JsonSlurper().parseText(it).host } == shown

        where:
        since                           || shown
        '2h'                            || ['d']
        '1d'                            || ['c', 'd']
        '1h30m'                         || ['d']
        '2025-03-02'                    || ['b', 'c', 'd']
        '2025-03-02T12:00:00Z'          || ['b', 'c', 'd']    // the boundary is included
        '2025-03-02T12:00:00.001Z'      || ['c', 'd']
        '2025-03-01T09:00:00+01:00'     || ['a', 'b', 'c', 'd']
        '2025-03-03'                    || ['c', 'd']
    }

    def "audit-log show --since with a bad value: one line, exit 2, nothing listed"() {
        given:
        AuditLog.of(ws.home(), 'tester').append(AuditRecord.builder('override.set').host('h1').ok(true).outcome('changed').build())

        when:
        def r = cli(['audit-log', 'show', '--since', value])

        then:
        r.rc == 2
        r.out == ''
        r.err.readLines().size() == 1
        r.err == "fleetroll: audit-log: --since '${value}' is neither a duration (2h, 3d) nor a date (2026-08-13)".toString() +
                " or time (2026-08-13T10:00:00Z)\n"

        where:
        value << ['yesterday', '2h30', '-2h', '2025-13-01', '2025-03-02T12:00', '']
    }

    def "audit-log show --since with a bare number (#value) asks for a unit or a full date: it could be seconds or a year"() {
        when:
        def r = cli(['audit-log', 'show', '--since', value])

        then:
        r.rc == 2
        r.out == ''
        r.err == "fleetroll: audit-log: --since '${value}' needs a unit (${value}s, 2h, 3d) or a full date (2026-08-13)\n".toString()

        where:
        value << ['2026', '90']
    }

    def "audit-log show --since without a value is a usage error"() {
        when:
        def r = cli(['audit-log', 'show', '--since'])

        then:
        r.rc == 2
        r.out == ''
        r.err == "fleetroll: audit-log: option '--since' needs a value (see 'fleetroll audit-log --help')\n"
    }
}
