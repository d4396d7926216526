package dev.fleetroll.reboot

import dev.fleetroll.config.FleetrollConfig
import dev.fleetroll.config.Workspace
import dev.fleetroll.sandbox.Prerequisite
import dev.fleetroll.sandbox.SandboxFixture
import groovy.json.JsonSlurper
import spock.lang.Requires
import spock.lang.Shared
import spock.lang.Specification

import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.attribute.PosixFilePermissions
import java.time.Duration

/**
 * The reboot ladder's out-of-band rungs against real parts: a 2-host sandbox with {@code --bmc} (ipmi_sim per host,
 * snmpd as the PDU) and its stand-ins (the Bugzilla stand-in), configured through the sandbox's drop-in exactly as a
 * site would be. Each restart is proven by the host's boot count going up (its supervisor counts boots), never by
 * timing; faults use silent UDP sockets of the spec's own (BMC or PDU unreachable: while the client waits for an
 * answer, a spy reads its command line among this JVM's children) and wrong secrets.
 */
@Requires({ SandboxFixture.supported() && Prerequisite.BMC.every { it.present() } })
class OutOfBandRungsSpec extends Specification {
    static final Duration STALL = Duration.ofSeconds(60)
    /** How long a client that gets no answer waits in the command-line features: the spy kills it long before. */
    static final Duration CLIENT_WAITS = Duration.ofMinutes(5)

    @Shared
    SandboxFixture fleet = SandboxFixture.start(2) { it.withServices(true).withBmc(true) }
    @Shared
    Workspace ws
    @Shared
    List<RebootStep> rungs
    @Shared
    Map<String, String> secrets
    @Shared
    List<String> seen = Collections.synchronizedList([])

    def setupSpec() {
        ws = fleet.workspace()
        rungs = OutOfBandRungs.forWorkspace(ws) { h -> ["ssh reboot on $h: the host stayed up".toString()] }
        secrets = [:]
        [fleet.bmcCredentials(), fleet.bugsCredentials()].each { f ->
            f.readLines().findAll { it.contains(': ') && !it.startsWith('#') }.each { l ->
                def (k, v) = l.split(': ', 2)
                secrets[k] = v
            }
        }
        fleet.hosts().each { fleet.setRebootDelay(it.name(), Duration.ofSeconds(1)) }
    }

    def cleanupSpec() {
        fleet?.close()
    }

    RebootStep rung(String name) {
        rungs.find { it.name() == name }
    }

    String fqdn(int i) {
        fleet.hosts()[i].fqdn()
    }

    String name(int i) {
        fleet.hosts()[i].name()
    }

    /** Runs the rung, remembering its line or message for the no-secret check. */
    String attempt(RebootStep step, String host, String reason = 'spec') {
        try {
            String line = step.attempt(host, reason)
            seen << line
            return line
        } catch (RebootStepFailed e) {
            seen << e.message
            throw e
        }
    }

    def "the factory gives the four rungs in ladder order, and each knows which hosts it applies to"() {
        expect:
        rungs*.name() == ['ipmi-reset', 'ipmi-cycle', 'pdu-cycle', 'bug']
        rungs*.terminal() == [false, false, false, true]
        rungs.every { it.appliesTo(fqdn(0)) && it.appliesTo(name(1)) }
        !rung('ipmi-reset').appliesTo('t-linux64-ms-999.sandbox.test')
        !rung('ipmi-cycle').appliesTo('nohost.example.com')
        !rung('pdu-cycle').appliesTo('nohost.example.com')
        rung('bug').appliesTo('nohost.example.com')
        secrets.keySet() == ['ipmi_password', 'snmp_community', 'bugs_api_key'] as Set
        PosixFilePermissions.toString(Files.getPosixFilePermissions(fleet.bmcCredentials())) == 'rw-------'
    }

