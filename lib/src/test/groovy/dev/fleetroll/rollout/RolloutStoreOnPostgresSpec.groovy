package dev.fleetroll.rollout

import dev.fleetroll.store.PostgresFixture
import dev.fleetroll.store.StoreBackend
import spock.lang.AutoCleanup
import spock.lang.Requires
import spock.lang.Shared

/** {@link RolloutStoreSpec}'s features on PostgreSQL: one throwaway cluster, a fresh database per store place. */
@Requires({ PostgresFixture.supported() })
class RolloutStoreOnPostgresSpec extends RolloutStoreSpec {
    @Shared
    @AutoCleanup
    PostgresFixture pg = PostgresFixture.start()

    @Override
    StoreBackend backend() {
        StoreBackend.postgres(pg)
    }
}
