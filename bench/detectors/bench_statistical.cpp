// Fit and score throughput of the per-feature statistical detectors, float and double, on seeded
// Gaussian data: rows/s is what SetItemsProcessed reports (items = rows).
#include <anomaly/core/random.hpp>
#include <anomaly/detectors/interquartile_range.hpp>
#include <anomaly/detectors/modified_z_score.hpp>
#include <anomaly/detectors/z_score.hpp>

#include <benchmark/benchmark.h>

#include "gaussian.hpp"

namespace {

using anomaly::Index;

using anomaly::bench::gaussian;

/// Times Detector::fit on rows x features (range 0 x range 1).
template <class Detector>
void fit(benchmark::State& state) {
  using T = typename Detector::Scalar;
  const auto X = gaussian<T>(state.range(0), state.range(1));
  const Detector detector;
  for (auto _ : state) {
    auto model = detector.fit(X);
    benchmark::DoNotOptimize(model.fences.low.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

/// Times Model::score of the training rows (the model is fitted once, outside the loop).
template <class Detector>
void score(benchmark::State& state) {
  using T = typename Detector::Scalar;
  const auto X = gaussian<T>(state.range(0), state.range(1));
  const auto model = Detector{}.fit(X);
  for (auto _ : state) {
    auto scores = model.score(X);
    benchmark::DoNotOptimize(scores.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

/// 10^3..10^6 rows x 8 and 32 features.
void grid(benchmark::internal::Benchmark* benchmark) {
  benchmark->ArgNames({"rows", "features"})->Unit(benchmark::kMillisecond);
  for (const std::int64_t rows : {1'000, 10'000, 100'000, 1'000'000}) {
    for (const std::int64_t features : {8, 32}) benchmark->Args({rows, features});
  }
}

}  // namespace

BENCHMARK_TEMPLATE(fit, anomaly::ZScore<float>)->Apply(grid);
BENCHMARK_TEMPLATE(fit, anomaly::ZScore<double>)->Apply(grid);
BENCHMARK_TEMPLATE(score, anomaly::ZScore<float>)->Apply(grid);
BENCHMARK_TEMPLATE(score, anomaly::ZScore<double>)->Apply(grid);
BENCHMARK_TEMPLATE(fit, anomaly::ModifiedZScore<float>)->Apply(grid);
BENCHMARK_TEMPLATE(fit, anomaly::ModifiedZScore<double>)->Apply(grid);
BENCHMARK_TEMPLATE(score, anomaly::ModifiedZScore<float>)->Apply(grid);
BENCHMARK_TEMPLATE(score, anomaly::ModifiedZScore<double>)->Apply(grid);
BENCHMARK_TEMPLATE(fit, anomaly::InterquartileRange<float>)->Apply(grid);
BENCHMARK_TEMPLATE(fit, anomaly::InterquartileRange<double>)->Apply(grid);
BENCHMARK_TEMPLATE(score, anomaly::InterquartileRange<float>)->Apply(grid);
BENCHMARK_TEMPLATE(score, anomaly::InterquartileRange<double>)->Apply(grid);
