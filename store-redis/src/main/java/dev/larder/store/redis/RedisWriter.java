package dev.larder.store.redis;

import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.OnlineStoreException.Operation;
import dev.larder.spi.ProgressListener;
import dev.larder.spi.Value;
import dev.larder.spi.codec.EntityKeyCodec;
import dev.larder.spi.codec.Timestamps;
import dev.larder.spi.codec.ValueCodec;
import dev.larder.spi.support.InFlight;
import dev.larder.spi.support.NewestWins;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Writes under {@link NewestWins}: the batch is reduced to each key's winning row first (which
 * also checks every time against the accepted range before anything is sent), then each row is
 * one {@link NewestWinsScript} call, pipelined in chunks of {@value #CHUNK} with at most
 * {@value #CHUNKS_IN_FLIGHT} chunks in flight ({@link InFlight}); a chunk's arguments are built
 * when it is sent, so memory stays bounded whatever the batch size.
 */
final class RedisWriter {
    static final int CHUNK = 1000;
    static final int CHUNKS_IN_FLIGHT = 4;
    private static final byte[] NONE = new byte[0];

    private final RedisLayout layout;
    private final RedisPipe pipe;
    private final RedisFailures failures;
    private final NewestWins rule;
    private final long ttlSeconds;

    RedisWriter(RedisLayout layout, RedisPipe pipe, RedisFailures failures, NewestWins rule, long ttlSeconds) {
        this.layout = layout;
        this.pipe = pipe;
        this.failures = failures;
        this.rule = rule;
        this.ttlSeconds = ttlSeconds;
    }

    void write(FeatureView view, List<FeatureRow> rows, ProgressListener progress) {
        List<FeatureRow> winners = rule.latestPerKey(view, rows);
        ViewFields fields = new ViewFields(view);
        String what = "write " + rows.size() + " rows of view '" + view.name() + "'";
        int chunks = (winners.size() + CHUNK - 1) / CHUNK;
        CompletableFuture<Void> done = InFlight.run(chunks, CHUNKS_IN_FLIGHT, c -> {
            List<FeatureRow> chunk = winners.subList(c * CHUNK, Math.min(winners.size(), (c + 1) * CHUNK));
            byte[][][] args = new byte[chunk.size()][][];
            for (int i = 0; i < args.length; i++) args[i] = scriptArgs(view, chunk.get(i), fields);
            List<CompletableFuture<Long>> sent = pipe.send(args.length, i -> script(CommandType.EVALSHA, args[i]));
            List<CompletableFuture<Long>> results = new ArrayList<>(sent.size());
            for (int i = 0; i < sent.size(); i++) {
                byte[][] a = args[i];
                // The script cache is empty after a restart or failover: send the script itself once.
                results.add(sent.get(i).exceptionallyCompose(e -> isNoScript(e) ? pipe.sendOne(script(CommandType.EVAL, a)) : CompletableFuture.failedFuture(e)));
            }
            return CompletableFuture.allOf(results.toArray(new CompletableFuture[0])).thenRun(() -> progress.rowsWritten(chunk.size()));
        });
        failures.await(done, Operation.WRITE, what);
        if (rows.size() > winners.size()) progress.rowsWritten(rows.size() - winners.size());
    }

    /** The field names of one view, computed once per write. */
    private static final class ViewFields {
        final byte[] ts;
        final byte[] created;
        final Map<String, byte[]> features;

        ViewFields(FeatureView view) {
            ts = RedisLayout.tsField(view.name());
            created = RedisLayout.createdField(view.name());
            features = RedisLayout.featureFields(view);
        }

        byte[] field(String view, String feature) {
            byte[] f = features.get(feature);
            return f != null ? f : EntityKeyCodec.redisField(view, feature);
        }
    }

    /** KEYS[1] then ARGV as {@link NewestWinsScript} takes them. */
    private byte[][] scriptArgs(FeatureView view, FeatureRow row, ViewFields fields) {
        List<byte[]> missing = new ArrayList<>();
        if (NewestWins.isPartial(view, row)) {
            for (Map.Entry<String, byte[]> f : fields.features.entrySet()) {
                if (!row.values().containsKey(f.getKey())) missing.add(f.getValue());
            }
        }
        byte[][] a = new byte[11 + missing.size() + 2 * row.values().size()][];
        Instant t = rule.truncate(row.eventTime());
        Instant created = rule.truncate(row.createdTime());
        a[0] = layout.key(row.entityKey());
        a[1] = fields.ts;
        a[2] = Timestamps.encodeProto(t);
        a[3] = ascii(t.getEpochSecond());
        a[4] = ascii(t.getNano());
        a[5] = fields.created;
        a[6] = created == null ? NONE : RedisLayout.createdValue(a[2], created);
        a[7] = created == null ? NONE : ascii(created.getEpochSecond());
        a[8] = created == null ? NONE : ascii(created.getNano());
        a[9] = ascii(ttlSeconds);
        a[10] = ascii(missing.size());
        int i = 11;
        for (byte[] f : missing) a[i++] = f;
        for (Map.Entry<String, Value> e : row.values().entrySet()) {
            a[i++] = fields.field(view.name(), e.getKey());
            a[i++] = ValueCodec.encode(e.getValue());
        }
        return a;
    }

    private static byte[] ascii(long n) {
        return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
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
}
