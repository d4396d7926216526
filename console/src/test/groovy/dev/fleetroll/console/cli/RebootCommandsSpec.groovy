package dev.fleetroll.console.cli

import dev.fleetroll.auditlog.AuditLog
import dev.fleetroll.config.FleetrollConfig
import dev.fleetroll.config.FleetrollHome
import dev.fleetroll.reboot.RebootSlots
import dev.fleetroll.reboot.SlotHolder
import dev.fleetroll.store.SqliteStore
import java.nio.file.Path
import java.time.Instant
import spock.lang.Specification
import spock.lang.TempDir

/** {@code reboot-slots}, {@code fleetlock} and {@code reboot} (its dry run and bad input) through the real CLI and store. */
class RebootCommandsSpec extends Specification {
    @TempDir
    Path home

    CliRunner cli(String actor = 'carol') {
        new CliRunner(home, null, [FLEETROLL_ACTOR: actor])
    }

    void hold(String host, String actor) {
        def store = SqliteStore.open(new FleetrollHome(home), new FleetrollConfig.Store(10))
        try {
            def slots = new RebootSlots(store)
            slots.acquire('default', 5, host, 'run-x', actor, 'kernel', SlotHolder.REBOOTING, Instant.parse('2026-12-07T06:00:00Z'))
            slots.mark(host, 'run-x', SlotHolder.STUCK, 'not back after 1 rung; last ssh: not back within 10m', Instant.now())
        } finally {
            store.close()
        }
    }

    def "reboot-slots list shows the held slots (text and JSON); release needs a reason and is audited with the actor"() {
        given:
        hold('t-linux64-ms-016', 'alice')

        when:
        def list = cli().run('reboot-slots', 'list')
        def json = cli().run('reboot-slots', 'list', '--json')

        then:
        list.status == 0
        list.out.contains('GROUP')
        list.out =~ /default\s+0\/5\s+t-linux64-ms-016\s+stuck\s+alice\s+2026-12-07T06:00:00/
        list.out.contains('not back after 1 rung')
        json.status == 0
        AuditLog.json().readTree(json.out)[0].holder.asText() == 't-linux64-ms-016'
        AuditLog.json().readTree(json.out)[0].slots.asInt() == 5

        when:
        def noReason = cli().run('reboot-slots', 'release', 't-linux64-ms-016')
        def unknown = cli().run('reboot-slots', 'release', 'nope', '--reason', 'typo')

        then:
        noReason.status == 2
        noReason.err.contains('needs a one-line reason')
        unknown.status == 2
        unknown.err.contains('nope holds no reboot slot; held by: t-linux64-ms-016')

        when:
        def rel = cli().run('reboot-slots', 'release', 't-linux64-ms-016', '--reason', 'PSU swapped')
        def rec = AuditLog.of(new FleetrollHome(home), 'x').read(AuditLog.Filter.ALL).entries()[-1].record()

        then:
        rel.status == 0
        rel.out.contains('released reboot slot 0 of group default held by t-linux64-ms-016 (stuck, taken by alice')
        rec.action() == 'reboot.slot_release' && rec.actor() == 'carol' && rec.reason() == 'PSU swapped'
        cli().run('reboot-slots', 'list').out.trim() == 'no reboot slot is held'
    }

    def "bad input: one line, exit 2"() {
        expect:
        with(cli().run(*args)) {
            status == 2
            err.contains(message)
        }

        where:
        args                                                             || message
        ['reboot-slots']                                                 || 'give a subcommand: list, release'
        ['reboot-slots', 'frob']                                         || "unknown subcommand 'frob'"
        ['fleetlock']                                                    || 'the subcommand is serve'
        ['fleetlock', 'serve', '--listen', '0.0.0.0:0']                  || 'is not a loopback address'
        ['fleetlock', 'serve', '--listen', 'nonsense']                   || 'is not HOST:PORT'
        ['reboot', 'h1.example.com']                                     || '--reason TEXT is required'
        ['reboot', 'h1.example.com', '--reason', 'x', '--fanout', 'lots'] || '--fanout must be a number'
        ['reboot', 'h1.example.com', '--reason', 'x', '--yes', '--dry-run'] || 'exclude each other'
    }

    def "reboot without --confirm prints the plan (groups, slots, ladder) and reboots nothing"() {
        given:
        hold('other.example.com', 'alice')

        when:
        def r = cli().run('reboot', 'h1.example.com', 'h2.example.com', '--reason', 'kernel 6.12', '--dry-run')

        then:
        r.status == 0
        r.out.contains('DRY RUN: reboot on 2 hosts')
        r.out.contains('group default 5 (1 held now): at most that many hosts of a group down at once')
        r.out =~ /ladder\s+ssh for h\[1-2\]\.example\.com/
        r.out.contains('Nothing rebooted (dry run)')
        AuditLog.of(new FleetrollHome(home), 'x').read(AuditLog.Filter.ALL).entries()[-1].record().dryRun()
    }

    def "the DSL verb: reboot(reason:) in a script run with --dry-run plans through the same gate; no reason is one line"() {
        given:
        def script = home.resolve('r.groovy')
        script.text = "def r = hosts('h1.example.com').reboot(reason: 'kernel 6.12', fanout: 3)\nprintln r.ok.names()\n"
        def bad = home.resolve('bad.groovy')
        bad.text = "hosts('h1.example.com').reboot()\n"

        when:
        def r = cli().run('run', script.toString(), '--dry-run')
        def b = cli().run('run', bad.toString(), '--dry-run')

        then:
        r.status == 0
        r.out.contains('DRY RUN: reboot on 1 host: h1.example.com')
        r.out.contains('at most 3 hosts at once')
        r.out.contains('[h1.example.com]')
        b.status != 0
        b.err.contains('reboot needs a reason')
        RebootSlotsOf(home).isEmpty()
    }

    static List RebootSlotsOf(Path home) {
        def store = SqliteStore.open(new FleetrollHome(home), new FleetrollConfig.Store(10))
        try {
            new RebootSlots(store).list()
        } finally {
            store.close()
        }
    }

    def "--help explains each command"() {
        expect:
        cli().run('reboot', '--help').out.contains('climbs the ladder')
        cli().run('reboot-slots', '--help').out.contains('release HOST --reason TEXT')
        cli().run('fleetlock', '--help').out.contains('POST /v1/pre-reboot')
    }
}
