// The rolling detectors over 10^9 updates of values near 1e6 with unit noise and level jumps of
// +-1000 every 10^7 samples. RollingZScore's running sums must not drift: at the end its mean and
// standard deviation are compared with a two-pass recomputation (long double) over the same last
// window. The order-statistic detectors must still be exact.
#include <anomaly/core/random.hpp>
#include <anomaly/streaming/rolling_interquartile_range.hpp>
#include <anomaly/streaming/rolling_median_absolute_deviation.hpp>
#include <anomaly/streaming/rolling_z_score.hpp>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace {

constexpr anomaly::Index window = 1024;

/// Feeds `updates` samples near 1e6 (uniform noise of unit variance, level jumps of +-1000 every
/// 10^7 samples) to `update` and returns the last `window` of them, in ring order.
template <class T, class Update>
std::vector<T> feed(std::int64_t updates, Update update) {
  anomaly::Random random(7);
  std::vector<T> last(window);
  double level = 1e6;
  for (std::int64_t t = 0; t < updates; ++t) {
    if (t % 10'000'000 == 0) level += (random() & 1u) ? 1000.0 : -1000.0;
    const double noise = static_cast<double>(random() >> 11) * 0x1.0p-53 * 3.4641 - 1.7321;
    const auto x = static_cast<T>(level + noise);
    last[static_cast<std::size_t>(t % window)] = x;
    update(x);
  }
  return last;
}

template <class T>
void billion_updates(benchmark::State& state) {
  const auto updates = static_cast<std::int64_t>(state.range(0));
  for (auto _ : state) {
    anomaly::RollingZScore<T> detector({.window = window});
    const auto last = feed<T>(updates, [&](T x) { benchmark::DoNotOptimize(detector.update(x)); });
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

/// numpy's linear quantile of sorted values.
double quantile(const std::vector<double>& sorted, double p) {
  const double position = p * static_cast<double>(sorted.size() - 1);
  const auto below = static_cast<std::size_t>(position);
  const double low = sorted[below];
  if (below + 1 == sorted.size()) return low;
  return low + (position - static_cast<double>(below)) * (sorted[below + 1] - low);
}

/// RollingMedianAbsoluteDeviation and RollingInterquartileRange hold no running sums (but the
/// MAD's mean-deviation fallback, refreshed every window), so after 10^9 updates their median, MAD
/// and quartiles must equal those of the sorted last window exactly; a counter of 1 means they do.
template <class T>
void billion_updates_exact(benchmark::State& state) {
  const auto updates = static_cast<std::int64_t>(state.range(0));
  for (auto _ : state) {
    anomaly::RollingMedianAbsoluteDeviation<T> mad({.window = window});
    anomaly::RollingInterquartileRange<T> iqr({.window = window});
    const auto last = feed<T>(updates, [&](T x) {
      benchmark::DoNotOptimize(mad.update(x));
      benchmark::DoNotOptimize(iqr.update(x));
    });
    std::vector<double> values(last.begin(), last.end());
    std::sort(values.begin(), values.end());
    const double median = quantile(values, 0.5);
    std::vector<double> deviations;
    for (const double v : values) deviations.push_back(std::abs(v - median));
    std::sort(deviations.begin(), deviations.end());
    state.counters["median_exact"] = mad.median() == median ? 1 : 0;
    state.counters["mad_exact"] =
        mad.median_absolute_deviation() == quantile(deviations, 0.5) ? 1 : 0;
    state.counters["quartiles_exact"] =
        iqr.q1() == quantile(values, 0.25) && iqr.q3() == quantile(values, 0.75) ? 1 : 0;
  }
  state.SetItemsProcessed(state.iterations() * updates);
}

}  // namespace

BENCHMARK(billion_updates<float>)->Arg(1'000'000'000)->Iterations(1)->Unit(benchmark::kSecond);
BENCHMARK(billion_updates<double>)->Arg(1'000'000'000)->Iterations(1)->Unit(benchmark::kSecond);
BENCHMARK(billion_updates_exact<float>)
    ->Arg(1'000'000'000)
    ->Iterations(1)
    ->Unit(benchmark::kSecond);
BENCHMARK(billion_updates_exact<double>)
    ->Arg(1'000'000'000)
    ->Iterations(1)
    ->Unit(benchmark::kSecond);
