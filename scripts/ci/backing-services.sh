#!/usr/bin/env bash
# Backing services for the workshop's integration tests and CI: PostgreSQL + RabbitMQ,
# run as plain local processes (no Docker, no systemd needed).
#
# Usage: scripts/ci/backing-services.sh <command>
#   start               install (apt-get, only if missing), start and provision both; idempotent.
#                       Writes $BACKING_DIR/services.env and prints it.
#   stop [--purge]      stop what `start` started (best effort); --purge also deletes $BACKING_DIR.
#   status              print whether each service answers (exit 0 only if both answer).
#   rabbitmq-stop-app   `rabbitmqctl stop_app` (simulate a broker outage; AMQP port closes).
#   rabbitmq-start-app  `rabbitmqctl start_app` and wait until the AMQP port answers again.
#   rabbitmqctl ARGS..  run rabbitmqctl against the broker that `start` set up.
#   psql ARGS..         run psql as the workshop superuser against the PostgreSQL that `start` set up.
#
# Environment (all optional):
#   BACKING_DIR=/tmp/workshop-backing   data, logs, state and services.env
#   PGPORT=5432  RABBITMQ_PORT=5672  RABBITMQ_MANAGEMENT_PORT=15672
#   RABBITMQ_MANAGEMENT=0               1 = enable rabbitmq_management (HTTP API/UI + rabbitmqadmin on
#                                       127.0.0.1:$RABBITMQ_MANAGEMENT_PORT) on our own node; applied when the
#                                       node boots. Off by default: it makes `rabbitmqctl stop_app` ~5 s slower.
#   RABBITMQ_PROMETHEUS_PORT=15692      rabbitmq_prometheus, always on for our own node (enabled online on a node
#                                       started without it): /metrics and /metrics/per-object on
#                                       127.0.0.1:$RABBITMQ_PROMETHEUS_PORT, scraped by test/integration/prometheus.int-spec.ts
#                                       as the compose `rabbitmq` job. It pulls in rabbitmq_management_agent, which
#                                       makes `rabbitmqctl stop_app` take ~5 s (0.4 s without).
#   BACKING_WAIT_SECONDS=90             bound on every "wait until it answers"
#
# Credentials are fixed: PostgreSQL superuser workshop/workshop, RabbitMQ administrator workshop/workshop.
# If something already answers on a port it is reused when the credentials work (or can be provisioned
# through the local postgres OS user / the Debian rabbitmqctl); `stop` never stops servers it did not start.
set -euo pipefail
# runuser, pg_ctl helpers and rabbitmq tools live in sbin, which a minimal PATH may lack.
export PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin"

