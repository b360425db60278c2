package dev.larder.registry.feast;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Parser;
import dev.larder.LarderException;
import dev.larder.config.RegistryConfig;
import dev.larder.config.SqlRegistryUrl;
import dev.larder.feast.proto.core.DataSource;
import dev.larder.feast.proto.core.Entity;
import dev.larder.feast.proto.core.FeatureService;
import dev.larder.feast.proto.core.FeatureView;
import dev.larder.feast.proto.core.FeatureViewVersionRecord;
import dev.larder.feast.proto.core.OnDemandFeatureView;
import dev.larder.feast.proto.core.Project;
import dev.larder.feast.proto.core.StreamFeatureView;
import dev.larder.registry.Registry;
import dev.larder.registry.RegistryStore;

import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Feast's SQL registry ({@code registry_type: sql}, Feast's {@code SqlRegistry}): one table per
 * object kind, a row per object keyed by its name and {@code project_id}, holding the serialized
 * proto. Rows store entities, feature services and data sources without their project (Feast adds
 * it back from {@code project_id} when it reads, and so does Larder). On SQLite and PostgreSQL.
 */
public final class FeastSqlRegistryStore implements RegistryStore {
    /** How long connecting to a PostgreSQL registry may take before it counts as unreachable. */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final String PUSH_SOURCE_CLASS = "feast.data_source.PushSource";

    /** An object table: its name, its name column and its proto column, as sql.py declares them. */
    private record ObjectTable(String table, String nameColumn, String protoColumn, boolean viewColumns) {
    }

    private static final ObjectTable PROJECTS = new ObjectTable("projects", "project_id", "project_proto", false);
    private static final ObjectTable ENTITIES = new ObjectTable("entities", "entity_name", "entity_proto", false);
    private static final ObjectTable DATA_SOURCES = new ObjectTable("data_sources", "data_source_name", "data_source_proto", false);
    private static final ObjectTable FEATURE_VIEWS = new ObjectTable("feature_views", "feature_view_name", "feature_view_proto", true);
    private static final ObjectTable STREAM_FEATURE_VIEWS = new ObjectTable("stream_feature_views", "feature_view_name", "feature_view_proto", false);
    private static final ObjectTable ON_DEMAND_FEATURE_VIEWS = new ObjectTable("on_demand_feature_views", "feature_view_name", "feature_view_proto", false);
    private static final ObjectTable FEATURE_SERVICES = new ObjectTable("feature_services", "feature_service_name", "feature_service_proto", false);
    /** Tables Larder does not read; listed so that the schema it creates is Feast's whole schema. */
    private static final List<ObjectTable> OTHER_TABLES = List.of(
            new ObjectTable("label_views", "feature_view_name", "feature_view_proto", false),
            new ObjectTable("saved_datasets", "saved_dataset_name", "saved_dataset_proto", false),
            new ObjectTable("validation_references", "validation_reference_name", "validation_reference_proto", false),
            new ObjectTable("managed_infra", "infra_name", "infra_proto", false),
            new ObjectTable("permissions", "permission_name", "permission_proto", false));
    private static final List<ObjectTable> READ_TABLES = List.of(PROJECTS, ENTITIES, DATA_SOURCES, FEATURE_VIEWS, STREAM_FEATURE_VIEWS,
            ON_DEMAND_FEATURE_VIEWS, FEATURE_SERVICES);

    private final RegistryConfig config;
    private final SqlRegistryUrl url;
    private final Supplier<String> uuids;

    public FeastSqlRegistryStore(RegistryConfig config) {
        this(config, () -> UUID.randomUUID().toString());
    }

    public FeastSqlRegistryStore(RegistryConfig config, Supplier<String> uuids) {
        this.config = config;
        this.url = config.sql();
        this.uuids = uuids;
    }

    @Override
    public RegistryConfig config() {
        return config;
    }

    // ------------------------------------------------------------------------------------ reading

    @Override
    public Optional<Registry> load(String project) {
        if (missingSqliteFile()) return Optional.empty();
        try (Connection c = connect()) {
            FeastProjectObjects objects = read(c, project);
            return objects.isEmpty() ? Optional.empty() : Optional.of(FeastRegistryMapping.toRegistry(objects));
        } catch (SQLException e) {
            throw failure("cannot read the registry", e);
        }
    }

