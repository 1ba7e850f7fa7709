// StreamingSeasonal: the documented equations, what it catches that a rolling z-score misses,
// how it follows trends and shifts, policies, fixed capacity, parameters.
#include <anomaly/core/random.hpp>
#include <anomaly/streaming.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include "catch.hpp"
#include "require_error.hpp"

namespace {

using anomaly::Index;
using anomaly::StreamingSeasonal;
using anomaly::StreamingSeasonalParams;

/// A daily-like pattern of `period` (two harmonics, amplitude about 10) plus Gaussian noise.
template <class T = double>
std::vector<T> seasonal_series(Index n, Index period, double sigma, std::uint64_t seed,
                               double slope = 0) {
  anomaly::Random random(seed);
  std::vector<T> x(static_cast<std::size_t>(n));
  for (Index t = 0; t < n; ++t) {
    const double phase =
        2 * std::numbers::pi * static_cast<double>(t % period) / static_cast<double>(period);
    x[static_cast<std::size_t>(t)] =
        static_cast<T>(50 + slope * static_cast<double>(t) + 8 * std::sin(phase) +
                       3 * std::cos(2 * phase) + sigma * anomaly::normal(random));
  }
  return x;
}

/// The documented equations, written out plainly in double.
std::vector<double> oracle(const std::vector<double>& x, const StreamingSeasonalParams& p) {
  const Index period = p.period;
  std::vector<double> seasonal(static_cast<std::size_t>(period)), scores;
  double level = 0, mean_absolute = 0;
  for (Index t = 0; t < static_cast<Index>(x.size()); ++t) {
    const auto phase = static_cast<std::size_t>(t % period);
    const double v = x[static_cast<std::size_t>(t)];
    if (t < period) {
      seasonal[phase] = v;
      if (t == period - 1) {
        for (double s : seasonal) level += s / static_cast<double>(period);
        for (double& s : seasonal) s -= level;
      }
      scores.push_back(0);
      continue;
    }
    const double scale = mean_absolute * std::sqrt(std::numbers::pi / 2);
    const double residual = v - level - seasonal[phase];
    scores.push_back(t >= p.min_cycles * period ? std::abs(residual) / (scale > 0 ? scale : 1.0)
                                                : 0.0);
    const Index warm = t - period;
    const double clipped =
        warm > 0 ? std::clamp(residual, -p.clip * scale, p.clip * scale) : residual;
    level += p.level_rate * clipped;
    seasonal[phase] += p.seasonal_rate * (1 - p.level_rate) * clipped;
    const double rate = warm < period ? 1.0 / static_cast<double>(warm + 1) : p.scale_rate;
    mean_absolute += rate * (std::abs(clipped) - mean_absolute);
  }
  return scores;
}

template <class Detector>
std::vector<typename Detector::Scalar> run(Detector& detector,
                                           const std::vector<typename Detector::Scalar>& x) {
  std::vector<typename Detector::Scalar> scores;
  for (const auto v : x) scores.push_back(detector.update(v));
  return scores;
}

}  // namespace

TEST_CASE("StreamingSeasonal follows its documented equations", "[seasonal]") {
  for (const Index period : {Index{2}, Index{7}, Index{24}}) {
    const StreamingSeasonalParams params{.period = period, .min_cycles = 3};
    auto x = seasonal_series(40 * period, period, 1.0, 11 + static_cast<std::uint64_t>(period));
    x[static_cast<std::size_t>(10 * period + 1)] += 40;  // clipped: moves the state by 3 scales
    StreamingSeasonal<double> detector(params);
    const auto scores = run(detector, x);
    const auto expected = oracle(x, params);
    for (std::size_t t = 0; t < x.size(); ++t) {
      INFO("period " << period << ", t " << t);
      REQUIRE(std::abs(scores[t] - expected[t]) <= 1e-9 * std::max(1.0, expected[t]));
    }
    CHECK(detector.size() == 40 * period);
  }
}

TEST_CASE("StreamingSeasonal scores noise as |z| and catches spikes and phase anomalies",
          "[seasonal]") {
  const Index period = 24;
  auto x = seasonal_series(24 * 60, period, 1.0, 3);
  // Two anomalies in the series' own range: the noon value at midnight, and a spike.
  const std::size_t wrong_phase = 24 * 40 + 18, spike = 24 * 50 + 5;
  x[wrong_phase] = x[wrong_phase - 12];
  x[spike] += 8;
  StreamingSeasonal<double> detector({.period = period});
  const auto scores = run(detector, x);
  CHECK(std::abs(detector.scale() - 1.0) < 0.2);  // the noise's standard deviation
  Index alarms = 0;
  for (std::size_t t = 24 * 2; t < x.size(); ++t) {
    if (t != wrong_phase && t != spike) alarms += detector.is_anomaly(scores[t]);
  }
  CHECK(alarms <= 10);  // |z| > 3.5 of Gaussian noise: about 0.05% of 1392 samples, plus learning
  CHECK(scores[wrong_phase] > 6);
  CHECK(scores[spike] > 4.5);  // 8 sigma less this sample's noise and the forecast's error
  // A rolling z-score over the last cycle sees the wrong-phase value as ordinary.
  anomaly::RollingZScore<double> rolling({.window = period});
  const auto rolling_scores = run(rolling, x);
  CHECK(rolling_scores[wrong_phase] < 2.5);
}

