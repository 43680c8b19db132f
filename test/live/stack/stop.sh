#!/usr/bin/env bash
# Stop exactly the processes that start.sh recorded in STATE/pids (recipe §8), plus the
# privsep-helper that belongs to this state dir's cinder.conf. Keeps all state
# (databases, volume files, backups, logs); delete the state dir to reset.
#
#   test/live/stack/stop.sh [STATE_DIR]    (default: $RC_STATE_DIR, else /tmp/osbs-live-$RC_AUTH)
set -euo pipefail
shopt -s extglob

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

# start.sh records forked children only once the stack is ready; after a start that
# failed or was interrupted earlier, pick up the live children of recorded Cinder
# parents now, so none is left behind if its parent has to be KILLed.
for line in "${LINES[@]}"; do
  read -r name pid st <<<"$line"
  [[ ${name:-} == cinder-* && $name != *-child ]] || continue
  proc_alive "$pid" "$st" || continue
  for child in $($PY "$HERE/rc_stack.py" children "$pid"); do
    grep -q "^[^ ]* $child " "$STATE/pids" && continue
    cst=$(proc_starttime "$child") && LINES+=("$name-child $child $cst")
  done
done

term() { # name pid starttime
  if proc_alive "$2" "$3"; then
    kill -TERM "$2" 2>/dev/null && log "TERM $1 ($2)" || true
  fi
}

# Lines of LINES still alive, filtered by a name pattern.
alive_matching() { # glob
  local line name pid st
  for line in "${LINES[@]}"; do
    read -r name pid st <<<"$line"
    [[ -n ${name:-} && $name == $1 ]] || continue
    proc_alive "$pid" "$st" && echo "$line"
  done
  return 0
}

# Wait until nothing matching GLOB is alive; after SECONDS send KILL to what is left.
drain() { # glob seconds
  local deadline=$(($(date +%s) + $2)) left
  while :; do
    left=$(alive_matching "$1")
    [[ -z $left ]] && return 0
    if (($(date +%s) >= deadline)); then
      log "still alive after $2 s, sending KILL: $(echo "$left" | awk '{printf "%s:%s ", $1, $2}')"
      echo "$left" | while read -r _ pid _; do kill -KILL "$pid" 2>/dev/null || true; done
      sleep 0.5
      return 0
    fi
    sleep 0.2
  done
}

# 1. Cinder first, while RabbitMQ is still there for a clean RPC shutdown: parents in
#    reverse start order (oslo.service parents stop their own workers), then any child
#    whose parent is already gone.
for ((i = ${#LINES[@]} - 1; i >= 0; i--)); do
  read -r name pid st <<<"${LINES[i]}"
  [[ ${name:-} == cinder-* && $name != *-child ]] && term "$name" "$pid" "$st"
done
deadline=$(($(date +%s) + 15))
while [[ -n $(alive_matching 'cinder-!(*-child)') ]] && (($(date +%s) < deadline)); do sleep 0.2; done
while read -r name pid st; do
  [[ -n ${name:-} ]] && term "$name" "$pid" "$st"
done <<<"$(alive_matching 'cinder-*-child')"
drain 'cinder-*' 5

# 2. The rest in reverse order: Keystone, RabbitMQ, epmd last (it must outlive the broker).
for ((i = ${#LINES[@]} - 1; i >= 0; i--)); do
  read -r name pid st <<<"${LINES[i]}"
  [[ -n ${name:-} && $name != cinder-* ]] || continue
  term "$name" "$pid" "$st"
  [[ $name == rabbitmq ]] && drain rabbitmq 10
done
drain '*' 10

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
