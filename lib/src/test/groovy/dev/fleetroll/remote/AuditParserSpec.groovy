package dev.fleetroll.remote

import dev.fleetroll.content.ContentStore
import dev.fleetroll.ssh.ExecResult
import dev.fleetroll.ssh.Outcome
import dev.fleetroll.state.AuditMemo
import dev.fleetroll.state.FileFacts
import dev.fleetroll.state.OverrideSettings
import java.time.Duration
import java.time.Instant
import spock.lang.Specification

class AuditParserSpec extends Specification {
    static final Instant TS = Instant.parse('2024-05-01T14:02:03.123456Z')

    static final byte[] OVERRIDE = "PUPPET_REPO='https://github.com/jdoe/ronin_puppet.git'\nPUPPET_BRANCH='fix'\n# WORKER_TYPE_OVERRIDE='x'\n".bytes
    static final byte[] VAULT = 'secret: hunter2\n'.bytes
    static final String META = '{"schema_version": 1, "ts": "2024-05-01T12:00:00Z", "duration_s": 300, "exit_code": 2, "success": true, "git_sha": "0123456789abcdef0123456789abcdef01234567", "git_branch": "fix", "override_sha": "NA"}'

    static String b64(byte[] b) { b.encodeBase64().toString() }

    static String sha(byte[] b) { dev.fleetroll.util.Sha256.hex(b) }

    /** What the script prints on a healthy Linux host, as an ordered map (null value = leave the key out). */
    static Map<String, String> goodKeys() {
        [
                OS              : 'Linux',
                HOSTNAME        : 't-linux64-ms-001',
                UPTIME_S        : '86400',
                ROLE_PRESENT    : '1',
                ROLE            : 'gecko_t_linux_talos',
                OVERRIDE_PATH   : '/etc/puppet/ronin_settings',
                OVERRIDE_PRESENT: '1',
                VAULT_PATH      : '/root/vault.yaml',
                VAULT_PRESENT   : '1',
                OVERRIDE_STAT   : '644 root root ' + OVERRIDE.length + ' 1714564800',
                VAULT_STAT      : '600 root wheel ' + VAULT.length + ' 1714564801',
                OVERRIDE_SHA256 : sha(OVERRIDE),
                VAULT_SHA256    : sha(VAULT),
                OVERRIDE_B64    : b64(OVERRIDE),
                PP_JSON_PATH    : '/etc/puppet/last_run_metadata.json',
                PP_JSON_B64     : b64(META.bytes),
                WORKER_RUNNING  : '1',
        ]
    }

    static String output(Map<String, String> keys, boolean end = true) {
        def b = new StringBuilder('FLEETROLL_AUDIT v1\n')
        keys.each { k, v -> if (v != null) b << k << '=' << v << '\n' }
        if (end) b << 'END\n'
        b.toString()
    }

    static AuditParse parse(String stdout, String stderr = '') {
        AuditParser.parse('h1', TS, Outcome.OK, 0, stdout.bytes, stderr, 850)
    }

    def "a complete audit"() {
        when:
        def p = parse(output(goodKeys()))
        def o = p.observation()

        then:
        o.warnings() == []
        o.host() == 'h1'
        o.ts() == Instant.parse('2024-05-01T14:02:03.123Z')
        o.outcome() == Outcome.OK
        o.ok()
        o.error() == null
        o.exitCode() == 0
        o.elapsedMs() == 850
        o.os() == 'Linux'
        o.hostname() == 't-linux64-ms-001'
        o.uptimeSeconds() == 86400
        o.role() == 'gecko_t_linux_talos'
        o.override() == new FileFacts('/etc/puppet/ronin_settings', '644', 'root', 'root', OVERRIDE.length,
                Instant.ofEpochSecond(1714564800), sha(OVERRIDE))
        o.overrideSettings() == new OverrideSettings('https://github.com/jdoe/ronin_puppet.git', 'fix', null, null)
        o.vault() == new FileFacts('/root/vault.yaml', '600', 'root', 'wheel', VAULT.length,
                Instant.ofEpochSecond(1714564801), sha(VAULT))
        o.puppet().source() == 'metadata'
        o.puppet().exitCode() == 2
        o.puppet().success()
        o.puppet().gitSha() == '0123456789abcdef0123456789abcdef01234567'
        o.puppet().overrideSha() == null
        o.workerRunning()
        p.overrideContent() == OVERRIDE
        p.vaultContent() == null
    }

