package dev.fleetroll.remote

import dev.fleetroll.content.ContentStore
import dev.fleetroll.ssh.Outcome
import dev.fleetroll.state.AuditMemo
import dev.fleetroll.state.FileFacts
import dev.fleetroll.state.Observation
import dev.fleetroll.state.OverrideSettings
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.StandardCopyOption
import java.nio.file.attribute.PosixFileAttributeView
import java.nio.file.attribute.PosixFileAttributes
import java.time.Instant
import spock.lang.Requires
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.TempDir

/**
 * Runs the real audit script with real shells against real files, in a private namespace per run (see
 * {@link FakeHost}: needs root and unshare), and checks every field the parser makes of it.
 */
@Requires({ FakeHost.available() })
class AuditScriptSpec extends Specification {
    @TempDir
    Path tmp

    @Shared
    List<String> shells = ['/usr/bin/dash', '/bin/sh', '/usr/bin/bash', '/bin/bash', '/usr/bin/bash --posix', '/usr/bin/busybox sh',
                           '/usr/bin/mksh', '/usr/bin/posh']
            .findAll { Files.isExecutable(Path.of(it.split(' ')[0])) }
            .unique { Path.of(it.split(' ')[0]).toRealPath().toString() + it.split(' ').drop(1) } // dash, bash, ... when installed

    static final String OVERRIDE = '''\
        # rollout of the resolverd fix
        PUPPET_REPO='https://github.com/jdoe/ronin_puppet.git'
        PUPPET_BRANCH="fix/resolverd"
        PUPPET_MAIL=jdoe@example.com
        # WORKER_TYPE_OVERRIDE='gecko-t-linux-talos-staging'
        '''.stripIndent()
    static final byte[] VAULT = (([0, 1, 2, 255, 254] as List<Byte>) + ('api_token: s3cr3t\n'.bytes as List<Byte>)) as byte[]
    static final String METADATA = '''{
          "schema_version": 1,
          "ts": "2024-05-01T12:00:00Z",
          "duration_s": 312.5,
          "success": true,
          "exit_code": 2,
          "role": "gecko_t_linux_talos",
          "git_repo": "https://github.com/jdoe/ronin_puppet.git",
          "git_branch": "fix/resolverd",
          "git_sha": "0123456789abcdef0123456789abcdef01234567",
          "git_dirty": false,
          "vault_path": "/root/vault.yaml",
          "vault_sha": "NA",
          "override_path": "/etc/puppet/ronin_settings",
          "override_sha": "''' + dev.fleetroll.util.Sha256.hex(OVERRIDE.bytes) + '''"
        }
        '''

    FakeHost linuxHost(boolean worker = true) {
        def h = new FakeHost(tmp.resolve('host'))
        h.workerRunning = worker
        h.file('/etc/puppet/ronin_settings', OVERRIDE, 'rw-r-----', 'nobody', 'nogroup', 1_714_564_800L)
        h.file('/root/vault.yaml', VAULT, 'rw-------', 'root', 'root', 1_714_000_000L)
        h.file('/etc/puppet_role', '  gecko_t_linux_talos\n\n  extra\twords  \n', 'rw-r--r--')
        h.file('/etc/puppet/last_run_metadata.json', METADATA)
        h
    }

    static AuditParse parse(FakeHost.Result r) {
        AuditParser.parse('fake', Instant.now(), r.exit == 0 ? Outcome.OK : Outcome.FAILED, r.exit, r.stdout, r.stderr, r.elapsedMs)
    }

    /** A full audit of {@code host} by /bin/sh, nothing known: the run later audits take their known values from. */
    static AuditParse coldAudit(FakeHost host) {
        parse(host.run('/bin/sh', AuditScript.standard().text()))
    }

    static long machineUptime() {
        Files.readString(Path.of('/proc/uptime')).split(' ')[0].toBigDecimal().longValue()
    }

