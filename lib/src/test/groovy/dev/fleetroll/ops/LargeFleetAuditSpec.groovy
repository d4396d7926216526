package dev.fleetroll.ops

import dev.fleetroll.config.Workspace
import dev.fleetroll.sandbox.SandboxFixture
import dev.fleetroll.ssh.BatchListener
import dev.fleetroll.ssh.Cancellation
import dev.fleetroll.ssh.Outcome
import spock.lang.Requires
import spock.lang.Specification

/** A 200-host gather against a real sandbox fleet succeeds completely, and a second round reuses the connections. */
@Requires({ SandboxFixture.supported() })
class LargeFleetAuditSpec extends Specification {

    def "a 200-host audit succeeds for every host; the second round opens no new connection"() {
        given:
        SandboxFixture fleet = SandboxFixture.start(200)
        def ws = Workspace.of(fleet.fleetrollHome(), null, fleet.env())
        def hosts = fleet.hosts()*.fqdn()
        DefaultFleet f = DefaultFleet.open(ws)

        when:
        def first = f.audit(hosts, BatchListener.NONE, Cancellation.none())
        long accepted = fleet.acceptedConnections()
        def second = f.audit(hosts, BatchListener.NONE, Cancellation.none())

        then:
        first.observations().size() == 200
        first.observations().findAll { it.outcome() != Outcome.OK }.collect { "$it.host: $it.outcome $it.error" } == []
        second.failed().isEmpty()
        fleet.acceptedConnections() == accepted
        f.store().hosts().size() == 200

        cleanup:
        f?.close()
        fleet?.close()
    }
}
