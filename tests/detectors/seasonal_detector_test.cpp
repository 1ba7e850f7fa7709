// SeasonalDetector: STL's remainder scored by its robust z, flagged by a threshold or by the
// generalized ESD test; missing values; the period estimated; bad input.
#include <anomaly/core/random.hpp>
#include <anomaly/detectors/seasonal.hpp>
#include <anomaly/timeseries/stl.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <vector>

#include "catch.hpp"
#include "require_error.hpp"

namespace {

using anomaly::Index;
using anomaly::SeasonalDetector;
using anomaly::SeasonalDetectorParams;

/// Hourly-like data: a daily pattern of period 24 on a slow trend, Gaussian noise, and anomalies
/// inside the series' range: a spike, a dip, and the noon value at midnight.
Eigen::VectorXd hourly(Index days, std::uint64_t seed) {
  anomaly::Random random(seed);
  Eigen::VectorXd x(24 * days);
  for (Index t = 0; t < x.size(); ++t) {
    const double phase = 2 * std::numbers::pi * static_cast<double>(t % 24) / 24;
    x[t] = 20 + 0.01 * static_cast<double>(t) + 6 * std::sin(phase) + 2 * std::cos(2 * phase) +
           0.5 * anomaly::normal(random);
  }
  return x;
}

const std::vector<Index> planted{100, 250, 24 * 15 + 6};

/// Every planted anomaly flagged, and at most `others` other points of the 720.
void require_found(const std::vector<Index>& anomalies, std::size_t others) {
  INFO("flagged: " << Catch::Detail::stringify(anomalies));
  for (const Index t : planted) {
    CHECK(std::find(anomalies.begin(), anomalies.end(), t) != anomalies.end());
  }
  CHECK(anomalies.size() <= planted.size() + others);
}

Eigen::VectorXd with_anomalies(Eigen::VectorXd x) {
  x[planted[0]] += 6;
  x[planted[1]] -= 6;
  x[planted[2]] = x[planted[2] - 12];  // the opposite phase's value
  return x;
}

}  // namespace

TEST_CASE("SeasonalDetector flags planted anomalies and nothing else", "[seasonal_detector]") {
  const Eigen::VectorXd x = with_anomalies(hourly(30, 1));
  SECTION("by threshold on the robust z of STL's remainder") {
    const auto found = SeasonalDetector<double>({.period = 24}).detect(x);
    CHECK(found.period == 24);
    require_found(found.anomalies, 4);  // |z| > 3.5 of 720 near-Gaussian remainders
    // The scores are the robust z of robust STL's remainder, recomputed here: 30 cycles give a
    // window of 61 and a jump of ceil(61 / 10).
    const auto parts =
        anomaly::stl(x, {.period = 24, .seasonal = 61, .robust = true, .seasonal_jump = 7});
    std::vector<double> r(parts.remainder.data(), parts.remainder.data() + x.size());
    std::nth_element(r.begin(), r.begin() + static_cast<long>(r.size() / 2), r.end());
    const double median =
        (x.size() % 2 == 1)
            ? r[r.size() / 2]
            : (r[r.size() / 2] +
               *std::max_element(r.begin(), r.begin() + static_cast<long>(r.size() / 2))) /
                  2;
    std::vector<double> deviations;
    for (Index t = 0; t < x.size(); ++t)
      deviations.push_back(std::abs(parts.remainder[t] - median));
    std::vector<double> sorted = deviations;
    std::sort(sorted.begin(), sorted.end());
    const double mad = (sorted[sorted.size() / 2 - 1] + sorted[sorted.size() / 2]) / 2;
    for (Index t = 0; t < x.size(); ++t) {
      REQUIRE(std::abs(found.scores[t] - deviations[static_cast<std::size_t>(t)] * 0.6745 / mad) <=
              1e-9 * std::max(1.0, found.scores[t]));
    }
  }
  SECTION("the default jump flags what a fit at every cycle flags") {
    for (const Index most : {Index{0}, Index{20}}) {
      const auto jumped = SeasonalDetector<double>({.period = 24, .max_anomalies = most}).detect(x);
      const auto every =
          SeasonalDetector<double>({.period = 24, .seasonal_jump = 1, .max_anomalies = most})
              .detect(x);
      CHECK(jumped.anomalies == every.anomalies);
      // 0.018 on this seed, at most 0.14 on 20 seeds (measured).
      CHECK((jumped.scores - every.scores).cwiseAbs().maxCoeff() < 0.05);
    }
  }
  SECTION("by the generalized ESD test") {
    const auto found = SeasonalDetector<double>({.period = 24, .max_anomalies = 20}).detect(x);
    require_found(found.anomalies, 2);
  }
  SECTION("the period estimated; float") {
    const auto found = SeasonalDetector<double>().detect(x);
    CHECK(found.period == 24);
    const auto given = SeasonalDetector<double>({.period = 24}).detect(x);
    CHECK(found.anomalies == given.anomalies);
    const Eigen::VectorXf in_float = x.cast<float>();
    CHECK(SeasonalDetector<float>({.period = 24}).detect(in_float).anomalies == given.anomalies);
  }
}

