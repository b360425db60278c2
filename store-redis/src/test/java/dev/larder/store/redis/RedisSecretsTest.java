package dev.larder.store.redis;

import dev.larder.spi.ConfigException;
import dev.larder.spi.FeatureView;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.OnlineStoreException;
import dev.larder.spi.OnlineStoreException.Operation;
import dev.larder.spi.StoreContext;
import dev.larder.spi.StoreOptions;
import dev.larder.tck.TestData;
import dev.larder.testing.FreePorts;
import dev.larder.testing.redis.RedisClusterServers;
import dev.larder.testing.redis.RedisSentinelServers;
import dev.larder.testing.redis.RedisServer;
import dev.larder.testing.redis.Resp;
import io.lettuce.core.RedisURI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

/**
 * Every Redis secret option (the password in {@code connection_string} and the {@code password}
 * option), holding {@code , = @ ' :} and more, against every configuration error and every
 * connection error the store can meet: nothing of the password in any message, cause, stack
 * trace, {@code toString} or log line (Lettuce's included: they go to this JVM's stderr through
 * SLF4J, which the test captures), and a password option is never split into hosts or options.
 * Hosts are not secret: configuration and runtime errors both show them.
 */
class RedisSecretsTest {
    /**
     * Passwords built from distinctive tokens (runs of letters and digits holding {@code Qz} or
     * {@code evilhost}) around the separators; a token appearing anywhere is a leak.
     */
    static final List<String> PASSWORDS = List.of(
            "Qz1aa,Qz1bb", "Qz2aa=Qz2bb", "Qz3aa@Qz3bb", "Qz4aa'Qz4bb", "Qz5aa:Qz5bb",
            "Qz6aa,db=Qz6bb", "Qz7aa,Qz7bbtopsecret=1", "Qz8aa,evilhostQz8:6380", "Qz9aa,ssl=Qz9bb",
            "Qz10a \"Qz10b\\%2CQz10c*", "Qz11a@Qz11b:Qz11c,password=Qz11d");
    static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9]*(Qz|evilhost)[A-Za-z0-9]*");

    @TempDir
    Path repo;

    static List<String> tokens(String password) {
        List<String> out = new ArrayList<>();
        Matcher m = TOKEN.matcher(password);
        while (m.find()) out.add(m.group());
        return out;
    }

    /** Case-insensitive: a message may have lowercased what it echoes. */
    static void assertNoSecret(String what, String text) {
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        for (String pw : PASSWORDS) {
            for (String token : tokens(pw)) {
                if (lower.contains(token.toLowerCase(java.util.Locale.ROOT))) fail(what + " shows '" + token + "' of password " + pw + ":\n" + text);
            }
        }
    }

    /** The message, every cause's, and the whole stack trace as printed. */
    static String everything(Throwable e) {
        StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        StringBuilder sb = new StringBuilder(w.toString());
        for (Throwable t = e; t != null; t = t.getCause()) sb.append('\n').append(t);
        if (e instanceof ConfigException) sb.append('\n').append(String.join("\n", ((ConfigException) e).problems()));
        return sb.toString();
    }

    private OnlineStore create(Map<String, Object> options) {
        RedisStoreProvider provider = new RedisStoreProvider();
        StoreOptions typed = StoreOptions.of("feature_store.yaml", "redis", options).withSensitive(provider.sensitiveOptions());
        assertNoSecret("StoreOptions.toString", typed.toString());
        return provider.create(new StoreContext("secrets", repo, typed));
    }

    private static Map<String, Object> options(Object... pairs) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) m.put((String) pairs[i], pairs[i + 1]);
        return m;
    }

    // ----------------------------------------------------------------------------- configuration

    @Test
    void noConfigurationErrorShowsThePassword() {
        Map<String, Function<String, Map<String, Object>>> scenarios = new LinkedHashMap<>();
        scenarios.put("bad host before the password", pw -> options("connection_string", "a:1,b:notaport,password=" + pw));
        scenarios.put("bad ssl", pw -> options("connection_string", "a:1,ssl=maybe,password=" + pw));
        scenarios.put("unknown parameter after", pw -> options("connection_string", "a:1,password=" + pw + ",colour=red"));
        scenarios.put("host after the parameters", pw -> options("redis_type", "redis_cluster", "connection_string", "a:1,password=" + pw + ",b:2"));
        scenarios.put("cluster db", pw -> options("redis_type", "redis_cluster", "connection_string", "a:1,db=2,password=" + pw));
        scenarios.put("two servers for redis", pw -> options("connection_string", "a:1,b:2,password=" + pw));
        scenarios.put("password twice", pw -> options("connection_string", "a:1,password=" + pw, "password", pw));
        scenarios.put("no host", pw -> options("connection_string", "password=" + pw));
        scenarios.put("unknown option", pw -> options("connection_string", "a:1,password=" + pw, "hostname", "x"));
        scenarios.put("bad redis_type", pw -> options("redis_type", "memcached", "connection_string", "a:1,password=" + pw));
        scenarios.put("password option with a bad string", pw -> options("connection_string", "a:1,ssl=maybe", "password", pw));
        scenarios.put("password option as a map", pw -> options("password", Map.of(pw, pw)));
        scenarios.put("password option as a list", pw -> options("password", List.of(pw)));
        scenarios.put("connection string as a list", pw -> options("connection_string", List.of("a:1", "password=" + pw)));
        scenarios.put("password option with a bad queue size", pw -> options("password", pw, "request_queue_size", 10));
        scenarios.put("password option with a bad timeout", pw -> options("password", pw, "command_timeout", "soon"));
        int checked = 0;
        for (Map.Entry<String, Function<String, Map<String, Object>>> s : scenarios.entrySet()) {
            for (String pw : PASSWORDS) {
                Map<String, Object> opts = s.getValue().apply(pw);
                Throwable e = catchThrowable(() -> create(opts).close());
                assertThat(e).as("%s with %s", s.getKey(), pw).isInstanceOf(ConfigException.class);
                assertNoSecret(s.getKey() + " with " + pw, everything(e));
                checked++;
            }
        }
        assertThat(checked).isEqualTo(scenarios.size() * PASSWORDS.size());
    }

    @Test
    void configErrorsShowHostsAsRuntimeErrorsDo() {
        int p1 = FreePorts.find();
        int p2 = FreePorts.find();
        assertThatThrownBy(() -> create(options("connection_string", "127.0.0.1:" + p1 + ",127.0.0.1:" + p2 + ",password=" + PASSWORDS.get(0))))
                .hasMessageContaining("[127.0.0.1:" + p1 + ", 127.0.0.1:" + p2 + "]");
        assertThatThrownBy(() -> create(options("connection_string", "127.0.0.1:" + p1 + ",password=" + PASSWORDS.get(1), "connect_timeout", "1s")))
                .isInstanceOf(OnlineStoreException.class).hasMessageContaining("Redis 127.0.0.1:" + p1);
    }

    @Test
    void masksHaveAFixedLengthAndUrisCarryNone() {
        for (String pw : PASSWORDS) {
            RedisStoreConfig c = RedisStoreConfig.from(StoreOptions.of("redis", options("connection_string", "h:1", "password", pw)));
            assertThat(c.toString()).contains(" password=**** ").doesNotContain("*****");
            assertNoSecret("config toString", c.toString());
            RedisURI uri = RedisPipe.uri(c, c.nodes().get(0));
            assertThat(uri.toString()).as("Lettuce's URI text").doesNotContain("*").contains("h:1");
            assertNoSecret("URI", uri.toString());
            RedisURI sentinel = RedisPipe.withConnectionSettings(RedisURI.builder().withSentinelMasterId("m").withSentinel("s", 26379), c);
            assertThat(sentinel.toString()).doesNotContain("*");
            assertNoSecret("sentinel URI", sentinel.toString());
        }
    }

    /** The store identity recorded in the registry with each watermark names hosts, never the password. */
    @Test
    void theLocationRecordedInTheRegistryCarriesNoPassword() {
        RedisStoreProvider provider = new RedisStoreProvider();
        for (String pw : PASSWORDS) {
            // Feast's connection string cannot carry a ',' in a password (the config rejects it); the option can.
            String inString = pw.contains(",") ? "h1:1 h2:2" : provider.location(StoreOptions.of("redis", options(
                    "connection_string", "h1:1,h2:2,password=" + pw, "redis_type", "redis_cluster")).withSensitive(provider.sensitiveOptions()));
            String asOption = provider.location(StoreOptions.of("redis", options("connection_string", "h:1,db=3", "password", pw))
                    .withSensitive(provider.sensitiveOptions()));
            assertThat(inString).contains("h1:1", "h2:2");
            assertThat(asOption).contains("h:1", "/3");
            assertNoSecret("location", inString + " " + asOption);
        }
    }

    // ----------------------------------------------------------------------------- connection

    @Test
    void noConnectionErrorNorLogLineShowsThePasswordAndThePasswordOptionIsNeverSplit() throws Exception {
        Captured captured = Captured.start();
        List<String> checked = new ArrayList<>();
        try {
            FeatureView view = TestData.driverView("fv_secret");
            for (String pw : PASSWORDS) {
                RedisServer server = RedisServer.start();
                protect(server.port(), pw);
                try {
                    // The right password in the option works whole: not split into hosts or options.
                    try (OnlineStore store = create(options("connection_string", server.address(), "password", pw, "command_timeout", "2s"))) {
                        store.write(view, List.of(TestData.driverRow(1, 1, TestData.T0)), r -> { });
                        assertThat(store.read(view, List.of(TestData.driver(1)), List.of("trips")).get(0).isPresent()).isTrue();
                        assertNoSecret("toString", store.toString());
                        // The server goes away: reads, writes and async reads fail, Lettuce logs its reconnects.
                        server.kill();
                        for (Throwable e : List.of(
                                catchThrowable(() -> store.read(view, List.of(TestData.driver(1)), List.of("trips"))),
                                catchThrowable(() -> store.write(view, List.of(TestData.driverRow(1, 2, TestData.T0)), r -> { })),
                                catchThrowable(() -> store.readAsync(view, List.of(TestData.driver(1)), List.of("trips")).get(10, TimeUnit.SECONDS)))) {
                            assertThat(e).isNotNull();
                            assertNoSecret("outage failure", everything(e));
                        }
                        Thread.sleep(300); // reconnect attempts log meanwhile
                        server.restart();
                        protect(server.port(), pw);
                    }
                    // A wrong password and a missing one are refused at connect, not retryable.
                    Throwable wrong = catchThrowable(() -> create(options("connection_string", server.address(), "password", pw + "x")));
                    assertRefused(wrong, server.address());
                    assertNoSecret("wrong password", everything(wrong));
                    if (!pw.contains(",")) {
                        try (OnlineStore store = create(options("connection_string", server.address() + ",password=" + pw))) {
                            assertThat(store.read(view, List.of(TestData.driver(9)), List.of("trips")).get(0).isPresent()).isFalse();
                        }
                        Throwable wrongInString = catchThrowable(() -> create(options("connection_string", server.address() + ",password=x" + pw)));
                        assertRefused(wrongInString, server.address());
                        assertNoSecret("wrong password in the string", everything(wrongInString));
                    }
                } finally {
                    server.stop();
                }
                // Nobody listens: refused connection, retryable.
                int port = FreePorts.find();
                Throwable unreachable = catchThrowable(() -> create(options("connection_string", "127.0.0.1:" + port, "password", pw, "connect_timeout", "1s")));
                assertThat(unreachable).isInstanceOf(OnlineStoreException.class);
                assertThat(((OnlineStoreException) unreachable).isRetryable()).isTrue();
                assertNoSecret("unreachable", everything(unreachable));
                checked.add(pw);
            }
            // Cluster and Sentinel whose data nodes have another password: the login is refused.
            try (RedisClusterServers cluster = RedisClusterServers.start(); RedisSentinelServers sentinel = RedisSentinelServers.start()) {
            for (int port : cluster.ports()) protect(port, NODE_PASSWORD);
            protect(sentinel.master().port(), NODE_PASSWORD);
            for (String pw : PASSWORDS) {
                Throwable c = refusedLogin("cluster login", options("redis_type", "redis_cluster", "connection_string", cluster.connectionString(),
                        "password", pw, "command_timeout", "2s"));
                Throwable s = refusedLogin("sentinel login", options("redis_type", "redis_sentinel", "connection_string", sentinel.connectionString(),
                        "sentinel_master", RedisSentinelServers.MASTER_NAME, "password", pw, "command_timeout", "2s"));
                for (Throwable e : List.of(c, s)) assertThat(((OnlineStoreException) e).isRetryable()).as("%s", e.getMessage()).isFalse();
            }
            }
        } finally {
            captured.stop();
        }
        String logs = captured.text();
        assertThat(logs).as("the capture saw Lettuce's reconnect lines (else it proves nothing)")
                .contains("io.lettuce.core.protocol.ConnectionWatchdog");
        assertNoSecret("log output", logs);
        assertThat(warnings(logs)).as("warnings during expected reconnects come from Lettuce's loggers, none from Larder's")
                .allSatisfy(line -> assertThat(line).contains(" io.lettuce.").doesNotContain("dev.larder"));
        assertThat(checked).containsExactlyElementsOf(PASSWORDS);
    }

    /**
     * The failure of connecting with a wrong password. A loaded machine can drop a connection before
     * the login's answer (a retryable failure, which is right for a dropped connection): such an
     * attempt is checked for secrets too and the login tried again, up to three times.
     */
    private Throwable refusedLogin(String what, Map<String, Object> options) {
        Throwable e = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            e = catchThrowable(() -> create(options));
            assertThat(e).as("%s, attempt %s", what, attempt).isInstanceOf(OnlineStoreException.class);
            assertNoSecret(what, everything(e));
            if (!((OnlineStoreException) e).isRetryable()) break;
        }
        return e;
    }

    static final String NODE_PASSWORD = "node-password";

    /** Sets the server's password at run time (binary-safe, unlike a command-line argument, which redis-server re-parses). */
    private static void protect(int port, String password) {
        Resp.call(port, "CONFIG", "SET", "requirepass", password);
    }

    private static void assertRefused(Throwable e, String address) {
        assertThat(e).isInstanceOf(OnlineStoreException.class).hasMessageContaining(address);
        OnlineStoreException f = (OnlineStoreException) e;
        assertThat(f.operation()).isEqualTo(Operation.CONNECT);
        assertThat(f.isRetryable()).as("a refused login needs a person: %s", f.getMessage()).isFalse();
    }

    private static List<String> warnings(String logs) {
        List<String> out = new ArrayList<>();
        for (String line : logs.split("\n")) {
            if (line.contains(" WARN ") || line.contains("WARNING")) out.add(line);
        }
        return out;
    }

    private static Throwable catchThrowable(ThrowingRunnable r) {
        try {
            r.run();
            return null;
        } catch (Throwable t) {
            return t;
        }
    }

    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }

    /** Everything written to stdout, stderr (where SLF4J's simple logger writes) and java.util.logging meanwhile. */
    static final class Captured {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final PrintStream out = System.out;
        private final PrintStream err = System.err;
        private final StringBuilder jul = new StringBuilder();
        private final Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                synchronized (jul) {
                    jul.append(r.getLevel()).append(' ').append(r.getLoggerName()).append(" - ").append(r.getMessage());
                    if (r.getParameters() != null) for (Object p : r.getParameters()) jul.append(' ').append(p);
                    if (r.getThrown() != null) jul.append('\n').append(everything(r.getThrown()));
                    jul.append('\n');
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };

        static Captured start() {
            Captured c = new Captured();
            PrintStream tee = new PrintStream(c.bytes, true, StandardCharsets.UTF_8);
            System.setOut(tee);
            System.setErr(tee);
            Logger.getLogger("").addHandler(c.handler);
            return c;
        }

        void stop() {
            System.setOut(out);
            System.setErr(err);
            Logger.getLogger("").removeHandler(handler);
        }

        String text() {
            synchronized (jul) {
                return bytes.toString(StandardCharsets.UTF_8) + "\n" + jul;
            }
        }
    }
}