    def "Linux host, #shell, fetchVault=#fetchVault: every field from the real files"() {
        given:
        def host = linuxHost()

        when:
        long before = machineUptime()
        def r = host.run(shell, AuditScript.of(fetchVault).text())
        long after = machineUptime()
        def p = parse(r)
        def o = p.observation()

        then:
        r.exit == 0
        r.stderr == ''
        o.warnings() == []
        o.outcome() == Outcome.OK
        o.os() == 'Linux'
        o.hostname() == 'fake-linux-01'
        o.uptimeSeconds() >= before + FakeHost.BOOT_OFFSET_S
        o.uptimeSeconds() <= after + FakeHost.BOOT_OFFSET_S + 1
        o.role() == 'gecko_t_linux_talos extra words'

        o.override() == new FileFacts('/etc/puppet/ronin_settings', '640', 'nobody', 'nogroup', OVERRIDE.bytes.length,
                Instant.ofEpochSecond(1_714_564_800L), dev.fleetroll.util.Sha256.hex(OVERRIDE.bytes))
        o.overrideSettings() == new OverrideSettings('https://github.com/jdoe/ronin_puppet.git', 'fix/resolverd', 'jdoe@example.com', null)
        p.overrideContent() == OVERRIDE.bytes

        o.vault() == new FileFacts('/root/vault.yaml', '600', 'root', 'root', VAULT.length,
                Instant.ofEpochSecond(1_714_000_000L), dev.fleetroll.util.Sha256.hex(VAULT))
        (p.vaultContent() == VAULT) == fetchVault
        (p.vaultContent() == null) == !fetchVault

        with(o.puppet()) {
            source() == 'metadata'
            schemaVersion() == 1
            at() == Instant.parse('2024-05-01T12:00:00Z')
            durationS() == 312.5d
            success()
            exitCode() == 2
            role() == 'gecko_t_linux_talos'
            gitRepo() == 'https://github.com/jdoe/ronin_puppet.git'
            gitBranch() == 'fix/resolverd'
            gitSha() == '0123456789abcdef0123456789abcdef01234567'
            gitDirty() == false
            vaultPath() == '/root/vault.yaml'
            vaultSha() == null
            overridePath() == '/etc/puppet/ronin_settings'
            overrideSha() == dev.fleetroll.util.Sha256.hex(OVERRIDE.bytes)
        }
        o.workerRunning()

        where:
        [shell, fetchVault] << [shells, [false, true]].combinations()
    }

    def "the real file system is untouched by a run"() {
        given:
        def paths = ['/etc/puppet', '/etc/puppet_role', '/root/vault.yaml', '/opt/puppet_environments', '/var/root']
                .collect { Path.of(it) }
        def before = paths.collect { Files.exists(it) }
        def rootListing = Files.list(Path.of('/root')).withCloseable { it.toList() }

        when:
        linuxHost().run(shells[0], AuditScript.standard().text())

        then:
        paths.collect { Files.exists(it) } == before
        Files.list(Path.of('/root')).withCloseable { it.toList() } == rootListing
    }

    def "Linux host without override, vault, role, metadata or worker; Puppet's summary instead (#shell)"() {
        given:
        def host = new FakeHost(tmp.resolve('bare'))
        host.file('/opt/puppetlabs/puppet/cache/state/last_run_summary.yaml', '''\
            ---
            version:
              config: 0123456789abcdef0123456789abcdef01234567
              puppet: 7.28.0
            resources:
              failed: 0
            time:
              total: 41.5
              last_run: 1714564800
            events:
              failure: 0
            '''.stripIndent())

        when:
        def r = host.run(shell, AuditScript.of(true).text())
        def p = parse(r)
        def o = p.observation()

        then:
        r.exit == 0
        o.warnings() == []
        o.role() == null
        o.override() == null
        o.overrideSettings() == null
        o.vault() == null
        p.overrideContent() == null
        p.vaultContent() == null
        o.workerRunning() == false
        with(o.puppet()) {
            source() == 'summary'
            at() == Instant.parse('2024-05-01T12:00:00Z')
            durationS() == 41.5d
            success()
            gitSha() == '0123456789abcdef0123456789abcdef01234567'
        }

        where:
        shell << shells
    }

