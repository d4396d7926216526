package dev.fleetroll.puppet

import spock.lang.Specification

class VaultValidatorSpec extends Specification {
    static final String SECRET = 'hunter2-s3cr3t'

    def "a YAML mapping passes: #text"() {
        when:
        VaultValidator.validate(text.getBytes('UTF-8'), 'vault.yaml')

        then:
        noExceptionThrown()

        where:
        text << [
                "taskcluster:\n  access_token: 'abc'\n  client_id: x\n",
                "---\nkey: value\n",
                "a: 1\nb: [1, 2]\nc: {d: e}\n",
                "password: \"${SECRET}: with colon\"\n",
        ]
    }

    def "rejected (#rule), and the message never shows vault content"() {
        when:
        VaultValidator.validate(content instanceof String ? content.getBytes('UTF-8') : content as byte[], 'vault.yaml')

        then:
        def e = thrown(InvalidFileError)
        e.rule() == rule
        e.line() == line
        !e.message.contains(SECRET)
        !e.message.contains('password')
        !e.message.contains('\n')

        where:
        content                                                           | rule                   | line
        "password: ${SECRET}\n\tother: x\n"                               | 'yaml-syntax'          | 2
        "password: ${SECRET}\n  bad: indent: here\n"                      | 'yaml-syntax'          | 2
        "password: \"${SECRET}\n"                                         | 'yaml-syntax'          | 2
        "password: [${SECRET}\n"                                          | 'yaml-syntax'          | 2
        "password: ${SECRET}\npassword: other\n"                          | 'yaml-duplicate-key'   | 2
        "password: ${SECRET}\n---\npassword: b\n"                         | 'yaml-single-document' | 3
        "- password\n- ${SECRET}\n"                                       | 'yaml-mapping'         | 0
        "${SECRET}\n"                                                     | 'yaml-mapping'         | 0
        ""                                                                | 'yaml-mapping'         | 0
        OverrideValidatorSpec.bytes("password: ${SECRET}", [0xfe])      | 'utf-8'                | 1
    }
}
