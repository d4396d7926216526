package dev.fleetroll.util

import spock.lang.Specification

class AnsiSpec extends Specification {
    static final String E = '\u001b'

    def "sanitize keeps SGR colours and removes what could take over a terminal: #what"() {
        expect:
        Ansi.sanitize(input) == expected

        where:
        what                 | input                                   || expected
        'plain text'         | 'Notice: applied'                       || 'Notice: applied'
        'colours'            | "${E}[1;31mError${E}[0m"                || "${E}[1;31mError${E}[0m"
        'window title (BEL)' | "${E}]0;pwned\u0007text"                || 'text'
        'OSC ended by ST'    | "${E}]8;;http://x${E}\\link"            || 'link'
        'clear and home'     | "${E}[2J${E}[Hok"                       || 'ok'
        'cursor movement'    | "a${E}[3Ab${E}[10;5Hc"                  || 'abc'
        'private modes'      | "${E}[?25l${E}[?1049hx"                 || 'x'
        'charset designator' | "${E}(Bx${E})0y"                        || 'xy'
        'single-char escape' | "${E}7x${E}8${E}c"                      || 'x'
        'CRLF'               | 'a\r\nb\r\n'                            || 'a\nb\n'
        'progress redraw'    | 'p 1%\rp 50%\rp 100%\ndone'             || 'p 100%\ndone'
        'other controls'     | 'a\u0007b\u0000c\td'                    || 'abc\td'
        'lone escape at end' | "x${E}"                                 || 'x'
    }

    def "plain drops colours as well"() {
        expect:
        Ansi.plain("${E}[32mOK${E}[0m ${E}]0;t\u0007done") == 'OK done'
    }
}
