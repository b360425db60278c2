#!/usr/bin/env bash
# Profiles the three targets of issue 8 with JMH's profilers (-prof stack: where every thread of the
# fork, the in-JVM DynamoDB Local included, spends its time; -prof gc: allocation per read) and writes
# the output to docs/benchmarks/profiles/. Run after bench/run.sh (it reuses benchmarks.jar).
#
#   bench/profile.sh            # all three
#   bench/profile.sh redis      # one of: dynamodb, redis, sqlite
set -euo pipefail
cd "$(dirname "$0")/.."
JAR=benchmarks/target/benchmarks.jar
OUT="${OUT:-docs/benchmarks}/profiles"
[ -f "$JAR" ] || { echo "$JAR is missing: run bench/run.sh first (or mvn -B package -pl benchmarks -am -DskipTests)" >&2; exit 1; }
mkdir -p "$OUT"
WHICH="${1:-all}"
STACK='stack:lines=6;top=12;period=5'

run() { # name, then JMH arguments
  local name=$1; shift
  echo "== profiling $name -> $OUT/$name.txt"
  java -Djava.awt.headless=true -jar "$JAR" "$@" 2>&1 \
    | grep -v -E '^(# (Warmup|Measurement|Timeout|Threads|Benchmark mode|VM |JMH version|Blackhole)|WARNING|REMEMBER|Do not assume|experiments|extra caution|works, and|different JVMs|modes can be)' > "$OUT/$name.txt"
}

if [ "$WHICH" = all ] || [ "$WHICH" = dynamodb ]; then
  run dynamodb 'DynamoDbBatchReadBenchmark' -p features=10 -p addedRoundTripMs=10 -p maxReadWorkers=1,10 -prof "$STACK" -prof gc
fi
if [ "$WHICH" = all ] || [ "$WHICH" = redis ]; then
  run redis 'RedisReadBenchmark.(larderPipelined|rawLettucePipeline|naivePerKey)' -p addedRoundTripMs=0 -prof "$STACK" -prof gc
fi
if [ "$WHICH" = all ] || [ "$WHICH" = sqlite ]; then
  run sqlite 'SqliteReadBenchmark' -p keys=500 -prof "$STACK" -prof gc
fi
