#!/usr/bin/env bash
# Builds benchmarks.jar, runs the whole JMH suite (sized to finish in about 20 minutes on 2 cores)
# and writes docs/benchmarks/results.json, results.md and the charts. See docs/benchmarks/README.md.
#
#   bench/run.sh                       # everything
#   bench/run.sh 'OnlineRead|Write'    # only benchmarks matching a JMH regex (the report covers what ran)
#
# Environment:
#   MVN_ARGS   extra Maven arguments, e.g. "-o" to build offline
#   JMH_ARGS   extra JMH arguments, e.g. "-f 0" or "-prof gc" (they override the tuned annotations)
#   OUT        output directory (default docs/benchmarks)
set -euo pipefail
cd "$(dirname "$0")/.."

OUT="${OUT:-docs/benchmarks}"
FILTER="${1:-}"
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

echo "== running JMH (log: $LOG)"
mkdir -p benchmarks/target
# Forks, warm-up and measurement come from each benchmark class's annotations (few and short, so that the
# suite fits in ~20 minutes). A failing benchmark does not stop the others; the run fails at the end.
rm -f "$RESULT"
start=$(date +%s)
# Without a filter: everything but FeatureStoreReadBenchmark (the facade's latency distribution), which has its
# own script, bench/embedded-latency.sh, and its own time budget.
if [[ -n "$FILTER" ]]; then select=("$FILTER"); else select=(-e FeatureStoreReadBenchmark); fi
java -Djava.awt.headless=true -jar "$JAR" "${select[@]}" -p storeType="$TYPES" \
  -rf json -rff "$RESULT" ${JMH_ARGS:-} 2>&1 | tee "$LOG"
echo "== JMH took $(( ($(date +%s) - start) / 60 )) min $(( ($(date +%s) - start) % 60 )) s"

echo "== writing $OUT"
java -Djava.awt.headless=true -cp "$JAR" dev.larder.benchmarks.report.Report "$RESULT" "$OUT"

if grep -q '<failure>' "$LOG"; then
  echo "== some benchmarks FAILED (their rows are missing from the report); see $LOG:" >&2
  grep -B2 -A8 '<failure>' "$LOG" | head -60 >&2
  exit 1
fi
