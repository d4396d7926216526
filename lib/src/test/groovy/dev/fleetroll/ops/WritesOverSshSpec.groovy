package dev.fleetroll.ops

import dev.fleetroll.ops.write.SetOverride;
import dev.fleetroll.ops.write.SetVault;
import dev.fleetroll.ops.write.UnsetOverride;
import dev.fleetroll.ops.write.WriteAction;
import dev.fleetroll.ops.write.WriteContext;
import dev.fleetroll.ops.write.WriteOptions;
import dev.fleetroll.ops.write.WriteOutcome;
import dev.fleetroll.ops.write.WriteResults;
import dev.fleetroll.ops.write.WriteSource;
import dev.fleetroll.UserError
import dev.fleetroll.config.Workspace
import dev.fleetroll.content.ContentStore
import dev.fleetroll.puppet.InvalidFileError
import dev.fleetroll.ssh.BatchListener
import dev.fleetroll.ssh.Cancellation
import dev.fleetroll.ssh.Outcome
import groovy.json.JsonSlurper
import spock.lang.AutoCleanup
import spock.lang.Requires
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.TempDir
import spock.lang.Timeout

import java.nio.charset.StandardCharsets
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.attribute.PosixFilePermissions
import java.security.MessageDigest

/**
 * The write operations over the real SSH engine against real sshd hosts (WriteHosts: one sshd per host, each with
 * its own view of the target directory). Every effect is read back on the host itself with the plain OpenSSH client.
 */
@Timeout(600)
@Requires({ WriteHosts.supported() })
class WritesOverSshSpec extends Specification {
    static final String OVR = """\
# canary for the resolver fix
PUPPET_REPO='https://github.com/mozilla-platform-ops/ronin_puppet.git'
PUPPET_BRANCH='canary'
PUPPET_MAIL='relops@mozilla.com'
"""
    static final String OVR2 = OVR.replace("'canary'", "'other-branch'")
    static final String OVR3 = OVR.replace("'canary'", "'third'")
    static final List<String> HOSTS = ['h1', 'h2', 'h3']

    @Shared @TempDir Path dir
    @Shared @AutoCleanup WriteHosts hosts

    Workspace ws
    DefaultFleet fleet
    WriteContext ctx

    def setupSpec() {
        hosts = new WriteHosts(dir, HOSTS)
    }

    def setup() {
        // a fresh home per feature, two backups kept so pruning shows after a few writes
        ws = hosts.workspace("${System.nanoTime()}", 'writes:\n  backups_kept: 2\nssh:\n  command_timeout: 120s\n')
        fleet = hosts.fleet(ws)
        ctx = WriteContext.of(fleet, [USER: 'tester'])
        HOSTS.each { h -> hosts.hostDir(h).toFile().listFiles().each { it.delete() } }
    }

    def cleanup() {
        fleet?.close()
    }

    String ovrPath() {
        hosts.path('ronin_settings')
    }

    WriteResults set(List<String> on, String text, Map o = [:]) {
        new SetOverride(ctx).run(on, WriteSource.text(text), WriteOptions.fromMap(WriteAction.OVERRIDE_SET, [path: ovrPath()] + o),
                WriteGate.confirmed('--confirm'), BatchListener.NONE, Cancellation.none())
    }

    WriteResults unset(List<String> on, Map o = [:]) {
        new UnsetOverride(ctx).run(on, WriteOptions.fromMap(WriteAction.OVERRIDE_UNSET, [path: ovrPath()] + o),
                WriteGate.confirmed('--confirm'), BatchListener.NONE, Cancellation.none())
    }

    WriteResults vault(List<String> on, String text, Map o = [:]) {
        new SetVault(ctx).run(on, WriteSource.text(text), WriteOptions.fromMap(WriteAction.VAULT_SET, [path: hosts.path('vault.yaml')] + o),
                WriteGate.confirmed('--confirm'), BatchListener.NONE, Cancellation.none())
    }

    /** {@code mode owner group} of a file, as the host reports it. */
    String stat(String host, String path) {
        hosts.run(host, "stat -c '%a %U %G' ${path}").trim()
    }

    /** File names in the host's target directory, from the host. */
    List<String> listing(String host) {
        hosts.run(host, "ls -A ${hosts.target}").readLines().sort()
    }

    List<Map> records() {
        Path f = ws.home().auditLog()
        Files.exists(f) ? Files.readAllLines(f).collect { new JsonSlurper().parseText(it) as Map } : []
    }