    def "ipmi-reset restarts the host through its BMC: it goes down and boots again"() {
        given:
        int boots = fleet.boots(name(0))

        when:
        String line = attempt(rung('ipmi-reset'), fqdn(0))

        then:
        line == "ipmitool chassis power reset on ${fleet.hosts()[0].address()}:623: Chassis Power Control: Reset"

        when:
        fleet.awaitBoots(name(0), boots + 1, STALL)

        then:
        fleet.boots(name(0)) == boots + 1
        fleet.uptimeSeconds(name(0)) < fleet.hosts()[0].uptimeSeconds()
        fleet.hostDir(name(0)).resolve('console.log').text.contains('bmc: reset: the host restarts')
    }

    def "ipmi-cycle powers the host off and on again"() {
        given:
        int boots = fleet.boots(name(1))

        when:
        String line = attempt(rung('ipmi-cycle'), name(1))
        fleet.awaitBoots(name(1), boots + 1, STALL)

        then:
        line.endsWith(': Chassis Power Control: Cycle')
        fleet.boots(name(1)) == boots + 1
        def log = fleet.hostDir(name(1)).resolve('console.log').text
        log.indexOf('bmc: power off') >= 0
        log.indexOf('bmc: power on') > log.indexOf('bmc: power off')
        fleet.states()[name(1)] == 'up'
    }

    def "pdu-cycle sets the host's outlet to reboot over SNMP; snmpd's outlet program restarts it"() {
        given:
        int boots = fleet.boots(name(1))

        when:
        String line = attempt(rung('pdu-cycle'), fqdn(1))
        fleet.awaitBoots(name(1), boots + 1, STALL)

        then:
        line == "snmpset .1.3.6.1.4.1.318.1.1.4.4.2.1.3.2 = 3 on PDU 127.${fleet.slot()}.0.3:161 outlet 2:" +
                " .1.3.6.1.4.1.318.1.1.4.4.2.1.3.2 = INTEGER: 3"
        fleet.boots(name(1)) == boots + 1
        fleet.hostDir(name(1)).resolve('console.log').text.contains('pdu: reset: the host restarts')
    }

    def "hang: the host's own reboot answers and does nothing; the BMC still restarts it; unhang restores it"() {
        given:
        int boots = fleet.boots(name(0))
        fleet.hang(name(0))

        when: 'reboot over ssh, as the ladder\'s first rung does'
        def r = fleet.exec(name(0), 'reboot')

        then: 'it says it goes down, but no reboot request was made: the host stays up with its uptime'
        r.ok()
        r.out().contains('the system is going down')
        fleet.readHostFile(name(0), '/run/power') == null
        fleet.boots(name(0)) == boots
        fleet.exec(name(0), 'true').ok()

        when: 'the ladder climbs'
        attempt(rung('ipmi-reset'), fqdn(0))
        fleet.awaitBoots(name(0), boots + 1, STALL)

        then:
        fleet.boots(name(0)) == boots + 1

        when:
        fleet.unhang(name(0))
        fleet.exec(name(0), 'reboot')
        fleet.awaitBoots(name(0), boots + 2, STALL)

        then:
        fleet.boots(name(0)) == boots + 2
    }

    def "the production ladder on a hung host: the ssh rung leaves it up, ipmi-reset brings it back, the climb is recorded for the bug rung"() {
        given: 'the rungs as fleetroll reboot builds them (ssh, then the BMC/PDU rungs, then the bug) and a hung host'
        def df = dev.fleetroll.ops.DefaultFleet.open(ws)
        def history = new ClimbHistory()
        def ladderRungs = RebootRungs.forWorkspace(df, ws, history)
        def log = dev.fleetroll.auditlog.AuditLog.of(fleet.fleetrollHome(), 'spec')
        def ladder = new RebootLadder(df, ladderRungs, log, java.time.Clock.systemUTC(), STALL, Duration.ofSeconds(1), history)
                .withDeadline('ssh', Duration.ofSeconds(10))
        int boots = fleet.boots(name(0))
        fleet.hang(name(0))

        when:
        def climb = ladder.climb(name(0), 'spec: hung host', null)

        then: 'ssh answered but the host never went down; the BMC reset restarted it (one boot more)'
        ladderRungs*.name() == ['ssh', 'ipmi-reset', 'ipmi-cycle', 'pdu-cycle', 'bug']
        climb.cameBack()
        climb.attempts()*.rung() == ['ssh', 'ipmi-reset']
        climb.attempts()*.outcome() == [RungAttempt.NOT_BACK, RungAttempt.CAME_BACK]
        fleet.boots(name(0)) == boots + 1

        and: 'what the bug rung would have put in its description'
        history.tried(name(0)).size() == 2
        history.tried(name(0))[0].startsWith('ssh: not-back (')
        history.tried(name(0))[1].startsWith('ipmi-reset: came-back (')

        cleanup:
        fleet.unhang(name(0))
        df?.close()
    }