# ---------------------------------------------------------------------------------------------- config
PGPORT="${PGPORT:-5432}"
RABBITMQ_PORT="${RABBITMQ_PORT:-5672}"
RABBITMQ_MANAGEMENT_PORT="${RABBITMQ_MANAGEMENT_PORT:-15672}"
RABBITMQ_MANAGEMENT="${RABBITMQ_MANAGEMENT:-0}"
RABBITMQ_PROMETHEUS_PORT="${RABBITMQ_PROMETHEUS_PORT:-15692}"
WAIT_SECONDS="${BACKING_WAIT_SECONDS:-90}"
BACKING_DIR="${BACKING_DIR:-/tmp/workshop-backing}"
case "$BACKING_DIR" in /*) ;; *) BACKING_DIR="$PWD/$BACKING_DIR" ;; esac
BACKING_DIR="${BACKING_DIR%/}"

HOST=127.0.0.1
CRED=workshop
PG_DIR="$BACKING_DIR/pg"
PG_DATA="$PG_DIR/data"
PG_SOCK="$PG_DIR/run"
PG_LOG="$PG_DIR/postgres.log"
RMQ_DIR="$BACKING_DIR/rabbitmq"
RMQ_HOME="$RMQ_DIR/home"
RMQ_PIDFILE="$RMQ_DIR/rabbitmq.pid"
RMQ_NODE="workshop@localhost"
STATE_DIR="$BACKING_DIR/state"
ENV_FILE="$BACKING_DIR/services.env"
RMQ_CLI_TIMEOUT=60

# Never depend on (or be blocked by) the caller's cwd: postgres/rabbitmq users may not be able to read it.
cd /

log() { printf '[backing-services] %s\n' "$*" >&2; }
die() { printf '[backing-services] ERROR: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }

# Run a command as another OS user (only when we are root; otherwise run as ourselves).
as_user() {
  local user="$1"; shift
  if [[ $EUID -eq 0 && "$user" != root ]]; then runuser -u "$user" -- "$@"; else "$@"; fi
}

# TCP connect check with bash's /dev/tcp, bounded by `timeout`.
port_open() { timeout 2 bash -c ">/dev/tcp/$1/$2" 2>/dev/null; }

# wait_until <seconds> <cmd...>
wait_until() {
  local secs="$1"; shift
  local deadline=$(( SECONDS + secs ))
  until "$@"; do
    (( SECONDS < deadline )) || return 1
    sleep 0.3
  done
}

state_set() { mkdir -p "$STATE_DIR"; printf '%s\n' "$2" >"$STATE_DIR/$1"; }
state_get() { cat "$STATE_DIR/$1" 2>/dev/null || true; }
# "own" = started by this script with this BACKING_DIR; "system"/"external" = found running and reused.
state_desc() { local s; s="$(state_get "$1")"; echo "${s:-not started by this script}"; }

# ------------------------------------------------------------------------------------------- install
pg_bindir() {
  if [[ -n "${PG_BINDIR:-}" ]]; then printf '%s\n' "$PG_BINDIR"; return; fi
  local d
  d="$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n1)"
  if [[ -n "$d" && -x "$d/initdb" ]]; then printf '%s\n' "$d"; return; fi
  d="$(command -v initdb 2>/dev/null || true)"
  [[ -n "$d" ]] && { dirname "$(readlink -f "$d")"; return; }
  return 1
}

rmq_bindir() {
  if [[ -x /usr/lib/rabbitmq/bin/rabbitmq-server ]]; then echo /usr/lib/rabbitmq/bin; return; fi
  local d; d="$(command -v rabbitmq-server 2>/dev/null || true)"
  [[ -n "$d" ]] && { dirname "$(readlink -f "$d")"; return; }
  return 1
}

ensure_installed() {
  local pkgs=()
  pg_bindir >/dev/null 2>&1 || pkgs+=(postgresql)
  rmq_bindir >/dev/null 2>&1 || pkgs+=(rabbitmq-server)
  ((${#pkgs[@]})) || return 0
  [[ $EUID -eq 0 ]] || die "missing ${pkgs[*]} and not root: install them (apt-get install -y ${pkgs[*]}) and re-run"
  command -v apt-get >/dev/null || die "missing ${pkgs[*]} and no apt-get on this machine"
  log "installing ${pkgs[*]} with apt-get (one-time)…"
  local t; t=$(now)
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null || die "apt-get update failed"
  apt-get install -y -qq --no-install-recommends -o Dpkg::Options::=--force-confold "${pkgs[@]}" >/dev/null \
    || die "apt-get install ${pkgs[*]} failed"
  log "installed ${pkgs[*]} in $(since "$t")"
}

# ------------------------------------------------------------------------------------------ postgres
PG_OS_USER=postgres
if [[ $EUID -ne 0 ]]; then PG_OS_USER="$(id -un)"; fi
PG_ADMIN_URL="postgres://$CRED:$CRED@$HOST:$PGPORT/postgres"
PG_ROLE_SQL="DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$CRED') THEN
    CREATE ROLE $CRED LOGIN SUPERUSER PASSWORD '$CRED';
  ELSE
    ALTER ROLE $CRED LOGIN SUPERUSER PASSWORD '$CRED';
  END IF;
END \$\$;"

pg_psql() { PGCONNECT_TIMEOUT=5 "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 "$@"; }
pg_answers() { "$PGBIN/pg_isready" -q -h "$HOST" -p "$PGPORT" -t 2 >/dev/null 2>&1; }
pg_creds_ok() {
  [[ "$(pg_psql "$PG_ADMIN_URL" -Atc 'select rolsuper from pg_roles where rolname = current_user' 2>/dev/null)" == t ]]
}
pg_own_running() {
  [[ -f "$PG_DATA/PG_VERSION" ]] && as_user "$PG_OS_USER" "$PGBIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1
}
pg_ctl_own() { as_user "$PG_OS_USER" "$PGBIN/pg_ctl" -D "$PG_DATA" "$@"; }
pg_ensure_role_via_socket() { # $1 = socket dir
  as_user "$PG_OS_USER" env PGCONNECT_TIMEOUT=5 "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 \
    -h "$1" -p "$PGPORT" -U "$PG_OS_USER" -d postgres -c "$PG_ROLE_SQL" >/dev/null 2>&1
}

pg_start() {
  local t; t=$(now)
  PGBIN="$(pg_bindir)" || die "PostgreSQL binaries not found (set PG_BINDIR)"
  local major; major="$("$PGBIN/postgres" -V | sed -E 's/.* ([0-9]+)(\.[0-9]+)*.*/\1/')"

  if pg_answers && ! pg_own_running; then
    if pg_creds_ok; then
      log "postgres: reusing the server already answering on $HOST:$PGPORT"
      state_set pg external; return
    fi
    # A local server we did not start (e.g. the Debian cluster). Try to provision the role over its socket.
    local dir
    for dir in /var/run/postgresql /tmp; do
      if pg_ensure_role_via_socket "$dir" && pg_creds_ok; then
        log "postgres: provisioned role '$CRED' on the existing server on $HOST:$PGPORT (socket $dir)"
        state_set pg external; return
      fi
    done
    die "something answers on $HOST:$PGPORT but does not accept $CRED/$CRED as superuser and could not be provisioned. Stop it or use another PGPORT."
  fi

  # Our own cluster.
  if [[ $EUID -eq 0 ]] && ! id "$PG_OS_USER" >/dev/null 2>&1; then die "OS user '$PG_OS_USER' missing"; fi
  mkdir -p "$PG_DIR"
  if [[ $EUID -eq 0 ]]; then chmod 755 "$BACKING_DIR"; chown "$PG_OS_USER": "$PG_DIR"; fi
  as_user "$PG_OS_USER" test -w "$PG_DIR" \
    || die "$PG_DIR is not writable by OS user $PG_OS_USER (is a parent directory private?). Set BACKING_DIR."
  if [[ -f "$PG_DATA/PG_VERSION" && "$(cat "$PG_DATA/PG_VERSION")" != "$major" ]]; then
    log "postgres: data dir is from PostgreSQL $(cat "$PG_DATA/PG_VERSION"), binaries are $major: recreating it"
    pg_ctl_own stop -m immediate >/dev/null 2>&1 || true
    rm -rf "$PG_DATA"
  fi
  if [[ ! -f "$PG_DATA/PG_VERSION" ]]; then
    rm -rf "$PG_DATA"
    as_user "$PG_OS_USER" "$PGBIN/initdb" -D "$PG_DATA" -U "$PG_OS_USER" -E UTF8 --no-locale \
      --auth-local=trust --auth-host=scram-sha-256 >"$PG_DIR/initdb.log" 2>&1 \
      || { tail -n 20 "$PG_DIR/initdb.log" >&2; die "initdb failed (log: $PG_DIR/initdb.log)"; }
    # Throwaway CI database: trade durability for speed. Connections: only 127.0.0.1 + private socket dir.
    cat >>"$PG_DATA/postgresql.conf" <<EOF

