package dev.fleetroll.remote

import spock.lang.Specification
import spock.lang.Requires
import spock.lang.TempDir
import spock.lang.Unroll

import java.nio.file.Files
import java.nio.file.LinkOption
import java.nio.file.Path
import java.nio.file.attribute.PosixFileAttributes
import java.nio.file.attribute.PosixFilePermissions
import java.security.MessageDigest
import java.time.Instant

/** The write scripts run locally with sh (dash) and bash against temp directories: the host side, minus SSH. */
class WriteScriptsSpec extends Specification {
    @TempDir
    Path tmp

    static final String ME = ['id', '-un'].execute().text.trim()
    static final String MY_GROUP = ['id', '-gn'].execute().text.trim()
    static final Instant T0 = Instant.parse('2026-08-13T10:11:12.345Z')

    static String sha(byte[] b) {
        MessageDigest.getInstance('SHA-256').digest(b).encodeHex().toString()
    }

    WriteScripts.SetParams set(Path target, byte[] content, Map o = [:]) {
        new WriteScripts.SetParams(o.file ?: ManagedFile.OVERRIDE, target?.toString(), o.sha ?: sha(content),
                (o.size ?: content.length) as long, o.mode ?: '0644', o.owner ?: ME, o.group ?: MY_GROUP,
                o.containsKey('backup') ? o.backup : true, o.keep ?: 10, o.containsKey('guard') ? o.guard : true,
                o.stamp ?: T0)
    }

    Map run(String script, byte[] stdin, String shell = 'sh') {
        def p = new ProcessBuilder(shell, '-c', script).start()
        def err = new ByteArrayOutputStream()
        def t = Thread.start { err << p.errorStream }
        def w = Thread.start {
            try {
                p.outputStream.withStream { it.write(stdin ?: new byte[0]) }
            } catch (IOException ignored) {
                // the script may exit before reading everything
            }
        }
        byte[] out = p.inputStream.bytes
        p.waitFor()
        t.join()
        w.join()
        [exit: p.exitValue(), out: new String(out, 'UTF-8'), err: err.toString('UTF-8'), reply: WriteReply.parse(out)]
    }

