#!/usr/bin/env bash
# Runs every check and test suite (TypeScript, Python, Go), then prints one summary line CI can read: "N passed, N failed".
# Type checking and lint count as one check each; test runners contribute their own counts.
set -uo pipefail
cd "$(dirname "$0")/.."

results=$(mktemp -d)
trap 'rm -rf "$results"' EXIT
passed=0
failed=0
skipped=0

check() { # name, command...
  local name=$1
  shift
  echo "== $name"
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); echo "!! $name failed"; fi
}

# Host tools some tests need (promtool for the Prometheus checks); each script installs what is missing.
for setup in scripts/ensure-*.sh; do
  [ -f "$setup" ] && { bash "$setup" || echo "!! $setup could not install its tool"; }
done

check "type check (sources and tests)" npx tsc -p tsconfig.test.json
check "lint" npx eslint src test
check "format (prettier --check)" npx prettier --check --log-level warn "src/**/*.ts" "test/**/*.ts"

# A pytest suite run by its script with PYTEST_JUNIT; its JUnit report's counts join the summary.
pytest_suite() { # name, script
  local name=$1 script=$2 report="$results/$1.xml"
  echo "== $name"
  PYTEST_JUNIT="$report" bash "$script"
  local status=$?
  if [ -f "$report" ]; then
    read -r p_passed p_failed p_skipped < <(python3 -c '
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else list(root)
tests = sum(int(s.get("tests", 0)) for s in suites)
bad = sum(int(s.get("failures", 0)) + int(s.get("errors", 0)) for s in suites)
skip = sum(int(s.get("skipped", 0)) for s in suites)
print(tests - bad - skip, bad, skip)' "$report")
    passed=$((passed + p_passed)); failed=$((failed + p_failed)); skipped=$((skipped + p_skipped))
    [ "$status" -ne 0 ] && [ "$p_failed" -eq 0 ] && failed=$((failed + 1))
  else
    failed=$((failed + 1)); echo "!! $name tests produced no report"
  fi
}

# The Python and Go suites share nothing with vitest but the built dist/, so they run beside it
# (in the background, their output held back and printed after vitest's) instead of after it:
# on 2 cores that saves a few minutes of CI. Their counts come back through a file.
other_suites() {
  passed=0 failed=0 skipped=0
  # The gateway through the openai SDK (tests/python), then the Python binding over stdio (python/).
  [ -f scripts/test-python.sh ] && pytest_suite python scripts/test-python.sh
  [ -f scripts/test-python-binding.sh ] && pytest_suite python-binding scripts/test-python-binding.sh

  # Go programs (the benchmark's mock upstream, load generator and the bindings benchmark's closed-loop
  # driver), the Go binding (go/, with the race detector: it is used from many goroutines) and the
  # Kubernetes manifests' validation (deploy/kubernetes/validate: k8s.io/api types, kustomize builds;
  # its modules come from the Go module proxy into the module cache on first use): `go test -json`,
  # one count per test.
  for module in bench/mock-upstream bench/load-generator bench/bindings/go-driver go deploy/kubernetes/validate; do
    echo "== go test $module"
    flags=(); [ "$module" = go ] && flags=(-race)
    # The manifests' tests read files outside their module (../base, the Dockerfile's neighbours),
    # whose changes go test's result cache does not notice: always run them.
    [ "$module" = deploy/kubernetes/validate ] && flags=(-count=1)
    (cd "$module" && go test -json "${flags[@]}" ./...) > "$results/go.json" 2> "$results/go.err"
    go_status=$?
    read -r g_passed g_failed g_skipped < <(python3 -c '
import json, sys
counts = {"pass": 0, "fail": 0, "skip": 0}
for line in open(sys.argv[1]):
    try:
        event = json.loads(line)
    except ValueError:
        continue
    if event.get("Test") and "/" not in event["Test"] and event.get("Action") in counts:
        counts[event["Action"]] += 1
        if event["Action"] == "fail": print("!! go test failed:", event["Test"], file=sys.stderr)
print(counts["pass"], counts["fail"], counts["skip"])' "$results/go.json")
    # No counts (the counter itself broke) is a failure, never a silent zero.
    if [ -z "${g_failed:-}" ]; then g_passed=0 g_failed=1 g_skipped=0; echo "!! go test $module: no counts"; fi
    echo "$g_passed passed, $g_failed failed"
    passed=$((passed + g_passed)); failed=$((failed + g_failed)); skipped=$((skipped + g_skipped))
    # A build failure fails no single test: count it once.
    if [ "$go_status" -ne 0 ] && [ "$g_failed" -eq 0 ]; then
      failed=$((failed + 1)); echo "!! go test $module failed:"; cat "$results/go.err"; grep -v '^{' "$results/go.json" | head -20
    fi
  done

  echo "$passed $failed $skipped" > "$results/other-suites.counts"
}
other_suites > "$results/other-suites.log" 2>&1 &
other_pid=$!

echo "== vitest"
npx vitest run --reporter=default --reporter=json --outputFile.json="$results/vitest.json"
read -r v_passed v_failed v_skipped < <(node --input-type=module -e '
  import { readFileSync, existsSync } from "node:fs";
  const file = process.argv[1];
  if (!existsSync(file)) { console.log("0 1 0"); process.exit(0); }
  const r = JSON.parse(readFileSync(file, "utf8"));
  const failedSuites = r.testResults.filter((s) => s.status === "failed" && s.assertionResults.length === 0).length;
  console.log(`${r.numPassedTests} ${r.numFailedTests + failedSuites} ${r.numPendingTests + (r.numTodoTests ?? 0)}`);
' "$results/vitest.json")
passed=$((passed + v_passed)); failed=$((failed + v_failed)); skipped=$((skipped + v_skipped))

wait "$other_pid"
cat "$results/other-suites.log"
if [ -f "$results/other-suites.counts" ]; then
  read -r o_passed o_failed o_skipped < "$results/other-suites.counts"
  passed=$((passed + o_passed)); failed=$((failed + o_failed)); skipped=$((skipped + o_skipped))
else
  failed=$((failed + 1)); echo "!! the Python and Go suites ended without a count"
fi

echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$failed" -eq 0 ]
