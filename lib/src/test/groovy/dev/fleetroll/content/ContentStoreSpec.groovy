package dev.fleetroll.content

import dev.fleetroll.config.FleetrollHome
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.attribute.PosixFilePermissions
import java.util.concurrent.Callable
import java.util.concurrent.Executors
import spock.lang.Specification
import spock.lang.TempDir

class ContentStoreSpec extends Specification {
    @TempDir
    Path tmp

    FleetrollHome home() {
        new FleetrollHome(tmp.resolve('home'))
    }

    static String mode(Path p) {
        PosixFilePermissions.toString(Files.getPosixFilePermissions(p))
    }

    def "put stores under the first 12 hex chars of the sha256, idempotently"() {
        given:
        def store = ContentStore.overrides(home())
        byte[] content = "PUPPET_BRANCH='x'\n".bytes

        when:
        def a = store.put(content)
        def b = store.put(content)

        then:
        a == b
        a.sha256() == dev.fleetroll.util.Sha256.hex(content)
        a.name() == a.sha256().substring(0, 12)
        a.path() == home().overrides().resolve(a.name())
        a.humanhash() == Humanhash.of(a.sha256())
        a.size() == content.length
        Files.readAllBytes(a.path()) == content
        store.read(a) == content
        mode(a.path()) == 'rw-r--r--'
        Files.list(home().overrides()).count() == 1 // no temp files left
    }

    def "vault files are 0600 in a 0700 directory, also when the file was already there with looser modes"() {
        given:
        def store = ContentStore.vault(home())
        byte[] secret = 'password: hunter2\n'.bytes

        when:
        def e = store.put(secret)

        then:
        mode(home().vaultYamls()) == 'rwx------'
        mode(e.path()) == 'rw-------'

        when:
        Files.setPosixFilePermissions(e.path(), PosixFilePermissions.fromString('rw-r--r--'))
        Files.setPosixFilePermissions(home().vaultYamls(), PosixFilePermissions.fromString('rwxr-xr-x'))
        store.put(secret)

        then:
        mode(e.path()) == 'rw-------'
        mode(home().vaultYamls()) == 'rwx------'
    }

    def "a name taken by different content makes the name 4 chars longer each time"() {
        given: 'files squatting on the 12- and 16-char names with other content (a crafted collision)'
        def store = ContentStore.overrides(home())
        byte[] content = 'the real content\n'.bytes
        String sha = dev.fleetroll.util.Sha256.hex(content)
        Files.createDirectories(store.dir())
        Files.write(store.dir().resolve(sha.substring(0, 12)), 'squatter one'.bytes)
        Files.write(store.dir().resolve(sha.substring(0, 16)), 'squatter two'.bytes)

        when:
        def e = store.put(content)

        then:
        e.name() == sha.substring(0, 20)
        Files.readAllBytes(e.path()) == content
        Files.readAllBytes(store.dir().resolve(sha.substring(0, 12))) == 'squatter one'.bytes

        and: 'idempotent at the longer name too, and found by prefix or sha'
        store.put(content) == e
        store.get(sha).get() == e
        store.content(sha).get() == content // past the squatters, verified
        store.find(sha.substring(0, 12)) == [e]
        store.find(sha) == [e]
    }

    def "get finds by full sha only"() {
        given:
        def store = ContentStore.overrides(home())
        def e = store.put('a\n'.bytes)

        expect:
        store.get(e.sha256()).get() == e
        store.get(e.sha256().toUpperCase()).get() == e
        store.get(e.sha256().substring(0, 12)).isEmpty()
        store.get('0' * 64).isEmpty()
        store.get('not a sha').isEmpty()
        store.content(e.sha256()).get() == 'a\n'.bytes
        store.content('0' * 64).isEmpty()
    }

    def "find by prefix, humanhash, or an operator's symlink; ambiguous prefixes return every match"() {
        given:
        def store = ContentStore.overrides(home())
        def entries = (0..<40).collect { store.put("content $it\n".bytes) }
        def first = entries[0]
        // two entries sharing the first hex digit exist among 40 random shas
        def byDigit = entries.groupBy { it.sha256().substring(0, 1) }.find { it.value.size() > 1 }
        Files.createSymbolicLink(store.dir().resolve('resolverd-fix'), first.path().fileName)

        expect:
        store.list().size() == 40
        store.find(first.sha256().substring(0, 10)) == [first]
        store.find(first.sha256().substring(0, 10).toUpperCase()) == [first]
        store.find(first.humanhash()) == entries.findAll { it.humanhash() == first.humanhash() }.sort { it.sha256() }
        store.find(byDigit.key) == byDigit.value.sort { it.sha256() }
        store.find('resolverd-fix') == [first]
        store.find('no-such-thing').isEmpty()
        store.find('ack-ack').every { it.humanhash() == 'ack-ack' }
        store.find('').isEmpty()
        store.find('../etc').isEmpty()
    }

    def "lookups skip temp files, symlinks and files whose content does not match their name"() {
        given:
        def store = ContentStore.overrides(home())
        def e = store.put('x\n'.bytes)
        Files.write(store.dir().resolve('.tmp-123'), 'partial'.bytes)
        Files.write(store.dir().resolve('abcdefabcdef'), 'foreign'.bytes)
        Files.createSymbolicLink(store.dir().resolve(e.sha256().substring(0, 14)), e.path().fileName)

        expect:
        store.list() == [e]
    }

    def "a missing directory is an empty store"() {
        expect:
        ContentStore.vault(home()).list().isEmpty()
        ContentStore.vault(home()).find('abc').isEmpty()
    }

    def "concurrent puts of the same content from many threads end in one file"() {
        given:
        def store = ContentStore.vault(home())
        def pool = Executors.newFixedThreadPool(8)
        byte[] content = ('k: v\n' * 1000).bytes

        when:
        def results = pool.invokeAll((1..32).collect { { -> store.put(content) } as Callable }).collect { it.get() }

        then:
        results.toSet().size() == 1
        Files.list(store.dir()).count() == 1

        cleanup:
        pool.shutdownNow()
    }
}
