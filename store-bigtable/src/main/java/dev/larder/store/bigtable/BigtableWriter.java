package dev.larder.store.bigtable;

import com.google.cloud.bigtable.data.v2.models.ConditionalRowMutation;
import com.google.cloud.bigtable.data.v2.models.Filters;
import com.google.cloud.bigtable.data.v2.models.Mutation;
import com.google.cloud.bigtable.data.v2.models.TableId;
import com.google.protobuf.ByteString;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;
import dev.larder.spi.OnlineStoreException.Operation;
import dev.larder.spi.ProgressListener;
import dev.larder.spi.Value;
import dev.larder.spi.codec.ValueCodec;
import dev.larder.spi.support.InFlight;
import dev.larder.spi.support.NewestWins;

import java.util.List;
import java.util.Map;

import static com.google.cloud.bigtable.data.v2.models.Filters.FILTERS;
import static dev.larder.store.bigtable.BigtableLayout.EVENT_TS;
import static dev.larder.store.bigtable.BigtableLayout.EVENT_TS_QUALIFIER;
import static dev.larder.store.bigtable.BigtableLayout.FAMILY;
import static dev.larder.store.bigtable.BigtableLayout.LARDER_FAMILY;
import static dev.larder.store.bigtable.BigtableLayout.ORDER_QUALIFIER;

/**
 * Writes rows of one view under {@link NewestWins}: each row is one CheckAndMutateRow call, atomic
 * on the server, that replaces the stored row whole (both families cleared, then the row's cells
 * set) unless the stored row is at least as new. Bigtable has no conditional batch, so rows go one
 * call each, {@link #ROWS_IN_FLIGHT} at a time.
 */
final class BigtableWriter {
    /** CheckAndMutateRow calls of one write in flight at once (the channel multiplexes them). */
    static final int ROWS_IN_FLIGHT = 64;

    private final BigtableClients clients;
    private final NewestWins rule;

    BigtableWriter(BigtableClients clients, NewestWins rule) {
        this.clients = clients;
        this.rule = rule;
    }

    void write(FeatureView view, String table, List<FeatureRow> rows, ProgressListener progress) {
        List<FeatureRow> latest = rule.latestPerKey(view, rows); // checks every time before anything is written
        if (latest.isEmpty()) return;
        TableId id = TableId.of(table);
        String what = "write rows of view '" + view.name() + "' to table '" + table + "'";
        BigtableClients.await(InFlight.run(latest.size(), ROWS_IN_FLIGHT, i -> {
            ConditionalRowMutation m = replaceUnlessNewerStored(id, view, latest.get(i));
            return clients.call(clients.data().checkAndMutateRowAsync(m), Operation.WRITE, table, what)
                    .thenRun(() -> progress.rowsWritten(1));
        }));
        if (rows.size() > latest.size()) {
            progress.rowsWritten(rows.size() - latest.size()); // rows superseded within the batch
        }
    }

    /** The row's conditional mutation: nothing when the stored row wins, else the whole row replaced. */
    private ConditionalRowMutation replaceUnlessNewerStored(TableId table, FeatureView view, FeatureRow row) {
        long ts = BigtableLayout.cellTimestamp(row.eventTime());
        Mutation replace = Mutation.create().deleteFamily(FAMILY).deleteFamily(LARDER_FAMILY);
        for (Map.Entry<String, Value> f : row.values().entrySet()) {
            replace.setCell(FAMILY, ByteString.copyFromUtf8(f.getKey()), ts, ByteString.copyFrom(ValueCodec.encode(f.getValue())));
        }
        replace.setCell(FAMILY, EVENT_TS_QUALIFIER, ts, BigtableLayout.eventTsValue(row.eventTime()));
        replace.setCell(LARDER_FAMILY, ByteString.copyFromUtf8(ORDER_QUALIFIER), ts, BigtableLayout.orderValue(
                rule.truncate(row.eventTime()), rule.truncate(row.createdTime())));
        return ConditionalRowMutation.create(table, BigtableLayout.rowKey(row.entityKey(), view.name()))
                .condition(storedIsAtLeastAsNew(row)).otherwise(replace);
    }

    /**
     * Matches a stored row the new one must not replace: its order cell is at least the new row's
     * (NewestWins: newer event, or equal event with a newer or equal created time); or, for a row
     * without one (written by Feast, which keeps no created time), its {@code event_ts} is newer, or
     * equal when the new row has no created time either. {@code event_ts} texts compare as times:
     * Python's isoformat of UTC times, one shape, "+00:00" sorting before ".ffffff".
     */
    Filters.Filter storedIsAtLeastAsNew(FeatureRow row) {
        Filters.Filter order = FILTERS.chain()
                .filter(column(LARDER_FAMILY, ORDER_QUALIFIER))
                .filter(FILTERS.limit().cellsPerColumn(1))
                .filter(FILTERS.value().range().startClosed(BigtableLayout.orderValue(rule.truncate(row.eventTime()), rule.truncate(row.createdTime()))));
        ByteString eventTs = BigtableLayout.eventTsValue(rule.truncate(row.eventTime()));
        Filters.ValueRangeFilter newerEvent = FILTERS.value().range();
        if (row.createdTime() == null) newerEvent.startClosed(eventTs);
        else newerEvent.startOpen(eventTs);
        Filters.Filter feastRow = FILTERS.chain()
                .filter(column(FAMILY, EVENT_TS))
                .filter(FILTERS.limit().cellsPerColumn(1))
                .filter(newerEvent);
        return FILTERS.interleave().filter(order).filter(feastRow);
    }

    /**
     * One column, as a column range: family and qualifier filters are regexes, which the emulator
     * evaluates at about 50 µs a cell (a 50-feature row: 5 ms a write); a range compares bytes.
     */
    private static Filters.Filter column(String family, String qualifier) {
        return FILTERS.qualifier().rangeWithinFamily(family).startClosed(qualifier).endClosed(qualifier);
    }
}
