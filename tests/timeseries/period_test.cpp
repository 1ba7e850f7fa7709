// estimate_period: the periods of seasonal series with noise, trends and harmonics; none for
// noise, persistence and constants; float and double alike; bad input.
#include <anomaly/core/random.hpp>
#include <anomaly/timeseries/period.hpp>

#include <cmath>
#include <limits>
#include <numbers>

#include "catch.hpp"
#include "require_error.hpp"

namespace {

using anomaly::Index;
using anomaly::PeriodParams;

constexpr double two_pi = 2 * std::numbers::pi;

Eigen::VectorXd noise(Index n, double sigma, std::uint64_t seed) {
  anomaly::Random random(seed);
  Eigen::VectorXd x(n);
  for (Index t = 0; t < n; ++t) x[t] = sigma * anomaly::normal(random);
  return x;
}

double at(Index t) {
  return static_cast<double>(t);
}

}  // namespace

TEST_CASE("estimate_period finds the period of seasonal series", "[period]") {
  SECTION("a sine of period 24 under noise of the same power") {
    Eigen::VectorXd x = noise(2000, 0.7, 1);
    for (Index t = 0; t < x.size(); ++t) x[t] += std::sin(two_pi * at(t) / 24);
    const auto found = anomaly::estimate_period(x);
    CHECK(found.period == 24);
    CHECK(found.autocorrelation > 0.3);
  }
  SECTION("a weekly pulse on a steep trend") {
    Eigen::VectorXd x = noise(700, 0.2, 2);
    for (Index t = 0; t < x.size(); ++t) x[t] += 0.5 * at(t) + (t % 7 == 3 ? 4.0 : 0.0);
    CHECK(anomaly::estimate_period(x).period == 7);
  }
  SECTION("a square wave of period 12: harmonics, not the half period") {
    Eigen::VectorXd x = noise(600, 0.3, 3);
    for (Index t = 0; t < x.size(); ++t) x[t] += (t % 12 < 6 ? 1.0 : -1.0);
    CHECK(anomaly::estimate_period(x).period == 12);
  }
  SECTION("hourly data: a strong daily cycle with a weak weekly modulation") {
    Eigen::VectorXd x = noise(24 * 7 * 8, 0.3, 4);
    for (Index t = 0; t < x.size(); ++t) {
      x[t] += 10 + 3 * std::sin(two_pi * at(t) / 24) + std::sin(two_pi * at(t) / 168);
    }
    CHECK(anomaly::estimate_period(x).period == 24);
    // Asked for longer periods only, the weekly one.
    CHECK(anomaly::estimate_period(x, {.min_period = 100}).period == 168);
  }
  SECTION("a period longer than the default search needs max_period") {
    Eigen::VectorXd x = noise(30000, 0.3, 5);
    for (Index t = 0; t < x.size(); ++t) x[t] += std::sin(two_pi * at(t) / 5000);
    CHECK(anomaly::estimate_period(x).period == 0);
    CHECK(std::abs(anomaly::estimate_period(x, {.max_period = 8000}).period - 5000) <= 50);
  }
  SECTION("values near the largest double: the same period, no overflow") {
    Eigen::VectorXd x = noise(500, 0.5, 10);
    for (Index t = 0; t < x.size(); ++t) x[t] = 1e300 * (x[t] + std::sin(two_pi * at(t) / 9));
    CHECK(anomaly::estimate_period(x).period == 9);
  }
  SECTION("float gives the same period") {
    Eigen::VectorXf x = noise(1000, 0.5, 6).cast<float>();
    for (Index t = 0; t < x.size(); ++t) x[t] += static_cast<float>(std::cos(two_pi * at(t) / 10));
    CHECK(anomaly::estimate_period(x).period == 10);
  }
}

TEST_CASE("estimate_period finds no period where there is none", "[period]") {
  CHECK(anomaly::estimate_period(noise(2000, 1.0, 7)).period == 0);
  SECTION("a persistent AR(1) process decays without dipping") {
    Eigen::VectorXd x = noise(3000, 1.0, 8);
    for (Index t = 1; t < x.size(); ++t) x[t] += 0.95 * x[t - 1];
    CHECK(anomaly::estimate_period(x).period == 0);
  }
  SECTION("a line and a constant") {
    CHECK(anomaly::estimate_period(Eigen::VectorXd::LinSpaced(100, -3.0, 7.0)).period == 0);
    CHECK(anomaly::estimate_period(Eigen::VectorXd::Constant(100, 2.5)).period == 0);
  }
}

TEST_CASE("estimate_period rejects bad input, naming it", "[period]") {
  using anomaly::ErrorCode;
  using anomaly::testing::require_error;
  const Eigen::VectorXd x = noise(50, 1.0, 9);
  require_error([&] { (void)anomaly::estimate_period(x, {.min_period = 1}); },
                ErrorCode::invalid_parameter, "min_period must be at least 2");
  require_error([&] { (void)anomaly::estimate_period(x, {.min_period = 10, .max_period = 5}); },
                ErrorCode::invalid_parameter, "max_period");
  require_error([&] { (void)anomaly::estimate_period(x, {.min_prominence = 0}); },
                ErrorCode::invalid_parameter, "min_prominence");
  require_error([&] { (void)anomaly::estimate_period(x, {.min_autocorrelation = 1.5}); },
                ErrorCode::invalid_parameter, "min_autocorrelation");
  require_error([&] { (void)anomaly::estimate_period(x, {.min_period = 26}); },
                ErrorCode::too_few_samples, "need 52");
  Eigen::VectorXd bad = x;
  bad[31] = std::numeric_limits<double>::quiet_NaN();
  require_error([&] { (void)anomaly::estimate_period(bad); }, ErrorCode::non_finite_input,
                "series[31] is NaN");
  require_error([&] { (void)anomaly::estimate_period(Eigen::MatrixXd::Zero(10, 10)); },
                ErrorCode::dimension_mismatch, "one column");
}
