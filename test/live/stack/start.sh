#!/usr/bin/env bash
# Start a real Cinder 21 (Debian 12 python3-cinder) on 127.0.0.1 for the live tests,
# following /work/shared/cinder/README.md (§8). Optionally with a real Keystone.
#
#   test/live/stack/start.sh [STATE_DIR]        (default: $RC_STATE_DIR, else /tmp/osbs-live-$RC_AUTH)
#
# Settings (environment):
#   RC_AUTH=noauth|keystone   RC_BACKUP=1|0   RC_BACKUP_DRIVER=posix|fake   RC_SECOND_BACKEND=1|0
#   RC_CINDER_PORT=8776 RC_KEYSTONE_PORT=5000 RC_RABBIT_PORT=5672 RC_RABBIT_DIST_PORT=25672 RC_EPMD_PORT=4369
#   RC_BROWSER_PORT=18776 (the browser test's page, http://127.0.0.1:PORT: the origin CORS allows)
#   RC_ADMIN_PASSWORD=admin-secret RC_SERVICE_PASSWORD=cinder-secret RC_REGION=RegionOne
#   RC_NO_INSTALL=1 (skip apt-get)
#
# Idempotent: if this state dir's stack is up in the same mode, prints the summary and exits 0.
# A failed start stops everything it started. Stop with test/live/stack/stop.sh [STATE_DIR].
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

T_BEGIN=$(now)

RC_AUTH=${RC_AUTH:-noauth}
RC_BACKUP=${RC_BACKUP:-1}
RC_BACKUP_DRIVER=${RC_BACKUP_DRIVER:-posix}
RC_SECOND_BACKEND=${RC_SECOND_BACKEND:-1}
RC_CINDER_PORT=${RC_CINDER_PORT:-8776}
RC_KEYSTONE_PORT=${RC_KEYSTONE_PORT:-5000}
RC_RABBIT_PORT=${RC_RABBIT_PORT:-5672}
RC_RABBIT_DIST_PORT=${RC_RABBIT_DIST_PORT:-25672}
RC_EPMD_PORT=${RC_EPMD_PORT:-4369}
RC_BROWSER_PORT=${RC_BROWSER_PORT:-18776}
RC_ADMIN_PASSWORD=${RC_ADMIN_PASSWORD:-admin-secret}
RC_SERVICE_PASSWORD=${RC_SERVICE_PASSWORD:-cinder-secret}
RC_REGION=${RC_REGION:-RegionOne}
RC_NO_INSTALL=${RC_NO_INSTALL:-0}
# noauth project ids must be hex (project_id_regex), like Keystone's.
NOAUTH_PROJECT=9c1b1e6b4f3a4d6e8f2a1b3c4d5e6f70
NOAUTH_SECOND_PROJECT=a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5
HOSTNAME_RC=rc-host

# ------------------------------------------------------------------ 1. validate
case $RC_AUTH in noauth | keystone) ;; *) echo "RC_AUTH must be noauth or keystone, not '$RC_AUTH'" >&2; exit 2 ;; esac
case $RC_BACKUP_DRIVER in
  posix) BACKUP_DRIVER_CLASS=cinder.backup.drivers.posix.PosixBackupDriver ;;
  fake) BACKUP_DRIVER_CLASS=cinder.tests.unit.backup.fake_service.FakeBackupService ;;
  *) echo "RC_BACKUP_DRIVER must be posix or fake, not '$RC_BACKUP_DRIVER'" >&2; exit 2 ;;
