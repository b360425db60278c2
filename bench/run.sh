#!/usr/bin/env bash
# Builds benchmarks.jar, runs the whole JMH suite (sized to finish in about 30 minutes on 2 cores: JMH took 30 min 20 s in the run of record)
# and writes docs/benchmarks/results.json (with raw_parity), results.md and the charts. Every server
# is started by the benchmarks themselves (the testing module's launchers) on loopback ports and
# stopped at the end of its fork. See docs/benchmarks/README.md.
#
#   bench/run.sh                       # everything
#   bench/run.sh 'OnlineRead|Write'    # only benchmarks matching a JMH regex (the report covers what ran)
#   QUICK=1 bench/run.sh               # smoke: the paired Larder-vs-raw benchmarks, 500 keys x 50 features,
#                                      # one short iteration each (~4 min of JMH); report in benchmarks/target/quick
#
# Environment:
#   MVN_ARGS   extra Maven arguments, e.g. "-o" to build offline
#   JMH_ARGS   extra JMH arguments, e.g. "-f 0" or "-prof gc" (they override the tuned annotations)
#   OUT        output directory (default docs/benchmarks; with QUICK=1, benchmarks/target/quick)
#   QUICK      1: the smoke run above
#   JMH_JAVA_OPTS  options of the JMH host JVM, e.g. -Djmh.ignoreLock=true when another JMH run holds /tmp/jmh.lock
set -euo pipefail
cd "$(dirname "$0")/.."

FILTER="${1:-}"
QUICK_ARGS=()
if [ "${QUICK:-0}" = 1 ]; then
  # Numbers from this mode are not results: it checks that every paired benchmark starts its server,
  # reads complete rows with both readers and reports, in minutes. The full run replaces it.
  OUT="${OUT:-benchmarks/target/quick}"
  FILTER="${FILTER:-PairedReadBenchmark}"
  QUICK_ARGS=(-f 1 -wi 1 -w 2 -i 2 -r 2 -p keys=500 -p features=50 -p addedRoundTripMs=10)
fi
OUT="${OUT:-docs/benchmarks}"
RESULT=benchmarks/target/jmh-result.json
LOG=benchmarks/target/jmh.log

command -v java >/dev/null || { echo "java (JDK 17+) is needed" >&2; exit 1; }
command -v mvn >/dev/null || { echo "mvn (Maven 3.8+) is needed" >&2; exit 1; }
# Redis runs as a real server process; the other servers come from Maven Central.
if ! command -v redis-server >/dev/null && [ ! -x /usr/bin/redis-server ]; then
  echo "redis-server is needed for the Redis benchmarks: apt-get update && apt-get install -y redis-server" >&2
  exit 1
fi

echo "== building benchmarks/target/benchmarks.jar"
# -DskipTests: the benchmarks measure; the test suite is run by .ci/run, not here.
mvn -B -q ${MVN_ARGS:-} package -pl benchmarks -am -DskipTests
JAR=benchmarks/target/benchmarks.jar

# The store types found through the SPI (OnlineStores.installed()), for the benchmarks that take every backend.
TYPES="$(java -cp "$JAR" dev.larder.benchmarks.InstalledStores)"
echo "== installed online store types: $TYPES"
echo "== machine: $(nproc) cores, $(java -version 2>&1 | head -1), load average $(cut -d' ' -f1-3 /proc/loadavg)"

mkdir -p benchmarks/target
# One Cassandra node for the whole run (a dozen forks use it; each would otherwise start its own, tens of
# seconds apiece). RunServers starts it with the testing module's launcher; the trap stops it by pid.
SERVERS_ENV=benchmarks/target/servers.env
rm -f "$SERVERS_ENV"
SERVERS_PID=""
stop_servers() { if [ -n "$SERVERS_PID" ]; then kill "$SERVERS_PID" 2>/dev/null || true; wait "$SERVERS_PID" 2>/dev/null || true; fi; }
trap stop_servers EXIT
if [ -z "$FILTER" ] || java -jar "$JAR" -l "$FILTER" 2>/dev/null | grep -q -E 'Cassandra|OnlineRead|Write'; then
  echo "== starting the run's Cassandra node (log: benchmarks/target/servers.log)"
  java -cp "$JAR" dev.larder.benchmarks.env.RunServers "$SERVERS_ENV" > benchmarks/target/servers.log 2>&1 &
  SERVERS_PID=$!
  for _ in $(seq 1 300); do
    [ -f "$SERVERS_ENV" ] && break
    kill -0 "$SERVERS_PID" 2>/dev/null || { echo "the Cassandra node did not start; see benchmarks/target/servers.log" >&2; exit 1; }
    sleep 1
  done
  [ -f "$SERVERS_ENV" ] || { echo "the Cassandra node did not start within 300 s; see benchmarks/target/servers.log" >&2; exit 1; }
  set -a; . "$SERVERS_ENV"; set +a
  echo "== Cassandra for this run: $LARDER_BENCH_CASSANDRA"
fi

echo "== running JMH (log: $LOG)"
# Forks, warm-up and measurement come from each benchmark class's annotations (few and short, so that the
# suite fits in ~30 minutes). A failing benchmark does not stop the others; the run fails at the end.
rm -f "$RESULT"
start=$(date +%s)
# Without a filter: everything but FeatureStoreReadBenchmark (the facade's latency distribution), which has its
# own script, bench/embedded-latency.sh, and its own time budget.
if [ -n "$FILTER" ]; then select=("$FILTER"); else select=(-e FeatureStoreReadBenchmark); fi
java -Djava.awt.headless=true ${JMH_JAVA_OPTS:-} -jar "$JAR" "${select[@]}" -p storeType="$TYPES" ${QUICK_ARGS[@]+"${QUICK_ARGS[@]}"} \
  -rf json -rff "$RESULT" ${JMH_ARGS:-} 2>&1 | tee "$LOG"
echo "== JMH took $(( ($(date +%s) - start) / 60 )) min $(( ($(date +%s) - start) % 60 )) s"

echo "== writing $OUT"
java -Djava.awt.headless=true -cp "$JAR" dev.larder.benchmarks.report.Report "$RESULT" "$OUT"

if grep -q '<failure>' "$LOG"; then
  echo "== some benchmarks FAILED (their rows are missing from the report); see $LOG:" >&2
  grep -B2 -A8 '<failure>' "$LOG" | head -60 >&2
  exit 1
fi
