package dev.larder.tck;

import java.util.Map;

/**
 * How the kit counts the requests a store sends, to prove {@code BATCHED_READ} and
 * {@code MULTI_VIEW_READ}: store options that route the store's traffic through something that
 * counts (a {@code dev.larder.testing.net.DelayProxy} in front of the server, or the server's own
 * counters), and the count so far. A backend's test that declares either capability returns one
 * from {@link OnlineStoreCompatibilityKit#requestCounting()}.
 */
public interface RequestCounting {

    /** Options for a store whose requests are counted (the kit creates it on the test's project). */
    Map<String, Object> storeOptions();

    /** Requests received so far (monotonic; the kit compares differences). */
    long requests();
}
