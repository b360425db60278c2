package dev.larder.store.dynamodb;

import dev.larder.tck.OnlineStoreCompatibilityKit;
import dev.larder.tck.RequestCounting;
import dev.larder.testing.dynamodb.DynamoDBLocalServer;
import dev.larder.testing.net.DelayProxy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The whole compatibility kit against DynamoDB Local, started in this JVM, with default options
 * ({@code conditional_writes: true}, so CONCURRENT_WRITES_SAME_KEY is reported and raced).
 * BATCHED_READ is proven by counting the HTTP requests a read sends through a {@link DelayProxy}.
 */
class DynamoDBStoreCompatibilityTest extends OnlineStoreCompatibilityKit {
    static final DynamoDBLocalServer SERVER = DynamoDBLocalServer.shared();
    /** In front of the server for counting; the added round trip keeps a request's bytes in one client turn. */
    private static DelayProxy proxy;

    @Override
    protected String storeType() {
        return "dynamodb";
    }

    @Override
    protected Map<String, Object> storeOptions() {
        return SERVER.storeOptions();
    }

    @Override
    protected int readBatchSize() {
        return DynamoDBStoreConfig.MAX_BATCH_SIZE; // batch_size's default
    }

    @Override
    protected RequestCounting requestCounting() {
        DelayProxy counter = proxy();
        Map<String, Object> options = new LinkedHashMap<>(storeOptions());
        options.put("endpoint_url", "http://127.0.0.1:" + counter.port());
        return new RequestCounting() {
            @Override
            public Map<String, Object> storeOptions() {
                return options;
            }

            @Override
            public long requests() {
                return counter.requestCount();
            }
        };
    }

    private static synchronized DelayProxy proxy() {
        if (proxy == null) {
            proxy = DelayProxy.start(SERVER.port(), Duration.ofMillis(20));
            Runtime.getRuntime().addShutdownHook(new Thread(proxy::close, "stop-delay-proxy"));
        }
        return proxy;
    }
}
