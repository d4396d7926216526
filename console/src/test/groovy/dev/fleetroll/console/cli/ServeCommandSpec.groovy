package dev.fleetroll.console.cli

import java.nio.file.Path
import spock.lang.Specification
import spock.lang.TempDir

/** fleetroll serve's front-end: help, and the checks made before anything binds (the server itself: lib specs). */
class ServeCommandSpec extends Specification {
    @TempDir Path dir

    def "--help explains the server, its scanner, auth and the loopback rule"() {
        when:
        def r = new CliRunner(dir.resolve('home')).run('serve', '--help')

        then:
        r.status == 0
        r.out.contains('--listen')
        r.out.contains('--allow-remote')
        r.out.contains('scanner lease')
        r.out.contains('/api/v1/openapi.json')
        r.out.contains('Hawk')
    }

    def "a non-loopback address is refused without --allow-remote, before binding"() {
        when:
        def r = new CliRunner(dir.resolve('home')).run('serve', '--listen', '0.0.0.0:0')

        then:
        r.status == 2
        r.err.contains('not a loopback address')
        r.err.contains('--allow-remote')
        !r.err.contains('Exception')
    }

    def "a bad --listen and an unreadable clients file are one-line errors"() {
        given:
        def home = dir.resolve('home')
        home.toFile().mkdirs()
        home.resolve('config.yaml').text = "server:\n  clients_file: ${dir.resolve('missing.json')}\n"

        when:
        def bad = new CliRunner(home).run('serve', '--listen', 'localhost')
        def clients = new CliRunner(home).run('serve', '--listen', '127.0.0.1:0')

        then:
        bad.status == 2
        bad.err.contains('is not HOST:PORT')
        clients.status == 2
        clients.err.contains('cannot read the API clients file')
        clients.err.readLines().size() == 1
    }
}
