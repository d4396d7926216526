package dev.fleetroll.ops

import dev.fleetroll.auditlog.AuditLog
import dev.fleetroll.config.Workspace
import dev.fleetroll.inventory.ProbeResult
import dev.fleetroll.sandbox.SandboxFixture
import dev.fleetroll.ssh.BatchListener
import dev.fleetroll.ssh.Cancellation
import spock.lang.Requires
import spock.lang.Shared
import spock.lang.Specification

import java.util.concurrent.CountDownLatch
import java.util.concurrent.TimeUnit

/**
 * Discovery probes against real sandbox hosts with real faults: a stopped sshd, a tarpit (TCP opens, no SSH banner),
 * and a login user whose sudo rule is masked on one host; a BMC address that answers an RMCP ping and one that does
 * not. Results are saved in the store and show in the probe columns.
 */
@Requires({ SandboxFixture.supported() })
class InventoryProbeSandboxSpec extends Specification {
    @Shared
    SandboxFixture fleet = SandboxFixture.start(4) { it.withLoginUser('fleetci') }

    /** A fake BMC: answers every datagram on {@link #bmcAddress}:623 with an RMCP message. */
    @Shared
    DatagramSocket bmc

    /** 127.0.99.N, odd N: the first such address free (another test run on this machine may hold one). */
    @Shared
    String bmcAddress

    /** The even address after it: nobody binds even ones, so a BMC there never answers. */
    @Shared
    String silentBmcAddress

    @Shared
    Thread bmcThread

    def setupSpec() {
        for (int i = 1; i < 250 && bmc == null; i += 2) {
            try {
                bmc = new DatagramSocket(new InetSocketAddress("127.0.99.$i".toString(), 623))
                bmcAddress = "127.0.99.$i"
                silentBmcAddress = "127.0.99.${i + 1}"
            } catch (BindException ignored) {
                // held by another run: the next pair
            }
        }
        assert bmc != null: 'no free 127.0.99.N:623 for the fake BMC'
        def ready = new CountDownLatch(1)
        bmcThread = Thread.start { // a platform thread: the probe's fan-out must not starve it
            ready.countDown()
            def buf = new byte[64]
            while (!bmc.closed) {
                try {
                    def p = new DatagramPacket(buf, buf.length)
                    bmc.receive(p)
                    // echo the RMCP header back: same class, a pong is all the probe looks for
                    bmc.send(new DatagramPacket(p.data, p.length, p.socketAddress))
                } catch (IOException ignored) {
                    // closed
                }
            }
        }
        ready.await(60, TimeUnit.SECONDS)
    }

    def cleanupSpec() {
        bmc?.close()
        bmcThread?.join(10_000)
        fleet?.close()
    }

    def "probe: ok, sshd stopped, tarpit and no sudo are told apart, with the BMC check; saved and queryable"() {
        given:
        def hosts = fleet.hosts()
        def (ok, stopped, tarpit, nosudo) = hosts
        fleet.stopSshd(stopped.name())
        fleet.tarpit(tarpit.name())
        // mask the login user's sudo rule on this host only (its own mount namespace)
        def mask = fleet.hostShell(nosudo.name(), 'mount --bind /dev/null /etc/sudoers.d/fleetroll-sandbox')
        assert mask.ok(): mask.stderr()
        def ws = Workspace.of(fleet.fleetrollHome(), null, fleet.env())
        DefaultFleet f = DefaultFleet.open(ws)
        def records = f.hostsOfRecord(AuditLog.of(ws.home(), 'probe-spec'))
        records.add(ok.fqdn(), [bmc: bmcAddress, dc: 'sandbox'])
        records.add(stopped.fqdn(), [dc: 'sandbox'])
        records.add(tarpit.fqdn(), [dc: 'sandbox'])
        records.add(nosudo.fqdn(), [bmc: silentBmcAddress, dc: 'sandbox'])

        when:
        List<ProbeResult> results = f.probe(f.inventory().resolve('dc:sandbox'), BatchListener.NONE, Cancellation.none())
        def by = results.collectEntries { [it.host(), it] }

        then: 'a working host with a BMC that answers'
        with(by[ok.fqdn()] as ProbeResult) {
            resolves() && reachable() && sshable() && sudoable() && bmc()
            detail() == null
            it.ok()
        }

        and: 'stopped sshd: resolves, TCP refused, nothing after'
        with(by[stopped.fqdn()] as ProbeResult) {
            resolves()
            reachable() == false
            sshable() == null
            sudoable() == null
            detail().startsWith('port 22: ')
        }

        and: 'tarpit: TCP opens, SSH never does'
        with(by[tarpit.fqdn()] as ProbeResult) {
            resolves() && reachable()
            sshable() == false
            sudoable() == null
        }

        and: 'no sudo rule: SSH works, sudo -n does not; its BMC address does not answer'
        with(by[nosudo.fqdn()] as ProbeResult) {
            resolves() && reachable() && sshable()
            sudoable() == false
            bmc() == false
            detail().contains('sudo -n true failed')
        }

        and: 'saved with the time, and the probe columns filter on it'
        def saved = f.inventoryStore().probes()
        saved.keySet() == hosts*.fqdn() as Set
        def states = f.states(hosts*.fqdn(), java.time.Instant.now()).values() as List
        dev.fleetroll.state.Query.parse('probe_tcp=y probe_ssh=n').apply(states)*.name() == [tarpit.fqdn()]
        dev.fleetroll.state.Query.parse('probe_sudo=n').apply(states)*.name() == [nosudo.fqdn()]
        dev.fleetroll.state.Query.parse('probe_bmc=y probe_age<1h').apply(states)*.name() == [ok.fqdn()]

        cleanup:
        f?.close()
        fleet.untarpit(tarpit.name())
        fleet.startSshd(stopped.name())
        fleet.hostShell(nosudo.name(), 'umount /etc/sudoers.d/fleetroll-sandbox')
    }
}