    static String sha(byte[] b) {
        MessageDigest.getInstance('SHA-256').digest(b).encodeHex().toString()
    }

    def "set, re-set (unchanged), different (blocked, then forced), unset: content, mode, owner and backups on the host"() {
        when: 'first set on three hosts'
        def r1 = set(HOSTS, OVR, [reason: 'canary', mode: '0640', group: 'daemon'])

        then:
        r1.changed() == HOSTS
        r1.allOk()
        HOSTS.every { hosts.run(it, "cat ${ovrPath()}") == OVR }
        HOSTS.every { stat(it, ovrPath()) == '640 root daemon' }
        HOSTS.every { listing(it) == ['ronin_settings'] }
        r1.hosts().every { it.reply().os() == 'Linux' && it.reply().oldSha256() == null && it.reply().newSha256() == sha(OVR.bytes) }

        when: 're-set the same content: unchanged; a changed mode is re-applied to the current file'
        def r2 = set(HOSTS, OVR, [mode: '0644', group: 'daemon'])

        then:
        r2.unchanged() == HOSTS
        r2.hosts().every { it.reply().metaChanged() }
        HOSTS.every { stat(it, ovrPath()) == '644 root daemon' }
        HOSTS.every { listing(it) == ['ronin_settings'] }

        when: 'a different override is blocked on every host (decided there), and nothing changes'
        def r3 = set(HOSTS, OVR2)

        then:
        r3.blocked() == HOSTS
        !r3.allOk()
        r3.hosts().every { it.error().contains("a different override is already at ${ovrPath()}") }
        HOSTS.every { hosts.run(it, "cat ${ovrPath()}") == OVR }

        when: 'forced on h1: replaced, with a timestamped backup of the old file'
        def r4 = set(['h1'], OVR2, [force: true, reason: 'switch branch'])
        def bak = r4.hosts()[0].reply().backup()

        then:
        r4.changed() == ['h1']
        bak ==~ /${ovrPath()}\.bak\.\d{8}T\d{6}\.\d{3}Z/
        hosts.run('h1', "cat ${ovrPath()}") == OVR2
        hosts.run('h1', "cat ${bak}") == OVR
        stat('h1', ovrPath()) == '644 root root'
        stat('h1', bak) == '644 root daemon'
        hosts.run('h2', "cat ${ovrPath()}") == OVR

        when: 'two more forced writes: pruning keeps the newest two backups (writes.backups_kept: 2)'
        Thread.sleep(5)
        def r5 = set(['h1'], OVR3, [force: true])
        Thread.sleep(5)
        def r6 = set(['h1'], OVR, [force: true])
        def baks = listing('h1').findAll { it.startsWith('ronin_settings.bak.') }

        then:
        r5.changed() == ['h1'] && r6.changed() == ['h1']
        baks.size() == 2
        baks.collect { hosts.run('h1', "cat ${hosts.path(it)}") } == [OVR2, OVR3]
        r6.hosts()[0].reply().pruned() == [bak]

        when: 'unset h1 and h2: removed after a backup; h3 keeps its override; unsetting again is unchanged'
        def r7 = unset(['h1', 'h2'], [reason: 'done'])
        def r8 = unset(['h1'])

        then:
        r7.changed() == ['h1', 'h2']
        hosts.ssh('h1', "test -e ${ovrPath()}").rc == 1
        hosts.ssh('h2', "test -e ${ovrPath()}").rc == 1
        hosts.run('h2', "cat ${r7.hosts()[1].reply().backup()}") == OVR
        hosts.run('h3', "cat ${ovrPath()}") == OVR
        r8.unchanged() == ['h1']

        and: 'one audit record per host and write, chain intact'
        def recs = records()
        recs.count { it.action == 'override.set' && it.host == 'h1' } == 6
        recs.find { it.host == 'h1' && it.outcome == 'blocked' }.observed.exit_code == 3
        recs.find { it.host == 'h1' && it.forced && it.outcome == 'changed' }.reason == 'switch branch'
        recs.findAll { it.action == 'override.unset' }*.outcome == ['changed', 'changed', 'unchanged']
        recs.every { it.actor == 'tester' }
        ctx.auditLog().verify().ok()

        and: 'the pushed overrides are in the local content store'
        [OVR, OVR2, OVR3].every { fleet.overrideContents().get(sha(it.bytes)).isPresent() }
    }

