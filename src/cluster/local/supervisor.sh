#!/usr/bin/env bash
# The supervisor runs detached from the CLI, one per running cluster: it starts the control-plane
# components, restarts any that exit, and stops them all on SIGTERM. It is a shell script, not a
# Node program, because it idles for the cluster's whole life: bash holds a few MiB where a Node
# runtime held about 90, and a lab cluster's memory is what decides how many fit on one machine.
#
# usage: supervisor.sh <cluster dir>   (reads <dir>/components.sh, which kubelab writes)
# Each component's state goes to status.d/<name>.json, the supervisor's own to
# status.d/supervisor.json; each file is replaced whole (write, then rename), never edited.
set -u
dir=${1:?usage: supervisor.sh <cluster dir>}
cd "$dir" || exit 2
# shellcheck source=/dev/null
source ./components.sh || exit 2 # names=(...), logs=(...), ready_urls=(...), ready_cas=(...), run_<i>() { exec ...; }

stop_grace=10       # seconds a component gets to exit after SIGTERM before SIGKILL
max_backoff_ms=10000

mkdir -p status.d
rm -f status.d/*.json
started_at=$(date -u +%Y-%m-%dT%H:%M:%SZ)

json_string() {
  local s=${1//\\/\\\\}
  printf '"%s"' "${s//\"/\\\"}"
}

replace_file() { # path content
  printf '%s\n' "$2" >"$1.tmp" && mv -f "$1.tmp" "$1"
}

write_supervisor() { # stopping(true|false)
  replace_file status.d/supervisor.json "{\"pid\": $$, \"startedAt\": \"$started_at\", \"stopping\": $1}"
}

write_component() { # index pid|null state restarts lastExit|''
  local last=null
  [ -n "$5" ] && last=$(json_string "$5")
  replace_file "status.d/${names[$1]}.json" \
    "{\"name\": $(json_string "${names[$1]}"), \"pid\": $2, \"state\": \"$3\", \"restarts\": $4, \"lastExit\": $last, \"log\": $(json_string "${logs[$1]}")}"
}

sleep_ms() {
  # In the background and waited for, so that a signal's trap runs at once rather than after the sleep.
  sleep "$(($1 / 1000)).$(printf %03d $(($1 % 1000)))" &
  wait $! 2>/dev/null
}

# True once the URL answers 200 (the API server's /readyz for its clients): client-go backs off for
# seconds after refused connections, so a client started too early sits idle well after the API
# server is up. Without curl, an open port is the best sign bash alone can read.
ready() { # url ca
  if command -v curl >/dev/null; then
    curl -fsS --max-time 2 --cacert "$2" -o /dev/null "$1" 2>/dev/null
  else
    local hostport=${1#*://}
    hostport=${hostport%%/*}
    (exec 3<>"/dev/tcp/${hostport%:*}/${hostport##*:}") 2>/dev/null
  fi
}

# True once component i's URL answers (the API server's /readyz, for its clients), or at the
# deadline regardless. The main shell polls, every 100 ms, before starting each waiting component:
# the API server starts on a 2-core machine where every cycle counts, and one loop per component,
# each running curl or sleep every 25 ms, had taken about 2.5 s of CPU from it.
wait_ready() { # index deadline
  until [ $SECONDS -ge "$2" ] || ready "${ready_urls[$1]}" "${ready_cas[$1]}"; do sleep_ms 100; done
}

# One loop per component, in a subshell: start, wait, record, back off, restart. On SIGTERM the
# loop stops restarting and waits for its component, which the main shell stops in order.
supervise_one() { # index
  local i=$1 restarts=0 backoff=125 last='' stopping=0 pid rc began next
  trap 'stopping=1' TERM
  while [ $stopping = 0 ]; do
    "run_$i" </dev/null >>"${logs[$i]}" 2>&1 &
    pid=$!
    began=$SECONDS
    write_component "$i" "$pid" running "$restarts" "$last"
    while :; do
      wait "$pid"
      rc=$?
      kill -0 "$pid" 2>/dev/null || break # else our own trap interrupted the wait: the component still runs
    done
    if [ $rc -gt 128 ]; then last="signal SIG$(kill -l $((rc - 128)))"; else last="exit code $rc"; fi
    [ $stopping = 1 ] && break
    # The supervisor itself was killed (kill -9, say): a loop restarting components for nobody
    # would fight `kubelab delete`, which stops what is left.
    kill -0 $$ 2>/dev/null || exit 0
    # A component that ran for a while before failing restarts at once; a crash loop backs off.
    if [ $((SECONDS - began)) -gt 30 ]; then next=250; else next=$((backoff * 2 > max_backoff_ms ? max_backoff_ms : backoff * 2)); fi
    backoff=$next
    restarts=$((restarts + 1))
    write_component "$i" null backoff "$restarts" "$last"
    sleep_ms "$next"
  done
  write_component "$i" null stopped "$restarts" "$last"
  exit 0
}

loops=()
stop() {
  trap '' TERM INT
  write_supervisor true
  kill -TERM "${loops[@]}" 2>/dev/null
  # One at a time in reverse order: the API server's clients first, etcd last, so that each can
  # shut down cleanly while what it depends on still answers.
  local i pid waited
  for ((i = ${#names[@]} - 1; i >= 0; i--)); do
    pid=$(sed -n 's/.*"pid": \([0-9][0-9]*\).*/\1/p' "status.d/${names[$i]}.json" 2>/dev/null)
    [ -n "$pid" ] && kill -TERM "$pid" 2>/dev/null
    waited=0
    while kill -0 "${loops[$i]:-}" 2>/dev/null && [ $waited -lt $((stop_grace * 20)) ]; do
      sleep_ms 50
      waited=$((waited + 1))
    done
    [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null
    wait "${loops[$i]:-}" 2>/dev/null
    [ -n "${loops[$i]:-}" ] || write_component "$i" null stopped 0 '' # still waiting to start
  done
  rm -f supervisor.pid
  exit 0
}

trap stop TERM INT
trap '' HUP
write_supervisor false
printf '%s' $$ >supervisor.pid
for i in "${!names[@]}"; do write_component "$i" null starting 0 ''; done
deadline=$((SECONDS + 120))
for i in "${!names[@]}"; do # components.sh lists them in start order
  [ -z "${ready_urls[$i]}" ] || wait_ready "$i" "$deadline"
  supervise_one "$i" &
  loops[i]=$!
done
while :; do
  wait
  sleep 1
done