    static String mode(Path p) {
        PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS))
    }

    static String owner(Path p) {
        def a = Files.readAttributes(p, PosixFileAttributes, LinkOption.NOFOLLOW_LINKS)
        "${a.owner().name}:${a.group().name}"
    }

    List<String> leftovers(Path dir) {
        Files.list(dir).withCloseable { s -> s.map { it.fileName.toString() }.filter { it.contains('.fleetroll.') }.toList() }
    }

    List<String> backups(Path target) {
        Files.list(target.parent).withCloseable { s ->
            s.map { it.fileName.toString() }.filter { it.startsWith(target.fileName.toString() + '.bak.') }.sorted().toList()
        }
    }

    @Unroll
    def "set writes a new file with content, mode and owner (#shell)"() {
        given:
        def target = tmp.resolve('etc/puppet/ronin_settings')
        Files.createDirectories(target.parent)
        def content = "PUPPET_BRANCH='main'\n".bytes

        when:
        def r = run(WriteScripts.set(set(target, content)), content, shell)

        then:
        r.exit == 0
        r.reply.recognised()
        r.reply.result() == 'changed'
        r.reply.os() == 'Linux'
        r.reply.target() == target.toString()
        r.reply.oldSha256() == null
        r.reply.newSha256() == sha(content)
        r.reply.backup() == null
        target.bytes == content
        mode(target) == 'rw-r--r--'
        owner(target) == "${ME}:${MY_GROUP}"
        leftovers(target.parent).isEmpty()

        where:
        shell << ['sh', 'bash']
    }

    @Unroll
    def "re-set with the same content is unchanged, and only mode/owner are re-applied (#shell)"() {
        given:
        def target = tmp.resolve('ronin_settings')
        def content = "PUPPET_BRANCH='main'\n".bytes
        Files.write(target, content)
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(before))
        def mtime = Files.getLastModifiedTime(target)
        Thread.sleep(20)

        when:
        def r = run(WriteScripts.set(set(target, content)), content, shell)

        then:
        r.exit == 0
        r.reply.result() == 'unchanged'
        r.reply.metaChanged() == metaChanged
        r.reply.oldSha256() == sha(content)
        r.reply.backup() == null
        mode(target) == 'rw-r--r--'
        Files.getLastModifiedTime(target) == mtime
        backups(target).isEmpty()
        leftovers(tmp).isEmpty()

        where:
        shell  | before      | metaChanged
        'sh'   | 'rw-r--r--' | false
        'sh'   | 'rw-------' | true
        'bash' | 'rwxrwxrwx' | true
    }

    def "a different override is blocked on the host unless forced; forcing backs up the old one"() {
        given:
        def target = tmp.resolve('ronin_settings')
        def old = "PUPPET_BRANCH='old'\n".bytes
        def neu = "PUPPET_BRANCH='new'\n".bytes
        Files.write(target, old)
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString('rw-r-----'))

        when:
        def blocked = run(WriteScripts.set(set(target, neu)), neu)

        then:
        blocked.exit == WriteScripts.EXIT_BLOCKED
        blocked.reply.result() == 'blocked'
        blocked.reply.oldSha256() == sha(old)
        blocked.reply.error().contains('force')
        target.bytes == old
        backups(target).isEmpty()
        leftovers(tmp).isEmpty()

        when:
        def forced = run(WriteScripts.set(set(target, neu, [guard: false])), neu)

        then:
        forced.exit == 0
        forced.reply.result() == 'changed'
        forced.reply.oldSha256() == sha(old)
        forced.reply.backup() == target.toString() + '.bak.20260813T101112.345Z'
        target.bytes == neu
        Path.of(forced.reply.backup()).bytes == old
        mode(Path.of(forced.reply.backup())) == 'rw-r-----'
        mode(target) == 'rw-r--r--'
    }

    def "no backup when asked not to"() {
        given:
        def target = tmp.resolve('vault.yaml')
        Files.write(target, 'a: 1\n'.bytes)
        def neu = 'a: 2\n'.bytes

        when:
        def r = run(WriteScripts.set(set(target, neu, [file: ManagedFile.VAULT, guard: false, backup: false, mode: '0600'])), neu)

        then:
        r.reply.result() == 'changed'
        r.reply.backup() == null
        backups(target).isEmpty()
        mode(target) == 'rw-------'
    }

    def "backups are pruned to the newest K, and only fleetroll's backups are considered"() {
        given:
        def target = tmp.resolve('ronin_settings')
        Files.write(target, 'v0\n'.bytes)
        Files.write(tmp.resolve('ronin_settings.bak.old'), 'mine\n'.bytes)
        Files.write(tmp.resolve('ronin_settings.bak.20260101T000000Z'), 'legacy backup\n'.bytes) // the old tool's format
        def results = []

        when:
        (1..6).each { i ->
            def c = "v${i}\n".toString().bytes
            results << run(WriteScripts.set(set(target, c, [guard: false, keep: 3, stamp: T0.plusSeconds(i)])), c)
        }

        then:
        results*.exit == [0] * 6
        backups(target) == ['ronin_settings.bak.20260813T101116.345Z', 'ronin_settings.bak.20260813T101117.345Z',
                            'ronin_settings.bak.20260813T101118.345Z', 'ronin_settings.bak.old']
        tmp.resolve('ronin_settings.bak.20260813T101118.345Z').text == 'v5\n'
        tmp.resolve('ronin_settings.bak.20260813T101116.345Z').text == 'v3\n'
        target.text == 'v6\n'
        results[0].reply.pruned() == []
        results[1].reply.pruned() == []
        results[2].reply.pruned() == [target.toString() + '.bak.20260101T000000Z']
        results[3].reply.pruned() == [target.toString() + '.bak.20260813T101113.345Z']
        results[5].reply.pruned() == [target.toString() + '.bak.20260813T101115.345Z']
    }

    def "two writes in the same millisecond do not overwrite each other's backup"() {
        given:
        def target = tmp.resolve('ronin_settings')
        Files.write(target, 'v0\n'.bytes)

        when:
        def a = run(WriteScripts.set(set(target, 'v1\n'.bytes, [guard: false])), 'v1\n'.bytes)
        def b = run(WriteScripts.set(set(target, 'v2\n'.bytes, [guard: false])), 'v2\n'.bytes)

        then:
        a.reply.backup() != b.reply.backup()
        Path.of(a.reply.backup()).text == 'v0\n'
        Path.of(b.reply.backup()).text == 'v1\n'
    }

    @Unroll
    def "content that does not arrive whole never replaces the target: #what"() {
        given:
        def target = tmp.resolve('ronin_settings')
        def old = "PUPPET_BRANCH='old'\n".bytes
        Files.write(target, old)
        def full = ('x' * 100_000).bytes

        when:
        def r = run(WriteScripts.set(set(target, full, [guard: false, sha: claimedSha])), feed(full))

        then:
        r.exit == WriteScripts.EXIT_INCOMPLETE
        r.reply.result() == 'failed'
        r.reply.error().contains('left as it was')
        target.bytes == old
        backups(target).isEmpty()
        leftovers(tmp).isEmpty()

        where:
        what                        | feed                                   | claimedSha
        'cut after half the bytes'  | { byte[] b -> Arrays.copyOf(b, 50_000) } | null
        'nothing arrived'           | { byte[] b -> new byte[0] }            | null
        'same size, other bytes'    | { byte[] b -> ('y' * 100_000).bytes }  | null
        'more than announced'       | { byte[] b -> (b as List) + ('extra'.bytes as List) as byte[] }      | null
    }

    def "a script killed while it reads its stdin leaves the old target and no temp file"() {
        given:
        def target = tmp.resolve('ronin_settings')
        Files.write(target, 'old\n'.bytes)
        def content = ('z' * 1_000_000).bytes
        def p = new ProcessBuilder('sh', '-c', WriteScripts.set(set(target, content, [guard: false]))).start()

        when:
        p.outputStream.write(content, 0, 300_000)
        p.outputStream.flush()
        Thread.sleep(300)
        p.destroy() // SIGTERM, as a dropped session's sshd would deliver SIGHUP
        p.waitFor()

        then:
        target.text == 'old\n'
        leftovers(tmp).isEmpty()
    }

    def "non-UTF-8 and empty contents are written byte for byte"() {
        given:
        def target = tmp.resolve('vault.yaml')

        when:
        def r = run(WriteScripts.set(set(target, content, [file: ManagedFile.VAULT])), content)

        then:
        r.reply.result() == 'changed'
        target.bytes == content

        where:
        content << [[0xff, 0xfe, 0x00, 0x0a, 0xc3, 0x28] as byte[], new byte[0], "no newline at end".bytes]
    }

    def "hostile strings in the path and content are taken literally"() {
        given:
        def dir = tmp.resolve("it's a \"dir\" \$(touch PWNED1) `touch PWNED2`; touch PWNED3 & \\ *")
        Files.createDirectories(dir)
        def target = dir.resolve("ronin'settings \$(id)")
        def content = "PUPPET_BRANCH='\$(touch /PWNED4)'; `reboot`\n\$(rm -rf /)\n".bytes

        when:
        def r = run(WriteScripts.set(set(target, content)), content)

        then:
        r.reply.result() == 'changed'
        r.reply.target() == target.toString()
        target.bytes == content

        when: "re-set, force and unset: backups and pruning under the same hostile name"
        def again = run(WriteScripts.set(set(target, content)), content)
        def forced = run(WriteScripts.set(set(target, 'x\n'.bytes, [guard: false, keep: 1])), 'x\n'.bytes)
        def backupContent = Path.of(forced.reply.backup()).bytes
        def unset = run(WriteScripts.unset(new WriteScripts.UnsetParams(ManagedFile.OVERRIDE, target.toString(), true, 1, null, T0.plusSeconds(5))), null)

        then:
        again.reply.result() == 'unchanged'
        forced.reply.result() == 'changed'
        backupContent == content
        unset.reply.result() == 'changed'
        unset.reply.pruned() == [forced.reply.backup()]
        !Files.exists(target)
        ['PWNED1', 'PWNED2', 'PWNED3'].every { !Files.exists(Path.of(it)) && !Files.exists(tmp.resolve(it)) && !Files.exists(dir.resolve(it)) }
        !Files.exists(Path.of('/PWNED4'))
    }

    def "preconditions fail clearly without touching anything: #what"() {
        given:
        def target = setup(tmp)

        when:
        def r = run(WriteScripts.set(set(target, 'a\n'.bytes)), 'a\n'.bytes)

        then:
        r.exit == WriteScripts.EXIT_PRECONDITION
        r.reply.result() == 'failed'
        r.reply.error().contains(words)

        where:
        what                  | setup                                                                      | words
        'no directory'        | { Path t -> t.resolve('missing/ronin_settings') }                          | 'does not exist'
        'target is a dir'     | { Path t -> Files.createDirectories(t.resolve('d')) }                      | 'is a directory'
        'dangling symlink'    | { Path t -> Files.createSymbolicLink(t.resolve('l'), t.resolve('nowhere')) } | 'not a regular file'
    }

    def "a failing chown reports failed and leaves the target alone"() {
        given:
        def target = tmp.resolve('ronin_settings')
        Files.write(target, 'old\n'.bytes)

        when:
        def r = run(WriteScripts.set(set(target, 'new\n'.bytes, [guard: false, owner: 'no_such_user_fr'])), 'new\n'.bytes)

        then:
        r.exit == WriteScripts.EXIT_STEP_FAILED
        r.reply.result() == 'failed'
        r.reply.error().contains('chown')
        target.text == 'old\n'
        leftovers(tmp).isEmpty()
    }

    def "group auto is root on Linux"() {
        given:
        def target = tmp.resolve('ronin_settings')

        when:
        def r = run(WriteScripts.set(set(target, 'a\n'.bytes, [owner: 'root', group: 'auto'])), 'a\n'.bytes)

        then:
        r.reply.result() == 'changed'
        owner(target) == 'root:root'
    }

    def "the default target comes from uname -s"() {
        expect:
        WriteScripts.set(set(null, 'a'.bytes)).contains("Linux) fr_path=/etc/puppet/ronin_settings")
        WriteScripts.set(set(null, 'a'.bytes)).contains("Darwin) fr_path=/opt/puppet_environments/ronin_settings")
        WriteScripts.set(set(null, 'a'.bytes, [file: ManagedFile.VAULT])).contains("Linux) fr_path=/root/vault.yaml")
        WriteScripts.set(set(null, 'a'.bytes, [file: ManagedFile.VAULT])).contains("Darwin) fr_path=/var/root/vault.yaml")
    }

    def "unset: absent is unchanged; present is backed up and removed; a guard sha that differs blocks"() {
        given:
        def target = tmp.resolve('ronin_settings')
        def unset = { boolean backup, String onlyIf -> WriteScripts.unset(new WriteScripts.UnsetParams(ManagedFile.OVERRIDE, target.toString(), backup, 10, onlyIf, T0)) }

        when:
        def absent = run(unset(true, null), null)

        then:
        absent.exit == 0
        absent.reply.result() == 'unchanged'
        absent.reply.oldSha256() == null

        when:
        Files.write(target, 'cur\n'.bytes)
        def guarded = run(unset(true, 'ab' * 32), null)

        then:
        guarded.exit == WriteScripts.EXIT_BLOCKED
        guarded.reply.result() == 'blocked'
        Files.exists(target)

        when:
        def removed = run(unset(true, sha('cur\n'.bytes)), null)

        then:
        removed.exit == 0
        removed.reply.result() == 'changed'
        removed.reply.oldSha256() == sha('cur\n'.bytes)
        Path.of(removed.reply.backup()).text == 'cur\n'
        !Files.exists(target)
    }

    def "parameters that cannot be carried safely are refused before a script exists: #what"() {
        when:
        make()

        then:
        thrown(IllegalArgumentException)

        where:
        what             | make
        'relative path'  | { new WriteScripts.SetParams(ManagedFile.OVERRIDE, 'etc/x', 'a' * 64, 1, '0644', 'root', 'auto', true, 1, true, T0) }
        'newline path'   | { new WriteScripts.SetParams(ManagedFile.OVERRIDE, "/etc/x\ny", 'a' * 64, 1, '0644', 'root', 'auto', true, 1, true, T0) }
        'bad mode'       | { new WriteScripts.SetParams(ManagedFile.OVERRIDE, null, 'a' * 64, 1, '0644; id', 'root', 'auto', true, 1, true, T0) }
        'bad owner'      | { new WriteScripts.SetParams(ManagedFile.OVERRIDE, null, 'a' * 64, 1, '0644', 'root:x', 'auto', true, 1, true, T0) }
        'bad sha'        | { new WriteScripts.SetParams(ManagedFile.OVERRIDE, null, 'xyz', 1, '0644', 'root', 'auto', true, 1, true, T0) }
        'keep zero'      | { new WriteScripts.SetParams(ManagedFile.OVERRIDE, null, 'a' * 64, 1, '0644', 'root', 'auto', true, 0, true, T0) }
    }

    static boolean sudoWorks() {
        try {
            return ['sudo', '-n', 'true'].execute().waitFor() == 0
        } catch (IOException ignored) {
            return false
        }
    }

    @Requires({ !data.prefix.startsWith('sudo') || WriteScriptsSpec.sudoWorks() })
    def "through the executor's wrapping (#wrap), backups and pruning still work on a hostile path"() {
        given: "the old tool lost the target path inside a nested sudo sh -c, so it never pruned"
        def dir = tmp.resolve("d \$(touch PWNED) 'q'")
        Files.createDirectories(dir)
        def target = dir.resolve('ronin_settings')
        Files.write(target, 'v0\n'.bytes)
        def results = []

        when:
        (1..4).each { i ->
            def c = "v${i}\n".toString().bytes
            def script = WriteScripts.set(set(target, c, [guard: false, keep: 2, stamp: T0.plusSeconds(i)]))
            results << run(prefix + dev.fleetroll.util.Shell.quote(script), c)
        }

        then:
        results*.reply*.result() == ['changed'] * 4
        backups(target) == ['ronin_settings.bak.20260813T101115.345Z', 'ronin_settings.bak.20260813T101116.345Z']
        results[3].reply.pruned() == [target.toString() + '.bak.20260813T101114.345Z']
        target.text == 'v4\n'
        !Files.exists(dir.resolve('PWNED')) && !Files.exists(Path.of('PWNED'))

        where:
        wrap             | prefix
        'sh -c'          | 'sh -c '
        'sudo -n sh -c'  | 'sudo -n sh -c '
    }
}
