import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Semaphore;

/**
 * The floor under the SQLite store's materialization speed, through the same driver (sqlite-jdbc)
 * and the same statement shape as the store: ENTITIES x 10 features of Feast's layout (one stored
 * row per feature, a 5-byte value, its text, integer times), inserted in key order with the
 * store's templated multi-row INSERT (20 entities per statement), a commit every 10,000 entities,
 * into a WITHOUT ROWID table with Feast's (empty, partial) _ek index. Nothing is read and nothing
 * else is encoded: whatever Larder does on top, its writer cannot go faster with these settings.
 *
 * <pre>
 * java -cp cli/target/larder.jar bench/SqliteJdbcFloor.java [ENTITIES] [SETTINGS...]
 *   SETTINGS (default: WAL + synchronous NORMAL + 16 KiB pages + SQLite's auto-checkpoint, the store's
 *   settings before its checkpoints moved to a thread of their own; bg is the store's now):
 *   delete       rollback journal instead of WAL          off     no journal, synchronous OFF
 *   sync-off     WAL with synchronous OFF                  p64k    64 KiB pages (p4k: 4 KiB)
 *   ckpt10k      WAL auto-checkpoint every 10,000 pages    bg      as the store since the checkpoint change: checkpoints
 *                                                                  on a second connection's thread, the writer's own
 *                                                                  past a 64 MB WAL
 *   fsync        fsync the file at the end (timed)
 * </pre>
 */
public class SqliteJdbcFloor {
    private static final String[] FEATURES = {"acc_rate", "avg_daily_trips", "conv_rate", "f3", "f4", "f5", "f6", "f7", "name", "rating"};
    private static final int PER_STATEMENT = 20;
    private static final int PER_COMMIT = 10_000;
    /** As the store's SqliteCheckpointer: past this WAL size the writer checkpoints itself. */
    private static final long WAL_LIMIT_BYTES = 64L << 20;

