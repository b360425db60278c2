package dev.larder.store.cassandra;

import java.util.Arrays;

/**
 * Option {@code write_timestamp}: where the write timestamps of a row's cells come from.
 * Cassandra keeps, per cell, the value with the greatest write timestamp, so this decides which
 * of two writers' values a read sees.
 */
public enum WriteTimestamp {
    /**
     * The writing client's clock, as Feast's writers stamp their cells, raised above the stored
     * cells' timestamps that the write read: Larder's writes land over Feast's and Feast's later
     * writes land over Larder's. Newest-wins is decided by that read, so concurrent writers of one
     * key are not ordered (no {@code CONCURRENT_WRITES_SAME_KEY}).
     */
    NOW("now"),
    /**
     * The row's event time (milliseconds, as {@code event_ts}) plus a tie step for a newer created
     * time: Cassandra itself keeps the newest event whatever order concurrent writers arrive in.
     * Only for tables that no other writer (Feast, or this store in {@code now} mode) fills.
     */
    EVENT_TIME("event_time");

    private final String option;

    WriteTimestamp(String option) {
        this.option = option;
    }

    /** The value as written in feature_store.yaml. */
    public String option() {
        return option;
    }

    static String[] options() {
        return Arrays.stream(values()).map(WriteTimestamp::option).toArray(String[]::new);
    }

    static WriteTimestamp from(String option) {
        for (WriteTimestamp w : values()) {
            if (w.option.equals(option)) return w;
        }
        throw new IllegalArgumentException(option);
    }
}
