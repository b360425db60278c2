package dev.larder.store.bigtable;

import dev.larder.spi.StoreOptions;

import java.time.Duration;
import java.util.Optional;

/**
 * Options of {@code online_store: {type: bigtable}}, with Feast's names where Feast has the option.
 *
 * @param projectId         {@code project_id}: the Google Cloud project of the instance. Optional as in Feast:
 *                          when unset, {@code emulator} with {@code emulator_host}, otherwise the environment's
 *                          default project ({@code GOOGLE_CLOUD_PROJECT}, gcloud, metadata server)
 * @param instance          {@code instance} (required): the Bigtable instance id
 * @param maxVersions       {@code max_versions} (default 2, Feast's): versions a cell keeps before garbage
 *                          collection; at least 2 is needed for a row to hide features of older events
 *                          (see docs/stores/bigtable.md)
 * @param appProfileId      {@code app_profile_id} (default: the instance's default app profile)
 * @param emulatorHost      {@code emulator_host} ({@code host:port}; default unset): when set, both clients
 *                          talk plaintext without credentials to a Bigtable emulator there
 * @param requestTimeout    {@code request_timeout} (default 20 s): the most one operation (a read, a write
 *                          batch, an admin call, one page of a scan) may take, retries included
 * @param deleteExpiredData {@code delete_expired_data} (default false): when true, a table's family gets a
 *                          max-age GC rule (the largest ttl of its views; none if one has no ttl) and reads
 *                          skip cells older than the view's ttl, so expired rows read as absent. When false
 *                          (Feast's behaviour), old rows stay and the facade reports them OUTSIDE_MAX_AGE
 */
public record BigtableStoreConfig(String projectId, String instance, int maxVersions, Optional<String> appProfileId,
                                  Optional<String> emulatorHost, Duration requestTimeout, boolean deleteExpiredData) {
    public static final int DEFAULT_MAX_VERSIONS = 2;
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(20);
    /** The project id used with an emulator when {@code project_id} is unset; the emulator accepts any. */
    public static final String EMULATOR_PROJECT = "emulator";

    public static BigtableStoreConfig from(StoreOptions options) {
        Optional<String> projectId = options.string("project_id").map(String::trim).filter(s -> !s.isEmpty());
        String instance = options.requiredString("instance");
        if (instance != null && instance.isBlank()) {
            options.problem("instance", "must not be empty; give the Bigtable instance id");
        }
        int maxVersions = options.integer("max_versions", DEFAULT_MAX_VERSIONS, 1, Integer.MAX_VALUE);
        Optional<String> appProfile = options.string("app_profile_id").map(String::trim).filter(s -> !s.isEmpty());
        Optional<String> emulator = options.string("emulator_host").map(String::trim);
        if (emulator.isPresent() && parseHostPort(emulator.get()) == null) {
            options.problem("emulator_host", "'" + emulator.get() + "' is not valid; expected host:port, e.g. 127.0.0.1:8086");
        }
        Duration timeout = options.duration("request_timeout", DEFAULT_REQUEST_TIMEOUT);
        if (timeout.isZero()) {
            options.problem("request_timeout", "must be greater than zero");
        }
        boolean deleteExpired = options.bool("delete_expired_data", false);
        String project = projectId.orElse(null);
        if (project == null && emulator.isPresent()) {
            project = EMULATOR_PROJECT;
        }
        if (project == null) {
            project = defaultProject();
            if (project == null) {
                options.problem("project_id", "is not set and no default Google Cloud project is configured"
                        + " (GOOGLE_CLOUD_PROJECT or gcloud); give the project of the Bigtable instance");
            }
        }
        options.validate();
        return new BigtableStoreConfig(project, instance.trim(), maxVersions, appProfile, emulator, timeout, deleteExpired);
    }

    private static String defaultProject() {
        try {
            return com.google.cloud.ServiceOptions.getDefaultProjectId();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** {@code [host, port]} of a {@code host:port}, or null when it is not one. */
    static String[] parseHostPort(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) return null;
        String host = text.substring(0, colon);
        String port = text.substring(colon + 1);
        if (!port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535 || Integer.parseInt(port) == 0) return null;
        if (host.startsWith("[") && host.endsWith("]")) host = host.substring(1, host.length() - 1);
        return new String[] {host, port};
    }

    /** Where the clients connect, for messages: the emulator's address or Bigtable's. */
    public String endpoint() {
        return emulatorHost.map(h -> "the Bigtable emulator at " + h).orElse("Cloud Bigtable");
    }

    @Override
    public String toString() {
        return "BigtableStoreConfig{project_id=" + projectId + ", instance=" + instance + ", max_versions=" + maxVersions
                + ", app_profile_id=" + appProfileId.orElse("(default)") + ", emulator_host=" + emulatorHost.orElse("(none)")
                + ", request_timeout=" + requestTimeout + ", delete_expired_data=" + deleteExpiredData + "}";
    }
}
