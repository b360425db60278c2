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
# issue 15: the Feast SQL registry tests start PostgreSQL (initdb, postgres) from /usr/lib/postgresql/<version>/bin
# as the 'postgres' user the package creates; setpriv (util-linux) runs them as that user when the tests run as root.
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need_pkgs+=(postgresql)
command -v setpriv        >/dev/null 2>&1 || need_pkgs+=(util-linux)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "[test-all] installing ${need_pkgs[*]} (Debian packages) for the Redis and PostgreSQL tests"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi
# Debian's packages start a system redis on 6379 (and may start a PostgreSQL cluster on 5432); the tests never use
# them: they start their own servers on free ports.

# install (= verify, then the artifacts into ~/.m2) so that the example host applications below build
# against exactly what this run tested, as a user's project would.
mvn -B -ntp install "$@"
for example in examples/*/; do
  echo "[test-all] building and testing the example ${example%/}"
  mvn -B -ntp -f "$example/pom.xml" verify
done
