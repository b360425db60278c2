package dev.larder.spi.support;

import dev.larder.spi.EntityKey;
import dev.larder.spi.FeatureRow;
import dev.larder.spi.FeatureView;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The one rule every store applies to decide which row of an entity key and view it keeps:
 * a row replaces the stored row when its event time is newer, or equal with a newer created
 * time (a row without a created time is older than any row with one); on a full tie the stored
 * row stays. Within one write the same rule picks a key's row among the batch (the first on a
 * full tie). Times are compared at the store's precision, and must lie in [{@link #MIN}, {@link #MAX}]:
 * the range every Feast layout can hold (Bigtable cell and Cassandra write timestamps are not
 * negative; Python's datetime ends at year 9999).
 *
 * <p>Stores with a server-side check (a Lua script, a conditional write, a WHERE clause) compare
 * the same way: {@link #truncate} the times first, then newer event, then newer created.
 */
public final class NewestWins {
    /** The earliest event or created time a store accepts. */
    public static final Instant MIN = Instant.EPOCH;
    /** The latest event or created time a store accepts. */
    public static final Instant MAX = Instant.parse("9999-12-31T23:59:59.999999999Z");

    private final ChronoUnit precision;

    public NewestWins(ChronoUnit precision) {
        this.precision = Objects.requireNonNull(precision);
    }

    public ChronoUnit precision() {
        return precision;
    }

    /** The time as the store keeps it; null stays null. */
    public Instant truncate(Instant t) {
        return t == null ? null : t.truncatedTo(precision);
    }

    /**
     * Whether a row with {@code event}/{@code created} replaces a stored one with
     * {@code storedEvent}/{@code storedCreated} (created times may be null).
     */
    public boolean replaces(Instant event, Instant created, Instant storedEvent, Instant storedCreated) {
        int byEvent = truncate(event).compareTo(truncate(storedEvent));
        if (byEvent != 0) return byEvent > 0;
        Instant c = truncate(created);
        Instant sc = truncate(storedCreated);
        if (c == null) return false;
        return sc == null || c.compareTo(sc) > 0;
    }

    public boolean replaces(FeatureRow row, FeatureRow stored) {
        return replaces(row.eventTime(), row.createdTime(), stored.eventTime(), stored.createdTime());
    }

    /**
     * Checks every row's times against the accepted range, then keeps one row per entity key: the
     * winner under the rule, in the order keys first appear. Throws {@link IllegalArgumentException}
     * naming the view, the key and the time for a time out of range, before anything is written.
     */
    public List<FeatureRow> latestPerKey(FeatureView view, List<FeatureRow> rows) {
        for (FeatureRow r : rows) {
            checkRange(view, r);
        }
        Map<EntityKey, Integer> slot = new HashMap<>(rows.size() * 2);
        List<FeatureRow> out = new ArrayList<>(rows.size());
        for (FeatureRow r : rows) {
            Integer i = slot.putIfAbsent(r.entityKey(), out.size());
            if (i == null) {
                out.add(r);
            } else if (replaces(r, out.get(i))) {
                out.set(i, r);
            }
        }
        return out.size() == rows.size() ? rows : out;
    }

    /** Throws {@link IllegalArgumentException} when the row's event or created time is out of range. */
    public static void checkRange(FeatureView view, FeatureRow row) {
        check(view, row, "event time", row.eventTime());
        if (row.createdTime() != null) check(view, row, "created time", row.createdTime());
    }

    private static void check(FeatureView view, FeatureRow row, String what, Instant t) {
        if (t.isBefore(MIN) || t.isAfter(MAX)) {
            throw new IllegalArgumentException("Row for feature view '" + view.name() + "', entity " + row.entityKey()
                    + ": " + what + " " + t + " is out of range; online stores accept " + MIN + " to " + MAX);
        }
    }

    /** Whether the row carries only some of the view's features (it still replaces the stored row whole). */
    public static boolean isPartial(FeatureView view, FeatureRow row) {
        return row.values().size() < view.features().size();
    }
}
