#!/bin/sh
# Builds the anomaly CLI (Release) and prints the anomaly vs numpy/pandas/scikit-learn tables.
#   bench/compare/run.sh [--build-dir DIR] [compare.py options, e.g. --quick --repeat 1]
# Uses Debian's /usr/bin/python3 (python3-numpy, python3-pandas; python3-sklearn for the
# IsolationForest part); compare.py says SKIPPED without them.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build="$root/build-compare"
if [ "${1:-}" = "--build-dir" ]; then build=$2; shift 2; fi

if [ -z "${ANOMALY_CLI:-}" ]; then
  if [ ! -f "$build/CMakeCache.txt" ]; then
    cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DANOMALY_BUILD_TESTS=OFF \
      -DANOMALY_BUILD_EXAMPLES=OFF -DANOMALY_BUILD_TOOLS=ON >/dev/null
  fi
  cmake --build "$build" -j2 --target anomaly_cli
  ANOMALY_CLI="$build/tools/anomaly/anomaly"
fi
# One thread everywhere; OpenBLAS misdetects AVX-512 CPUs unless told (compare.py sets the same).
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1 NUMEXPR_NUM_THREADS=1
if grep -qw avx512f /proc/cpuinfo 2>/dev/null; then export OPENBLAS_CORETYPE="${OPENBLAS_CORETYPE:-SkylakeX}"; fi
exec /usr/bin/python3 "$here/compare.py" --cli "$ANOMALY_CLI" "$@"