    /** The project's objects as protos (the form Feast's SDK gives them), for tests and tools. */
    public FeastProjectObjects readObjects(String project) {
        if (missingSqliteFile()) return FeastProjectObjects.empty(project);
        try (Connection c = connect()) {
            return read(c, project);
        } catch (SQLException e) {
            throw failure("cannot read the registry", e);
        }
    }

    @Override
    public List<String> projects() {
        if (missingSqliteFile()) return List.of();
        try (Connection c = connect()) {
            Set<String> tables = tables(c);
            TreeSet<String> names = new TreeSet<>();
            for (ObjectTable t : READ_TABLES) {
                if (!tables.contains(t.table())) continue;
                try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT DISTINCT project_id FROM " + t.table())) {
                    while (rs.next()) names.add(rs.getString(1));
                }
            }
            return List.copyOf(names);
        } catch (SQLException e) {
            throw failure("cannot read the registry", e);
        }
    }

    private FeastProjectObjects read(Connection c, String project) throws SQLException {
        Set<String> tables = tables(c);
        List<Project> projects = rows(c, tables, PROJECTS, project, Project.parser());
        List<Entity> entities = rows(c, tables, ENTITIES, project, Entity.parser()).stream()
                .map(e -> e.toBuilder().setSpec(e.getSpec().toBuilder().setProject(project)).build()).toList();
        List<DataSource> sources = rows(c, tables, DATA_SOURCES, project, DataSource.parser()).stream()
                .map(d -> withProject(d, project)).toList();
        List<FeatureView> views = rows(c, tables, FEATURE_VIEWS, project, FeatureView.parser()).stream()
                .map(v -> v.toBuilder().setSpec(v.getSpec().toBuilder().setProject(project)).build()).toList();
        List<StreamFeatureView> streamViews = rows(c, tables, STREAM_FEATURE_VIEWS, project, StreamFeatureView.parser());
        List<OnDemandFeatureView> onDemand = rows(c, tables, ON_DEMAND_FEATURE_VIEWS, project, OnDemandFeatureView.parser());
        List<FeatureService> services = rows(c, tables, FEATURE_SERVICES, project, FeatureService.parser()).stream()
                .map(s -> s.toBuilder().setSpec(s.getSpec().toBuilder().setProject(project)).build()).toList();
        List<FeatureViewVersionRecord> history = new ArrayList<>();
        if (tables.contains("feature_view_version_history")) {
            try (PreparedStatement ps = c.prepareStatement("SELECT feature_view_name, version_number, feature_view_type, feature_view_proto,"
                    + " created_timestamp, description, version_id FROM feature_view_version_history WHERE project_id = ?"
                    + " ORDER BY feature_view_name, version_number")) {
                ps.setString(1, project);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        history.add(FeatureViewVersionRecord.newBuilder().setFeatureViewName(rs.getString(1)).setProjectId(project)
                                .setVersionNumber(rs.getInt(2)).setFeatureViewType(rs.getString(3))
                                .setFeatureViewProto(com.google.protobuf.ByteString.copyFrom(rs.getBytes(4)))
                                .setCreatedTimestamp(com.google.protobuf.Timestamp.newBuilder().setSeconds(rs.getLong(5)))
                                .setDescription(rs.getString(6) == null ? "" : rs.getString(6)).setVersionId(rs.getString(7)).build());
                    }
                }
            }
        }
        Instant lastUpdated = Instant.EPOCH;
        if (tables.contains("feast_metadata")) {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT metadata_value FROM feast_metadata WHERE project_id = ? AND metadata_key = 'last_updated_timestamp'")) {
                ps.setString(1, project);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        try {
                            lastUpdated = Instant.ofEpochSecond(Long.parseLong(rs.getString(1).trim()));
                        } catch (NumberFormatException e) {
                            // A value Feast did not write; the time is only informative.
                        }
                    }
                }
            }
        }
        return new FeastProjectObjects(project, projects.stream().findFirst(), entities, sources, views, streamViews, onDemand, services,
                history, lastUpdated);
    }

    /** Feast adds the project and (for first-party sources) the class back when it reads a data source row. */
    private static DataSource withProject(DataSource d, String project) {
        DataSource.Builder b = d.toBuilder().setProject(project);
        if (d.getDataSourceClassType().isEmpty()) {
            if (d.getType() == DataSource.SourceType.BATCH_FILE) b.setDataSourceClassType(FeastRegistryWriter.FILE_SOURCE_CLASS);
            if (d.getType() == DataSource.SourceType.PUSH_SOURCE) b.setDataSourceClassType(PUSH_SOURCE_CLASS);
        }
        return b.build();
    }

    private <T extends Message> List<T> rows(Connection c, Set<String> tables, ObjectTable t, String project, Parser<T> parser)
            throws SQLException {
        List<T> out = new ArrayList<>();
        if (!tables.contains(t.table())) return out;
        try (PreparedStatement ps = c.prepareStatement("SELECT " + t.nameColumn() + ", " + t.protoColumn() + " FROM " + t.table()
                + " WHERE project_id = ? ORDER BY " + t.nameColumn())) {
            ps.setString(1, project);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    try {
                        out.add(parser.parseFrom(rs.getBytes(2)));
                    } catch (InvalidProtocolBufferException e) {
                        throw new LarderException(describe() + ": table " + t.table() + ", row '" + rs.getString(1) + "' of project '"
                                + project + "': column " + t.protoColumn() + " is not a readable Feast proto: " + e.getMessage(), e);
                    }
                }
            }
        }
        return out;
    }

    private static Set<String> tables(Connection c) throws SQLException {
        Set<String> out = new HashSet<>();
        DatabaseMetaData md = c.getMetaData();
        try (ResultSet rs = md.getTables(null, null, "%", new String[]{"TABLE"})) {
            while (rs.next()) out.add(rs.getString("TABLE_NAME").toLowerCase(java.util.Locale.ROOT));
        }
        return out;
    }

    // ------------------------------------------------------------------------------------ writing

    @Override
    public void save(Registry registry) {
        String project = registry.project();
        if (url.dialect() == SqlRegistryUrl.Dialect.SQLITE) {
            try {
                Files.createDirectories(url.sqliteFile().getParent());
            } catch (java.io.IOException e) {
                throw new LarderException(describe() + ": cannot create the directory " + url.sqliteFile().getParent() + ": " + e.getMessage(), e);
            }
        }
        // Feast draws the project's uuid when it opens the registry, before the apply draws the version ids.
        String projectUuid = uuids.get();
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            try {
                createSchema(c);
                FeastProjectObjects previous = read(c, project);
                FeastProjectObjects next = new FeastRegistryWriter(registry.lastUpdated(), uuids).write(registry, previous);
                long now = registry.lastUpdated().getEpochSecond();
                next.projectProto().ifPresent(p -> upsertProject(c, p, now));
                sync(c, ENTITIES, project, next.entities(), e -> e.getSpec().getName(),
                        e -> e.toBuilder().setSpec(e.getSpec().toBuilder().clearProject()).build(), now);
                sync(c, DATA_SOURCES, project, next.dataSources(), DataSource::getName,
                        d -> d.toBuilder().clearProject().clearDataSourceClassType().build(), now);
                sync(c, FEATURE_VIEWS, project, next.featureViews(), v -> v.getSpec().getName(), v -> v, now);
                sync(c, FEATURE_SERVICES, project, next.featureServices(), s -> s.getSpec().getName(),
                        s -> s.toBuilder().setSpec(s.getSpec().toBuilder().clearProject()).build(), now);
                syncHistory(c, project, next.versionHistory());
                setMetadata(c, project, "project_uuid", projectUuid, now, false);
                setMetadata(c, project, "last_updated_timestamp", Long.toString(now), now, true);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failure("cannot write the registry", e);
        }
    }

    /** Appends each interval to its view's row in one transaction (Feast's format has no room for the store's identity). */
    @Override
    public void recordMaterialized(String project, Map<String, Registry.Interval> intervals, String store, Instant now) {
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            try {
                for (Map.Entry<String, Registry.Interval> e : intervals.entrySet()) {
                    String view = e.getKey();
                    Registry.Interval interval = e.getValue();
                    boolean found = updateView(c, FEATURE_VIEWS, project, view, FeatureView.parser(),
                            fv -> fv.toBuilder().setMeta(FeastMaterialization.append(fv.getMeta(), interval, now)).build(), now)
                            || updateView(c, STREAM_FEATURE_VIEWS, project, view, StreamFeatureView.parser(),
                            sfv -> sfv.toBuilder().setMeta(FeastMaterialization.append(sfv.getMeta(), interval, now)).build(), now);
                    if (!found) {
                        throw new LarderException(describe() + ": project '" + project + "' has no feature view '" + view + "'");
                    }
                }
                setMetadata(c, project, "last_updated_timestamp", Long.toString(now.getEpochSecond()), now.getEpochSecond(), true);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw failure("cannot record the materialized interval", e);
        }
    }

    private <T extends Message> boolean updateView(Connection c, ObjectTable t, String project, String view, Parser<T> parser,
                                                   Function<T, T> change, Instant now) throws SQLException {
        if (!tables(c).contains(t.table())) return false;
        byte[] bytes;
        try (PreparedStatement ps = c.prepareStatement("SELECT " + t.protoColumn() + " FROM " + t.table() + " WHERE " + t.nameColumn()
                + " = ? AND project_id = ?")) {
            ps.setString(1, view);
            ps.setString(2, project);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) return false;
                bytes = rs.getBytes(1);
            }
        }
        T updated;
        try {
            updated = change.apply(parser.parseFrom(bytes));
        } catch (InvalidProtocolBufferException e) {
            throw new LarderException(describe() + ": table " + t.table() + ", row '" + view + "': not a readable Feast proto: " + e.getMessage(), e);
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE " + t.table() + " SET " + t.protoColumn() + " = ?, last_updated_timestamp = ?"
                + " WHERE " + t.nameColumn() + " = ? AND project_id = ?")) {
            ps.setBytes(1, updated.toByteArray());
            ps.setLong(2, now.getEpochSecond());
            ps.setString(3, view);
            ps.setString(4, project);
            ps.executeUpdate();
        }
        return true;
    }

    @Override
    public void delete(String project) {
        if (missingSqliteFile()) return;
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            Set<String> tables = tables(c);
            List<String> all = new ArrayList<>();
            READ_TABLES.forEach(t -> all.add(t.table()));
            OTHER_TABLES.forEach(t -> all.add(t.table()));
            all.add("feature_view_version_history");
            all.add("feast_metadata");
            for (String t : all) {
                if (!tables.contains(t)) continue;
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + t + " WHERE project_id = ?")) {
                    ps.setString(1, project);
                    ps.executeUpdate();
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw failure("cannot delete the project from the registry", e);
        }
    }

    private <T extends Message> void sync(Connection c, ObjectTable t, String project, List<T> objects, Function<T, String> name,
                                          Function<T, T> rowForm, long now) throws SQLException {
        Map<String, byte[]> existing = new java.util.HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT " + t.nameColumn() + ", " + t.protoColumn() + " FROM " + t.table()
                + " WHERE project_id = ?")) {
            ps.setString(1, project);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) existing.put(rs.getString(1), rs.getBytes(2));
            }
        }
        Set<String> keep = new HashSet<>();
        for (T o : objects) {
            String n = name.apply(o);
            keep.add(n);
            byte[] bytes = rowForm.apply(o).toByteArray();
            byte[] old = existing.get(n);
            if (old != null && java.util.Arrays.equals(old, bytes)) continue;
            if (old != null) {
                try (PreparedStatement ps = c.prepareStatement("UPDATE " + t.table() + " SET " + t.protoColumn() + " = ?, last_updated_timestamp = ?"
                        + " WHERE " + t.nameColumn() + " = ? AND project_id = ?")) {
                    ps.setBytes(1, bytes);
                    ps.setLong(2, now);
                    ps.setString(3, n);
                    ps.setString(4, project);
                    ps.executeUpdate();
                }
            } else {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t.table() + " (" + t.nameColumn() + ", project_id,"
                        + " last_updated_timestamp, " + t.protoColumn() + ") VALUES (?, ?, ?, ?)")) {
                    ps.setString(1, n);
                    ps.setString(2, project);
                    ps.setLong(3, now);
                    ps.setBytes(4, bytes);
                    ps.executeUpdate();
                }
            }
        }
        for (String gone : existing.keySet()) {
            if (keep.contains(gone)) continue;
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + t.table() + " WHERE " + t.nameColumn() + " = ? AND project_id = ?")) {
                ps.setString(1, gone);
                ps.setString(2, project);
                ps.executeUpdate();
            }
        }
    }

    private void upsertProject(Connection c, Project p, long now) {
        try {
            byte[] bytes = p.toByteArray();
            try (PreparedStatement ps = c.prepareStatement("UPDATE projects SET project_proto = ?, project_name = ?, last_updated_timestamp = ?"
                    + " WHERE project_id = ?")) {
                ps.setBytes(1, bytes);
                ps.setString(2, p.getSpec().getName());
                ps.setLong(3, now);
                ps.setString(4, p.getSpec().getName());
                if (ps.executeUpdate() > 0) return;
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO projects (project_id, project_name, last_updated_timestamp, project_proto) VALUES (?, ?, ?, ?)")) {
                ps.setString(1, p.getSpec().getName());
                ps.setString(2, p.getSpec().getName());
                ps.setLong(3, now);
                ps.setBytes(4, bytes);
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw failure("cannot write the project row", e);
        }
    }

    private static void syncHistory(Connection c, String project, List<FeatureViewVersionRecord> records) throws SQLException {
        Set<String> kept = new HashSet<>();
        for (FeatureViewVersionRecord r : records) {
            kept.add(r.getFeatureViewName());
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM feature_view_version_history WHERE feature_view_name = ?"
                    + " AND project_id = ? AND version_number = ?")) {
                ps.setString(1, r.getFeatureViewName());
                ps.setString(2, project);
                ps.setInt(3, r.getVersionNumber());
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) continue;
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO feature_view_version_history (feature_view_name, project_id,"
                    + " version_number, feature_view_type, feature_view_proto, created_timestamp, description, version_id)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, r.getFeatureViewName());
                ps.setString(2, project);
                ps.setInt(3, r.getVersionNumber());
                ps.setString(4, r.getFeatureViewType());
                ps.setBytes(5, r.getFeatureViewProto().toByteArray());
                ps.setLong(6, r.getCreatedTimestamp().getSeconds());
                ps.setString(7, r.getDescription());
                ps.setString(8, r.getVersionId());
                ps.executeUpdate();
            }
        }
        List<String> gone = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT feature_view_name FROM feature_view_version_history WHERE project_id = ?")) {
            ps.setString(1, project);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) if (!kept.contains(rs.getString(1))) gone.add(rs.getString(1));
            }
        }
        for (String g : gone) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM feature_view_version_history WHERE feature_view_name = ? AND project_id = ?")) {
                ps.setString(1, g);
                ps.setString(2, project);
                ps.executeUpdate();
            }
        }
    }

    private static void setMetadata(Connection c, String project, String key, String value, long now, boolean overwrite) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM feast_metadata WHERE project_id = ? AND metadata_key = ?")) {
            ps.setString(1, project);
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    if (!overwrite) return;
                    try (PreparedStatement u = c.prepareStatement("UPDATE feast_metadata SET metadata_value = ?, last_updated_timestamp = ?"
                            + " WHERE project_id = ? AND metadata_key = ?")) {
                        u.setString(1, value);
                        u.setLong(2, now);
                        u.setString(3, project);
                        u.setString(4, key);
                        u.executeUpdate();
                    }
                    return;
                }
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO feast_metadata (project_id, metadata_key, metadata_value, last_updated_timestamp) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, project);
            ps.setString(2, key);
            ps.setString(3, value);
            ps.setLong(4, now);
            ps.executeUpdate();
        }
    }

    /** Feast's schema (sql.py's tables and indexes, as SQLAlchemy's create_all emits them), created when missing. */
    private void createSchema(Connection c) throws SQLException {
        String blob = url.dialect() == SqlRegistryUrl.Dialect.POSTGRESQL ? "BYTEA" : "BLOB";
        List<String> ddl = new ArrayList<>();
        ddl.add("CREATE TABLE IF NOT EXISTS projects (project_id VARCHAR(255) NOT NULL, project_name VARCHAR(255) NOT NULL,"
                + " last_updated_timestamp BIGINT NOT NULL, project_proto " + blob + " NOT NULL, PRIMARY KEY (project_id))");
        ddl.add("CREATE INDEX IF NOT EXISTS idx_projects_project_id ON projects (project_id)");
        List<ObjectTable> objectTables = new ArrayList<>(List.of(ENTITIES, DATA_SOURCES, FEATURE_VIEWS, STREAM_FEATURE_VIEWS,
                ON_DEMAND_FEATURE_VIEWS));
        objectTables.add(OTHER_TABLES.get(0)); // label_views
        objectTables.add(FEATURE_SERVICES);
        objectTables.addAll(OTHER_TABLES.subList(1, OTHER_TABLES.size()));
        for (ObjectTable t : objectTables) {
            boolean view = t.protoColumn().equals("feature_view_proto");
            ddl.add("CREATE TABLE IF NOT EXISTS " + t.table() + " (" + t.nameColumn() + " VARCHAR(255) NOT NULL, project_id VARCHAR(255) NOT NULL,"
                    + " last_updated_timestamp BIGINT NOT NULL, "
                    + (t.viewColumns() ? "materialized_intervals " + blob + ", " : "")
                    + t.protoColumn() + " " + blob + " NOT NULL, "
                    + (view ? "user_metadata " + blob + ", " : "")
                    + "PRIMARY KEY (" + t.nameColumn() + ", project_id))");
            ddl.add("CREATE INDEX IF NOT EXISTS idx_" + t.table() + "_project_id ON " + t.table() + " (project_id)");
        }
        ddl.add("CREATE TABLE IF NOT EXISTS feature_view_version_history (feature_view_name VARCHAR(255) NOT NULL,"
                + " project_id VARCHAR(255) NOT NULL, version_number INTEGER NOT NULL, feature_view_type VARCHAR(50) NOT NULL,"
                + " feature_view_proto " + blob + " NOT NULL, created_timestamp BIGINT NOT NULL, description TEXT,"
                + " version_id VARCHAR(36) NOT NULL, PRIMARY KEY (feature_view_name, project_id, version_number))");
        ddl.add("CREATE INDEX IF NOT EXISTS idx_fv_version_history_project_id ON feature_view_version_history (project_id)");
        ddl.add("CREATE TABLE IF NOT EXISTS feast_metadata (project_id VARCHAR(255) NOT NULL, metadata_key VARCHAR(50) NOT NULL,"
                + " metadata_value TEXT NOT NULL, last_updated_timestamp BIGINT NOT NULL, PRIMARY KEY (project_id, metadata_key))");
        ddl.add("CREATE INDEX IF NOT EXISTS idx_feast_metadata_project_id ON feast_metadata (project_id)");
        try (Statement s = c.createStatement()) {
            for (String sql : ddl) s.execute(sql);
        }
    }

    // ------------------------------------------------------------------------------------ connections

    private boolean missingSqliteFile() {
        return url.dialect() == SqlRegistryUrl.Dialect.SQLITE && !Files.exists(url.sqliteFile());
    }

    private Connection connect() {
        Properties props = new Properties();
        if (url.dialect() == SqlRegistryUrl.Dialect.POSTGRESQL) {
            url.parameters().forEach(props::setProperty);
            url.user().ifPresent(u -> props.setProperty("user", u));
            url.password().ifPresent(p -> props.setProperty("password", p.reveal()));
            String seconds = Long.toString(CONNECT_TIMEOUT.toSeconds());
            props.setProperty("connectTimeout", seconds);
            props.setProperty("loginTimeout", seconds);
            props.setProperty("socketTimeout", "60");
        } else {
            props.setProperty("busy_timeout", "10000");
        }
        try {
            return DriverManager.getConnection(url.jdbcUrl(), props);
        } catch (SQLException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("No suitable driver")) {
                throw new LarderException(describe() + ": no JDBC driver for " + url.dialect() + " on the class path (add "
                        + (url.dialect() == SqlRegistryUrl.Dialect.POSTGRESQL ? "org.postgresql:postgresql" : "org.xerial:sqlite-jdbc") + ")", e);
            }
            String what = url.dialect() == SqlRegistryUrl.Dialect.POSTGRESQL
                    ? "cannot connect within " + CONNECT_TIMEOUT.toSeconds() + " s" : "cannot open the database";
            throw failure(what, e);
        }
    }

    private LarderException failure(String what, SQLException e) {
        // The driver's message names host and port but never the password.
        return new LarderException(describe() + ": " + what + ": " + e.getMessage(), e);
    }
}
