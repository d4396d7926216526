package dev.fleetroll.state

import dev.fleetroll.UserError
import dev.fleetroll.config.FleetrollHome
import dev.fleetroll.config.Workspace
import java.nio.file.Files
import java.nio.file.Path
import spock.lang.Specification
import spock.lang.TempDir

import static dev.fleetroll.state.TestObservations.*

class NamedFiltersSpec extends Specification {
    static final Path SHIPPED = Path.of(System.getProperty('user.dir')).resolve('../configs/filters').normalize()

    @TempDir
    Path root

    Path home() { Files.createDirectories(root.resolve('home')) }

    Path project() { Files.createDirectories(root.resolve('project')) }

    Workspace workspace() {
        Workspace.of(new FleetrollHome(home()), project(), [HOME: root.toString()])
    }

    void write(Path dir, String name, String text) {
        Files.createDirectories(dir)
        dir.resolve(name).text = text
    }

    def "project filters come from <project>/configs/filters and personal ones from FLEETROLL_HOME/filters, sorted by name"() {
        given:
        def ws = workspace()
        write(project().resolve('configs/filters'), 'unhealthy-stale.yaml',
                'query: healthy=n pp_last>20h sort:pp_last:desc\ndescription: stale and unhealthy\n')
        write(project().resolve('configs/filters'), 'linux.yaml', 'query: os=L\n')
        write(home().resolve('filters'), 'mine.yaml', "query: 'role~talos'\ndescription: my talos hosts\n")
        write(project().resolve('configs/filters'), 'README.md', 'not a filter')

        when:
        def loaded = NamedFilters.load(ws)

        then:
        loaded.filters()*.name() == ['linux', 'mine', 'unhealthy-stale']
        loaded.filters()*.query() == ['os=L', 'role~talos', 'healthy=n pp_last>20h sort:pp_last:desc']
        loaded.filters()*.description() == ['', 'my talos hosts', 'stale and unhealthy']
        loaded.filters()[0].file() == project().resolve('configs/filters/linux.yaml')
        loaded.problems().isEmpty()
        loaded.directories() == [project().resolve('configs/filters'), home().resolve('filters')]
    }

    def "a personal filter replaces a project filter of the same name"() {
        given:
        write(project().resolve('configs/filters'), 'linux.yaml', 'query: os=L\ndescription: project\n')
        write(home().resolve('filters'), 'linux.yaml', 'query: os=L role~talos\ndescription: personal\n')

        when:
        def loaded = NamedFilters.load(workspace())

        then:
        loaded.filters().size() == 1
        loaded.require('linux').query() == 'os=L role~talos'
        loaded.require('linux').description() == 'personal'
        loaded.require('linux').file() == home().resolve('filters/linux.yaml')
    }

    def "the filters directory is the workspace's project, never the current directory"() {
        given: 'a workspace without a project'
        def ws = Workspace.of(new FleetrollHome(home()), null, [HOME: root.toString()])

        expect:
        NamedFilters.directories(ws) == [home().resolve('filters')]
        NamedFilters.load(ws).filters().isEmpty()
    }

    def "a bad file (#why) is left out with a warning naming it, and the others still load"() {
        given:
        def dir = project().resolve('configs/filters')
        write(dir, 'good.yaml', 'query: os=L\n')
        write(dir, 'bad.yaml', text)

        when:
        def loaded = NamedFilters.load(workspace())

        then:
        loaded.filters()*.name() == ['good']
        loaded.problems().size() == 1
        loaded.problems()[0].file() == dir.resolve('bad.yaml')
        loaded.warnings()[0].startsWith(dir.resolve('bad.yaml').toString() + ': ')
        loaded.warnings()[0].contains(message)
        !loaded.warnings()[0].contains('\n')

        where:
        why                     | text                                  || message
        'malformed YAML'        | 'query: [os=L\n'                      || 'not valid YAML'
        'not a mapping'         | '- os=L\n'                            || 'not a YAML mapping'
        'empty file'            | ''                                    || 'not a YAML mapping'
        'no query key'          | 'description: x\n'                    || "no 'query' key"
        'empty query'           | "query: ''\n"                         || "'query' must be a non-empty string"
        'query not a string'    | 'query: [a, b]\n'                     || "'query' must be a non-empty string"
        'description a mapping' | 'query: os=L\ndescription: {a: 1}\n'  || "'description' must be a string"
        'unknown column'        | 'query: rol~talos\n'                  || "bad query 'rol~talos': unknown column 'rol' at column 1: did you mean 'role'?"
        'bad duration'          | 'query: pp_last>abc\n'                || "'abc' is not a duration at column 9"
        'unbalanced paren'      | 'query: (os=L\n'                      || "unbalanced '(' at column 1"
    }

    def "require: an unknown name lists the nearest and the known ones; a bad file's name says why"() {
        given:
        def dir = project().resolve('configs/filters')
        write(dir, 'quarantined.yaml', 'query: tc_quar=yes\n')
        write(dir, 'linux.yaml', 'query: os=L\n')
        write(dir, 'broken.yaml', 'query: os~(\n')
        def loaded = NamedFilters.load(workspace())

        when:
        loaded.require('quarantine')

        then:
        def e = thrown(UserError)
        e.message == "unknown named filter 'quarantine' (did you mean 'quarantined'?); filters: linux quarantined"

        when:
        loaded.require('broken')

        then:
        e = thrown(UserError)
        e.message.startsWith("named filter 'broken' cannot be used: ${dir.resolve('broken.yaml')}: bad query 'os~(': bad regex")
        !e.message.contains('\n')
    }

    def "every shipped filter in configs/filters loads and parses"() {
        when:
        def loaded = NamedFilters.load([SHIPPED], Columns.standard())

        then:
        loaded.problems().isEmpty()
        loaded.filters().size() == Files.list(SHIPPED).filter { it.toString().endsWith('.yaml') }.count()
        loaded.filters().size() >= 10
        loaded.filters().every { !it.description().isEmpty() }
        loaded.filters()*.name().containsAll(['unhealthy-stale', 'quarantined', 'linux-overrides', 'moonshots-hung',
                                              'linux-mac', 'not-applied', 'unreachable', 'with-notes'])
        loaded.require('unhealthy-stale').query() == 'healthy=n pp_last>20h sort:pp_last:desc'
        loaded.require('moonshots-hung').query() == 'host~t-linux64-ms tc_act>4h data>4h note= sort:host:asc'
    }

    def "a shipped filter selects what its name says"() {
        given:
        def loaded = NamedFilters.load([SHIPPED], Columns.standard())
        def states = [state('a', os: 'Linux', branch: 'fix'), state('b', os: 'Darwin', role: 'gecko_t_osx', override: null),
                      state('c', os: 'Linux', override: null, note: new HostNote('bad disk', 1, 'ops', NOW)),
                      HostState.of('d', failed('d'), null, NOW)]

        expect:
        loaded.require(name).parse(Columns.standard()).apply(states)*.name() == expected

        where:
        name              || expected
        'linux-overrides' || ['a']
        'linux-mac'       || ['b', 'a', 'c']
        'with-notes'      || ['c']
        'unreachable'     || ['d']
        'overrides'       || ['a']
    }
}
