#!/usr/bin/env bash
# Latency of `larder serve` under load at fixed request rates, on data shaped like Feast's benchmark
# (feast-dev/feast-benchmarks: ENTITIES entities x 250 INT64 features), for the shapes Feast
# published (1 row x 50 features, 1 x 250, 100 x 50), on Redis and on SQLite. The load tool is `hey`
# (Debian package), which holds a rate: -c workers, each at -q requests/s (stock wrk has no
# fixed-rate mode); several hey processes with staggered starts spread the arrivals (see fire()).
# Per shape, backend and rate: p50/p90/p99/p99.9 from hey's per-request CSV, the rate achieved,
# errors, and the highest rate held with p99 < 10 ms. The same rates are then sent to the floor
# (bench/FloorServer.java: Armeria answering Larder's bytes without doing anything) so that what
# Larder adds can be read beside what the machine, hey and HTTP cost. Writes
# docs/benchmarks/load-results.json and load-results.md (the machine, JDK and versions beside them).
#
#   bench/load.sh               # full run: 10,000 entities, rates 50..1600/s, 15 s each (about 17 minutes)
#   QUICK=1 bench/load.sh       # smoke run: 1,000 entities, 2 rates, 4 s each (under 3 minutes once built)
#
# Environment: RATES ("50 100 ..."), SECONDS_PER_RATE, ENTITIES, STORES ("redis sqlite"), SHAPES
# ("1x50 1x250 100x50"), OUT (default docs/benchmarks), WORK (scratch, default /tmp/larder-load).
# Runs from a fresh clone: builds the CLI (./larder), installs hey with apt when missing (as root
# or through sudo), starts its own redis-server and `larder serve` on free loopback ports and stops
# them by pid.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$(pwd)"

if [[ -n "${QUICK:-}" ]]; then
  RATES="${RATES:-50 200}"; SECONDS_PER_RATE="${SECONDS_PER_RATE:-4}"; ENTITIES="${ENTITIES:-1000}"; WARMUP=3s
else
  RATES="${RATES:-50 100 200 400 800 1600}"; SECONDS_PER_RATE="${SECONDS_PER_RATE:-15}"; ENTITIES="${ENTITIES:-10000}"; WARMUP=15s
fi
STORES="${STORES:-redis sqlite}"
SHAPES="${SHAPES:-1x50 1x250 100x50}"
OUT="${OUT:-docs/benchmarks}"
WORK="${WORK:-/tmp/larder-load}"
FEATURES=250
P99_LIMIT_MS=10

need_apt() { # package: install it the way scripts/test-all.sh does
  if [[ $(id -u) -eq 0 ]]; then apt-get install -y "$1" >/dev/null || { apt-get update >/dev/null && apt-get install -y "$1" >/dev/null; }
  elif command -v sudo >/dev/null; then sudo apt-get install -y "$1" >/dev/null || { sudo apt-get update >/dev/null && sudo apt-get install -y "$1" >/dev/null; }
  else echo "bench/load.sh needs $1: apt-get install -y $1" >&2; exit 1; fi
}
command -v hey >/dev/null || { echo "== installing hey (apt)"; need_apt hey; }
if [[ " $STORES " == *" redis "* ]] && ! command -v redis-server >/dev/null; then echo "== installing redis-server (apt)"; need_apt redis-server; fi
command -v java >/dev/null || { echo "java (JDK 17+) is needed" >&2; exit 1; }

echo "== building the CLI (./larder)"
./larder -V >/dev/null
JAR="$root/cli/target/larder.jar"

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

free_port() { # a loopback port nothing listens on
  local p
  while :; do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
}

# ------------------------------------------------------------------ data: ENTITIES x 250 INT64 features, as CSV
mkdir -p "$WORK"
data="$WORK/data-$ENTITIES.csv"
if [[ ! -s "$data" ]]; then
  echo "== generating $data ($ENTITIES entities x $FEATURES INT64 features)"
  awk -v n="$ENTITIES" -v f="$FEATURES" 'BEGIN {
    srand(17); printf "entity_id,event_timestamp"; for (j = 0; j < f; j++) printf ",f%03d", j; printf "\n";
    for (i = 0; i < n; i++) { printf "%d,2024-01-01T00:00:00Z", i; for (j = 0; j < f; j++) printf ",%d", int(rand() * 1000000); printf "\n" } }' > "$data.tmp"
  mv "$data.tmp" "$data"
fi

features_yaml() {
  printf 'entities:\n  - {name: entity, join_keys: [entity_id], value_type: INT64}\nfeature_views:\n  - name: feature_view\n    entities: [entity]\n    ttl: 0\n    schema:\n'
  for ((j = 0; j < FEATURES; j++)); do printf '      - {name: f%03d, dtype: Int64}\n' "$j"; done
  printf '    source: {path: data/features.csv, timestamp_field: event_timestamp}\n'
}

