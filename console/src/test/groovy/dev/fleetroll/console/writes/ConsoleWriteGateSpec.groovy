package dev.fleetroll.console.writes

import dev.fleetroll.console.render.PlanFormatter;
import dev.fleetroll.ops.write.WriteAction
import dev.fleetroll.ops.WriteGate
import dev.fleetroll.ops.WritePlan
import spock.lang.Specification

import java.time.Clock
import java.time.Instant
import java.time.ZoneOffset

class ConsoleWriteGateSpec extends Specification {
    static final Clock CLOCK = Clock.fixed(Instant.parse('2026-08-13T12:00:00Z'), ZoneOffset.UTC)

    static WritePlan plan(WriteAction action = WriteAction.OVERRIDE_SET, List<WritePlan.CurrentGroup> current = [], String text = "PUPPET_BRANCH='x'\n") {
        new WritePlan(action, ['t-linux64-ms-001.test', 't-linux64-ms-002.test', 't-linux64-ms-009.test'], 'configs/overrides/x.override',
                'ab' * 32, 'colorado-floor', 18L, action.file().secret() ? null : text, null, '0644', 'root', 'auto', true, 10,
                false, null, 'canary', current)
    }

    def "#context confirm=#confirm dryRun=#dryRun terminal=#terminal -> #verdict"() {
        given:
        def asked = []
        def confirmer = { p, text -> asked << text; answer } as Confirmer
        def out = new ByteArrayOutputStream()
        def gate = new ConsoleWriteGate(context, confirm, dryRun, terminal, confirmer, new PrintStream(out, true), new PlanFormatter(false, CLOCK), true)

        when:
        def d = gate.decide(plan())

        then:
        d.verdict() == verdict
        (asked.size() == 1) == prompted
        (d.verdict() == WriteGate.Verdict.REFUSED) == (d.explanation()?.contains('--confirm') ?: false)

        where:
        context                               | confirm | dryRun | terminal | answer | verdict                      | prompted
        ConsoleWriteGate.Context.CLI          | true    | false  | false    | false  | WriteGate.Verdict.WRITE      | false
        ConsoleWriteGate.Context.CLI          | false   | true   | false    | false  | WriteGate.Verdict.DRY_RUN    | false
        ConsoleWriteGate.Context.CLI          | false   | false  | true     | false  | WriteGate.Verdict.DRY_RUN    | false
        ConsoleWriteGate.Context.CLI          | false   | false  | false    | false  | WriteGate.Verdict.REFUSED    | false
        ConsoleWriteGate.Context.SCRIPT       | false   | false  | true     | true   | WriteGate.Verdict.DRY_RUN    | false
        ConsoleWriteGate.Context.SCRIPT       | false   | false  | false    | true   | WriteGate.Verdict.REFUSED    | false
        ConsoleWriteGate.Context.SCRIPT       | true    | false  | false    | false  | WriteGate.Verdict.WRITE      | false
        ConsoleWriteGate.Context.INTERACTIVE  | false   | false  | true     | true   | WriteGate.Verdict.WRITE      | true
        ConsoleWriteGate.Context.INTERACTIVE  | false   | false  | true     | false  | WriteGate.Verdict.DECLINED   | true
        ConsoleWriteGate.Context.INTERACTIVE  | false   | false  | false    | true   | WriteGate.Verdict.REFUSED    | false
        ConsoleWriteGate.Context.INTERACTIVE  | false   | true   | true     | true   | WriteGate.Verdict.DRY_RUN    | false
    }

    def "the stream confirmer accepts only an explicit yes"() {
        expect:
        new StreamConfirmer(new ByteArrayInputStream(input.bytes), new PrintStream(new ByteArrayOutputStream())).confirm(plan(), 'plan\n') == yes

        where:
        input     | yes
        'y\n'     | true
        'YES\n'   | true
        ' yes \n' | true
        '\n'      | false
        'n\n'     | false
        'yep\n'   | false
        ''        | false
    }

    def "the plan: folded hosts, sha and humanhash, groups with diff, content"() {
        given:
        def groups = [
                new WritePlan.CurrentGroup(WritePlan.State.ABSENT, null, null, ['t-linux64-ms-009.test'], Instant.parse('2026-08-13T10:00:00Z'), []),
                new WritePlan.CurrentGroup(WritePlan.State.DIFFERENT, 'cd' * 32, 'lima-kilo', ['t-linux64-ms-001.test', 't-linux64-ms-002.test'],
                        Instant.parse('2026-08-13T11:30:00Z'), ['--- current', '+++ new', '@@ -1 +1 @@', "-PUPPET_BRANCH='y'", "+PUPPET_BRANCH='x'"]),
        ]

        when:
        def text = new PlanFormatter(false, CLOCK).render(plan(WriteAction.OVERRIDE_SET, groups), PlanFormatter.Mode.DRY_RUN)

        then:
        text == """\
DRY RUN: set override on 3 hosts: t-linux64-ms-[001-002,009].test
  source   configs/overrides/x.override
  sha256   ${'ab' * 32} (colorado-floor), 18 bytes
  target   /etc/puppet/ronin_settings (Linux), /opt/puppet_environments/ronin_settings (macOS)
  file     mode 0644, owner root:auto (wheel on macOS, root on Linux)
  backup   yes, keeping the newest 10 per host
  force    no: hosts with a different override are blocked
  reason   canary
  now:
    1 host   t-linux64-ms-009.test: no override now, audited 2h 00m ago
    2 hosts  t-linux64-ms-[001-002].test: has cdcdcdcdcdcd (lima-kilo), audited 30m ago, will be blocked unless forced
      --- current
      +++ new
      @@ -1 +1 @@
      -PUPPET_BRANCH='y'
      +PUPPET_BRANCH='x'
  new content:
    | PUPPET_BRANCH='x'
Nothing written (dry run). Add --confirm to write.
""".toString()
    }

    def "a long override: the diff is omitted and the content cut after 200 lines"() {
        given:
        String text = (1..250).collect { "# line ${it}" }.join('\n') + '\n'
        def groups = [new WritePlan.CurrentGroup(WritePlan.State.DIFFERENT, 'cd' * 32, 'lima-kilo', ['t-linux64-ms-001.test'],
                Instant.parse('2026-08-13T11:30:00Z'), [], true)]
        def p = new WritePlan(WriteAction.OVERRIDE_SET, ['t-linux64-ms-001.test'], 'big.override', 'ab' * 32, 'colorado-floor',
                (long) text.size(), text, null, '0644', 'root', 'auto', true, 10, true, null, 'canary', groups)

        when:
        def out = new PlanFormatter(false, CLOCK).render(p, PlanFormatter.Mode.WRITE)

        then:
        out.contains('has cdcdcdcdcdcd (lima-kilo), audited 30m ago, will be replaced (diff omitted: over 2000 lines)\n')
        out.contains('    | # line 200\n    | ... 50 more lines\n')
        !out.contains('# line 201')
    }

    def "a vault plan never shows content"() {
        when:
        def text = new PlanFormatter(false, CLOCK).render(plan(WriteAction.VAULT_SET, [], null), PlanFormatter.Mode.ASK)

        then:
        text.contains('content: not shown (vault)')
        !text.contains('new content')
        !text.contains('Nothing written')
    }
}