TEST_CASE("SeasonalDetector takes missing values", "[seasonal_detector]") {
  Eigen::VectorXd x = with_anomalies(hourly(30, 2));
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const Index t :
       {Index{0}, Index{1}, Index{50}, Index{51}, Index{52}, Index{300}, Index{24 * 30 - 1}}) {
    x[t] = nan;
  }
  const auto found = SeasonalDetector<double>({.period = 24}).detect(x);
  for (Index t = 0; t < x.size(); ++t) {
    INFO("t " << t);
    CHECK(std::isnan(found.scores[t]) == std::isnan(x[t]));
  }
  require_found(found.anomalies, 4);
  require_found(SeasonalDetector<double>({.period = 24, .max_anomalies = 10}).detect(x).anomalies,
                2);
}

TEST_CASE("SeasonalDetector rejects bad input, naming it", "[seasonal_detector]") {
  using anomaly::ErrorCode;
  using anomaly::testing::require_error;
  require_error([] { SeasonalDetector<double>({.period = 1}); }, ErrorCode::invalid_parameter,
                "period");
  require_error([] { SeasonalDetector<double>({.alpha = 1}); }, ErrorCode::invalid_parameter,
                "alpha");
  require_error([] { SeasonalDetector<double>({.threshold = -1}); }, ErrorCode::invalid_parameter,
                "threshold");
  require_error([] { SeasonalDetector<double>({.seasonal_jump = -1}); },
                ErrorCode::invalid_parameter, "seasonal_jump");
  require_error([] { SeasonalDetector<double>({.max_anomalies = -1}); },
                ErrorCode::invalid_parameter, "max_anomalies");
  for (const Index seasonal : {Index{1}, Index{6}, Index{-3}}) {
    require_error([&] { SeasonalDetector<double>({.seasonal = seasonal}); },
                  ErrorCode::invalid_parameter, "seasonal");
  }
  CHECK(SeasonalDetector<double>({.period = 24, .seasonal = 3}).detect(hourly(5, 3)).period == 24);
  Eigen::VectorXd x = hourly(5, 3);
  x[7] = std::numeric_limits<double>::infinity();
  require_error([&] { (void)SeasonalDetector<double>({.period = 24}).detect(x); },
                ErrorCode::non_finite_input, "series[7] is +infinity");
  require_error(
      [] {
        (void)SeasonalDetector<double>({.period = 24})
            .detect(Eigen::VectorXd::Constant(60, std::nan("")));
      },
      ErrorCode::too_few_samples, "every one of the 60 values is missing");
  anomaly::Random random(4);
  Eigen::VectorXd noise(200);
  for (Index t = 0; t < noise.size(); ++t) noise[t] = anomaly::normal(random);
  require_error([&] { (void)SeasonalDetector<double>().detect(noise); },
                ErrorCode::invalid_parameter, "no period found");
  require_error([&] { (void)SeasonalDetector<double>({.period = 24}).detect(hourly(1, 5)); },
                ErrorCode::too_few_samples, "two periods");
}