# --- workshop backing-services.sh ---
listen_addresses = '$HOST'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF
  fi
  as_user "$PG_OS_USER" mkdir -p -m 700 "$PG_SOCK"

  if pg_own_running && ! pg_answers; then
    log "postgres: own cluster running but not answering on $HOST:$PGPORT, restarting it"
    pg_ctl_own stop -m fast -w >/dev/null 2>&1 || true
  fi
  if ! pg_own_running; then
    if port_open "$HOST" "$PGPORT"; then die "port $HOST:$PGPORT is in use by something that is not PostgreSQL"; fi
    pg_ctl_own start -w -t "$WAIT_SECONDS" -l "$PG_LOG" \
      -o "-p $PGPORT -c listen_addresses=$HOST -c unix_socket_directories=$PG_SOCK" >/dev/null 2>&1 \
      || { tail -n 20 "$PG_LOG" >&2 || true; die "PostgreSQL did not start (log: $PG_LOG)"; }
  fi
  wait_until "$WAIT_SECONDS" pg_answers \
    || die "PostgreSQL did not accept connections on $HOST:$PGPORT within ${WAIT_SECONDS}s (log: $PG_LOG)"
  if ! pg_creds_ok; then
    pg_ensure_role_via_socket "$PG_SOCK" || die "could not create role $CRED (log: $PG_LOG)"
    pg_creds_ok || die "role $CRED exists but password login over TCP fails (check $PG_DATA/pg_hba.conf)"
  fi
  state_set pg own
  log "postgres: $("$PGBIN/postgres" -V | sed 's/.*(PostgreSQL) //') ready on $HOST:$PGPORT (own cluster $PG_DATA) in $(since "$t")"
}

