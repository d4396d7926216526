package dev.fleetroll.taskcluster

import dev.fleetroll.UserError
import spock.lang.Specification
import spock.lang.TempDir

import java.nio.file.Files
import java.nio.file.Path

class TaskclusterCredentialsSpec extends Specification {
    static final String TOKEN = 'sEcReT-tOkEn-0123456789abcdef'

    @TempDir
    Path dir

    Path write(String name, String text) {
        Path p = dir.resolve(name)
        Files.writeString(p, text)
        p
    }

    def "the environment comes first"() {
        given:
        Path file = write('tc', """{"clientId": "from-file", "accessToken": "$TOKEN"}""")

        when:
        def c = TaskclusterCredentials.load([TASKCLUSTER_CLIENT_ID: 'env-id', TASKCLUSTER_ACCESS_TOKEN: TOKEN,
                                             TC_TOKEN: file.toString()], file, file).get()

        then:
        c.clientId() == 'env-id'
        c.accessToken() == TOKEN
        c.certificate() == null
    }

    def "a certificate from the environment is kept as its JSON object text"() {
        when:
        def c = TaskclusterCredentials.load([TASKCLUSTER_CLIENT_ID: 'tmp', TASKCLUSTER_ACCESS_TOKEN: TOKEN,
                                             TASKCLUSTER_CERTIFICATE: '{"version": 1, "seed": "s"}'], null, null).get()

        then:
        c.temporary()
        c.certificate() == '{"version":1,"seed":"s"}'
    }

    def "then the TC_TOKEN file, then the configured file, then the default file"() {
        given:
        Path tcToken = write('tc_token_env', """{"clientId": "tc-token", "accessToken": "$TOKEN"}""")
        Path configured = write('configured', """{"clientId": "configured", "accessToken": "$TOKEN"}""")
        Path dflt = write('default', """{"clientId": "default", "accessToken": "$TOKEN", "certificate": {"version": 1}}""")

        expect:
        TaskclusterCredentials.load([TC_TOKEN: tcToken.toString()], dflt, configured).get().clientId() == 'tc-token'
        TaskclusterCredentials.load([:], dflt, configured).get().clientId() == 'configured'
        TaskclusterCredentials.load([:], dflt, null).get().clientId() == 'default'
        TaskclusterCredentials.load([:], dflt, null).get().certificate() == '{"version":1}'
        TaskclusterCredentials.load([:], dir.resolve('absent'), null).isEmpty()
        TaskclusterCredentials.load([TASKCLUSTER_CLIENT_ID: '', TC_TOKEN: ''], dir.resolve('absent'), null).isEmpty()
    }

    def "unusable sources are one line naming the source and the fix: #expected"() {
        given:
        Path notJson = write('not-json', "accessToken: $TOKEN")
        Path noToken = write('no-token', """{"clientId": "x", "token": "$TOKEN"}""")
        Path array = write('array', """["$TOKEN"]""")
        Path badCert = write('bad-cert', """{"clientId": "x", "accessToken": "$TOKEN", "certificate": 5}""")
        Map<String, Path> files = ['not-json': notJson, 'no-token': noToken, array: array, 'bad-cert': badCert,
                                   absent: dir.resolve('absent')]
        Map<String, String> env = envOf.collectEntries { k, v -> [k, v.startsWith('@') ? files[v.substring(1)].toString() : v] }
        Path configured = configuredName == null ? null : files[configuredName]

        when:
        TaskclusterCredentials.load(env, files[defaultName] ?: dir.resolve('absent'), configured)

        then:
        UserError e = thrown()
        e.message.lines().count() == 1
        e.message.contains(expected.replace('DIR', dir.toString()))
        !e.message.contains(TOKEN)

        where:
        envOf                                                   | configuredName | defaultName || expected
        [TASKCLUSTER_CLIENT_ID: 'x']                            | null           | null        || 'TASKCLUSTER_CLIENT_ID is set but TASKCLUSTER_ACCESS_TOKEN is not: set both, or neither'
        [TASKCLUSTER_ACCESS_TOKEN: TOKEN]                       | null           | null        || 'TASKCLUSTER_ACCESS_TOKEN is set but TASKCLUSTER_CLIENT_ID is not: set both, or neither'
        [TASKCLUSTER_CERTIFICATE: '{}']                         | null           | null        || 'TASKCLUSTER_CERTIFICATE is set but TASKCLUSTER_CLIENT_ID and TASKCLUSTER_ACCESS_TOKEN are not'
        [TASKCLUSTER_CLIENT_ID: 'x', TASKCLUSTER_ACCESS_TOKEN: TOKEN, TASKCLUSTER_CERTIFICATE: 'nope'] | null | null || 'TASKCLUSTER_CERTIFICATE is not a JSON object'
        [TC_TOKEN: '@absent']                                   | null           | null        || 'TC_TOKEN file DIR/absent: no such file: point TC_TOKEN at it, or unset TC_TOKEN'
        [TC_TOKEN: '@not-json']                                 | null           | null        || 'TC_TOKEN file DIR/not-json: not JSON with clientId and accessToken'
        [TC_TOKEN: '@no-token']                                 | null           | null        || 'TC_TOKEN file DIR/no-token: not JSON with clientId and accessToken'
        [TC_TOKEN: '@array']                                    | null           | null        || 'TC_TOKEN file DIR/array: not JSON with clientId and accessToken'
        [:]                                                     | 'absent'       | null        || 'Taskcluster credentials file DIR/absent: no such file'
        [:]                                                     | 'bad-cert'     | null        || 'Taskcluster credentials file DIR/bad-cert: certificate is neither'
        [:]                                                     | null           | 'not-json'  || 'Taskcluster credentials file DIR/not-json: not JSON with clientId and accessToken'
    }

    def "toString never shows the access token"() {
        when:
        def c = new TaskclusterCredentials('me', TOKEN, '{"version":1}')

        then:
        c.toString() == 'TaskclusterCredentials[clientId=me, accessToken=***, temporary]'
        TaskclusterCredentials.of('me', TOKEN).toString() == 'TaskclusterCredentials[clientId=me, accessToken=***]'
        "$c".indexOf(TOKEN) < 0
    }
}