    def "BMC unreachable: one line saying so"() {
        given: 'a BMC address where a socket takes packets and never answers; no retries, 1 s a try'
        DatagramSocket silent = new DatagramSocket(0, InetAddress.getByName('127.0.0.1'))
        def cfg = bmcConfig(fqdn(0), '127.0.0.1', silent.localPort, fleet.bmcCredentials(), Duration.ofSeconds(1), 0)

        when:
        attempt(new IpmiReset(cfg, fleet.bmcCredentials()), fqdn(0))

        then:
        RebootStepFailed e = thrown()
        e.message.startsWith("ipmitool chassis power reset on 127.0.0.1:${silent.localPort} failed: BMC unreachable:")
        e.message.contains('timeout')
        !e.message.contains('\n')

        cleanup:
        silent?.close()
    }

    def "ipmitool never has the password on its command line"() {
        given: 'a silent BMC and tries long enough that ipmitool waits until the spy has read its command line'
        DatagramSocket silent = new DatagramSocket(0, InetAddress.getByName('127.0.0.1'))
        def cfg = bmcConfig(fqdn(0), '127.0.0.1', silent.localPort, fleet.bmcCredentials(), CLIENT_WAITS, 0)

        when:
        String cmdline = commandLineOf('ipmitool', new IpmiReset(cfg, fleet.bmcCredentials()), fqdn(0))

        then:
        cmdline.contains('chassis power reset')
        !cmdline.contains(secrets.ipmi_password)

        cleanup:
        silent?.close()
    }

    def "wrong IPMI password: the BMC refuses it, the host is not touched, and the message names the file, not the password"() {
        given:
        Path wrong = Files.createTempFile('bmc-wrong', '.yaml')
        wrong.text = 'ipmi_password: notTheRightOne42\n'
        int boots = fleet.boots(name(1))
        def step = new IpmiReset(ws.config().bmc(), wrong)

        when:
        attempt(step, fqdn(1))

        then:
        RebootStepFailed e = thrown()
        e.message.contains("the BMC refused the password of user 'fleetroll'")
        e.message.contains('bmc.credentials_file')
        !e.message.contains('notTheRightOne42')
        fleet.boots(name(1)) == boots

        cleanup:
        Files.deleteIfExists(wrong)
    }

    def "a missing or unreadable credentials file is one line naming the setting"() {
        when:
        attempt(new IpmiCycle(ws.config().bmc(), null), fqdn(0))

        then:
        RebootStepFailed e = thrown()
        e.message == 'bmc.credentials_file is not set: name a file (mode 0600) holding ipmi_password: ...'

        when:
        Path garbage = Files.createTempFile('bmc-bad', '.yaml')
        garbage.text = 'ipmi_password: [unclosed s3cr3tValue\n'
        attempt(new IpmiCycle(ws.config().bmc(), garbage), fqdn(0))

        then:
        RebootStepFailed e2 = thrown()
        e2.message == "bmc.credentials_file $garbage is not a YAML mapping with ipmi_password: ..."

        cleanup:
        Files.deleteIfExists(garbage)
    }