# body FILE ROWS FEATURES: one get-online-features request; entities picked at random once
body() {
  awk -v rows="$2" -v nf="$3" -v n="$ENTITIES" -v seed="$RANDOM" 'BEGIN {
    srand(seed); printf "{\"features\": [";
    for (j = 0; j < nf; j++) printf "%s\"feature_view:f%03d\"", (j ? ", " : ""), j;
    printf "], \"entities\": {\"entity_id\": [";
    for (i = 0; i < rows; i++) printf "%s%d", (i ? ", " : ""), int(rand() * n);
    printf "]}}\n" }' > "$1"
}

# fire URL BODY RATE CSV: RATE requests/s for SECONDS_PER_RATE s, per-request times into CSV.
# One hey process ticks all its workers together, so its requests arrive in bursts of -c; that burst
# queues in the server and is not the load a service sees. Instead up to 16 hey processes run, each
# with RATE/20 / 16 workers at 20 req/s, started evenly spread over a tick: arrivals are spaced
# evenly up to 320 req/s and come in bursts of at most 4 at 1600 req/s.
fire() {
  local url="$1" req="$2" rate="$3" csv="$4"
  local workers=$(( rate / 20 )); (( workers < 1 )) && workers=1; (( workers > 64 )) && workers=64
  local procs=$(( workers < 16 ? workers : 16 ))
  local per_proc=$(( (workers + procs - 1) / procs ))
  local per_worker
  per_worker=$(awk -v r="$rate" -v w="$(( per_proc * procs ))" 'BEGIN { printf "%.3f", r / w }')
  local gap
  gap=$(awk -v r="$rate" -v c="$per_proc" 'BEGIN { printf "%.6f", c / r }')
  local hp=() i
  for ((i = 0; i < procs; i++)); do
    hey -z "${SECONDS_PER_RATE}s" -c "$per_proc" -q "$per_worker" -t 10 -m POST -T application/json -D "$req" -o csv "$url" > "$csv.$i" &
    hp+=($!)
    sleep "$gap"
  done
  wait "${hp[@]}"
  { head -1 "$csv.0"; for ((i = 0; i < procs; i++)); do tail -n +2 "$csv.$i"; done; } > "$csv"
  rm -f "$csv".[0-9]*
  echo "$(( per_proc * procs ))"
}

# rates LABEL SHAPE URL REQ: every rate of RATES against URL with body REQ, each printed and added to
# $results and $summary under LABEL (a store, or "floor"), then the highest rate held.
rates() {
  local label="$1" shape="$2" url="$3" req="$4"
  local rows="${shape%x*}" nf="${shape#*x}" held=0 rate csv workers p50 p90 p99 p999 count errors achieved ok
  for rate in $RATES; do
    csv="$WORK/$label-$shape-$rate.csv"
    workers=$(fire "$url" "$req" "$rate" "$csv")
    read -r p50 p90 p99 p999 count errors achieved < <(stats "$csv" "$SECONDS_PER_RATE")
    ok=$(awk -v a="$achieved" -v r="$rate" -v p="$p99" -v e="$errors" -v lim="$P99_LIMIT_MS" 'BEGIN { print (a >= 0.95 * r && p < lim && e == 0) ? 1 : 0 }')
    (( ok == 1 )) && held=$rate
    printf '   %-6s %-7s %5s/s: p50 %8s  p90 %8s  p99 %8s  p99.9 %8s ms  (%s requests, %s/s achieved, %s errors)\n' \
      "$label" "$shape" "$rate" "$p50" "$p90" "$p99" "$p999" "$count" "$achieved" "$errors"
    printf '{"store": "%s", "shape": "%s", "entity_rows": %s, "features": %s, "target_rate": %s, "achieved_rate": %s, "requests": %s, "errors": %s, "p50_ms": %s, "p90_ms": %s, "p99_ms": %s, "p999_ms": %s, "workers": %s}\n' \
      "$label" "$shape" "$rows" "$nf" "$rate" "$achieved" "$count" "$errors" "$p50" "$p90" "$p99" "$p999" "$workers" >> "$results"
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$shape" "$rate" "$achieved" "$p50" "$p90" "$p99" "$p999" "$errors" >> "$summary"
  done
  printf '%s\t%s\tHELD\t%s\n' "$label" "$shape" "$held" >> "$summary"
}