    def "the vault body comes back separately when fetched"() {
        given:
        def keys = goodKeys()
        keys.VAULT_B64 = b64(VAULT)

        when:
        def p = parse(output(keys))

        then:
        p.vaultContent() == VAULT
        p.observation().warnings() == []
        !p.toString().contains('hunter2')
        !p.observation().toString().contains('hunter2')
    }

    def "absent files and no puppet record"() {
        given:
        def keys = goodKeys()
        ['ROLE', 'OVERRIDE_STAT', 'VAULT_STAT', 'OVERRIDE_SHA256', 'VAULT_SHA256', 'OVERRIDE_B64', 'PP_JSON_PATH', 'PP_JSON_B64'].each { keys.remove(it) }
        keys.ROLE_PRESENT = '0'
        keys.OVERRIDE_PRESENT = '0'
        keys.VAULT_PRESENT = '0'
        keys.WORKER_RUNNING = '0'

        when:
        def p = parse(output(keys))
        def o = p.observation()

        then:
        o.warnings() == []
        o.role() == null
        o.override() == null
        o.overrideSettings() == null
        o.vault() == null
        o.puppet() == null
        o.workerRunning() == false
        p.overrideContent() == null
    }

    def "an empty role file is an empty role, whitespace is collapsed"() {
        given:
        def keys = goodKeys()
        keys.ROLE = role

        expect:
        parse(output(keys)).observation().role() == expected

        where:
        role            | expected
        ''              | ''
        '  a \t b  '    | 'a b'
    }

    def "an empty override file"() {
        given:
        def keys = goodKeys()
        keys.OVERRIDE_STAT = '644 root root 0 1714564800'
        keys.OVERRIDE_SHA256 = sha(new byte[0])
        keys.OVERRIDE_B64 = ''

        when:
        def p = parse(output(keys))

        then:
        p.observation().warnings() == []
        p.overrideContent() == new byte[0]
        p.observation().overrideSettings() == new OverrideSettings(null, null, null, null)
    }

    def "summary YAML fallback"() {
        given:
        def keys = goodKeys()
        keys.remove('PP_JSON_PATH')
        keys.remove('PP_JSON_B64')
        keys.PP_SUMMARY_PATH = '/opt/puppetlabs/puppet/cache/state/last_run_summary.yaml'
        keys.PP_SUMMARY_B64 = b64('time: {last_run: 1714564800}\nevents: {failure: 1}\n'.bytes)

        when:
        def o = parse(output(keys)).observation()

        then:
        o.warnings() == []
        o.puppet().source() == 'summary'
        o.puppet().at() == Instant.parse('2024-05-01T12:00:00Z')
        o.puppet().success() == false
    }

    def "the override's sha256 is the host's; a mismatch with the content is a warning"() {
        given:
        def keys = goodKeys()
        keys.OVERRIDE_SHA256 = 'ab' * 32

        when:
        def p = parse(output(keys))

        then:
        p.observation().override().sha256() == 'ab' * 32
        p.overrideContent() == OVERRIDE
        p.observation().warnings().size() == 1
        p.observation().warnings()[0].startsWith('override: content does not match the host\'s sha256')
    }

    def "non-UTF-8 override bytes survive and keep their sha"() {
        given:
        byte[] latin1 = "PUPPET_BRANCH='caf\u00e9'\n".getBytes('ISO-8859-1')
        def keys = goodKeys()
        keys.OVERRIDE_STAT = "644 root root ${latin1.length} 1714564800".toString()
        keys.OVERRIDE_SHA256 = sha(latin1)
        keys.OVERRIDE_B64 = b64(latin1)

        when:
        def p = parse(output(keys))

        then:
        p.overrideContent() == latin1
        p.observation().override().sha256() == sha(latin1)
        p.observation().overrideSettings().branch() == 'caf\ufffd'
        p.observation().warnings() == ['override: not valid UTF-8; settings read with replacement characters']
    }

