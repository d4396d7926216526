package dev.fleetroll.ops

import dev.fleetroll.config.Workspace
import dev.fleetroll.remote.AuditParse
import dev.fleetroll.sandbox.SandboxFixture
import dev.fleetroll.ssh.BatchListener
import dev.fleetroll.ssh.Cancellation
import dev.fleetroll.ssh.RemoteCommand
import dev.fleetroll.ssh.SshjExecutor
import spock.lang.Requires
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.nio.charset.StandardCharsets
import java.nio.file.Files
import java.nio.file.attribute.PosixFilePermissions
import java.security.MessageDigest

/**
 * Audits as a non-root login user: the audit needs root (the vault is root-only), so the executor runs it under
 * {@code sudo -n}. With fetch-vault, vault bodies land in the content store with mode 0600.
 */
@Requires({ SandboxFixture.supported() })
@Stepwise
class AuditSudoSpec extends Specification {
    @Shared
    SandboxFixture fleet = SandboxFixture.start(2) { it.withLoginUser('fleetci') }

    def cleanupSpec() {
        fleet?.close()
    }

    def "a non-root login audits through sudo -n, vault included; fetched vaults are kept 0600"() {
        given:
        def ws = Workspace.of(fleet.fleetrollHome(), null, fleet.env())
        DefaultFleet f = DefaultFleet.open(ws, new DefaultFleet.Options(null, null, true))

        when:
        def report = f.audit(fleet.hosts()*.fqdn(), BatchListener.NONE, Cancellation.none())
        def withVault = fleet.hosts().findAll { it.vault() != null }

        then: 'the login really is not root'
        fleet.exec(fleet.hosts()[0].name(), 'id -un').stdout().trim() == 'fleetci'

        and:
        report.failed().isEmpty()
        !withVault.isEmpty()
        withVault.every { h ->
            def o = report.observations().find { it.host() == h.fqdn() }
            def sha = MessageDigest.getInstance('SHA-256').digest(h.vault().getBytes(StandardCharsets.UTF_8)).encodeHex().toString()
            def stored = f.vaultContents().get(sha)
            o.vault().sha256() == sha && stored.isPresent() &&
                    new String(f.vaultContents().read(stored.get()), StandardCharsets.UTF_8) == h.vault() &&
                    PosixFilePermissions.toString(Files.getPosixFilePermissions(stored.get().path())) == 'rw-------'
        }
        PosixFilePermissions.toString(Files.getPosixFilePermissions(fleet.fleetrollHome().vaultYamls())) == 'rwx------'

        cleanup:
        f?.close()
    }

    def "a non-root login: resident audits run in one sudo -n sh -s per host, reused with known values; plain commands get their own shell"() {
        given:
        def ws = Workspace.of(fleet.fleetrollHome(), null, fleet.env())
        DefaultFleet f = DefaultFleet.open(ws)
        def hosts = fleet.hosts()*.fqdn()
        def ex = f.ssh().executor() as SshjExecutor
        sleep 2100 // files written by this spec's first feature settle

        when:
        f.audit(hosts, BatchListener.NONE, Cancellation.none())
        def second = f.audit(hosts, BatchListener.NONE, Cancellation.none())
        def plain = hosts.collect { ex.exec(it, RemoteCommand.of('id -un').inResidentShell(), Cancellation.none()) }
        def root = hosts.collect { ex.exec(it, RemoteCommand.asRoot('id -un').inResidentShell(), Cancellation.none()) }

        then:
        second.failed().isEmpty()
        hosts.every { second.reused(it).containsAll([AuditParse.Reused.OS, AuditParse.Reused.PUPPET]) }
        plain*.stdoutText() == ['fleetci\n'] * hosts.size()
        root*.stdoutText() == ['root\n'] * hosts.size()
        ex.residentShellsStarted() == 2 * hosts.size()
        fleet.hosts().every {
            fleet.hostShell(it.name(), "pgrep -c -x -f 'sudo -n sh -s'").out() == '1' &&
                    fleet.hostShell(it.name(), "pgrep -c -x -f 'sh -s'").out() == '2'
        }

        cleanup:
        f?.close()
    }
}
