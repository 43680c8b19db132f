#!/usr/bin/env bash
# Stop exactly the processes that start.sh recorded in STATE/pids (recipe §8), plus the
# privsep-helper that belongs to this state dir's cinder.conf. Keeps all state
# (databases, volume files, backups, logs); delete the state dir to reset.
#
#   test/live/stack/stop.sh [STATE_DIR]    (default: $RC_STATE_DIR, else /tmp/osbs-live-$RC_AUTH)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

STATE=${1:-${RC_STATE_DIR:-/tmp/osbs-live-${RC_AUTH:-noauth}}}
if [[ ! -s $STATE/pids ]]; then
  echo "nothing recorded in $STATE/pids: nothing to stop"
  exit 0
fi
STATE=$(cd "$STATE" && pwd)
T0=$(now)

mapfile -t LINES <"$STATE/pids"

term() { # name pid starttime
  if proc_alive "$2" "$3"; then
    kill -TERM "$2" 2>/dev/null && log "TERM $1 ($2)" || true
  fi
}

wait_gone() { # seconds name pid starttime
  local deadline
  deadline=$(awk -v t="$(now)" -v s="$1" 'BEGIN { printf "%.0f", (t + s) * 10 }')
  while proc_alive "$3" "$4"; do
    (($(awk -v t="$(now)" 'BEGIN { printf "%.0f", t * 10 }') > deadline)) && return 1
    sleep 0.2
  done
}

# Parents in reverse order of start (Cinder services, Keystone, RabbitMQ, epmd last);
# oslo.service parents stop their own workers.
for ((i = ${#LINES[@]} - 1; i >= 0; i--)); do
  read -r name pid st <<<"${LINES[i]}"
  [[ -n ${name:-} && $name != *-child ]] || continue
  term "$name" "$pid" "$st"
  # epmd must outlive the broker's shutdown.
  [[ $name == rabbitmq ]] && { wait_gone 10 "$name" "$pid" "$st" || true; }
done
# Then any worker/backend child still alive.
for line in "${LINES[@]}"; do
  read -r name pid st <<<"$line"
  [[ ${name:-} == *-child ]] && term "$name" "$pid" "$st"
done

# Poll until every recorded process is gone (zombies count as gone); KILL after 20 s.
deadline=$(($(date +%s) + 20))
while :; do
  left=()
  for line in "${LINES[@]}"; do
    read -r name pid st <<<"$line"
    [[ -n ${name:-} ]] && proc_alive "$pid" "$st" && left+=("$name:$pid")
  done
  ((${#left[@]} == 0)) && break
  if (($(date +%s) >= deadline)); then
    log "still alive after 20 s, sending KILL: ${left[*]}"
    for line in "${LINES[@]}"; do
      read -r name pid st <<<"$line"
      [[ -n ${name:-} ]] && proc_alive "$pid" "$st" && kill -KILL "$pid" 2>/dev/null || true
    done
    sleep 0.5
    break
  fi
  sleep 0.2
done

# cinder-backup / cinder-volume start a privsep-helper (reparented to PID 1) on first use.
# Match this state dir's config file, never the process name alone.
CONF=$STATE/cinder/cinder.conf
for attempt in 1 2 3 4 5 6 7 8 9 10 11; do
  pids=$($PY "$HERE/rc_stack.py" privsep-pids "$CONF")
  [[ -z $pids ]] && break
  if ((attempt == 11)); then
    log "KILL privsep-helper $pids"
    kill -KILL $pids 2>/dev/null || true
  else
    ((attempt == 1)) && log "TERM privsep-helper $pids"
    kill -TERM $pids 2>/dev/null || true
    sleep 0.3
  fi
done

mv -f "$STATE/pids" "$STATE/pids.stopped"
log "stopped in $(elapsed "$T0")s; state kept in $STATE"