    def "#what: affected fields null, a warning, outcome still OK"() {
        given:
        def keys = goodKeys()
        change(keys)

        when:
        def o = parse(output(keys)).observation()

        then:
        o.outcome() == Outcome.OK
        check(o)
        o.warnings().size() == 1
        o.warnings()[0].contains(warning)

        where:
        what                       | change                                             | check                                                                   | warning
        'non-numeric uptime'       | { it.UPTIME_S = '12 days' }                        | { it.uptimeSeconds() == null && it.os() == 'Linux' }                    | 'uptime: not a number'
        'negative uptime'          | { it.UPTIME_S = '-5' }                             | { it.uptimeSeconds() == null }                                          | 'negative'
        'missing uptime'           | { it.remove('UPTIME_S') }                          | { it.uptimeSeconds() == null }                                          | 'UPTIME_S not reported'
        'missing hostname'         | { it.remove('HOSTNAME') }                          | { it.hostname() == null && it.role() != null }                          | 'HOSTNAME not reported'
        'bad metadata base64'      | { it.PP_JSON_B64 = 'not*base64!' }                 | { it.puppet() == null && it.override() != null }                        | 'puppet metadata: bad base64'
        'bad metadata JSON'        | { it.PP_JSON_B64 = b64('{"ts": '.bytes) }          | { it.puppet() == null }                                                 | 'puppet metadata: not valid JSON'
        'metadata unreadable'      | { it.remove('PP_JSON_B64') }                       | { it.puppet() == null }                                                 | 'exists but could not be read'
        'bad override base64'      | { it.OVERRIDE_B64 = '%%%' }                        | { it.overrideSettings() == null && it.override().sha256() != null }     | 'override content: bad base64'
        'override unreadable'      | { it.remove('OVERRIDE_B64') }                      | { it.overrideSettings() == null && it.override().mode() == '644' }      | 'override: content not reported'
        'garbage stat line'        | { it.OVERRIDE_STAT = 'stat: cannot stat' }         | { it.override().mode() == null && it.override().size() == null && it.override().sha256() != null } | "override: unreadable stat line"
        'bad sha256'               | { it.VAULT_SHA256 = 'xyz' }                        | { it.vault().sha256() == null && it.vault().mode() == '600' }           | 'vault: sha256 is not 64 hex digits'
        'missing vault sha256'     | { it.remove('VAULT_SHA256') }                      | { it.vault().sha256() == null }                                         | 'VAULT_SHA256 not reported'
        'bad presence flag'        | { it.VAULT_PRESENT = 'yes' }                       | { it.vault() == null }                                                  | 'vault: expected 0 or 1'
        'bad worker flag'          | { it.WORKER_RUNNING = '2' }                        | { it.workerRunning() == null }                                          | 'generic-worker check: expected 0 or 1'
        'missing worker flag'      | { it.remove('WORKER_RUNNING') }                    | { it.workerRunning() == null }                                          | 'WORKER_RUNNING not reported'
        'size differs from stat'   | { it.OVERRIDE_STAT = '644 root root 1 1714564800' } | { it.override().size() == 1 }                                          | 'stat said 1'
    }

    def "#what"() {
        when:
        def o = parse(stdout).observation()

        then:
        o.outcome() == Outcome.OK
        o.os() == os
        o.role() == role
        o.workerRunning() == worker
        warning == null ? o.warnings().isEmpty() : o.warnings().any { it.contains(warning) }

        where:
        what                          | stdout                                                                      | os      | role                  | worker | warning
        'empty output'                | ''                                                                          | null    | null                  | null   | 'no audit output'
        'garbage'                     | 'Welcome to Ubuntu\n\u0000\u00ff garbage'                                   | null    | null                  | null   | 'not a fleetroll audit'
        'truncated (no END)'          | output(goodKeys(), false)                                                   | 'Linux' | 'gecko_t_linux_talos' | true   | 'output truncated: no END line'
        'cut in the middle of a line' | output(goodKeys(), false).substring(0, output(goodKeys(), false).indexOf('PP_JSON_B64=') + 20) | 'Linux' | 'gecko_t_linux_talos' | null | 'dropped an incomplete last line'
        'only the header'             | 'FLEETROLL_AUDIT v1\n'                                                      | null    | null                  | null   | 'output truncated'
        'banner before the header'    | 'motd line 1\nmotd 2\n' + output(goodKeys())                                | 'Linux' | 'gecko_t_linux_talos' | true   | 'ignored 2 line(s) before the audit header'
        'CRLF line endings (pty)'     | output(goodKeys()).replace('\n', '\r\n')                                    | 'Linux' | 'gecko_t_linux_talos' | true   | null
        'noise after END'             | output(goodKeys()) + 'extra\n'                                              | 'Linux' | 'gecko_t_linux_talos' | true   | 'ignored 1 line(s) after END'
        'junk line in the middle'     | output(goodKeys()).replace('OS=Linux\n', 'OS=Linux\nsh: 12: oops\n')        | 'Linux' | 'gecko_t_linux_talos' | true   | "unrecognised output line 3: 'sh: 12: oops'"
        'a newer protocol'            | output(goodKeys()).replace('FLEETROLL_AUDIT v1', 'FLEETROLL_AUDIT v3')      | 'Linux' | 'gecko_t_linux_talos' | true   | "audit protocol 'v3' is not v2"
        'duplicate key'               | output(goodKeys()).replace('END\n', 'OS=Darwin\nEND\n')                     | 'Darwin' | 'gecko_t_linux_talos' | true  | 'OS reported more than once'
    }

