package dev.fleetroll.console.cli

import dev.fleetroll.config.FleetrollHome
import dev.fleetroll.config.Workspace
import dev.fleetroll.sandbox.Prerequisite
import dev.fleetroll.sandbox.Sandbox
import dev.fleetroll.sandbox.SandboxFixture
import spock.lang.Requires
import spock.lang.Shared
import spock.lang.Specification
import spock.lang.Stepwise

import java.nio.file.Files
import java.nio.file.Path
import java.nio.file.attribute.PosixFilePermissions

/**
 * {@code fleetroll sandbox up 1 --bmc}, {@code fault hang/unhang} and {@code down} through the Cli class: the BMC and
 * PDU run and answer a real ipmitool with the generated credentials, the drop-in names them, the hang knob is set and
 * cleared, and down leaves no ipmi_sim or snmpd behind. What the rungs do with them: OutOfBandRungsSpec (lib).
 */
@Stepwise
@Requires({ SandboxFixture.supported() && Prerequisite.BMC.every { it.present() } })
class SandboxBmcCliSpec extends Specification {
    @Shared
    Path home = Files.createTempDirectory('fleetroll-bmc-cli-home-')

    Map cli(String... args) {
        def out = new ByteArrayOutputStream()
        def err = new ByteArrayOutputStream()
        def env = [FLEETROLL_HOME: home.toString()]
        def ctx = new CliContext(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true), new PrintStream(err, true),
                env, false, false, false, false, { Workspace.of(new FleetrollHome(home), null, env) })
        int status = new Cli(Commands.all()).run(args, ctx)
        [status: status, out: out.toString(), err: err.toString()]
    }

    def cleanupSpec() {
        cli('sandbox', 'down')
        home.toFile().deleteDir()
    }

    /** Live processes whose command line names {@code dir} and runs {@code program}. */
    static List<String> processes(String program, Path dir) {
        new File('/proc').listFiles().findAll { it.name ==~ /\d+/ }.collect { d ->
            try {
                new String(new File(d, 'cmdline').bytes, 'UTF-8').replace('\u0000' as char, ' ' as char)
            } catch (IOException ignored) {
                ''
            }
        }.findAll { it.startsWith(program + ' ') && it.contains(dir.toString()) }
    }

    def "up 1 --bmc runs a BMC and a PDU for the host and points the drop-in at them"() {
        when:
        def r = cli('sandbox', 'up', '1', '--bmc')
        def sb = Sandbox.find(new FleetrollHome(home)).get()
        def creds = home.resolve('sandbox/client/bmc.yaml')
        String password = creds.readLines().find { it.startsWith('ipmi_password: ') }.substring(15)
        def dropIn = home.resolve('config.d/50-sandbox.yaml').text
        def address = sb.hosts()[0].address()
        def ipmi = new ProcessBuilder('ipmitool', '-I', 'lanplus', '-C', '3', '-N', '2', '-R', '2', '-H', address,
                '-U', 'fleetroll', '-E', 'chassis', 'power', 'status')
        ipmi.environment().put('IPMI_PASSWORD', password)
        def p = ipmi.redirectErrorStream(true).start()
        String said = p.inputStream.text
        p.waitFor()

        then:
        r.status == 0
        r.out.contains("bmc, pdu    ipmi_sim on each host's address:623/udp, snmpd on 127.${sb.slot()}.0.3:161/udp;" +
                " secrets in $creds")
        PosixFilePermissions.toString(Files.getPosixFilePermissions(creds)) == 'rw-------'
        dropIn.contains("bmc:\n  user: fleetroll\n  credentials_file: '$creds'")
        dropIn.contains("'${sb.hosts()[0].fqdn()}': {address: '$address', port: 623}")
        dropIn.contains("'${sb.hosts()[0].fqdn()}': {address: '127.${sb.slot()}.0.3', port: 161, outlet: 1}")
        !dropIn.contains(password)
        processes('ipmi_sim', home).size() == 1
        processes('snmpd', home).size() == 1
        processes('ipmi_sim', home).every { !it.contains(password) }
        said.strip() == 'Chassis Power is on'
    }

    def "fault hang and unhang set and clear the host's hang knob"() {
        given:
        def sb = Sandbox.find(new FleetrollHome(home)).get()
        Path knob = sb.hostDir(sb.hosts()[0].name()).resolve('control/hang')

        when:
        def hang = cli('sandbox', 'fault', 'hang', 'ms-1')
        boolean set = Files.exists(knob)
        def unhang = cli('sandbox', 'fault', 'unhang', 'ms-1')

        then:
        hang.status == 0
        hang.out.strip() == 'hang t-linux64-ms-001.sandbox.test: its own reboot and halt now do nothing (the host stays up)'
        set
        unhang.status == 0
        unhang.out.strip() == 'unhang t-linux64-ms-001.sandbox.test: its own reboot and halt work again'
        !Files.exists(knob)
    }

    def "down stops the BMC and the PDU with the host"() {
        when:
        def r = cli('sandbox', 'down')

        then:
        r.status == 0
        processes('ipmi_sim', home).isEmpty()
        processes('snmpd', home).isEmpty()
        !Files.exists(home.resolve('sandbox'))
    }
}
