package dev.fleetroll.console.dsl

import dev.fleetroll.console.dsl.compile.DslCompiler;
import groovy.lang.Binding
import org.codehaus.groovy.control.CompilationFailedException
import spock.lang.Specification

/** fleetroll check: type checking of DSL use, on Groovy 5 (GROOVY-12041 makes this worth pinning). */
class CheckSpec extends Specification {
    List<String> check(String text) {
        try {
            DslCompiler.shell(DslCompiler.check(), new Binding()).parse(text, 'checked.groovy')
            return []
        } catch (CompilationFailedException e) {
            return DslErrors.compileErrors(e).collect { it.format('s.groovy') }
        }
    }

    def "valid DSL scripts pass"() {
        expect:
        check('''
            def linux = hosts('linux/1804', 'ms-238')
            def audited = linux.audit()
            audited.where { !applied && role =~ /talos/ && puppet?.success && dataAge < 2.hours }.show()
            audited.where('pp_last>20h sort:pp_last:desc').take(5).show('host pp_last')
            def r = audited.exec('uptime', sudo: true, timeout: 30.seconds)
            println r.failed.names()
            linux.batches('20%').each { b -> b.exec('true').orFail() }
            linux.waitFor(2.hours, every: 1.minute) { applied && override?.branch == 'x' }
            linux.each { println "$name $role ${puppet?.gitSha}" }
            def counts = linux.groupBy { role }.collectEntries { k, v -> [k, v.size()] }
            total = 0                          // a binding variable
            total += counts.size()
            def json = new groovy.json.JsonSlurper().parseText('{"a": 1}')
            println json.a                     // dynamic values stay dynamic
            if (args) { log "args: $args" }
            if (dryRun) { sleep 1.second }
            ''') == []
    }

    def "#what is reported with line, column and the nearest name"() {
        expect:
        check(script) == [message]

        where:
        what                               | script                                             || message
        'a misspelt verb'                  | "x = 1\nhots('a')"                                 || "s.groovy:2:1: unknown verb 'hots' (did you mean 'hosts'?)"
        'a misspelt HostSet method'        | "hosts('a').adit()"                                || "s.groovy:1:1: HostSet has no method 'adit' (did you mean 'audit'?)"
        'a misspelt HostState property'    | "hosts('a').where { !aplied }"                     || "s.groovy:1:21: no HostState property or variable 'aplied' (did you mean 'applied'?)"
        'a misspelt nested property'       | "hosts('a').where { puppet.gitShaa == 'x' }"       || "s.groovy:1:27: PuppetRun has no property 'gitShaa' (did you mean 'gitSha'?)"
        'a misspelt Results property'      | "def r = hosts('a').exec('x')\nprintln r.faild"    || "s.groovy:2:11: ExecResults has no property 'faild' (did you mean 'failed'?)"
        'an unknown variable'              | "println hostz"                                    || "s.groovy:1:9: unknown variable 'hostz' (did you mean 'hosts'?)"
    }
}
