package dev.fleetroll.taskcluster

import spock.lang.Specification

import java.nio.charset.StandardCharsets
import java.time.Duration

class HawkSpec extends Specification {
    // The protocol example of the hapi/hawk README and tests (credentials, request and expected values)
    static final String ID = 'dh37fgj492je'
    static final String KEY = 'werxhqb98rpaxn39848xrunpaw3489ruxnpa98w4rxn'
    static final long TS = 1353832234L
    static final String NONCE = 'j4h3g2'
    static final String EXT = 'some-app-ext-data'
    static final String RESOURCE = '/resource/1?b=1&a=2'

    static Hawk.Artifacts vector(String method, String hash = null, int port = 8000) {
        new Hawk.Artifacts(TS, NONCE, method, RESOURCE, 'example.com', port, hash, EXT)
    }

    def "the published GET vector: header and MAC"() {
        expect:
        Hawk.header(ID, KEY, vector('GET')) ==
                'Hawk id="dh37fgj492je", ts="1353832234", nonce="j4h3g2", ext="some-app-ext-data", mac="6R4rV5iE+NPoym+WwjeHzjAGXUtLNIxmo1vpMofpLAE="'
    }

    def "the published normalized string example"() {
        expect:
        Hawk.normalized(new Hawk.Artifacts(TS, NONCE, 'get', '/resource?a=1&b=2', 'Example.COM', 8000, null, EXT)) ==
                'hawk.1.header\n1353832234\nj4h3g2\nGET\n/resource?a=1&b=2\nexample.com\n8000\n\nsome-app-ext-data\n'
    }

    def "the published POST vector with a payload: hash and MAC"() {
        when:
        String hash = Hawk.payloadHash('text/plain', 'Thank you for flying Hawk'.getBytes(StandardCharsets.UTF_8))

        then:
        hash == 'Yi9LfIIFRtBEPt74PVmbTF/xVAwPn7ub15ePICfgnuY='
        Hawk.header(ID, KEY, vector('POST', hash)) ==
                'Hawk id="dh37fgj492je", ts="1353832234", nonce="j4h3g2", hash="Yi9LfIIFRtBEPt74PVmbTF/xVAwPn7ub15ePICfgnuY=", ext="some-app-ext-data", mac="aSe1DERmZuRl3pI36/9BdZmnErTw3sNzOOAUlfeKjVw="'
    }

    def "more published MACs: POST without payload, GET on port 80"() {
        expect:
        Hawk.mac(KEY, vector('POST')) == '56wgBMHr4oIwA/dGZspMm6Zk4rnf3aiwwVeL0VtWoGo='
        Hawk.mac(KEY, vector('GET', null, 80)) == 'fmzTiKheFFqAeWWoVIt6vIflByB9X8TeYQjCdvq9bf4='
    }

    def "the payload hash ignores content-type parameters and case"() {
        given:
        byte[] body = 'Thank you for flying Hawk'.getBytes(StandardCharsets.UTF_8)

        expect:
        Hawk.payloadHash('Text/Plain; charset=utf-8', body) == Hawk.payloadHash('text/plain', body)
    }

    def "a signed header verifies"() {
        given:
        String header = Hawk.header(ID, KEY, new Hawk.Artifacts(TS, 'n1', 'PUT', '/api/x?y=1', 'localhost', 1234, null, null))

        when:
        def v = Hawk.verify(header, 'PUT', '/api/x?y=1', 'LOCALHOST', 1234, keys(), TS + 60, Hawk.DEFAULT_SKEW)

        then:
        v.ok()
        v.id() == ID
    }

    def "tampering with #what is a Bad Mac"() {
        given:
        String header = Hawk.header(ID, KEY, new Hawk.Artifacts(TS, 'n1', 'PUT', '/api/x?y=1', 'localhost', 1234, null, 'e'))

        when:
        def v = Hawk.verify(header.replace(from, to), method, resource, 'localhost', port, keys(), TS, Hawk.DEFAULT_SKEW)

        then:
        v.status() == Hawk.Status.BAD_MAC
        v.message() == 'Bad Mac'

        where:
        what       | from         | to           | method | resource     | port
        'method'   | 'x'          | 'x'          | 'GET'  | '/api/x?y=1' | 1234
        'resource' | 'x'          | 'x'          | 'PUT'  | '/api/x?y=2' | 1234
        'port'     | 'x'          | 'x'          | 'PUT'  | '/api/x?y=1' | 1235
        'ts'       | "ts=\"$TS\"" | 'ts="1353832235"' | 'PUT' | '/api/x?y=1' | 1234
        'ext'      | 'ext="e"'    | 'ext="f"'    | 'PUT'  | '/api/x?y=1' | 1234
    }

    def "a header signed with another key is a Bad Mac"() {
        given:
        String header = Hawk.header(ID, 'other-key', vector('GET'))

        expect:
        Hawk.verify(header, 'GET', RESOURCE, 'example.com', 8000, keys(), TS, Hawk.DEFAULT_SKEW).status() == Hawk.Status.BAD_MAC
    }

    def "an unknown id"() {
        expect:
        Hawk.verify(Hawk.header('nobody', KEY, vector('GET')), 'GET', RESOURCE, 'example.com', 8000, keys(), TS,
                Hawk.DEFAULT_SKEW).status() == Hawk.Status.UNKNOWN_ID
    }

    def "a timestamp #offset s off with a #window window is #status"() {
        given:
        String header = Hawk.header(ID, KEY, vector('GET'))

        when:
        def v = Hawk.verify(header, 'GET', RESOURCE, 'example.com', 8000, keys(), TS + offset, Duration.ofSeconds(window))

        then:
        v.status() == status
        v.serverTs() == TS + offset

        where:
        offset | window || status
        900    | 900    || Hawk.Status.OK
        -900   | 900    || Hawk.Status.OK
        901    | 900    || Hawk.Status.STALE_TIMESTAMP
        -901   | 900    || Hawk.Status.STALE_TIMESTAMP
        61     | 60     || Hawk.Status.STALE_TIMESTAMP
    }

    def "the stale-timestamp challenge carries the server's ts and its MAC"() {
        when:
        def at = Hawk.attributes(Hawk.staleTimestampChallenge(KEY, 1365741469L)).get()

        then:
        at.ts == '1365741469'
        at.tsm == Hawk.timestampMac(KEY, 1365741469L)
        at.error == 'Stale timestamp'
    }

    def "malformed headers: #header"() {
        expect:
        Hawk.verify(header, 'GET', RESOURCE, 'example.com', 8000, keys(), TS, Hawk.DEFAULT_SKEW).status() == Hawk.Status.BAD_HEADER

        where:
        header << [null, '', 'Basic abc', 'Hawk id="a", ts="1"', 'Hawk id="a", ts="x", nonce="n", mac="m"',
                   'Hawk id="a" ts=1', 'Hawk id="a", id="b", ts="1", nonce="n", mac="m"']
    }

    def "temporary credentials put the certificate object into ext"() {
        when:
        String ext = Hawk.certificateExt(' {"version":1,"scopes":["a"]} ')

        then:
        new String(Base64.decoder.decode(ext), StandardCharsets.UTF_8) == '{"certificate":{"version":1,"scopes":["a"]}}'
    }

    def "nonces differ"() {
        expect:
        (1..100).collect { Hawk.nonce() }.toSet().size() == 100
    }

    private static java.util.function.Function<String, Optional<String>> keys() {
        return { String id -> id == ID ? Optional.of(KEY) : Optional.empty() } as java.util.function.Function
    }
}
