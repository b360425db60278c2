#!/usr/bin/env bash
# Latency distribution of the embedded facade (FeatureStore.getOnlineFeatures), JMH SampleTime:
# Feast's shapes (1x50, 1x250, 100x50 of a 250-feature INT64 view) and 100x50 over 5 views of 10,
# on Redis and SQLite, with the in-process cache off and on (on: every entity read once first, so
# calls are cache hits). Writes docs/benchmarks/embedded-latency.json (JMH's JSON: p50, p90, p99,
# p99.9, ... per configuration) and embedded-latency.txt (JMH's table, machine and versions), then
# the floor under the Redis rows (RedisRawLatencyBenchmark: raw Lettuce, the same HMGETs, no decoding;
# embedded-latency-raw.json; RAW=0 skips it, RAW_ARGS passes it JMH arguments).
#
#   bench/embedded-latency.sh                  # everything (about 28 minutes on 2 cores, with the raw Redis floor)
#   QUICK=1 bench/embedded-latency.sh          # 1,000 entities, short iterations, cache-hit shapes on SQLite only
#   JMH_ARGS='-p shape=100x50_5views -p storeType=redis' bench/embedded-latency.sh
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-docs/benchmarks}"
command -v redis-server >/dev/null || { echo "redis-server is needed: apt-get install -y redis-server" >&2; exit 1; }
echo "== building benchmarks/target/benchmarks.jar"
mvn -B -q ${MVN_ARGS:-} package -pl benchmarks -am -DskipTests
if [[ -n "${QUICK:-}" ]]; then
  set -- -p entities=1000 -wi 1 -w 1 -i 2 -r 1 -p storeType=sqlite -p cache=on
fi
mkdir -p "$OUT"
{
  echo "machine: $(nproc) CPUs ($(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)), $(java -version 2>&1 | head -1)," \
    "redis-server $(redis-server --version | sed -n 's/.*v=\([^ ]*\).*/\1/p'), load average $(cut -d' ' -f1-3 /proc/loadavg)," \
    "commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown), $(date -u +%FT%TZ)"
  # shellcheck disable=SC2086
  java -jar benchmarks/target/benchmarks.jar FeatureStoreReadBenchmark "$@" ${JMH_ARGS:-} -rf json -rff "$OUT/embedded-latency.json" 2>&1 \
    | grep -E '^(Benchmark|FeatureStoreReadBenchmark|redis-server)'
  # The floor under the Redis rows, in the same run: raw Lettuce sending the same HMGETs, decoding nothing.
  if [[ -z "${QUICK:-}" && "${RAW:-1}" == 1 ]]; then
    java -jar benchmarks/target/benchmarks.jar RedisRawLatencyBenchmark ${RAW_ARGS:-} -rf json -rff "$OUT/embedded-latency-raw.json" 2>&1 \
      | grep -E '^(Benchmark|RedisRawLatencyBenchmark)'
  fi
} | tee "$OUT/embedded-latency.txt"
