package dev.larder.store.cassandra;

import com.datastax.oss.driver.api.core.CqlSession;
import dev.larder.spi.OnlineStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * For tests that look under the store: a fresh project per test, a plain driver session on the
 * shared node for raw CQL, and stores on that project, all closed after the test.
 */
abstract class CassandraRawAccess {
    static final String KEYSPACE = "larder_tck";

    protected String project;
    protected CqlSession cql;
    private final List<OnlineStore> stores = new ArrayList<>();

    /** The project name's prefix, naming the test in the keyspace. */
    protected abstract String projectPrefix();

    @BeforeEach
    void openRawSession() {
        project = projectPrefix() + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        cql = CassandraStoreCompatibilityTest.rawSession();
    }

    @AfterEach
    void closeStoresAndSession() {
        stores.forEach(OnlineStore::close);
        cql.close();
    }

    /** A store on this test's project with the tests' options and these changes. */
    protected OnlineStore store(Map<String, Object> changes) {
        OnlineStore s = CassandraStoreCompatibilityTest.openStore(project, changes);
        stores.add(s);
        return s;
    }
}
