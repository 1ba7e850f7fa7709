// IsolationForest (100 trees, max_samples 256), float and double, on seeded Gaussian data with a
// few far outliers. items/s (SetItemsProcessed) is rows/s: training rows for fit and fit_score,
// scored rows for score. Counters: bytes_per_node = sizeof(IsolationForestModel<T>::Node), nodes
// (all trees), model_KiB (nodes, normal vectors and tree tables).
//
// fit() grows the trees, then scores min(rows, IsolationForest<T>::summary_rows = 2048) training
// rows (a stratified sample beyond that) for the threshold and the training-score summary;
// fit_score() (outlier mode; the CLI's `train` and `detect` without --train) scores every row.
// fit_breakdown times, in one iteration, fit() and then what the public API can redo of it:
// model.score of as many rows as fit scores and ScoreSummary::of of those scores. What is left,
// grow_ms = fit_ms - rescore_ms - summary_ms, estimates sampling and growing the trees, plus the
// O(rows x features) check that X is finite and, on more than 2048 rows, gathering the sample.
#include <anomaly/core/random.hpp>
#include <anomaly/core/score_summary.hpp>
#include <anomaly/detectors/isolation_forest.hpp>

#include <benchmark/benchmark.h>

#include "gaussian.hpp"

#include <algorithm>
#include <chrono>
#include <cstdint>

namespace {

using anomaly::Index;

using anomaly::bench::gaussian_with_outliers;

anomaly::IsolationForestParams forest(int extension_level = 0) {
  anomaly::IsolationForestParams params;
  params.n_trees = 100;
  params.max_samples = 256;
  params.extension_level = extension_level;
  params.seed = 3;
  return params;
}

/// bytes_per_node, nodes and model_KiB of `model`.
template <class T>
void model_counters(benchmark::State& state, const anomaly::IsolationForestModel<T>& model) {
  using Model = anomaly::IsolationForestModel<T>;
  const std::size_t bytes = model.nodes.size() * sizeof(typename Model::Node) +
                            model.normals.size() * sizeof(T) +
                            model.tree_start.size() * (sizeof(std::uint32_t) + 1);
  state.counters["bytes_per_node"] = static_cast<double>(sizeof(typename Model::Node));
  state.counters["nodes"] = static_cast<double>(model.nodes.size());
  state.counters["model_KiB"] = static_cast<double>(bytes) / 1024.0;
}

/// IsolationForest<T>::fit on rows (range 0) x features (range 1): grows the trees, then scores
/// and summarizes min(rows, 2048) training rows. Items are training rows, though beyond 2048 most
/// are only checked for finiteness.
template <class T>
void fit(benchmark::State& state) {
  const auto X = gaussian_with_outliers<T>(state.range(0), state.range(1));
  const anomaly::IsolationForest<T> detector(forest());
  for (auto _ : state) {
    auto model = detector.fit(X);
    benchmark::DoNotOptimize(model.nodes.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  model_counters(state, detector.fit(X));
}

/// IsolationForest<T>::fit_score (outlier mode): fit, and the score of every training row.
template <class T>
void fit_score(benchmark::State& state) {
  const auto X = gaussian_with_outliers<T>(state.range(0), state.range(1));
  const anomaly::IsolationForest<T> detector(forest());
  for (auto _ : state) {
    auto fitted = detector.fit_score(X);
    benchmark::DoNotOptimize(fitted.scores.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

/// fit() and then the parts of it the public API can redo: scoring as many rows as it scores and
/// summarizing their scores. The wall time is all three; the counters are per-iteration
/// milliseconds.
template <class T>
void fit_breakdown(benchmark::State& state) {
  using Clock = std::chrono::steady_clock;
  const auto X = gaussian_with_outliers<T>(state.range(0), state.range(1));
  const anomaly::IsolationForest<T> detector(forest());
  const anomaly::Matrix<T> scored =
      X.topRows(std::min(X.rows(), anomaly::IsolationForest<T>::summary_rows));
  double fit_seconds = 0, rescore_seconds = 0, summary_seconds = 0;
  for (auto _ : state) {
    const auto start = Clock::now();
    auto model = detector.fit(X);
    benchmark::DoNotOptimize(model.nodes.data());
    benchmark::ClobberMemory();
    const auto fitted = Clock::now();
    auto scores = model.score(scored);
    benchmark::DoNotOptimize(scores.data());
    benchmark::ClobberMemory();
    const auto rescored = Clock::now();
    auto summary = anomaly::ScoreSummary<T>::of(scores);
    benchmark::DoNotOptimize(summary.knots.data());
    benchmark::ClobberMemory();
    const auto summarized = Clock::now();
    fit_seconds += std::chrono::duration<double>(fitted - start).count();
    rescore_seconds += std::chrono::duration<double>(rescored - fitted).count();
    summary_seconds += std::chrono::duration<double>(summarized - rescored).count();
  }
  const auto per_iteration = [&](double seconds) {
    return benchmark::Counter(1e3 * seconds, benchmark::Counter::kAvgIterations);
  };
  state.counters["fit_ms"] = per_iteration(fit_seconds);
  state.counters["rescore_ms"] = per_iteration(rescore_seconds);
  state.counters["summary_ms"] = per_iteration(summary_seconds);
  state.counters["grow_ms"] = per_iteration(fit_seconds - rescore_seconds - summary_seconds);
}

/// IsolationForestModel<T>::score of rows (range 0) x features (range 1) by a forest with
/// extension_level range 2, fitted once on those rows outside the loop.
template <class T>
void score(benchmark::State& state) {
  const auto X = gaussian_with_outliers<T>(state.range(0), state.range(1));
  const auto model = anomaly::IsolationForest<T>(forest(static_cast<int>(state.range(2)))).fit(X);
  for (auto _ : state) {
    auto scores = model.score(X);
    benchmark::DoNotOptimize(scores.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  model_counters(state, model);
}

void fit_sizes(benchmark::internal::Benchmark* benchmark) {
  benchmark->ArgNames({"rows", "features"})->Unit(benchmark::kMillisecond);
  benchmark->Args({256, 8})->Args({500'000, 8});
}

void score_sizes(benchmark::internal::Benchmark* benchmark) {
  benchmark->ArgNames({"rows", "features", "extension_level"})->Unit(benchmark::kMillisecond);
  benchmark->Args({1 << 18, 8, 0})->Args({1 << 18, 32, 0});
}

void extended_sizes(benchmark::internal::Benchmark* benchmark) {
  benchmark->ArgNames({"rows", "features", "extension_level"})->Unit(benchmark::kMillisecond);
  benchmark->Args({1 << 18, 8, 1})->Args({1 << 18, 8, 7});
}

}  // namespace

BENCHMARK_TEMPLATE(fit, float)->Apply(fit_sizes);
BENCHMARK_TEMPLATE(fit, double)->Apply(fit_sizes);
BENCHMARK_TEMPLATE(fit_score, float)->Apply(fit_sizes);
BENCHMARK_TEMPLATE(fit_score, double)->Apply(fit_sizes);
BENCHMARK_TEMPLATE(fit_breakdown, float)->Apply(fit_sizes);
BENCHMARK_TEMPLATE(fit_breakdown, double)->Apply(fit_sizes);
BENCHMARK_TEMPLATE(score, float)->Apply(score_sizes);
BENCHMARK_TEMPLATE(score, double)->Apply(score_sizes);
BENCHMARK_TEMPLATE(score, float)->Apply(extended_sizes);
BENCHMARK_TEMPLATE(score, double)->Apply(extended_sizes);
