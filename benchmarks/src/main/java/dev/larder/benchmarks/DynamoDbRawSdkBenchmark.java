package dev.larder.benchmarks;

import dev.larder.benchmarks.env.BackendEnvironment;
import dev.larder.benchmarks.env.Environments;
import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureView;
import dev.larder.spi.InfraChange;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.ProgressListener;
import dev.larder.spi.codec.EntityKeyCodec;
import dev.larder.testing.net.DelayProxy;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The control for {@link DynamoDbBatchReadBenchmark}: the same five BatchGetItem requests (500 keys,
 * 100 a batch, 10 features, the same ProjectionExpression Larder sends) issued by the raw AWS SDK
 * async client, one after another ({@code inFlight} 1) or all at once ({@code inFlight} 5), through
 * the same delay proxy, without Larder and without decoding anything. If the raw SDK's parallel
 * speed-up is no larger than Larder's, what bounds it is the client library and the server, not
 * Larder. Unprocessed keys are not retried here: setup checks that every batch comes back complete.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx2g", Jvm.QUICK_EXIT, Jvm.QUICK_EXIT_STEP})
@Warmup(iterations = DynamoDbBatchReadBenchmark.WARMUP_ITERATIONS, time = 2)
@Measurement(iterations = 3, time = 2)
public class DynamoDbRawSdkBenchmark {
    static final int KEYS = DynamoDbBatchReadBenchmark.KEYS;
    static final int BATCH = 100;
    static final int FEATURES = 10;

    /** 1: the five requests one after another; 5: all five in flight at once. */
    @Param({"1", "5"})
    public int inFlight;

    @Param({"0", "10"})
    public int addedRoundTripMs;

    private BackendEnvironment env;
    private DelayProxy proxy;
    private DynamoDbAsyncClient client;
    private String table;
    private List<EntityKey> keys;
    private KeysAndAttributes template;

    @Setup(Level.Trial)
    public void setUp() {
        env = Environments.start("dynamodb");
        FeatureView view = BenchData.view("dynamodb_raw_" + FEATURES, FEATURES);
        keys = BenchData.keys(KEYS);
        try (OnlineStore loader = Environments.open(env, "bench")) {
            loader.update(new InfraChange(List.of(view), List.of()));
            loader.write(view, BenchData.rows(view, keys, BenchData.EVENT_TIME), ProgressListener.NONE);
        }
        table = "bench." + view.name(); // the store's default table_name_template {project}.{table_name}
        proxy = DelayProxy.start(env.serverPort(), Duration.ofMillis(addedRoundTripMs));
        client = DynamoDbAsyncClient.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(URI.create("http://127.0.0.1:" + proxy.port()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("larderlocal", "larderlocal")))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder())
                .build();
        // The ProjectionExpression DynamoDBOnlineStore sends when every feature of the view is requested.
        Map<String, String> names = Map.of("#id", "entity_id", "#ts", "event_ts", "#v", "values");
        template = KeysAndAttributes.builder().projectionExpression("#id, #ts, #v").expressionAttributeNames(names).build();
        int items = read();
        if (items != KEYS) {
            throw new IllegalStateException("raw BatchGetItem returned " + items + " items; expected " + KEYS);
        }
    }

    /** Keys hashed to entity ids (as Larder does), five BatchGetItem requests, items counted, nothing decoded. */
    @Benchmark
    public int read() {
        List<Map<String, AttributeValue>> ids = new ArrayList<>(KEYS);
        for (EntityKey k : keys) {
            ids.add(Map.of("entity_id", AttributeValue.fromS(EntityKeyCodec.entityId(k))));
        }
        int items = 0;
        if (inFlight == 1) {
            for (int from = 0; from < KEYS; from += BATCH) {
                items += batch(ids.subList(from, from + BATCH)).join().responses().get(table).size();
            }
        } else {
            List<CompletableFuture<BatchGetItemResponse>> pending = new ArrayList<>();
            for (int from = 0; from < KEYS; from += BATCH) {
                pending.add(batch(ids.subList(from, from + BATCH)));
            }
            for (CompletableFuture<BatchGetItemResponse> f : pending) {
                items += f.join().responses().get(table).size();
            }
        }
        return items;
    }

    private CompletableFuture<BatchGetItemResponse> batch(List<Map<String, AttributeValue>> ids) {
        KeysAndAttributes request = template.toBuilder().keys(ids).build();
        return client.batchGetItem(b -> b.requestItems(Map.of(table, request)));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (client != null) client.close();
        if (proxy != null) proxy.close();
        if (env != null) env.close();
    }
}
