package dev.fleetroll.store;

/** The store could not be read or written (disk full, corrupt file, lock held beyond the deadline). */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