    def "vault set: content, default mode 0640, backup of the old vault; content never in the audit log; local copy 0600"() {
        given:
        String v1 = "tc_client_id: worker\ntc_access_token: s3cr3t-one\n"
        String v2 = "tc_client_id: worker\ntc_access_token: s3cr3t-two\n"

        when:
        def r1 = vault(['h1', 'h2'], v1, [reason: 'rotate'])
        def r2 = vault(['h1'], v2)
        def r3 = vault(['h1'], v2)

        then:
        r1.changed() == ['h1', 'h2']
        r2.changed() == ['h1']
        r3.unchanged() == ['h1']
        hosts.run('h1', "cat ${hosts.path('vault.yaml')}") == v2
        hosts.run('h2', "cat ${hosts.path('vault.yaml')}") == v1
        stat('h1', hosts.path('vault.yaml')) == '640 root root'
        hosts.run('h1', "cat ${r2.hosts()[0].reply().backup()}") == v1

        and: 'the audit log has shas only'
        !Files.readString(ws.home().auditLog()).contains('s3cr3t')
        records().findAll { it.action == 'vault.set' }*.parameters*.sha256.toSet() == [sha(v1.bytes), sha(v2.bytes)] as Set

        and: 'the local copies are 0600 in a 0700 directory'
        def e = fleet.vaultContents().get(sha(v2.bytes)).get()
        PosixFilePermissions.toString(Files.getPosixFilePermissions(e.path())) == 'rw-------'
        PosixFilePermissions.toString(Files.getPosixFilePermissions(e.path().parent)) == 'rwx------'
    }

    def "invalid files are rejected with one line naming line and rule; no host is contacted and nothing changes"() {
        given:
        set(['h1'], OVR)
        String before = hosts.run('h1', "stat -c '%Y %s' ${ovrPath()}; cat ${ovrPath()}")
        int accepted = hosts.accepted('h1')

        when:
        new SetOverride(ctx).run(['h1'], new WriteSource(bytes, 'bad.override'),
                WriteOptions.fromMap(WriteAction.OVERRIDE_SET, [path: ovrPath(), force: true]),
                WriteGate.confirmed('--confirm'), BatchListener.NONE, Cancellation.none())

        then:
        def e = thrown(InvalidFileError)
        e.rule() == rule
        !e.message.contains('\n')
        e.message.startsWith('bad.override: ')
        hosts.accepted('h1') == accepted
        hosts.run('h1', "stat -c '%Y %s' ${ovrPath()}; cat ${ovrPath()}") == before
        records().last().outcome == 'invalid'

        where:
        bytes                                                                                          | rule
        (OVR + "if [ 1\n").bytes                                                                       | 'shell-syntax'
        OVR.replace("'canary'", "'a.b'").bytes                                                         | 'branch-characters'
        OVR.replace('ronin_puppet.git', 'ronin_puppet').bytes                                          | 'repo-url'
        (OVR + "# caf\u00e9\n").getBytes(StandardCharsets.ISO_8859_1)                                  | 'utf-8'
    }

    def "an invalid vault is rejected without quoting it, host untouched"() {
        given:
        vault(['h1'], "a: 1\n")
        int accepted = hosts.accepted('h1')

        when:
        vault(['h1'], "password: hunter2\n  bad: [indent\n")

        then:
        def e = thrown(InvalidFileError)
        e.rule().startsWith('yaml')
        !e.message.contains('hunter2')
        hosts.accepted('h1') == accepted
        hosts.run('h1', "cat ${hosts.path('vault.yaml')}") == "a: 1\n"
    }

    def "hostile strings in reason, path and content are stored literally and run nothing"() {
        given:
        Path canary = dir.resolve('pwned')
        String hostile = "x'; touch ${canary}; echo \"\$(touch ${canary})\" `touch ${canary}` \$HOME\nnext line"
        // a file name cannot hold '/': were it ever unquoted, the '; exit 7' would end the script without a result
        String weirdName = "odd name 'q'; exit 7; \"d\" \$(exit 7) `exit 7` \$HOME; exit 7"
        String vaultText = "note: '${hostile.replace("'", "''").replace('\n', ' ')}'\nmulti: |\n  \$(touch ${canary})\n  ; rm -rf /tmp/x\n"
        String ovrText = OVR + "# comment with 'quotes' \"dq\" \$(touch ${canary}) `touch ${canary}`; ls\n"

        when:
        def r1 = set(['h1'], ovrText, [reason: hostile, path: hosts.path(weirdName)])
        def r2 = vault(['h1'], vaultText, [reason: hostile])

        then:
        r1.changed() == ['h1']
        r2.changed() == ['h1']
        Files.readString(hosts.hostDir('h1').resolve(weirdName)) == ovrText
        Files.readString(hosts.hostDir('h1').resolve('vault.yaml')) == vaultText
        !Files.exists(canary)
        records().findAll { it.host == 'h1' }.every { it.reason == hostile }
        records().find { it.action == 'override.set' && it.host == 'h1' }.parameters.target == hosts.path(weirdName)
        ctx.auditLog().verify().ok()

        when: 'a path with a newline never reaches a host'
        set(['h1'], OVR, [path: hosts.path('a\nb')])

        then:
        def e = thrown(UserError)
        e.message.contains('no control characters')
        !e.message.contains('\n')
        !Files.exists(canary)
    }

