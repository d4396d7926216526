package dev.fleetroll.console.cli

import java.nio.file.Files
import java.nio.file.Path
import spock.lang.Specification
import spock.lang.TempDir

/** {@code fleetroll filters}: the named filters of the project and the operator, through the real CLI. */
class FiltersCommandSpec extends Specification {
    static final Path SHIPPED = Path.of(System.getProperty('user.dir')).resolve('../configs/filters').normalize()

    @TempDir
    Path root

    Path home() { Files.createDirectories(root.resolve('home')) }

    Path project() { Files.createDirectories(root.resolve('project/configs/filters')).parent.parent }

    CliRunner cli() { new CliRunner(home(), project()) }

    void filter(Path dir, String name, String text) {
        Files.createDirectories(dir)
        dir.resolve(name + '.yaml').text = text
    }

    def "lists name, query and description sorted by name, personal filters winning"() {
        given:
        filter(project().resolve('configs/filters'), 'unhealthy-stale', 'query: healthy=n pp_last>20h sort:pp_last:desc\ndescription: stale\n')
        filter(project().resolve('configs/filters'), 'linux', 'query: os=L\ndescription: project linux\n')
        filter(home().resolve('filters'), 'linux', 'query: os=L role~talos\ndescription: my linux\n')
        filter(home().resolve('filters'), 'bare', 'query: note!=\n')

        when:
        def r = cli().run('filters')

        then:
        r.status == 0
        r.out.readLines() == [
                'NAME             QUERY                                    DESCRIPTION',
                'bare             note!=',
                'linux            os=L role~talos                          my linux',
                'unhealthy-stale  healthy=n pp_last>20h sort:pp_last:desc  stale']
        r.err == ''
    }

    def "a bad file is a warning on stderr naming it; --check exits 1 for it and 0 when all are good"() {
        given:
        def dir = project().resolve('configs/filters')
        filter(dir, 'good', 'query: os=L\n')
        filter(dir, 'typo', 'query: rol~talos\n')

        when:
        def r = cli().run('filters')

        then:
        r.status == 0
        r.out.readLines()*.split(/\s+/)*.getAt(0) == ['NAME', 'good']
        r.err.readLines()[0] == "warning: ${dir.resolve('typo.yaml')}: bad query 'rol~talos': unknown column 'rol' at column 1: did you mean 'role'? (columns: ${dev.fleetroll.state.Columns.standard().all()*.name().join(' ')})"

        when:
        def checked = cli().run('filters', '--check')

        then:
        checked.status == 1
        checked.err.contains('2 filter files in ')
        checked.err.contains(': 1 bad')

        when:
        Files.delete(dir.resolve('typo.yaml'))
        def fixed = cli().run('filters', '--check')

        then:
        fixed.status == 0
        fixed.err.trim().endsWith(': all good')
    }

    def "with a NAME prints only its query; an unknown NAME is one line with the nearest name, exit 2"() {
        given:
        filter(project().resolve('configs/filters'), 'quarantined', 'query: tc_quar=yes sort:tc_act:desc\n')

        expect:
        cli().run('filters', 'quarantined').out == 'tc_quar=yes sort:tc_act:desc\n'

        when:
        def r = cli().run('filters', 'quarantine')

        then:
        r.status == 2
        r.err.trim() == "fleetroll: unknown named filter 'quarantine' (did you mean 'quarantined'?); filters: quarantined"
    }

    def "no filters: says where to put them"() {
        when:
        def r = cli().run('filters')

        then:
        r.status == 0
        r.out == ''
        r.err.contains("no named filters (add NAME.yaml files with a 'query:' under ${project().resolve('configs/filters')} or ${home().resolve('filters')})")
    }

    def "the shipped filters pass --check"() {
        given:
        Files.list(SHIPPED).each { Files.copy(it, project().resolve('configs/filters').resolve(it.fileName)) }

        when:
        def r = cli().run('filters', '--check')

        then:
        r.status == 0
        r.out.readLines().size() == 1 + Files.list(SHIPPED).count()
        r.err.trim().endsWith(': all good')
    }

    def "--help explains the file format and the DSL verb"() {
        when:
        def r = cli().run('filters', '--help')

        then:
        r.status == 0
        r.out.startsWith('usage: fleetroll filters [options] [NAME]')
        r.out.contains('--check')
        r.out.contains("filter('unhealthy-stale')")
    }
}