pg_stop() {
  PGBIN="$(pg_bindir 2>/dev/null)" || return 0
  if pg_own_running; then
    pg_ctl_own stop -m fast -w -t 60 >/dev/null 2>&1 || pg_ctl_own stop -m immediate >/dev/null 2>&1 || true
    log "postgres: stopped own cluster"
  else
    log "postgres: own cluster not running$([[ "$(state_get pg)" == external ]] && echo ' (server on the port was not started by us: left alone)')"
  fi
}

# ------------------------------------------------------------------------------------------ rabbitmq
RMQ_OS_USER=root
if [[ $EUID -ne 0 ]]; then RMQ_OS_USER="$(id -un)"; elif id rabbitmq >/dev/null 2>&1; then RMQ_OS_USER=rabbitmq; fi
RMQ_URL="amqp://$CRED:$CRED@$HOST:$RABBITMQ_PORT"

# Environment for our own node and for the CLI talking to it. `env -i` keeps the caller's RABBITMQ_*
# variables (e.g. RABBITMQ_URL, RABBITMQ_PORT) and an unrelated HOME/.erlang.cookie out of the picture.
rmq_env() { # prints nothing; sets RMQ_ENV (an `env -i ...` prefix usable through runuser)
  RMQ_ENV=(env -i PATH="$RMQ_BIN:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    HOME="$RMQ_HOME" LANG=C.UTF-8 LC_ALL=C.UTF-8 ERL_EPMD_ADDRESS=127.0.0.1
    RABBITMQ_NODENAME="$RMQ_NODE"
    RABBITMQ_NODE_IP_ADDRESS="$HOST" RABBITMQ_NODE_PORT="$RABBITMQ_PORT"
    RABBITMQ_CONF_ENV_FILE="$RMQ_DIR/rabbitmq-env.conf"
    RABBITMQ_CONFIG_FILE="$RMQ_DIR/rabbitmq.conf"
    RABBITMQ_ADVANCED_CONFIG_FILE="$RMQ_DIR/advanced.config"
    RABBITMQ_ENABLED_PLUGINS_FILE="$RMQ_DIR/enabled_plugins"
    RABBITMQ_MNESIA_BASE="$RMQ_DIR/mnesia" RABBITMQ_LOG_BASE="$RMQ_DIR/log"
    RABBITMQ_PID_FILE="$RMQ_PIDFILE")
}
rmq_own_ctl() { rmq_env; as_user "$RMQ_OS_USER" "${RMQ_ENV[@]}" timeout "$RMQ_CLI_TIMEOUT" "$RMQ_BIN/rabbitmqctl" "$@"; }
# The distro's node (Debian's /usr/sbin/rabbitmqctl wrapper switches to the rabbitmq user and its cookie).
rmq_sys_ctl() { timeout "$RMQ_CLI_TIMEOUT" rabbitmqctl "$@"; }
rmq_ctl() {
  case "$(state_get rabbitmq)" in
    system) rmq_sys_ctl "$@" ;;
    external) die "the broker on $HOST:$RABBITMQ_PORT was not started by this script and cannot be controlled" ;;
    *) rmq_own_ctl "$@" ;;
  esac
}
rmq_own_pid() {
  local pid; pid="$(cat "$RMQ_PIDFILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && grep -qa beam "/proc/$pid/cmdline" 2>/dev/null \
    && { echo "$pid"; return 0; }
  return 1
}
rmq_answers() { port_open "$HOST" "$RABBITMQ_PORT"; }
rmq_closed() { ! rmq_answers; }

