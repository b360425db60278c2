package dev.larder.store.bigtable;

import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.Value;
import dev.larder.spi.ValueType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Creating and using a store logs nothing at INFO or above (issue 21: the client's
 * java.util.logging INFO lines reached the CLI's stderr), seen by a handler on the root logger
 * that accepts everything; a level the host configured for the client's loggers is kept.
 */
class BigtableLoggingTest {
    @Test
    void creatingAndUsingAStoreLogsNothingAtInfo() {
        List<LogRecord> records = new ArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                synchronized (records) {
                    records.add(r);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        capture.setLevel(Level.ALL);
        Logger root = Logger.getLogger("");
        Level rootLevel = root.getLevel();
        try (EmulatorFixture fx = new EmulatorFixture()) {
            root.setLevel(Level.ALL);
            root.addHandler(capture);
            EntityKey key = EntityKey.of("driver_id", Value.ofInt64(1));
            FeatureView v = FeatureView.of("fv", new Field("driver_id", ValueType.INT64), List.of(new Field("x", ValueType.INT64)), Duration.ZERO);
            try (OnlineStore store = fx.store(EmulatorFixture.freshProject("log"), Map.of())) {
                store.update(InfraChange.keep(List.of(v)));
                store.plan(InfraChange.keep(List.of(v)));
                store.write(v, List.of(new FeatureRow(key, Map.of("x", Value.ofInt64(1)), Instant.now())), r -> { });
                assertThat(store.read(v, List.of(key), List.of("x")).get(0).isPresent()).isTrue();
                store.readAsync(v, List.of(key), List.of("x")).join();
                store.teardown(List.of(v));
            }
        } finally {
            root.removeHandler(capture);
            root.setLevel(rootLevel);
        }
        synchronized (records) {
            assertThat(records).as("records reached the root handler (else the capture proves nothing)")
                    .anySatisfy(r -> assertThat(r.getLevel().intValue()).isLessThan(Level.INFO.intValue()));
            assertThat(records).filteredOn(r -> r.getLevel().intValue() >= Level.INFO.intValue())
                    .extracting(r -> r.getLevel() + " " + r.getLoggerName() + ": " + r.getMessage()).isEmpty();
        }
    }

    @Test
    void aLevelTheHostConfiguredIsKept() {
        Logger configured = Logger.getLogger("dev.larder.test.configured");
        configured.setLevel(Level.FINE);
        assertThat(ClientLogging.quietUnlessConfigured("dev.larder.test.configured").getLevel()).isEqualTo(Level.FINE);
        assertThat(ClientLogging.quietUnlessConfigured("dev.larder.test.unconfigured").getLevel()).isEqualTo(Level.WARNING);
        assertThat(Logger.getLogger(ClientLogging.CLIENT_LOGGERS).getLevel()).isEqualTo(Level.WARNING);
    }
}
