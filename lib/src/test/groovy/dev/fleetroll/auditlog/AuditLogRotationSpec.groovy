package dev.fleetroll.auditlog

import dev.fleetroll.testing.TestJvm
import dev.fleetroll.util.Sha256
import groovy.json.JsonSlurper
import java.nio.file.Files
import java.nio.file.Path
import java.time.Clock
import java.time.Instant
import java.time.ZoneOffset
import spock.lang.Requires
import spock.lang.Specification
import spock.lang.TempDir

/** Rotation of audit.jsonl: the chain continues across files, and no concurrent append is lost or misplaced. */
class AuditLogRotationSpec extends Specification {
    static final Instant T = Instant.parse('2026-12-07T03:15:00.250Z')

    @TempDir
    Path tmp

    AuditLog log(String actor = 'alice') {
        new AuditLog(tmp.resolve('home/audit.jsonl'), actor, Clock.fixed(T, ZoneOffset.UTC))
    }

    static void append(AuditLog log, int n, String prefix = 'r') {
        n.times { log.append(AuditRecord.builder('override.set').host("${prefix}${it}.ex".toString()).ok(true).outcome('changed').build()) }
    }

    def "rotation renames the log, and the new file's first line chains to the old file's last line"() {
        given:
        def log = log()
        append(log, 3)
        def oldLast = Files.readAllLines(log.file()).last()

        expect: 'below the size nothing happens, and an absent log is never rotated'
        !log.rotate(Files.size(log.file()) + 1, false).rotated()
        !new AuditLog(tmp.resolve('other/audit.jsonl'), 'x', Clock.systemUTC()).rotate(0, true).rotated()
        !Files.exists(tmp.resolve('other/audit.jsonl'))

        when:
        def r = log.rotate(Files.size(log.file()), false)
        def current = Files.readAllLines(log.file())
        def first = new JsonSlurper().parseText(current[0])

        then:
        r.rotated()
        r.rotatedTo() == tmp.resolve('home/audit.jsonl.20261207-031500')
        Files.readAllLines(r.rotatedTo()).size() == 3
        Files.readAllLines(r.rotatedTo()).last() == oldLast
        current.size() == 1
        first.action == 'audit.rotate'
        first.actor == 'alice'
        first.parameters == [previous_file: 'audit.jsonl.20261207-031500', previous_bytes: r.bytes()]
        first.prev == Sha256.hex(oldLast.getBytes('UTF-8'))
        log.files() == [r.rotatedTo(), log.file()]

        when: 'appends continue the chain; a second rotation in the same second gets its own name'
        append(log, 2, 's')
        def r2 = log.rotate(Long.MAX_VALUE, true)
        append(log, 1, 't')
        def v = log.verify()

        then:
        r2.rotatedTo() == tmp.resolve('home/audit.jsonl.20261207-031500.2')
        log.files() == [r.rotatedTo(), r2.rotatedTo(), log.file()]
        v.ok()
        v.files() == 3
        v.lines() == 3 + 3 + 2
        log.read(AuditLog.Filter.ALL).entries()*.record()*.host() == ['r0.ex', 'r1.ex', 'r2.ex', null, 's0.ex', 's1.ex', null, 't0.ex']
        log.read(new AuditLog.Filter(null, 'audit.rotate', null)).entries().size() == 2
    }

    def "verify across files names the file and line: #what"() {
        given:
        def log = log()
        append(log, 3)
        def rotated = log.rotate(0, true).rotatedTo()
        append(log, 2, 's')

        when:
        damage(rotated, log.file())
        def v = log.verify()

        then:
        !v.ok()
        v.badFile().fileName.toString() == file
        v.badLine() == line
        v.problem().contains(message)

        where:
        what                              | damage                                                                           | file                          | line | message
        'a rotated file removed'          | { Path r, Path c -> Files.delete(r) }                                            | 'audit.jsonl'                 | 1    | 'continues audit.jsonl.20261207-031500, which is missing'
        'the rotated file cut short'      | { Path r, Path c -> Files.write(r, Files.readAllLines(r).take(2)) }              | 'audit.jsonl'                 | 1    | 'does not continue audit.jsonl.20261207-031500'
        'a line edited in a rotated file' | { Path r, Path c -> Files.write(r, Files.readAllLines(r).collect { it.replace('r1.ex', 'rX.ex') }) } | 'audit.jsonl.20261207-031500' | 2    | 'does not match its hash'
        'a line added to a rotated file'  | { Path r, Path c -> Files.writeString(r, Files.readString(r) + Files.readAllLines(c)[1] + '\n') } | 'audit.jsonl.20261207-031500' | 4    | 'does not follow line 3'
    }

    /**
     * Two writer processes append; they are held after five records each, then released while this process holds
     * the rotation's lock, and the rotation waits until the kernel shows them blocked on that lock (/proc/locks), so
     * each has the old file open when it is renamed. Without the identity check they would append to the rotated file.
     */
    @Requires({ Files.isReadable(Path.of('/proc/locks')) })
    def "writers blocked on the lock during a rotation append to the new file: nothing lost, the chain verifies"() {
        given:
        def file = tmp.resolve('home/audit.jsonl')
        Files.createDirectories(file.parent)
        def gate = tmp.resolve('gate')
        def start = { String who, String other ->
            new ProcessBuilder(TestJvm.command(AuditLogAppendMain, file, who, '100', other, gate.toString()))
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("${who}.out").toFile()).start()
        }
        def log = new AuditLog(file, 'maintainer', Clock.systemUTC())

        when:
        def a = start('proc-a', 'proc-b')
        def b = start('proc-b', 'proc-a')
        waitUntil { Files.exists(file) && Files.readAllLines(file).size() == 10 }  // both held at their gate
        long inode = Files.getAttribute(file, 'unix:ino') as long
        int waitersSeen = 0
        def rotation = log.rotate(0, true) {
            Files.createFile(gate)                   // release the writers into our lock
            waitUntil { (waitersSeen = waiters(inode)) >= 2 }
        }
        def okA = a.waitFor() == 0
        def okB = b.waitFor() == 0
        def rotatedLines = Files.readAllLines(rotation.rotatedTo())
        def currentLines = Files.readAllLines(file)
        def all = rotatedLines + currentLines

        then:
        okA && okB
        waitersSeen >= 2
        rotatedLines.size() == 10                   // nothing reached the rotated file after the rotation
        currentLines[0].contains('"action":"audit.rotate"')
        currentLines.size() == 1 + 190
        ['proc-a', 'proc-b'].every { w ->
            all.findAll { it.contains("\"actor\":\"$w\"") }.collect { new JsonSlurper().parseText(it).parameters.i }.sort() == (0..<100).toList()
        }
        log.verify().ok()
        log.verify().files() == 2
        log.verify().lines() == 201

        cleanup:
        [a, b].each { it?.destroyForcibly() }
    }

    /** Blocked lock requests on the inode, as /proc/locks lists them ("->" lines). */
    static int waiters(long inode) {
        Files.readAllLines(Path.of('/proc/locks')).count { it.contains('->') && it =~ /:${inode} / } as int
    }

    /** Waits for an event, polling; the 60 s ceiling only catches a hang, it decides nothing. */
    static void waitUntil(Closure<Boolean> condition) {
        long deadline = System.nanoTime() + 60_000_000_000L
        while (!condition()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError('condition not met within 60 s')
            }
            Thread.sleep(5)
        }
    }
}