    def "SNMP timeout: a PDU that never answers is one line"() {
        given:
        DatagramSocket silent = new DatagramSocket(0, InetAddress.getByName('127.0.0.1'))

        when:
        attempt(new PduCycle(silentPdu(silent, Duration.ofSeconds(1)), fleet.bmcCredentials()), fqdn(1))

        then:
        RebootStepFailed e = thrown()
        e.message.startsWith("snmpset .1.3.6.1.4.1.318.1.1.4.4.2.1.3.2 = 3 on PDU 127.0.0.1:${silent.localPort} outlet 2"
                + " failed: SNMP timeout: no answer in 1 try of 1 s")
        !e.message.contains('\n')

        cleanup:
        silent?.close()
    }

    def "snmpset never has the community on its command line"() {
        given: 'a silent PDU and one try long enough that snmpset waits until the spy has read its command line'
        DatagramSocket silent = new DatagramSocket(0, InetAddress.getByName('127.0.0.1'))

        when:
        String cmdline = commandLineOf('snmpset', new PduCycle(silentPdu(silent, CLIENT_WAITS), fleet.bmcCredentials()), fqdn(1))

        then:
        cmdline.contains('snmpset')
        cmdline.contains("127.0.0.1:${silent.localPort}")
        !cmdline.contains(secrets.snmp_community)

        cleanup:
        silent?.close()
    }

    /** The sandbox's PDU configuration with host 1's outlet at {@code silent} (which never answers), one try of {@code perTry}. */
    FleetrollConfig.Pdu silentPdu(DatagramSocket silent, Duration perTry) {
        def pdu = ws.config().pdu()
        new FleetrollConfig.Pdu(pdu.port(), pdu.credentialsFile(), pdu.outletOid(), pdu.rebootValue(), perTry, 0,
                [(fqdn(1)): new FleetrollConfig.PduOutlet('127.0.0.1', silent.localPort, 2)])
    }

    def "a wrong community is ignored by the PDU (SNMP v2c), so it times out, and the message says it may be the community"() {
        given:
        Path wrong = Files.createTempFile('pdu-wrong', '.yaml')
        wrong.text = 'snmp_community: notTheCommunity7\n'
        def pdu = ws.config().pdu()
        def cfg = new FleetrollConfig.Pdu(pdu.port(), pdu.credentialsFile(), pdu.outletOid(), pdu.rebootValue(),
                Duration.ofSeconds(1), 0, pdu.hosts())
        int boots = fleet.boots(name(0))

        when:
        attempt(new PduCycle(cfg, wrong), fqdn(0))

        then:
        RebootStepFailed e = thrown()
        e.message.contains('SNMP timeout')
        e.message.contains('wrong snmp_community')
        !e.message.contains('notTheCommunity7')
        fleet.boots(name(0)) == boots

        cleanup:
        Files.deleteIfExists(wrong)
    }

    def "bug files one bug per host with the host, the reason and what was tried; again while it is open, it names that bug"() {
        when:
        String first = attempt(rung('bug'), fqdn(0), 'kernel update 6.1.0-42')
        String again = attempt(rung('bug'), fqdn(0), 'kernel update 6.1.0-42')
        String other = attempt(rung('bug'), fqdn(1), 'kernel update 6.1.0-42')

        then:
        first ==~ /filed bug (\d+) for ${fqdn(0)} \(.*\/show_bug.cgi\?id=\d+\)/
        int id = (first =~ /filed bug (\d+)/)[0][1] as int
        again.startsWith("bug $id already open for ${fqdn(0)}")
        other.startsWith('filed bug ')
        !other.startsWith("filed bug $id ")

        when:
        def bugs = getJson("/rest/bug?whiteboard=${URLEncoder.encode(FileBug.tag(fqdn(0)), 'UTF-8')}&resolution=---").bugs
        def comment = getJson("/rest/bug/$id/comment").bugs["$id"].comments[0].text

        then:
        bugs*.id == [id]
        bugs[0].summary == "${fqdn(0)} did not come back after a reboot"
        bugs[0].product == 'Infrastructure & Operations'
        comment.contains('Reason for the reboot: kernel update 6.1.0-42')
        comment.contains("- ssh reboot on ${fqdn(0)}: the host stayed up")
    }

