// Rolling detectors, one sample at a time and by blocks, window 1024: samples per second.
#include <anomaly/core/random.hpp>
#include <anomaly/streaming.hpp>

#include <benchmark/benchmark.h>

#include <vector>

namespace {

constexpr anomaly::Index window = 1024;
constexpr std::size_t samples = 1 << 20;

/// Seeded Gaussian noise with rare spikes, made once outside the timed loops.
template <class T>
const std::vector<T>& series() {
  static const std::vector<T> x = [] {
    anomaly::Random random(42);
    std::vector<T> values(samples);
    for (auto& v : values) {
      v = static_cast<T>(anomaly::normal(random) +
                         (anomaly::uniform_index(random, 1000) == 0 ? 20 : 0));
    }
    return values;
  }();
  return x;
}

template <class Detector>
void per_sample(benchmark::State& state) {
  using T = typename Detector::Scalar;
  const auto& x = series<T>();
  Detector detector({.window = window});
  for (auto _ : state) {
    T total = 0;
    for (const T v : x) total += detector.update(v);
    benchmark::DoNotOptimize(total);
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(x.size()));
}

template <class Detector>
void per_block(benchmark::State& state) {
  using T = typename Detector::Scalar;
  const auto& x = series<T>();
  std::vector<T> out(x.size());
  Detector detector({.window = window});
  for (auto _ : state) {
    detector.update(x, out);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<std::int64_t>(x.size()));
}

}  // namespace

BENCHMARK(per_sample<anomaly::RollingZScore<float>>)->Name("RollingZScore<float>/update");
BENCHMARK(per_block<anomaly::RollingZScore<float>>)->Name("RollingZScore<float>/block");
BENCHMARK(per_sample<anomaly::RollingZScore<double>>)->Name("RollingZScore<double>/update");
BENCHMARK(per_sample<anomaly::RollingZScore<float, 1024>>)
    ->Name("RollingZScore<float,1024>/update");
BENCHMARK(per_sample<anomaly::RollingMedianAbsoluteDeviation<float>>)
    ->Name("RollingMedianAbsoluteDeviation<float>/update");
BENCHMARK(per_sample<anomaly::RollingMedianAbsoluteDeviation<double>>)
    ->Name("RollingMedianAbsoluteDeviation<double>/update");
BENCHMARK(per_sample<anomaly::RollingInterquartileRange<float>>)
    ->Name("RollingInterquartileRange<float>/update");
BENCHMARK(per_sample<anomaly::RollingInterquartileRange<double>>)
    ->Name("RollingInterquartileRange<double>/update");
