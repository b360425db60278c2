package dev.larder.store.redis;

import dev.larder.spi.EntityKey;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.OnlineStoreException.Operation;
import dev.larder.spi.Value;
import dev.larder.spi.ViewRead;
import dev.larder.spi.codec.CodecException;
import dev.larder.spi.codec.EntityKeyCodec;
import dev.larder.spi.codec.Timestamps;
import dev.larder.spi.codec.ValueCodec;
import dev.larder.spi.support.DistinctKeys;
import dev.larder.spi.support.InFlight;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.ValueListOutput;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Reads: one HMGET per distinct key asks for the requested fields of every view read plus each
 * view's {@code _ts}, so views sharing join keys cost what one view costs. The keys go out in
 * pipelines of {@value #CHUNK} (one write each), at most {@value #CHUNKS_IN_FLIGHT} at a time,
 * so a huge read neither floods the connection's queue nor holds every reply at once. Replies
 * are decoded where the last one arrives (Lettuce's I/O thread).
 */
final class RedisReader {
    /** Keys per pipelined request; the kit's read batch size. */
    static final int CHUNK = 1000;
    static final int CHUNKS_IN_FLIGHT = 4;

    private final RedisLayout layout;
    private final RedisPipe pipe;
    private final RedisFailures failures;

    RedisReader(RedisLayout layout, RedisPipe pipe, RedisFailures failures) {
        this.layout = layout;
        this.pipe = pipe;
        this.failures = failures;
    }

    CompletableFuture<List<List<OnlineRow>>> read(List<ViewRead> reads, List<EntityKey> keys, String what) {
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
            fields.add(RedisLayout.tsField(r.view().name()));
        }
        @SuppressWarnings("unchecked")
        CompletableFuture<List<byte[]>>[] replies = new CompletableFuture[order.size()];
        int chunks = (order.size() + CHUNK - 1) / CHUNK;
        CompletableFuture<Void> all = InFlight.run(chunks, CHUNKS_IN_FLIGHT, c -> {
            int from = c * CHUNK;
            int n = Math.min(CHUNK, order.size() - from);
            List<CompletableFuture<List<byte[]>>> sent = pipe.send(n, i -> hmget(layout.key(order.get(from + i)), fields));
            for (int i = 0; i < n; i++) replies[from + i] = sent.get(i);
            return CompletableFuture.allOf(sent.toArray(new CompletableFuture[0]));
        });
        return all.handle((ignored, error) -> {
            if (error != null) throw failures.failure(Operation.READ, what, error);
            List<List<OnlineRow>> out = new ArrayList<>(reads.size());
            for (int v = 0; v < reads.size(); v++) {
                ViewRead r = reads.get(v);
                OnlineRow[] rows = new OnlineRow[replies.length];
                for (int d = 0; d < rows.length; d++) rows[d] = toRow(r, replies[d].join(), start[v], order.get(d));
                out.add(distinct.expand(rows));
            }
            return out;
        });
    }

    private static Command<byte[], byte[], List<byte[]>> hmget(byte[] key, List<byte[]> fields) {
        CommandArgs<byte[], byte[]> args = new CommandArgs<>(ByteArrayCodec.INSTANCE).addKey(key);
        for (byte[] f : fields) args.add(f);
        return new Command<>(CommandType.HMGET, new ValueListOutput<>(ByteArrayCodec.INSTANCE), args);
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
            throw failures.failure(Operation.READ, false, "view '" + r.view().name() + "' of entity " + key
                    + " holds bytes that are not Feast's encoding: " + e.getMessage(), e);
        }
    }
}
