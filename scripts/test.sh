#!/usr/bin/env bash
# The whole test suite, as `npm test` and CI run it: type checks, the build, unit tests beside
# the code, browser tests through web mode. Ends with one line: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
mkdir -p .artifacts
passed=0
failed=0
status=0

stage() { # name, command...: a stage that is not a test runner counts as one test
  local name=$1; shift
  echo "== $name"
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); status=1; echo "!! $name failed"; fi
}

suite() { # name, vitest config, report file
  local name=$1 config=$2 report=.artifacts/$3
  echo "== $name"
  rm -f "$report"
  npx vitest run --config "$config" --reporter=default --reporter=json --outputFile.json="$report" || status=1
  if [ -f "$report" ]; then
    read -r p f < <(node -e 'const r=require(process.argv[1]);console.log(r.numPassedTests, r.numFailedTests + (r.numRuntimeErrorTestSuites ?? 0) + r.testResults.filter(t=>t.status==="failed"&&t.assertionResults.length===0).length)' "$(pwd)/$report")
    passed=$((passed + p)); failed=$((failed + f))
  else
    failed=$((failed + 1))
  fi
}

stage "test dependencies" bash scripts/ensure-test-deps.sh
stage "fused kernels rebuild identically" node scripts/build-kernels.mjs --check
stage "type check" npm run --silent typecheck
stage "build (electron-vite)" npx electron-vite build
suite "unit tests" vitest.config.ts unit.json
suite "browser tests" e2e/vitest.config.ts e2e.json

echo "$passed passed, $failed failed"
exit $status
