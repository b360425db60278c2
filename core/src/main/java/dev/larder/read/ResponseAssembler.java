package dev.larder.read;

import dev.larder.EntityValues;
import dev.larder.FeatureRef;
import dev.larder.FieldStatus;
import dev.larder.OnlineResponse;
import dev.larder.spi.Field;
import dev.larder.spi.OnlineRow;
import dev.larder.spi.Value;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The last step of an online read: columns in Feast's shape (join keys first, then each requested
 * feature) with a value, a status and an event time per entity row. A value older than the
 * request time minus its view's ttl is OUTSIDE_MAX_AGE, judged here at request time.
 */
public final class ResponseAssembler {
    private ResponseAssembler() {
    }

    /**
     * @param rowsByView for each planned view, one stored row per distinct key of its plan
     * @param now        the request time
     */
    public static OnlineResponse assemble(RequestPlan plan, Map<String, List<OnlineRow>> rowsByView, Instant now) {
        int n = plan.entityRows().size();
        List<OnlineResponse.Column> columns = new ArrayList<>();
        for (Field jk : plan.joinKeyColumns()) {
            List<Value> values = new ArrayList<>(n);
            List<FieldStatus> statuses = new ArrayList<>(n);
            List<Instant> times = new ArrayList<>(n);
            for (Map<String, ?> row : plan.entityRows()) {
                Object raw = row.get(jk.name());
                values.add(raw == null ? null : EntityValues.convert(jk, raw));
                statuses.add(raw == null ? FieldStatus.NOT_FOUND : FieldStatus.PRESENT);
                times.add(null);
            }
            columns.add(new OnlineResponse.Column(jk.name(), values, statuses, times));
        }
        List<String> names = plan.selection().columnNames();
        for (FeatureRef ref : plan.refs()) {
            RequestPlan.ViewPlan vp = plan.views().get(ref.view());
            List<OnlineRow> viewRows = rowsByView.get(ref.view());
            Instant oldestFresh = vp.view().maxAge().map(now::minus).orElse(null);
            List<Value> values = new ArrayList<>(n);
            List<FieldStatus> statuses = new ArrayList<>(n);
            List<Instant> times = new ArrayList<>(n);
            for (int r = 0; r < n; r++) {
                OnlineRow stored = viewRows.get(vp.rowToKey()[r]);
                Value v = stored.values().get(ref.feature());
                times.add(stored.eventTime());
                if (!stored.isPresent() || v == null) {
                    values.add(null);
                    statuses.add(FieldStatus.NOT_FOUND);
                } else if (oldestFresh != null && stored.eventTime().isBefore(oldestFresh)) {
                    values.add(null);
                    statuses.add(FieldStatus.OUTSIDE_MAX_AGE);
                } else {
                    values.add(v);
                    statuses.add(v.isNull() ? FieldStatus.NULL_VALUE : FieldStatus.PRESENT);
                }
            }
            columns.add(new OnlineResponse.Column(names.get(columns.size()), values, statuses, times));
        }
        return OnlineResponse.indexed(columns, plan.selection().columnIndex(), n);
    }
}
