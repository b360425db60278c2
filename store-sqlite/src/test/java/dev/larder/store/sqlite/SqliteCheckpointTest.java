package dev.larder.store.sqlite;

import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.Value;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.larder.store.sqlite.SqliteReadOnlyTest.VIEW;
import static dev.larder.store.sqlite.SqliteReadOnlyTest.open;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The WAL is checkpointed on a thread of the store's own ({@link SqliteCheckpointer}). What is in
 * the database file itself is read with {@code immutable=1}, which ignores the WAL: rows there were
 * checkpointed, rows only in the WAL are not seen.
 */
class SqliteCheckpointTest {
    @TempDir
    Path tmp;

    @Test
    void committedRowsReachTheDatabaseFileWithoutAnotherWriteOrAClose() throws Exception {
        try (OnlineStore store = open(tmp, Map.of())) {
            store.update(InfraChange.keep(List.of(VIEW)));
            // A few pages: far below SQLite's own auto-checkpoint (1,000 pages), which the writer does not run anyway.
            store.write(VIEW, rows(0, 500), r -> { });
            long deadline = System.nanoTime() + 30_000_000_000L;
            long inFile;
            while ((inFile = rowsInFile(tmp.resolve("data/online.db"))) < 500 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(inFile).as("rows in the database file, the WAL aside, with the store still open and idle").isEqualTo(500);
        }
    }

    @Test
    void theWriterCheckpointsItselfPastTheWalLimit() throws Exception {
        Path db = tmp.resolve("data/online.db");
        try (OnlineStore store = open(tmp, Map.of())) {
            store.update(InfraChange.keep(List.of(VIEW)));
        }
        try (Connection writer = DriverManager.getConnection("jdbc:sqlite:" + db)) {
            try (Statement st = writer.createStatement()) {
                st.execute("PRAGMA journal_mode=WAL");
                st.execute("PRAGMA wal_autocheckpoint=0");
            }
            // A checkpointing thread that cannot connect: only the writer's own checkpoint can move the rows.
            try (SqliteCheckpointer checkpointer = new SqliteCheckpointer(db, 0, () -> {
                throw new IllegalStateException("no connection for this test");
            })) {
                try (Statement st = writer.createStatement()) {
                    st.execute("INSERT INTO \"p_v\" (entity_key, feature_name, value, event_ts, created_ts) VALUES (x'01', 'n', x'2001', 1, 1)");
                }
                assertThat(rowsInFile(db)).as("before the checkpoint the row is only in the WAL").isZero();
                checkpointer.committed(writer);
                assertThat(rowsInFile(db)).as("checkpointed by committed(), on the writer's connection").isEqualTo(1);
            }
        }
    }

    private static List<FeatureRow> rows(int from, int to) {
        List<FeatureRow> rows = new ArrayList<>();
        for (int i = from; i < to; i++) {
            rows.add(new FeatureRow(EntityKey.of("id", Value.ofInt64(i)), Map.of("n", Value.ofInt64(i)), Instant.parse("2024-01-01T00:00:00Z")));
        }
        return rows;
    }

    /** Rows of the view's table in the database file alone (0 while the table itself is only in the WAL). */
    private static long rowsInFile(Path db) {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:file:" + db + "?immutable=1");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT count(*) FROM \"p_v\"")) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            return 0; // no such table yet, or a page caught mid-copy: not (all) there
        }
    }
}
