package dev.larder.spi;

import java.time.Instant;
import java.util.Collections;
import java.util.Map;

/**
 * What a store holds for one entity key and one view: the event time of the stored row and the
 * requested features it has. {@link #ABSENT} when the key has no row for the view.
 */
public final class OnlineRow {
    public static final OnlineRow ABSENT = new OnlineRow(null, Map.of());

    private final Instant eventTime;
    private final Map<String, Value> values;

    private OnlineRow(Instant eventTime, Map<String, Value> values) {
        this.eventTime = eventTime;
        this.values = values;
    }

    /** A present row. The map is owned by the row from here on: do not change it afterwards. */
    public static OnlineRow of(Instant eventTime, Map<String, Value> values) {
        if (eventTime == null) {
            throw new IllegalArgumentException("A present row needs an event time");
        }
        return new OnlineRow(eventTime, Collections.unmodifiableMap(values));
    }

    public boolean isPresent() {
        return eventTime != null;
    }

    /** The stored event time; null when absent. */
    public Instant eventTime() {
        return eventTime;
    }

    /** Requested features found in the store, by name; a feature the row lacks is not in the map. */
    public Map<String, Value> values() {
        return values;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof OnlineRow)) return false;
        OnlineRow other = (OnlineRow) o;
        return java.util.Objects.equals(eventTime, other.eventTime) && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return 31 * java.util.Objects.hashCode(eventTime) + values.hashCode();
    }

    @Override
    public String toString() {
        return isPresent() ? "OnlineRow{" + eventTime + ", " + values + "}" : "OnlineRow{absent}";
    }
}