    def "macOS-like host (#shell, sha256 via #tool): BSD stat, sysctl uptime, macOS paths, no sha256sum"() {
        given:
        def host = new FakeHost(tmp.resolve('mac'))
        host.darwin = true
        host.macShaTool = tool
        host.workerRunning = true
        host.file('/opt/puppet_environments/ronin_settings', OVERRIDE, 'rw-r--r--', 'root', 'daemon', 1_714_564_900L)
        host.file('/var/root/vault.yaml', VAULT, 'rw-------', 'root', 'root', 1_714_000_100L)
        host.file('/etc/puppet_role', 'gecko_t_osx_1400_r8\n')
        host.file('/opt/puppet_environments/last_run_metadata.json', METADATA.replace('/etc/puppet/', '/opt/puppet_environments/'))

        when:
        def r = host.run(shell, AuditScript.of(true).text())
        def p = parse(r)
        def o = p.observation()

        then:
        r.exit == 0
        o.warnings() == []
        o.os() == 'Darwin'
        o.hostname() == FakeHost.MAC_HOSTNAME
        o.uptimeSeconds() >= FakeHost.MAC_UPTIME_S
        o.uptimeSeconds() <= java.time.Instant.now().epochSecond - host.macBoot
        o.role() == 'gecko_t_osx_1400_r8'
        o.override() == new FileFacts('/opt/puppet_environments/ronin_settings', '644', 'root', 'daemon', OVERRIDE.bytes.length,
                Instant.ofEpochSecond(1_714_564_900L), dev.fleetroll.util.Sha256.hex(OVERRIDE.bytes))
        o.overrideSettings().branch() == 'fix/resolverd'
        o.vault() == new FileFacts('/var/root/vault.yaml', '600', 'root', 'root', VAULT.length,
                Instant.ofEpochSecond(1_714_000_100L), dev.fleetroll.util.Sha256.hex(VAULT))
        p.vaultContent() == VAULT
        o.puppet().overridePath() == '/opt/puppet_environments/ronin_settings'
        o.puppet().gitSha() == '0123456789abcdef0123456789abcdef01234567'
        o.workerRunning()

        where:
        [shell, tool] << [shells, ['shasum', 'openssl']].combinations()
    }

    def "a host missing stat and every sha256 tool still finishes the audit (#shell)"() {
        given:
        def host = linuxHost(false)
        Path bin = Files.createDirectories(tmp.resolve('minbin'))
        ['base64', 'printf', 'uname'].each { Files.createSymbolicLink(bin.resolve(it), Path.of(FakeHost.which(it))) }
        host.pathOverride = [bin.toString()]

        when:
        def r = host.run(shell, AuditScript.standard().text())
        def o = parse(r).observation()

        then: 'the probes that need the missing tools are unknown; the rest is there'
        r.exit == 0
        o.outcome() == Outcome.OK
        o.os() == 'Linux'
        o.role() == 'gecko_t_linux_talos extra words'
        o.override().path() == '/etc/puppet/ronin_settings'
        o.override().mode() == null
        o.override().sha256() == dev.fleetroll.util.Sha256.hex(OVERRIDE.bytes) // computed from the exact content
        o.overrideSettings().branch() == 'fix/resolverd'
        o.vault().sha256() == null
        o.puppet().gitSha() == '0123456789abcdef0123456789abcdef01234567'
        o.workerRunning() == false
        o.warnings().containsAll([
                'OVERRIDE_STAT not reported (that probe failed on the host)',
                'VAULT_STAT not reported (that probe failed on the host)',
                'VAULT_SHA256 not reported (that probe failed on the host)'])

        where:
        shell << shells
    }

    def "an override path that is a directory: probes fail, the audit does not (#shell)"() {
        given:
        def host = new FakeHost(tmp.resolve('odd'))
        host.dir('/etc/puppet/ronin_settings')
        host.file('/etc/puppet_role', '')

        when:
        def r = host.run(shell, AuditScript.standard().text())
        def o = parse(r).observation()

        then:
        r.exit == 0
        new String(r.stdout).endsWith('END\n')
        o.role() == ''
        o.override().path() == '/etc/puppet/ronin_settings'
        o.override().sha256() == null
        o.overrideSettings() == null
        o.warnings().any { it.startsWith('host stderr: ') }
        o.warnings().contains('override: content not reported (unreadable on the host?)')

        where:
        shell << shells
    }

