#!/usr/bin/env bash
# Builds wsscope and runs its benchmark (offscreen). Arguments go to the
# benchmark: --messages N, --binary N, --memory N, --smoke.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cmake --preset dev >/dev/null
cmake --build --preset dev
QT_QPA_PLATFORM=offscreen exec build/dev/tests/bench/wsscope_bench "$@"
