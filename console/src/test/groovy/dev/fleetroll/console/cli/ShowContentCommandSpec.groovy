package dev.fleetroll.console.cli

import dev.fleetroll.config.FleetrollHome
import dev.fleetroll.config.Workspace
import dev.fleetroll.content.ContentStore
import dev.fleetroll.content.Humanhash
import dev.fleetroll.remote.ManagedFile
import dev.fleetroll.ssh.Outcome
import dev.fleetroll.state.FileFacts
import dev.fleetroll.state.Observation
import dev.fleetroll.store.SqliteStore
import groovy.json.JsonSlurper
import spock.lang.Specification
import spock.lang.TempDir

import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.attribute.PosixFilePermissions
import java.time.Instant

/** show-override and show-vault through the real CLI dispatcher, over a temp home's content stores and SQLite store. */
class ShowContentCommandSpec extends Specification {
    static final String OVR = "PUPPET_REPO='https://github.com/o/r.git'\nPUPPET_BRANCH='canary'\nPUPPET_MAIL='a@b.cd'\n"
    static final String VAULT = "secret_key: sup3rs3cret\n"

    @TempDir
    Path tmp
    Workspace ws
    FleetrollHome home

    def setup() {
        home = new FleetrollHome(tmp.resolve('home'))
        ws = Workspace.of(home, null, [:])
        home.ensureExists()
    }

