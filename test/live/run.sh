#!/usr/bin/env bash
# Entry of `npm run test:live`: run the live suite (test/live/**/*.test.ts) against a real Cinder.
#
#   npm run test:live                          # mode from RC_AUTH, default noauth
#   npm run test:live -- --mode keystone       # noauth | keystone | both
#   npm run test:live -- --mode both -- -t smoke   # anything after "--" (or unknown) goes to vitest
#   npm run test:live -- --target fake --mode both  # the same suite against the fake cloud
#
# --target fake: per mode, test/live/fake-target.ts starts the fake cloud (startFakeCloud, a free
# loopback port, no root; only browser.test.ts needs Debian's chromium) and writes the same env variables; tests tagged realOnly()
# are skipped with their reason. No stack, no lock: fake runs never touch the real one.
#
# If CINDER_URL is already set, nothing is started: the suite runs against that endpoint.
# Otherwise, per mode: start the stack (test/live/stack/start.sh, fresh state dir
# /tmp/osbs-live-<mode> unless RC_KEEP_STATE=1) -> source STATE/env -> vitest -> stop.sh.
# A stack that is already up in that state dir is reused and left running.
# Exit code: vitest's (with --mode both: the first non-zero one; 1 if a start failed).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
STACK=$HERE/stack
# shellcheck source=stack/lib.sh
. "$STACK/lib.sh"

MODE=${RC_AUTH:-noauth}
TARGET=real
VITEST_ARGS=()
while (($#)); do
  case $1 in
    --mode) MODE=${2:-}; shift 2 || { echo "--mode needs a value" >&2; exit 2; } ;;
    --mode=*) MODE=${1#--mode=}; shift ;;
    --target) TARGET=${2:-}; shift 2 || { echo "--target needs a value" >&2; exit 2; } ;;
    --target=*) TARGET=${1#--target=}; shift ;;
    --) shift; VITEST_ARGS+=("$@"); break ;;
    *) VITEST_ARGS+=("$1"); shift ;;
  esac
done
case $MODE in
  noauth | keystone) MODES=("$MODE") ;;
  both) MODES=(noauth keystone) ;;
  *) echo "--mode must be noauth, keystone or both, not '$MODE'" >&2; exit 2 ;;
esac
case $TARGET in
  real | fake) ;;
  *) echo "--target must be real or fake, not '$TARGET'" >&2; exit 2 ;;
esac

# One run at a time on this machine: both modes use the same ports and the state dirs
# are deleted and recreated. fd 9 is closed for every child (9>&-) so that daemons
# never inherit the lock.
LOCK=/tmp/osbs-live.lock
exec 9>"$LOCK"
if [[ $TARGET == real ]] && ! flock -n 9; then
  log "another npm run test:live holds $LOCK; waiting for it (up to 15 min)"
  flock -w 900 9 || { echo "gave up waiting for $LOCK" >&2; exit 1; }
fi

SUMMARY=()
# The failed tests of every suite of this run, printed last (and copied to $LIVE_FAILURE_DIGEST when
# set: .ci/run prints it again at the very end of its log).
DIGEST=$(mktemp /tmp/osbs-live-digest.XXXXXX.txt)
print_digest() {
  if [[ -s $DIGEST ]]; then
    echo
    echo "== what failed"
    sed 's/^/   /' "$DIGEST"
  fi
  if [[ -n ${LIVE_FAILURE_DIGEST:-} ]]; then cat "$DIGEST" >>"$LIVE_FAILURE_DIGEST"; fi
  rm -f "$DIGEST"
}
TOTALS_PASSED=0
TOTALS_FAILED=0