PYTHON="$(command -v /usr/bin/python3 python3 2>/dev/null | head -n1 || true)"
# Minimal AMQP 0-9-1 client: authenticates, opens vhost "/", optionally declares + deletes a quorum queue.
# Prints the server version. Exit 0 = ok, 2 = refused (auth/vhost), 3 = quorum declare failed, 1 = other.
AMQP_PROBE=$(cat <<'PY'
import socket, struct, sys
host, port, user, pw, quorum = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5] == "1"
s = socket.create_connection((host, port), timeout=10)
def recvn(n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c: raise EOFError("connection closed by broker")
        b += c
    return b
def frame():
    while True:
        t, ch, size = struct.unpack(">BHI", recvn(7)); p = recvn(size); recvn(1)
        if t == 1: return ch, struct.unpack(">HH", p[:4]), p[4:]
def send(ch, cls, meth, args=b""):
    p = struct.pack(">HH", cls, meth) + args
    s.sendall(struct.pack(">BHI", 1, ch, len(p)) + p + b"\xce")
ss = lambda x: bytes([len(x)]) + x.encode()
ls = lambda x: struct.pack(">I", len(x)) + x
def table(d):
    b = b"".join(ss(k) + b"S" + ls(v.encode()) for k, v in d.items()); return ls(b)
def parse_table(b):
    out, i = {}, 0
    while i < len(b):
        k = b[i+1:i+1+b[i]].decode(); i += 1 + b[i]; t = chr(b[i]); i += 1
        if t in "SF": n = struct.unpack(">I", b[i:i+4])[0]; out[k] = b[i+4:i+4+n]; i += 4 + n
        elif t == "t": out[k] = b[i]; i += 1
        else: break
    return out
s.sendall(b"AMQP\x00\x00\x09\x01")
_, m, a = frame()
if m != (10, 10): sys.exit(1)
n = struct.unpack(">I", a[2:6])[0]
props = parse_table(a[6:6+n])
version = props.get("version", b"?").decode()
send(0, 10, 11, table({"product": "backing-services.sh"}) + ss("PLAIN") + ls(b"\0" + user.encode() + b"\0" + pw.encode()) + ss("en_US"))
try:
    _, m, a = frame()
except (EOFError, ConnectionError):
    print(version); sys.exit(2)
if m != (10, 30): print(version); sys.exit(2)
chmax, fmax, _hb = struct.unpack(">HIH", a[:8])
send(0, 10, 31, struct.pack(">HIH", chmax, fmax, 0))
send(0, 10, 40, ss("/") + ss("") + b"\x00")
_, m, a = frame()
if m != (10, 41): print(version); sys.exit(2)
rc = 0
if quorum:
    q = "workshop.backing-services.quorum-check"
    send(1, 20, 10, ss(""))
    _, m, a = frame()
    send(1, 50, 10, struct.pack(">H", 0) + ss(q) + b"\x02" + table({"x-queue-type": "quorum"}))
    _, m, a = frame()
    if m == (50, 11):
        send(1, 50, 40, struct.pack(">H", 0) + ss(q) + b"\x00")
        _, m, a = frame()
    else:
        rc = 3
        sys.stderr.write("quorum queue declare failed: %r\n" % a[3:3+a[2]].decode(errors="replace"))
try:
    send(0, 10, 50, struct.pack(">H", 200) + ss("bye") + struct.pack(">HH", 0, 0)); frame()
except Exception:
    pass
print(version); sys.exit(rc)
PY
)
# amqp_probe <quorum 0|1>; sets RMQ_VERSION; returns the probe's exit code.
amqp_probe() {
  [[ -n "$PYTHON" ]] || return 9
  local out rc=0
  out="$("$PYTHON" -c "$AMQP_PROBE" "$HOST" "$RABBITMQ_PORT" "$CRED" "$CRED" "$1" 2>/dev/null)" || rc=$?
  RMQ_VERSION="${out:-?}"
  return $rc
}

rmq_write_config() {
  mkdir -p "$RMQ_DIR" "$RMQ_HOME" "$RMQ_DIR/mnesia" "$RMQ_DIR/log"
  : >"$RMQ_DIR/rabbitmq-env.conf" # isolate from /etc/rabbitmq/rabbitmq-env.conf
  cat >"$RMQ_DIR/rabbitmq.conf" <<EOF
# generated by scripts/ci/backing-services.sh
# default_* only apply when the node boots with an empty database; start re-checks the user anyway.
default_user = $CRED
default_pass = $CRED
default_user_tags.administrator = true
default_permissions.configure = .*
default_permissions.read = .*
default_permissions.write = .*
loopback_users = none
management.tcp.ip = $HOST
management.tcp.port = $RABBITMQ_MANAGEMENT_PORT
prometheus.tcp.ip = $HOST
prometheus.tcp.port = $RABBITMQ_PROMETHEUS_PORT
log.console = false
log.file.level = info
EOF
  # Keep the Erlang distribution (CLI <-> node) on loopback as well.
  printf '[{kernel, [{inet_dist_use_interface, {127,0,0,1}}]}].\n' >"$RMQ_DIR/advanced.config"
  if [[ "$RABBITMQ_MANAGEMENT" == 1 ]]; then
    echo '[rabbitmq_management,rabbitmq_prometheus].' >"$RMQ_DIR/enabled_plugins"
  else
    echo '[rabbitmq_prometheus].' >"$RMQ_DIR/enabled_plugins"
  fi
  # Erlang cookie: our node and our CLI calls share HOME=$RMQ_HOME. Reuse the distro's cookie when there
  # is one so that `rabbitmqctl -n $RMQ_NODE ...` via the Debian wrapper works too.
  if [[ ! -s "$RMQ_HOME/.erlang.cookie" ]]; then
    if [[ -r /var/lib/rabbitmq/.erlang.cookie && -s /var/lib/rabbitmq/.erlang.cookie ]]; then
      cat /var/lib/rabbitmq/.erlang.cookie >"$RMQ_HOME/.erlang.cookie"
    else
      # shellcheck disable=SC2019 # plain ASCII on purpose
      tr -dc 'A-Z' </dev/urandom | head -c 32 >"$RMQ_HOME/.erlang.cookie" || true
    fi
  fi
  chmod 400 "$RMQ_HOME/.erlang.cookie"
  if [[ $EUID -eq 0 ]]; then chmod 755 "$BACKING_DIR"; chown -R "$RMQ_OS_USER": "$RMQ_DIR"; fi
  as_user "$RMQ_OS_USER" test -w "$RMQ_DIR/mnesia" \
    || die "$RMQ_DIR is not writable by OS user $RMQ_OS_USER (is a parent directory private?). Set BACKING_DIR."
}

