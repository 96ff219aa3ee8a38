#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite twice: first under
# AddressSanitizer and UndefinedBehaviorSanitizer, then in the CI build
# (warnings are errors); in between, what reads outside input (the HTTP head
# parser, the frame decoder, the session-file reader, the Message tab's JSON
# tokenizer and the URL check) is fuzzed with libFuzzer for 30 s each. Exits
# non-zero when any test fails.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
export QT_QPA_PLATFORM=offscreen

for preset in ci asan fuzz; do
    echo "== ${preset}: configure and build"
    cmake --preset "$preset" >/dev/null
    cmake --build --preset "$preset"
done

# Both suites always run; the script fails if either failed. The plain build
# runs last so that the output ends with its summary.
status=0
echo "== asan: tests under AddressSanitizer + UndefinedBehaviorSanitizer"
ctest --preset asan || status=1
echo "== fuzz: libFuzzer on the HTTP head parser, frame decoder, session-file reader, JSON tokenizer and URL check"
ctest --preset fuzz || status=1
echo "== ci: tests"
ctest --preset ci || status=1
exit "$status"
