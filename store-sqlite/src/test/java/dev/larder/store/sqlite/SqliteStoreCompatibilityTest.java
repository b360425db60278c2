package dev.larder.store.sqlite;

import dev.larder.tck.OnlineStoreCompatibilityKit;
import dev.larder.tck.RequestCounting;

import java.sql.SQLException;
import java.util.Map;

/**
 * The whole compatibility kit against a SQLite file in the test's temporary repo. A request of an
 * embedded store is one SQL statement: the kit counts them through {@link StatementCountingDriver}.
 */
class SqliteStoreCompatibilityTest extends OnlineStoreCompatibilityKit {
    @Override
    protected String storeType() {
        return "sqlite";
    }

    @Override
    protected Map<String, Object> storeOptions() {
        return Map.of("path", repoDir.resolve("online.db").toString());
    }

    @Override
    protected RequestCounting requestCounting() {
        try {
            StatementCountingDriver.install();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot install the statement-counting JDBC driver", e);
        }
        return new RequestCounting() {
            @Override
            public Map<String, Object> storeOptions() {
                return SqliteStoreCompatibilityTest.this.storeOptions();
            }

            @Override
            public long requests() {
                return StatementCountingDriver.executed();
            }
        };
    }

    @Override
    protected int readBatchSize() {
        return SqliteReader.READ_CHUNK;
    }
}
