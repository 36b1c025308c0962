#!/usr/bin/env bash
# Builds and runs every test: unit tests beside the modules (src/**/*.test.ts)
# and the interop tests that drive real clients (test/**/*.test.ts).
set -euo pipefail
cd "$(dirname "$0")/.."
rm -rf dist
npm run build --silent
mapfile -t files < <(find dist/src dist/test -name '*.test.js' | sort)
exec node --test --test-concurrency=2 "${files[@]}"