esac
STATE=${1:-${RC_STATE_DIR:-/tmp/osbs-live-$RC_AUTH}}
mkdir -p "$STATE"
STATE=$(cd "$STATE" && pwd)
C=$STATE/cinder
K=$STATE/keystone
R=$STATE/rabbit
CINDER_URL=http://127.0.0.1:$RC_CINDER_PORT
KEYSTONE_URL=http://127.0.0.1:$RC_KEYSTONE_PORT/v3
# test/live/browser.test.ts serves its page from this origin; Cinder and Keystone allow it (CORS).
BROWSER_ORIGIN=http://127.0.0.1:$RC_BROWSER_PORT
# What a browser may send and read cross-origin. Sent by the SDK: X-Auth-Token, OpenStack-API-Version,
# X-OpenStack-Request-ID (globalRequestId), traceparent/tracestate (tracing); Content-Type and Accept
# need no listing. Read by the SDK: X-OpenStack-Request-ID (errors, resources), X-Subject-Token
# (Keystone's token), OpenStack-API-Version, Retry-After (429/503).
CORS_ALLOW_HEADERS=X-Auth-Token,OpenStack-API-Version,X-OpenStack-Request-ID,traceparent,tracestate
CORS_EXPOSE_HEADERS=X-OpenStack-Request-ID,OpenStack-API-Version,X-Subject-Token,Retry-After
CORS_ALLOW_METHODS=GET,HEAD,POST,PUT,PATCH,DELETE

BACKENDS=(fake)
[[ $RC_SECOND_BACKEND == 1 ]] && BACKENDS+=(fake2)
POOLS=()
for b in "${BACKENDS[@]}"; do POOLS+=("$HOSTNAME_RC@$b#$b"); done

summary() {
  echo "== Cinder ($(cat "$STATE/mode")) is up; state dir $STATE"
  echo "   endpoint:  $CINDER_URL  (v3: $CINDER_URL/v3/<project id>)"
  # shellcheck disable=SC1091
  (
    . "$STATE/env"
    echo "   project:   $CINDER_PROJECT_ID   (second project: $CINDER_SECOND_PROJECT_ID)"
    if [[ $RC_AUTH == noauth ]]; then
      echo "   token:     X-Auth-Token: $CINDER_NOAUTH_TOKEN"
    else
      echo "   keystone:  $OS_AUTH_URL  admin/$OS_PASSWORD (project admin), $RC_DEMO_USERNAME/$RC_DEMO_PASSWORD (project demo)"
    fi
    echo "   pools:     $RC_POOLS"
  )
  echo "   env file:  . $STATE/env"
  echo "   processes (name pid starttime):"
  sed 's/^/     /' "$STATE/pids"
}

# ------------------------------------------------------------------ 2. idempotency
if all_recorded_alive "$STATE" && [[ -f $STATE/mode && $(cat "$STATE/mode") == "$RC_AUTH" && -f $STATE/env ]] &&
  [[ $($PY "$HERE/rc_stack.py" http-status "$CINDER_URL/") == 300 ]]; then
  echo "already running (nothing started)"
  summary
  exit 0
fi
if [[ -s $STATE/pids ]]; then
  log "stale or partial stack recorded in $STATE: stopping it first"
  "$HERE/stop.sh" "$STATE"
fi

