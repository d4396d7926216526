package dev.fleetroll.util

import com.fasterxml.jackson.databind.DeserializationFeature
import com.fasterxml.jackson.databind.ObjectMapper
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory
import spock.lang.Specification

import java.nio.charset.StandardCharsets

class JsonTreesSpec extends Specification {
    static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())

    static byte[] bytes(String s) {
        s.getBytes(StandardCharsets.UTF_8)
    }

    def "a JSON document becomes the tree ObjectMapper.readTree makes: #doc"() {
        expect:
        JsonTrees.json(bytes(doc)) == JSON.readTree(bytes(doc))

        where:
        doc << ['{"a":1,"b":[true,false,null],"c":{"d":"e"}}', '{"i":2147483647,"l":2147483648,"big":123456789012345678901234567890}',
                '{"f":1.5,"e":1e300,"neg":-0.0,"s":"ünï\\u0001"}', '[1,[2,[3]]]', '"just text"', '42',
                '{"dup":1,"dup":2}', '{}', '[]', ' {"ws" : [ ] } ']
    }

    def "a YAML document becomes the tree ObjectMapper.readTree makes: #name"() {
        expect:
        JsonTrees.yaml(bytes(doc)) == YAML.readTree(bytes(doc))
        JsonTrees.yaml(new ByteArrayInputStream(bytes(doc))) == YAML.readTree(bytes(doc))

        where:
        name      | doc
        'config'  | 'ssh:\n  fanout: 64\n  connect_timeout: 10s\ninventory:\n  host_list_dirs: [a, b]\n'
        'scalars' | 'i: 1\nl: 9999999999\nf: 2.5\nb: true\nn: null\nt: "quoted"\nempty:\n'
        'summary' | '---\nversion:\n  config: 1714564800\n  puppet: 7.29.1\ntime:\n  total: 12.75\n  last_run: 1714564800\n'
        'nested'  | 'a:\n  - {b: 1}\n  - [c, d]\n'
        'flow'    | '{a: [1, 2], b: {c: x}}'
    }

    def "an empty document is a missing node, as readTree says"() {
        expect:
        JsonTrees.yaml(bytes('')).isMissingNode()
        JsonTrees.yaml(bytes('# only a comment\n')).isMissingNode()
        JsonTrees.json(bytes('  ')).isMissingNode()
    }

    def "bad input is an IOException: #doc"() {
        when:
        JsonTrees.json(bytes(doc))

        then:
        thrown(IOException)

        where:
        doc << ['{"a":', '{"a":1} {"b":2}', '[1,]', '{a:1}', 'nul']
    }
}
