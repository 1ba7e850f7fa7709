// RollingZScore over 10^9 updates: its running sums must not drift. Values near 1e6 with unit
// noise and level jumps of +-1000 every 10^7 samples; at the end the detector's mean and standard
// deviation are compared with a two-pass recomputation (long double) over the same last window.
#include <anomaly/core/random.hpp>
#include <anomaly/streaming/rolling_z_score.hpp>

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <vector>

namespace {

template <class T>
void billion_updates(benchmark::State& state) {
  constexpr anomaly::Index window = 1024;
  const auto updates = static_cast<std::int64_t>(state.range(0));
  for (auto _ : state) {
    anomaly::RollingZScore<T> detector({.window = window});
    anomaly::Random random(7);
    std::vector<T> last(window);
    double level = 1e6;
    for (std::int64_t t = 0; t < updates; ++t) {
      if (t % 10'000'000 == 0) level += (random() & 1u) ? 1000.0 : -1000.0;
      const double noise = static_cast<double>(random() >> 11) * 0x1.0p-53 * 3.4641 - 1.7321;
      const auto x = static_cast<T>(level + noise);  // uniform noise with unit variance
      last[static_cast<std::size_t>(t % window)] = x;
      benchmark::DoNotOptimize(detector.update(x));
    }
    long double sum = 0, squares = 0;
    for (const T v : last) sum += static_cast<long double>(v);
    const long double mean = sum / window;
    for (const T v : last) squares += (static_cast<long double>(v) - mean) * (v - mean);
    const long double stddev = std::sqrt(squares / window);
    state.counters["mean_relative_error"] =
        static_cast<double>(std::fabs((detector.mean() - mean) / mean));
    state.counters["stddev_relative_error"] =
        static_cast<double>(std::fabs((detector.stddev() - stddev) / stddev));
  }
  state.SetItemsProcessed(state.iterations() * updates);
}

}  // namespace

BENCHMARK(billion_updates<float>)->Arg(1'000'000'000)->Iterations(1)->Unit(benchmark::kSecond);
BENCHMARK(billion_updates<double>)->Arg(1'000'000'000)->Iterations(1)->Unit(benchmark::kSecond);