    /** {@code text} run by dash on {@code host} under strace ({@code options}: what is traced): its output, the trace. */
    List straced(FakeHost host, String text, String options) {
        Path trace = tmp.resolve("trace-${System.nanoTime()}")
        Path script = tmp.resolve("audit-for-strace-${System.nanoTime()}.sh")
        Files.writeString(script, text)
        def r = host.run('/bin/sh', "exec /usr/bin/strace -f -qq ${options} -o ${FakeHost.q(trace)} /usr/bin/dash ${FakeHost.q(script)}\n")
        assert r.exit == 0
        [new String(r.stdout, 'UTF-8'), Files.readAllLines(trace)]
    }

    /** The programs a run of {@code text} starts, by file name, in order (strace follows the shell). */
    List<String> execsOf(FakeHost host, String text) {
        straced(host, text, '-e trace=execve')[1].findAll { it.contains('execve(') && !it.contains('ENOENT') }
                .collect { Path.of((it =~ /execve\("([^"]+)"/)[0][1]).fileName.toString() }
    }

    /**
     * The writes the shell running {@code text} under dash makes to its standard output (its children write to
     * their own pipes, which the shell reads; {@code command -v ... >/dev/null} writes to /dev/null).
     */
    int stdoutWritesOf(FakeHost host, String text) {
        def (String out, List<String> lines) = straced(host, text, '-y -e trace=write')
        assert out.endsWith('END\n')
        String shell = lines[0].split(' ')[0]
        lines.count { it.startsWith(shell + ' ') && it =~ /\bwrite\(1</ && !it.contains('</dev/null>') } as int
    }

    def "the audit's output leaves in one write (one SSH packet, not one a line), cold and with known values"() {
        given:
        def host = linuxHost()
        def full = coldAudit(host)

        expect:
        stdoutWritesOf(host, AuditScript.standard().text()) == 1
        stdoutWritesOf(host, AuditScript.of(true).text()) == 1
        stdoutWritesOf(host, AuditScript.standard().text(knownFrom(full))) == 1
    }

    def "process budget on Linux (fetchVault=#fetchVault): uname, stat, the sha256 tool and one base64 per blob, nothing else"() {
        expect:
        execsOf(linuxHost(), AuditScript.of(fetchVault).text()) == ['dash', 'uname', 'stat', 'sha256sum'] + ['base64'] * (fetchVault ? 3 : 2)

        where:
        fetchVault << [false, true]
    }

    def "process budget with known values: unchanged files cost stat only; in the resident shell that saw the OS, no uname"() {
        given:
        def host = linuxHost()
        def token = '0123456789abcdef0123456789abcdef'
        def full = parse(host.run('/bin/sh', "FLEETROLL_RESIDENT=$token\n" + AuditScript.standard().text()))

        expect: 'elsewhere: uname and stat'
        full.observation().memo().shell() == token
        execsOf(host, AuditScript.standard().text(knownFrom(full))) == ['dash', 'uname', 'stat']

        and: 'in the resident shell of the known audit: stat'
        execsOf(host, "FLEETROLL_RESIDENT=$token\n" + AuditScript.standard().text(knownFrom(full, token))) == ['dash', 'stat']

        and: 'in another resident shell: uname again'
        execsOf(host, "FLEETROLL_RESIDENT=${'f' * 32}\n" + AuditScript.standard().text(knownFrom(full, token))) == ['dash', 'uname', 'stat']

        and: 'fetching the vault reads it whatever is known: the sha256 tool and base64 for the vault only'
        execsOf(host, AuditScript.of(true).text(knownFrom(full))) == ['dash', 'uname', 'stat', 'sha256sum', 'base64']
    }

    def "the resident form (the script as a prelude function, then a call) audits the same (#shell, fetchVault=#fetchVault)"() {
        given:
        def host = linuxHost()
        def script = AuditScript.of(fetchVault)
        def full = parse(host.run(shell, script.text()))

        when:
        def cmd = script.command(knownFrom(full))
        def viaCall = parse(host.run(shell, cmd.fullScript()), full.observation())
        def fullViaCall = parse(host.run(shell, script.command(AuditKnown.NONE).fullScript()))

        then:
        cmd.resident()
        cmd.asRoot()
        cmd.prelude().startsWith('fleetroll_audit_v2() {')
        cmd.script().length() < 600
        facts(viaCall.observation()) == facts(full.observation())
        viaCall.reused() == (fetchVault ? [AuditParse.Reused.OVERRIDE, AuditParse.Reused.PUPPET]
                : [AuditParse.Reused.OVERRIDE, AuditParse.Reused.VAULT, AuditParse.Reused.PUPPET]) as Set
        facts(fullViaCall.observation()) == facts(full.observation())
        fullViaCall.vaultContent() == (fetchVault ? VAULT : null)

        where:
        [shell, fetchVault] << [shells, [false, true]].combinations()
    }

    def "process budget of the resident form: the same"() {
        given:
        def host = linuxHost()
        def full = coldAudit(host)

        expect:
        execsOf(host, AuditScript.standard().command(AuditKnown.NONE).fullScript()) == ['dash', 'uname', 'stat', 'sha256sum', 'base64', 'base64']
        execsOf(host, AuditScript.standard().command(knownFrom(full)).fullScript()) == ['dash', 'uname', 'stat']
    }

    def "process budget on macOS: the clock comes from stat, not date; in the resident shell of the known audit, no sysctl"() {
        given: 'the fake Mac\'s sysctl is a script that runs date itself; its stat runs the real one'
        def host = macHost()
        def token = '0123456789abcdef0123456789abcdef'
        def full = parse(host.run('/bin/sh', "FLEETROLL_RESIDENT=$token\n" + AuditScript.standard().text()))
        def sysctlOnly = execsOf(host, 'sysctl -n kern.boottime >/dev/null')

        when:
        def cold = execsOf(host, AuditScript.standard().text())
        def elsewhere = execsOf(host, AuditScript.standard().text(knownFrom(full, token)))
        def sameShellText = "FLEETROLL_RESIDENT=$token\n" + AuditScript.standard().text(knownFrom(full, token))
        def sameShell = execsOf(host, sameShellText)
        def again = parse(host.run('/bin/sh', sameShellText), full.observation())

        then: 'date runs only inside the fake sysctl'
        cold.count('date') == sysctlOnly.count('date')
        cold.count('sysctl') == 1
        elsewhere.count('sysctl') == 1
        elsewhere.count('date') == sysctlOnly.count('date')

        and: 'in the shell that saw the boot: neither sysctl nor date; the uptime is the clock minus the known boot time'
        !sameShell.contains('sysctl')
        !sameShell.contains('date')
        again.reused().containsAll([AuditParse.Reused.OS, AuditParse.Reused.BOOT, AuditParse.Reused.OVERRIDE])
        again.observation().uptimeSeconds() == again.observation().memo().clock() - (full.observation().memo().clock() - full.observation().uptimeSeconds())
        again.observation().uptimeSeconds() >= full.observation().uptimeSeconds()
        facts(again.observation()) == facts(full.observation())
    }

    /** Known values as the client sends them, taken from a full audit's memo (the settle rule is AuditKnownSpec's). */
    static AuditKnown knownFrom(AuditParse p, String shell = null) {
        def o = p.observation()
        def m = o.memo()
        new AuditKnown(o.os(), shell, m.clock() - o.uptimeSeconds(), m.override(), o.override()?.sha256(), m.vault(),
                o.vault()?.sha256(), m.puppetPath(), m.puppet())
    }

    static AuditParse parse(FakeHost.Result r, Observation known) {
        AuditParser.parse('fake', Instant.now(), r.exit == 0 ? Outcome.OK : Outcome.FAILED, r.exit, r.stdout, r.stderr,
                r.elapsedMs, null, known)
    }

    /** The facts of an observation, without its time, duration, uptime and memo. */
    static List facts(Observation o) {
        [o.outcome(), o.os(), o.hostname(), o.role(), o.override(), o.overrideSettings(), o.vault(), o.puppet(),
         o.workerRunning(), o.warnings()]
    }

    FakeHost macHost() {
        def host = new FakeHost(tmp.resolve('mac'))
        host.darwin = true
        host.workerRunning = true
        host.file('/opt/puppet_environments/ronin_settings', OVERRIDE, 'rw-r--r--', 'root', 'daemon', 1_714_564_900L)
        host.file('/var/root/vault.yaml', VAULT, 'rw-------', 'root', 'root', 1_714_000_100L)
        host.file('/etc/puppet_role', 'gecko_t_osx_1400_r8\n')
        host.file('/opt/puppet_environments/last_run_metadata.json', METADATA.replace('/etc/puppet/', '/opt/puppet_environments/'))
        host
    }

    def "a Mac audited again seconds later is in the same boot: its uptime grew with its clock, so known values hold"() {
        given: 'the fake Mac boots once; the second audit comes 3 s after the first (a loaded machine is this slow)'
        def host = macHost()
        def full = coldAudit(host)
        Thread.sleep(3000)

        when:
        def again = parse(host.run('/bin/sh', AuditScript.standard().text(knownFrom(full))), full.observation())

        then:
        again.observation().uptimeSeconds() >= full.observation().uptimeSeconds() + 3
        again.reused() == [AuditParse.Reused.OVERRIDE, AuditParse.Reused.VAULT, AuditParse.Reused.PUPPET] as Set
    }

    def "#os host (#shell): an audit with known values reports unchanged files _SAME, reads nothing again, same facts"() {
        given:
        def host = os == 'Linux' ? linuxHost() : macHost()

        when:
        def full = parse(host.run(shell, AuditScript.standard().text()))
        def r = host.run(shell, AuditScript.standard().text(knownFrom(full)))
        def again = parse(r, full.observation())
        String out = new String(r.stdout, 'UTF-8')

        then: 'the full audit keeps v2 stat lines and the host clock'
        full.observation().warnings() == []
        full.reused().isEmpty()
        with(full.observation().memo()) {
            override() ==~ /\d{3} \S+ \S+ \d+ 1714564[89]00 \d+ \d+/
            vault() ==~ /600 root root \d+ \d+ \d+ \d+/
            puppetPath() == full.observation().puppet().overridePath().replace('ronin_settings', 'last_run_metadata.json')
            puppet() != null
            Math.abs(clock() - Instant.now().epochSecond) < 60
        }
        full.observation().memo().shell() == null // not in a resident shell

        and: 'the second one reuses every file'
        again.reused() == [AuditParse.Reused.OVERRIDE, AuditParse.Reused.VAULT, AuditParse.Reused.PUPPET] as Set
        out.contains('OVERRIDE_SAME=1\n') && out.contains('VAULT_SAME=1\n') && out.contains('PP_JSON_SAME=1\n')
        !out.contains('_B64=')
        again.overrideContent() == null
        facts(again.observation()) == facts(full.observation())
        again.observation().memo() == full.observation().memo().with { m ->
            new AuditMemo(m.version(), m.shell(), again.observation().memo().clock(), m.override(), m.vault(), m.puppetPath(), m.puppet())
        }

        where:
        [os, shell] << [['Linux', 'Darwin'], shells].combinations()
    }

    def "a changed override is read again: #how"() {
        given:
        def host = linuxHost()
        def full = coldAudit(host)
        String changed = OVERRIDE.replace('fix/resolverd', 'fix/resolverX')
        assert changed.length() == OVERRIDE.length()
        Path target = host.root.resolve('etc/puppet/ronin_settings')
        sleep 1100 // a later second than the known ctime: the settle rule (AuditKnownSpec) guarantees it for real hosts

        when:
        change(target, changed)
        def again = parse(host.run('/bin/sh', AuditScript.standard().text(knownFrom(full))), full.observation())

        then:
        again.observation().warnings() == []
        again.reused() == [AuditParse.Reused.VAULT, AuditParse.Reused.PUPPET] as Set
        again.overrideContent() == changed.bytes
        again.observation().override().sha256() == dev.fleetroll.util.Sha256.hex(changed.bytes)
        again.observation().override().size() == full.observation().override().size()
        again.observation().overrideSettings().branch() == 'fix/resolverX'
        again.observation().memo().override() != full.observation().memo().override()

        where:
        how                                             | change
        'rewritten in place, same size and mtime'       | AuditScriptSpec.&rewriteInPlace
        'replaced by a rename, same size, mode, mtime'  | AuditScriptSpec.&replaceByRename
    }

    static void rewriteInPlace(Path file, String text) {
        def t = Files.getLastModifiedTime(file)
        file.text = text
        Files.setLastModifiedTime(file, t)
    }

    static void replaceByRename(Path file, String text) {
        def attrs = Files.readAttributes(file, PosixFileAttributes)
        Path n = file.resolveSibling(file.fileName.toString() + '.new')
        n.text = text
        Files.setPosixFilePermissions(n, attrs.permissions())
        def view = Files.getFileAttributeView(n, PosixFileAttributeView)
        view.setOwner(attrs.owner())
        view.setGroup(attrs.group())
        Files.setLastModifiedTime(n, attrs.lastModifiedTime())
        Files.move(n, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE)
    }

    def "known values from another OS, path, content or boot are not used"() {
        given:
        def host = linuxHost()
        def full = coldAudit(host)
        def k = knownFrom(full)

        when:
        def otherOs = parse(host.run('/bin/sh', AuditScript.standard().text(new AuditKnown('Darwin', null, k.boot(), k.override(),
                k.overrideSha(), k.vault(), k.vaultSha(), k.puppetPath(), k.puppet()))), full.observation())
        def otherPath = parse(host.run('/bin/sh', AuditScript.standard().text(new AuditKnown('Linux', null, k.boot(), null, null,
                null, null, '/var/lib/puppet/state/last_run_summary.yaml', k.puppet()))), full.observation())
        def otherStat = parse(host.run('/bin/sh', AuditScript.standard().text(new AuditKnown('Linux', null, k.boot(),
                k.override().replaceFirst(/ \d+$/, ' 1'), k.overrideSha(), null, null, null, null))), full.observation())
        def otherBoot = parse(host.run('/bin/sh', AuditScript.standard().text(new AuditKnown('Linux', null, k.boot() - 5,
                k.override(), k.overrideSha(), k.vault(), k.vaultSha(), k.puppetPath(), k.puppet()))), full.observation())
        def noBoot = parse(host.run('/bin/sh', AuditScript.standard().text(new AuditKnown('Linux', null, null,
                k.override(), k.overrideSha(), k.vault(), k.vaultSha(), k.puppetPath(), k.puppet()))), full.observation())
        def sameBoot = parse(host.run('/bin/sh', AuditScript.standard().text(new AuditKnown('Linux', null, k.boot() + 1,
                k.override(), k.overrideSha(), k.vault(), k.vaultSha(), k.puppetPath(), k.puppet()))), full.observation())

        then:
        otherOs.reused().isEmpty()
        otherPath.reused().isEmpty()
        otherStat.reused().isEmpty()
        otherBoot.reused().isEmpty()
        noBoot.reused().isEmpty()
        sameBoot.reused() == [AuditParse.Reused.OVERRIDE, AuditParse.Reused.VAULT, AuditParse.Reused.PUPPET] as Set
        [otherOs, otherPath, otherStat, otherBoot, noBoot, sameBoot].every { facts(it.observation()) == facts(full.observation()) }
    }

    def "wrapped form runs the same script through sh -c"() {
        given:
        def host = linuxHost()
        def script = AuditScript.standard()

        when:
        def viaWrap = host.run('/bin/sh', script.wrapped() + '\n')

        then:
        parse(viaWrap).observation().warnings() == []
        parse(viaWrap).observation().role() == 'gecko_t_linux_talos extra words'
        script.wrapped().startsWith("sh -c '")
        script.command().asRoot()
        script.command().script() == script.text()
    }
}