    def "a missing override sha256 is computed from the (exact) content, with a warning"() {
        given:
        def keys = goodKeys()
        keys.remove('OVERRIDE_SHA256')

        when:
        def o = parse(output(keys)).observation()

        then:
        o.override().sha256() == sha(OVERRIDE)
        o.warnings() == ['OVERRIDE_SHA256 not reported (that probe failed on the host)',
                         'override: sha256 not reported by the host; computed from the content']
    }

    def "stderr of a successful run becomes a warning"() {
        when:
        def o = parse(output(goodKeys()), 'stat: something odd\nsecond line\n').observation()

        then:
        o.warnings() == ['host stderr: stat: something odd (+1 more line(s))']
    }

    def "#outcome -> a failed observation with the error"() {
        when:
        def o = AuditParser.parse('h1', TS, outcome, exit, stdout.bytes, stderr, 1200, error).observation()

        then:
        o.outcome() == outcome
        !o.ok()
        o.error() == expectedError
        o.exitCode() == exit
        o.elapsedMs() == 1200
        o.ts() == Instant.parse('2024-05-01T14:02:03.123Z')
        o.os() == null
        o.override() == null
        o.warnings() == []

        where:
        outcome                   | exit | stdout                 | stderr                                     | error                                  | expectedError
        Outcome.FAILED            | 1    | ''                     | '\nsudo: a password is required\nmore\n'   | null                                   | 'sudo: a password is required'
        Outcome.FAILED            | 127  | ''                     | ''                                         | null                                   | 'exit 127'
        Outcome.UNREACHABLE       | null | ''                     | ''                                         | 'connect timed out after 10s'          | 'connect timed out after 10s'
        Outcome.UNREACHABLE       | null | ''                     | ''                                         | null                                   | 'unreachable'
        Outcome.AUTH_FAILED       | null | ''                     | ''                                         | 'no key accepted'                      | 'no key accepted'
        Outcome.HOST_KEY_MISMATCH | null | ''                     | ''                                         | 'host key changed; ssh-keygen -R h1'   | 'host key changed; ssh-keygen -R h1'
        Outcome.TIMED_OUT         | null | 'FLEETROLL_AUDIT v1\n' | ''                                         | null                                   | 'timed-out'
        Outcome.CANCELLED         | null | ''                     | ''                                         | 'cancelled'                            | 'cancelled'
    }

    def "null stdout and stderr are tolerated"() {
        expect:
        AuditParser.parse('h1', TS, Outcome.OK, 0, null, null, 0).observation().warnings() == ['no audit output']
        AuditParser.parse('h1', null, null, null, null, null, 0).observation().outcome() == Outcome.FAILED
    }

    def "parses an executor result; the time is when the command finished"() {
        given:
        def started = Instant.parse('2024-05-01T14:02:00Z')
        def r = new ExecResult('h1', Outcome.OK, 0, output(goodKeys()).bytes, new byte[0], false, null, null,
                started, Duration.ofMillis(1500), 1)

        when:
        def o = AuditParser.parse(r).observation()

        then:
        o.ts() == Instant.parse('2024-05-01T14:02:01.500Z')
        o.elapsedMs() == 1500
        o.hostname() == 't-linux64-ms-001'
    }

    def "output capped by the executor is said so"() {
        given:
        def text = output(goodKeys(), false)
        def r = new ExecResult('h1', Outcome.OK, 0, text.substring(0, 200).bytes, new byte[0], true, java.nio.file.Path.of('/tmp/spill.log'),
                null, Instant.parse('2024-05-01T14:02:00Z'), Duration.ofMillis(10), 1)

        when:
        def o = AuditParser.parse(r).observation()

        then:
        o.warnings()[0] == 'output was capped by the SSH layer; full output in /tmp/spill.log'
        o.warnings().any { it.startsWith('output truncated: no END line') }
        o.os() == 'Linux'
    }

    def "an executor failure keeps its one-line error"() {
        given:
        def r = new ExecResult('h1', Outcome.UNREACHABLE, null, new byte[0], new byte[0], false, null,
                'connection refused', Instant.parse('2024-05-01T14:02:00Z'), Duration.ofMillis(3), 3)

        expect:
        AuditParser.parse(r).observation().error() == 'connection refused'
    }

    // ---- protocol v2: stat lines with inode and ctime, the host clock, known values and _SAME

    static final String TOKEN = '0123456789abcdef0123456789abcdef'

