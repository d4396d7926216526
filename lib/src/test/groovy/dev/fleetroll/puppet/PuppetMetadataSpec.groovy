package dev.fleetroll.puppet

import java.time.Instant
import spock.lang.Specification

class PuppetMetadataSpec extends Specification {

    static final String FULL = '''{
      "schema_version": 1,
      "ts": "2024-05-01T12:00:00Z",
      "duration_s": 312,
      "success": true,
      "exit_code": 2,
      "role": "gecko_t_linux_talos",
      "git_repo": "https://github.com/mozilla-platform-ops/ronin_puppet.git",
      "git_branch": "master",
      "git_sha": "0123456789ABCDEF0123456789abcdef01234567",
      "git_dirty": false,
      "vault_path": "/root/vault.yaml",
      "vault_sha": "aa" ,
      "override_path": "/etc/puppet/ronin_settings",
      "override_sha": null
    }'''

    def "reads every schema 1 field"() {
        given:
        def warnings = []

        when:
        def r = PuppetMetadata.fromJson(FULL.bytes, warnings)

        then:
        warnings == []
        r.source() == 'metadata'
        r.schemaVersion() == 1
        r.at() == Instant.parse('2024-05-01T12:00:00Z')
        r.durationS() == 312d
        r.success()
        r.exitCode() == 2
        r.role() == 'gecko_t_linux_talos'
        r.gitRepo() == 'https://github.com/mozilla-platform-ops/ronin_puppet.git'
        r.gitBranch() == 'master'
        r.gitSha() == '0123456789abcdef0123456789abcdef01234567'
        r.gitDirty() == false
        r.vaultPath() == '/root/vault.yaml'
        r.vaultSha() == 'aa'
        r.overridePath() == '/etc/puppet/ronin_settings'
        r.overrideSha() == null
    }

    def "field #field = #json gives #expected"() {
        given:
        def warnings = []

        when:
        def r = PuppetMetadata.fromJson("{\"schema_version\": 1, \"$field\": $json}".bytes, warnings)

        then:
        r."$property"() == expected
        warnings.size() == warningCount

        where:
        field        | json                          | property     | expected                              | warningCount
        'ts'         | '"NA"'                        | 'at'         | null                                  | 0
        'ts'         | '""'                          | 'at'         | null                                  | 0
        'ts'         | '"2024-05-01T14:00:00+02:00"' | 'at'         | Instant.parse('2024-05-01T12:00:00Z') | 0
        'ts'         | '"2024-05-01T12:00:00.250Z"'  | 'at'         | Instant.parse('2024-05-01T12:00:00.250Z') | 0
        'ts'         | '1714564800'                  | 'at'         | Instant.parse('2024-05-01T12:00:00Z') | 0
        'ts'         | '"yesterday"'                 | 'at'         | null                                  | 1
        'exit_code'  | '"NA"'                        | 'exitCode'   | null                                  | 0
        'exit_code'  | '"6"'                         | 'exitCode'   | 6                                     | 0
        'exit_code'  | '1.5'                         | 'exitCode'   | null                                  | 1
        'success'    | '"NA"'                        | 'success'    | null                                  | 0
        'success'    | '"true"'                      | 'success'    | true                                  | 0
        'success'    | '"maybe"'                     | 'success'    | null                                  | 1
        'git_dirty'  | '"NA"'                        | 'gitDirty'   | null                                  | 0
        'git_dirty'  | 'true'                        | 'gitDirty'   | true                                  | 0
        'duration_s' | '"12.5"'                      | 'durationS'  | 12.5d                                 | 0
        'duration_s' | '"slow"'                      | 'durationS'  | null                                  | 1
        'git_sha'    | '"NA"'                        | 'gitSha'     | null                                  | 0
        'git_sha'    | '""'                          | 'gitSha'     | null                                  | 0
        'role'       | '{"a": 1}'                    | 'role'       | null                                  | 1
        'role'       | '42'                          | 'role'       | '42'                                  | 0
    }

    def "success comes from the exit code when missing: #exit -> #success"() {
        expect:
        PuppetMetadata.fromJson("{\"exit_code\": $exit}".bytes, []).success() == success

        where:
        exit   | success
        0      | true
        2      | true
        1      | false
        4      | false
        6      | false
        'null' | null
    }

    def "an explicit success wins over the exit code"() {
        expect:
        !PuppetMetadata.fromJson('{"exit_code": 0, "success": false}'.bytes, []).success()
    }

    def "another schema version is read with a warning"() {
        given:
        def warnings = []

        expect:
        PuppetMetadata.fromJson('{"schema_version": 2, "git_sha": "abc1234"}'.bytes, warnings).gitSha() == 'abc1234'
        warnings.size() == 1
        warnings[0].contains('schema_version 2')
    }

    def "unreadable JSON #json.inspect() -> null and a warning"() {
        given:
        def warnings = []

        expect:
        PuppetMetadata.fromJson(json.bytes, warnings) == null
        warnings.size() == 1
        warnings[0].startsWith('puppet metadata: ')

        where:
        json << ['', '{', 'not json', '[1,2]', '"text"', '42', '{"a": 1} trailing', '\u0000\u0001binary']
    }

    def "summary YAML fallback"() {
        given:
        def yaml = '''\
            ---
            version:
              config: 1714564800
              puppet: 7.28.0
            resources:
              changed: 3
              failed: 0
              total: 912
            time:
              total: 41.27
              last_run: 1714564800
            changes:
              total: 3
            events:
              failure: 0
              success: 3
              total: 3
            '''.stripIndent()
        def warnings = []

        when:
        def r = PuppetMetadata.fromSummaryYaml(yaml.bytes, warnings)

        then:
        warnings == []
        r.source() == 'summary'
        r.at() == Instant.parse('2024-05-01T12:00:00Z')
        r.durationS() == 41.27d
        r.success()
        r.exitCode() == null
        r.gitSha() == null // a numeric config version is a timestamp, not a commit
        r.schemaVersion() == null
        r.role() == null
    }

    def "summary: #what"() {
        expect:
        def r = PuppetMetadata.fromSummaryYaml(yaml.bytes, [])
        r.success() == success
        r.gitSha() == sha
        (r.at() != null) == hasTime

        where:
        what                   | yaml                                                                          | success | sha                                        | hasTime
        'failed events'        | 'time: {last_run: 1}\nevents: {failure: 2}'                                   | false   | null                                       | true
        'failed resources'     | 'events: {failure: 0}\nresources: {failed: 1}'                                | false   | null                                       | false
        'no events (compile failed)' | 'time: {last_run: 1}\nversion: {config: null}'                          | null    | null                                       | true
        'git sha config'       | 'version: {config: 0123456789abcdef0123456789abcdef01234567}\nevents: {failure: 0}' | true | '0123456789abcdef0123456789abcdef01234567' | false
        'short sha config'     | 'version: {config: "abc1234"}'                                                | null    | 'abc1234'                                  | false
    }

    def "unreadable summary #yaml.inspect() -> null and a warning"() {
        given:
        def warnings = []

        expect:
        PuppetMetadata.fromSummaryYaml(yaml.bytes, warnings) == null
        warnings.size() == 1

        where:
        yaml << ['', 'just text', '- a\n- b', 'a: [unclosed']
    }
}
