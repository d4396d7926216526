#!/usr/bin/env bash
# bench/gather-tc.sh [WORKERS] [POOLS] [ROUNDS] - wall time of listing every worker of POOLS pools (default 5,000
# workers in 10 pools) from a local Taskcluster stand-in over HTTP, Hawk-signed: all pools at once and one after the
# other, with pages of 1000 (what the service caps a page at) and of 100 (ten times the requests).
# Prints min and median wall ms per round and the pages fetched per round; then times the whole gather-tc
# operation (GatherTcOpBench). Needs JDK 21+ (JAVA_HOME) and Maven.
set -euo pipefail
workers="${1:-5000}"
pools="${2:-10}"
rounds="${3:-15}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
cd "$here"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
mvn -B -o -q -pl lib test-compile -Dfleetroll.prerequisites.skip=true
# The few jars the client and the stand-in use, at the versions the parent pom names, from the local repository
# (the dependency plugin cannot resolve itself offline here).
repo="${MAVEN_REPO:-$HOME/.m2/repository}"
pom_version() { sed -n "s:.*<$1>\(.*\)</$1>.*:\1:p" pom.xml | head -1; }
jackson="$(pom_version jackson.version)"
slf4j="$(pom_version slf4j.version)"
jar() { # group-path artifact version
    local f="$repo/$1/$2/$3/$2-$3.jar"
    [ -f "$f" ] || { echo "gather-tc: $f is missing: run a Maven build of lib once online" >&2; exit 1; }
    printf '%s' "$f"
}
cp="lib/target/classes:lib/target/test-classes"
cp+=":$(jar com/fasterxml/jackson/core jackson-databind "$jackson")"
cp+=":$(jar com/fasterxml/jackson/core jackson-core "$jackson")"
cp+=":$(jar com/fasterxml/jackson/core jackson-annotations "${jackson%.*}")"
cp+=":$(jar org/slf4j slf4j-api "$slf4j")"
cp+=":$(jar org/slf4j slf4j-simple "$slf4j")"
for limit in 1000 100; do
    "$JAVA_HOME/bin/java" -cp "$cp" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
        dev.fleetroll.taskcluster.bench.GatherTcBench "$workers" "$pools" "$rounds" "$limit"
done
# The whole gather-tc operation (DefaultFleet: pool mapping from stored audits, listing, every worker's latest task
# run, one store transaction) over the same fleet; Maven supplies the full test classpath (SQLite, SSHJ, ...).
(cd lib && mvn -B -o -q org.codehaus.mojo:exec-maven-plugin:3.6.2:java -Dexec.classpathScope=test \
    -Dexec.mainClass=dev.fleetroll.ops.bench.GatherTcOpBench -Dexec.args="$workers $pools 5" \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=warn 2>&1 | grep -v '^WARNING')
