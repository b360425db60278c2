package dev.larder.spi;

/**
 * One row of a backend's functionality matrix: what an online store does, which depends on the
 * backend and on its options. The created store reports the ones it has in
 * {@link OnlineStore#capabilities()}; its provider says what each needs in
 * {@link OnlineStoreProvider#capabilities()}. The compatibility kit proves each one a store
 * reports and asserts that the operations behind the others throw {@link UnsupportedOperationException}.
 *
 * <p>Rows that Larder provides for every backend (ttl applied at retrieval, readable from Java)
 * or for none (on-demand transforms, collocation by feature service) are not store properties and
 * live in the facade's own matrix, {@code dev.larder.LarderFeatures}.
 */
public enum Capability {
    WRITE("write to the online store"),
    READ("read from the online store"),
    UPDATE_INFRA("update infrastructure (create and drop tables)"),
    TEARDOWN("teardown infrastructure"),
    PLAN("generate a plan of infrastructure changes"),
    ENTITYLESS_FEATURE_VIEWS("support entityless feature views"),
    CONCURRENT_WRITES_SAME_KEY("concurrent writes to the same key: the newest event time wins"),
    DELETE_EXPIRED_DATA("deletes expired data"),
    COLLOCATED_BY_FEATURE_VIEW("collocated by feature view"),
    COLLOCATED_BY_ENTITY_KEY("collocated by entity key"),
    ASYNC_READ("asynchronous reads (non-blocking client)"),
    BATCHED_READ("batched, parallel or pipelined reads of many keys: never a request per key"),
    MULTI_VIEW_READ("reads several views sharing join keys in one round trip");

    private final String description;

    Capability(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