rmq_launch() {
  rm -f "$RMQ_PIDFILE"
  if epmd -names >/dev/null 2>&1; then state_set epmd preexisting; else state_set epmd ours; fi
  # setsid + redirects: fully detached from the caller's session and pipes (CI steps, $(...) captures).
  rmq_env
  local run=("${RMQ_ENV[@]}" setsid "$RMQ_BIN/rabbitmq-server")
  [[ $EUID -eq 0 && "$RMQ_OS_USER" != root ]] && run=(runuser -u "$RMQ_OS_USER" -- "${run[@]}")
  "${run[@]}" >>"$RMQ_DIR/log/console.log" 2>&1 </dev/null &
  local launcher=$!
  local deadline=$(( SECONDS + WAIT_SECONDS ))
  until rmq_answers; do
    if ! kill -0 "$launcher" 2>/dev/null && ! rmq_own_pid >/dev/null; then
      tail -n 30 "$RMQ_DIR/log/console.log" >&2 || true
      die "RabbitMQ exited during startup (logs: $RMQ_DIR/log)"
    fi
    (( SECONDS < deadline )) || die "RabbitMQ did not accept AMQP connections on $HOST:$RABBITMQ_PORT within ${WAIT_SECONDS}s (logs: $RMQ_DIR/log)"
    sleep 0.3
  done
}

rmq_provision_user() {
  rmq_ctl -q add_user "$CRED" "$CRED" >/dev/null 2>&1 || rmq_ctl -q change_password "$CRED" "$CRED" >/dev/null
  rmq_ctl -q set_user_tags "$CRED" administrator >/dev/null
  rmq_ctl -q set_permissions -p / "$CRED" '.*' '.*' '.*' >/dev/null
}

rmq_start() {
  local t; t=$(now)
  RMQ_BIN="$(rmq_bindir)" || die "RabbitMQ not found"
  local mode how
  if rmq_answers; then
    if rmq_own_pid >/dev/null; then
      mode=own how="already running"
    elif rmq_sys_ctl -q ping >/dev/null 2>&1 && grep -q "port: $RABBITMQ_PORT" <<<"$(rmq_sys_ctl -q status 2>/dev/null)"; then
      mode=system how="reusing the distro's node"
    else
      mode=external how="reusing the broker already answering"
    fi
  else
    rmq_write_config
    mode=own
    if rmq_own_pid >/dev/null; then
      # Node alive but app stopped (e.g. left behind by rabbitmq-stop-app): just start the app.
      how="app restarted"
      rmq_own_ctl -q start_app >/dev/null 2>&1 || true
      if ! wait_until 30 rmq_answers; then
        log "rabbitmq: node alive but app does not come back; restarting the node"
        rmq_own_stop_node
        rmq_launch; how=started
      fi
    else
      rmq_launch; how=started
    fi
  fi
  state_set rabbitmq "$mode"

  local rc=0
  amqp_probe 1 || rc=$?
  if (( rc == 2 || rc == 9 )); then
    [[ "$mode" == external ]] && die "a broker answers on $HOST:$RABBITMQ_PORT but refuses $CRED/$CRED on vhost / and is not controllable by this script. Stop it or use another RABBITMQ_PORT."
    rmq_provision_user
    rc=0; amqp_probe 1 || rc=$?
  fi
  if (( rc == 9 )); then
    # No python3: fall back to the CLI for the checks.
    RMQ_VERSION="$(rmq_ctl -q eval 'rabbit_misc:version().' 2>/dev/null | tr -d '"' || echo '?')"
    rmq_ctl -q enable_feature_flag quorum_queue >/dev/null 2>&1 || true
    grep -Eq '^quorum_queue[[:space:]]+enabled' <<<"$(rmq_ctl -q list_feature_flags name state 2>/dev/null)" \
      || die "RabbitMQ feature flag quorum_queue is not enabled"
  elif (( rc == 3 )); then
    if [[ "$mode" != external ]]; then
      rmq_ctl -q enable_feature_flag quorum_queue >/dev/null 2>&1 || true
      rc=0; amqp_probe 1 || rc=$?
    fi
    (( rc == 0 )) || die "RabbitMQ $RMQ_VERSION on $HOST:$RABBITMQ_PORT cannot declare quorum queues (needs >= 3.8 with feature flag quorum_queue)"
  elif (( rc != 0 )); then
    die "AMQP check against $RMQ_URL failed (rc=$rc, logs: $RMQ_DIR/log)"
  fi
  rmq_ensure_prometheus "$mode"
  log "rabbitmq: $RMQ_VERSION ready on $HOST:$RABBITMQ_PORT, $how ($mode node, quorum queue declare ok) in $(since "$t")"
}

