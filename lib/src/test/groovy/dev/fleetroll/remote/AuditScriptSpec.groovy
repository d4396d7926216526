package dev.fleetroll.remote

import dev.fleetroll.content.ContentStore
import dev.fleetroll.ssh.Outcome
import dev.fleetroll.state.FileFacts
import dev.fleetroll.state.OverrideSettings
import java.nio.file.Files
import java.nio.file.Path
import java.time.Instant
import spock.lang.IgnoreIf
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
          "override_sha": "''' + ContentStore.sha256Hex(OVERRIDE.bytes) + '''"
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
                Instant.ofEpochSecond(1_714_564_800L), ContentStore.sha256Hex(OVERRIDE.bytes))
        o.overrideSettings() == new OverrideSettings('https://github.com/jdoe/ronin_puppet.git', 'fix/resolverd', 'jdoe@example.com', null)
        p.overrideContent() == OVERRIDE.bytes

        o.vault() == new FileFacts('/root/vault.yaml', '600', 'root', 'root', VAULT.length,
                Instant.ofEpochSecond(1_714_000_000L), ContentStore.sha256Hex(VAULT))
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
            overrideSha() == ContentStore.sha256Hex(OVERRIDE.bytes)
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
        o.uptimeSeconds() <= FakeHost.MAC_UPTIME_S + 2
        o.role() == 'gecko_t_osx_1400_r8'
        o.override() == new FileFacts('/opt/puppet_environments/ronin_settings', '644', 'root', 'daemon', OVERRIDE.bytes.length,
                Instant.ofEpochSecond(1_714_564_900L), ContentStore.sha256Hex(OVERRIDE.bytes))
        o.overrideSettings().branch() == 'fix/resolverd'
        o.vault() == new FileFacts('/var/root/vault.yaml', '600', 'root', 'root', VAULT.length,
                Instant.ofEpochSecond(1_714_000_100L), ContentStore.sha256Hex(VAULT))
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
        o.override().sha256() == ContentStore.sha256Hex(OVERRIDE.bytes) // computed from the exact content
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

    @IgnoreIf({ !Files.isExecutable(Path.of('/usr/bin/strace')) })
    def "process budget on Linux (fetchVault=#fetchVault): uname, stat, the sha256 tool and one base64 per blob, nothing else"() {
        given:
        def host = linuxHost()
        Path trace = tmp.resolve('trace')
        Path script = tmp.resolve('audit-for-strace.sh')
        Files.writeString(script, AuditScript.of(fetchVault).text())

        when: 'strace follows the shell and logs every program it starts'
        def r = host.run('/bin/sh', "exec /usr/bin/strace -f -qq -e trace=execve -o ${FakeHost.q(trace)} /usr/bin/dash ${FakeHost.q(script)}\n")
        def execs = Files.readAllLines(trace).findAll { it.contains('execve(') && !it.contains('ENOENT') }
                .collect { Path.of((it =~ /execve\("([^"]+)"/)[0][1]).fileName.toString() }

        then:
        r.exit == 0
        execs == ['dash', 'uname', 'stat', 'sha256sum'] + ['base64'] * (fetchVault ? 3 : 2)

        where:
        fetchVault << [false, true]
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
