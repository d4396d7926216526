package dev.fleetroll.auditlog

import dev.fleetroll.testing.TestJvm
import groovy.json.JsonSlurper
import spock.lang.Specification
import spock.lang.TempDir

import java.nio.file.Files
import java.nio.file.Path
import java.time.Clock
import java.time.Instant
import java.time.ZoneOffset
import java.util.concurrent.Callable
import java.util.concurrent.Executors

class AuditLogSpec extends Specification {
    @TempDir
    Path tmp

    AuditLog log() {
        new AuditLog(tmp.resolve('home/audit.jsonl'), 'alice', Clock.fixed(Instant.parse('2026-08-13T10:11:12.345Z'), ZoneOffset.UTC))
    }

    def "a record is one JSON line with the documented keys, ms timestamps and a chain"() {
        given:
        def log = log()

        when:
        log.append(AuditRecord.builder('override.set').host('h1.test').ok(true).outcome('changed').reason('canary')
                .parameter('sha256', 'ab' * 32).observed('old_sha256', null).build())
        log.append(AuditRecord.builder('override.set').hosts(['h1.test', 'h2.test']).ok(true).outcome('dry-run').dryRun(true).build())
        def lines = Files.readAllLines(log.file())
        def first = new JsonSlurper().parseText(lines[0])
        def second = new JsonSlurper().parseText(lines[1])

        then:
        lines.size() == 2
        first.keySet() as List == ['ts', 'actor', 'action', 'host', 'ok', 'outcome', 'dry_run', 'forced', 'reason',
                                   'parameters', 'observed', 'prev', 'hash']
        first.ts == '2026-08-13T10:11:12.345Z'
        first.actor == 'alice'
        first.prev == AuditLog.GENESIS
        first.observed == [old_sha256: null]
        second.hosts == ['h1.test', 'h2.test']
        second.dry_run == true
        second.prev == dev.fleetroll.util.Sha256.hex(lines[0].getBytes('UTF-8'))
        log.verify().ok()
        log.verify().lines() == 2
    }

    def "hostile strings are stored literally and keep the line a line"() {
        given:
        def log = log()
        def nasty = "it's \"quoted\" \$(touch /tmp/pwned) `id`; rm -rf /\nsecond line\u2028\t\u0000 ünïcode"

        when:
        log.append(AuditRecord.builder('override.set').host('h').reason(nasty).parameter('source', nasty).build())

        then:
        Files.readAllLines(log.file()).size() == 1
        log.read(AuditLog.Filter.ALL).entries()[0].record().reason() == nasty
        log.read(AuditLog.Filter.ALL).entries()[0].record().parameters().source == nasty
        log.verify().ok()
    }

    def "verify names the first bad line: #what"() {
        given:
        def log = log()
        (1..5).each { i -> log.append(AuditRecord.builder('override.set').host("h${i}".toString()).ok(true).reason("r${i}".toString()).build()) }
        def lines = Files.readAllLines(log.file())
        edit(lines)
        Files.write(log.file(), lines.collect { it + '\n' }.join('').getBytes('UTF-8'))

        when:
        def v = log.verify()

        then:
        !v.ok()
        v.badLine() == bad
        v.problem().contains(words)

        where:
        what                             | edit                                                                   | bad | words
        'hand-edited reason'             | { List l -> l[2] = l[2].replace('"r3"', '"r9"') }                      | 3   | 'does not match its hash'
        'edited last line'               | { List l -> l[4] = l[4].replace('"ok":true', '"ok":false') }           | 5   | 'does not match its hash'
        'edited with the hash redone'    | { List l -> l[1] = rehash(l[1].replace('"r2"', '"r7"')) }              | 3   | 'does not follow line 2'
        'line removed'                   | { List l -> l.remove(2) }                                              | 3   | 'does not follow line 2'
        'first line removed'             | { List l -> l.remove(0) }                                              | 1   | 'genesis'
        'hash stripped'                  | { List l -> l[0] = l[0].substring(0, l[0].indexOf(',"hash"')) + '}' } | 1   | 'no hash'
        'blank line inserted'            | { List l -> l.add(1, '') }                                             | 2   | 'empty'
    }

    static String rehash(String line) {
        def body = line.substring(0, line.indexOf(',"hash":"'))
        body + ',"hash":"' + dev.fleetroll.util.Sha256.hex(body.getBytes('UTF-8')) + '"}'
    }