TEST_CASE("StreamingSeasonal follows a trend and settles after a level shift", "[seasonal]") {
  const Index period = 12;
  SECTION("a steady trend raises no alarms") {
    const auto x = seasonal_series(12 * 100, period, 1.0, 5, 0.02);
    StreamingSeasonal<double> detector({.period = period});
    const auto scores = run(detector, x);
    const auto alarms = std::count_if(scores.begin(), scores.end(),
                                      [&](double s) { return detector.is_anomaly(s); });
    CHECK(alarms <= 6);
  }
  SECTION("a shift of 10 sigma is flagged, then learned") {
    auto x = seasonal_series(12 * 120, period, 1.0, 6);
    for (std::size_t t = 12 * 60; t < x.size(); ++t) x[t] += 10;
    StreamingSeasonal<double> detector({.period = period});
    const auto scores = run(detector, x);
    CHECK(detector.is_anomaly(scores[12 * 60]));
    Index late_alarms = 0;
    for (std::size_t t = 12 * 90; t < x.size(); ++t) late_alarms += detector.is_anomaly(scores[t]);
    CHECK(late_alarms <= 3);
  }
}

TEST_CASE("StreamingSeasonal: exact patterns, warm-up, policies, capacity and blocks",
          "[seasonal]") {
  SECTION("an exact pattern scores 0; a spike scores its size in raw units and teaches nothing") {
    StreamingSeasonal<double> detector({.period = 4});
    const double pattern[] = {1, 5, -2, 0};
    for (int t = 0; t < 40; ++t) REQUIRE(detector.update(pattern[t % 4]) == 0);
    CHECK(detector.ready());
    CHECK(detector.update(pattern[0] + 7) == 7);  // scale 0: raw units
    CHECK(detector.forecast() == pattern[1]);
    CHECK(detector.update(pattern[1]) == 0);
  }
  SECTION("scores are 0 for min_cycles cycles") {
    StreamingSeasonal<double> detector({.period = 5, .min_cycles = 3});
    const auto x = seasonal_series(15, 5, 1.0, 7);
    for (const double v : x) CHECK(detector.update(v) == 0);
    CHECK(detector.ready());
    CHECK_FALSE(StreamingSeasonal<double>({.period = 5}).ready());
  }
  SECTION("non-finite samples are skipped or flagged and learn nothing") {
    const auto x = seasonal_series(24 * 10, 24, 1.0, 8);
    StreamingSeasonal<double> clean({.period = 24});
    StreamingSeasonal<double> skipping({.period = 24});
    StreamingSeasonal<double> flagging(
        {.period = 24, .non_finite = anomaly::NonFinitePolicy::flag});
    for (std::size_t t = 0; t < x.size(); ++t) {
      if (t % 37 == 5) {
        CHECK(std::isnan(skipping.update(std::numeric_limits<double>::quiet_NaN())));
        CHECK(flagging.update(-std::numeric_limits<double>::infinity()) ==
              std::numeric_limits<double>::infinity());
      }
      const double expected = clean.update(x[t]);
      REQUIRE(skipping.update(x[t]) == expected);
      REQUIRE(flagging.update(x[t]) == expected);
    }
  }
  SECTION("fixed capacity, reset and blocks give the same scores") {
    const auto x = seasonal_series<float>(24 * 20, 24, 0.5, 9);
    StreamingSeasonal<float> dynamic({.period = 24});
    StreamingSeasonal<float, 32> fixed({.period = 24});
    const auto expected = run(dynamic, x);
    REQUIRE(run(fixed, x) == expected);
    fixed.reset();
    std::vector<float> blocks(x.size());
    fixed.update(std::span<const float>(x), std::span<float>(blocks));
    CHECK(blocks == expected);
  }
}

TEST_CASE("Bad StreamingSeasonal parameters are anomaly::Errors naming the parameter",
          "[seasonal]") {
  using anomaly::ErrorCode;
  using anomaly::testing::require_error;
  require_error([] { StreamingSeasonal<double>({.period = 1}); }, ErrorCode::invalid_parameter,
                "period");
  require_error([] { StreamingSeasonal<float, 16>({.period = 24}); }, ErrorCode::invalid_parameter,
                "fixed capacity 16");
  require_error([] { StreamingSeasonal<double>({.level_rate = 0}); }, ErrorCode::invalid_parameter,
                "level_rate");
  require_error([] { StreamingSeasonal<double>({.seasonal_rate = 1.5}); },
                ErrorCode::invalid_parameter, "seasonal_rate");
  require_error([] { StreamingSeasonal<double>({.scale_rate = std::nan("")}); },
                ErrorCode::invalid_parameter, "scale_rate");
  require_error([] { StreamingSeasonal<double>({.clip = 0}); }, ErrorCode::invalid_parameter,
                "clip");
  require_error([] { StreamingSeasonal<double>({.min_cycles = 1}); }, ErrorCode::invalid_parameter,
                "min_cycles");
  require_error([] { StreamingSeasonal<double>({.threshold = -1}); }, ErrorCode::invalid_parameter,
                "threshold");
}
