package dev.larder;

import dev.larder.definitions.Definitions;
import dev.larder.registry.Registry;
import dev.larder.registry.RegistryStore;
import dev.larder.registry.RegistryStores;
import dev.larder.registry.feast.FeastGolden;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Re-reading the registry every cache_ttl_seconds, on a clock the test moves (no sleeping). */
class RefreshingCatalogTest {
    @TempDir
    Path repo;

    /** A clock the test sets. */
    static final class TestClock extends Clock {
        volatile Instant now = FeastGolden.T1;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }

        void advance(Duration d) {
            now = now.plus(d);
        }
    }

    @Test
    void swapsInTheNewRegistryAfterTheTtlAndKeepsTheLastGoodOneWhenAReloadFails() throws Exception {
        Path file = FeastGolden.copy("driver_registry.db", repo.resolve("data"));
        RegistryStore store = RegistryStores.open(FeastGolden.fileConfig(file));
        TestClock clock = new TestClock();
        RefreshingCatalog catalog = new RefreshingCatalog(store, "driver_proj", Duration.ofSeconds(600), clock);
        Catalog first = catalog.get();
        assertThat(first.services()).containsKey("driver_activity");

        // The registry changes: the feature service and global_stats are gone.
        Definitions fewer = new Definitions(FeastGolden.definitions().entities(), FeastGolden.definitions().views().subList(0, 2));
        store.save(store.loadApplied("driver_proj").withDefinitions(fewer, List.of(), clock.instant()));

        clock.advance(Duration.ofSeconds(599));
        assertThat(catalog.get()).isSameAs(first);
        clock.advance(Duration.ofSeconds(1));
        Catalog second = catalog.get();
        assertThat(second).isNotSameAs(first);
        assertThat(second.services()).isEmpty();
        assertThat(second.views()).containsOnlyKeys("driver_hourly_stats", "driver_hourly_stats_fresh");
        assertThat(catalog.loadedAt()).isEqualTo(clock.instant());
        assertThat(first.services()).containsKey("driver_activity"); // a request holding the old catalog still sees all of it

        // A broken registry: the last good catalog stays, the failure is recorded, and it is tried again only after another ttl.
        Files.write(file, new byte[]{(byte) 0xff, (byte) 0xff, (byte) 0xff});
        clock.advance(Duration.ofSeconds(600));
        assertThat(catalog.get()).isSameAs(second);
        assertThat(catalog.lastFailure()).get().asString().contains(file.toString()).contains("protobuf parsing");
        Instant failedAt = clock.instant();

        FeastGolden.copy("driver_registry.db", repo.resolve("data"));
        clock.advance(Duration.ofSeconds(300));
        assertThat(catalog.get()).isSameAs(second);
        clock.advance(Duration.ofSeconds(300));
        assertThat(catalog.get().services()).containsKey("driver_activity");
        assertThat(catalog.lastFailure()).isEmpty();
        assertThat(catalog.loadedAt()).isEqualTo(failedAt.plusSeconds(600));
    }

    @Test
    void aTtlOfZeroNeverReloads() throws Exception {
        Path file = FeastGolden.copy("driver_registry.db", repo.resolve("data"));
        RegistryStore store = RegistryStores.open(FeastGolden.fileConfig(file));
        TestClock clock = new TestClock();
        RefreshingCatalog catalog = new RefreshingCatalog(store, "driver_proj", Duration.ZERO, clock);
        Catalog first = catalog.get();
        store.save(Registry.empty("driver_proj").withDefinitions(new Definitions(List.of(), List.of()), List.of(), clock.instant()));
        clock.advance(Duration.ofDays(365));
        assertThat(catalog.get()).isSameAs(first);
    }
    @Test
    void aCallerThatMustNotWaitGetsTheServedCatalogWhileTheReloadRunsInTheBackground() throws Exception {
        Path file = FeastGolden.copy("driver_registry.db", repo.resolve("data"));
        RegistryStore store = RegistryStores.open(FeastGolden.fileConfig(file));
        TestClock clock = new TestClock();
        RefreshingCatalog catalog = new RefreshingCatalog(store, "driver_proj", Duration.ofSeconds(600), clock);
        List<Runnable> background = new java.util.ArrayList<>();
        Catalog first = catalog.getWithoutWaiting(background::add);
        assertThat(background).isEmpty(); // nothing due yet

        Definitions fewer = new Definitions(FeastGolden.definitions().entities(), FeastGolden.definitions().views().subList(0, 2));
        store.save(store.loadApplied("driver_proj").withDefinitions(fewer, List.of(), clock.instant()));
        clock.advance(Duration.ofSeconds(600));

        // Due: the reload is handed to the background executor once, and the caller gets the catalog being served.
        assertThat(catalog.getWithoutWaiting(background::add)).isSameAs(first);
        assertThat(catalog.getWithoutWaiting(background::add)).isSameAs(first);
        assertThat(background).hasSize(1);

        background.get(0).run();
        Catalog second = catalog.getWithoutWaiting(background::add);
        assertThat(second).isNotSameAs(first);
        assertThat(second.services()).isEmpty();
        assertThat(background).hasSize(1); // reloaded: nothing due until another ttl has passed
    }
}
