package dev.larder.benchmarks;

import dev.larder.benchmarks.env.BackendEnvironment;
import dev.larder.benchmarks.env.Environments;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureView;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.codec.EntityKeyCodec;
import org.openjdk.jmh.infra.Blackhole;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The two SQLite readers the benchmarks compare, on one fresh database file holding 500 keys of a
 * view: Larder's {@code OnlineStore.read}, and raw JDBC running the statement
 * {@code SqliteOnlineStore.readChunk} builds ({@code entity_key IN (...) AND feature_name IN (...)})
 * and reading every column of every row without decoding values: the floor for this layout.
 */
final class SqliteReaders implements AutoCloseable {
    private final BackendEnvironment env;
    private final OnlineStore store;
    private final FeatureView view;
    private final List<EntityKey> requestKeys;
    private final List<String> featureNames;
    private final Connection jdbc;
    private final String sql;

    SqliteReaders(int keys, int features) throws SQLException {
        env = Environments.start("sqlite");
        store = Environments.open(env, "bench");
        view = BenchData.view("sqlite_read_" + features, features);
        List<EntityKey> all = BenchData.load(store, view, 500);
        requestKeys = all.subList(0, keys);
        featureNames = view.featureNames();
        BenchData.checkComplete("sqlite", larder(), keys, featureNames);

        // The same connection settings and statement as the store (WAL, a pooled connection, a prepared IN query).
        jdbc = DriverManager.getConnection("jdbc:sqlite:" + env.storeOptions().get("path"));
        try (var st = jdbc.createStatement()) {
            st.execute("PRAGMA journal_mode=WAL");
        }
        StringBuilder q = new StringBuilder("SELECT entity_key, feature_name, value, event_ts FROM \"bench_")
                .append(view.name()).append("\" WHERE entity_key IN (");
        for (int i = 0; i < keys; i++) q.append(i == 0 ? "?" : ", ?");
        q.append(") AND feature_name IN (");
        for (int i = 0; i < features; i++) q.append(i == 0 ? "?" : ", ?");
        sql = q.append(')').toString();
        int rows = rawJdbc(new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous."));
        if (rows != keys * features) {
            throw new IllegalStateException("raw JDBC read " + rows + " rows; expected " + keys * features);
        }
    }

    List<OnlineRow> larder() {
        return store.read(view, requestKeys, featureNames);
    }

    /** Serializes the keys, runs the query and reads every column: what the store does, minus decoding. */
    int rawJdbc(Blackhole bh) throws SQLException {
        List<byte[]> ks = new ArrayList<>(requestKeys.size());
        for (EntityKey k : requestKeys) ks.add(EntityKeyCodec.serialize(k));
        int n = 0;
        try (PreparedStatement ps = jdbc.prepareStatement(sql)) {
            int p = 1;
            for (byte[] k : ks) ps.setBytes(p++, k);
            for (String f : featureNames) ps.setString(p++, f);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    bh.consume(rs.getBytes(1));
                    bh.consume(rs.getString(2));
                    bh.consume(rs.getBytes(3));
                    bh.consume(rs.getString(4));
                    n++;
                }
            }
        }
        return n;
    }

    @Override
    public void close() throws SQLException {
        try {
            jdbc.close();
        } finally {
            try {
                store.close();
            } finally {
                env.close();
            }
        }
    }
}