    def "an unreachable host is reported unreachable; the others are written"() {
        when:
        def r = set(['h1', 'down1'], OVR)

        then:
        r.changed() == ['h1']
        r.unreachable() == ['down1']
        r.hosts().find { it.host() == 'down1' }.transport() == Outcome.UNREACHABLE
        records().find { it.host == 'down1' }.outcome == 'unreachable'
    }

    def "writes re-audit the touched hosts, so the store has fresh observations of them"() {
        given:
        def before = fleet.latest(HOSTS)

        when:
        def r = set(['h1', 'h2'], OVR)
        def after = fleet.latest(HOSTS)

        then:
        before.isEmpty()
        r.reaudit() != null
        r.reaudit().observations()*.host() == ['h1', 'h2']
        after.keySet() == ['h1', 'h2'] as Set
        after.values().every { it.ok() }

        when: 'no re-audit when asked not to'
        def again = set(['h3'], OVR, [reaudit: false])

        then:
        again.reaudit() == null
        fleet.latest(['h3']).isEmpty()
    }

    def "cancelling (Ctrl-C) after the first host: pending hosts are cancelled and untouched, no re-audit"() {
        given: 'one host at a time'
        fleet.close()
        fleet = DefaultFleet.open(ws, new DefaultFleet.Options(hosts.sshConfig, 1, false))
        ctx = WriteContext.of(fleet, [USER: 'tester'])
        Cancellation cancellation = new Cancellation()
        def listener = new BatchListener() {
            @Override
            void hostFinished(String host, Outcome outcome) {
                cancellation.cancel('interrupted')
            }
        }

        when:
        def r = new SetOverride(ctx).run(HOSTS, WriteSource.text(OVR), WriteOptions.fromMap(WriteAction.OVERRIDE_SET, [path: ovrPath()]),
                WriteGate.confirmed('--confirm'), listener, cancellation)

        then:
        r.changed() == ['h1']
        r.failed() == ['h2', 'h3']
        r.hosts().drop(1).every { it.transport() == Outcome.CANCELLED && it.error().startsWith('cancelled: interrupted') }
        Files.readString(hosts.hostDir('h1').resolve('ronin_settings')) == OVR
        !Files.exists(hosts.hostDir('h2').resolve('ronin_settings'))
        !Files.exists(hosts.hostDir('h3').resolve('ronin_settings'))
        r.reaudit() == null
        records()*.outcome == ['changed', 'failed', 'failed']
    }

    // ---- the connection cut in the middle of a write ----

    /** A valid override of about {@code mb} megabytes (comments after the settings). */
    static String bigOverride(String branch, int mb) {
        StringBuilder b = new StringBuilder(mb * 1024 * 1024 + 200)
        b << OVR.replace("'canary'", "'${branch}'")
        String line = '# ' + ('x' * 97) + '\n'
        while (b.length() < mb * 1024 * 1024) {
            b << line
        }
        b.toString()
    }

