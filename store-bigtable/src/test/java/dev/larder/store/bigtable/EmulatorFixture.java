package dev.larder.store.bigtable;

import com.google.cloud.bigtable.admin.v2.BigtableTableAdminClient;
import com.google.cloud.bigtable.admin.v2.BigtableTableAdminSettings;
import com.google.cloud.bigtable.data.v2.BigtableDataClient;
import com.google.cloud.bigtable.data.v2.BigtableDataSettings;
import com.google.cloud.bigtable.data.v2.models.Query;
import com.google.cloud.bigtable.data.v2.models.Row;
import com.google.cloud.bigtable.data.v2.models.TableId;
import dev.larder.spi.OnlineStore;
import dev.larder.spi.StoreContext;
import dev.larder.spi.StoreOptions;
import dev.larder.testing.bigtable.BigtableEmulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Raw clients on the shared emulator, to look at what the store wrote, and stores on fresh projects. */
final class EmulatorFixture implements AutoCloseable {
    static final String PROJECT_ID = "larder-test";
    static final String INSTANCE = "layout";

    final BigtableEmulator emulator = BigtableEmulator.shared();
    final BigtableDataClient data;
    final BigtableTableAdminClient admin;
    private final List<OnlineStore> stores = new ArrayList<>();

    EmulatorFixture() {
        try {
            data = BigtableDataClient.create(BigtableDataSettings.newBuilderForEmulator("127.0.0.1", emulator.port())
                    .setProjectId(PROJECT_ID).setInstanceId(INSTANCE).build());
            admin = BigtableTableAdminClient.create(BigtableTableAdminSettings.newBuilderForEmulator("127.0.0.1", emulator.port())
                    .setProjectId(PROJECT_ID).setInstanceId(INSTANCE).build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String freshProject(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    }

    Map<String, Object> options(Map<String, Object> extra) {
        Map<String, Object> o = new HashMap<>(Map.of("project_id", PROJECT_ID, "instance", INSTANCE, "emulator_host", emulator.hostPort()));
        o.putAll(extra);
        return o;
    }

    OnlineStore store(String project, Map<String, Object> extra) {
        OnlineStore s = new BigtableStoreProvider().create(new StoreContext(project, Path.of("."), StoreOptions.of("bigtable", options(extra))));
        stores.add(s);
        return s;
    }

    /** Every row of a table with every cell version, in key order. */
    List<Row> rows(String table) {
        List<Row> out = new ArrayList<>();
        data.readRows(Query.create(TableId.of(table))).forEach(out::add);
        return out;
    }

    List<String> rowKeys(String table) {
        List<String> out = new ArrayList<>();
        for (Row r : rows(table)) out.add(r.getKey().toStringUtf8());
        return out;
    }

    /** Tables of this instance whose names start with the project's name. */
    List<String> tables(String project) {
        List<String> out = new ArrayList<>();
        for (String t : admin.listTables()) if (t.startsWith(project + ".") || t.startsWith(project.substring(0, Math.min(10, project.length())) + "_")) out.add(t);
        return out;
    }

    @Override
    public void close() {
        stores.forEach(OnlineStore::close);
        data.close();
        admin.close();
    }
}
