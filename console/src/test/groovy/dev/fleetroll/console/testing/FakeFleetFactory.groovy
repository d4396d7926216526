package dev.fleetroll.console.testing

import dev.fleetroll.config.Workspace
import dev.fleetroll.console.dsl.FleetFactory
import dev.fleetroll.ops.Fleet
import groovy.json.JsonSlurper

/**
 * Lets a separate fleetroll process (the REPL in tmux, {@code fleetroll run}) use a {@link FakeFleet}:
 * {@code -Dfleetroll.fleetFactory=dev.fleetroll.console.testing.FakeFleetFactory}. The hosts come from
 * {@code $FLEETROLL_HOME/fake-fleet.json} ({@code {"hosts": {"h1": {"role": "r", "behaviour": "tarpit"}}}});
 * every open and call is appended to {@code $FLEETROLL_HOME/fake-fleet.log}.
 */
class FakeFleetFactory implements FleetFactory {
    @Override
    Fleet open(Workspace ws) {
        File dir = ws.home().dir().toFile()
        File log = new File(dir, 'fake-fleet.log')
        log.append('open\n')
        Map spec = new JsonSlurper().parse(new File(dir, 'fake-fleet.json')) as Map
        def fleet = new FakeFleet(ws, (spec.hosts ?: [:]) as Map<String, Map>)
        fleet.log = log
        if (spec.seed) {
            fleet.seed()
        }
        fleet
    }
}
