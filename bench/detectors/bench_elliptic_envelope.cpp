// EllipticEnvelope (FastMCD as scikit-learn draws it, default support), float and double, on
// seeded Gaussian data with a few far outliers (bench/support/gaussian.hpp). items/s
// (SetItemsProcessed) is rows/s: training rows for fit, scored rows for score.
//
// fit() runs FastMCD in double (float data is converted first): on more than 1500 rows, c-steps
// on n / 300 subsets of about 300 rows (10 random starts each), on a merged set of 1500 rows
// (from all 10 n / 300 candidates) and on all rows (from the best 10); then the correction, the
// reweighting, and the score of every training row for the threshold and the summary. Counters:
// candidates (the merged set's starts), model_bytes (location, covariance and precision).
#include <anomaly/detectors/elliptic_envelope.hpp>

#include <benchmark/benchmark.h>

#include "gaussian.hpp"

namespace {

using anomaly::Index;
using anomaly::bench::gaussian_with_outliers;

/// EllipticEnvelope<T>::fit on rows (range 0) x features (range 1).
template <class T>
void fit(benchmark::State& state) {
  const auto X = gaussian_with_outliers<T>(state.range(0), state.range(1));
  const anomaly::EllipticEnvelope<T> detector({.seed = 3});
  for (auto _ : state) {
    auto model = detector.fit(X);
    benchmark::DoNotOptimize(model.precision.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
  const Index rows = state.range(0), features = state.range(1);
  state.counters["candidates"] = static_cast<double>(rows > 500 ? rows / 300 * 10 : 30);
  state.counters["model_bytes"] =
      static_cast<double>((features + 2 * features * features) * Index{sizeof(T)});
}

/// EllipticEnvelopeModel<T>::score of rows (range 0) x features (range 1), fitted once outside
/// the loop on the first 10^4 of them.
template <class T>
void score(benchmark::State& state) {
  const auto X = gaussian_with_outliers<T>(state.range(0), state.range(1));
  const auto model = anomaly::EllipticEnvelope<T>({.seed = 3}).fit(X.topRows(10'000));
  for (auto _ : state) {
    auto scores = model.score(X);
    benchmark::DoNotOptimize(scores.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}

void fit_sizes(benchmark::internal::Benchmark* benchmark) {
  benchmark->ArgNames({"rows", "features"})->Unit(benchmark::kMillisecond);
  benchmark->Args({500, 8})->Args({100'000, 8});
}

void score_sizes(benchmark::internal::Benchmark* benchmark) {
  benchmark->ArgNames({"rows", "features"})->Unit(benchmark::kMillisecond);
  benchmark->Args({1 << 18, 8})->Args({1 << 18, 32});
}

}  // namespace

BENCHMARK_TEMPLATE(fit, float)->Apply(fit_sizes);
BENCHMARK_TEMPLATE(fit, double)->Apply(fit_sizes);
BENCHMARK_TEMPLATE(score, float)->Apply(score_sizes);
BENCHMARK_TEMPLATE(score, double)->Apply(score_sizes);
