package dev.larder.store.cassandra;

import dev.larder.spi.support.NewestWins;

import java.time.Instant;

/**
 * What a write must know of the row stored under a key: its event and created times (the
 * newest among its features, under {@link NewestWins}) and the greatest write timestamp among its
 * cells, which the write's own cells must exceed to be seen.
 *
 * @param createdTime null when absent, or when its cell is older than the value's (a later
 *                    writer, such as Feast, that does not write {@code created_ts} left it behind)
 */
record StoredRow(Instant eventTime, Instant createdTime, long writeTime) {

    /** Folds the CQL rows (one per feature) of one key. */
    static final class Builder {
        private final NewestWins rule;
        private Instant event;
        private Instant created;
        private long writeTime = Long.MIN_VALUE;
        private boolean any;

        Builder(NewestWins rule) {
            this.rule = rule;
        }

        /**
         * @param event          {@code event_ts}; null (never written by Feast or Larder) counts as the earliest time
         * @param valueWriteTime {@code WRITETIME(value)}, null when the cell is absent; likewise the others
         */
        void add(Instant event, Instant created, Long valueWriteTime, Long eventWriteTime, Long createdWriteTime) {
            Instant e = event == null ? NewestWins.MIN : event;
            boolean createdIsCurrent = created != null && (valueWriteTime == null || (createdWriteTime != null && createdWriteTime >= valueWriteTime));
            Instant c = createdIsCurrent ? created : null;
            if (!any || rule.replaces(e, c, this.event, this.created)) {
                this.event = e;
                this.created = c;
            }
            any = true;
            for (Long t : new Long[] {valueWriteTime, eventWriteTime, createdWriteTime}) {
                if (t != null && t > writeTime) writeTime = t;
            }
        }

        StoredRow build() {
            return new StoredRow(event, created, writeTime);
        }
    }
}
