package dev.fleetroll.reboot

import dev.fleetroll.store.PostgresFixture
import dev.fleetroll.store.StoreBackend
import spock.lang.AutoCleanup
import spock.lang.Requires
import spock.lang.Shared

/** {@link RebootSlotsSpec}'s features on PostgreSQL: several connections to one database share the slots. */
@Requires({ PostgresFixture.supported() })
class RebootSlotsOnPostgresSpec extends RebootSlotsSpec {
    @Shared
    @AutoCleanup
    PostgresFixture pg = PostgresFixture.start()

    @Override
    StoreBackend backend() {
        StoreBackend.postgres(pg)
    }
}
