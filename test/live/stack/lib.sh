# Shared helpers for start.sh and stop.sh (sourced, not executed).
# Process records live in STATE/pids, one line per process: "name pid starttime".

PY=/usr/bin/python3

# Field 22 of /proc/PID/stat (start time in clock ticks since boot). The command
# name (field 2) may contain spaces and parentheses, so split after the last ") ":
# the first field after it is the state letter (field 3), so starttime is index 19.
proc_fields() {
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  printf '%s\n' "${stat##*) }"
}

proc_starttime() {
  local rest f
  rest=$(proc_fields "$1") || return 1
  read -r -a f <<<"$rest"
  printf '%s\n' "${f[19]}"
}

# Alive = /proc/PID exists, is not a zombie (PID 1 here does not reap, gotcha 15),
# and its start time is the recorded one (so a reused PID is never signalled).
proc_alive() {
  local pid=$1 want=$2 rest f
  rest=$(proc_fields "$pid") || return 1
  read -r -a f <<<"$rest"
  [[ ${f[0]} != Z && ${f[19]} == "$want" ]]
}

# All processes recorded in STATE/pids are alive (and there is at least one).
all_recorded_alive() {
  local file=$1/pids name pid st n=0
  [[ -s $file ]] || return 1
  while read -r name pid st; do
    [[ -n $name ]] || continue
    n=$((n + 1))
    proc_alive "$pid" "$st" || return 1
  done <"$file"
  ((n > 0))
}

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
