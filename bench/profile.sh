#!/usr/bin/env bash
# Profiles the paired Larder-vs-raw reads (issues 8 and 20) and writes the output to
# docs/benchmarks/profiles/. Run after bench/run.sh (it reuses benchmarks.jar).
#   - every backend: CPU sampling with async-profiler (JMH -prof async; the native library comes
#     from Maven Central inside benchmarks.jar), summarized by ProfileSummary: cores busy, CPU by
#     component (server in the fork, client library, Larder, proxy, JIT, GC), hottest frames;
#     plus -prof gc (allocation per operation: Larder's read and the raw client's together).
#     Cassandra and the Bigtable emulator run in their own processes: their CPU is not in the
#     samples; the raw client's time beside Larder's in the same fork shows what they cost.
#   - redis (RedisReadBenchmark): -prof stack (thread states and top stacks of every thread).
#
#   bench/profile.sh            # all
#   bench/profile.sh dynamodb   # one of: dynamodb, redis, sqlite, cassandra, bigtable
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=benchmarks/target/benchmarks.jar
OUT="${OUT:-docs/benchmarks}/profiles"
WORK=benchmarks/target/profiles
[ -f "$JAR" ] || { echo "$JAR is missing: run bench/run.sh first (or mvn -B package -pl benchmarks -am -DskipTests)" >&2; exit 1; }
mkdir -p "$OUT" "$WORK"
WHICH="${1:-all}"
STACK='stack:lines=6;top=12;period=5'
INTERVAL_NS=1000000

# async-profiler's library for this machine, from benchmarks.jar (linux-x64 only).
ASYNC=""
if [ "$(uname -s)-$(uname -m)" = Linux-x86_64 ]; then
  (cd "$WORK" && jar xf "../benchmarks.jar" linux-x64/libasyncProfiler.so)
  ASYNC="$(pwd)/$WORK/linux-x64/libasyncProfiler.so"
else
  echo "async-profiler's library is bundled for linux-x64 only: CPU sampling skipped, -prof stack instead" >&2
fi

filter() {
  grep -v -E '^(# (Warmup|Measurement|Timeout|Threads|Benchmark mode|VM |JMH version|Blackhole)|WARNING|REMEMBER|Do not assume|experiments|extra caution|works, and|different JVMs|modes can be)'
}

run() { # name, then JMH arguments
  local name=$1; shift
  echo "== profiling $name -> $OUT/$name.txt"
  java -Djava.awt.headless=true ${JMH_JAVA_OPTS:-} -jar "$JAR" "$@" 2>&1 | filter > "$OUT/$name.txt"
}

# name, measured seconds per configuration, then JMH arguments: -prof gc and, when available, CPU
# sampling; each configuration's collapsed stacks are summarized at the end of $OUT/$name.txt.
sampled() {
  local name=$1 seconds=$2; shift 2
  if [ -z "$ASYNC" ]; then run "$name" "$@" -prof "$STACK" -prof gc; return; fi
  rm -rf "${WORK:?}/$name"
  run "$name" "$@" -prof gc -prof "async:libPath=$ASYNC;event=cpu;interval=$INTERVAL_NS;output=collapsed;dir=$WORK/$name"
  for f in "$WORK/$name"/*/collapsed-cpu.csv; do
    { echo; echo "== CPU profile (async-profiler $ASYNC_VERSION, event cpu, every ${INTERVAL_NS} ns): $(basename "$(dirname "$f")")"
      java -cp "$JAR" dev.larder.benchmarks.report.ProfileSummary "$f" "$INTERVAL_NS" "$seconds"; } >> "$OUT/$name.txt"
  done
}
ASYNC_VERSION="$(unzip -p "$JAR" 'META-INF/maven/tools.profiler/async-profiler/pom.properties' 2>/dev/null | sed -n 's/^version=//p')"

if [ "$WHICH" = all ] || [ "$WHICH" = dynamodb ]; then
  # Larder with 1, 5 and 10 workers and the raw SDK sequential and with 5 in flight, in one operation.
  sampled dynamodb 8 'DynamoDbPairedReadBenchmark' -p keys=500 -p features=10,50 -p addedRoundTripMs=0,10 -i 4 -r 2
fi
if [ "$WHICH" = all ] || [ "$WHICH" = cassandra ]; then
  sampled cassandra 8 'CassandraPairedReadBenchmark' -p keys=500 -p features=10,50 -i 4 -r 2
fi
if [ "$WHICH" = all ] || [ "$WHICH" = bigtable ]; then
  sampled bigtable 8 'BigtablePairedReadBenchmark' -p keys=500 -p features=10,50 -i 4 -r 2
fi
if [ "$WHICH" = all ] || [ "$WHICH" = redis ]; then
  run redis 'RedisReadBenchmark.(larderPipelined|rawLettucePipeline|naivePerKey)' -p addedRoundTripMs=0 -prof "$STACK" -prof gc
fi
if [ "$WHICH" = all ] || [ "$WHICH" = sqlite ]; then
  sampled sqlite 5 'SqlitePairedReadBenchmark' -p keys=500 -f 1 -i 5 -r 1
fi
