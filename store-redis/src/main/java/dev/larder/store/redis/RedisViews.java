package dev.larder.store.redis;

import dev.larder.spi.FeatureView;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineStoreException;
import dev.larder.spi.OnlineStoreException.Operation;
import dev.larder.spi.PlannedChange;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.sync.RedisKeyCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.output.IntegerOutput;
import io.lettuce.core.protocol.Command;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * update / plan / teardown. Kept views are registered in Larder's registry hash; a deleted view's
 * fields ({@link RedisLayout#allFields}) are removed from every key of the project with the
 * view's join keys, found with SCAN in steps of {@value #SCAN_COUNT} (never KEYS) on every master
 * and checked to belong to exactly this project; Redis deletes a hash left empty.
 */
final class RedisViews {
    /** Keys per SCAN step when removing a view. */
    static final int SCAN_COUNT = 1000;

    private final RedisLayout layout;
    private final RedisPipe pipe;
    private final RedisFailures failures;
    private final String where;

    RedisViews(RedisLayout layout, RedisPipe pipe, RedisFailures failures, String where) {
        this.layout = layout;
        this.pipe = pipe;
        this.failures = failures;
        this.where = where;
    }

    void update(InfraChange change, Operation operation) {
        byte[] registry = layout.registryKey();
        try {
            for (FeatureView v : change.viewsToDelete()) {
                deleteViewData(v, operation);
                pipe.hashes().hdel(registry, name(v));
            }
            if (!change.viewsToKeep().isEmpty()) {
                Map<byte[], byte[]> entries = new LinkedHashMap<>();
                for (FeatureView v : change.viewsToKeep()) {
                    entries.put(name(v), String.join(",", v.joinKeyNames()).getBytes(StandardCharsets.UTF_8));
                }
                pipe.hashes().hset(registry, entries);
            }
        } catch (OnlineStoreException e) {
            throw e;
        } catch (RuntimeException e) {
            throw failures.failure(operation, "update the views", e);
        }
    }

    List<PlannedChange> plan(InfraChange change) {
        List<PlannedChange> out = new ArrayList<>();
        String project = layout.project();
        try {
            for (FeatureView v : change.viewsToKeep()) {
                String resource = "view '" + v.name() + "' of project '" + project + "'";
                boolean registered = pipe.hashes().hexists(layout.registryKey(), name(v));
                out.add(registered
                        ? new PlannedChange(PlannedChange.Action.UNCHANGED, resource, "")
                        : new PlannedChange(PlannedChange.Action.CREATE, resource, "registered in " + RedisLayout.REGISTRY_PREFIX + project
                        + " on " + where + "; its rows will share the hashes of join keys " + v.joinKeyNames()));
            }
            for (FeatureView v : change.viewsToDelete()) {
                out.add(new PlannedChange(PlannedChange.Action.DELETE, "view '" + v.name() + "' of project '" + project + "'",
                        "HDEL its " + v.features().size() + " feature fields, _ts:" + v.name() + " and _created_ts:" + v.name()
                                + " from every key with join keys " + v.joinKeyNames() + " on " + where + " (SCAN); keys left empty disappear"));
            }
        } catch (RuntimeException e) {
            throw failures.failure(Operation.PLAN, "plan the views", e);
        }
        return out;
    }

    private static byte[] name(FeatureView v) {
        return v.name().getBytes(StandardCharsets.UTF_8);
    }

    private void deleteViewData(FeatureView view, Operation operation) {
        byte[] pattern = layout.scanPattern(view.joinKeyNames());
        List<byte[]> fields = RedisLayout.allFields(view);
        String what = "remove view '" + view.name() + "'";
        for (RedisKeyCommands<byte[], byte[]> node : pipe.masters()) {
            ScanCursor cursor = ScanCursor.INITIAL;
            ScanArgs args = ScanArgs.Builder.matches(pattern).limit(SCAN_COUNT);
            do {
                KeyScanCursor<byte[]> page = node.scan(cursor, args);
                List<byte[]> mine = new ArrayList<>();
                for (byte[] k : page.getKeys()) {
                    if (layout.isProjectKey(k)) mine.add(k);
                }
                List<CompletableFuture<Long>> dels = pipe.send(mine.size(), i -> {
                    CommandArgs<byte[], byte[]> a = new CommandArgs<>(ByteArrayCodec.INSTANCE).addKey(mine.get(i));
                    for (byte[] f : fields) a.add(f);
                    return new Command<>(CommandType.HDEL, new IntegerOutput<>(ByteArrayCodec.INSTANCE), a);
                });
                failures.await(CompletableFuture.allOf(dels.toArray(new CompletableFuture[0])), operation, what);
                cursor = page;
            } while (!cursor.isFinished());
        }
    }
}
