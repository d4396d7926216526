package dev.fleetroll.console.cli

import dev.fleetroll.remote.AuditScript
import spock.lang.Specification

class DebugHostScriptCommandSpec extends Specification {

    Map run(String... args) {
        def out = new ByteArrayOutputStream()
        def err = new ByteArrayOutputStream()
        def ctx = new CliContext(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, 'UTF-8'),
                new PrintStream(err, true, 'UTF-8'), [:], false, false, false, false,
                { throw new IllegalStateException('debug-host-script needs no workspace') })
        int status = new Cli(Commands.all()).run(args, ctx)
        [status: status, out: out.toString('UTF-8'), err: err.toString('UTF-8')]
    }

    def "prints the audit script"() {
        when:
        def r = run('debug-host-script')

        then:
        r.status == 0
        r.out == AuditScript.standard().text()
        r.out.contains('fetch_vault=0')
        r.out.contains("o 'FLEETROLL_AUDIT v2'")
        r.out.contains('printf \'%s\' "$fr_out"') // the output leaves in one write
    }

    def "--fetch-vault asks for the vault body"() {
        expect:
        run('debug-host-script', '--fetch-vault').out.contains('fetch_vault=1')
    }

    def "--wrap prints the command line for ssh, and sh runs it"() {
        when:
        def r = run('debug-host-script', '--wrap')
        def p = new ProcessBuilder('sh', '-c', r.out.trim()).start()
        def text = p.inputStream.getText('UTF-8')
        p.waitFor()

        then:
        r.status == 0
        r.out.startsWith("sh -c '")
        r.out.trim() == AuditScript.standard().wrapped()
        p.exitValue() == 0
        text.startsWith('FLEETROLL_AUDIT v2\n')
        text.contains('OS=Linux\n')
        text.endsWith('END\n')
    }

    def "listed in the help, and arguments are a usage error"() {
        expect:
        run('--help').out.contains('debug-host-script')
        with(run('debug-host-script', 'somehost')) {
            status == 2
            err.startsWith('fleetroll: debug-host-script: takes no arguments')
        }
    }
}