    static Map<String, String> v2Keys() {
        def k = goodKeys()
        k.OVERRIDE_STAT = '644 root root ' + OVERRIDE.length + ' 1714564800 1001 1714564805'
        k.VAULT_STAT = '600 root wheel ' + VAULT.length + ' 1714564801 1002 1714564806'
        k.PP_JSON_STAT = '644 root root ' + META.length() + ' 1714564700 1003 1714564700'
        k.CLOCK_S = '1714600000'
        k.RESIDENT = TOKEN
        k
    }

    static String v2(Map<String, String> keys, boolean end = true) {
        output(keys, end).replace('FLEETROLL_AUDIT v1', 'FLEETROLL_AUDIT v2')
    }

    static AuditParse parse(String stdout, String stderr, dev.fleetroll.state.Observation known) {
        AuditParser.parse('h1', TS, Outcome.OK, 0, stdout.bytes, stderr, 850, null, known)
    }

    /** What the host prints when told everything is known and nothing changed. */
    static Map<String, String> sameKeys() {
        def k = v2Keys()
        k.remove('OVERRIDE_B64')
        k.remove('PP_JSON_B64')
        k.OVERRIDE_SAME = '1'
        k.VAULT_SAME = '1'
        k.PP_JSON_SAME = '1'
        k.OS_SAME = '1'
        k
    }

    def "a full v2 audit keeps its stat lines, the host clock and the resident shell in the memo"() {
        when:
        def p = parse(v2(v2Keys()))
        def o = p.observation()

        then:
        o.warnings() == []
        p.reused().isEmpty()
        o.override().mode() == '644'
        o.override().mtime() == Instant.ofEpochSecond(1714564800)
        o.memo() == new AuditMemo(AuditMemo.VERSION, TOKEN, 1714600000L, v2Keys().OVERRIDE_STAT, v2Keys().VAULT_STAT,
                '/etc/puppet/last_run_metadata.json', v2Keys().PP_JSON_STAT)
    }

    def "unchanged files take their facts from the known observation; the memo carries on"() {
        given:
        def known = parse(v2(v2Keys())).observation()

        when:
        def p = parse(v2(sameKeys()), '', known)
        def o = p.observation()

        then:
        o.warnings() == []
        p.reused() == [AuditParse.Reused.OS, AuditParse.Reused.OVERRIDE, AuditParse.Reused.VAULT, AuditParse.Reused.PUPPET] as Set
        p.overrideContent() == null
        o.override() == known.override()
        o.overrideSettings() == known.overrideSettings()
        o.vault() == known.vault()
        o.puppet() == known.puppet()
        o.memo() == known.memo()
    }

    def "_SAME that does not match what was known: #what"() {
        when:
        def p = parse(v2(sameKeys()), '', known)
        def o = p.observation()

        then:
        o.outcome() == Outcome.OK
        o.overrideSettings() == null
        o.puppet() == null
        o.warnings().any { it.startsWith('override: the host reported it unchanged, but not from what this audit knew') }
        o.warnings().any { it.startsWith('puppet run: the host reported /etc/puppet/last_run_metadata.json unchanged') }
        o.memo().override() == null
        o.memo().puppet() == null

        where:
        what                   | known
        'nothing known'        | null
        'another override sha' | parse(v2(v2Keys().tap { OVERRIDE_B64 = b64('X=1\n'.bytes); OVERRIDE_SHA256 = sha('X=1\n'.bytes) })).observation()
                .with { it.withWarnings([], new AuditMemo(1, null, null, null, null, '/elsewhere.json', null)) }
    }

    def "no memo entry for a file read with a problem, nor from v1 stat lines; no memo at all from #what"() {
        expect:
        parse(v2(v2Keys().tap { OVERRIDE_SHA256 = 'f' * 64 })).observation().memo().override() == null // content mismatch
        parse(v2(v2Keys().tap { PP_JSON_B64 = b64('{'.bytes) })).observation().memo().puppet() == null
        parse(v2(v2Keys().tap { VAULT_STAT = '600 root wheel 5 1714564801' })).observation().memo().vault() == null
        parse(v2(v2Keys().tap { VAULT_SHA256 = null })).observation().memo().vault() == null
        parse(v2(v2Keys()).replace('END\n', ''), '').observation().memo() == null
        parse(v2(v2Keys()), 'stat: something odd\n').observation().memo() == null
    }

    def "capped output has no memo"() {
        given:
        def r = new ExecResult('h1', Outcome.OK, 0, v2(v2Keys()).bytes, new byte[0], true, null, null,
                Instant.parse('2024-05-01T14:02:00Z'), Duration.ofMillis(10), 1)

        expect:
        AuditParser.parse(r).observation().memo() == null
    }
}
