#!/usr/bin/env bash
# A local single-node Apache Kafka (KRaft) from Maven Central jars: no Docker, no tarball.
#   scripts/kafka.sh fetch    copy the pinned jars to .kafka/libs (Maven caches them in ~/.m2)
#   scripts/kafka.sh start    fetch if needed, format storage once, start on 127.0.0.1:9092, wait until ready
#   scripts/kafka.sh stop     stop it cleanly (SIGTERM, then SIGKILL after 30 s)
#   scripts/kafka.sh status   exit 0 when it is running
#   scripts/kafka.sh tool <main-class> [args...]   run a Kafka tool (TopicCommand, ...) from the same jars
# KBENCH_KAFKA_DIR, KBENCH_KAFKA_PORT and KBENCH_KAFKA_CONTROLLER_PORT run a second, separate broker
# (the tests use one to kill a broker mid-run). The jars always come from the project's .kafka/libs.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
K="${KBENCH_KAFKA_DIR:-$ROOT/.kafka}"
LIBS="$ROOT/.kafka/libs"
PIDFILE="$K/broker.pid"
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
CLUSTER_ID="4L6g3nShT-eMCtK--X86sw"   # any base64url UUID; fixed so the data dir can be reused
PORT="${KBENCH_KAFKA_PORT:-9092}"
CONTROLLER_PORT="${KBENCH_KAFKA_CONTROLLER_PORT:-9093}"

die() { echo "kafka.sh: $*" >&2; exit 1; }

fetch() {
  local stamp="$LIBS/.pom.sha"
  local want
  want="$(sha256sum "$ROOT/kafka/pom.xml" | cut -d' ' -f1)"
  if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then return 0; fi
  command -v mvn >/dev/null || die "Maven (mvn) is needed to fetch the Kafka jars from Maven Central"
  echo "kafka.sh: fetching Kafka jars from Maven Central into $LIBS" >&2
  rm -rf "$LIBS"
  mvn -B -q -f "$ROOT/kafka/pom.xml" dependency:copy-dependencies \
      -DincludeScope=runtime -Dmdep.prependGroupId=true -DoutputDirectory="$LIBS" >&2
  echo "$want" > "$stamp"
}

running() {
  [[ -f "$PIDFILE" ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null
}

port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null
}

tool() {
  fetch
  "$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC \
    -Dlog4j2.configurationFile="$ROOT/kafka/tools-log4j2.yaml" -cp "$LIBS/*" "$@"
}

start() {
  if running; then echo "kafka.sh: broker already running (pid $(cat "$PIDFILE")) on 127.0.0.1:$PORT" >&2; return 0; fi
  if port_open; then die "127.0.0.1:$PORT is already in use by another process; stop it or use that broker"; fi
  command -v "$JAVA" >/dev/null || die "Java 17+ is needed to run the broker"
  fetch
  mkdir -p "$K/data" "$K/logs"
  sed -e "s#@DATA_DIR@#$K/data#" -e "s#:9092#:$PORT#g" -e "s#:9093#:$CONTROLLER_PORT#g" \
    "$ROOT/kafka/server.properties" > "$K/server.properties"
  tool kafka.tools.StorageTool format --standalone --ignore-formatted -t "$CLUSTER_ID" -c "$K/server.properties" >&2
  : > "$K/logs/stdout.log"
  nohup "$JAVA" -Xms512m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:InitiatingHeapOccupancyPercent=35 \
    -XX:+ExplicitGCInvokesConcurrent -Djava.awt.headless=true \
    -Dkafka.logs.dir="$K/logs" -Dlog4j2.configurationFile="$ROOT/kafka/log4j2.yaml" \
    -cp "$LIBS/*" kafka.Kafka "$K/server.properties" >> "$K/logs/stdout.log" 2>&1 < /dev/null &
  echo $! > "$PIDFILE"
  for _ in $(seq 1 180); do
    if grep -q "Kafka Server started" "$K/logs/stdout.log" 2>/dev/null && port_open; then
      echo "kafka.sh: broker ready on 127.0.0.1:$PORT (pid $(cat "$PIDFILE"), logs in $K/logs)" >&2
      return 0
    fi
    running || { tail -20 "$K/logs/stdout.log" >&2; die "the broker exited during start-up (log above)"; }
    sleep 0.5
  done
  stop || true
  die "the broker did not become ready within 90 s (see $K/logs)"
}

stop() {
  if ! running; then rm -f "$PIDFILE"; echo "kafka.sh: broker not running" >&2; return 0; fi
  local pid
  pid="$(cat "$PIDFILE")"
  kill -TERM "$pid"
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || { rm -f "$PIDFILE"; echo "kafka.sh: broker stopped" >&2; return 0; }
    sleep 0.5
  done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$PIDFILE"
  echo "kafka.sh: broker killed after 30 s" >&2
}

case "${1:-}" in
  fetch) fetch ;;
  start) start ;;
  stop) stop ;;
  status) running ;;
  tool) shift; tool "$@" ;;
  *) echo "usage: scripts/kafka.sh fetch|start|stop|status|tool <class> [args]" >&2; exit 2 ;;
esac
