package dev.fleetroll.console.cli

import dev.fleetroll.Version
import spock.lang.Specification
import spock.lang.TempDir

import java.nio.file.Path

/** The command line's own behaviour: help, version, and one-line errors with exit status 2. */
class CliSpec extends Specification {
    @TempDir
    Path home

    CliRunner cli() {
        new CliRunner(home)
    }

    def "--version prints the version"() {
        when:
        def r = cli().run('--version')

        then:
        r.status == 0
        r.out.trim() == 'fleetroll ' + Version.get()
    }

    def "--help lists every command with its summary, and the exit codes"() {
        when:
        def r = cli().run('--help')

        then:
        r.status == 0
        Commands.all().every { c -> r.out.contains(c.name()) && r.out.contains(c.summary()) }
        r.out.contains('Exit status: 0 ok, 1 some host or check failed, 2 usage error, 130 interrupted')
    }

    def "CMD --help and help CMD show a command's usage and options"() {
        expect:
        cli().run('gather-host', '--help').out.startsWith('usage: fleetroll gather-host [options] HOST_OR_LIST...')
        cli().run('help', 'gather-host').out.contains('--every DURATION')
        cli().run('gather-host', '--help').out.contains('aliases: host-audit')
    }

    def "debug is fleetroll's -d/--debug before any --, never a script's argument: #args"() {
        expect:
        Cli.debugRequested(args as String[]) == expected

        where:
        args                                          || expected
        ['-d', 'gather-host', 'sandbox']              || true
        ['gather-host', 'sandbox', '--debug']         || true
        ['run', 'rollout.groovy', '--', '-d']         || false
        ['run', 'rollout.groovy', '--', '--debug']    || false
        ['gather-host', 'sandbox']                    || false
    }

    def "usage errors are one line with a hint, exit 2: #args"() {
        when:
        def r = cli().run(args as String[])

        then:
        r.status == 2
        r.out == ''
        r.err.readLines().size() == 1
        r.err.startsWith('fleetroll: ')
        r.err.contains(fragment)

        where:
        args                            || fragment
        ['gahter-host']                 || "unknown command 'gahter-host' (did you mean 'gather-host'?); see 'fleetroll --help'"
        ['--bogus']                     || "unknown option '--bogus' (see 'fleetroll --help')"
        ['hosts', '--bogus']            || "hosts: unknown option '--bogus' (see 'fleetroll hosts --help')"
        ['gather-host', '--every']      || "option '--every' needs a value"
        ['hosts', 'not_a_host']         || "bad host name 'not_a_host'"
    }
}
