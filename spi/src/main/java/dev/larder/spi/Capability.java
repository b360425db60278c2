package dev.larder.spi;

/**
 * One row of the functionality matrix (Feast's rows plus Larder's). A backend declares the
 * capabilities it has in {@link OnlineStoreProvider#capabilities()}; the compatibility kit proves
 * each declared one and asserts that undeclared operations throw {@link UnsupportedOperationException}.
 */
public enum Capability {
    WRITE("write to the online store"),
    READ("read from the online store"),
    UPDATE_INFRA("update infrastructure (create and drop tables)"),
    TEARDOWN("teardown infrastructure"),
    PLAN("generate a plan of infrastructure changes"),
    ON_DEMAND_TRANSFORMS("support on-demand transforms"),
    READABLE_FROM_JAVA("readable by the Java feature server"),
    ENTITYLESS_FEATURE_VIEWS("support entityless feature views"),
    CONCURRENT_WRITES_SAME_KEY("concurrent writes to the same key: the newest event time wins"),
    TTL_AT_RETRIEVAL("ttl applied at retrieval"),
    DELETE_EXPIRED_DATA("deletes expired data"),
    COLLOCATED_BY_FEATURE_VIEW("collocated by feature view"),
    COLLOCATED_BY_FEATURE_SERVICE("collocated by feature service"),
    COLLOCATED_BY_ENTITY_KEY("collocated by entity key"),
    ASYNC_READ("asynchronous reads (non-blocking client)"),
    BATCHED_READ("batched, parallel or pipelined reads of many keys"),
    MULTI_VIEW_READ("reads several views sharing join keys in one round trip");

    private final String description;

    Capability(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
