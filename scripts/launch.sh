#!/usr/bin/env bash
# Sets up, builds and launches wsscope. Arguments are passed to wsscope,
# e.g. scripts/launch.sh ws://127.0.0.1:8080/ --connect
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup.sh
cmake --preset dev >/dev/null
cmake --build --preset dev
exec build/dev/wsscope "$@"
