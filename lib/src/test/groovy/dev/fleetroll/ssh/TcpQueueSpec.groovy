package dev.fleetroll.ssh

import spock.lang.Requires
import spock.lang.Specification

/** Unread bytes of a real loopback connection, as the kernel counts them. */
@Requires({ os.linux })
class TcpQueueSpec extends Specification {

    def "bytes the peer sent and nobody read are counted; reading them empties the queue"() {
        given:
        def server = new ServerSocket(0, 5, InetAddress.getByName('127.0.0.1'))
        def client = new Socket('127.0.0.1', server.localPort)
        def peer = server.accept()

        when:
        peer.outputStream.write(new byte[42])
        peer.outputStream.flush()
        long waiting = -1
        for (int i = 0; i < 500 && waiting != 42; i++) { // loopback delivery is immediate, but not synchronous
            waiting = TcpQueue.unread(client)
            if (waiting != 42) {
                Thread.sleep(10)
            }
        }

        then:
        waiting == 42
        TcpQueue.unread(peer) == 0

        when:
        client.inputStream.readNBytes(42)

        then:
        TcpQueue.unread(client) == 0

        cleanup:
        [peer, client, server]*.close()
    }

    def "unknown sockets are -1"() {
        expect:
        TcpQueue.unread(null) == -1
        TcpQueue.unread(new Socket()) == -1
    }

    def "addresses as the table prints them"() {
        expect:
        TcpQueue.entry(InetAddress.getByName('127.0.0.1'), 22) == '0100007F:0016'
        TcpQueue.entry(InetAddress.getByName('127.5.1.2'), 40000) == '0201057F:9C40'
        TcpQueue.entry(InetAddress.getByName('::1'), 22) == '00000000000000000000000001000000:0016'
    }

    def "the rx_queue column of the matching line"() {
        given:
        def table = '''  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:9C40 0500017F:0016 01 00000000:00000000 00:00000000 00000000     0        0 1 1 0 20 4 30 10 -1
   1: 0100007F:9C41 0500017F:0016 01 00000010:0000002A 00:00000000 00000000     0        0 2 1 0 20 4 30 10 -1
'''

        expect:
        TcpQueue.unread(new BufferedReader(new StringReader(table)), '0100007F:9C41 0500017F:0016') == 42
        TcpQueue.unread(new BufferedReader(new StringReader(table)), '0100007F:9C40 0500017F:0016') == 0
        TcpQueue.unread(new BufferedReader(new StringReader(table)), '0100007F:9C42 0500017F:0016') == -1
    }
}
