package dev.larder.server;

import dev.larder.testing.redis.RedisServer;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/** 64 clients at once (HTTP/1.1 and HTTP/2) get exactly the answers the same requests get one by one. */
class ConcurrencyTest {
    static final int CLIENTS = 64;
    static final int ROUNDS = 4;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"sqlite", "redis"})
    void concurrentAnswersEqualSequentialOnes(String backend) throws Exception {
        TestRepo repo = backend.equals("sqlite") ? TestRepo.sqlite(dir) : TestRepo.redis(dir, RedisServer.shared().address());
        repo.fill();
        try (FeatureServer server = repo.serve()) {
            List<String> bodies = requests();
            Http sequential = new Http(server.url());
            List<String> expected = new ArrayList<>();
            for (String b : bodies) {
                Http.Reply r = sequential.post("/get-online-features", b);
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                expected.add(r.body());
            }
            assertThat(expected).doesNotHaveDuplicates();

            Http http1 = new Http(server.url());
            Http http2 = new Http(HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).connectTimeout(Duration.ofSeconds(5)).build(), server.url());
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            try {
                CyclicBarrier start = new CyclicBarrier(CLIENTS);
                List<Future<List<String>>> clients = new ArrayList<>();
                for (int c = 0; c < CLIENTS; c++) {
                    final int client = c;
                    clients.add(pool.submit(() -> {
                        start.await();
                        List<String> mismatches = new ArrayList<>();
                        for (int round = 0; round < ROUNDS; round++) {
                            int i = (client * 7 + round * 13) % bodies.size();
                            Http.Reply r = (client % 2 == 0 ? http1 : http2).post("/get-online-features", bodies.get(i));
                            if (r.status() != 200 || !r.body().equals(expected.get(i))) mismatches.add("request " + i + ": " + r);
                        }
                        return mismatches;
                    }));
                }
                for (Future<List<String>> f : clients) assertThat(f.get()).isEmpty();
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** Different features, entity sets, orders and duplicates, so that a mixed-up answer shows. */
    static List<String> requests() {
        List<String> out = new ArrayList<>();
        String[] features = {
                "[\"driver_hourly_stats:conv_rate\", \"driver_hourly_stats:avg_daily_trips\"]",
                "[\"driver_hourly_stats:acc_rate\", \"driver_fresh:fresh_rate\"]",
                "[\"driver_extra:conv_rate\", \"driver_hourly_stats:avg_daily_trips\"]",
                "[\"driver_hourly_stats:avg_daily_trips\"]"};
        String[] drivers = {"[1001]", "[1002, 1001]", "[1003, 9999, 1003, 1001]", "[1002, 1002, 1002]"};
        for (String f : features) {
            for (String d : drivers) {
                out.add("{\"features\": " + f + ", \"entities\": {\"driver_id\": " + d + "}, \"full_feature_names\": "
                        + f.contains("driver_extra") + "}");
            }
        }
        out.add("{\"features\": [\"customer_profile:tags\", \"customer_profile:avatar\"], \"entities\": {\"customer_id\": [\"C-2\", \"C-1\"]}}");
        out.add("{\"features\": [\"totals:drivers_online\"], \"entities\": {}}");
        return out;
    }
}