    def "a torn last line is reported, and the next append starts on a fresh line"() {
        given:
        def log = log()
        log.append(AuditRecord.builder('a.b').host('h').build())
        log.file().toFile() << '{"ts":"2026'

        expect:
        log.verify().badLine() == 2
        log.verify().problem().contains('incomplete')

        when:
        log.append(AuditRecord.builder('a.b').host('h2').build())
        def lines = Files.readAllLines(log.file())

        then:
        lines.size() == 3
        new JsonSlurper().parseText(lines[2]).prev == dev.fleetroll.util.Sha256.hex(lines[1].getBytes('UTF-8'))
        log.verify().badLine() == 2
        log.verify().problem().contains('does not match its hash') || log.verify().problem().contains('no hash')
    }

    def "read filters by host, action prefix and time"() {
        given:
        def t0 = Instant.parse('2026-01-01T00:00:00Z')
        def log = log()
        log.append(AuditRecord.builder('override.set').host('a').ts(t0).build())
        log.append(AuditRecord.builder('override.unset').host('b').ts(t0.plusSeconds(60)).build())
        log.append(AuditRecord.builder('vault.set').hosts(['a', 'b']).ts(t0.plusSeconds(120)).build())

        expect:
        log.read(new AuditLog.Filter('a', null, null)).entries()*.record()*.action() == ['override.set', 'vault.set']
        log.read(new AuditLog.Filter(null, 'override', null)).entries()*.record()*.host() == ['a', 'b']
        log.read(new AuditLog.Filter(null, 'override.set', null)).entries().size() == 1
        log.read(new AuditLog.Filter(null, 'over', null)).entries().isEmpty()
        log.read(new AuditLog.Filter(null, null, t0.plusSeconds(60))).entries()*.line() == [2L, 3L]
    }

    def "an absent log verifies as empty and reads as nothing"() {
        expect:
        log().verify().ok()
        log().verify().lines() == 0
        log().read(AuditLog.Filter.ALL).entries().isEmpty()
    }

    def "threads appending at once keep the chain"() {
        given:
        def log = new AuditLog(tmp.resolve('audit.jsonl'), 'bob', Clock.systemUTC())
        def pool = Executors.newFixedThreadPool(4)

        when:
        def futures = (1..4).collect { t ->
            pool.submit({ (1..50).each { i -> log.append(AuditRecord.builder('x.y').host("t${t}".toString()).parameter('i', i).build()) } } as Callable)
        }
        futures*.get()
        pool.shutdown()

        then:
        Files.readAllLines(log.file()).size() == 200
        log.verify().ok()
    }

    def "two processes appending 500 records each: 1000 lines, the chain verifies"() {
        given:
        def file = tmp.resolve('shared/audit.jsonl')
        def start = { String who, String other ->
            new ProcessBuilder(TestJvm.command(AuditLogAppendMain, file, who, '500', other))
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("${who}.out").toFile()).start()
        }

        when:
        def a = start('proc-a', 'proc-b') // each waits after its first record for the other's first record
        def b = start('proc-b', 'proc-a')
        def okA = a.waitFor() == 0
        def okB = b.waitFor() == 0
        def lines = Files.readAllLines(file)
        def log = new AuditLog(file, 'x', Clock.systemUTC())

        then:
        okA && okB
        lines.size() == 1000
        lines.count { it.contains('"actor":"proc-a"') } == 500
        lines.count { it.contains('"actor":"proc-b"') } == 500
        // the two writers really interleaved (each waited for the other's first record before its second)
        (1..<1000).count { lines[it].contains('proc-a') != lines[it - 1].contains('proc-a') } > 1
        log.verify().ok()

        when: "someone edits a line by hand"
        lines[417] = lines[417].replace('"outcome":"changed"', '"outcome":"unchanged"')
        Files.write(file, lines)

        then:
        log.verify().badLine() == 418
    }

    def "actor comes from FLEETROLL_ACTOR, then SUDO_USER, then USER"() {
        expect:
        Actor.from(env) == actor

        where:
        env                                                       | actor
        [FLEETROLL_ACTOR: 'ops-bot', SUDO_USER: 'bob', USER: 'root'] | 'ops-bot'
        [FLEETROLL_ACTOR: ' ', SUDO_USER: 'bob', USER: 'root']       | 'bob'
        [USER: 'carol']                                           | 'carol'
        [:]                                                       | 'unknown'
    }
}
