#!/usr/bin/env bash
# A real S3-compatible server for the test suite and CI: OpenStack Swift 2.30
# (Debian bookworm packages) with its s3api middleware, on loopback only.
#
#   scripts/s3-test-server.sh install        # apt packages, once per machine (idempotent)
#   scripts/s3-test-server.sh start [DIR]    # configs + rings + 4 daemons, waits until ready
#   scripts/s3-test-server.sh stop  [DIR]    # idempotent
#   scripts/s3-test-server.sh status [DIR]   # exit 0 when the proxy answers
#   scripts/s3-test-server.sh env            # S3_* lines for the tests (eval/export them)
#
# Ports (env): S3_TEST_PORT_BASE (default 47020) sets proxy=BASE, memcache
# (nothing listens; tempauth just needs the middleware)=BASE+1, account=BASE+2,
# container=BASE+3, object=BASE+4. Each can be overridden on its own with
# S3_TEST_PROXY_PORT, S3_TEST_MEMCACHE_PORT, S3_TEST_ACCOUNT_PORT,
# S3_TEST_CONTAINER_PORT, S3_TEST_OBJECT_PORT.
# DIR defaults to $S3_TEST_DIR, else ${TMPDIR:-/tmp}/service-import-swift
# (with -PROXYPORT appended when the proxy port is not the default), so two
# instances with different port bases do not share a directory.
# Credentials: tempauth user test:tester / testing; s3api region us-east-1.
set -euo pipefail

PORT_BASE="${S3_TEST_PORT_BASE:-47020}"
PROXY_PORT="${S3_TEST_PROXY_PORT:-$PORT_BASE}"
MEMCACHE_PORT="${S3_TEST_MEMCACHE_PORT:-$((PORT_BASE + 1))}"
ACCOUNT_PORT="${S3_TEST_ACCOUNT_PORT:-$((PORT_BASE + 2))}"
CONTAINER_PORT="${S3_TEST_CONTAINER_PORT:-$((PORT_BASE + 3))}"
OBJECT_PORT="${S3_TEST_OBJECT_PORT:-$((PORT_BASE + 4))}"
START_TIMEOUT="${S3_TEST_START_TIMEOUT:-30}"

ENDPOINT="http://127.0.0.1:${PROXY_PORT}"
REGION="us-east-1"
ACCESS_KEY="test:tester"
SECRET_KEY="testing"
SERVERS=(account container object proxy)
PACKAGES=(swift-proxy swift-account swift-container swift-object)

log() { printf 's3-test-server: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

default_dir() {
  if [[ -n "${S3_TEST_DIR:-}" ]]; then
    printf '%s\n' "$S3_TEST_DIR"
  elif [[ "$PROXY_PORT" == 47020 ]]; then
    printf '%s\n' "${TMPDIR:-/tmp}/service-import-swift"
  else
    printf '%s\n' "${TMPDIR:-/tmp}/service-import-swift-${PROXY_PORT}"
  fi
}

port_of() {
  case "$1" in
    proxy) echo "$PROXY_PORT" ;;
    account) echo "$ACCOUNT_PORT" ;;
    container) echo "$CONTAINER_PORT" ;;
    object) echo "$OBJECT_PORT" ;;
  esac
}

as_root() {
  if [[ "$(id -u)" == 0 ]]; then "$@"; else sudo "$@"; fi
}

cmd_install() {
  if [[ -x /usr/bin/swift-proxy-server && -x /usr/bin/swift-account-server &&
        -x /usr/bin/swift-container-server && -x /usr/bin/swift-object-server ]]; then
    return 0
  fi
  export DEBIAN_FRONTEND=noninteractive
  local out
  out="$(mktemp)"
  # Only refresh the package lists when apt does not know the packages yet.
  if ! apt-cache show "${PACKAGES[@]}" >/dev/null 2>&1; then
    as_root apt-get update -qq >"$out" 2>&1 || { cat "$out" >&2; rm -f "$out"; die "apt-get update failed"; }
  fi
  if ! as_root apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >"$out" 2>&1; then
    # The lists may be stale (a package version gone from the mirror): refresh once and retry.
    as_root apt-get update -qq >>"$out" 2>&1 || true
    as_root apt-get install -y -qq --no-install-recommends "${PACKAGES[@]}" >>"$out" 2>&1 ||
      { cat "$out" >&2; rm -f "$out"; die "apt-get install ${PACKAGES[*]} failed"; }
  fi
  rm -f "$out"
  [[ -x /usr/bin/swift-proxy-server ]] || die "swift-proxy-server still missing after install"
}

