// stl() on 10^6 points, periods 24 and 168, plain and robust, and SeasonalDetector with its
// defaults (robust STL, a window of every cycle): time per point (per_point).
#include <anomaly/core/random.hpp>
#include <anomaly/detectors/seasonal.hpp>
#include <anomaly/timeseries/stl.hpp>

#include <benchmark/benchmark.h>

#include <cmath>
#include <numbers>

namespace {

constexpr anomaly::Index points = 1'000'000;

/// Trend, two harmonics of the period, Gaussian noise and a spike every 997 points, seeded, made
/// once per period outside the timed loop.
anomaly::Vector<double> series(anomaly::Index period) {
  anomaly::Random random(20261121);
  anomaly::Vector<double> x(points);
  for (anomaly::Index i = 0; i < points; ++i) {
    const double phase =
        2 * std::numbers::pi * static_cast<double>(i % period) / static_cast<double>(period);
    x[i] = 100 + 1e-5 * static_cast<double>(i) + 10 * std::sin(phase) + 3 * std::cos(2 * phase) +
           anomaly::normal(random) + (i % 997 == 0 ? 25 : 0);
  }
  return x;
}

/// Points per second, and time per point as an inverted rate (printed as "123.4ns").
void count_points(benchmark::State& state) {
  state.SetItemsProcessed(state.iterations() * points);
  state.counters["per_point"] = benchmark::Counter(
      static_cast<double>(points),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

/// Arguments: period, robust (0 or 1).
void stl_double(benchmark::State& state) {
  const anomaly::Index period = state.range(0);
  const bool robust = state.range(1) != 0;
  const anomaly::Vector<double> x = series(period);
  for (auto _ : state) {
    const auto result = anomaly::stl(x, {.period = period, .robust = robust});
    benchmark::DoNotOptimize(result.trend.data());
  }
  count_points(state);
}

/// Argument: period. The default seasonal window is longer than each cycle-subseries; its jump
/// keeps the detector linear in the series' length.
void seasonal_detector_double(benchmark::State& state) {
  const anomaly::Index period = state.range(0);
  const anomaly::Vector<double> x = series(period);
  const anomaly::SeasonalDetector<double> detector({.period = period});
  for (auto _ : state) {
    const auto found = detector.detect(x);
    benchmark::DoNotOptimize(found.scores.data());
  }
  count_points(state);
}

}  // namespace

BENCHMARK(stl_double)
    ->ArgsProduct({{24, 168}, {0, 1}})
    ->ArgNames({"period", "robust"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(seasonal_detector_double)
    ->Arg(24)
    ->Arg(168)
    ->ArgName("period")
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
