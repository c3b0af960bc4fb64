#!/usr/bin/env bash
# Start a real OpenStack Keystone v3 and Glance v2 on 127.0.0.1 for the
# end-to-end tests: SQLite databases, file image store, everything (configs,
# keys, logs, data) under one state dir, nothing written under /etc, no
# systemd.  Needs the packages from install.sh.
#
# Environment (all optional):
#   OS_CI_STATE=/tmp/imagecmdlets-openstack   wiped and recreated on every start
#   OS_CI_GLANCE_PORT=9292   OS_CI_KEYSTONE_PORT=5000
#   OS_CI_AUTH=keystone      or "noauth": Glance alone, no Keystone, no tokens
#   OS_CI_ADMIN_PASSWORD=admin-secret   OS_CI_DEMO_PASSWORD=demo-secret
#   OS_CI_KEYSTONE_WORKERS=2 OS_CI_DEBUG=0 (1: debug = true in both daemons)
#   OS_CI_START_TIMEOUT=120  seconds to wait for each daemon to answer
#
# On success both daemons run detached (their own session, stdin /dev/null,
# output in $STATE/*/log/) and $STATE/env.sh holds the OS_* variables to
# source.  On failure it prints the log tails, stops whatever it started and
# exits non-zero.  Stop with stop.sh [--purge].
set -euo pipefail

# Debian's python3 and the OpenStack tools by full path, with a plain PATH:
# a pyenv/venv python3 earlier on PATH cannot import Debian's modules, and
# PYTHONPATH/PYTHONHOME/user site-packages could shadow them.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
unset PYTHONPATH PYTHONHOME PYTHONSTARTUP PYTHONUSERBASE
export PYTHONNOUSERSITE=1
# keystonemiddleware (python-requests) and curl honour proxy variables; all
# traffic here is loopback and must never go through a proxy.
export no_proxy="127.0.0.1,localhost${no_proxy:+,$no_proxy}"
export NO_PROXY="$no_proxy"
PY=/usr/bin/python3

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
MODE=${OS_CI_AUTH:-keystone}
STATE=${OS_CI_STATE:-/tmp/imagecmdlets-openstack}
GPORT=${OS_CI_GLANCE_PORT:-9292}
KPORT=${OS_CI_KEYSTONE_PORT:-5000}
ADMIN_PASSWORD=${OS_CI_ADMIN_PASSWORD:-admin-secret}
DEMO_PASSWORD=${OS_CI_DEMO_PASSWORD:-demo-secret}
GLANCE_SVC_PASSWORD=glance-secret
KWORKERS=${OS_CI_KEYSTONE_WORKERS:-2}
TIMEOUT=${OS_CI_START_TIMEOUT:-120}
DEBUG=false; [ "${OS_CI_DEBUG:-0}" = 1 ] && DEBUG=true
REGION=RegionOne
MARKER=.imagecmdlets-openstack
GURL=http://127.0.0.1:$GPORT
KURL=http://127.0.0.1:$KPORT

