package dev.fleetroll.ops

import dev.fleetroll.ops.write.SetOverride;
import dev.fleetroll.ops.write.SetVault;
import dev.fleetroll.ops.write.UnsetOverride;
import dev.fleetroll.ops.write.WriteContext;
import dev.fleetroll.ops.write.WriteOptions;
import dev.fleetroll.ops.write.WriteSource;
import dev.fleetroll.inventory.Inventory
import dev.fleetroll.sandbox.FleetPlan
import dev.fleetroll.sandbox.SandboxFixture
import dev.fleetroll.ssh.BatchListener
import dev.fleetroll.ssh.Cancellation
import spock.lang.AutoCleanup
import spock.lang.Requires
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Timeout

/**
 * Writes through {@code sudo -n} when the login user is not root: a sandbox whose ssh logs in as a user with
 * passwordless sudo (inside the hosts only). ms-001 is Linux, macmini-r8-001 macOS-like.
 */
@Timeout(600)
@Requires({ SandboxFixture.supported() })
class WritesSandboxSudoSpec extends Specification {
    @Shared @AutoCleanup SandboxFixture sandbox = SandboxFixture.start(2) { it.withLoginUser('fleetci') }

    def "set, unset and vault as a non-root login user: root-owned files, written via sudo -n, re-audited"() {
        given:
        def ws = sandbox.workspace()
        def fleet = DefaultFleet.open(ws)
        def ctx = WriteContext.of(fleet, [USER: 'tester'])
        def hosts = new Inventory(ws).resolve(['sandbox'])
        String text = FleetPlan.overrideFor('canary')
        def confirm = WriteGate.confirmed('--confirm')

        when:
        def whoami = sandbox.exec('t-linux64-ms-001', 'id -un').out()
        def set = new SetOverride(ctx).run(hosts, WriteSource.text(text), WriteOptions.DEFAULTS.withForce(true), confirm,
                BatchListener.NONE, Cancellation.none())
        def vault = new SetVault(ctx).run(hosts, WriteSource.text("k: v\n"), WriteOptions.DEFAULTS, confirm,
                BatchListener.NONE, Cancellation.none())

        then:
        whoami == 'fleetci'
        set.changed() == hosts
        vault.changed() == hosts
        sandbox.readHostFile('t-linux64-ms-001', '/etc/puppet/ronin_settings') == text
        sandbox.readHostFile('macmini-r8-001', '/opt/puppet_environments/ronin_settings') == text
        sandbox.exec('t-linux64-ms-001', "sudo -n stat -c '%a %U %G' /etc/puppet/ronin_settings /root/vault.yaml").out()
                .readLines() == ['644 root root', '640 root root']
        sandbox.exec('macmini-r8-001', "sudo -n stat -f '%Lp %Su %Sg' /var/root/vault.yaml").out() == '640 root wheel'
        fleet.latest(hosts).values().every { it.ok() && it.override()?.sha256() != null }

        when:
        def unset = new UnsetOverride(ctx).run(hosts, WriteOptions.DEFAULTS, confirm, BatchListener.NONE, Cancellation.none())

        then:
        unset.changed() == hosts
        sandbox.readHostFile('t-linux64-ms-001', '/etc/puppet/ronin_settings') == null
        fleet.latest(hosts).values().every { it.ok() && it.override() == null }

        cleanup:
        fleet?.close()
    }
}
