package dev.larder.store.redis;

import dev.larder.tck.RequestCounting;

import java.util.Map;
import java.util.function.LongSupplier;

/** The kit's request counting for a store reached with {@code options}, counted by {@code requests} (a proxy's client turns). */
record CountedRequests(Map<String, Object> storeOptions, LongSupplier counter) implements RequestCounting {
    @Override
    public long requests() {
        return counter.getAsLong();
    }
}
