#!/usr/bin/env bash
# Measures `larder materialize` end to end: ROWS entities x 10 features (a generated Parquet file,
# one row per entity) into a fresh online store, with the real CLI under /usr/bin/time -v
# (peak resident memory). Appends one line to bench/materialize-results.tsv and prints it.
#
#   bench/materialize.sh STORE ENGINE ROWS      STORE: sqlite | redis   ENGINE: local | spark
#
# Spark runs in local[2] inside the CLI process (LARDER_SPARK=1). Redis is a redis-server this
# script starts on a free loopback port and stops at the end. Build first: ./larder stores
# (and LARDER_SPARK=1 ./larder stores for Spark). Environment: LARDER_JAVA_OPTS (e.g. -Xmx1g),
# WORK (scratch directory, default /tmp/larder-bench), BIN (a directory with copies of
# larder.jar, larder-materialize-spark.jar and spark-classpath.txt to run instead of ./larder, so
# that a rebuild during a long run cannot change what is measured), LOCAL_ENGINE_YAML (options of
# the local engine, indented YAML lines, e.g. LOCAL_ENGINE_YAML='  memory_limit: 256MB').
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"
store="${1:?STORE: sqlite or redis}"; engine="${2:?ENGINE: local or spark}"; rows="${3:?ROWS}"
work="${WORK:-/tmp/larder-bench}"
repo="$work/$store-$engine-$rows"
data="$work/data-$rows"

mkdir -p "$work"
if [[ ! -f "$data/data/items.parquet" ]]; then
  java -cp cli/target/larder.jar cli/src/test/java/dev/larder/cli/ThroughputRepo.java "$data" "$rows" >/dev/null
fi
rm -rf "$repo"; mkdir -p "$repo/data"
cp "$data/features.yaml" "$repo/"
ln -s "$data/data/items.parquet" "$repo/data/items.parquet"

redis_pid=""
cleanup() { [[ -n "$redis_pid" ]] && kill "$redis_pid" 2>/dev/null || true; }
trap cleanup EXIT
case "$store" in
  sqlite) store_yaml=$'online_store:\n  type: sqlite\n  path: data/online.db\n' ;;
  redis)
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no --dir "$repo" >/dev/null &
    redis_pid=$!
    for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
    store_yaml=$'online_store:\n  type: redis\n  connection_string: "127.0.0.1:'"$port"$'"\n  command_timeout: 120s\n' ;;
  *) echo "STORE must be sqlite or redis" >&2; exit 2 ;;
esac
case "$engine" in
  local) engine_yaml="${LOCAL_ENGINE_YAML:+$'batch_engine:\n  type: local\n'"$LOCAL_ENGINE_YAML"$'\n'}"; spark="" ;;
  spark) engine_yaml=$'batch_engine:\n  type: spark\n  master: "local[2]"\n'; spark=1 ;;
  *) echo "ENGINE must be local or spark" >&2; exit 2 ;;
esac
printf 'project: bench\n%s%smaterialization:\n  batch_size: 10000\n' "$store_yaml" "$engine_yaml" > "$repo/feature_store.yaml"

larder() {
  if [[ -z "${BIN:-}" ]]; then LARDER_SPARK="$spark" ./larder "$@"; return; fi
  if [[ -z "$spark" ]]; then java ${LARDER_JAVA_OPTS:-} -jar "$BIN/larder.jar" "$@"; return; fi
  # shellcheck disable=SC2046
  java $(sed -n 's/.*<spark.jdk17.opens>\(.*\)<\/spark.jdk17.opens>.*/\1/p' materialize-spark/pom.xml) ${LARDER_JAVA_OPTS:-} \
    -cp "$BIN/larder.jar:$BIN/larder-materialize-spark.jar:$(cat "$BIN/spark-classpath.txt")" dev.larder.cli.LarderCli "$@"
}
larder --repo "$repo" apply >/dev/null
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
export -f larder; export BIN spark LARDER_JAVA_OPTS
/usr/bin/time -v -o "$repo/time.txt" bash -c 'larder "$@"' larder --repo "$repo" materialize 2024-01-01 2024-01-02 > "$repo/out.txt" 2>&1
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
line=$(grep -E "item_stats: (sent|wrote) " "$repo/out.txt" | tail -1)
rss_kb=$(awk -F': ' '/Maximum resident set size/{print $2}' "$repo/time.txt")
wall=$(awk -F': ' '/Elapsed \(wall clock\)/{print $2}' "$repo/time.txt")
result=$(printf '%s\t%s\t%s\t%s\t%s MB\t%s\t%s\t%s\t%s' "$(date -u +%FT%TZ)" "$store" "$engine" "$rows" "$((rss_kb / 1024))" "$wall" \
  "${LARDER_JAVA_OPTS:-default heap}${LOCAL_ENGINE_YAML:+ $(echo $LOCAL_ENGINE_YAML)}" "load $load_before -> $load_after" "$line")
echo "$result" | tee -a bench/materialize-results.tsv
