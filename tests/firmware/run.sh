#!/usr/bin/env bash
# Firmware smoke test: builds tests/firmware/rolling_firmware.cpp for a Cortex-M4F with
# -fno-exceptions -fno-rtti, no heap (NO_MALLOC=1) and no exception runtime (NO_EH=1), runs it
# under QEMU with ../shared/tools/embedded/run-cortex-m, and prints its size and stack report.
# Run from the repository root. Without the runner it skips (exit 0), unless CI is set: then
# not being able to run is a failure.
set -euo pipefail
cd "$(dirname "$0")/../.."
runner="${RUN_CORTEX_M:-../shared/tools/embedded/run-cortex-m}"
eigen="${EIGEN_INCLUDE_DIR:-/usr/include/eigen3}"

missing=""
[ -x "$runner" ] || missing="$runner not found (../shared/tools/embedded is absent)"
[ -z "$missing" ] && ! command -v arm-none-eabi-g++ >/dev/null && missing="arm-none-eabi-g++ not found"
[ -z "$missing" ] && ! command -v qemu-system-arm >/dev/null && missing="qemu-system-arm not found"
[ -z "$missing" ] && [ ! -f "$eigen/Eigen/Core" ] && missing="Eigen not found in $eigen"
if [ -n "$missing" ]; then
  if [ "${CI:-}" = "true" ] || [ "${CI:-}" = "1" ]; then
    echo "firmware smoke test FAILED: cannot run: $missing" >&2
    exit 1
  fi
  echo "firmware smoke test skipped: $missing"
  exit 0
fi

status=0
NO_MALLOC=1 NO_EH=1 "$runner" tests/firmware/rolling_firmware.cpp \
  -isystem "$eigen" -I include -DNDEBUG -DEIGEN_DONT_VECTORIZE || status=$?
if [ "$status" -ne 0 ]; then
  echo "firmware smoke test FAILED (run-cortex-m exit $status)" >&2
  exit "$status"
fi
echo "firmware smoke test passed"
