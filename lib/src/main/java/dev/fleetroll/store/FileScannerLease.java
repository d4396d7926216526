package dev.fleetroll.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ScannerLease} held as an exclusive OS file lock ({@link FileChannel#tryLock()}) on a file beside the
 * SQLite database. The OS drops the lock when the holder exits or dies, so a second server takes over without any
 * clean-up. Two holders in one JVM (two servers in one test) exclude each other too: the JVM refuses the second lock
 * ({@link OverlappingFileLockException}), which counts as "held elsewhere".
 */
public final class FileScannerLease implements ScannerLease {
    private static final Logger LOG = LoggerFactory.getLogger(FileScannerLease.class);

    private final Path file;
    private FileChannel channel;
    private FileLock lock;

    public FileScannerLease(Path file) {
        this.file = file;
    }

    /** The lock file. */
    public Path file() {
        return file;
    }

    @Override
    public synchronized boolean tryAcquire() {
        if (lock != null && lock.isValid()) {
            return true;
        }
        try {
            if (channel == null || !channel.isOpen()) {
                channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            }
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        } catch (IOException e) {
            LOG.warn("scanner lease {}: {}", file, e.getMessage());
            lock = null;
        }
        if (lock == null) {
            closeChannel();
        }
        return lock != null;
    }

    @Override
    public synchronized boolean held() {
        return lock != null && lock.isValid();
    }

    @Override
    public synchronized void close() {
        if (lock != null) {
            try {
                lock.release();
            } catch (IOException e) {
                LOG.debug("scanner lease {}: release: {}", file, e.getMessage());
            }
            lock = null;
        }
        closeChannel();
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                LOG.debug("scanner lease {}: close: {}", file, e.getMessage());
            }
            channel = null;
        }
    }
}
