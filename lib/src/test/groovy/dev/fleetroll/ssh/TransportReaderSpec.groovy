package dev.fleetroll.ssh

import net.schmizz.sshj.transport.Reader
import spock.lang.Specification

/**
 * fleetroll's SSHJ transport reader (16 KiB per connection) is the one SSHJ starts, not SSHJ's own (256 KiB): the
 * class SSHJ's TransportImpl loads by name is ours, from this module, and connections work through it (every SSH spec).
 */
class TransportReaderSpec extends Specification {
    def "SSHJ's transport loads fleetroll's reader"() {
        given:
        Class<?> loaded = Class.forName('net.schmizz.sshj.transport.Reader', false, net.schmizz.sshj.transport.TransportImpl.classLoader)

        expect:
        loaded.getDeclaredField('RECEIVE_CHUNK').getInt(null) == 16 * 1024
        loaded.protectionDomain.codeSource.location == SshjExecutor.protectionDomain.codeSource.location
        Reader.RECEIVE_CHUNK < 256 * 1024
    }
}
