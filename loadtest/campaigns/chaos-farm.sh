#!/usr/bin/env bash
# The multi-process farm the chaos campaign (chaos.yaml) runs against, on this machine: a KRaft broker
# (ppfarm kafka), three coordinators (PPFARM_CHAOS_COORDINATORS=2 for two) and two CPU workers, each its own OS
# process, configured only through documented keys (docs/operations.md), the production commitment and withdraw circuits registered once. Writes, under DIR,
# each node's log and pid file (kafka.pid, coordinator-1.pid … coordinator-3.pid, worker-1.pid, worker-2.pid) and
# restart-broker.sh (SIGKILL the broker, 5 s down, restart it on the same data directory and port), which is what
# chaos.yaml's events use through $PPFARM_CHAOS.
#
#   loadtest/campaigns/chaos-farm.sh start /tmp/chaos      # prints the --server and --set metrics= lists
#   PPFARM_CHAOS=/tmp/chaos bin/ppfarm load --campaign loadtest/campaigns/chaos.yaml \
#       --server 127.0.0.1:50011,127.0.0.1:50021,127.0.0.1:50031 \
#       --set metrics=127.0.0.1:9101,127.0.0.1:9102,127.0.0.1:9103,127.0.0.1:9111,127.0.0.1:9112 --report /tmp/chaos/report
#   loadtest/campaigns/chaos-farm.sh stop /tmp/chaos       # SIGTERM to every node whose pid file is there
#
# Three coordinators by default, as docs/operations.md advises; with two, the farm's downing rule (FarmDowning) keeps
# the side with the most workers, so the survivor of the oldest's death serves on beside the live worker.
# Ports (loopback only): gRPC 50011/50021/50031, artifacts 50012/50022/50032, cluster
# 25521-25523, coordinators' metrics 9101-9103, workers' 9111/9112, broker $PPFARM_CHAOS_KAFKA_PORT (default 19092).
# Artifacts: $PPFARM_ARTIFACTS or ~/.cache/ppfarm/artifacts/privacy-pools-core-sdk-1.0.2 (bin/ppfarm demo fetches them
# there).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cmd=${1:-}; dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start|stop DIR" >&2; exit 2; }
kafka_port=${PPFARM_CHAOS_KAFKA_PORT:-19092}
coordinators=${PPFARM_CHAOS_COORDINATORS:-3}

if [ "$cmd" = stop ]; then
  for f in "$dir"/*.pid; do [ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null || true; done
  exit 0
fi
[ "$cmd" = start ] || { echo "$0: unknown command '$cmd' (start|stop)" >&2; exit 2; }
[[ "$coordinators" =~ ^[1-3]$ ]] || { echo "$0: PPFARM_CHAOS_COORDINATORS must be 1, 2 or 3, not '$coordinators'" >&2; exit 2; }

artifacts=${PPFARM_ARTIFACTS:-$HOME/.cache/ppfarm/artifacts/privacy-pools-core-sdk-1.0.2}
for f in commitment withdraw; do
  [ -f "$artifacts/$f.zkey" ] || { echo "$0: $artifacts/$f.zkey missing (set PPFARM_ARTIFACTS, or run bin/ppfarm demo once)" >&2; exit 2; }
done
"$root/bin/ppfarm" --version >/dev/null # builds the jar once, before any node starts
source "$root/scripts/find-java.sh"
jar="$root/cli/target/ppfarm.jar"
mkdir -p "$dir"
java_cmd=("$JAVA_HOME/bin/java" -Xmx1g -XX:+UseParallelGC --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow -jar "$jar")

# start NAME READY-PATTERN ARGS...: the node detached (setsid), its pid in DIR/NAME.pid, waits for its ready line
start() {
  local name=$1 ready=$2; shift 2
  setsid "${java_cmd[@]}" "$@" >"$dir/$name.log" 2>&1 < /dev/null &
  echo $! >"$dir/$name.pid"
  for _ in $(seq 1 360); do
    grep -qs "$ready" "$dir/$name.log" && return 0
    kill -0 "$(cat "$dir/$name.pid")" 2>/dev/null || { echo "$0: $name exited; its log: $dir/$name.log" >&2; exit 3; }
    sleep 0.5
  done
  echo "$0: $name not ready after 180 s; its log: $dir/$name.log" >&2; exit 3
}

start kafka "kafka ready" kafka --data-dir "$dir/kafka-data" --port "$kafka_port"
cat >"$dir/restart-broker.sh" <<EOF
#!/usr/bin/env bash
# written by chaos-farm.sh: SIGKILL the broker, 5 s down, restart it on the same data directory and port
set -euo pipefail
kill -9 "\$(cat "$dir/kafka.pid")"; sleep 5
setsid ${java_cmd[*]} kafka --data-dir "$dir/kafka-data" --port $kafka_port >>"$dir/kafka.log" 2>&1 </dev/null &
echo \$! >"$dir/kafka.pid"
EOF
chmod +x "$dir/restart-broker.sh"

[ -f "$dir/keys/seal-public.properties" ] || "${java_cmd[@]}" keys seal --out-dir "$dir/keys" >/dev/null
ids=$(seq 1 "$coordinators")
list() { local sep="" out="" i; for i in $ids; do out+="$sep${1//\{i\}/$i}"; sep=,; done; echo "$out"; }  # PATTERN with {i}
seeds=$(list 'pekko://ppfarm@127.0.0.1:2552{i}')
common=(kafka.bootstrap.servers=127.0.0.1:$kafka_port kafka.topic.prefix=chaos kafka.topic.partitions=6)
peers=$(list '127.0.0.1:500{i}2')
for i in $ids; do # one at a time: coordinator-1 is the oldest
  start coordinator-$i "coordinator c$i ready" coordinator "$dir/keys/seal-public.properties" "${common[@]}" \
    coordinator.id=c$i grpc.port=500${i}1 artifacts.port=500${i}2 cluster.port=2552$i \
    cluster.seed.nodes=$([ $i = 1 ] && echo "${seeds%%,*}" || echo "$seeds") \
    artifacts.dir="$dir/artifacts-c$i" artifacts.peers="$peers" metrics.port=910$i
done
for i in 1 2; do
  start worker-$i "worker w$i ready" worker "$dir/keys/seal-private.properties" "${common[@]}" \
    worker.id=w$i coordinator.address="$peers" artifacts.cache.dir="$dir/cache-w$i" \
    cluster.seed.nodes="$seeds" metrics.port=911$i kafka.session.timeout.ms=6000
done
for c in commitment withdraw; do
  "${java_cmd[@]}" circuits register --server 127.0.0.1:50011 --name $c@1.0.2 \
    --zkey "$artifacts/$c.zkey" --wasm "$artifacts/$c.wasm" --vkey "$artifacts/$c.vkey" >/dev/null
done
echo "farm ready: --server $(list '127.0.0.1:500{i}1') --set metrics=$(list '127.0.0.1:910{i}'),127.0.0.1:9111,127.0.0.1:9112"