    Map cli(List<String> args) {
        def out = new ByteArrayOutputStream()
        def err = new ByteArrayOutputStream()
        def commands = [new ShowContentCommand(ManagedFile.OVERRIDE), new ShowContentCommand(ManagedFile.VAULT)]
        def ctx = new CliContext(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, 'UTF-8'), new PrintStream(err, true, 'UTF-8'),
                [USER: 'tester', NO_COLOR: '1'], false, false, false, false, { ws })
        int rc = new Cli(commands).run(args as String[], ctx)
        [rc: rc, out: out.toString('UTF-8'), err: err.toString('UTF-8')]
    }

    /** Stores observations saying {@code hosts} carry the override/vault with these shas. */
    void observe(Map<String, List<String>> overrideShaHosts, Map<String, List<String>> vaultShaHosts = [:]) {
        def ts = Instant.parse('2026-08-13T09:00:00Z')
        Map<String, String> ovr = [:]
        Map<String, String> vlt = [:]
        overrideShaHosts.each { sha, hosts -> hosts.each { ovr[it] = sha } }
        vaultShaHosts.each { sha, hosts -> hosts.each { vlt[it] = sha } }
        def obs = (ovr.keySet() + vlt.keySet()).collect { h ->
            new Observation(h, ts, Outcome.OK, null, 0, 5, 'Linux', h, 100L, 'role',
                    ovr[h] ? new FileFacts('/etc/puppet/ronin_settings', '644', 'root', 'root', 1L, ts, ovr[h]) : null, null,
                    vlt[h] ? new FileFacts('/root/vault.yaml', '640', 'root', 'root', 1L, ts, vlt[h]) : null, null, true, [])
        }
        SqliteStore.open(home, ws.config().store()).withCloseable { it.saveAll(obs) }
    }

    def "show-override prints the stored content exactly, by sha prefix, full sha or humanhash"() {
        given:
        def e = ContentStore.overrides(home).put(OVR.bytes)

        expect:
        [e.sha256().substring(0, 6), e.sha256(), e.humanhash(), e.humanhash().toUpperCase()].every { q ->
            def r = cli(['show-override', q])
            r.rc == 0 && r.out == OVR && r.err == ''
        }
    }

    def "show-override --info and --json: sha256, humanhash, size, path and the hosts that last reported it"() {
        given:
        def e = ContentStore.overrides(home).put(OVR.bytes)
        observe([(e.sha256()): ['ms-10', 'ms-2', 'ms-3'], ('ab' * 32): ['ms-4']])

        when:
        def info = cli(['show-override', '--info', e.sha256().substring(0, 8)])
        def json = cli(['show-override', '--json', e.humanhash()])
        def j = new JsonSlurper().parseText(json.out)

        then:
        info.rc == 0
        info.out == """sha256:    ${e.sha256()}
humanhash: ${e.humanhash()}
size:      ${OVR.size()} bytes
path:      ${e.path()}
hosts:     3 at their last good audit: ms-[2-3,10]
""".toString()
        j.sha256 == e.sha256()
        j.hosts == ['ms-2', 'ms-3', 'ms-10']
        j.content == OVR
    }

    def "show-vault never prints the content without --reveal; with it, prints exactly the stored bytes"() {
        given:
        def e = ContentStore.vault(home).put(VAULT.bytes)
        observe([:], [(e.sha256()): ['h1']])

        when:
        def plain = cli(['show-vault', e.humanhash()])
        def json = cli(['show-vault', '--json', e.sha256().substring(0, 10)])
        def reveal = cli(['show-vault', '--reveal', e.sha256().substring(0, 10)])

        then:
        plain.rc == 0
        !plain.out.contains('sup3rs3cret')
        plain.out.contains("sha256:    ${e.sha256()}")
        plain.out.contains('hosts:     1 at their last good audit: h1')
        plain.out.contains('content:   not shown (vault); add --reveal to print it')
        !json.out.contains('sup3rs3cret')
        new JsonSlurper().parseText(json.out).content == null
        reveal.rc == 0
        reveal.out == VAULT
        PosixFilePermissions.toString(Files.getPosixFilePermissions(e.path())) == 'rw-------'
    }

    def "an ambiguous prefix lists the candidates (sha12, humanhash, size) and exits 2"() {
        given: 'two overrides whose sha256 share the first hex digit'
        def store = ContentStore.overrides(home)
        def texts = (1..40).collect { OVR + "# ${it}\n" }
        def pair = texts.groupBy { dev.fleetroll.util.Sha256.hex(it.bytes)[0] }.values().find { it.size() >= 2 }
        def a = store.put(pair[0].bytes)
        def b = store.put(pair[1].bytes)
        def prefix = a.sha256()[0]

        when:
        def r = cli(['show-override', prefix])
        def j = cli(['show-override', '--json', prefix])

        then:
        r.rc == 2
        r.out == ''
        r.err.readLines()[0] == "fleetroll: '${prefix}' matches 2 stored overrides; give more of the sha256:".toString()
        r.err.readLines().drop(1).collect { it.trim().split(/\s+/)[0] }.sort() == [a, b]*.sha256()*.substring(0, 12).sort()
        r.err.contains(a.humanhash())
        r.err.contains("${a.size()} bytes")
        j.rc == 2
        new JsonSlurper().parseText(j.out).candidates*.sha256.sort() == [a, b]*.sha256().sort()
    }

    def "a humanhash shared by two stored files is ambiguous too"() {
        given: 'two contents with the same humanhash (16 bits: a few thousand tries find a pair)'
        Map<String, String> seen = [:]
        List<String> pair = null
        for (int i = 0; pair == null; i++) {
            String t = OVR + "# ${i}\n"
            String hh = Humanhash.of(dev.fleetroll.util.Sha256.hex(t.bytes))
            if (seen.containsKey(hh)) {
                pair = [seen[hh], t]
            } else {
                seen[hh] = t
            }
        }
        def store = ContentStore.overrides(home)
        def a = store.put(pair[0].bytes)
        store.put(pair[1].bytes)

        when:
        def r = cli(['show-override', a.humanhash()])

        then:
        r.rc == 2
        r.err.startsWith("fleetroll: '${a.humanhash()}' matches 2 stored overrides")
    }

    def "unknown or malformed queries: one line, exit 2"() {
        given:
        ContentStore.overrides(home).put(OVR.bytes)

        when:
        def r = cli(args)

        then:
        r.rc == 2
        r.out == ''
        r.err.readLines().size() == 1
        r.err.startsWith(message)

        where:
        args                                   | message
        ['show-override', 'ffffffffffff0']     | "fleetroll: no stored override matches 'ffffffffffff0'"
        ['show-vault', 'colorado-floor']       | "fleetroll: no stored vault matches 'colorado-floor'"
        ['show-override', 'not a sha']         | "fleetroll: 'not a sha' is neither a sha256 prefix"
        ['show-override']                      | 'fleetroll: show-override: give one SHA_PREFIX or HUMANHASH'
        ['show-vault', '--info', 'ab']         | 'fleetroll: '
    }
}