case "$MODE" in keystone|noauth) ;; *) echo "start.sh: OS_CI_AUTH must be keystone or noauth" >&2; exit 2 ;; esac
case "$STATE" in /*) ;; *) STATE=$PWD/$STATE ;; esac   # config files need absolute paths
G=$STATE/glance
K=$STATE/keystone

T0=$(date +%s.%N)
log() { echo "[start.sh +$(awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}')s] $*"; }

# ------------------------------------------------------------ failure handling
LAUNCHED=0      # set once a daemon has been started: only then stop on failure
FAILED=0
tail_logs() {
  local f
  for f in "$@"; do
    [ -s "$f" ] || continue
    echo "----- last 40 lines of $f" >&2
    tail -n 40 "$f" >&2
  done
}
fail() {  # fail MESSAGE [LOGFILE...]
  FAILED=1
  echo "start.sh: ERROR: $1" >&2
  shift
  if [ $# -gt 0 ]; then tail_logs "$@"; fi
  exit 1
}
on_exit() {
  local rc=$?
  [ "$rc" = 0 ] && return 0
  if [ "$FAILED" = 0 ]; then      # an unexpected command failure (set -e)
    echo "start.sh: ERROR: a step failed (exit $rc); logs:" >&2
    tail_logs "$STATE"/*/log/*.log
  fi
  if [ "$LAUNCHED" = 1 ]; then
    echo "start.sh: stopping what was started (state kept in $STATE for the logs)" >&2
    # aborting anyway: no need to wait 20 s for a graceful shutdown
    OS_CI_STATE=$STATE OS_CI_STOP_TIMEOUT=${OS_CI_STOP_TIMEOUT:-5} bash "$HERE/stop.sh" >&2 || true
  fi
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT TERM

# ------------------------------------------------------------ preconditions
for b in /usr/bin/glance-api /usr/bin/glance-manage /usr/bin/keystone-manage \
         /usr/bin/keystone-wsgi-public /usr/bin/uwsgi_python3 $PY /usr/bin/curl; do
  [ -x "$b" ] || fail "$b not found; run $HERE/install.sh first"
done

# A previous instance that was not stopped: refuse rather than clobber it.
for pf in "$G/glance-api.pid" "$K/keystone.pid"; do
  if [ -f "$pf" ] && kill -0 "$(cat "$pf")" 2>/dev/null; then
    fail "already running (pid $(cat "$pf") from $pf); run $HERE/stop.sh first"
  fi
done

# Ports must be free.  Glance itself would retry bind() for 30 s and then
# die, and meanwhile our health checks would talk to the foreign listener.
port_busy() {  # prints the reason and returns 0 when 127.0.0.1:PORT cannot be bound
  $PY - "$1" <<'PYEOF'
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)   # as the servers do
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError as e:
    print(e.strerror or e)
    sys.exit(0)
sys.exit(1)
PYEOF
}
PORTS=("glance:$GPORT"); [ "$MODE" = keystone ] && PORTS+=("keystone:$KPORT")
for np in "${PORTS[@]}"; do
  if why=$(port_busy "${np#*:}"); then
    holder=""
    command -v ss >/dev/null && holder=$(ss -ltnpH "sport = :${np#*:}" 2>/dev/null | head -3 || true)
    fail "port ${np#*:} for ${np%%:*} on 127.0.0.1 is not free ($why)${holder:+:
$holder}
Stop whatever listens there, or choose another port with OS_CI_GLANCE_PORT / OS_CI_KEYSTONE_PORT."
  fi
done

# Fresh state dir.  Only ever delete a directory that start.sh made itself.
if [ -e "$STATE" ]; then
  if [ -d "$STATE" ] && { [ -e "$STATE/$MARKER" ] || [ -z "$(ls -A "$STATE")" ]; }; then
    rm -rf "$STATE"
  else
    fail "$STATE exists and was not made by start.sh (no $MARKER); refusing to delete it"
  fi
fi
mkdir -p "$STATE" "$G"/{etc,log,images,staging,tasks,lock}
echo "made by ImageCmdlets tools/openstack/start.sh; stop.sh --purge deletes this dir" > "$STATE/$MARKER"

# ------------------------------------------------------------ helpers
# launch PIDFILE LOGFILE CMD...: run CMD as the leader of a new session,
# detached from our stdin/stdout/stderr (so it never holds a CI pipe open),
# and record its pid.  The inner sh writes its own pid and then execs CMD,
# so the pidfile holds the daemon's pid even if setsid had to fork.
launch() {
  local pf=$1 lg=$2 i
  shift 2
  rm -f "$pf"
  LAUNCHED=1
  # shellcheck disable=SC2016  # $$ and $0 are for the inner sh
  setsid /bin/sh -c 'echo $$ > "$0"; exec "$@"' "$pf" "$@" < /dev/null > "$lg" 2>&1 &
  disown "$!" 2>/dev/null || true   # no "Killed" job notices from this shell
  for ((i = 0; i < 100; i++)); do [ -s "$pf" ] && return 0; sleep 0.05; done
  fail "could not start $1" "$lg"
}
alive() { [ -s "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
http_code() { curl -s -o /dev/null --max-time 5 -w '%{http_code}' "$@" || true; }
# wait_http URL PIDFILE LOGFILE...: until URL answers 200/300, the daemon
# dies, or TIMEOUT seconds pass.
wait_http() {
  local url=$1 pf=$2 deadline=$((SECONDS + TIMEOUT)) code
  shift 2
  while :; do
    code=$(http_code "$url")
    case "$code" in 200|300) return 0 ;; esac
    alive "$pf" || fail "the daemon for $url exited during startup" "$@"
    [ "$SECONDS" -lt "$deadline" ] || fail "no answer from $url after ${TIMEOUT}s (last status: $code)" "$@"
    sleep 0.2
  done
}
# SQLite's default rollback journal makes Keystone's nested sessions lock
# each other out ("database is locked" after 5 s, then an HTTP 500 with an
# empty body) on POST /v3/services and other writes.  WAL mode is stored in
# the database file, so setting it once after db_sync is enough.
wal() { $PY -c 'import sqlite3, sys; sqlite3.connect(sys.argv[1]).execute("PRAGMA journal_mode=WAL")' "$1"; }

# ------------------------------------------------------------ Glance config
cat > "$G/etc/glance-api.conf" <<EOF
[DEFAULT]
bind_host = 127.0.0.1
bind_port = $GPORT
# one process, no fork: /usr/bin/glance-api's eventlet server serves directly
workers = 0
log_file = $G/log/glance-api.log
debug = $DEBUG
enabled_backends = fs:file
show_image_direct_url = false

[database]
connection = sqlite:///$G/glance.sqlite

[glance_store]
default_backend = fs

[fs]
filesystem_store_datadir = $G/images/

[os_glance_staging_store]
filesystem_store_datadir = $G/staging/

[os_glance_tasks_store]
filesystem_store_datadir = $G/tasks/

[oslo_concurrency]
lock_path = $G/lock

[paste_deploy]
# Debian's paste file, read as shipped
config_file = /etc/glance/glance-api-paste.ini
EOF
if [ "$MODE" = keystone ]; then
  cat >> "$G/etc/glance-api.conf" <<EOF
# pipeline "glance-api-keystone": ... authtoken context rootapp
flavor = keystone

[keystone_authtoken]
www_authenticate_uri = $KURL
auth_url = $KURL
auth_type = password
project_domain_name = Default
user_domain_name = Default
project_name = service
username = glance
password = $GLANCE_SVC_PASSWORD
region_name = $REGION
# The middleware looks for the *internal* identity endpoint by default (and
# answers 500 EndpointNotFound without it).  All three exist; be explicit.
interface = public
service_token_roles_required = true
# Validated tokens are cached in-process for 300 s, so a revoked token keeps
# working in Glance that long.  -1 would disable the cache.
#token_cache_time = -1
EOF
else
  # No auth: pipeline "glance-api" with unauthenticated-context, which is
  # is_admin=True but has no roles, so the few rules that are plain
  # "role:admin" (e.g. publicize_image) must be opened explicitly.
  cat > "$G/etc/policy-noauth.yaml" <<'EOF'
"publicize_image": ""
"delete_image_location": ""
"manage_image_cache": ""
"copy_image": ""
EOF
  cat >> "$G/etc/glance-api.conf" <<EOF

[oslo_policy]
policy_file = $G/etc/policy-noauth.yaml
EOF
fi

# Glance's schema is made in the background while Keystone is set up
# (each of these tools spends ~3-4 s just importing).
( timeout 300 /usr/bin/glance-manage --config-file "$G/etc/glance-api.conf" db_sync \
    < /dev/null > "$G/log/db_sync.log" 2>&1 && wal "$G/glance.sqlite" ) &
GDB=$!

start_glance() {
  wait "$GDB" || fail "glance-manage db_sync failed" "$G/log/db_sync.log"
  log "glance database ready"
  launch "$G/glance-api.pid" "$G/log/stdout.log" \
    /usr/bin/glance-api --config-file "$G/etc/glance-api.conf"
}

write_env() {  # write_env LINE...: atomically, so a half-written file is never sourced
  printf '%s\n' "$@" > "$STATE/env.sh.tmp"
  mv "$STATE/env.sh.tmp" "$STATE/env.sh"
}
q() { printf '%q' "$1"; }

if [ "$MODE" = noauth ]; then
  start_glance
  wait_http "$GURL/healthcheck" "$G/glance-api.pid" "$G/log/glance-api.log" "$G/log/stdout.log"
  code=$(http_code "$GURL/v2/images")
  [ "$code" = 200 ] || fail "GET /v2/images answered $code, expected 200" "$G/log/glance-api.log"
  write_env "export OS_CI_AUTH=noauth" "export OS_CI_STATE=$(q "$STATE")" "export GLANCE_URL=$GURL"
  log "glance answering on $GURL (no auth); env in $STATE/env.sh"
  exit 0
fi

# ------------------------------------------------------------ Keystone
mkdir -p "$K"/{etc,log,fernet-keys,credential-keys}
chmod 700 "$K/fernet-keys" "$K/credential-keys"
# Note: no "policy_dirs =" line.  An empty value makes oslo.policy read
# keystone.conf itself as a policy file, and then /v3/services answers 500.
cat > "$K/etc/keystone.conf" <<EOF
[DEFAULT]
log_file = $K/log/keystone.log
debug = $DEBUG

[database]
connection = sqlite:///$K/keystone.sqlite

[identity]
# test server: cheap bcrypt, so a token request takes ~0.15 s instead of ~0.45 s
password_hash_rounds = 4

[token]
provider = fernet
expiration = 86400

[fernet_tokens]
key_repository = $K/fernet-keys/

[fernet_receipts]
key_repository = $K/fernet-keys/

[credential]
key_repository = $K/credential-keys/
EOF

# Fernet and credential keys, as "keystone-manage fernet_setup/credential_setup"
# would make them (file "0" = staged, "1" = primary, each base64url of 32
# random bytes, mode 0600), but without two more ~4 s keystone imports.
$PY - "$K/fernet-keys" "$K/credential-keys" <<'PYEOF'
import base64, os, sys
for d in sys.argv[1:]:
    for name in ("0", "1"):
        fd = os.open(os.path.join(d, name), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, base64.urlsafe_b64encode(os.urandom(32)))
        os.close(fd)
PYEOF

# keystone-manage prints an "Exception ignored ... eventlet ... getcurrent"
# traceback when it exits; that is harmless, only the exit code counts.
KM=(timeout 300 /usr/bin/keystone-manage --config-file "$K/etc/keystone.conf")
"${KM[@]}" db_sync < /dev/null > "$K/log/db_sync.log" 2>&1 \
  || fail "keystone-manage db_sync failed" "$K/log/db_sync.log"
wal "$K/keystone.sqlite"
"${KM[@]}" bootstrap --bootstrap-password "$ADMIN_PASSWORD" \
  --bootstrap-username admin --bootstrap-project-name admin \
  --bootstrap-role-name admin --bootstrap-service-name keystone \
  --bootstrap-region-id "$REGION" \
  --bootstrap-public-url "$KURL/v3" --bootstrap-internal-url "$KURL/v3" \
  --bootstrap-admin-url "$KURL/v3" < /dev/null > "$K/log/bootstrap.log" 2>&1 \
  || fail "keystone-manage bootstrap failed" "$K/log/bootstrap.log"
log "keystone database bootstrapped"

# Keystone under Debian's uwsgi (installed as a glance-api dependency).
#  --http ... --http-keepalive: uwsgi's HTTP router in front of the workers.
#    --http-socket closes every connection without "Connection: close" (a
#    pooled .NET HttpClient connection then fails at random), and
#    --http11-socket lets an idle keep-alive client occupy a worker (4 s stalls).
#  --processes N --threads 1: Keystone's SQLite objects must stay in the
#    thread that made them.
#  --die-on-term: SIGTERM stops uwsgi (by default it means "reload").
#  --need-app: exit instead of serving 500s if keystone cannot be loaded.
launch "$K/keystone.pid" "$K/log/stdout.log" \
  /usr/bin/uwsgi_python3 --plugin http --http "127.0.0.1:$KPORT" --http-keepalive \
  --wsgi-file /usr/bin/keystone-wsgi-public \
  --env "OS_KEYSTONE_CONFIG_FILES=$K/etc/keystone.conf" \
  --master --processes "$KWORKERS" --threads 1 --die-on-term --need-app \
  --buffer-size 65535 --logto "$K/log/uwsgi.log"
# Glance does not need Keystone until the first authenticated request.
start_glance
wait_http "$KURL/v3" "$K/keystone.pid" "$K/log/uwsgi.log" "$K/log/keystone.log" "$K/log/stdout.log"
log "keystone answering on $KURL/v3"

# ------------------------------------------------------------ catalog + users
# Over the REST API (one python process, proper JSON, no proxy, timeouts).
# Prints the admin token for the self-check below.
ATOKEN=$(KURL=$KURL GURL=$GURL REGION=$REGION ADMIN_PASSWORD=$ADMIN_PASSWORD \
  DEMO_PASSWORD=$DEMO_PASSWORD GLANCE_SVC_PASSWORD=$GLANCE_SVC_PASSWORD \
  $PY - <<'PYEOF'
import json, os, sys, urllib.error, urllib.request

E = os.environ
BASE = E["KURL"] + "/v3"
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

def call(method, path, body=None, token=None):
    req = urllib.request.Request(BASE + path, method=method,
                                 data=None if body is None else json.dumps(body).encode())
    req.add_header("Content-Type", "application/json")
    req.add_header("Accept", "application/json")
    if token:
        req.add_header("X-Auth-Token", token)
    try:
        with opener.open(req, timeout=60) as r:
            raw = r.read()
            return r.headers, (json.loads(raw) if raw else None)
    except urllib.error.HTTPError as e:
        sys.exit("%s %s -> HTTP %s: %s" % (method, path, e.code, e.read()[:500].decode("utf-8", "replace")))
    except OSError as e:
        sys.exit("%s %s -> %s" % (method, path, e))

def token(user, password, project):
    h, _ = call("POST", "/auth/tokens", {"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": user, "domain": {"id": "default"}, "password": password}}},
        "scope": {"project": {"name": project, "domain": {"id": "default"}}}}})
    return h["X-Subject-Token"]

t = token("admin", E["ADMIN_PASSWORD"], "admin")
sid = call("POST", "/services", {"service": {"type": "image", "name": "glance",
           "description": "OpenStack Image service", "enabled": True}}, t)[1]["service"]["id"]
for iface in ("public", "internal", "admin"):
    call("POST", "/endpoints", {"endpoint": {"service_id": sid, "interface": iface,
         "region_id": E["REGION"], "url": E["GURL"], "enabled": True}}, t)
roles = {r["name"]: r["id"] for r in call("GET", "/roles", token=t)[1]["roles"]}

def user_in_project(name, password, project, role):
    pid = call("POST", "/projects", {"project": {"name": project, "domain_id": "default"}}, t)[1]["project"]["id"]
    uid = call("POST", "/users", {"user": {"name": name, "domain_id": "default", "password": password,
               "default_project_id": pid}}, t)[1]["user"]["id"]
    call("PUT", "/projects/%s/users/%s/roles/%s" % (pid, uid, roles[role]), token=t)

user_in_project("glance", E["GLANCE_SVC_PASSWORD"], "service", "admin")  # keystonemiddleware's service user
user_in_project("demo", E["DEMO_PASSWORD"], "demo", "member")            # a non-admin for the tests
token("demo", E["DEMO_PASSWORD"], "demo")                                # proves the demo login works
print(t)
PYEOF
) || fail "creating the catalog and users in Keystone failed" "$K/log/keystone.log" "$K/log/uwsgi.log"
log "catalog: image -> $GURL (public/internal/admin); users admin (admin@admin), demo (member@demo), glance (admin@service)"

wait_http "$GURL/healthcheck" "$G/glance-api.pid" "$G/log/glance-api.log" "$G/log/stdout.log"
log "glance answering on $GURL"

# ------------------------------------------------------------ self-check
code=$(http_code "$GURL/v2/images")
[ "$code" = 401 ] || fail "GET /v2/images without a token answered $code, expected 401" "$G/log/glance-api.log"
code=$(http_code -H "X-Auth-Token: $ATOKEN" "$GURL/v2/images")
[ "$code" = 200 ] || fail "GET /v2/images with an admin token answered $code, expected 200" \
  "$G/log/glance-api.log" "$K/log/keystone.log"

write_env \
  "export OS_CI_AUTH=keystone" \
  "export OS_CI_STATE=$(q "$STATE")" \
  "export GLANCE_URL=$GURL" \
  "export OS_AUTH_URL=$KURL/v3" \
  "export OS_IDENTITY_API_VERSION=3" \
  "export OS_REGION_NAME=$REGION" \
  "export OS_USERNAME=admin" \
  "export OS_PASSWORD=$(q "$ADMIN_PASSWORD")" \
  "export OS_PROJECT_NAME=admin" \
  "export OS_USER_DOMAIN_ID=default" \
  "export OS_PROJECT_DOMAIN_ID=default" \
  "export OS_CI_DEMO_USERNAME=demo" \
  "export OS_CI_DEMO_PASSWORD=$(q "$DEMO_PASSWORD")" \
  "export OS_CI_DEMO_PROJECT_NAME=demo"
log "ready (401 without a token, 200 with one); env in $STATE/env.sh"
