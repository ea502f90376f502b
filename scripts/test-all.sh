#!/usr/bin/env bash
# Runs every test suite and prints one summary line CI can read: "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."

results_dir=$(mktemp -d)
trap 'rm -rf "$results_dir"' EXIT
status=0

npx vitest run --reporter=default --reporter=json --outputFile.json="$results_dir/vitest.json" || status=1

node --input-type=module -e '
  import { readFileSync, existsSync } from "node:fs";
  const file = process.argv[1];
  let passed = 0, failed = 0, skipped = 0;
  if (existsSync(file)) {
    const report = JSON.parse(readFileSync(file, "utf8"));
    passed = report.numPassedTests; failed = report.numFailedTests + (report.numFailedTestSuites ?? 0);
    skipped = report.numPendingTests + (report.numTodoTests ?? 0);
  } else { failed = 1; }
  console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
' "$results_dir/vitest.json"
exit $status