# stats CSV SECONDS: "p50 p90 p99 p999 count errors rate" (ms, ms, ms, ms, requests, non-200, requests/s)
stats() {
  # hey's CSV: response-time (s),DNS+dialup,DNS,Request-write,Response-delay,Response-read,status-code,offset
  tail -n +2 "$1" | awk -F, '{ print $1 * 1000 }' | sort -g > "$1.sorted"
  local n errors
  n=$(wc -l < "$1.sorted")
  errors=$(tail -n +2 "$1" | awk -F, '$7 != 200 { e++ } END { print e + 0 }')
  awk -v n="$n" -v secs="$2" -v errors="$errors" '
    function at(q,   i) { i = int(q * n + 0.999999); if (i < 1) i = 1; if (i > n) i = n; return v[i] }
    { v[NR] = $1 }
    END { if (n == 0) { print "0 0 0 0 0 " errors " 0"; exit }
          printf "%.3f %.3f %.3f %.3f %d %d %.1f\n", at(0.5), at(0.9), at(0.99), at(0.999), n, errors, n / secs }' "$1.sorted"
}

jdk="$(java -version 2>&1 | head -1 | tr -d '"')"
cpus="$(nproc)"
cpu_model="$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo | sed 's/"/\\"/g')"
redis_version="$(redis-server --version 2>/dev/null | sed -n 's/.*v=\([^ ]*\).*/\1/p')"
hey_version="$(dpkg-query -W -f='${Version}' hey 2>/dev/null || echo unknown)"
larder_commit="$(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
started="$(date -u +%FT%TZ)"

results="$WORK/results.jsonl"
: > "$results"
summary="$WORK/summary.tsv"
: > "$summary"

for store in $STORES; do
  repo="$WORK/repo-$store-$ENTITIES"
  rm -rf "$repo"; mkdir -p "$repo/data"
  ln -s "$data" "$repo/data/features.csv"
  features_yaml > "$repo/features.yaml"
  case "$store" in
    redis)
      rport=$(free_port)
      redis-server --port "$rport" --bind 127.0.0.1 --save "" --appendonly no --daemonize no --dir "$repo" > "$repo/redis.log" 2>&1 &
      redis_pid=$!; pids+=("$redis_pid")
      for _ in $(seq 100); do redis-cli -p "$rport" ping >/dev/null 2>&1 && break; sleep 0.1; done
      printf 'project: load\nregistry: data/registry.json\nonline_store:\n  type: redis\n  connection_string: "127.0.0.1:%s"\n  command_timeout: 120s\n' "$rport" > "$repo/feature_store.yaml" ;;
    sqlite)
      redis_pid=""
      printf 'project: load\nregistry: data/registry.json\nonline_store:\n  type: sqlite\n  path: data/online.db\n' > "$repo/feature_store.yaml" ;;
    *) echo "unknown store '$store': redis or sqlite" >&2; exit 2 ;;
  esac
  echo "== $store: apply and materialize $ENTITIES x $FEATURES"
  java -Xmx1g -jar "$JAR" --repo "$repo" apply > "$repo/apply.log" 2>&1
  t0=$(date +%s)
  java -Xmx1g -jar "$JAR" --repo "$repo" materialize 2023-12-31 2024-01-02 > "$repo/materialize.log" 2>&1 \
    || { cat "$repo/materialize.log" >&2; exit 1; }
  echo "   materialized in $(( $(date +%s) - t0 )) s"

  sport=$(free_port)
  java -Xms512m -Xmx1g -jar "$JAR" --repo "$repo" serve --port "$sport" > "$repo/serve.log" 2>&1 &
  serve_pid=$!; pids+=("$serve_pid")
  for _ in $(seq 300); do curl -fs "http://127.0.0.1:$sport/health" >/dev/null 2>&1 && break; sleep 0.2; done
  curl -fs "http://127.0.0.1:$sport/health" >/dev/null || { echo "larder serve did not start:" >&2; cat "$repo/serve.log" >&2; exit 1; }
  url="http://127.0.0.1:$sport/get-online-features"

  for shape in $SHAPES; do
    rows="${shape%x*}"; nf="${shape#*x}"
    req="$WORK/body-$shape.json"
    body "$req" "$rows" "$nf"
    # the answer must hold every value: a benchmark never times errors or empty reads
    check=$(curl -fs -X POST -H 'Content-Type: application/json' --data-binary @"$req" "$url")
    present=$(grep -o '"PRESENT"' <<< "$check" | wc -l)
    if (( present != rows * (nf + 1) )); then echo "$store $shape: expected $((rows * (nf + 1))) PRESENT, got $present: ${check:0:300}" >&2; exit 1; fi
    # warm-up, not recorded: two connections as fast as the server answers (thousands of requests, so the JIT
    # has compiled the request path before the first rate is timed), then a pause for the compiler to finish
    hey -z "$WARMUP" -c 2 -m POST -T application/json -D "$req" "$url" > /dev/null; sleep 2
    printf '%s' "$check" > "$WORK/answer-$shape.json" # what the floor server answers
    rates "$store" "$shape" "$url" "$req"
  done
  kill "$serve_pid"; wait "$serve_pid" 2>/dev/null || true
  if [[ -n "$redis_pid" ]]; then kill "$redis_pid"; wait "$redis_pid" 2>/dev/null || true; fi
