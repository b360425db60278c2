package dev.larder.spi;

import java.util.Objects;

/**
 * One step that {@link OnlineStore#update} would take.
 *
 * @param action   what happens to the resource
 * @param resource the store-specific thing touched: a table, a key pattern, a keyspace
 * @param detail   how, in the backend's own terms (CQL, an API call); may be empty
 */
public record PlannedChange(Action action, String resource, String detail) {
    public enum Action { CREATE, DELETE, UNCHANGED }

    public PlannedChange {
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(resource, "resource");
        detail = detail == null ? "" : detail;
    }

    @Override
    public String toString() {
        return action + " " + resource + (detail.isEmpty() ? "" : " (" + detail + ")");
    }
}
