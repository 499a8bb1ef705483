#!/usr/bin/env bash
# Debian packages the e2e suite drives besides PostgreSQL, Redis and the S3 test server:
#   chromium        the browser of test/swagger-ui.e2e-spec.ts (through playwright-core)
#   docker-compose  validates docker-compose.yml in test/deployment.e2e-spec.ts (no Docker engine needed:
#                   installed without recommends, so docker.io is not pulled in)
#   libreoffice-calc-nogui  saves the export as .xlsx in test/xlsx-libreoffice.e2e-spec.ts (soffice --headless)
# Idempotent: installs only what is missing.
#
#   scripts/ensure-test-tools.sh
set -euo pipefail

# package=binary it provides
WANTED=(chromium=/usr/bin/chromium docker-compose=/usr/bin/docker-compose libreoffice-calc-nogui=/usr/bin/soffice)

log() { printf 'ensure-test-tools: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

as_root() {
  if [[ "$(id -u)" == 0 ]]; then "$@"; else sudo "$@"; fi
}

missing=()
for entry in "${WANTED[@]}"; do
  [[ -x "${entry#*=}" ]] || missing+=("${entry%%=*}")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

export DEBIAN_FRONTEND=noninteractive
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
log "installing ${missing[*]} (apt)"
# Only refresh the package lists when apt does not know the packages yet.
if ! apt-cache show "${missing[@]}" >/dev/null 2>&1; then
  as_root apt-get update -qq >"$out" 2>&1 || { cat "$out" >&2; die "apt-get update failed"; }
fi
if ! as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >"$out" 2>&1; then
  # The lists may be stale (a version gone from the mirror): refresh once and retry.
  as_root apt-get update -qq >>"$out" 2>&1 || true
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$out" 2>&1 ||
    { cat "$out" >&2; die "apt-get install ${missing[*]} failed"; }
fi
for entry in "${WANTED[@]}"; do
  [[ -x "${entry#*=}" ]] || die "${entry#*=} still missing after installing ${entry%%=*}"
done
