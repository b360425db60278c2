package dev.larder.benchmarks.env;

import java.nio.file.Path;
import java.util.Map;

/**
 * A backend ready for a benchmark: its server started on loopback with the same launcher the
 * tests use (or nothing, for an embedded store), and the {@code online_store:} options that reach it.
 * One per benchmark trial (JMH fork); {@link #close()} stops what it started.
 */
public interface BackendEnvironment extends AutoCloseable {

    /** The {@code online_store.type}. */
    String type();

    /** A scratch directory, also the repo path relative options resolve against. */
    Path directory();

    /** Options that reach the server directly. */
    Map<String, Object> storeOptions();

    /**
     * Options that reach the server through another loopback port (a delay proxy in front of
     * {@link #serverPort()}).
     */
    default Map<String, Object> storeOptionsVia(int port) {
        throw new UnsupportedOperationException(type() + " has no network server to put a proxy in front of");
    }

    /** The server's loopback port, or -1 for an embedded store. */
    default int serverPort() {
        return -1;
    }

    @Override
    void close();
}
