package dev.fleetroll.ssh

import java.nio.file.Files
import java.nio.file.Path
import java.util.concurrent.CountDownLatch
import java.util.concurrent.Executors
import spock.lang.Specification
import spock.lang.TempDir

class KnownHostsVerifierSpec extends Specification {
    @TempDir Path dir

    static byte[] key(int seed) {
        byte[] b = new byte[51]
        new Random(seed).nextBytes(b)
        b
    }

    static String b64(byte[] b) { Base64.encoder.encodeToString(b) }

    def verifier = new KnownHostsVerifier()

    KnownHostsVerifier.Verdict check(String name, int port, Path file, String policy, byte[] k, String type = 'ssh-ed25519') {
        verifier.verify(name, port, false, [file], [], policy, type, k)
    }

    def "the fix-it commands in messages quote a known_hosts path with spaces, so they paste into a shell"() {
        given:
        Path kh = Files.createDirectories(dir.resolve("my keys")).resolve('known_hosts')
        Files.writeString(kh, "web1 ssh-ed25519 ${b64(key(1))}\n")

        expect:
        check('web1', 22, kh, 'accept-new', key(2)).message().contains("ssh-keygen -R web1 -f '${kh}'")
        check('new1', 22, kh, 'yes', key(3)).message().endsWith("ssh-keyscan -t ssh-ed25519 new1 >> '${kh}'")
    }

    def "a known key is accepted; a changed one is refused naming host, file:line and the fix"() {
        given:
        Path kh = dir.resolve('known_hosts')
        Files.writeString(kh, "# comment\nother ssh-ed25519 ${b64(key(9))}\nweb1,web1.example ssh-ed25519 ${b64(key(1))}\n")

        expect:
        check('web1', 22, kh, 'accept-new', key(1)).accepted()

        when:
        def v = check('web1', 22, kh, 'accept-new', key(2))

        then:
        !v.accepted()
        v.message().contains('web1')
        v.message().contains("${kh}:3")
        v.message().contains("ssh-keygen -R web1 -f ${kh}")
        !v.message().contains('\n')

        and: 'policy no accepts the changed key and writes nothing'
        check('web1', 22, kh, 'no', key(2)).accepted()
        Files.readAllLines(kh).size() == 3
    }

    def "a key of another type is new, not changed"() {
        given:
        Path kh = dir.resolve('known_hosts')
        Files.writeString(kh, "web1 ecdsa-sha2-nistp256 ${b64(key(1))}\n")

        expect:
        check('web1', 22, kh, 'accept-new', key(2)).accepted()
        verifier.knownKeyTypes('web1', 22, false, [kh]) == ['ecdsa-sha2-nistp256', 'ssh-ed25519'] as Set
    }

    def "non-22 ports use the [host]:port form, and HostKeyAlias ignores the port"() {
        given:
        Path kh = dir.resolve('known_hosts')
        Files.writeString(kh, "[web1]:2222 ssh-ed25519 ${b64(key(1))}\nweb1 ssh-ed25519 ${b64(key(5))}\nalias1 ssh-ed25519 ${b64(key(7))}\n")

        expect:
        check('web1', 2222, kh, 'yes', key(1)).accepted()
        check('web1', 22, kh, 'yes', key(5)).accepted()
        !check('web1', 2222, kh, 'yes', key(5)).accepted()
        verifier.verify('alias1', 2222, true, [kh], [], 'yes', 'ssh-ed25519', key(7)).accepted()
        check('web1', 2222, kh, 'accept-new', key(5)).message().contains("ssh-keygen -R '[web1]:2222'")
    }

    def "hashed entries written by ssh-keygen -H are understood"() {
        given:
        Path kh = dir.resolve('known_hosts')
        Files.writeString(kh, "web1 ssh-ed25519 ${b64(key(1))}\n[web2]:2200 ssh-ed25519 ${b64(key(2))}\n")
        def p = new ProcessBuilder('ssh-keygen', '-H', '-f', kh.toString()).redirectErrorStream(true).start()
        p.inputStream.text
        assert p.waitFor() == 0
        assert Files.readString(kh).startsWith('|1|')

        expect:
        check('web1', 22, kh, 'yes', key(1)).accepted()
        check('web2', 2200, kh, 'yes', key(2)).accepted()
        !check('web1', 22, kh, 'accept-new', key(3)).accepted()
        !check('web3', 22, kh, 'yes', key(1)).accepted()
    }

    def "patterns with wildcards and negation; @revoked refuses; @cert-authority is not a host key"() {
        given:
        Path kh = dir.resolve('known_hosts')
        Files.writeString(kh, """*.example,!bad.example ssh-ed25519 ${b64(key(1))}
@cert-authority *.example ssh-ed25519 ${b64(key(4))}
@revoked * ssh-ed25519 ${b64(key(3))}
""")

        expect:
        check('a.example', 22, kh, 'yes', key(1)).accepted()
        !check('bad.example', 22, kh, 'yes', key(1)).accepted()
        !check('a.example', 22, kh, 'no', key(3)).accepted()
        check('a.example', 22, kh, 'no', key(3)).message().contains('@revoked')
        !check('a.example', 22, kh, 'yes', key(4)).accepted()
    }

