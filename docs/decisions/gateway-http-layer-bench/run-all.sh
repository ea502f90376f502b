#!/usr/bin/env bash
# Runs every variant REPEATS times, interleaved, and summarises. Needs `npm install` here and a
# built dist/ (npx tsc -b at the repository root) for the `liter` variant.
set -euo pipefail
cd "$(dirname "$0")"
repeats=${REPEATS:-5}
out=${OUT:-results.jsonl}
: > "$out"
for _ in $(seq 1 "$repeats"); do
  for variant in node-http-static hono-static node-http hono liter; do taskset -c 0 node drive.mjs "$variant" 20000 16 >> "$out"; done
  KEYS=1 taskset -c 0 node drive.mjs liter 20000 16 >> "$out"
  for variant in node-http-sse hono-sse; do taskset -c 0 node drive.mjs "$variant" 6000 16 >> "$out"; done
  for variant in node-http-sse-pass liter; do STREAM=1 taskset -c 0 node drive.mjs "$variant" 4000 16 >> "$out"; done
done
node summarize.mjs "$out"
