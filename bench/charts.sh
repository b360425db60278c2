#!/usr/bin/env bash
# Latency-distribution charts (p50/p90/p99/p99.9, log axis) from the serving benchmarks' JSON:
# load-<shape>.png from bench/load.sh's load-results.json, embedded-latency.png from
# bench/embedded-latency.sh's embedded-latency.json (+ embedded-latency-raw.json). Builds
# benchmarks.jar when it is missing.
#
#   bench/charts.sh [DIR]       (default docs/benchmarks)
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f benchmarks/target/benchmarks.jar ] || mvn -B -q ${MVN_ARGS:-} package -pl benchmarks -am -DskipTests
java -Djava.awt.headless=true -cp benchmarks/target/benchmarks.jar dev.larder.benchmarks.report.LatencyCharts "${1:-docs/benchmarks}"