# ------------------------------------------------------------------ 3. packages
# chromium: headless, for test/live/browser.test.ts (driven by playwright-core; never downloaded)
PKGS=(python3-cinder rabbitmq-server dmidecode chromium)
[[ $RC_AUTH == keystone ]] && PKGS+=(python3-keystone)
INSTALL_SECONDS=0
if [[ $RC_NO_INSTALL != 1 ]]; then
  missing=()
  for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if ((${#missing[@]})); then
    log "installing ${missing[*]} (apt-get, --no-install-recommends)"
    t=$(now)
    export DEBIAN_FRONTEND=noninteractive
    apt_install() { apt-get -o DPkg::Lock::Timeout=600 install -y --no-install-recommends "${missing[@]}"; }
    if ! apt_install >"/tmp/osbs-live-apt.log" 2>&1; then
      log "apt-get install failed; apt-get update and one retry"
      apt-get -o DPkg::Lock::Timeout=600 update >>"/tmp/osbs-live-apt.log" 2>&1 || true
      apt_install >>"/tmp/osbs-live-apt.log" 2>&1 || { tail -30 /tmp/osbs-live-apt.log >&2; exit 1; }
    fi
    INSTALL_SECONDS=$(elapsed "$t")
    log "installed in ${INSTALL_SECONDS}s (log: /tmp/osbs-live-apt.log)"
  fi
fi
NEEDED=(/usr/lib/rabbitmq/bin/rabbitmq-server /usr/bin/epmd /usr/bin/privsep-helper /usr/bin/chromium)
[[ $RC_AUTH == keystone ]] && NEEDED+=(/usr/bin/keystone-manage)
for f in "${NEEDED[@]}"; do
  [[ -x $f ]] || { echo "missing $f: install the packages (unset RC_NO_INSTALL)" >&2; exit 1; }
done
T_READY_FROM=$(now)

# ------------------------------------------------------------------ 4. ports
PORTS=("$RC_CINDER_PORT" "$RC_RABBIT_PORT" "$RC_RABBIT_DIST_PORT" "$RC_EPMD_PORT" "$RC_BROWSER_PORT")
[[ $RC_AUTH == keystone ]] && PORTS+=("$RC_KEYSTONE_PORT")
if ! $PY "$HERE/rc_stack.py" ports-free "${PORTS[@]}"; then
  echo "Another stack (maybe the other auth mode, in another state dir) or service holds these ports." >&2
  echo "Stop it first, e.g. test/live/stack/stop.sh /tmp/osbs-live-noauth (or -keystone)." >&2
  exit 1
fi

# ------------------------------------------------------------------ 5. records + failure trap
: >"$STATE/pids"
echo "$RC_AUTH" >"$STATE/mode"
rm -f "$STATE/env"
STARTED_OK=0
on_exit() {
  local rc=$?
  if [[ $STARTED_OK != 1 ]]; then
    echo "!! start failed (exit $rc); last log lines:" >&2
    for f in "$R"/log/*.log "$R"/log/*.out "$K"/log/*.log "$K"/log/*.out "$C"/log/*.log "$C"/log/*.out; do
      [[ -s $f ]] || continue
      echo "---- $f" >&2
      tail -n 15 "$f" >&2
    done
    "$HERE/stop.sh" "$STATE" >&2 || true
  fi
}
trap on_exit EXIT
trap 'exit 130' INT TERM

record() { # name pid
  local st
  st=$(proc_starttime "$2") || { echo "$1 (pid $2) died at once" >&2; return 1; }
  echo "$1 $2 $st" >>"$STATE/pids"
}

# ------------------------------------------------------------------ 6. directories
mkdir -p "$R"/{mnesia,log,home} "$C"/{bin,lib,log,lock,backups,state/fakevols}
[[ $RC_AUTH == keystone ]] && mkdir -p "$K"/{log,fernet-keys,credential-keys}

# ------------------------------------------------------------------ 7. epmd + RabbitMQ
cat >"$R/rabbitmq.conf" <<EOF
listeners.tcp.default = 127.0.0.1:$RC_RABBIT_PORT
distribution.listener.interface = 127.0.0.1
distribution.listener.port_range.min = $RC_RABBIT_DIST_PORT
distribution.listener.port_range.max = $RC_RABBIT_DIST_PORT
log.console = false
log.file.level = warning
EOF
echo '[].' >"$R/enabled_plugins"
export ERL_EPMD_ADDRESS=127.0.0.1 ERL_EPMD_PORT=$RC_EPMD_PORT
# epmd first and tracked; otherwise RabbitMQ daemonizes an epmd nothing tracks.
/usr/bin/epmd -address 127.0.0.1 -port "$RC_EPMD_PORT" </dev/null >"$R/log/epmd.out" 2>&1 &
record epmd $!
$PY "$HERE/rc_stack.py" wait-port "$RC_EPMD_PORT" 10
# RUNNING_UNDER_SYSTEMD=1 makes the script exec beam.smp, so $! is the broker itself.
(
  cd "$R"
  exec env HOME="$R/home" RUNNING_UNDER_SYSTEMD=1 \
    RABBITMQ_CONF_ENV_FILE=/dev/null RABBITMQ_NODENAME=rabbit@localhost \
    RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$RC_RABBIT_PORT" \
    RABBITMQ_CONFIG_FILE="$R/rabbitmq" \
    RABBITMQ_MNESIA_BASE="$R/mnesia" RABBITMQ_LOG_BASE="$R/log" \
    RABBITMQ_ENABLED_PLUGINS_FILE="$R/enabled_plugins" \
    /usr/lib/rabbitmq/bin/rabbitmq-server
) </dev/null >"$R/log/rabbitmq.out" 2>&1 &
record rabbitmq $!
# Not waiting for AMQP yet: the slow steps below run meanwhile.

# ------------------------------------------------------------------ 8. Keystone
if [[ $RC_AUTH == keystone ]]; then
  cat >"$K/keystone.conf" <<EOF
[DEFAULT]
log_file = $K/log/keystone.log
[database]
connection = sqlite:///$K/keystone.sqlite
[token]
provider = fernet
[fernet_tokens]
key_repository = $K/fernet-keys
[credential]
key_repository = $K/credential-keys
EOF
  cp "$HERE/rc_keystone_server.py" "$K/rc_keystone_server.py"
  if [[ ! -s $K/keystone.sqlite ]]; then
    log "keystone: db_sync, fernet/credential setup, bootstrap"
    KM=("$PY" /usr/bin/keystone-manage --config-file "$K/keystone.conf")
    # keystone-manage prints a harmless eventlet traceback at exit: keep it in a log.
    "${KM[@]}" db_sync >>"$K/log/manage.out" 2>&1
    $PY -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA journal_mode=WAL").fetchone()[0])' \
      "$K/keystone.sqlite" >>"$K/log/manage.out"
    "${KM[@]}" fernet_setup --keystone-user root --keystone-group root >>"$K/log/manage.out" 2>&1
    "${KM[@]}" credential_setup --keystone-user root --keystone-group root >>"$K/log/manage.out" 2>&1
    "${KM[@]}" bootstrap --bootstrap-password "$RC_ADMIN_PASSWORD" \
      --bootstrap-username admin --bootstrap-project-name admin \
      --bootstrap-role-name admin --bootstrap-service-name keystone \
      --bootstrap-region-id "$RC_REGION" \
      --bootstrap-admin-url "$KEYSTONE_URL/" \
      --bootstrap-internal-url "$KEYSTONE_URL/" \
      --bootstrap-public-url "$KEYSTONE_URL/" >>"$K/log/manage.out" 2>&1
  fi
  (
    cd "$K"
    # Keystone builds its CORS middleware on an oslo.config instance of its own, which reads only
    # the default locations (/etc/keystone/keystone.conf …), not OS_KEYSTONE_CONFIG_FILES; its
    # environment source does reach it: OS_<GROUP>__<OPTION>, i.e. the [cors] section.
    exec env OS_KEYSTONE_CONFIG_FILES="$K/keystone.conf" \
      OS_CORS__ALLOWED_ORIGIN="$BROWSER_ORIGIN" OS_CORS__ALLOW_METHODS="$CORS_ALLOW_METHODS" \
      OS_CORS__ALLOW_HEADERS="$CORS_ALLOW_HEADERS,X-Subject-Token,X-Project-Id,X-Domain-Id" \
      OS_CORS__EXPOSE_HEADERS="$CORS_EXPOSE_HEADERS" \
      "$PY" "$K/rc_keystone_server.py" 127.0.0.1 "$RC_KEYSTONE_PORT"
  ) </dev/null >"$K/log/keystone.out" 2>&1 &
  record keystone $!
  $PY "$HERE/rc_stack.py" wait-http "$KEYSTONE_URL" 200 60
  log "keystone answering after $(elapsed "$T_READY_FROM")s"
  eval "$($PY "$HERE/rc_stack.py" keystone-register --keystone-port "$RC_KEYSTONE_PORT" \
    --cinder-port "$RC_CINDER_PORT" --region "$RC_REGION" \
    --admin-password "$RC_ADMIN_PASSWORD" --service-password "$RC_SERVICE_PASSWORD")"
  log "cinder registered in the keystone catalog after $(elapsed "$T_READY_FROM")s"
  PROJECT_ID=$ADMIN_PROJECT_ID
  SECOND_PROJECT_ID=$DEMO_PROJECT_ID
else
  PROJECT_ID=$NOAUTH_PROJECT
  SECOND_PROJECT_ID=$NOAUTH_SECOND_PROJECT
fi

# ------------------------------------------------------------------ 9. Cinder files
cp "$HERE/rc_file_driver.py" "$HERE/rc_sqlite_immediate.py" "$C/lib/"

cat >"$C/resource_filters.json" <<'EOF'
{
    "volume": ["name", "status", "metadata",
               "bootable", "migration_status", "availability_zone",
               "group_id", "size", "created_at", "updated_at",
               "consumes_quota"],
    "backup": ["name", "status", "volume_id"],
    "snapshot": ["name", "status", "volume_id", "metadata",
                 "availability_zone", "consumes_quota"],
    "group": ["name"],
    "group_snapshot": ["name", "status", "group_id"],
    "attachment": ["volume_id", "status", "instance_id", "attach_status"],
    "message": ["resource_uuid", "resource_type", "event_id",
                "request_id", "message_level"],
    "pool": ["name", "volume_type"],
    "volume_type": ["is_public", "extra_specs"]
}
EOF

# Real files named like the console scripts: oslo.log names its log file after the program.
for svc in api scheduler volume backup manage; do
  cat >"$C/bin/cinder-$svc" <<EOF
#!/usr/bin/python3
import sys

# Before Cinder opens the database: BEGIN IMMEDIATE for SQLite (see the module).
import rc_sqlite_immediate  # noqa: F401

from cinder.cmd.$svc import main

sys.exit(main())
EOF
  chmod +x "$C/bin/cinder-$svc"
done

# No /v2 route (v2 was removed in Xena). pipeline_factory picks the key equal to auth_strategy.
# The cors filter reads [cors] from the file named by oslo_config_file (without it, from
# /etc/cinder/cinder.conf: oslo.middleware builds its own oslo.config instance).
cat >"$C/api-paste.ini" <<EOF
[composite:osapi_volume]
use = call:cinder.api:root_app_factory
/: apiversions
/healthcheck: healthcheck
/v3: openstack_volume_api_v3

[composite:openstack_volume_api_v3]
use = call:cinder.api.middleware.auth:pipeline_factory
noauth = request_id cors http_proxy_to_wsgi faultwrap sizelimit osprofiler noauth apiv3
noauth_include_project_id = request_id cors http_proxy_to_wsgi faultwrap sizelimit osprofiler noauth_include_project_id apiv3
keystone = request_id cors http_proxy_to_wsgi faultwrap sizelimit osprofiler authtoken keystonecontext apiv3
keystone_nolimit = request_id cors http_proxy_to_wsgi faultwrap sizelimit osprofiler authtoken keystonecontext apiv3

[filter:request_id]
paste.filter_factory = cinder.api.middleware.request_id:RequestId.factory
[filter:http_proxy_to_wsgi]
paste.filter_factory = oslo_middleware.http_proxy_to_wsgi:HTTPProxyToWSGI.factory
[filter:cors]
paste.filter_factory = oslo_middleware.cors:filter_factory
oslo_config_project = cinder
oslo_config_file = $C/cinder.conf
[filter:faultwrap]
paste.filter_factory = cinder.api.middleware.fault:FaultWrapper.factory
[filter:osprofiler]
paste.filter_factory = osprofiler.web:WsgiMiddleware.factory
[filter:noauth]
paste.filter_factory = cinder.api.middleware.auth:NoAuthMiddleware.factory
[filter:noauth_include_project_id]
paste.filter_factory = cinder.api.middleware.auth:NoAuthMiddlewareIncludeProjectID.factory
[filter:sizelimit]
paste.filter_factory = oslo_middleware.sizelimit:RequestBodySizeLimiter.factory
[filter:keystonecontext]
paste.filter_factory = cinder.api.middleware.auth:CinderKeystoneContext.factory
[filter:authtoken]
paste.filter_factory = keystonemiddleware.auth_token:filter_factory
[app:apiv3]
paste.app_factory = cinder.api.v3.router:APIRouter.factory
[pipeline:apiversions]
pipeline = request_id cors http_proxy_to_wsgi faultwrap osvolumeversionapp
[app:osvolumeversionapp]
paste.app_factory = cinder.api.versions:Versions.factory
[pipeline:healthcheck]
pipeline = request_id healthcheckapp
[app:healthcheckapp]
paste.app_factory = oslo_middleware:Healthcheck.app_factory
backends = disable_by_file
disable_by_file_path = /nonexistent/healthcheck_disable
EOF

ENABLED_BACKENDS=$(
  IFS=,
  echo "${BACKENDS[*]}"
)
# oslo.config does not strip inline comments: every comment on its own line.
{
  cat <<EOF
[DEFAULT]
auth_strategy = $RC_AUTH
transport_url = rabbit://guest:guest@127.0.0.1:$RC_RABBIT_PORT/
osapi_volume_listen = 127.0.0.1
osapi_volume_listen_port = $RC_CINDER_PORT
osapi_volume_workers = 1
api_paste_config = $C/api-paste.ini
# without it every list call logs an ERROR
resource_query_filters_file = $C/resource_filters.json
state_path = $C/state
log_dir = $C/log
my_ip = 127.0.0.1
# fixed host name: service rows are reused across restarts on the same state dir
host = $HOSTNAME_RC
enabled_backends = $ENABLED_BACKENDS
# default 60 made SIGTERM take about 16 s
graceful_shutdown_timeout = 5
# Readiness: each volume backend announces its pool once at start and the scheduler
# asks once at start; when both fanouts race past the other's not-yet-bound queue
# (all services start together), the next announcement came only from the periodic
# task: random 0-60 s delay plus 60 s spacing (a measured 74 s start). With these,
# the pools reach the scheduler within about 3-5 s in the worst case.
periodic_fuzzy_delay = 0
periodic_interval = 2
backend_stats_polling_interval = 3
backup_driver = $BACKUP_DRIVER_CLASS
backup_posix_path = $C/backups
backup_compression_algorithm = none
backup_file_size = 134217728
backup_sha_block_size_bytes = 1048576

[database]
# busy timeout 30 s; plus WAL (set after db sync) and BEGIN IMMEDIATE (rc_sqlite_immediate)
connection = sqlite:///$C/cinder.sqlite?timeout=30

[oslo_concurrency]
lock_path = $C/lock

# For test/live/browser.test.ts: its page's origin may call this API (see CORS_* above)
[cors]
allowed_origin = $BROWSER_ORIGIN
allow_methods = $CORS_ALLOW_METHODS
allow_headers = $CORS_ALLOW_HEADERS
expose_headers = $CORS_EXPOSE_HEADERS

# Running as root: privsep-helper directly instead of sudo cinder-rootwrap (not installed)
[privsep_osbrick]
helper_command = /usr/bin/privsep-helper --config-file $C/cinder.conf

[privsep]
helper_command = /usr/bin/privsep-helper --config-file $C/cinder.conf
EOF
  for b in "${BACKENDS[@]}"; do
    cat <<EOF

[$b]
volume_driver = rc_file_driver.FileBackedFakeDriver
volume_backend_name = $b
EOF
  done
  if [[ $RC_AUTH == keystone ]]; then
    cat <<EOF

[keystone_authtoken]
www_authenticate_uri = http://127.0.0.1:$RC_KEYSTONE_PORT
auth_url = http://127.0.0.1:$RC_KEYSTONE_PORT
auth_type = password
username = cinder
password = $RC_SERVICE_PASSWORD
project_name = service
user_domain_name = Default
project_domain_name = Default
EOF
  fi
} >"$C/cinder.conf"

# ------------------------------------------------------------------ 10. database
export PYTHONPATH=$C/lib
cd "$C"
"$C/bin/cinder-manage" --config-file "$C/cinder.conf" db sync >"$C/log/db-sync.out" 2>&1
[[ $($PY -c 'import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA journal_mode=WAL").fetchone()[0])' "$C/cinder.sqlite") == wal ]]

# ------------------------------------------------------------------ 11. AMQP
$PY "$HERE/rc_stack.py" wait-port "$RC_RABBIT_PORT" 60

# ------------------------------------------------------------------ 12. Cinder services
SERVICES=(cinder-api cinder-scheduler cinder-volume)
[[ $RC_BACKUP == 1 ]] && SERVICES+=(cinder-backup)
for svc in "${SERVICES[@]}"; do
  "$C/bin/$svc" --config-file "$C/cinder.conf" </dev/null >"$C/log/$svc.out" 2>&1 &
  record "$svc" $!
done

log "cinder services started after $(elapsed "$T_READY_FROM")s"

# ------------------------------------------------------------------ 13. readiness
$PY "$HERE/rc_stack.py" wait-http "$CINDER_URL/" 300 90
if [[ $RC_AUTH == keystone ]]; then
  read -r ADMIN_TOKEN _ < <(OS_AUTH_URL=$KEYSTONE_URL OS_USERNAME=admin OS_PASSWORD=$RC_ADMIN_PASSWORD \
    OS_PROJECT_NAME=admin $PY "$HERE/rc_stack.py" keystone-token)
else
  ADMIN_TOKEN=admin:$PROJECT_ID
fi
expect=(--service "cinder-scheduler@$HOSTNAME_RC")
for b in "${BACKENDS[@]}"; do expect+=(--service "cinder-volume@$HOSTNAME_RC@$b"); done
[[ $RC_BACKUP == 1 ]] && expect+=(--service "cinder-backup@$HOSTNAME_RC")
for p in "${POOLS[@]}"; do expect+=(--pool "$p"); done
$PY "$HERE/rc_stack.py" wait-ready --url "$CINDER_URL" --project "$PROJECT_ID" --token "$ADMIN_TOKEN" \
  --timeout 120 "${expect[@]}" >/dev/null
# Tests create far more than the default 10 volumes.
$PY "$HERE/rc_stack.py" set-quotas --url "$CINDER_URL" --project "$PROJECT_ID" --token "$ADMIN_TOKEN" \
  --target "$PROJECT_ID" --target "$SECOND_PROJECT_ID"

# ------------------------------------------------------------------ 14. forked children
PARENTS=$(cat "$STATE/pids")
while read -r name pid _; do
  [[ $name == cinder-* ]] || continue
  for child in $($PY "$HERE/rc_stack.py" children "$pid"); do
    record "$name-child" "$child" || true
  done
done <<<"$PARENTS"

# ------------------------------------------------------------------ 15. env file + summary
{
  echo "# written by test/live/stack/start.sh; source it before running the live tests"
  echo "export RC_STATE_DIR=$STATE RC_AUTH=$RC_AUTH RC_BACKUP=$RC_BACKUP RC_BACKUP_DRIVER=$RC_BACKUP_DRIVER"
  echo "export CINDER_URL=$CINDER_URL"
  echo "export CINDER_PROJECT_ID=$PROJECT_ID"
  echo "export CINDER_SECOND_PROJECT_ID=$SECOND_PROJECT_ID"
  echo "export CINDER_MAX_MICROVERSION=3.70"
  echo "export RABBITMQ_URL=amqp://guest:guest@127.0.0.1:$RC_RABBIT_PORT/"
  echo "export RC_BACKENDS='${BACKENDS[*]}' RC_POOLS='${POOLS[*]}'"
  echo "export RC_VOLUME_FILES_DIR=$C/state/fakevols"
  echo "export RC_BROWSER_ORIGIN=$BROWSER_ORIGIN"
  if [[ $RC_AUTH == noauth ]]; then
    echo "export CINDER_NOAUTH_TOKEN=admin:$PROJECT_ID"
    echo "export CINDER_SECOND_NOAUTH_TOKEN=admin:$SECOND_PROJECT_ID"
  else
    echo "export OS_AUTH_URL=$KEYSTONE_URL OS_USERNAME=admin OS_PASSWORD=$RC_ADMIN_PASSWORD"
    echo "export OS_PROJECT_NAME=admin OS_USER_DOMAIN_NAME=Default OS_PROJECT_DOMAIN_NAME=Default"
    echo "export OS_REGION_NAME=$RC_REGION OS_IDENTITY_API_VERSION=3 OS_INTERFACE=public"
    echo "export RC_DEMO_USERNAME=demo RC_DEMO_PASSWORD=$RC_SERVICE_PASSWORD RC_DEMO_PROJECT_NAME=demo RC_DEMO_PROJECT_ID=$SECOND_PROJECT_ID"
  fi
} >"$STATE/env"

READY_SECONDS=$(elapsed "$T_READY_FROM")
printf 'install_seconds=%s\nready_seconds=%s\ntotal_seconds=%s\n' \
  "$INSTALL_SECONDS" "$READY_SECONDS" "$(elapsed "$T_BEGIN")" >"$STATE/timings"
STARTED_OK=1
log "ready after ${READY_SECONDS}s (install ${INSTALL_SECONDS}s)"
summary
