#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite twice: once in the CI build
# (warnings are errors) and once under AddressSanitizer and
# UndefinedBehaviorSanitizer. Exits non-zero when any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
export QT_QPA_PLATFORM=offscreen

for preset in ci asan; do
    echo "== ${preset}: configure and build"
    cmake --preset "$preset" >/dev/null
    cmake --build --preset "$preset"
done

echo "== asan: tests under AddressSanitizer + UndefinedBehaviorSanitizer"
ctest --preset asan
echo "== ci: tests"
ctest --preset ci
