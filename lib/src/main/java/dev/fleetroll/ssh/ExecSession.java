package dev.fleetroll.ssh;

import net.schmizz.concurrent.Event;
import net.schmizz.sshj.SSHClient;
import net.schmizz.sshj.common.Buffer;
import net.schmizz.sshj.connection.ConnectionException;
import net.schmizz.sshj.connection.channel.direct.SessionChannel;
import net.schmizz.sshj.transport.TransportException;

/**
 * A session channel whose {@code exec} request is answered through an event the caller waits on as long as the
 * command may take. SSHJ's own {@code exec} waits for the server's answer only for the connection's channel timeout
 * (the connect timeout, 20 s in the sandbox), then throws: a server slow to fork the command (seen on a loaded CI
 * machine) failed a write as "connection lost" although the connection was fine and the command's own timeout was far
 * off. OpenSSH's client waits for that answer for as long as the connection lives; here the command's timeout and
 * cancellation bound it ({@link ChannelRunner}), and a dead connection errors the event.
 */
final class ExecSession extends SessionChannel {
    private ExecSession(SSHClient client) {
        super(client.getConnection(), client.getRemoteCharset());
    }

    /** A new session channel on {@code client}, opened (SSHJ's channel timeout bounds the server's open confirmation). */
    static ExecSession open(SSHClient client) throws ConnectionException, TransportException {
        ExecSession s = new ExecSession(client);
        s.open();
        return s;
    }

    /**
     * Sends the {@code exec} request for {@code commandLine} without waiting. The event is set when the server starts
     * the command, errored when it refuses (a {@link ConnectionException} without a cause) or the channel or
     * connection dies.
     */
    Event<ConnectionException> requestExec(String commandLine) throws TransportException {
        return sendChannelRequest("exec", true, new Buffer.PlainBuffer().putString(commandLine, getRemoteCharset()));
    }
}
