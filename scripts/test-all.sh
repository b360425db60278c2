#!/usr/bin/env bash
# Runs every test of every module against real servers, on a fresh Debian machine too:
# installs the server packages the tests start (redis-server, redis-sentinel) when missing,
# then runs the Maven build with all tests. The tests start and stop their servers themselves
# (Redis, Sentinel and a 3-master Cluster as child processes; DynamoDB Local and the Bigtable
# emulator from Maven Central; an Apache Cassandra node in its own JVM from Maven Central).
set -euo pipefail
cd "$(dirname "$0")/.."

need_pkgs=()
command -v redis-server   >/dev/null 2>&1 || [ -x /usr/bin/redis-server ]   || need_pkgs+=(redis-server)
command -v redis-sentinel >/dev/null 2>&1 || [ -x /usr/bin/redis-sentinel ] || need_pkgs+=(redis-sentinel)
command -v redis-cli      >/dev/null 2>&1 || [ -x /usr/bin/redis-cli ]      || need_pkgs+=(redis-tools)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "[test-all] installing ${need_pkgs[*]} (Debian packages) for the Redis tests"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi
# Debian's package starts a system redis on 6379; the tests never use it (they start their own on free ports).

# install (= verify, then the artifacts into ~/.m2) so that the example host applications below build
# against exactly what this run tested, as a user's project would.
mvn -B -ntp install "$@"
for example in examples/*/; do
  echo "[test-all] building and testing the example ${example%/}"
  mvn -B -ntp -f "$example/pom.xml" verify
done
