#!/usr/bin/env bash
# bench/server-api.sh [HOSTS] [CLIENTS] [SECONDS] - fleetroll serve over a synthetic store of HOSTS hosts (default 5000;
# the monitor bench's fleet: 3 audits each, a Taskcluster record each, branch heads), scans off:
#   api: GET /api/v1/hosts?filter=... from CLIENTS closed-loop clients (default 50) for SECONDS (default 30), for a
#        narrow filter (ssh!=ok: 1 host in 50), a wide one (role~linux: 3 in 5 hosts) whole, and its first page of 200
#        rows (limit=200): p50/p90/p99, req/s
#   ui:  the monitor page's first render in the Debian headless Chromium (Navigation Timing; 5 loads), unfiltered
#        (all rows) and filtered
# The store is PostgreSQL (STORE=postgres, the default: a throwaway cluster under the temp dir on a loopback port, the
# synthetic SQLite store copied in with `fleetroll store migrate`) or the SQLite file itself (STORE=sqlite).
# Targets (issue 15): p50 <= 30 ms, p99 <= 150 ms, first render <= 1 s. Prints the machine's load with the figures.
# Needs JDK 21+, Maven, chromium + chromium-driver, postgresql for STORE=postgres. Temp FLEETROLL_HOME; the real
# ~/.fleetroll is not touched.
set -euo pipefail
hosts="${1:-5000}"
clients="${2:-50}"
seconds="${3:-30}"
store="${STORE:-postgres}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$here"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
mvn -B -o -q -pl lib test-compile -Dfleetroll.prerequisites.skip=true
./fleetroll --version >/dev/null   # builds the jar when sources changed
work="$(mktemp -d)"
pid=""
pgbin=""
cleanup() {
    if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
    if [ -n "$pgbin" ] && [ -f "$work/pg/data/postmaster.pid" ]; then
        as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
as_pg() { # runs a PostgreSQL server program; initdb refuses root, so as nobody when we are root
    if [ "$(id -u)" = 0 ]; then
        setpriv --reuid=nobody --regid=nogroup --clear-groups env -i PATH=/usr/bin:/bin LANG=C "$@"
    else
        env -i PATH=/usr/bin:/bin LANG=C "$@"
    fi
}
trap cleanup EXIT

testmain() { # CLASS ARGS...
    local cls="$1"; shift
    (cd lib && mvn -B -o -q org.codehaus.mojo:exec-maven-plugin:3.6.2:java -Dexec.classpathScope=test \
        -Dexec.mainClass="$cls" -Dexec.args="$*" 2>&1 | grep -v '^WARNING\|CdpVersionFinder\|^INFO: \|findNearestMatch')
}

home="$work/home"
mkdir -p "$home"
testmain dev.fleetroll.monitor.bench.MonitorBenchFleet make "$home" "$hosts" >/dev/null
store_yaml=""
if [ "$store" = postgres ]; then
    pgbin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)"
    [ -x "$pgbin/initdb" ] || { echo "bench: no PostgreSQL server programs (apt-get install postgresql) or run with STORE=sqlite" >&2; exit 2; }
    chmod 711 "$work"
    mkdir -p "$work/pg/data" "$work/pg/run"
    chmod 711 "$work/pg"
    [ "$(id -u)" = 0 ] && chown nobody:nogroup "$work/pg/data" "$work/pg/run"
    as_pg "$pgbin/initdb" -D "$work/pg/data" -U fleetroll --auth=trust -E UTF8 --locale=C --no-sync >/dev/null
    pgport=$(( 20000 + RANDOM % 20000 ))
    as_pg "$pgbin/pg_ctl" -D "$work/pg/data" -l "$work/pg/run/server.log" -w -o \
        "-c listen_addresses=127.0.0.1 -p $pgport -k $work/pg/run -c fsync=off -c synchronous_commit=off -c max_connections=100 -c shared_buffers=128MB" \
        start >/dev/null
    "$pgbin/psql" -qX -h 127.0.0.1 -p "$pgport" -U fleetroll -d postgres -c 'CREATE DATABASE bench' >/dev/null
    url="postgres://fleetroll@127.0.0.1:$pgport/bench"
    FLEETROLL_HOME="$home" ./fleetroll store migrate --to "$url"
    store_yaml="store: {url: '$url'}"
fi
cat >"$home/config.yaml" <<YAML
server:
  scan: {audit_every: 0s, tc_every: 0s, gh_every: 0s}
$store_yaml
YAML
port=$(( 20000 + RANDOM % 20000 ))
t0=$(date +%s%N)
FLEETROLL_HOME="$home" ./fleetroll serve --listen "127.0.0.1:$port" >"$work/serve.log" 2>&1 &
pid=$!
base="http://127.0.0.1:$port"
for _ in $(seq 1 600); do
    curl -fsS "$base/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done
t1=$(date +%s%N)
echo "== $hosts hosts in $store; server up (process start to /healthz) in $(( (t1 - t0) / 1000000 )) ms; $(nproc) CPUs"
echo "load before: $(uptime | sed 's/.*load average/load average/')"
for filter in 'ssh!=ok' 'role~linux' ; do
    q="$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$filter")"
    n="$(curl -fsS "$base/api/v1/hosts?filter=$q" | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["hosts"]))')"
    echo "-- api: GET /api/v1/hosts?filter=$filter ($n hosts match), $clients clients, ${seconds}s"
    testmain dev.fleetroll.server.bench.ServerLoad "$base/api/v1/hosts?filter=$q" "$clients" "$seconds"
    echo "   load after: $(uptime | sed 's/.*load average/load average/')"
done
q="$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' 'role~linux')"
echo "-- api: GET /api/v1/hosts?filter=role~linux&limit=200 (a page of the wide filter), $clients clients, ${seconds}s"
testmain dev.fleetroll.server.bench.ServerLoad "$base/api/v1/hosts?filter=$q&limit=200" "$clients" "$seconds"
echo "   load after: $(uptime | sed 's/.*load average/load average/')"
echo "-- ui: first render of $base/ (all $hosts rows)"
testmain dev.fleetroll.server.bench.UiFirstRender "$base/" 5
echo "-- ui: first render of $base/?filter=ssh!=ok"
testmain dev.fleetroll.server.bench.UiFirstRender "$base/?filter=ssh%21%3Dok" 5
echo "server RSS: $(ps -o rss= -p "$pid" | awk '{printf "%.0f MiB", $1/1024}')"
echo "load at end: $(uptime | sed 's/.*load average/load average/')"
