package dev.larder.store.redis;

import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.PlannedChange;
import dev.larder.spi.ProgressListener;
import dev.larder.spi.Value;
import dev.larder.spi.ViewRead;
import dev.larder.spi.codec.CodecException;
import dev.larder.spi.codec.EntityKeyCodec;
import dev.larder.spi.support.DistinctKeys;
import dev.larder.spi.support.InFlight;
import dev.larder.spi.codec.Timestamps;
import dev.larder.spi.codec.ValueCodec;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.sync.RedisKeyCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.output.ValueListOutput;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Feast's Redis layout: one HASH per entity key and project (key = serialized entity key ‖
 * project), shared by every view with the same join keys; a field per feature named by
 * murmur3-32 of {@code view:feature}, and {@code _ts:<view>} holding the event time as a
 * protobuf Timestamp.
 *
 * <p>Reads send one HMGET per distinct key (the requested fields of every view asked for, plus
 * each view's {@code _ts}) in one pipelined batch. Writes send one {@link NewestWinsScript} call
 * per key, pipelined in chunks, so the newest event time wins atomically on the server.
 * Thread-safe: one instance (one client, one connection) serves every thread.
 */
public final class RedisOnlineStore implements OnlineStore {
    @Override
    public java.util.Set<dev.larder.spi.Capability> capabilities() {
        return new RedisStoreProvider().capabilities().keySet();
    }

    @Override
    public java.time.temporal.ChronoUnit eventTimePrecision() {
        return java.time.temporal.ChronoUnit.NANOS;
    }

    /** Rows per pipelined write chunk, and how many chunks may be in flight at once. */
    static final int WRITE_CHUNK = 1000;
    static final int WRITE_CHUNKS_IN_FLIGHT = 4;
    /** Keys per SCAN step when removing a view. */
    static final int SCAN_COUNT = 1000;
    /** Larder's registry of applied views of a project (Feast keeps none): a HASH view name → join keys. */
    static final String REGISTRY_PREFIX = "larder:views:";

    private final String project;
    private final byte[] projectBytes;
    private final RedisStoreConfig config;
    private final String where;
    private final RedisPipe pipe;
    private final byte[] registryKey;
    private volatile boolean closed;

    /** Connects now; fails with the server address when the server cannot be reached. */
    public RedisOnlineStore(String project, RedisStoreConfig config) {
        this.project = project;
        this.projectBytes = project.getBytes(StandardCharsets.UTF_8);
        this.config = config;
        this.where = config.describe();
        this.registryKey = (REGISTRY_PREFIX + project).getBytes(StandardCharsets.UTF_8);
        try {
            this.pipe = RedisPipe.open(config);
        } catch (RuntimeException e) {
            throw new RedisStoreException(where + ": cannot connect: " + message(e), e);
        }
    }

    public RedisStoreConfig config() {
        return config;
    }

    // --------------------------------------------------------------------------------- layout

    static byte[] tsField(String view) {
        return ("_ts:" + view).getBytes(StandardCharsets.UTF_8);
    }

    byte[] key(EntityKey key) {
        return EntityKeyCodec.redisKey(key, project);
    }

    // --------------------------------------------------------------------------------- read

    @Override
    public List<OnlineRow> read(FeatureView view, List<EntityKey> keys, List<String> features) {
        return await(readViewsAsync(List.of(new ViewRead(view, features)), keys), "read " + keys.size() + " keys of view '" + view.name() + "'").get(0);
    }

    @Override
    public CompletableFuture<List<OnlineRow>> readAsync(FeatureView view, List<EntityKey> keys, List<String> features) {
        return readViewsAsync(List.of(new ViewRead(view, features)), keys).thenApply(r -> r.get(0));
    }

    @Override
    public List<List<OnlineRow>> readViews(List<ViewRead> reads, List<EntityKey> keys) {
        List<String> names = new ArrayList<>();
        for (ViewRead r : reads) names.add(r.view().name());
        return await(readViewsAsync(reads, keys), "read " + keys.size() + " keys of views " + names);
    }

    /**
     * Reads several views sharing join keys: one HMGET per distinct key asks for every view's
     * fields at once, all in one pipelined batch. Decoding runs where the last reply arrives.
     */
    @Override
    public CompletableFuture<List<List<OnlineRow>>> readViewsAsync(List<ViewRead> reads, List<EntityKey> keys) {
        try {
            checkOpen();
            if (keys.isEmpty()) {
                List<List<OnlineRow>> empty = new ArrayList<>();
                for (int v = 0; v < reads.size(); v++) empty.add(List.of());
                return CompletableFuture.completedFuture(empty);
            }
            DistinctKeys distinct = DistinctKeys.of(keys);
            List<EntityKey> order = distinct.keys();
            // The HMGET field list: per view its features, then its _ts field.
            List<byte[]> fields = new ArrayList<>();
            int[] start = new int[reads.size()];
            for (int v = 0; v < reads.size(); v++) {
                ViewRead r = reads.get(v);
                start[v] = fields.size();
                for (String f : r.features()) fields.add(EntityKeyCodec.redisField(r.view().name(), f));
                fields.add(tsField(r.view().name()));
            }
            byte[][] redisKeys = new byte[order.size()][];
            for (int d = 0; d < redisKeys.length; d++) redisKeys[d] = key(order.get(d));
            List<CompletableFuture<List<byte[]>>> replies = pipe.send(redisKeys.length, d -> {
                CommandArgs<byte[], byte[]> args = new CommandArgs<>(ByteArrayCodec.INSTANCE).addKey(redisKeys[d]);
                for (byte[] f : fields) args.add(f);
                return new Command<>(CommandType.HMGET, new ValueListOutput<>(ByteArrayCodec.INSTANCE), args);
            });
            return CompletableFuture.allOf(replies.toArray(new CompletableFuture[0])).handle((ignored, error) -> {
                if (error != null) throw failure("read " + keys.size() + " keys", error);
                List<List<OnlineRow>> out = new ArrayList<>(reads.size());
                for (int v = 0; v < reads.size(); v++) {
                    ViewRead r = reads.get(v);
                    OnlineRow[] rows = new OnlineRow[redisKeys.length];
                    for (int d = 0; d < rows.length; d++) {
                        rows[d] = toRow(r, replies.get(d).join(), start[v], order.get(d));
                    }
                    out.add(distinct.expand(rows));
                }
                return out;
            });
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** A view's row from its slice of an HMGET reply: present when its {@code _ts} field is. */
    private OnlineRow toRow(ViewRead r, List<byte[]> reply, int from, EntityKey key) {
        List<String> features = r.features();
        byte[] ts = reply.get(from + features.size());
        if (ts == null) return OnlineRow.ABSENT;
        try {
            Instant eventTime = Timestamps.decodeProto(ts);
            Map<String, Value> values = new HashMap<>(features.size() * 2);
            for (int j = 0; j < features.size(); j++) {
                byte[] b = reply.get(from + j);
                if (b != null) values.put(features.get(j), ValueCodec.decode(b));
            }
            return OnlineRow.of(eventTime, values);
        } catch (CodecException e) {
            throw new RedisStoreException(where + ": view '" + r.view().name() + "' of entity " + key + " in project '" + project
                    + "' holds bytes that are not Feast's encoding: " + e.getMessage(), e);
        }
    }

    // --------------------------------------------------------------------------------- write

    @Override
    public void write(FeatureView view, List<FeatureRow> rows, ProgressListener progress) {
        checkOpen();
        if (rows.isEmpty()) return;
        // One script call per key: the newest row of each key in the batch (the first of equal times).
        LinkedHashMap<EntityKey, FeatureRow> newest = new LinkedHashMap<>();
        for (FeatureRow r : rows) {
            newest.merge(r.entityKey(), r, (old, now) -> now.eventTime().isAfter(old.eventTime()) ? now : old);
        }
        List<FeatureRow> distinct = new ArrayList<>(newest.values());
        String viewName = view.name();
        byte[] ts = tsField(viewName);
        Map<String, byte[]> fieldOf = new HashMap<>();
        long ttl = config.keyTtl().getSeconds();
        String what = "write " + rows.size() + " rows of view '" + viewName + "'";

        Deque<CompletableFuture<Integer>> inFlight = new ArrayDeque<>();
        for (int from = 0; from < distinct.size(); from += WRITE_CHUNK) {
            List<FeatureRow> chunk = distinct.subList(from, Math.min(distinct.size(), from + WRITE_CHUNK));
            byte[][][] args = new byte[chunk.size()][][];
            for (int i = 0; i < chunk.size(); i++) args[i] = scriptArgs(viewName, chunk.get(i), ts, ttl, fieldOf);
            List<CompletableFuture<Long>> results = pipe.send(chunk.size(), i -> script(CommandType.EVALSHA, args[i]));
            List<CompletableFuture<Long>> done = new ArrayList<>(results.size());
            for (int i = 0; i < results.size(); i++) {
                byte[][] a = args[i];
                // The script cache is empty after a restart or failover: send the script itself once.
                done.add(results.get(i).exceptionallyCompose(e -> isNoScript(e) ? pipe.sendOne(script(CommandType.EVAL, a)) : CompletableFuture.failedFuture(e)));
            }
            int size = chunk.size();
            inFlight.add(CompletableFuture.allOf(done.toArray(new CompletableFuture[0])).thenApply(x -> size));
            while (inFlight.size() >= WRITE_CHUNKS_IN_FLIGHT) progress.rowsWritten(await(inFlight.poll(), what));
        }
        while (!inFlight.isEmpty()) progress.rowsWritten(await(inFlight.poll(), what));
        if (rows.size() > distinct.size()) progress.rowsWritten(rows.size() - distinct.size());
    }

    /** KEYS[1] then ARGV as {@link NewestWinsScript} takes them. */
    private byte[][] scriptArgs(String view, FeatureRow row, byte[] tsField, long ttl, Map<String, byte[]> fieldOf) {
        byte[][] a = new byte[6 + 2 * row.values().size()][];
        Instant t = row.eventTime();
        a[0] = key(row.entityKey());
        a[1] = tsField;
        a[2] = Timestamps.encodeProto(t);
        a[3] = Long.toString(t.getEpochSecond()).getBytes(StandardCharsets.US_ASCII);
        a[4] = Integer.toString(t.getNano()).getBytes(StandardCharsets.US_ASCII);
        a[5] = Long.toString(ttl).getBytes(StandardCharsets.US_ASCII);
        int i = 6;
        for (Map.Entry<String, Value> e : row.values().entrySet()) {
            a[i++] = fieldOf.computeIfAbsent(e.getKey(), f -> EntityKeyCodec.redisField(view, f));
            a[i++] = ValueCodec.encode(e.getValue());
        }
        return a;
    }

    private static Command<byte[], byte[], Long> script(CommandType type, byte[][] a) {
        CommandArgs<byte[], byte[]> args = new CommandArgs<>(ByteArrayCodec.INSTANCE);
        if (type == CommandType.EVALSHA) args.add(NewestWinsScript.SHA1);
        else args.add(NewestWinsScript.SOURCE_BYTES);
        args.add(1).addKey(a[0]);
        for (int i = 1; i < a.length; i++) args.add(a[i]);
        return new Command<>(type, new IntegerOutput<>(ByteArrayCodec.INSTANCE), args);
    }

    private static boolean isNoScript(Throwable e) {
        Throwable t = InFlight.unwrap(e);
        return t.getMessage() != null && t.getMessage().startsWith("NOSCRIPT");
    }

    // --------------------------------------------------------------------------------- infrastructure

    /**
     * Registers kept views in Larder's registry hash; for deleted views, removes their fields and
     * {@code _ts:<view>} from every key of the project with the view's join keys (SCAN in steps
     * of {@value #SCAN_COUNT}, never KEYS); Redis deletes a hash left empty.
     */
    @Override
    public void update(InfraChange change) {
        checkOpen();
        try {
            for (FeatureView v : change.viewsToDelete()) {
                deleteViewData(v);
                pipe.hashes().hdel(registryKey, v.name().getBytes(StandardCharsets.UTF_8));
            }
            if (!change.viewsToKeep().isEmpty()) {
                Map<byte[], byte[]> entries = new LinkedHashMap<>();
                for (FeatureView v : change.viewsToKeep()) {
                    entries.put(v.name().getBytes(StandardCharsets.UTF_8), String.join(",", v.joinKeyNames()).getBytes(StandardCharsets.UTF_8));
                }
                pipe.hashes().hset(registryKey, entries);
            }
        } catch (RedisStoreException e) {
            throw e;
        } catch (RuntimeException e) {
            throw failure("update the views of project '" + project + "'", e);
        }
    }

    @Override
    public List<PlannedChange> plan(InfraChange change) {
        checkOpen();
        List<PlannedChange> out = new ArrayList<>();
        try {
            for (FeatureView v : change.viewsToKeep()) {
                String resource = "view '" + v.name() + "' of project '" + project + "'";
                boolean registered = pipe.hashes().hexists(registryKey, v.name().getBytes(StandardCharsets.UTF_8));
                out.add(registered
                        ? new PlannedChange(PlannedChange.Action.UNCHANGED, resource, "")
                        : new PlannedChange(PlannedChange.Action.CREATE, resource,
                        "registered in " + REGISTRY_PREFIX + project + " on " + where + "; its rows will share the hashes of join keys " + v.joinKeyNames()));
            }
            for (FeatureView v : change.viewsToDelete()) {
                out.add(new PlannedChange(PlannedChange.Action.DELETE, "view '" + v.name() + "' of project '" + project + "'",
                        "HDEL its " + v.features().size() + " feature fields and _ts:" + v.name() + " from every key with join keys "
                                + v.joinKeyNames() + " on " + where + " (SCAN); keys left empty disappear"));
            }
        } catch (RuntimeException e) {
            throw failure("plan the views of project '" + project + "'", e);
        }
        return out;
    }

    @Override
    public void teardown(List<FeatureView> views) {
        update(new InfraChange(List.of(), views));
    }

    private void deleteViewData(FeatureView view) {
        byte[] pattern = scanPattern(view.joinKeyNames());
        List<byte[]> fieldList = new ArrayList<>();
        for (String f : view.featureNames()) fieldList.add(EntityKeyCodec.redisField(view.name(), f));
        fieldList.add(tsField(view.name()));
        String what = "remove view '" + view.name() + "' of project '" + project + "'";
        for (RedisKeyCommands<byte[], byte[]> node : pipe.masters()) {
            ScanCursor cursor = ScanCursor.INITIAL;
            ScanArgs args = ScanArgs.Builder.matches(pattern).limit(SCAN_COUNT);
            do {
                KeyScanCursor<byte[]> page = node.scan(cursor, args);
                List<byte[]> mine = new ArrayList<>();
                for (byte[] k : page.getKeys()) {
                    if (isProjectKey(k)) mine.add(k);
                }
                List<CompletableFuture<Long>> dels = pipe.send(mine.size(), i -> {
                    CommandArgs<byte[], byte[]> a = new CommandArgs<>(ByteArrayCodec.INSTANCE).addKey(mine.get(i));
                    for (byte[] f : fieldList) a.add(f);
                    return new Command<>(CommandType.HDEL, new IntegerOutput<>(ByteArrayCodec.INSTANCE), a);
                });
                await(CompletableFuture.allOf(dels.toArray(new CompletableFuture[0])), what);
                cursor = page;
            } while (!cursor.isFinished());
        }
    }

    /**
     * {@code <serialized join key names>*<project>}, glob-escaped: the keys of the project whose
     * entity keys have exactly these join keys (values vary).
     */
    byte[] scanPattern(List<String> joinKeys) {
        ByteBuffer head = ByteBuffer.allocate(4 + joinKeys.stream().mapToInt(k -> 8 + k.getBytes(StandardCharsets.UTF_8).length).sum())
                .order(ByteOrder.LITTLE_ENDIAN);
        head.putInt(joinKeys.size());
        for (String k : joinKeys) {
            byte[] b = k.getBytes(StandardCharsets.UTF_8);
            head.putInt(2).putInt(b.length).put(b);
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        escapeGlob(head.array(), out);
        out.write('*');
        escapeGlob(projectBytes, out);
        return out.toByteArray();
    }

    private static void escapeGlob(byte[] bytes, java.io.ByteArrayOutputStream out) {
        for (byte b : bytes) {
            if (b == '*' || b == '?' || b == '[' || b == ']' || b == '\\') out.write('\\');
            out.write(b);
        }
    }

    /** Whether a key is exactly a serialized entity key followed by this project (the glob also matches longer project names). */
    boolean isProjectKey(byte[] key) {
        int len = entityKeyLength(key);
        return len > 0 && key.length - len == projectBytes.length
                && Arrays.equals(key, len, key.length, projectBytes, 0, projectBytes.length);
    }

    /** The length of the serialized entity key a Redis key starts with; -1 when it does not parse. */
    static int entityKeyLength(byte[] key) {
        ByteBuffer b = ByteBuffer.wrap(key).order(ByteOrder.LITTLE_ENDIAN);
        try {
            int n = b.getInt();
            if (n <= 0 || n > 1000) return -1;
            for (int i = 0; i < 2 * n; i++) {
                b.getInt();
                int len = b.getInt();
                if (len < 0 || len > b.remaining()) return -1;
                b.position(b.position() + len);
            }
            return b.position();
        } catch (java.nio.BufferUnderflowException e) {
            return -1;
        }
    }

    // --------------------------------------------------------------------------------- lifecycle and errors

    private <T> T await(CompletableFuture<T> future, String what) {
        // The client times out every command after command_timeout; this bound only guards against a lost completion.
        Duration bound = config.commandTimeout().multipliedBy(2).plusSeconds(5);
        try {
            return future.get(bound.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw failure(what, e.getCause());
        } catch (TimeoutException e) {
            throw new RedisStoreException(where + ": cannot " + what + ": no reply within " + bound.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RedisStoreException(where + ": interrupted while waiting to " + what, e);
        }
    }

    private RedisStoreException failure(String what, Throwable error) {
        Throwable t = InFlight.unwrap(error);
        if (t instanceof RedisStoreException) return (RedisStoreException) t;
        return new RedisStoreException(where + ": cannot " + what + " (project '" + project + "'): " + message(t), t);
    }


    private static String message(Throwable e) {
        Throwable t = InFlight.unwrap(e);
        String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        if (t.getCause() != null && t.getCause().getMessage() != null && !m.contains(t.getCause().getMessage())) {
            m += ": " + t.getCause().getMessage();
        }
        return m;
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("The Redis online store for project '" + project + "' (" + where + ") is closed");
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        pipe.close();
    }

    @Override
    public String toString() {
        return "RedisOnlineStore{" + where + ", project=" + project + "}";
    }
}
