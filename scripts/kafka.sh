#!/usr/bin/env bash
# Local single-node Apache Kafka (KRaft, broker+controller in one JVM) on 127.0.0.1
# for tests and CI. The broker jars come from Maven Central (scripts/kafka/pom.xml);
# needs java (17+) and mvn on PATH. No Docker, no tarball download.
#
# Usage: bash scripts/kafka.sh <command>
#   fetch    copy the broker jars into $KAFKA_HOME_DIR/lib (skipped when the jars
#            there were fetched with the current pom; a pom change refetches)
#   start    fetch if needed, format the data dir if it is not formatted yet,
#            start the broker in the background and wait until it answers an
#            admin call; exit 0 at once if something already answers on the port
#   stop     TERM the broker (KILL after $KAFKA_STOP_TIMEOUT s), remove the pid file
#   restart  stop + start on the SAME data dir (nothing is lost)
#   status   exit 0 if a broker answers on the port, 1 otherwise
#   reset    stop and wipe the state dir (data, config, log)
#   logs     print the tail of the broker log
#
# Environment (defaults):
#   KAFKA_PORT=9092              PLAINTEXT listener -> clients use 127.0.0.1:$KAFKA_PORT
#   KAFKA_CONTROLLER_PORT=9093   KRaft controller listener
#   KAFKA_HOME_DIR=$HOME/.cache/cinema-kafka    jar cache (lib/)
#   KAFKA_STATE_DIR=/tmp/cinema-kafka-$KAFKA_PORT  server.properties, data/, kafka.log, kafka.pid
#   KAFKA_HEAP_OPTS="-Xms256m -Xmx512m"
#   KAFKA_LOG_LEVEL=WARN         root log level of the broker log
#   KAFKA_START_TIMEOUT=90       seconds to wait for the broker to answer
#   KAFKA_STOP_TIMEOUT=30        seconds to wait after TERM before KILL
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
POM="$SCRIPT_DIR/kafka/pom.xml"

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_HOME_DIR="${KAFKA_HOME_DIR:-$HOME/.cache/cinema-kafka}"
KAFKA_STATE_DIR="${KAFKA_STATE_DIR:-/tmp/cinema-kafka-$KAFKA_PORT}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
KAFKA_LOG_LEVEL="${KAFKA_LOG_LEVEL:-WARN}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"

LIB_DIR="$KAFKA_HOME_DIR/lib"
STAMP="$LIB_DIR/.pom.sha256"
DATA_DIR="$KAFKA_STATE_DIR/data"
PROPS="$KAFKA_STATE_DIR/server.properties"
LOG4J_BROKER="$KAFKA_STATE_DIR/log4j2-broker.properties"
LOG4J_TOOLS="$KAFKA_STATE_DIR/log4j2-tools.properties"
TOOLS_CONFIG="$KAFKA_STATE_DIR/tools.properties"
LOG_FILE="$KAFKA_STATE_DIR/kafka.log"
PID_FILE="$KAFKA_STATE_DIR/kafka.pid"
BOOTSTRAP="127.0.0.1:$KAFKA_PORT"

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then JAVA="$JAVA_HOME/bin/java"; else JAVA=java; fi

log() { echo "kafka.sh: $*" >&2; }
die() { log "$*"; exit 1; }

# --- helpers -----------------------------------------------------------------

