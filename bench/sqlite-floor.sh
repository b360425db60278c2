#!/usr/bin/env bash
# The floor under the SQLite store's materialization speed: SQLite's own shell inserting ROWS
# entities x 10 features (ROWS*10 rows of Feast's one-row-per-feature layout, 8-byte values, a
# text copy, integer times) in primary-key order in ONE transaction, into the same WITHOUT ROWID
# table and page size the store uses. No Java, no JDBC, no reading, no encoding: whatever the
# store does on top, its single writer cannot insert faster than this.
#
#   bench/sqlite-floor.sh [ROWS]        (default 1,000,000; needs the sqlite3 shell: apt install sqlite3)
set -euo pipefail
rows="${1:-1000000}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
for journal in WAL DELETE; do
  cat > "$work/floor.sql" <<SQL
PRAGMA page_size=16384; PRAGMA journal_mode=$journal; PRAGMA synchronous=NORMAL;
CREATE TABLE t (entity_key BLOB, feature_name TEXT, value BLOB, value_text TEXT, vector_value BLOB, event_ts timestamp, created_ts timestamp, PRIMARY KEY(entity_key, feature_name)) WITHOUT ROWID;
.timer on
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM n WHERE i < $((rows * 10)) - 1)
INSERT INTO t SELECT x'0200000069645F0000000004000000' || CAST(printf('%016d', i/10) AS BLOB), 'f' || (i%10), randomblob(7), '0.123456789', NULL, 1704067200, 1704067200 FROM n;
SQL
  rm -f "$work"/floor.db*
  timing=$(sqlite3 "$work/floor.db" < "$work/floor.sql" | grep 'Run Time' | tail -1)
  real=$(awk '{print $4}' <<<"$timing"); user=$(awk '{print $6}' <<<"$timing"); sys=$(awk '{print $8}' <<<"$timing")
  printf 'sqlite3 %s, journal %s: %s entities (%s rows) in %ss wall, %ss CPU (user %s + sys %s): %s entities/s of wall, %s per CPU second; load %s\n' \
    "$(sqlite3 --version | cut -d' ' -f1)" "$journal" "$rows" "$((rows * 10))" "$real" \
    "$(echo "$user + $sys" | bc)" "$user" "$sys" "$(echo "$rows / $real" | bc)" "$(echo "$rows / ($user + $sys)" | bc)" \
    "$(cut -d' ' -f1 /proc/loadavg)"
done
