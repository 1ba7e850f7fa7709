#!/usr/bin/env bash
# Installs with apt-get whatever of anomaly's dependencies is missing (Debian 12 bookworm).
# Usage: cmake/install-dependencies.sh [--test] [--clang] [--bench] [--compare] [--firmware] [--all]
#   (no flag)   build: cmake, g++, make, Eigen, CLI11, nlohmann/json
#   --test      + Catch2 and pkg-config (the test suite)
#   --clang     + clang++ (the clang preset)
#   --bench     + Google Benchmark and nanoflann (the bench preset; nanoflann only as a peer)
#   --compare   + numpy, pandas, scikit-learn, statsmodels and OpenBLAS (bench/compare)
#   --firmware  + the Arm bare-metal toolchain and QEMU (tests/firmware)
# Runs as root, or through sudo otherwise; runs `apt-get update` once, only when something is missing.
set -euo pipefail

packages=(cmake g++ make libeigen3-dev libcli11-dev nlohmann-json3-dev)
test_packages=(catch2 pkg-config)
clang_packages=(clang libclang-rt-14-dev)  # the runtime holds libFuzzer and the sanitizers
bench_packages=(libbenchmark-dev libnanoflann-dev)
compare_packages=(python3-numpy python3-pandas python3-sklearn python3-statsmodels libopenblas0-pthread)
firmware_packages=(gcc-arm-none-eabi libstdc++-arm-none-eabi-newlib qemu-system-arm)

for flag in "$@"; do
  case "$flag" in
    --test) packages+=("${test_packages[@]}") ;;
    --clang) packages+=("${clang_packages[@]}") ;;
    --bench) packages+=("${bench_packages[@]}") ;;
    --compare) packages+=("${compare_packages[@]}") ;;
    --firmware) packages+=("${firmware_packages[@]}") ;;
    --all) packages+=("${test_packages[@]}" "${clang_packages[@]}" "${bench_packages[@]}"
                      "${compare_packages[@]}" "${firmware_packages[@]}") ;;
    -h|--help) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install-dependencies: unknown option $flag (try --help)" >&2; exit 2 ;;
  esac
done

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$package" 2>/dev/null || true)
  [ "$status" = installed ] || missing+=("$package")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-dependencies: all ${#packages[@]} packages are installed"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=(env)
elif command -v sudo >/dev/null; then
  as_root=(sudo env)
else
  echo "install-dependencies: need root or sudo to install: ${missing[*]}" >&2
  exit 1
fi
echo "install-dependencies: installing ${missing[*]}"
"${as_root[@]}" DEBIAN_FRONTEND=noninteractive apt-get update -q
"${as_root[@]}" DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