# The daemons read the hash prefix/suffix (and storage policies) from
# /etc/swift/swift.conf only: swift_dir moves the rings, not swift.conf
# (swift.common.utils.SWIFT_CONF_FILE is fixed; only swift-recon changes it).
# The swift package ships that file; recreate it when it is gone.
ensure_swift_conf() {
  [[ -r /etc/swift/swift.conf ]] && grep -q '^\[swift-hash\]' /etc/swift/swift.conf && return 0
  [[ -e /etc/swift/swift.conf ]] && die "/etc/swift/swift.conf exists but has no [swift-hash] section"
  log "writing /etc/swift/swift.conf (missing)"
  as_root mkdir -p /etc/swift
  as_root tee /etc/swift/swift.conf >/dev/null <<'EOF'
[swift-hash]
swift_hash_path_suffix = changeme
swift_hash_path_prefix = changeme

[storage-policy:0]
name = Policy-0
default = yes
EOF
}

write_configs() {
  local dir="$1" user server
  user="$(id -un)"
  for server in account container object; do
    cat >"$dir/$server-server.conf" <<EOF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $(port_of "$server")
workers = 0
user = $user
devices = $dir/srv
mount_check = false
swift_dir = $dir
log_name = $server-server
log_address = /dev/null

[pipeline:main]
pipeline = $server-server

[app:$server-server]
use = egg:swift#$server
EOF
  done
  cat >"$dir/proxy-server.conf" <<EOF
[DEFAULT]
bind_ip = 127.0.0.1
bind_port = $PROXY_PORT
workers = 0
user = $user
swift_dir = $dir
log_name = proxy-server
log_address = /dev/null

[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats s3api tempauth copy slo dlo proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true

[filter:catch_errors]
use = egg:swift#catch_errors

[filter:gatekeeper]
use = egg:swift#gatekeeper

[filter:healthcheck]
use = egg:swift#healthcheck

[filter:proxy-logging]
use = egg:swift#proxy_logging

# tempauth needs the cache middleware; nothing listens there and that is fine.
[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$MEMCACHE_PORT

[filter:listing_formats]
use = egg:swift#listing_formats

[filter:s3api]
use = egg:swift#s3api
location = $REGION
s3_acl = false

[filter:tempauth]
use = egg:swift#tempauth
user_test_tester = $SECRET_KEY .admin

[filter:copy]
use = egg:swift#copy

[filter:slo]
use = egg:swift#slo

[filter:dlo]
use = egg:swift#dlo
EOF
}

# Debian's python (the one Swift is installed for, not a pyenv shim); one
# process instead of nine swift-ring-builder runs (~0.7 s each).
build_rings() {
  local dir="$1"
  rm -f "$dir"/*.builder "$dir"/*.ring.gz
  rm -rf "$dir/backups"
  /usr/bin/python3 - "$dir" "$ACCOUNT_PORT" "$CONTAINER_PORT" "$OBJECT_PORT" <<'EOF'
import sys
from swift.common.ring import RingBuilder

d = sys.argv[1]
for name, port in zip(("account", "container", "object"), sys.argv[2:5]):
    b = RingBuilder(8, 1, 1)  # part power 8, 1 replica, min_part_hours 1
    b.add_dev({"region": 1, "zone": 1, "ip": "127.0.0.1", "port": int(port),
               "replication_ip": "127.0.0.1", "replication_port": int(port),
               "device": "d1", "weight": 100, "meta": ""})
    b.rebalance()
    b.save(f"{d}/{name}.builder")
    b.get_ring().save(f"{d}/{name}.ring.gz")
EOF
}

healthy() {
  [[ "$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$1/healthcheck" 2>/dev/null || true)" == 200 ]]
}

# Any HTTP answer (even 4xx) means the backend is listening.
answers() {
  local code
  code="$(curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$1/" 2>/dev/null || true)"
  [[ -n "$code" && "$code" != 000 ]]
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Signed S3 ListBuckets through s3api + tempauth + account server. The access
# key contains a colon, so credentials go through a netrc file, not --user;
# curl 7.88 does not send x-amz-content-sha256 itself and s3api requires it.
list_buckets_ok() {
  local dir="$1" code
  code="$(curl -s -o /dev/null -m 5 -w '%{http_code}' --netrc-file "$dir/netrc" \
    --aws-sigv4 "aws:amz:$REGION:s3" -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' \
    "$ENDPOINT/" 2>/dev/null || true)"
  [[ "$code" == 200 ]]
}

pid_alive() {
  local pid="$1"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null &&
    tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q 'swift-.*-server'
}

cmd_stop() {
  local dir="${1:-$(default_dir)}" server pid pids=() i
  for server in "${SERVERS[@]}"; do
    [[ -f "$dir/$server.pid" ]] || continue
    pid="$(cat "$dir/$server.pid" 2>/dev/null || true)"
    if pid_alive "$pid"; then
      kill -TERM "$pid" 2>/dev/null || true
      pids+=("$pid")
    fi
    rm -f "$dir/$server.pid"
  done
  for pid in ${pids[@]+"${pids[@]}"}; do
    for ((i = 0; i < 50; i++)); do
      pid_alive "$pid" || break
      sleep 0.1
    done
    pid_alive "$pid" && kill -KILL "$pid" 2>/dev/null || true
  done
  return 0
}

cmd_start() {
  local dir="${1:-$(default_dir)}" server port pid deadline
  if healthy "$PROXY_PORT"; then
    log "a server already answers on $ENDPOINT; not starting another"
    echo "$ENDPOINT"
    return 0
  fi
  [[ -x /usr/bin/swift-proxy-server ]] || die "Swift is not installed: run '$0 install' first"
  command -v curl >/dev/null || die "curl is required"
  mkdir -p "$dir"
  dir="$(cd "$dir" && pwd)"
  cmd_stop "$dir" # leftovers of a half-started run in this DIR
  for server in "${SERVERS[@]}"; do
    port="$(port_of "$server")"
    port_busy "$port" && die "port $port ($server) is already in use by something else"
  done
  ensure_swift_conf

  rm -rf "$dir/srv"
  mkdir -p "$dir/srv/d1"
  /usr/bin/python3 -c 'import os,sys; os.setxattr(sys.argv[1], "user.s3test", b"1")' "$dir/srv/d1" 2>/dev/null ||
    die "$dir/srv does not support user xattrs (the object server needs them); use another DIR/TMPDIR"
  write_configs "$dir"
  printf 'machine 127.0.0.1 login %s password %s\n' "$ACCESS_KEY" "$SECRET_KEY" >"$dir/netrc"
  build_rings "$dir"

  for server in "${SERVERS[@]}"; do
    # Not a process-group leader (no job control in scripts), so setsid execs
    # in place and $! is the daemon's own pid. -v logs to stderr -> the log file.
    setsid "/usr/bin/swift-$server-server" "$dir/$server-server.conf" -v \
      </dev/null >"$dir/$server.log" 2>&1 &
    echo "$!" >"$dir/$server.pid"
  done

  deadline=$((SECONDS + START_TIMEOUT))
  while :; do
    if healthy "$PROXY_PORT" && answers "$ACCOUNT_PORT" && answers "$CONTAINER_PORT" &&
       answers "$OBJECT_PORT" && list_buckets_ok "$dir"; then
      break
    fi
    for server in "${SERVERS[@]}"; do
      pid="$(cat "$dir/$server.pid")"
      if ! kill -0 "$pid" 2>/dev/null; then
        log "swift-$server-server exited; last lines of $dir/$server.log:"
        tail -n 20 "$dir/$server.log" >&2 || true
        cmd_stop "$dir"
        exit 1
      fi
    done
    if ((SECONDS >= deadline)); then
      log "not ready after ${START_TIMEOUT}s; log tails:"
      for server in "${SERVERS[@]}"; do
        echo "--- $server" >&2
        tail -n 10 "$dir/$server.log" >&2 || true
      done
      cmd_stop "$dir"
      exit 1
    fi
    sleep 0.2
  done
  log "ready (dir $dir)"
  echo "$ENDPOINT"
}

cmd_status() {
  if healthy "$PROXY_PORT"; then echo "running: $ENDPOINT"; else echo "not running"; return 1; fi
}

cmd_env() {
  cat <<EOF
S3_ENDPOINT=$ENDPOINT
S3_REGION=$REGION
S3_ACCESS_KEY_ID=$ACCESS_KEY
S3_SECRET_ACCESS_KEY=$SECRET_KEY
S3_FORCE_PATH_STYLE=true
EOF
}

usage() {
  echo "usage: $0 {install|start [DIR]|stop [DIR]|status|env}" >&2
  exit 2
}

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start "${2:-}" ;;
  stop) cmd_stop "${2:-}" ;;
  status) cmd_status ;;
  env) cmd_env ;;
  *) usage ;;
esac
