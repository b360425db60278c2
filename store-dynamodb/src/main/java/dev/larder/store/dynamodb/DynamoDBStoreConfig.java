package dev.larder.store.dynamodb;

import dev.larder.spi.StoreOptions;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Options of {@code online_store: {type: dynamodb}}, with Feast's names and defaults where Feast has the option.
 *
 * @param region                    AWS region; required unless {@code endpoint_url} is set (then it defaults to {@value #LOCAL_REGION}, used only for signing)
 * @param endpointUrl               e.g. {@code http://127.0.0.1:8000} for DynamoDB Local; null for AWS's regional endpoint
 * @param tableNameTemplate         table per view; {@code {project}} and {@code {table_name}} (the view name) are replaced (default {@value #DEFAULT_TABLE_NAME_TEMPLATE})
 * @param batchSize                 keys per BatchGetItem request, 1 to 100 (default 100)
 * @param maxReadWorkers            BatchGetItem requests in flight per read call, at least 1 (default 10; 1 is the sequential baseline)
 * @param consistentReads           strongly consistent reads (default false: eventually consistent, half the read cost)
 * @param tags                      tags applied to the tables {@code update} creates (default none)
 * @param sessionBasedAuth          credentials always come from the SDK's default chain; true (default false) also refreshes
 *                                  temporary session credentials in the background before they expire (see the docs)
 * @param maxPoolConnections        HTTP connections of the store's client (default 50)
 * @param connectTimeout            TCP connect timeout (default 5 s)
 * @param readTimeout               how long a request may wait for response bytes (default 10 s)
 * @param totalMaxRetryAttempts     attempts per request, first included, for errors the SDK retries (throttling, 5xx, I/O) (default 3)
 * @param conditionalWrites         true (default): per-item conditional PutItem, the newest event time wins even against concurrent writers;
 *                                  false: unconditional BatchWriteItem, the last write wins
 * @param maxWriteWorkers           write requests in flight per write call (default 25)
 * @param unprocessedRetryTimeout   how long UnprocessedKeys / UnprocessedItems are retried before the call fails (default 60 s)
 */
public record DynamoDBStoreConfig(String region, URI endpointUrl, String tableNameTemplate, int batchSize, int maxReadWorkers,
                                  boolean consistentReads, Map<String, String> tags, boolean sessionBasedAuth, int maxPoolConnections,
                                  Duration connectTimeout, Duration readTimeout, int totalMaxRetryAttempts, boolean conditionalWrites,
                                  int maxWriteWorkers, Duration unprocessedRetryTimeout) {

    public static final String DEFAULT_TABLE_NAME_TEMPLATE = "{project}.{table_name}";
    /** The signing region when only {@code endpoint_url} is given (DynamoDB Local accepts any). */
    public static final String LOCAL_REGION = "us-east-1";
    /** DynamoDB's BatchGetItem limit. */
    public static final int MAX_BATCH_SIZE = 100;

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]*)}");

    /** For code that builds a config directly (tools, benchmarks); YAML goes through {@link #from}, which names the option at fault. */
    public DynamoDBStoreConfig {
        java.util.Objects.requireNonNull(region, "region");
        java.util.Objects.requireNonNull(tableNameTemplate, "tableNameTemplate");
        tags = Map.copyOf(tags);
        if (endpointUrl != null && (endpointUrl.getRawUserInfo() != null || endpointUrl.getRawQuery() != null || endpointUrl.getRawFragment() != null)) {
            // Not echoed: user info or a query may be a secret.
            throw new IllegalArgumentException("endpoint_url must not carry user info, a query or a fragment");
        }
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) throw new IllegalArgumentException("batch_size " + batchSize + " is out of range (allowed: 1 to 100)");
        if (maxReadWorkers < 1 || maxWriteWorkers < 1 || maxPoolConnections < 1 || totalMaxRetryAttempts < 1) {
            throw new IllegalArgumentException("max_read_workers, max_write_workers, max_pool_connections and total_max_retry_attempts must be at least 1");
        }
        for (Duration d : new Duration[] {connectTimeout, readTimeout, unprocessedRetryTimeout}) {
            if (d == null || d.isZero() || d.isNegative()) throw new IllegalArgumentException("timeouts must be greater than zero");
        }
    }

    /** Reads and validates every option; problems (unknown keys included) are reported together. */
    public static DynamoDBStoreConfig from(StoreOptions options) {
        String region = options.string("region").orElse(null);
        String endpoint = options.string("endpoint_url").orElse(null);
        String template = options.string("table_name_template", DEFAULT_TABLE_NAME_TEMPLATE);
        int batchSize = options.integer("batch_size", MAX_BATCH_SIZE, 1, MAX_BATCH_SIZE);
        int readWorkers = options.integer("max_read_workers", 10, 1, Integer.MAX_VALUE);
        boolean consistent = options.bool("consistent_reads", false);
        Map<String, String> tags = options.stringMap("tags");
        boolean sessionAuth = options.bool("session_based_auth", false);
        int pool = options.integer("max_pool_connections", 50, 1, Integer.MAX_VALUE);
        Duration connect = positive(options, "connect_timeout", Duration.ofSeconds(5));
        Duration read = positive(options, "read_timeout", Duration.ofSeconds(10));
        int attempts = options.integer("total_max_retry_attempts", 3, 1, 100);
        boolean conditional = options.bool("conditional_writes", true);
        int writeWorkers = options.integer("max_write_workers", 25, 1, Integer.MAX_VALUE);
        Duration unprocessed = positive(options, "unprocessed_retry_timeout", Duration.ofSeconds(60));

        URI endpointUri = endpoint == null ? null : endpoint(options, endpoint.trim());
        if (region == null || region.isBlank()) {
            if (endpoint == null) {
                options.problem("region", "is required for the dynamodb store (e.g. region: us-east-1) unless endpoint_url is set");
            }
            region = LOCAL_REGION;
        }
        checkTemplate(options, template);
        options.validate();
        return new DynamoDBStoreConfig(region.trim(), endpointUri, template, batchSize, readWorkers, consistent, tags, sessionAuth, pool,
                connect, read, attempts, conditional, writeWorkers, unprocessed);
    }

    private static final String ENDPOINT_EXAMPLE = "expected an http:// or https:// URL such as http://127.0.0.1:8000";

    /**
     * The endpoint, or null with a problem recorded. A URL can carry a secret (user info, a token in
     * the query): such a value is refused and never shown; DynamoDB requests are signed with
     * credentials from the AWS SDK's default chain, never with credentials in the URL.
     */
    private static URI endpoint(StoreOptions options, String text) {
        String shown = text.indexOf('@') < 0 && text.indexOf('?') < 0 && text.indexOf('#') < 0
                ? "'" + text + "'" : "(value hidden: it may carry credentials)";
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            options.problem("endpoint_url", shown + " is not valid; " + ENDPOINT_EXAMPLE);
            return null;
        }
        if (uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            options.problem("endpoint_url", "(value hidden) is not valid: it carries user info (user:password@), a query or a fragment;"
                    + " DynamoDB requests are signed with credentials from the AWS SDK's default chain, not with credentials in the URL; "
                    + ENDPOINT_EXAMPLE);
            return null;
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            options.problem("endpoint_url", shown + " is not valid; " + ENDPOINT_EXAMPLE);
            return null;
        }
        return uri;
    }

    private static Duration positive(StoreOptions options, String key, Duration defaultValue) {
        Duration d = options.duration(key, defaultValue);
        if (d.isZero() || d.isNegative()) {
            options.problem(key, "'" + options.raw().get(key) + "' is not valid; expected a duration greater than zero");
            return defaultValue;
        }
        return d;
    }

    private static void checkTemplate(StoreOptions options, String template) {
        Matcher m = PLACEHOLDER.matcher(template);
        boolean hasTable = false;
        while (m.find()) {
            String name = m.group(1);
            if (name.equals("table_name")) hasTable = true;
            else if (!name.equals("project")) {
                options.problem("table_name_template", "'" + template + "' is not valid; unknown placeholder {" + name
                        + "}: only {project} and {table_name} are allowed");
            }
        }
        if (!hasTable) {
            options.problem("table_name_template", "'" + template + "' is not valid; it must contain {table_name} so each feature view gets its own table");
        }
    }

    /** The table of a view: the template with {@code {project}} and {@code {table_name}} replaced, as Feast's {@code _get_table_name}. */
    public String tableName(String project, String viewName) {
        return tableNameTemplate.replace("{project}", project).replace("{table_name}", viewName);
    }

    /** Where the store sends requests, for messages: the endpoint (never with user info, see {@link #from}) or the region. */
    public String target() {
        return endpointUrl != null ? endpointUrl.toString() : "DynamoDB in " + region;
    }
}
