package dev.larder;

import dev.larder.read.FeatureSelection;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.ValueType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A catalog plans each distinct feature list once and reuses it; a new catalog (a registry refresh) plans again. */
class CatalogSelectionTest {
    static final FeatureView STATS = new FeatureView("driver_stats", List.of("driver"), List.of(new Field("driver_id", ValueType.INT64)),
            List.of(new Field("conv_rate", ValueType.FLOAT), new Field("trips", ValueType.INT64)), Duration.ofDays(1));
    static final FeatureView RATINGS = new FeatureView("driver_ratings", List.of("driver"), List.of(new Field("driver_id", ValueType.INT64)),
            List.of(new Field("trips", ValueType.INT64)), Duration.ZERO);

    @Test
    void aRepeatedRequestReusesItsSelection() {
        Catalog catalog = Catalog.of(List.of(STATS, RATINGS));
        FeatureSelection first = catalog.selection(List.of("driver_stats:conv_rate", "driver_ratings:trips"), false);
        // an equal list in another instance, as each request brings its own
        FeatureSelection again = catalog.selection(new ArrayList<>(List.of("driver_stats:conv_rate", "driver_ratings:trips")), false);
        assertThat(again).isSameAs(first);
        assertThat(first.columnNames()).containsExactly("driver_id", "conv_rate", "trips");
        assertThat(first.columnIndex()).containsEntry("driver_ratings:trips", 2).containsEntry("trips", 2).containsEntry("driver_id", 0);

        FeatureSelection full = catalog.selection(List.of("driver_stats:conv_rate", "driver_ratings:trips"), true);
        assertThat(full).isNotSameAs(first);
        assertThat(full.columnNames()).containsExactly("driver_id", "driver_stats__conv_rate", "driver_ratings__trips");

        assertThat(Catalog.of(List.of(STATS, RATINGS)).selection(List.of("driver_stats:conv_rate", "driver_ratings:trips"), false))
                .as("another catalog version plans again").isNotSameAs(first).isEqualTo(first);
    }

    @Test
    void theCallersListMayChangeAfterwards() {
        Catalog catalog = Catalog.of(List.of(STATS));
        List<String> refs = new ArrayList<>(List.of("driver_stats:conv_rate"));
        FeatureSelection first = catalog.selection(refs, false);
        refs.add("driver_stats:trips");
        assertThat(catalog.selection(refs, false).columnNames()).containsExactly("driver_id", "conv_rate", "trips");
        assertThat(catalog.selection(List.of("driver_stats:conv_rate"), false)).isSameAs(first);
    }

    @Test
    void errorsAreNotCachedAwayAndUnservableViewsSayWhy() {
        Catalog catalog = new Catalog(List.of(STATS), List.of(), Map.of("odfv", "an on-demand feature view"));
        for (int i = 0; i < 2; i++) {
            assertThatThrownBy(() -> catalog.selection(List.of("driver_stats:nope"), false)).hasMessageContaining("has no feature 'nope'");
            assertThatThrownBy(() -> catalog.selection(List.of("odfv:x"), false)).hasMessageContaining("cannot be served by Larder: an on-demand");
        }
        Catalog two = Catalog.of(List.of(STATS, RATINGS));
        assertThatThrownBy(() -> two.selection(List.of("driver_stats:trips", "driver_ratings:trips"), false))
                .hasMessageContaining("request full feature names");
    }
}