    public static void main(String[] args) throws Exception {
        int entities = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        List<String> settings = args.length > 1 ? List.of(args).subList(1, args.length) : List.of();
        Path dir = Files.createTempDirectory("sqlite-floor");
        Path db = dir.resolve("floor.db");
        String url = "jdbc:sqlite:" + db;
        try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
            st.execute("PRAGMA page_size=" + (settings.contains("p64k") ? 65536 : settings.contains("p4k") ? 4096 : 16384));
            st.execute("PRAGMA journal_mode=" + (settings.contains("delete") ? "DELETE" : settings.contains("off") ? "OFF" : "WAL"));
            st.execute("PRAGMA synchronous=" + (settings.contains("sync-off") || settings.contains("off") ? "OFF" : "NORMAL"));
            if (settings.contains("ckpt10k")) st.execute("PRAGMA wal_autocheckpoint=10000");
            if (settings.contains("bg")) {
                st.execute("PRAGMA wal_autocheckpoint=0");
                st.execute("PRAGMA journal_size_limit=" + WAL_LIMIT_BYTES);
            }
            st.execute("CREATE TABLE t (entity_key BLOB, feature_name TEXT, value BLOB, value_text TEXT, vector_value BLOB,"
                    + " event_ts timestamp, created_ts timestamp, PRIMARY KEY(entity_key, feature_name)) WITHOUT ROWID");
            st.execute("CREATE INDEX t_ek ON t (entity_key) WHERE 0");
            Semaphore due = new Semaphore(0);
            Thread checkpointer = settings.contains("bg") ? checkpointer(url, due) : null;
            c.setAutoCommit(false);
            long t0 = System.nanoTime();
            try (PreparedStatement ps = c.prepareStatement(insertSql())) {
                Random random = new Random(1);
                for (int from = 0; from < entities; from += PER_STATEMENT) {
                    int p = 1;
                    for (int e = from; e < from + PER_STATEMENT; e++) {
                        ps.setBytes(p++, key(e));
                        ps.setLong(p++, 1_704_067_200L + e % 1000);
                        ps.setLong(p++, 1_704_067_200L + e % 1000);
                        for (int f = 0; f < FEATURES.length; f++) {
                            float v = random.nextFloat();
                            ps.setBytes(p++, floatValue(v));
                            ps.setString(p++, Float.toString(v));
                        }
                    }
                    ps.executeUpdate();
                    if ((from + PER_STATEMENT) % PER_COMMIT == 0) {
                        c.commit();
                        if (checkpointer != null) {
                            // As the store: outside the transaction, the writer checkpoints once the WAL passes the limit.
                            due.release();
                            c.setAutoCommit(true);
                            if (Files.size(Path.of(db + "-wal")) > WAL_LIMIT_BYTES) {
                                try (ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
                                    rs.next();
                                }
                            }
                            c.setAutoCommit(false);
                        }
                    }
                }
            }
            c.commit();
            if (checkpointer != null) {
                checkpointer.interrupt();
                checkpointer.join();
            }
            c.setAutoCommit(true);
            double insert = (System.nanoTime() - t0) / 1e9;
            st.close();
            c.close();
            if (settings.contains("fsync")) {
                try (FileChannel ch = FileChannel.open(db, StandardOpenOption.WRITE)) {
                    ch.force(true);
                }
            }
            double total = (System.nanoTime() - t0) / 1e9;
            System.out.printf("%s: %,d entities (%,d rows) in %.1f s (inserting %.1f s): %,.0f entities/s; %d MB; %d CPUs, %s, Java %s%n",
                    settings.isEmpty() ? "auto-checkpoint" : String.join(" ", settings), entities, entities * 10L, total, insert,
                    entities / total, Files.size(db) >> 20, Runtime.getRuntime().availableProcessors(),
                    "sqlite-jdbc " + DriverManager.getDriver(url).getMajorVersion() + "." + DriverManager.getDriver(url).getMinorVersion(),
                    System.getProperty("java.version"));
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) Files.delete(f);
            }
            Files.delete(dir);
        }
    }

    private static String insertSql() {
        StringBuilder sql = new StringBuilder("INSERT INTO t (entity_key, feature_name, value, value_text, vector_value, event_ts, created_ts) VALUES ");
        int p = 1;
        for (int e = 0; e < PER_STATEMENT; e++) {
            int key = p++, event = p++, created = p++;
            for (String name : FEATURES) {
                sql.append(p == 4 ? "" : ", ").append("(?").append(key).append(", '").append(name).append("', ?").append(p++)
                        .append(", ?").append(p++).append(", NULL, ?").append(event).append(", ?").append(created).append(')');
            }
        }
        return sql.toString();
    }

    /** A 33-byte key shaped like a serialized Int64 entity key, sorting in entity order. */
    private static byte[] key(long e) {
        byte[] k = {2, 0, 0, 0, 'd', 'r', 'i', 'v', 'e', 'r', '_', 'i', 'd', 0, 0, 0, 0, 4, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};
        long id = 1_000_000L + e;
        for (int b = 0; b < 8; b++) k[25 + b] = (byte) (id >>> (8 * (7 - b)));
        return k;
    }

    /** A serialized Feast Value holding a float (float_val, field 6, fixed32). */
    private static byte[] floatValue(float v) {
        int bits = Float.floatToIntBits(v);
        return new byte[] {0x35, (byte) bits, (byte) (bits >>> 8), (byte) (bits >>> 16), (byte) (bits >>> 24)};
    }

    private static Thread checkpointer(String url, Semaphore due) {
        Thread t = new Thread(() -> {
            try (Connection c = DriverManager.getConnection(url); Statement st = c.createStatement()) {
                st.execute("PRAGMA synchronous=NORMAL");
                while (true) {
                    due.acquire();
                    due.drainPermits();
                    try (ResultSet rs = st.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
                        rs.next();
                    }
                }
            } catch (InterruptedException e) {
                // the load is over
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "checkpointer");
        t.start();
        return t;
    }
}