    /**
     * Starts a forced write of {@code text} on a thread with the host held at a point of it (WriteHosts' gates): before
     * {@code fraction} 1.0, its receiving {@code cat} stops after that fraction of the content is in the temporary
     * file; at 1.0, the whole content is in and the host holds before its {@code sync} (just before the rename). Then
     * runs {@code cut} while the host is held, lets the host go on and returns the write's results. No race: the write
     * cannot end before the cut.
     */
    WriteResults cutWrite(String host, String text, double fraction, Closure cut) {
        Cancellation cancellation = new Cancellation()
        WriteResults[] result = new WriteResults[1]
        Throwable[] failure = new Throwable[1]
        long size = text.length()
        long at = fraction >= 1.0 ? size : (long) (size * fraction)
        String gate = fraction >= 1.0 ? 'sync' : 'cat'
        hosts.hold(host, gate, at)
        // the pooled connection's sshd processes, found before the write
        List<ProcessHandle> pooled = hosts.sessions(host)
        def t = Thread.start {
            try {
                result[0] = new SetOverride(ctx).run([host], WriteSource.text(text),
                        WriteOptions.fromMap(WriteAction.OVERRIDE_SET, [path: ovrPath(), force: true, reaudit: false]),
                        WriteGate.confirmed('--confirm'), BatchListener.NONE, cancellation)
            } catch (Throwable e) {
                failure[0] = e
            }
        }
        try {
            long deadline = System.nanoTime() + 120_000_000_000L
            while (!hosts.held(host, gate) && t.alive && System.nanoTime() < deadline) {
                Thread.sleep(5)
            }
            assert hosts.held(host, gate): "the host never held at its ${gate} (write ended: ${!t.alive}, ${failure[0] ?: result[0]?.hosts()})"
            def tmp = hosts.hostDir(host).toFile().listFiles().find { it.name.startsWith('.ronin_settings.fleetroll.') }
            assert tmp != null && tmp.length() == at: "held with ${tmp?.length()} bytes in the temporary file, not ${at}"
            cut.call(cancellation, pooled)
        } finally {
            hosts.release(host, gate)
        }
        t.join(120_000)
        assert !t.alive: 'the write did not end after the cut'
        if (failure[0] != null) {
            throw failure[0]
        }
        result[0]
    }

    def "the connection cut mid-write leaves the target old or new, never truncated or missing (#how at #fraction)"() {
        given: 'h1 has a big override already'
        String oldText = bigOverride('old', 4)
        String newText = bigOverride('new', 4)
        def first = new SetOverride(ctx).run(['h1'], WriteSource.text(oldText),
                WriteOptions.fromMap(WriteAction.OVERRIDE_SET, [path: ovrPath(), force: true, reaudit: false]),
                WriteGate.confirmed('--confirm'), BatchListener.NONE, Cancellation.none())
        assert first.allOk()

        when: 'the write is cut with the host held at the point'
        WriteResults r = cutWrite('h1', newText, fraction, cut)
        // the host's shell notices the cut on its own time: give it time to clean up
        def leftovers = []
        for (int i = 0; i < 600; i++) {
            leftovers = hosts.hostDir('h1').toFile().list().findAll { it.startsWith('.ronin_settings.fleetroll.') }
            if (leftovers.isEmpty()) {
                break
            }
            Thread.sleep(100)
        }
        def onHost = hosts.run('h1', "sha256sum < ${ovrPath()}").split(' ')[0]

        then: 'before the content was complete: reported failed, and the target is exactly the old file'
        fraction >= 1.0 || r.hosts()[0].outcome() == WriteOutcome.FAILED
        fraction >= 1.0 || onHost == sha(oldText.bytes)

        and: 'after it was complete (the host may be renaming): the old or the new file, and the report says which it believes'
        onHost in [sha(oldText.bytes), sha(newText.bytes)]
        r.hosts()[0].outcome() != WriteOutcome.CHANGED || onHost == sha(newText.bytes)

        and: 'no temporary file is left behind'
        leftovers.isEmpty()

        and: 'the host still works: the next write succeeds'
        set(['h1'], newText, [force: true, reaudit: false]).ok() == ['h1']
        hosts.run('h1', "sha256sum < ${ovrPath()}").split(' ')[0] == sha(newText.bytes)

        and: 'the attempt is in the audit log as reported'
        records().findAll { it.host == 'h1' }*.outcome.contains(r.hosts()[0].outcome().label())

        where:
        how                                       | fraction | cut
        'client closes the channel (Ctrl-C)'      | 0.05     | { Cancellation c, List<ProcessHandle> pooled -> c.cancel('interrupted') }
        'client closes the channel (Ctrl-C)'      | 0.5      | { Cancellation c, List<ProcessHandle> pooled -> c.cancel('interrupted') }
        "host's sshd session killed"              | 0.05     | { Cancellation c, List<ProcessHandle> pooled -> WriteHosts.freezeThenKill(pooled) }
        "host's sshd session killed"              | 0.5      | { Cancellation c, List<ProcessHandle> pooled -> WriteHosts.freezeThenKill(pooled) }
        'client closes the channel (Ctrl-C)'      | 1.0      | { Cancellation c, List<ProcessHandle> pooled -> c.cancel('interrupted') }
        "host's sshd session killed"              | 1.0      | { Cancellation c, List<ProcessHandle> pooled -> WriteHosts.freezeThenKill(pooled) }
    }
}