done
# ------------------------------------------------------------------ the floor: the same HTTP stack answering fixed bytes
# Armeria (from the CLI's jar) answers each shape with the bytes Larder answered, under the same hey
# load: what the machine, hey and HTTP cost before Larder reads or writes anything.
fport=$(free_port)
routes=()
for shape in $SHAPES; do routes+=("/$shape=$WORK/answer-$shape.json"); done
java -Xms512m -Xmx1g -cp "$JAR" bench/FloorServer.java "$fport" "${routes[@]}" > "$WORK/floor.log" 2>&1 &
floor_pid=$!; pids+=("$floor_pid")
for _ in $(seq 300); do curl -fs "http://127.0.0.1:$fport/health" >/dev/null 2>&1 && break; sleep 0.2; done
curl -fs "http://127.0.0.1:$fport/health" >/dev/null || { echo "the floor server did not start:" >&2; cat "$WORK/floor.log" >&2; exit 1; }
echo "== floor: Armeria answering fixed bytes"
for shape in $SHAPES; do
  url="http://127.0.0.1:$fport/$shape"; req="$WORK/body-$shape.json"
  hey -z "$WARMUP" -c 2 -m POST -T application/json -D "$req" "$url" > /dev/null; sleep 2
  rates floor "$shape" "$url" "$req"
done
kill "$floor_pid"; wait "$floor_pid" 2>/dev/null || true

load_after="$(cut -d' ' -f1-3 /proc/loadavg)"

# ------------------------------------------------------------------ results
mkdir -p "$OUT"
{
  printf '{\n  "started": "%s",\n  "mode": "%s",\n' "$started" "$([[ -n "${QUICK:-}" ]] && echo quick || echo full)"
  printf '  "machine": {"cpus": %s, "cpu_model": "%s", "jdk": "%s", "load_average_before": "%s", "load_average_after": "%s"},\n' \
    "$cpus" "$cpu_model" "$jdk" "$load_before" "$load_after"
  printf '  "versions": {"larder_commit": "%s", "redis_server": "%s", "hey": "%s"},\n' "$larder_commit" "$redis_version" "$hey_version"
  printf '  "data": {"entities": %s, "features": %s, "type": "INT64", "seconds_per_rate": %s, "p99_limit_ms": %s},\n' \
    "$ENTITIES" "$FEATURES" "$SECONDS_PER_RATE" "$P99_LIMIT_MS"
  printf '  "highest_rate_with_p99_under_limit": {'
  awk -F'\t' '$3 == "HELD" { printf "%s\"%s %s\": %s", (n++ ? ", " : ""), $1, $2, $4 }' "$summary"
  printf '},\n  "runs": [\n'
  awk '{ printf "%s    %s", (NR > 1 ? ",\n" : ""), $0 } END { print "" }' "$results"
  printf '  ]\n}\n'
} > "$OUT/load-results.json"

{
  echo "# larder serve under load (bench/load.sh)"
  echo
  echo "Started $started ($([[ -n "${QUICK:-}" ]] && echo "QUICK smoke run" || echo "full run")); $cpus CPUs ($cpu_model), $jdk;"
  echo "Redis $redis_version, hey $hey_version, Larder $larder_commit; load average $load_before before, $load_after after."
  echo "$ENTITIES entities x $FEATURES INT64 features; each rate held for $SECONDS_PER_RATE s; latency in ms, measured by hey per request."
  echo "Rows \"floor\": bench/FloorServer.java, Armeria answering each shape with Larder's bytes and doing nothing else,"
  echo "under the same load: what the machine, hey and HTTP cost before Larder reads anything."
  echo
  echo "| store | shape | target req/s | achieved req/s | p50 | p90 | p99 | p99.9 | errors |"
  echo "|---|---|---:|---:|---:|---:|---:|---:|---:|"
  awk -F'\t' '$3 != "HELD" { printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 }' "$summary"
  echo
  echo "Highest rate held (achieved >= 95% of the target, no errors, p99 < $P99_LIMIT_MS ms; 0: none of those tried):"
  echo
  awk -F'\t' '$3 == "HELD" { printf "- %s %s: %s req/s\n", $1, $2, $4 }' "$summary"
} > "$OUT/load-results.md"
echo "== wrote $OUT/load-results.json and $OUT/load-results.md"
# Latency-distribution charts (load-<shape>.png); builds benchmarks.jar first when it is missing.
bash bench/charts.sh "$OUT" || echo "bench/charts.sh failed: the charts are missing, the results above are complete" >&2
