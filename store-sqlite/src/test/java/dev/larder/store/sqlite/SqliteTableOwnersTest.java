package dev.larder.store.sqlite;

import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.OnlineStoreException;
import dev.larder.spi.StoreContext;
import dev.larder.spi.StoreOptions;
import dev.larder.spi.Value;
import dev.larder.spi.ValueType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Issue 13 item 4: project shop + view eu_stats and project shop_eu + view stats both map to shop_eu_stats. */
class SqliteTableOwnersTest {
    static FeatureView view(String name) {
        return FeatureView.of(name, new Field("id", ValueType.INT64), List.of(new Field("n", ValueType.INT64)), Duration.ZERO);
    }

    static final FeatureView EU_STATS = view("eu_stats");
    static final FeatureView STATS = view("stats");
    static final EntityKey K = EntityKey.of("id", Value.ofInt64(1));

    @TempDir
    Path repo;

    OnlineStore store(String project) {
        return new SqliteStoreProvider().create(new StoreContext(project, repo, StoreOptions.of("sqlite", Map.of())));
    }

    @Test
    void aSecondProjectMappingToTheSameTableIsRefusedAndNeverDropsIt() throws Exception {
        try (OnlineStore shop = store("shop"); OnlineStore shopEu = store("shop_eu")) {
            shop.update(InfraChange.keep(List.of(EU_STATS)));
            shop.write(EU_STATS, List.of(new FeatureRow(K, Map.of("n", Value.ofInt64(42)), Instant.parse("2024-01-01T00:00:00Z"))), r -> { });

            assertThatThrownBy(() -> shopEu.update(InfraChange.keep(List.of(view("other"), STATS))))
                    .isInstanceOfSatisfying(OnlineStoreException.class, e -> {
                        assertThat(e.operation()).isEqualTo(OnlineStoreException.Operation.UPDATE);
                        assertThat(e.isRetryable()).isFalse();
                        assertThat(e.resource()).contains("shop_eu_stats");
                    })
                    .hasMessageContaining("belongs to project 'shop', feature view 'eu_stats'")
                    .hasMessageContaining("project 'shop_eu', feature view 'stats'");
            assertThatThrownBy(() -> shopEu.plan(InfraChange.keep(List.of(STATS)))).hasMessageContaining("belongs to project 'shop'");
            assertThatThrownBy(() -> shopEu.teardown(List.of(STATS)))
                    .isInstanceOfSatisfying(OnlineStoreException.class, e -> assertThat(e.operation()).isEqualTo(OnlineStoreException.Operation.TEARDOWN));
            assertThatThrownBy(() -> shopEu.write(STATS, List.of(new FeatureRow(K, Map.of("n", Value.ofInt64(7)), Instant.parse("2025-01-01T00:00:00Z"))), r -> { }))
                    .isInstanceOfSatisfying(OnlineStoreException.class, e -> assertThat(e.operation()).isEqualTo(OnlineStoreException.Operation.WRITE));
            assertThatThrownBy(() -> shopEu.read(STATS, List.of(K), List.of("n")))
                    .isInstanceOfSatisfying(OnlineStoreException.class, e -> assertThat(e.operation()).isEqualTo(OnlineStoreException.Operation.READ));

            assertThat(shop.read(EU_STATS, List.of(K), List.of("n")).get(0).values()).containsEntry("n", Value.ofInt64(42));
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + repo.resolve("data/online.db"));
                 ResultSet rs = c.createStatement().executeQuery("SELECT count(*) FROM sqlite_master WHERE name = 'shop_eu_other'")) {
                assertThat(rs.getInt(1)).as("the refused apply created nothing").isZero();
            }
            shop.teardown(List.of(EU_STATS));
            shopEu.update(InfraChange.keep(List.of(STATS))); // free again after its owner dropped it
            assertThat(shopEu.read(STATS, List.of(K), List.of("n")).get(0).isPresent()).isFalse();
        }
    }

    @Test
    void aTableWithoutARecordedOwnerIsClaimedByTheFirstApply() throws Exception {
        Path db = repo.resolve("data/online.db");
        java.nio.file.Files.createDirectories(db.getParent());
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            FeastSqlite.createTable(c, "shop_eu_stats"); // created by Feast for project shop, view eu_stats
        }
        try (OnlineStore shop = store("shop"); OnlineStore shopEu = store("shop_eu")) {
            shop.update(InfraChange.keep(List.of(EU_STATS)));
            assertThatThrownBy(() -> shopEu.update(InfraChange.keep(List.of(STATS)))).hasMessageContaining("belongs to project 'shop'");
        }
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + db);
             ResultSet rs = c.createStatement().executeQuery("SELECT project, feature_view FROM larder_table_owners WHERE table_name = 'shop_eu_stats'")) {
            assertThat(rs.getString(1) + "/" + rs.getString(2)).isEqualTo("shop/eu_stats");
        }
    }
}
