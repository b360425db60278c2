package dev.larder.spark;

import dev.larder.engine.MaterializationProgress;
import dev.larder.engine.StoreSpec;
import dev.larder.materialize.BatchWriter;
import dev.larder.materialize.ColumnRules;
import dev.larder.materialize.FeatureValues;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.Field;
import dev.larder.spi.Value;
import dev.larder.spi.ValueType;
import dev.larder.spi.codec.Timestamps;
import org.apache.spark.api.java.function.ForeachPartitionFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.util.LongAccumulator;

import java.time.Instant;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs on the executors: converts one partition's selected rows to Feast values with the shared
 * rules and writes them into this JVM's store in batches of the write batch size, so a task holds
 * one batch whatever its partition's size. Columns arrive as {@link SparkEngine} selected them:
 * join keys, features, then event and created time in epoch microseconds.
 */
final class PartitionWriter implements ForeachPartitionFunction<Row> {
    private static final long serialVersionUID = 1L;

    private final ViewShape shape;
    private final String location;
    private final StoreSpec store;
    private final int batchSize;
    private final LongAccumulator written;

    PartitionWriter(FeatureView view, String location, StoreSpec store, int batchSize, LongAccumulator written) {
        this.shape = ViewShape.of(view);
        this.location = location;
        this.store = store;
        this.batchSize = batchSize;
        this.written = written;
    }

    @Override
    public void call(Iterator<Row> rows) {
        if (!rows.hasNext()) return;
        FeatureView view = shape.view();
        List<Field> keys = ColumnRules.joinKeys(view);
        List<Field> features = view.features();
        int nk = keys.size();
        int nf = features.size();
        FeatureValues values = new FeatureValues(location, view.name());
        BatchWriter writer = new BatchWriter(ExecutorStores.get(store), view, batchSize, new MaterializationProgress() {
            @Override
            public void written(long n) {
                written.add(n);
            }
        });
        while (rows.hasNext()) {
            Row r = rows.next();
            EntityKey key;
            if (nk == 0) {
                key = EntityKey.DUMMY;
            } else if (nk == 1) {
                key = EntityKey.of(keys.get(0).name(), values.value(keys.get(0), get(r, 0, keys.get(0))));
            } else {
                Map<String, Value> kv = new HashMap<>();
                for (int i = 0; i < nk; i++) kv.put(keys.get(i).name(), values.value(keys.get(i), get(r, i, keys.get(i))));
                key = EntityKey.of(kv);
            }
            Map<String, Value> fv = new LinkedHashMap<>(nf * 2);
            for (int i = 0; i < nf; i++) fv.put(features.get(i).name(), values.value(features.get(i), get(r, nk + i, features.get(i))));
            Instant event = Timestamps.fromMicros(r.getLong(nk + nf));
            Instant created = r.isNullAt(nk + nf + 1) ? null : Timestamps.fromMicros(r.getLong(nk + nf + 1));
            writer.add(new FeatureRow(key, fv, event, created));
        }
        writer.finish();
    }

    /** A column in the Java shape {@link FeatureValues} takes: lists as java.util.List, the rest as Spark gives them. */
    private static Object get(Row r, int i, Field f) {
        if (r.isNullAt(i)) return null;
        ValueType t = f.type();
        return t.isList() ? r.getList(i) : r.get(i);
    }
}
