package dev.fleetroll.store

import spock.lang.AutoCleanup
import spock.lang.Requires
import spock.lang.Shared

/** {@link NotesStoreSpec}'s features on PostgreSQL: one throwaway cluster, a fresh database per store place. */
@Requires({ PostgresFixture.supported() })
class NotesStoreOnPostgresSpec extends NotesStoreSpec {
    @Shared
    @AutoCleanup
    PostgresFixture pg = PostgresFixture.start()

    @Override
    StoreBackend backend() {
        StoreBackend.postgres(pg)
    }
}
