package dev.fleetroll.sandbox

import groovy.json.JsonSlurper
import spock.lang.Specification
import spock.lang.TempDir

import java.nio.file.Files
import java.nio.file.Path

/**
 * references/puppet_state_functions.sh, run with real shells on temp directories: the JSON it writes, its nulls,
 * its atomic replacement, and that it never fails the puppet run.
 */
class PuppetStateFunctionsSpec extends Specification {
    static final List<String> FIELDS = ['schema_version', 'ts', 'duration_s', 'success', 'exit_code', 'role', 'git_repo',
                                        'git_branch', 'git_sha', 'git_dirty', 'vault_path', 'vault_sha', 'override_path',
                                        'override_sha']
    static final String REPO = 'https://github.com/mozilla-platform-ops/ronin_puppet.git'

    @TempDir
    Path tmp

    Path functions

    def setup() {
        functions = tmp.resolve('puppet_state_functions.sh')
        functions.text = getClass().getResource('/dev/fleetroll/sandbox/references/puppet_state_functions.sh').text
    }

    /** Runs {@code script} after sourcing the functions, with {@code set -eu} as strict wrappers do. */
    Map run(String shell, String script, Map<String, String> env = [:]) {
        def pb = new ProcessBuilder(shell, '-c', "set -eu\n. '${functions}'\n${script}")
        pb.directory(tmp.toFile())
        pb.environment().putAll(env)
        pb.environment().remove('PUPPET_BRANCH')
        pb.environment().putAll(env)
        def p = pb.start()
        def out = p.inputStream.text
        def err = p.errorStream.text
        [exit: p.waitFor(), out: out, err: err]
    }

    Map readJson(Path file) {
        new JsonSlurper().parseText(file.text) as Map
    }

    String git(Path dir, String... args) {
        def p = new ProcessBuilder(['git', '-C', dir.toString(), '-c', 'user.name=t', '-c', 'user.email=t@e.com'] + args.toList())
                .redirectErrorStream(true).start()
        def out = p.inputStream.text
        assert p.waitFor() == 0: out
        out.trim()
    }

    Path repo(String branch = 'master') {
        Path r = tmp.resolve('checkout')
        git(tmp, 'init', '-q', '-b', branch, r.toString())
        r.resolve('site.pp').text = 'node default {}\n'
        git(r, 'add', '.')
        git(r, 'commit', '-q', '-m', 'base')
        git(r, 'remote', 'add', 'origin', REPO)
        r
    }

    def "writes schema version 1 with exactly the documented fields, in order (#shell)"() {
        given:
        def r = repo()
        tmp.resolve('vault.yaml').text = 'a: 1\n'
        tmp.resolve('ronin_settings').text = "PUPPET_BRANCH='master'\n"

        when:
        def res = run(shell, "write_puppet_state '${r}' gecko_t_linux_talos 2 12 '${tmp}/ronin_settings' '${tmp}/vault.yaml' '${tmp}/state.json'; echo after")

        then:
        res.exit == 0
        res.out.trim() == 'after'
        def text = tmp.resolve('state.json').text
        def json = readJson(tmp.resolve('state.json'))
        json.keySet().toList() == FIELDS
        FIELDS.every { text.indexOf("\"${it}\"") >= 0 }
        json.schema_version == 1
        json.ts ==~ /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/
        json.duration_s == 12
        json.success == true
        json.exit_code == 2
        json.role == 'gecko_t_linux_talos'
        json.git_repo == REPO
        json.git_branch == 'master'
        json.git_sha == git(r, 'rev-parse', 'HEAD')
        json.git_dirty == false
        json.vault_path == "${tmp}/vault.yaml".toString()
        json.vault_sha == sha256('a: 1\n')
        json.override_path == "${tmp}/ronin_settings".toString()
        json.override_sha == sha256("PUPPET_BRANCH='master'\n")
        Files.getPosixFilePermissions(tmp.resolve('state.json'))*.toString().sort() ==
                ['GROUP_READ', 'OTHERS_READ', 'OWNER_READ', 'OWNER_WRITE']

        where:
        shell << ['sh', 'bash']
    }

    def "success is true only for exit 0 and 2; a non-numeric exit code or duration is null (#exit)"() {
        when:
        run('sh', "write_puppet_state '' r '${exit}' '${duration}' '' '' '${tmp}/s.json'")
        def json = readJson(tmp.resolve('s.json'))

        then:
        json.success == success
        json.exit_code == exitCode
        json.duration_s == durationS

        where:
        exit | duration | success | exitCode | durationS
        '0'  | '3'      | true    | 0        | 3
        '2'  | '3.5'    | true    | 2        | 3.5
        '1'  | '0'      | false   | 1        | 0
        '6'  | '1.2.3'  | false   | 6        | null
        'x'  | ''       | null    | null     | null
        ''   | 'abc'    | null    | null     | null
    }

