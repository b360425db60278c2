package dev.larder.store.sqlite;

import dev.larder.spi.OnlineStoreException;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Which project and feature view a table belongs to, in a side table Feast never reads
 * ({@code larder_table_owners}). Feast names tables {@code <project>_<view>}, so project {@code shop}
 * with view {@code eu_stats} and project {@code shop_eu} with view {@code stats} both map to
 * {@code shop_eu_stats}: the second must be refused, never share or drop the first one's table.
 * Tables without a recorded owner (created by Feast, or by Larder before this table existed) are
 * claimed by the first project that applies them.
 */
final class SqliteTableOwners {
    static final String TABLE = "larder_table_owners";

    record Owner(String project, String view) {
    }

    private SqliteTableOwners() {
    }

    static void ensure(Statement st) throws SQLException {
        st.execute("CREATE TABLE IF NOT EXISTS " + TABLE
                + " (table_name TEXT PRIMARY KEY, project TEXT NOT NULL, feature_view TEXT NOT NULL) WITHOUT ROWID");
    }

    /** Drops the side table when it records nothing, so a file whose tables were all torn down holds no table. */
    static void dropIfEmpty(Statement st) throws SQLException {
        boolean empty;
        try (ResultSet rs = st.executeQuery("SELECT 1 FROM " + TABLE + " LIMIT 1")) {
            empty = !rs.next();
        }
        if (empty) st.execute("DROP TABLE " + TABLE);
    }

    /** The recorded owner of a table, or null (none recorded, or no side table yet). */
    static Owner ownerOf(Connection c, String table) throws SQLException {
        try (PreparedStatement exists = c.prepareStatement("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?")) {
            exists.setString(1, TABLE);
            try (ResultSet rs = exists.executeQuery()) {
                if (!rs.next()) return null;
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT project, feature_view FROM " + TABLE + " WHERE table_name = ?")) {
            ps.setString(1, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new Owner(rs.getString(1), rs.getString(2)) : null;
            }
        }
    }

    static void claim(Connection c, String table, String project, String view) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT OR IGNORE INTO " + TABLE + " (table_name, project, feature_view) VALUES (?, ?, ?)")) {
            ps.setString(1, table);
            ps.setString(2, project);
            ps.setString(3, view);
            ps.executeUpdate();
        }
    }

    static void forget(Connection c, String table) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + TABLE + " WHERE table_name = ?")) {
            ps.setString(1, table);
            ps.executeUpdate();
        }
    }

    /** Whether {@code owner} (possibly none) lets project/view use the table. */
    static boolean allows(Owner owner, String project, String view) {
        return owner == null || (owner.project().equals(project) && owner.view().equals(view));
    }

    static OnlineStoreException conflict(OnlineStoreException.Operation op, Path file, String table, Owner owner, String project, String view) {
        return new OnlineStoreException(SqliteFailures.TYPE, op, "table " + table + " in " + file, false,
                "the table belongs to project '" + owner.project() + "', feature view '" + owner.view() + "'; project '" + project
                        + "', feature view '" + view + "' maps to the same name (Feast names tables <project>_<view>)."
                        + " Rename the feature view, or give this project its own online_store.path; nothing was changed");
    }
}
