package dev.fleetroll.console.repl

import dev.fleetroll.console.dsl.ExecResults
import dev.fleetroll.console.dsl.HostSet
import java.nio.file.Files
import java.nio.file.Path
import spock.lang.Shared
import spock.lang.Specification

/** What TAB offers, decided from text and types alone. */
class CompletionAnalyzerSpec extends Specification {
    @Shared
    Path cwd = Files.createTempDirectory('completion')

    def setupSpec() {
        Files.createDirectories(cwd.resolve('configs/host-lists/linux'))
        cwd.resolve('configs/host-lists/linux/1804.list').text = 'a\n'
        cwd.resolve('configs/notes.txt').text = 'x'
    }

    def cleanupSpec() {
        cwd.toFile().deleteDir()
    }

    Map<String, Class<?>> vars = [web: HostSet, r: ExecResults, n: Integer, '_': String]

    CompletionAnalyzer analyzer = new CompletionAnalyzer(new CompletionAnalyzer.Environment() {
        Map<String, Class<?>> variables() { vars }

        List<String> hostListNames() { ['linux/1804', 'linux/2204', 'sandbox'] }

        List<String> hostNames() { ['t-linux64-ms-001.example', 't-linux64-ms-002.example', 'mac-1.example'] }

        Path workingDirectory() { cwd }

        List<String> filterNames() { ['linux-overrides', 'quarantined', 'unhealthy-stale'] }
    })

    List<String> values(String before) {
        analyzer.analyze(before).suggestions()*.value()
    }

    String word(String before) {
        analyzer.analyze(before).word()
    }

    def "after '#before' TAB offers #expected"() {
        expect:
        values(before).containsAll(expected)

        where:
        before                                  || expected
        "hosts('sandbox')."                     || ['audit()', 'where', 'exec', 'waitFor', 'batches', 'show()', 'names()', 'size()']
        "hosts('sandbox').au"                   || ['audit()']
        "hosts('a').audit().where { !applied }." || ['show()', 'take']
        "web."                                  || ['audit()', 'where']
        "web.take(3).pick(1)."                  || ['exec']
        "web.batches(2)[0]."                    || ['audit()']
        "web[0]."                               || ['applied', 'role', 'puppet', 'override']
        "r."                                    || ['failed', 'ok', 'unreachable', 'groups', 'output']
        "r.failed."                             || ['names()']
        "hosts('a').where { "                   || ['applied', 'role', 'reachable', 'dataAge', 'hosts', 'web']
        "hosts('a').where { !app"               || ['applied']
        "hosts('a').where { puppet."            || ['gitSha', 'success', 'overrideSha', 'at']
        "hosts('a').where { puppet?."           || ['gitSha']
        "hosts('a').where { override?."         || ['branch', 'sha', 'humanhash', 'workerType']
        "hosts('a').where { it."                || ['applied']
        "hosts('a').each { h -> h."             || ['name', 'role']
        "web.waitFor(2.hours) { "               || ['applied']
        "ho"                                    || ['hosts']
        ""                                      || ['hosts', 'inventory()', 'file', 'web', 'r']
        "w"                                     || ['web']
        "hosts('"                               || ['linux/1804', 'sandbox', 't-linux64-ms-001.example']
        "hosts('lin"                            || ['linux/1804', 'linux/2204']
        "hosts('sandbox,t-linux64"              || ['t-linux64-ms-001.example', 't-linux64-ms-002.example']
        "hosts(\"sand"                          || ['sandbox']
        "file('conf"                            || ['configs/']
        "file('configs/"                        || ['configs/host-lists/', 'configs/notes.txt']
        "web.where('ro"                         || ['role']
        "web.where('role~x pp_"                 || ['pp_last', 'pp_sha']
        "web.where('sort:pp"                    || ['pp_last', 'pp_sha']
        "web.where('role~x "                    || ['and', 'or', 'not', 'host']
        "web.where('role~x o"                   || ['or', 'os', 'ovr_bch']
        "web.where('(ro"                        || ['role']
        "web.where('role~x and (no"             || ['not', 'note']
        "web.filter('"                          || ['linux-overrides', 'quarantined', 'unhealthy-stale']
        "web.filter('qu"                        || ['quarantined']
        "web.sort('pp_last:d"                   || ['pp_last:desc']
        "web.show('host ro"                     || ['role']
        ":he"                                   || [':help']
        ":help wh"                              || ['where']
        ":load conf"                            || ['configs/']
    }

    def "and/or are offered only after a complete condition: '#before'"() {
        expect:
        !values(before).contains('and')
        !values(before).contains('or')
        values(before).contains('not')

        where:
        before << ["web.where('", "web.where('role~x and ", "web.where('role~x or ", "web.where('not ", "web.where('(",
                   "web.where('role~x and ("]
    }

    def "the word replaced by a candidate is #w for '#before'"() {
        expect:
        word(before) == w

        where:
        before                        || w
        "hosts('sandbox').au"         || 'au'
        "hosts('sandbox,t-lin"        || 't-lin'
        "file('configs/ho"            || 'configs/ho'
        "web.where('role~x pp_l"      || 'pp_l'
        "web.where('(not (ro"         || 'ro'
        "x = web.where { !app"        || 'app'
    }

    def "nothing is offered where the type is unknown or inside comments and other strings"() {
        expect:
        values(before).isEmpty()

        where:
        before << ["unknownVar.", "foo().", "exec('unam", "// hosts('", "web.exec('ls ", "(1 + 2).", "n.foo()."]
    }

    def "candidates carry the verb table's descriptions"() {
        when:
        def s = analyzer.analyze("web.").suggestions().find { it.value() == 'audit()' }

        then:
        s.description() == 'SSH audit of every host in parallel; returns the set with fresh state'
        s.group() == 'HostSet'
    }

    def "multi-line input: the open where { on an earlier line still gives HostState properties"() {
        expect:
        values("web.where {\n  role == 'x' &&\n  !app").contains('applied')
    }

    def "completion never evaluates: a variable whose value would explode is only looked at by class"() {
        given:
        vars = [boom: Exploding]

        expect:
        values('boom.').contains('detonate()')
    }

    static class Exploding {
        void detonate() { throw new IllegalStateException('evaluated!') }

        @Override
        String toString() { throw new IllegalStateException('evaluated!') }

        @Override
        int hashCode() { throw new IllegalStateException('evaluated!') }
    }
}
