package dev.larder.benchmarks;

import dev.larder.benchmarks.env.BackendEnvironment;
import dev.larder.benchmarks.env.Environments;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureView;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.ProgressListener;
import dev.larder.spi.codec.EntityKeyCodec;
import dev.larder.testing.net.DelayProxy;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.KeysAndAttributes;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The DynamoDB readers the benchmarks compare, on DynamoDB Local in the fork holding the keys of a
 * view, both through one {@link DelayProxy}: Larder's {@code OnlineStore.read} ({@code batch_size}
 * a fifth of the keys: five BatchGetItem requests), and the raw AWS SDK async client sending the same
 * requests with the same ProjectionExpression Larder sends when every feature is requested, one
 * after another or all in flight, counting the items and decoding nothing.
 */
final class DynamoDbReaders implements AutoCloseable {
    /** BatchGetItem requests per read: {@code batch_size} is a fifth of the keys (100 for 500 keys, 20 for 100). */
    static final int BATCHES = 5;

    private final int batch;

    private final BackendEnvironment env;
    private final DelayProxy proxy;
    private final FeatureView view;
    private final List<EntityKey> keys;
    private final List<String> featureNames;
    private final DynamoDbAsyncClient raw;
    private final String table;
    private final KeysAndAttributes template;
    private final List<OnlineStore> stores = new ArrayList<>();

    DynamoDbReaders(String viewName, int keys, int features, Duration addedRoundTrip) {
        env = Environments.start("dynamodb");
        view = BenchData.view(viewName, features);
        this.keys = BenchData.keys(keys);
        batch = Math.max(1, keys / BATCHES);
        featureNames = view.featureNames();
        // Loaded directly; only the measured readers go through the proxy.
        try (OnlineStore loader = Environments.open(env, "bench")) {
            loader.update(new InfraChange(List.of(view), List.of()));
            loader.write(view, BenchData.rows(view, this.keys, BenchData.EVENT_TIME), ProgressListener.NONE);
        }
        table = "bench." + view.name(); // the store's default table_name_template {project}.{table_name}
        proxy = DelayProxy.start(env.serverPort(), addedRoundTrip);
        raw = DynamoDbAsyncClient.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(URI.create("http://127.0.0.1:" + proxy.port()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("larderlocal", "larderlocal")))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder())
                .build();
        Map<String, String> names = Map.of("#id", "entity_id", "#ts", "event_ts", "#v", "values");
        template = KeysAndAttributes.builder().projectionExpression("#id, #ts, #v").expressionAttributeNames(names).build();
        for (int inFlight : new int[] {1, batches()}) {
            int items = rawRead(inFlight);
            if (items != keys) throw new IllegalStateException("raw BatchGetItem returned " + items + " items; expected " + keys);
        }
    }

    /** A Larder store reading through the proxy with the readers' {@code batch_size} and this many batches in flight. */
    OnlineStore larder(int maxReadWorkers) {
        Map<String, Object> options = new HashMap<>(env.storeOptionsVia(proxy.port()));
        options.put("batch_size", batch);
        options.put("max_read_workers", maxReadWorkers);
        OnlineStore store = Environments.open(env, "bench", options);
        stores.add(store);
        BenchData.checkComplete("dynamodb", read(store), keys.size(), featureNames);
        return store;
    }

    /** BatchGetItem requests per read. */
    int batches() {
        return (keys.size() + batch - 1) / batch;
    }

    List<OnlineRow> read(OnlineStore store) {
        return store.read(view, keys, featureNames);
    }

    /** Keys hashed to entity ids (as Larder does), five BatchGetItem requests, items counted, nothing decoded. */
    int rawRead(int inFlight) {
        int n = keys.size();
        List<Map<String, AttributeValue>> ids = new ArrayList<>(n);
        for (EntityKey k : keys) {
            ids.add(Map.of("entity_id", AttributeValue.fromS(EntityKeyCodec.entityId(k))));
        }
        int items = 0;
        if (inFlight == 1) {
            for (int from = 0; from < n; from += batch) {
                items += batch(ids.subList(from, Math.min(n, from + batch))).join().responses().get(table).size();
            }
        } else {
            List<CompletableFuture<BatchGetItemResponse>> pending = new ArrayList<>();
            for (int from = 0; from < n; from += batch) {
                pending.add(batch(ids.subList(from, Math.min(n, from + batch))));
            }
            for (CompletableFuture<BatchGetItemResponse> f : pending) {
                items += f.join().responses().get(table).size();
            }
        }
        return items;
    }

    private CompletableFuture<BatchGetItemResponse> batch(List<Map<String, AttributeValue>> ids) {
        KeysAndAttributes request = template.toBuilder().keys(ids).build();
        return raw.batchGetItem(b -> b.requestItems(Map.of(table, request)));
    }

    @Override
    public void close() {
        stores.forEach(OnlineStore::close);
        raw.close();
        proxy.close();
        env.close();
    }
}