# rabbitmq_prometheus on a node of ours that booted without it (started by an older version of this
# script): enable it online, on loopback (a running node does not re-read rabbitmq.conf, hence the eval).
rmq_ensure_prometheus() {
  port_open "$HOST" "$RABBITMQ_PROMETHEUS_PORT" && return 0
  if [[ "$1" != own ]]; then
    log "rabbitmq: nothing answers on $HOST:$RABBITMQ_PROMETHEUS_PORT; enable rabbitmq_prometheus on that broker for the Prometheus integration test"
    return 0
  fi
  rmq_own_ctl -q eval "application:set_env(rabbitmq_prometheus, tcp_config, [{ip, \"$HOST\"}, {port, $RABBITMQ_PROMETHEUS_PORT}], [{persistent, true}])." >/dev/null \
    || die "could not configure rabbitmq_prometheus on the running node"
  rmq_env
  as_user "$RMQ_OS_USER" "${RMQ_ENV[@]}" timeout "$RMQ_CLI_TIMEOUT" "$RMQ_BIN/rabbitmq-plugins" -q enable --online rabbitmq_prometheus >/dev/null \
    || die "rabbitmq-plugins enable rabbitmq_prometheus failed"
  wait_until 30 port_open "$HOST" "$RABBITMQ_PROMETHEUS_PORT" \
    || die "rabbitmq_prometheus does not answer on $HOST:$RABBITMQ_PROMETHEUS_PORT"
  log "rabbitmq: enabled rabbitmq_prometheus online ($HOST:$RABBITMQ_PROMETHEUS_PORT)"
}

rmq_own_stop_node() {
  local pid; pid="$(rmq_own_pid)" || return 0
  rmq_own_ctl -q stop "$RMQ_PIDFILE" >/dev/null 2>&1 || true
  local deadline=$(( SECONDS + 30 ))
  while kill -0 "$pid" 2>/dev/null && (( SECONDS < deadline )); do sleep 0.3; done
  if kill -0 "$pid" 2>/dev/null; then kill -TERM "$pid" 2>/dev/null || true; sleep 2; kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$RMQ_PIDFILE"
}

rmq_stop() {
  RMQ_BIN="$(rmq_bindir 2>/dev/null)" || return 0
  if rmq_own_pid >/dev/null; then
    rmq_own_stop_node
    log "rabbitmq: stopped own node $RMQ_NODE"
  else
    log "rabbitmq: own node not running$([[ "$(state_get rabbitmq)" =~ system|external ]] && echo ' (broker on the port was not started by us: left alone)')"
  fi
  # epmd was spawned by our node if none was running before: kill it (refused by epmd if nodes are registered).
  if [[ "$(state_get epmd)" == ours ]] && ! grep -q '^name ' <<<"$(epmd -names 2>/dev/null)"; then
    epmd -kill >/dev/null 2>&1 || true
  fi
}