port_open() { # port_open PORT -> 0 if something accepts a TCP connection on 127.0.0.1:PORT
  timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

pom_hash() { sha256sum "$POM" | cut -d' ' -f1; }

jars_cached() {
  [[ -f "$STAMP" && "$(cat "$STAMP")" == "$(pom_hash)" ]] && compgen -G "$LIB_DIR/kafka_2.13-*.jar" >/dev/null
}

broker_pid() { # prints the pid from the pid file if that process is alive and is our broker
  [[ -f "$PID_FILE" ]] || return 1
  local pid; pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'kafka\.Kafka' || return 1
  echo "$pid"
}

with_lock() { # serialise start/stop/reset on one state dir (fd 9; closed for the broker)
  mkdir -p "$KAFKA_STATE_DIR"
  exec 9>"$KAFKA_STATE_DIR/.lock"
  flock -w 180 9 || die "could not lock $KAFKA_STATE_DIR/.lock"
}

run_tool() { # run_tool MAIN_CLASS ARGS... with the cached classpath, quiet logging
  "$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 -Dlog4j2.configurationFile="$LOG4J_TOOLS" \
    -cp "$LIB_DIR/*" "$@"
}

broker_answers() { # a real admin round-trip: list topics
  timeout 30 "$JAVA" -Xmx256m -XX:TieredStopAtLevel=1 -Dlog4j2.configurationFile="$LOG4J_TOOLS" \
    -cp "$LIB_DIR/*" org.apache.kafka.tools.TopicCommand \
    --bootstrap-server "$BOOTSTRAP" --command-config "$TOOLS_CONFIG" --list >/dev/null 2>&1 </dev/null
}

random_cluster_id() { # Kafka Uuid: 16 random bytes, url-safe base64 without padding (22 chars)
  local id
  while :; do
    id="$(head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    [[ "$id" != -* && "$id" != AAAAAAAAAAAAAAAAAAAAA* ]] && break
  done
  echo "$id"
}

write_config() {
  mkdir -p "$KAFKA_STATE_DIR"
  cat >"$PROPS" <<EOF
# written by scripts/kafka.sh -- single-node KRaft broker for tests
node.id=1
process.roles=broker,controller
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
log.dirs=$DATA_DIR
num.partitions=3
default.replication.factor=1
min.insync.replicas=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
transaction.state.log.num.partitions=3
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
num.network.threads=2
num.io.threads=4
num.recovery.threads.per.data.dir=1
log.retention.hours=168
# after an unclean kill the restarted broker must wait for its old registration to
# expire (default 9 s); shorter keeps kill -9 fault tests fast
broker.session.timeout.ms=4000
broker.heartbeat.interval.ms=1000
EOF
  cat >"$LOG4J_BROKER" <<EOF
status = error
appender.out.type = Console
appender.out.name = OUT
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = $KAFKA_LOG_LEVEL
rootLogger.appenderRef.out.ref = OUT
# keep the lifecycle lines ("Kafka Server started", shutdown) visible
logger.raftserver.name = kafka.server.KafkaRaftServer
logger.raftserver.level = INFO
logger.kafka.name = kafka.Kafka\$
logger.kafka.level = INFO
EOF
  cat >"$LOG4J_TOOLS" <<EOF
status = error
appender.err.type = Console
appender.err.name = ERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = %p %m (%c)%n
rootLogger.level = ERROR
rootLogger.appenderRef.err.ref = ERR
EOF
  cat >"$TOOLS_CONFIG" <<EOF
request.timeout.ms=5000
default.api.timeout.ms=10000
EOF
}

# --- commands ----------------------------------------------------------------

cmd_fetch() {
  if jars_cached; then
    log "jars cached in $LIB_DIR"
    return 0
  fi
  command -v mvn >/dev/null || die "mvn not found on PATH (needed once to fetch the Kafka jars)"
  mkdir -p "$KAFKA_HOME_DIR"
  (
    exec 8>"$KAFKA_HOME_DIR/.fetch.lock"
    flock -w 600 8 || die "could not lock $KAFKA_HOME_DIR/.fetch.lock"
    jars_cached && exit 0 # another process fetched meanwhile
    local tmp="$KAFKA_HOME_DIR/lib.tmp.$$"
    rm -rf "$tmp"
    log "fetching Kafka jars from Maven Central into $LIB_DIR"
    if ! mvn -q -B -f "$POM" dependency:copy-dependencies -DoutputDirectory="$tmp" \
      >"$KAFKA_HOME_DIR/fetch.log" 2>&1 </dev/null; then
      sed 's/\x1b\[[0-9;]*m//g' "$KAFKA_HOME_DIR/fetch.log" | tail -n 40 >&2
      rm -rf "$tmp"
      die "mvn dependency:copy-dependencies failed (full output: $KAFKA_HOME_DIR/fetch.log)"
    fi
    pom_hash >"$tmp/.pom.sha256"
    rm -rf "$LIB_DIR"
    mv "$tmp" "$LIB_DIR"
  )
  log "jars ready in $LIB_DIR ($(find "$LIB_DIR" -name '*.jar' | wc -l) jars)"
}

wait_ready() { # wait_ready PID
  local pid="$1" deadline=$((SECONDS + KAFKA_START_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "broker (pid $pid) exited during startup; last lines of $LOG_FILE:"
      tail -n 60 "$LOG_FILE" >&2 || true
      rm -f "$PID_FILE"
      return 1
    fi
    if port_open "$KAFKA_PORT" && broker_answers; then
      return 0
    fi
    sleep 1
  done
  log "broker did not answer on $BOOTSTRAP within ${KAFKA_START_TIMEOUT}s; last lines of $LOG_FILE:"
  tail -n 60 "$LOG_FILE" >&2 || true
  return 1
}

cmd_start() {
  cmd_fetch
  with_lock
  local pid
  if pid="$(broker_pid)"; then
    if port_open "$KAFKA_PORT" && broker_answers; then
      log "already running (pid $pid) on $BOOTSTRAP"
      return 0
    fi
    log "broker pid $pid is alive but not answering yet; waiting"
    write_config
    wait_ready "$pid" || exit 1
    log "ready on $BOOTSTRAP (pid $pid)"
    return 0
  fi
  if port_open "$KAFKA_PORT"; then
    log "something already answers on 127.0.0.1:$KAFKA_PORT (not started by this script); using it"
    return 0
  fi
  if port_open "$KAFKA_CONTROLLER_PORT"; then
    die "controller port 127.0.0.1:$KAFKA_CONTROLLER_PORT is taken by another process; set KAFKA_CONTROLLER_PORT"
  fi
  rm -f "$PID_FILE"
  write_config

  if [[ ! -f "$DATA_DIR/meta.properties" ]]; then
    rm -rf "$DATA_DIR"
    local cluster_id; cluster_id="$(random_cluster_id)"
    log "formatting $DATA_DIR (cluster id $cluster_id)"
    run_tool kafka.tools.StorageTool format -t "$cluster_id" -c "$PROPS" >>"$LOG_FILE" 2>&1 </dev/null \
      || { tail -n 30 "$LOG_FILE" >&2; die "storage format failed"; }
  fi

  log "starting broker on $BOOTSTRAP (log: $LOG_FILE)"
  echo "=== $(date '+%F %T') start" >>"$LOG_FILE"
  # setsid: own session, so a Ctrl-C / closing terminal of the caller does not kill it.
  # The inner bash writes its own pid and then execs java, so the pid file is java's pid.
  # shellcheck disable=SC2086,SC2016 # word-split heap opts; $$ is for the inner bash
  nohup setsid bash -c 'echo $$ >"$1"; shift; exec "$@"' _ "$PID_FILE" \
    "$JAVA" $KAFKA_HEAP_OPTS -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$LOG4J_BROKER" \
    -cp "$LIB_DIR/*" kafka.Kafka "$PROPS" \
    >>"$LOG_FILE" 2>&1 </dev/null 9>&- &
  local _
  for _ in $(seq 50); do [[ -s "$PID_FILE" ]] && break; sleep 0.1; done
  pid="$(cat "$PID_FILE" 2>/dev/null || true)"
  [[ -n "$pid" ]] || die "broker did not write its pid file"
  wait_ready "$pid" || { cmd_stop_locked >/dev/null 2>&1 || true; exit 1; }
  log "ready on $BOOTSTRAP (pid $pid)"
}

cmd_stop_locked() {
  local pid
  if ! pid="$(broker_pid)"; then
    rm -f "$PID_FILE"
    log "not running"
    return 0
  fi
  log "stopping broker (pid $pid)"
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + KAFKA_STOP_TIMEOUT))
  while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
  if kill -0 "$pid" 2>/dev/null; then
    log "still alive after ${KAFKA_STOP_TIMEOUT}s; sending KILL"
    kill -KILL "$pid" 2>/dev/null || true
    while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
  fi
  rm -f "$PID_FILE"
  log "stopped"
}

cmd_stop() { with_lock; cmd_stop_locked; }

cmd_status() {
  local pid
  if pid="$(broker_pid)" && port_open "$KAFKA_PORT"; then
    echo "running (pid $pid) on $BOOTSTRAP"
    return 0
  fi
  if [[ -n "${pid:-}" ]]; then
    echo "starting (pid $pid), not answering on $BOOTSTRAP yet"
    return 1
  fi
  if port_open "$KAFKA_PORT"; then
    echo "something answers on $BOOTSTRAP (not started by this script)"
    return 0
  fi
  echo "not running"
  return 1
}

cmd_reset() {
  with_lock
  cmd_stop_locked
  [[ -n "$KAFKA_STATE_DIR" && "$KAFKA_STATE_DIR" != "/" ]] || die "refusing to wipe '$KAFKA_STATE_DIR'"
  find "$KAFKA_STATE_DIR" -mindepth 1 -maxdepth 1 ! -name .lock -exec rm -rf {} +
  log "wiped $KAFKA_STATE_DIR"
}

case "${1:-}" in
  fetch) cmd_fetch ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  restart) cmd_stop; cmd_start ;;
  status) cmd_status ;;
  reset) cmd_reset ;;
  logs) tail -n "${2:-100}" "$LOG_FILE" ;;
  *) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
