package dev.fleetroll.remote

import dev.fleetroll.ssh.Outcome
import dev.fleetroll.state.AuditMemo
import dev.fleetroll.state.FileFacts
import dev.fleetroll.state.Observation
import dev.fleetroll.state.OverrideSettings
import dev.fleetroll.state.PuppetRun
import java.time.Instant
import spock.lang.Specification

/** When the client trusts what it saw before: the rules of {@link AuditKnown#from}. */
class AuditKnownSpec extends Specification {
    static final long CLOCK = 1_800_000_000L
    static final String SHA_O = 'a' * 64
    static final String SHA_V = 'b' * 64
    static final String SHELL = '0123456789abcdef0123456789abcdef'

    static String stat(long ctime) {
        "644 root root 120 1700000000 4242 $ctime".toString()
    }

    static Observation observation(Map o = [:]) {
        def memo = o.containsKey('memo') ? o.memo : new AuditMemo(o.version ?: AuditMemo.VERSION, SHELL,
                o.containsKey('clock') ? o.clock : CLOCK, o.ovrStat ?: stat(CLOCK - 10), o.vltStat ?: stat(CLOCK - 10),
                '/etc/puppet/last_run_metadata.json', o.ppStat ?: stat(CLOCK - 10))
        new Observation('h1', o.ts ?: Instant.ofEpochSecond(CLOCK + 1), o.outcome ?: Outcome.OK, null, 0, 100,
                o.containsKey('os') ? o.os : 'Linux', 'h1', o.containsKey('uptime') ? o.uptime : 100L, 'role',
                new FileFacts('/etc/puppet/ronin_settings', '644', 'root', 'root', 120, Instant.ofEpochSecond(1700000000), SHA_O),
                new OverrideSettings('https://github.com/a/b.git', 'main', null, null),
                new FileFacts('/root/vault.yaml', '600', 'root', 'root', 10, Instant.ofEpochSecond(1700000000), SHA_V),
                new PuppetRun('metadata', 1, null, null, true, 0, null, null, null, null, null, null, null, null, null),
                true, [], memo)
    }

    def "a clean, settled observation gives every known value"() {
        when:
        def k = AuditKnown.from(observation(), { true }, false)

        then:
        k == new AuditKnown('Linux', SHELL, CLOCK - 100, stat(CLOCK - 10), SHA_O, stat(CLOCK - 10), SHA_V,
                '/etc/puppet/last_run_metadata.json', stat(CLOCK - 10))
        !k.isEmpty()
        k.assignments() == "k_os=Linux k_shell=$SHELL k_boot=${CLOCK - 100} k_ovr='${stat(CLOCK - 10)}' k_ovr_sha=$SHA_O " +
                "k_vlt='${stat(CLOCK - 10)}' k_vlt_sha=$SHA_V k_pp_path=/etc/puppet/last_run_metadata.json k_pp='${stat(CLOCK - 10)}'\n"
    }

    def "nothing is known from #what"() {
        expect:
        AuditKnown.from(o, { true }, false) == AuditKnown.NONE
        AuditKnown.NONE.assignments() == "k_os= k_shell= k_boot= k_ovr= k_ovr_sha= k_vlt= k_vlt_sha= k_pp_path= k_pp=\n"

        where:
        what                                | o
        'no observation'                    | null
        'a failed audit'                    | observation(outcome: Outcome.UNREACHABLE)
        'an audit without a memo'           | observation(memo: null)
        'a memo of another fleetroll'       | observation(version: AuditMemo.VERSION + 1)
        'an audit that did not tell the OS' | observation(os: null)
    }

    def "a file changed #age s before the known stat is #verdict"() {
        given:
        def o = observation(ovrStat: stat(CLOCK - age), vltStat: stat(CLOCK - age), ppStat: stat(CLOCK - age))

        when:
        def k = AuditKnown.from(o, { true }, false)

        then:
        (k.override() != null) == trusted
        (k.vault() != null) == trusted
        (k.puppet() != null) == trusted
        k.os() == 'Linux' // the OS is known either way

        where:
        age  | trusted
        -5   | false // ctime after the stat: the host clock stepped back
        0    | false
        1    | false // a change in that second could have slipped between stat and hash
        2    | true
        3600 | true
        verdict = trusted ? 'trusted' : 'read again'
    }

    def "the host's clock decides, not the client's: a host clock #skew s off"() {
        given: 'the file changed 1 s before the host ran stat; the client clock says much later'
        def o = observation(clock: CLOCK, ts: Instant.ofEpochSecond(CLOCK + skew), ovrStat: stat(CLOCK - 1))

        expect:
        AuditKnown.from(o, { true }, false).override() == null

        where:
        skew << [0, 5, 600]
    }

    def "without a host clock or uptime the boot time is unknown: the OS only, no file values"() {
        expect:
        AuditKnown.from(o, { true }, false) == new AuditKnown('Linux', SHELL, null, null, null, null, null, null, null)

        where:
        o << [observation(clock: null), observation(uptime: null)]
    }

    def "the override is known only when its content is stored locally; the vault only when not fetched"() {
        expect:
        AuditKnown.from(observation(), { it != SHA_O }, false).override() == null
        AuditKnown.from(observation(), { it != SHA_O }, false).vault() != null
        AuditKnown.from(observation(), { true }, true).vault() == null
        AuditKnown.from(observation(), { true }, true).override() != null
    }

    def "malformed memo values are not used"() {
        given:
        def o = observation(ovrStat: '644 root root 120 1700000000', vltStat: "644 root root 120 1700000000 1 ${CLOCK - 10}; rm -rf /",
                ppStat: 'garbage')

        when:
        def k = AuditKnown.from(o, { true }, false)

        then:
        k.override() == null
        k.vault() == null
        k.puppet() == null
    }
}
