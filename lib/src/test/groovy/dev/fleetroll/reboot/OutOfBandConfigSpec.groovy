package dev.fleetroll.reboot

import dev.fleetroll.UserError
import dev.fleetroll.config.ConfigLoader
import dev.fleetroll.config.FleetrollHome
import dev.fleetroll.standin.BugzillaStandIn
import spock.lang.Specification
import spock.lang.TempDir

import java.nio.file.Path
import java.time.Duration

/**
 * The out-of-band rungs' configuration ({@code bmc:}, {@code pdu:}, {@code bugs:}) read through the real layered
 * loader, and the bug rung against an in-process Bugzilla stand-in; no sandbox (OutOfBandRungsSpec drives the real
 * BMCs and PDU).
 */
class OutOfBandConfigSpec extends Specification {
    @TempDir
    Path tmp

    def load(String yaml) {
        def home = new FleetrollHome(tmp.resolve('home'))
        tmp.resolve('home').toFile().mkdirs()
        home.configFile().text = yaml
        ConfigLoader.load(home, null)
    }

    def "defaults: no BMC, no outlet, no tracker, so no out-of-band rung applies to any host"() {
        when:
        def c = ConfigLoader.load(new FleetrollHome(tmp.resolve('empty')), null)
        def rungs = OutOfBandRungs.forConfig(c, { it == null ? null : Path.of(it) }, null)

        then:
        c.bmc().port() == 623
        c.bmc().timeout() == Duration.ofSeconds(2)
        c.pdu().outletOid() == '.1.3.6.1.4.1.318.1.1.4.4.2.1.3'
        c.pdu().rebootValue() == 3
        c.bugs().url() == null
        rungs*.name() == ['ipmi-reset', 'ipmi-cycle', 'pdu-cycle', 'bug']
        rungs.every { !it.appliesTo('t-linux64-ms-001.test.releng.mdc1.mozilla.com') }
    }

    def "a host's BMC: its own entry first (by FQDN or short name), then the first matching rule; port and user default"() {
        given:
        def c = load('''
bmc:
  user: ADMIN
  port: 6230
  hosts:
    t-linux64-ms-001.test.releng.mdc1.mozilla.com: {address: 10.0.0.1, user: root}
    ms-002: {address: 10.0.0.2, port: 623}
    mdc1: {match: '^(t-linux64-ms-\\d+)\\.test\\.releng\\.mdc1\\.mozilla\\.com$', address: '$1-mgmt.test.releng.mdc1.mozilla.com'}
''')

        expect:
        BmcTarget.lookup(c.bmc(), 't-linux64-ms-001.test.releng.mdc1.mozilla.com').get() == new BmcTarget('10.0.0.1', 6230, 'root')
        BmcTarget.lookup(c.bmc(), 't-linux64-ms-001').get().address() == '10.0.0.1'
        BmcTarget.lookup(c.bmc(), 'ms-002.sandbox.test').get() == new BmcTarget('10.0.0.2', 623, 'ADMIN')
        BmcTarget.lookup(c.bmc(), 'T-LINUX64-MS-237.test.releng.mdc1.mozilla.com').get() ==
                new BmcTarget('t-linux64-ms-237-mgmt.test.releng.mdc1.mozilla.com', 6230, 'ADMIN')
        !BmcTarget.lookup(c.bmc(), 't-linux64-ms-237.test.releng.mdc2.mozilla.com').isPresent()
        new IpmiReset(c.bmc(), null).appliesTo('t-linux64-ms-237.test.releng.mdc1.mozilla.com')
        !new IpmiCycle(c.bmc(), null).appliesTo('macmini-r8-001.test.releng.mdc1.mozilla.com')
    }

    def "a host's PDU outlet, by FQDN or short name"() {
        given:
        def c = load('''
pdu:
  hosts:
    ms-001.example.com: {address: pdu-1.example.com, outlet: 7}
''')

        expect:
        PduOutlet.lookup(c.pdu(), 'ms-001.example.com').get() == new PduOutlet('pdu-1.example.com', 161, 7)
        PduOutlet.lookup(c.pdu(), 'ms-001').get().outlet() == 7
        !PduOutlet.lookup(c.pdu(), 'ms-002.example.com').isPresent()
    }

    def "bad values are one line naming the file and the key"() {
        when:
        load(yaml)

        then:
        UserError e = thrown()
        e.message.contains('config.yaml')
        e.message.contains(expected)

        where:
        yaml                                                  | expected
        'pdu: {outlet_oid: "sPDUOutletCtl"}\n'                 | 'pdu.outlet_oid must be a numeric OID'
        'pdu: {hosts: {a: {address: p, outlet: 0}}}\n'        | 'outlet numbers start at 1'
        'bmc: {port: 0}\n'                                     | 'bmc.port must be 1..65535'
        'bmc: {password: hunter2}\n'                           | "unknown key 'bmc.password'"
    }

    def "bug: once the host's bug is resolved, the next failure files a new one"() {
        given:
        def tracker = BugzillaStandIn.start('k3y-for-spec')
        Path key = tmp.resolve('bugs.yaml')
        key.text = 'bugs_api_key: k3y-for-spec\n'
        def c = load("bugs: {url: '${tracker.url()}', credentials_file: '$key'}\n")
        def bug = new FileBug(c.bugs(), key, { h -> ['ssh: stayed up', 'ipmi-reset: stayed down'] })

        when:
        String first = bug.attempt('h1.example.com', 'patching')
        String again = bug.attempt('h1.example.com', 'patching')
        tracker.resolve(1)
        String after = bug.attempt('h1.example.com', 'patching')

        then:
        first.startsWith('filed bug 1 for h1.example.com')
        again.startsWith('bug 1 already open for h1.example.com')
        after.startsWith('filed bug 2 for h1.example.com')
        tracker.bugs()*.whiteboard() == ['[fleetroll-reboot h1.example.com]'] * 2
        tracker.bugs()[1].description().contains('- ipmi-reset: stayed down')
        tracker.bugs()[1].component() == 'RelOps: Hardware'

        cleanup:
        tracker?.close()
    }

    def "bug: an unreachable tracker is one line naming it"() {
        given:
        def tracker = BugzillaStandIn.start('k3y-unused')
        String url = tracker.url()
        tracker.close() // nothing listens there now
        Path key = tmp.resolve('bugs.yaml')
        key.text = 'bugs_api_key: k3y-unused\n'
        def c = load("bugs: {url: '$url', credentials_file: '$key', request_timeout: 5s}\n")

        when:
        new FileBug(c.bugs(), key, null).attempt('h1.example.com', 'patching')

        then:
        RebootStepFailed e = thrown()
        e.message.startsWith("the bug tracker at $url is unreachable")
        !e.message.contains('\n')
    }
}
