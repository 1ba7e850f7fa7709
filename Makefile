# Quick start (as root, or as a user who may sudo): `make demo`, then `make test`.
# Both install what is missing with apt (cmake/install-dependencies.sh) and build with CMake presets.

DEMO_DATA ?= data/thyroid.csv
DEMO_ALGORITHM ?= modified_zscore
DEMO_ARGS ?= --top 10 --output build/release/demo-scores.csv
CLI_TARGET ?= anomaly_cli
CLI := build/release/tools/anomaly/anomaly
# CMake's builds run make too: keep the log free of directory lines.
MAKEFLAGS += --no-print-directory

.PHONY: help deps demo test ci
help:
	@echo "make demo   install what is missing, build the CLI, run it on $(DEMO_DATA)"
	@echo "make test   install what is missing, build everything and run the test suite"
	@echo "make ci     what CI runs: .ci/run (tests, sanitizers, clang, benchmarks, firmware)"

deps:
	cmake/install-dependencies.sh --test

demo: deps
	cmake --preset release
	cmake --build --preset release --target $(CLI_TARGET)
	$(CLI) detect --algorithm $(DEMO_ALGORITHM) $(DEMO_ARGS) $(DEMO_DATA)

test: deps
	cmake --workflow --preset release

ci:
	.ci/run
