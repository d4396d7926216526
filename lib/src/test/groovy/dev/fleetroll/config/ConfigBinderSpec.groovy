package dev.fleetroll.config

import com.fasterxml.jackson.core.JsonParser
import com.fasterxml.jackson.databind.DeserializationContext
import com.fasterxml.jackson.databind.DeserializationFeature
import com.fasterxml.jackson.databind.JsonDeserializer
import com.fasterxml.jackson.databind.JsonNode
import com.fasterxml.jackson.databind.ObjectMapper
import com.fasterxml.jackson.databind.PropertyNamingStrategies
import com.fasterxml.jackson.databind.module.SimpleModule
import com.fasterxml.jackson.databind.node.ObjectNode
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory
import dev.fleetroll.util.Durations
import spock.lang.Specification

import java.time.Duration

class ConfigBinderSpec extends Specification {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())

    /** The Jackson bean binding ConfigBinder replaced, configured as it was: the oracle for what a tree means. */
    static ObjectMapper jackson() {
        def durations = new SimpleModule('durations')
        durations.addDeserializer(Duration, new JsonDeserializer<Duration>() {
            @Override
            Duration deserialize(JsonParser p, DeserializationContext ctx) {
                Durations.parse(p.getValueAsString())
            }
        })
        new ObjectMapper(new YAMLFactory())
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .registerModule(durations)
    }

    static ObjectNode tree(String yaml) {
        ObjectNode merged = ConfigLoader.defaults()
        ConfigLoader.merge(merged, YAML.readTree(yaml))
        merged
    }

    def "binds every key of the defaults and of a full operator layer as Jackson's bean binding did"() {
        given: 'a layer touching every kind of value: nested records, lists, maps of records, Integer, long, boolean'
        def layer = '''
inventory:
  host_list_dirs: [/a, /b]
  expansions:
    ms: {match: '^ms(\\\\d+)$', replace: 't-linux64-ms-$1'}
  default_domain: example.com
ssh: {fanout: 12, connect_timeout: 1m30s, output_cap_bytes: 9000000000, strict_host_key_checking: 'yes'}
store: {retention: 3, keep_days: 7, url: ' postgres://u@h:5/d '}
freshness: {parts: [audit, gh], min_fresh_pct: 90}
bmc:
  hosts:
    r8: {match: 'macmini-r8-*', address: '10.0.0.%n', port: 623}
    other: {match: 'x*', address: 'y'}
pdu: {hosts: {a: {address: p, outlet: 3}}}
server: {read_auth: true, cors_origins: ['http://x'], scan: {audit_every: 10m, lease_retry: 5s}}
reboot: {slots: 2, groups: {macs: {match: 'macmini-*', slots: 1}}}
taskcluster: {roles: {gecko-t-linux: 'role/x'}, attempts: 4}
'''

        expect:
        ConfigBinder.bind(ConfigLoader.defaults(), FleetrollConfig) == jackson().treeToValue(ConfigLoader.defaults(), FleetrollConfig)
        ConfigBinder.bind(tree(layer), FleetrollConfig) == jackson().treeToValue(tree(layer), FleetrollConfig)

        and: 'the values are the layer\'s'
        with(ConfigBinder.bind(tree(layer), FleetrollConfig)) {
            ssh().fanout() == 12
            ssh().connectTimeout() == Duration.ofSeconds(90)
            ssh().outputCapBytes() == 9_000_000_000L
            bmc().hosts().keySet() as List == ['r8', 'other']
            bmc().hosts().r8.port() == 623
            bmc().hosts().other.port() == null
            server().readAuth()
            store().url() == 'postgres://u@h:5/d'
            reboot().groups().macs.slots() == 1
        }
    }

    def "a bad value is one line naming its path: #yaml"() {
        when:
        ConfigBinder.bind(tree(yaml), FleetrollConfig)

        then:
        IllegalArgumentException e = thrown()
        e.message == expected

        where:
        yaml                                  || expected
        'ssh: {fanuot: 20}'                   || "unknown key 'ssh.fanuot' (did you mean 'ssh.fanout'?); ssh takes: config_file, fanout, handshake_concurrency, connect_timeout, command_timeout, batch_deadline, connect_retries, retry_backoff, strict_host_key_checking, keepalive_interval, idle_close, output_cap_bytes"
        'shh: {fanout: 20}'                   || "unknown key 'shh' (did you mean 'ssh'?); the sections are: inventory, ssh, store, writes, taskcluster, github, freshness, maintain, bmc, pdu, bugs, server, reboot"
        'bmc: {hosts: {a: {adress: x}}}'      || "unknown key 'bmc.hosts.a.adress' (did you mean 'bmc.hosts.a.address'?); bmc.hosts.a takes: match, address, port, user"
        'ssh: {fanout: lots}'                 || "'lots' at ssh.fanout is not a whole number"
        'ssh: {fanout: 99999999999}'          || 'ssh.fanout is 99999999999, out of range'
        'ssh: {fanout: [1]}'                  || 'ssh.fanout must be a whole number, not a list'
        'ssh: {connect_timeout: soon}'        || "'soon' at ssh.connect_timeout is not a duration (use e.g. 30s, 5m, 2h, 1d)"
        'ssh: {config_file: {a: 1}}'          || 'ssh.config_file must be a text, not a mapping'
        'ssh: 5'                              || "ssh must be a mapping of keys, not '5'"
        'server: {read_auth: maybe}'          || "'maybe' at server.read_auth is not true or false"
        'inventory: {host_list_dirs: /a}'     || "inventory.host_list_dirs must be a list, not '/a'"
        'reboot: {groups: [a]}'               || 'reboot.groups must be a mapping, not a list'
        'bmc: {port: 0}'                      || 'bmc.port must be 1..65535, not 0'
        'freshness: {parts: [audit, nope]}'   || "freshness.parts: unknown part 'nope' (audit, tc, gh)"
    }

    def "quoted numbers and booleans are read as YAML writes them"() {
        expect:
        with(ConfigBinder.bind(tree("ssh: {fanout: '16'}\nserver: {read_auth: 'true'}"), FleetrollConfig)) {
            ssh().fanout() == 16
            server().readAuth()
        }
    }

    def "a null section or value is absent: null, zero or false"() {
        when:
        def c = ConfigBinder.bind(tree('github: null\nssh: {fanout: null, config_file: null}'), FleetrollConfig)

        then:
        c.github() == null
        c.ssh().fanout() == 0
        c.ssh().configFile() == null
    }

    def "keys are the component names in snake_case"() {
        expect:
        ConfigBinder.snakeCase(name) == key

        where:
        name                   || key
        'fanout'               || 'fanout'
        'handshakeConcurrency' || 'handshake_concurrency'
        'maxGhAge'             || 'max_gh_age'
        'largeMb'              || 'large_mb'
    }
}