    def "bug with a wrong API key: the tracker refuses, one line, no key in it"() {
        given:
        Path wrong = Files.createTempFile('bugs-wrong', '.yaml')
        wrong.text = 'bugs_api_key: notTheKey0123456789\n'
        def step = new FileBug(ws.config().bugs(), wrong, null)

        when:
        attempt(step, 'some-new-host.sandbox.test')

        then:
        RebootStepFailed e = thrown()
        e.message.contains('refused')
        e.message.contains('HTTP 400, code 306')
        e.message.contains('bugs.credentials_file')
        !e.message.contains('notTheKey0123456789')

        cleanup:
        Files.deleteIfExists(wrong)
    }

    def "no secret appears in any line or message the rungs gave, nor in the sandbox's BMC, PDU and stand-in logs"() {
        expect:
        seen.size() >= 10
        secrets.values().every { s -> seen.every { !it.contains(s) } }
        [fleet.bmcLog(), fleet.standInLog(), fleet.dir().resolve('bmc/snmpd.log')].every { log ->
            String text = Files.exists(log) ? log.text : ''
            secrets.values().every { !text.contains(it) }
        }
    }

    // --- helpers ------------------------------------------------------------------------------------------------

    static FleetrollConfig.Bmc bmcConfig(String host, String address, int port, Path creds,
                                         Duration perTry = Duration.ofSeconds(1), int retries = 1) {
        new FleetrollConfig.Bmc('fleetroll', 623, creds.toString(), perTry, retries,
                [(host): new FleetrollConfig.BmcHost(null, address, port, null)])
    }

    /**
     * Runs {@code step} on a thread while watching this JVM's children for its client {@code program} (by
     * {@code /proc/PID/comm}, which never waits); once seen, reads its command line as every user of the machine sees
     * it ({@code /proc/PID/cmdline}), then kills it so the step ends. The client waits for an answer that never comes
     * ({@link #CLIENT_WAITS}), so the spy sees it however long the machine keeps the spy from looking: no race.
     * Only children of this JVM count: another spec's client of the same name never does.
     */
    static String commandLineOf(String program, RebootStep step, String host) {
        def t = Thread.start {
            try {
                step.attempt(host, 'spec')
            } catch (RebootStepFailed ignored) {
                // killed by the spy, as intended
            }
        }
        try {
            long deadline = System.nanoTime() + CLIENT_WAITS.toNanos()
            while (System.nanoTime() < deadline) {
                for (ProcessHandle ph : ProcessHandle.current().descendants().toList()) {
                    if (procFile(ph.pid(), 'comm') == program.take(15)) {
                        String cmd = procFile(ph.pid(), 'cmdline')
                        ph.destroyForcibly()
                        if (cmd != null) {
                            return cmd
                        }
                    }
                }
                assert t.alive: "the ${program} rung ended before its ${program} was seen"
                Thread.sleep(10)
            }
            throw new AssertionError("no ${program} ran within ${CLIENT_WAITS}")
        } finally {
            t.join(120_000)
        }
    }

    /** {@code /proc/PID/FILE} as text (NULs as spaces, trimmed), or null when the process is gone. */
    static String procFile(long pid, String file) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc/${pid}/${file}"))
            return raw.length == 0 ? null : new String(raw, 'UTF-8').replace('\u0000' as char, ' ' as char).trim()
        } catch (IOException ignored) {
            return null // gone
        }
    }

    def getJson(String path) {
        def r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(fleet.bugsUrl() + path)).build(),
                HttpResponse.BodyHandlers.ofString())
        assert r.statusCode() == 200
        new JsonSlurper().parseText(r.body())
    }
}