run_suite() { # label
  local t rc report counts coverage cov keys keyargs
  report=$(mktemp /tmp/osbs-live-report.XXXXXX.json)
  coverage=$(mktemp /tmp/osbs-live-coverage.XXXXXX.jsonl)
  keys=$(mktemp /tmp/osbs-live-keys.XXXXXX.jsonl)
  t=$(now)
  (cd "$ROOT" && LIVE_COVERAGE_FILE=$coverage LIVE_KEYS_FILE=$keys npx vitest run --config test/live/vitest.config.ts \
    --reporter=default --reporter=json --outputFile.json="$report" "${VITEST_ARGS[@]}") 9>&-
  rc=$?
  # Which proxy methods reached the server; a full run must call every one of them.
  (cd "$ROOT" && npx tsx test/live/coverage-report.ts "$coverage" "$1" "$TARGET") 9>&-
  cov=$?
  if ((${#VITEST_ARGS[@]} == 0 && cov != 0 && rc == 0)); then rc=$cov; fi
  # The keys of Cinder's answers: the real run keeps test/live/response-keys.json up to date
  # (LIVE_RECORD_KEYS=1 rewrites it), the fake run must answer every key recorded there.
  keyargs=(--target "$TARGET")
  [[ ${LIVE_RECORD_KEYS:-0} == 1 && $TARGET == real ]] && keyargs+=(--write)
  ((${#VITEST_ARGS[@]} > 0)) && keyargs+=(--partial)
  (cd "$ROOT" && npx tsx test/live/response-keys-check.ts "$keys" "${keyargs[@]}") 9>&-
  cov=$?
  if ((cov != 0 && rc == 0)); then rc=$cov; fi
  if [[ $TARGET == fake && -n ${FIDELITY_REPORT:-} ]]; then cp "$report" "$FIDELITY_REPORT-$1.json"; fi
  # What failed, in a few lines, for the end of the output (print_digest).
  if ((rc != 0)); then
    (cd "$ROOT" && npx tsx test/live/failure-digest.ts "$report" "$1") >>"$DIGEST" 2>&1 9>&-
  fi
  rm -f "$coverage" "$keys"
  SUITE_SECONDS=$(elapsed "$t")
  counts=$(node -e '
    const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
    console.log(`${r.numPassedTests ?? 0} ${r.numFailedTests ?? 0}`);' "$report" 2>/dev/null || echo "0 0")
  rm -f "$report"
  read -r SUITE_PASSED SUITE_FAILED <<<"$counts"
  TOTALS_PASSED=$((TOTALS_PASSED + SUITE_PASSED))
  TOTALS_FAILED=$((TOTALS_FAILED + SUITE_FAILED))
  log "$1: suite ${SUITE_SECONDS}s, exit $rc ($SUITE_PASSED passed, $SUITE_FAILED failed)"
  return $rc
}

if [[ $TARGET == fake ]]; then
  # The fake cloud, one per mode, on a free port: nothing to install, lock or clean up but itself.
  FAKE_DIR=$(mktemp -d /tmp/osbs-live-fake.XXXXXX)
  FAKE_PID=
  stop_fake() {
    if [[ -n $FAKE_PID ]]; then
      kill -TERM "$FAKE_PID" 2>/dev/null
      wait "$FAKE_PID" 2>/dev/null
      FAKE_PID=
    fi
  }
  trap 'stop_fake; rm -rf "$FAKE_DIR"' EXIT
  trap 'exit 130' INT TERM
  T_ALL=$(now)
  FINAL=0
  export FIDELITY_REPORT=$FAKE_DIR/report
  for mode in "${MODES[@]}"; do
    t=$(now)
    envfile=$FAKE_DIR/env-$mode
    (cd "$ROOT" && exec node --import tsx test/live/fake-target.ts "$mode" "$envfile") >"$FAKE_DIR/out-$mode" 2>&1 9>&- &
    FAKE_PID=$!
    until grep -q ready "$FAKE_DIR/out-$mode" 2>/dev/null; do
      if ! kill -0 "$FAKE_PID" 2>/dev/null; then
        cat "$FAKE_DIR/out-$mode" >&2
        FAKE_PID=
        break
      fi
      sleep 0.05
    done
    if [[ -z $FAKE_PID ]]; then
      log "fake-$mode: the fake cloud did not start (its output is above)"
      SUMMARY+=("fake-$mode NOT RUN: the fake cloud did not start")
      TOTALS_FAILED=$((TOTALS_FAILED + 1))
      FINAL=1
      continue
    fi
    ready=$(elapsed "$t")
    log "fake-$mode: $(cat "$FAKE_DIR/out-$mode") (${ready}s)"
    (
      # shellcheck disable=SC1090
      . "$envfile"
      run_suite "fake-$mode"
      rc=$?
      echo "$SUITE_SECONDS $SUITE_PASSED $SUITE_FAILED" >"$FAKE_DIR/result-$mode"
      exit $rc
    )
    rc=$?
    stop_fake
    suite=- passed=0 failed=0
    [[ -f $FAKE_DIR/result-$mode ]] && read -r suite passed failed <"$FAKE_DIR/result-$mode"
    TOTALS_PASSED=$((TOTALS_PASSED + passed))
    TOTALS_FAILED=$((TOTALS_FAILED + failed))
    SUMMARY+=("$(printf 'fake-%-8s exit %-3s start-to-ready %6ss  suite %6ss' "$mode" "$rc" "$ready" "$suite")")
    ((rc != 0 && FINAL == 0)) && FINAL=$rc
  done
  # The fake-vs-real table of test/live/README.md: checked after a full run of both modes
  # (LIVE_WRITE_TABLE=1 rewrites it), printed after any other run.
  REPORTS=()
  for mode in "${MODES[@]}"; do
    [[ -f $FIDELITY_REPORT-fake-$mode.json ]] && REPORTS+=("$mode=$FIDELITY_REPORT-fake-$mode.json")
  done
  if ((${#REPORTS[@]} > 0)); then
    table=--print
    if ((${#VITEST_ARGS[@]} == 0 && ${#MODES[@]} == 2 && ${#REPORTS[@]} == 2)); then
      table=--check
      [[ ${LIVE_WRITE_TABLE:-0} == 1 ]] && table=--write
    fi
    (cd "$ROOT" && npx tsx test/live/fidelity-table.ts "$table" "${REPORTS[@]}") 9>&-
    rc=$?
    ((rc != 0 && FINAL == 0)) && FINAL=$rc
  fi
  echo
  echo "== live test timings (target: the fake cloud)"
  printf '   %s\n' "${SUMMARY[@]}"
  echo "   total $(elapsed "$T_ALL")s"
  echo "live (fake cloud): $TOTALS_PASSED passed, $TOTALS_FAILED failed"
  print_digest
  exit $FINAL
fi

if [[ -n ${CINDER_URL:-} ]]; then
  log "CINDER_URL=$CINDER_URL is set: running the live suite against it, starting nothing"
  run_suite external
  rc=$?
  echo "live: $TOTALS_PASSED passed, $TOTALS_FAILED failed"
  print_digest
  exit $rc
fi

# What this script started and must stop, even on Ctrl-C or an error.
STARTED_STATE=
cleanup() {
  if [[ -n $STARTED_STATE ]]; then
    "$STACK/stop.sh" "$STARTED_STATE" 9>&- || true
    STARTED_STATE=
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

looks_like_state_dir() { # only ever delete a directory holding nothing but what start.sh makes
  local entry
  for entry in "$1"/* "$1"/.[!.]*; do
    [[ -e $entry ]] || continue
    case ${entry##*/} in
      mode | pids | pids.stopped | env | timings | suite-result | rabbit | keystone | cinder) ;;
      *) return 1 ;;
    esac
  done
}

START_FAILURES=()
fail_start() { # mode reason
  log "$1: $2"
  START_FAILURES+=("$1: $2")
  SUMMARY+=("$(printf '%-8s %s' "$1" "$2")")
  TOTALS_FAILED=$((TOTALS_FAILED + 1))
  return 1
}

run_mode() { # mode
  local mode=$1 state t rc started=0 install=- ready=- start_wall stop_wall=-
  if [[ -n ${RC_STATE_DIR:-} ]]; then
    state=$RC_STATE_DIR
    ((${#MODES[@]} > 1)) && state=$RC_STATE_DIR-$mode
  else
    state=/tmp/osbs-live-$mode
  fi

  if all_recorded_alive "$state" && [[ $(cat "$state/mode" 2>/dev/null) == "$mode" && -f $state/env ]]; then
    log "$mode: reusing the stack already running in $state (it stays up)"
    start_wall=0
  else
    if [[ ${RC_KEEP_STATE:-0} != 1 && -e $state ]]; then
      if looks_like_state_dir "$state"; then
        [[ -s $state/pids ]] && "$STACK/stop.sh" "$state" 9>&-
        rm -rf "$state"
      else
        fail_start "$mode" "$state exists but was not made by start.sh; not deleting it"
        return 1
      fi
    fi
    t=$(now)
    STARTED_STATE=$state
    if ! RC_AUTH=$mode "$STACK/start.sh" "$state" 9>&-; then
      STARTED_STATE=
      fail_start "$mode" "stack did not start (see the messages above; logs in $state)"
      return 1
    fi
    start_wall=$(elapsed "$t")
    started=1
    # shellcheck disable=SC1091
    . "$state/timings"
    install=$install_seconds
    ready=$ready_seconds
  fi

  (
    # shellcheck disable=SC1091
    . "$state/env"
    run_suite "$mode"
    rc=$?
    echo "$SUITE_SECONDS $SUITE_PASSED $SUITE_FAILED" >"$state/suite-result"
    exit $rc
  )
  rc=$?
  ((rc != 0)) && log "$mode: suite failed (exit $rc); server logs: $state/cinder/log/*.log${started:+ (kept after stop)}"
  local suite=- passed=0 failed=0
  [[ -f $state/suite-result ]] && read -r suite passed failed <"$state/suite-result"
  TOTALS_PASSED=$((TOTALS_PASSED + passed))
  TOTALS_FAILED=$((TOTALS_FAILED + failed))

  if ((started)); then
    t=$(now)
    "$STACK/stop.sh" "$state" 9>&-
    stop_wall=$(elapsed "$t")
    STARTED_STATE=
  fi
  SUMMARY+=("$(printf '%-8s exit %-3s install %6ss  start-to-ready %6ss  (start.sh %6ss)  suite %6ss  stop %6ss' \
    "$mode" "$rc" "$install" "$ready" "$start_wall" "$suite" "$stop_wall")")
  return $rc
}

T_ALL=$(now)
FINAL=0
for m in "${MODES[@]}"; do
  run_mode "$m"
  rc=$?
  ((rc != 0 && FINAL == 0)) && FINAL=$rc
done
echo
echo "== live test timings"
printf '   %s\n' "${SUMMARY[@]}"
echo "   total $(elapsed "$T_ALL")s"
((${#START_FAILURES[@]})) && printf 'live: NOT RUN, %s\n' "${START_FAILURES[@]}"
echo "live: $TOTALS_PASSED passed, $TOTALS_FAILED failed"
for f in "${START_FAILURES[@]}"; do echo "$f" >>"$DIGEST"; done
print_digest
exit $FINAL
