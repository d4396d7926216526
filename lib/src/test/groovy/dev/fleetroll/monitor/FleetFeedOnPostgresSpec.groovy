package dev.fleetroll.monitor

import dev.fleetroll.store.PostgresFixture
import dev.fleetroll.store.StoreBackend
import spock.lang.AutoCleanup
import spock.lang.Requires
import spock.lang.Shared

/** {@link FleetFeedSpec}'s features on PostgreSQL: one throwaway cluster, a fresh database per store place. */
@Requires({ PostgresFixture.supported() })
class FleetFeedOnPostgresSpec extends FleetFeedSpec {
    @Shared
    @AutoCleanup
    PostgresFixture pg = PostgresFixture.start()

    @Override
    StoreBackend backend() {
        StoreBackend.postgres(pg)
    }
}
