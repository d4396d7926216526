package dev.fleetroll.ssh

import java.nio.channels.FileChannel
import java.nio.file.Path
import java.nio.file.StandardOpenOption

/**
 * Another process holding a file's lock, as a second fleetroll adding hosts to the same known_hosts does: locks the
 * file given as the argument (the same POSIX lock KnownHostsVerifier takes), prints {@code LOCKED}, and releases it
 * when its stdin ends.
 */
class FileLockHolderMain {
    static void main(String[] args) {
        FileChannel.open(Path.of(args[0]), StandardOpenOption.CREATE, StandardOpenOption.WRITE).withCloseable { ch ->
            ch.lock().withCloseable {
                println 'LOCKED'
                System.out.flush()
                System.in.read()
            }
        }
    }
}