    def "unknown values are JSON null: no git checkout, no vault, no override, no role"() {
        when:
        def res = run('sh', "write_puppet_state '${tmp}/not-a-checkout' '' 1 5 '${tmp}/none' '${tmp}/none2' '${tmp}/s.json'")
        def json = readJson(tmp.resolve('s.json'))

        then:
        res.exit == 0
        json.keySet().toList() == FIELDS
        json.role == null
        json.git_repo == null
        json.git_branch == null
        json.git_sha == null
        json.git_dirty == null
        json.vault_sha == null
        json.override_sha == null
        json.vault_path == "${tmp}/none2".toString()
        json.success == false
    }

    def "a detached HEAD reports the branch the wrapper checked out, never the literal HEAD"() {
        given:
        def r = repo()
        git(r, 'checkout', '-q', '--detach')
        tmp.resolve('ronin_settings').text = "PUPPET_REPO='${REPO}'\nPUPPET_BRANCH='resolverd-fix'\n"

        expect: 'from $PUPPET_BRANCH when the wrapper set it'
        run('sh', "PUPPET_BRANCH=from-variable; write_puppet_state '${r}' r 0 1 '' '' '${tmp}/a.json'").exit == 0
        readJson(tmp.resolve('a.json')).git_branch == 'from-variable'

        and: 'from the override file otherwise'
        run('sh', "write_puppet_state '${r}' r 0 1 '${tmp}/ronin_settings' '' '${tmp}/b.json'").exit == 0
        readJson(tmp.resolve('b.json')).git_branch == 'resolverd-fix'

        and: 'null when nothing says which branch it is'
        run('sh', "write_puppet_state '${r}' r 0 1 '' '' '${tmp}/c.json'").exit == 0
        readJson(tmp.resolve('c.json')).git_branch == null
        readJson(tmp.resolve('c.json')).git_sha == git(r, 'rev-parse', 'HEAD')
    }

    def "a changed checkout is dirty"() {
        given:
        def r = repo()
        r.resolve('site.pp').text = 'node default { include x }\n'

        when:
        run('sh', "write_puppet_state '${r}' r 0 1 '' '' '${tmp}/s.json'")

        then:
        readJson(tmp.resolve('s.json')).git_dirty == true
    }

    def "strings are JSON-escaped (#shell)"() {
        given:
        def role = 'a "quoted" \\ back\tslash\nsecond line'

        when:
        def res = run(shell, 'write_puppet_state "" "$ROLE" 0 1 "" "" "$OUT"', [ROLE: role, OUT: tmp.resolve('s.json').toString()])

        then:
        res.exit == 0
        readJson(tmp.resolve('s.json')).role == role

        where:
        shell << ['sh', 'bash']
    }

    def "replaces the file atomically: a new inode renamed over the old one, no temp files left"() {
        given:
        def state = tmp.resolve('state')
        Files.createDirectories(state)
        def file = state.resolve('last_run_metadata.json')
        file.text = '{"old": true}\n'
        def before = Files.getAttribute(file, 'unix:ino')

        when:
        def res = run('sh', "write_puppet_state '' r 0 1 '' '' '${file}'")

        then:
        res.exit == 0
        Files.getAttribute(file, 'unix:ino') != before
        readJson(file).schema_version == 1
        Files.list(state).toList()*.fileName*.toString() == ['last_run_metadata.json']
    }

    def "never fails the run: returns 0 and leaves the old file when it cannot write (#shell)"() {
        given:
        def blocker = tmp.resolve('not-a-dir')
        blocker.text = 'a file where a directory should be\n'

        when:
        def res = run(shell, """
            write_puppet_state '' r 0 1 '' '' '${blocker}/last_run_metadata.json'
            echo "rc=\$?"
            write_puppet_state '' r 0 1 '' '' /proc/fleetroll-cannot-write-here.json
            echo "rc=\$?"
        """)

        then:
        res.exit == 0
        res.out.readLines() == ['rc=0', 'rc=0']
        res.err.readLines().size() == 2
        res.err.readLines().every { it.startsWith('write_puppet_state: could not write') && it.contains('unaffected') }
        blocker.text == 'a file where a directory should be\n'

        where:
        shell << ['sh', 'bash']
    }

    def "the example Linux wrapper is valid bash and records every attempt with write_puppet_state"() {
        given:
        def wrapper = getClass().getResource('/dev/fleetroll/sandbox/references/run-puppet-linux.sh').text
        def file = tmp.resolve('run-puppet-linux.sh')
        file.text = wrapper

        expect:
        new ProcessBuilder('bash', '-n', file.toString()).start().waitFor() == 0
        wrapper.contains('write_puppet_state "$workdir" "$role" "$rc"')
        wrapper.contains('FLEETROLL_SINGLE_RUN')
    }

    static String sha256(String s) {
        java.security.MessageDigest.getInstance('SHA-256').digest(s.getBytes('UTF-8')).encodeHex().toString()
    }
}
