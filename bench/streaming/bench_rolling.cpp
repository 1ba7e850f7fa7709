// Streaming detectors, one sample at a time and by blocks (rolling ones: window 1024): samples per
// second.
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

/// Two far clusters, alternating: in an odd window the median changes side on every sample, the
/// worst case of the rolling MAD's search (its nearest run moves by half the window each time).
template <class T>
const std::vector<T>& alternating() {
  static const std::vector<T> x = [] {
    anomaly::Random random(43);
    std::vector<T> values(samples);
    for (std::size_t t = 0; t < values.size(); ++t) {
      values[t] = static_cast<T>((t % 2 == 0 ? -100.0 : 100.0) + anomaly::normal(random));
    }
    return values;
  }();
  return x;
}

/// One sample at a time over `data`, with the Params field `size` (the window by default) set to
/// state.range(0): O(log window) per sample shows as a slow decline.
template <class Detector, const std::vector<typename Detector::Scalar>& (*data)(),
          anomaly::Index Detector::Params::*size = &Detector::Params::window>
void per_sample_window(benchmark::State& state) {
  using T = typename Detector::Scalar;
  const auto& x = data();
  typename Detector::Params params;
  params.*size = state.range(0);
  Detector detector(params);
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

// StreamingSeasonal at periods 24 and 288 (issue 5: >= 10 M samples/s at period 24).
BENCHMARK(per_sample_window<anomaly::StreamingSeasonal<float>, series<float>,
                            &anomaly::StreamingSeasonalParams::period>)
    ->Name("StreamingSeasonal<float>/update")
    ->Arg(24)
    ->Arg(288);
BENCHMARK(per_sample_window<anomaly::StreamingSeasonal<double>, series<double>,
                            &anomaly::StreamingSeasonalParams::period>)
    ->Name("StreamingSeasonal<double>/update")
    ->Arg(24)
    ->Arg(288);
BENCHMARK(per_sample_window<anomaly::StreamingSeasonal<float, 288>, series<float>,
                            &anomaly::StreamingSeasonalParams::period>)
    ->Name("StreamingSeasonal<float,288>/update")
    ->Arg(24);
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
BENCHMARK(per_sample_window<anomaly::RollingMedianAbsoluteDeviation<double>, series<double>>)
    ->Name("RollingMedianAbsoluteDeviation<double>/window")
    ->RangeMultiplier(8)
    ->Range(128, 1 << 16);
BENCHMARK(per_sample_window<anomaly::RollingMedianAbsoluteDeviation<double>, alternating<double>>)
    ->Name("RollingMedianAbsoluteDeviation<double>/alternating")
    ->Arg(129)
    ->Arg(1025)
    ->Arg(8193)
    ->Arg(65537);
BENCHMARK(per_sample_window<anomaly::RollingInterquartileRange<double>, series<double>>)
    ->Name("RollingInterquartileRange<double>/window")
    ->RangeMultiplier(8)
    ->Range(128, 1 << 16);