rmq_stop_app() {
  RMQ_BIN="$(rmq_bindir)" || die "RabbitMQ not found"
  local t; t=$(now)
  rmq_ctl -q stop_app >/dev/null || die "rabbitmqctl stop_app failed"
  wait_until 30 rmq_closed || die "AMQP port $HOST:$RABBITMQ_PORT still open after stop_app"
  log "rabbitmq: app stopped (AMQP port closed) in $(since "$t")"
}

rmq_start_app() {
  RMQ_BIN="$(rmq_bindir)" || die "RabbitMQ not found"
  local t; t=$(now)
  rmq_ctl -q start_app >/dev/null || die "rabbitmqctl start_app failed"
  wait_until "$WAIT_SECONDS" rmq_answers \
    || die "RabbitMQ did not accept AMQP connections on $HOST:$RABBITMQ_PORT within ${WAIT_SECONDS}s after start_app"
  log "rabbitmq: app started (AMQP port answers) in $(since "$t")"
}

# ------------------------------------------------------------------------------------------ commands
write_env() {
  local tmp="$ENV_FILE.tmp.$$"
  printf 'DATABASE_ADMIN_URL=%s\nRABBITMQ_URL=%s\n' "$PG_ADMIN_URL" "$RMQ_URL" >"$tmp"
  chmod 644 "$tmp"; mv -f "$tmp" "$ENV_FILE"
  log "wrote $ENV_FILE"
  cat "$ENV_FILE"
}

cmd_start() {
  local t; t=$(now)
  mkdir -p "$BACKING_DIR"
  ensure_installed
  # PostgreSQL (initdb + start) and RabbitMQ (Erlang boot) are started in parallel; both are awaited.
  pg_start &
  local pg_job=$!
  local pg_rc=0
  rmq_start # dies on failure (not called in a `||` list, so errexit stays active inside)
  wait "$pg_job" || pg_rc=$?
  (( pg_rc == 0 )) || die "PostgreSQL failed (see above)"
  write_env
  log "all backing services ready in $(since "$t")"
}

cmd_stop() {
  local purge=0
  [[ "${1:-}" == --purge ]] && purge=1
  [[ -d "$BACKING_DIR" ]] || { log "nothing to stop ($BACKING_DIR does not exist)"; return 0; }
  pg_stop & local pg_job=$!
  rmq_stop || true
  wait "$pg_job" || true
  rm -f "$ENV_FILE"
  if (( purge )); then rm -rf "$BACKING_DIR"; log "purged $BACKING_DIR"; fi
}

cmd_status() {
  local ok=0 pgbin
  if pgbin="$(pg_bindir 2>/dev/null)" && PGBIN="$pgbin" && pg_answers; then
    if pg_creds_ok; then echo "postgres: up   $HOST:$PGPORT ($CRED login ok, $(state_desc pg))"
    else echo "postgres: up   $HOST:$PGPORT but $CRED/$CRED login fails"; ok=1; fi
  else
    echo "postgres: down $HOST:$PGPORT"; ok=1
  fi
  if rmq_answers; then
    local rc=0; amqp_probe 0 || rc=$?
    case $rc in
      0) echo "rabbitmq: up   $HOST:$RABBITMQ_PORT (RabbitMQ $RMQ_VERSION, $CRED login ok, $(state_desc rabbitmq))" ;;
      9) echo "rabbitmq: up   $HOST:$RABBITMQ_PORT (port answers; no python3 to check login)" ;;
      *) echo "rabbitmq: up   $HOST:$RABBITMQ_PORT but $CRED/$CRED login fails"; ok=1 ;;
    esac
  else
    local extra=""
    RMQ_BIN="$(rmq_bindir 2>/dev/null || true)"
    rmq_own_pid >/dev/null && extra=" (own node alive, app stopped)"
    echo "rabbitmq: down $HOST:$RABBITMQ_PORT$extra"; ok=1
  fi
  return $ok
}

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit "${1:-2}"; }

main() {
  local cmd="${1:-}"; shift || true
  case "$cmd" in
    start) cmd_start ;;
    stop) cmd_stop "$@" ;;
    status) cmd_status ;;
    rabbitmq-stop-app) rmq_stop_app ;;
    rabbitmq-start-app) rmq_start_app ;;
    rabbitmqctl) RMQ_BIN="$(rmq_bindir)" || die "RabbitMQ not found"; rmq_ctl "$@" ;;
    psql) PGBIN="$(pg_bindir)" || die "PostgreSQL not found"; exec "$PGBIN/psql" "$PG_ADMIN_URL" "$@" ;;
    -h|--help|help) usage 0 ;;
    *) usage 2 ;;
  esac
}
main "$@"