    def "the name index answers as a scan of every line would: case, lists, lines that need a scan, file order"() {
        given: 'a fleet-sized file: 300 plain lines, then lines no index can answer, then a second key for h7'
        Path kh = dir.resolve('known_hosts')
        StringBuilder text = new StringBuilder()
        (1..300).each { text << "h${it}.Fleet.Test,h${it},h${it} ssh-ed25519 ${b64(key(it))}\n" }
        text << "*.wild.test,!h-bad.wild.test ssh-ed25519 ${b64(key(1000))}\n"
        text << "!h5,h5* ssh-rsa ${b64(key(1001))}\n"
        text << "@revoked * ssh-ed25519 ${b64(key(7))}\n"
        text << "h8 ssh-rsa ${b64(key(1002))}\n"
        Files.writeString(kh, text.toString())

        expect: 'a plain name, in any case, through any name on its line'
        check('h42', 22, kh, 'yes', key(42)).accepted()
        check('H42.FLEET.test', 22, kh, 'yes', key(42)).accepted()
        !check('h42', 22, kh, 'yes', key(43)).accepted()
        check('h42', 22, kh, 'yes', key(43)).message().contains("${kh}:42")

        and: 'wildcard and negated lines are still found, and a negation still fails its line'
        check('a.wild.test', 22, kh, 'yes', key(1000)).accepted()
        !check('h-bad.wild.test', 22, kh, 'yes', key(1000)).accepted()
        !check('h5', 22, kh, 'yes', key(1001), 'ssh-rsa').accepted()
        check('h55', 22, kh, 'yes', key(1001), 'ssh-rsa').accepted()

        and: 'a revoked key is refused even where a plain line names it; key types come from both kinds of line'
        check('h7', 22, kh, 'no', key(7)).message().contains('@revoked')
        verifier.knownKeyTypes('h8', 22, false, [kh]) == ['ssh-ed25519', 'ssh-rsa'] as LinkedHashSet
        verifier.knownKeyTypes('h55', 22, false, [kh]) == ['ssh-ed25519', 'ssh-rsa'] as LinkedHashSet

        and: 'a host appended by accept-new is found through the index afterwards'
        check('new-host', 22, kh, 'accept-new', key(2000)).accepted()
        check('NEW-host', 22, kh, 'yes', key(2000)).accepted()
        !check('new-host', 22, kh, 'yes', key(2001)).accepted()
    }

    def "yes and ask refuse an unknown key with a hint; accept-new appends it"() {
        given:
        Path kh = dir.resolve('sub/known_hosts')

        expect:
        !check('new1', 22, kh, 'yes', key(1)).accepted()
        check('new1', 22, kh, 'yes', key(1)).message().contains('ssh-keyscan')
        check('new1', 22, kh, 'ask', key(1)).message().contains('never prompts')
        !Files.exists(kh)

        check('new1', 2200, kh, 'accept-new', key(1)).accepted()
        Files.readAllLines(kh) == ["[new1]:2200 ssh-ed25519 ${b64(key(1))}".toString()]
    }

    def "30 concurrent first connections append exactly one line per new host"() {
        given:
        Path kh = dir.resolve('known_hosts')
        Files.writeString(kh, "existing ssh-ed25519 ${b64(key(99))}") // no trailing newline
        def pool = Executors.newFixedThreadPool(30)
        def start = new CountDownLatch(1)
        // 15 connections to one host, 15 to distinct hosts, all at once
        def names = (1..15).collect { 'same' } + (1..15).collect { "host$it" }

        when:
        def futures = names.collect { n -> pool.submit({ start.await(); check(n, 22, kh, 'accept-new', key(n.hashCode())) } as java.util.concurrent.Callable) }
        start.countDown()
        def verdicts = futures*.get()

        then:
        verdicts.every { it.accepted() }
        def lines = Files.readAllLines(kh)
        lines.size() == 1 + 1 + 15
        lines[0] == "existing ssh-ed25519 ${b64(key(99))}".toString()
        lines.count { it.startsWith('same ') } == 1

        and: 'a second verifier (another process) sees them without appending again'
        new KnownHostsVerifier().verify('same', 22, false, [kh], [], 'accept-new', 'ssh-ed25519', key('same'.hashCode())).accepted()
        Files.readAllLines(kh).size() == 17

        cleanup:
        pool.shutdownNow()
    }

    def "a key removed with ssh-keygen -R is noticed without restarting"() {
        given:
        Path kh = dir.resolve('known_hosts')
        Files.writeString(kh, "web1 ssh-ed25519 ${b64(key(1))}\n")
        assert !check('web1', 22, kh, 'accept-new', key(2)).accepted()

        when:
        def p = new ProcessBuilder('ssh-keygen', '-R', 'web1', '-f', kh.toString()).redirectErrorStream(true).start()
        p.inputStream.text
        p.waitFor()

        then:
        check('web1', 22, kh, 'accept-new', key(2)).accepted()
    }
}
