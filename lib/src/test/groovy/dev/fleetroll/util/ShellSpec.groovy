package dev.fleetroll.util

import spock.lang.Specification

class ShellSpec extends Specification {
    def "sh reads back #value literally"() {
        when:
        def p = new ProcessBuilder('sh', '-c', 'printf %s ' + Shell.quote(value)).start()
        def out = p.inputStream.text
        p.waitFor()

        then:
        out == value

        where:
        value << ['plain', '', "it's", 'a b', '$(touch /tmp/pwned)', '`id`', 'x; rm -rf /', "line1\nline2", '"dq"', '\\', '*', '~root', '-n']
    }

    def "join quotes every word"() {
        expect:
        Shell.join(['echo', 'a b', "c'd"]) == "echo 'a b' 'c'\"'\"'d'"
    }
}
