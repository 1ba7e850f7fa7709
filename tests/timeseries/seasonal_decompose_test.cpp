// seasonal_decompose: equal to statsmodels' (tests/reference/make_seasonal_decompose_reference.py)
// on odd and even periods, both models, centred and trailing averages and extrapolated ends; the
// decomposition's invariants; bad input.
#include <anomaly/timeseries/seasonal_decompose.hpp>

#include <cmath>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

#include "catch.hpp"
#include "csv_table.hpp"
#include "require_error.hpp"

namespace {

using anomaly::Index;
using anomaly::SeasonalDecomposeParams;
using anomaly::SeasonalModel;
using anomaly::testing::require_error;

struct ReferenceCase {
  SeasonalDecomposeParams params;
  Eigen::VectorXd x, trend, seasonal, remainder;
};

std::vector<ReferenceCase> read_cases() {
  const auto table = anomaly::testing::read_csv_table(std::string(ANOMALY_TEST_DATA) +
                                                      "/seasonal_decompose_reference.csv");
  std::vector<ReferenceCase> cases;
  const auto& id = table["case"];
  for (Index row = 0; row < id.size();) {
    Index end = row;
    while (end < id.size() && id[end] == id[row]) ++end;
    ReferenceCase c;
    c.params.period = static_cast<Index>(table["period"][row]);
    c.params.model =
        table["model"][row] == 1.0 ? SeasonalModel::multiplicative : SeasonalModel::additive;
    c.params.two_sided = table["two_sided"][row] == 1.0;
    c.params.extrapolate_trend = static_cast<Index>(table["extrapolate"][row]);
    c.x = table["x"].segment(row, end - row);
    c.trend = table["trend"].segment(row, end - row);
    c.seasonal = table["seasonal"].segment(row, end - row);
    c.remainder = table["remainder"].segment(row, end - row);
    cases.push_back(c);
    row = end;
  }
  return cases;
}

/// Both NaN at the same steps, and elsewhere within `tolerance`.
template <class T>
void require_close(const anomaly::Vector<T>& found, const Eigen::VectorXd& expected,
                   double tolerance, const char* what) {
  REQUIRE(found.size() == expected.size());
  double largest = 0;
  for (Index t = 0; t < found.size(); ++t) {
    INFO(what << "[" << t << "]: " << found[t] << " vs " << expected[t]);
    REQUIRE(std::isnan(static_cast<double>(found[t])) == std::isnan(expected[t]));
    if (!std::isnan(expected[t])) {
      largest = std::max(largest, std::abs(static_cast<double>(found[t]) - expected[t]));
    }
  }
  INFO(what << ": largest difference " << largest << ", tolerance " << tolerance);
  REQUIRE(largest <= tolerance);
}

/// A trend, a two-harmonic seasonal pattern of `period` and a little deterministic wobble.
Eigen::VectorXd synthetic(Index n, Index period, double level) {
  Eigen::VectorXd x(n);
  for (Index t = 0; t < n; ++t) {
    const double phase =
        2 * std::numbers::pi * static_cast<double>(t) / static_cast<double>(period);
    x[t] = level + 0.02 * static_cast<double>(t) + std::sin(phase) + 0.3 * std::cos(2 * phase) +
           0.05 * std::sin(0.37 * static_cast<double>(t * t % 101));
  }
  return x;
}

}  // namespace

TEST_CASE("seasonal_decompose equals statsmodels' seasonal_decompose", "[seasonal_decompose]") {
  const auto cases = read_cases();
  REQUIRE(cases.size() == 8);
  for (std::size_t i = 0; i < cases.size(); ++i) {
    const auto& c = cases[i];
    INFO("case " << i << ", period " << c.params.period);
    const double scale = c.x.cwiseAbs().maxCoeff();
    // Seasonal and remainder of the multiplicative model are ratios, of scale 1.
    const double ratio_scale = c.params.model == SeasonalModel::multiplicative ? 1.0 : scale;
    const auto found = anomaly::seasonal_decompose(c.x, c.params);
    require_close(found.trend, c.trend, 1e-12 * scale, "trend");
    require_close(found.seasonal, c.seasonal, 1e-12 * ratio_scale, "seasonal");
    require_close(found.remainder, c.remainder, 1e-12 * ratio_scale, "remainder");
    if (scale > 1e4) continue;  // float cannot hold 1e6 + a pattern of 0.01
    const Eigen::VectorXf x = c.x.cast<float>();
    const auto in_float = anomaly::seasonal_decompose(x, c.params);
    require_close(in_float.trend, c.trend, 2e-6 * scale, "float trend");
    require_close(in_float.seasonal, c.seasonal, 2e-6 * ratio_scale, "float seasonal");
    require_close(in_float.remainder, c.remainder, 2e-6 * ratio_scale, "float remainder");
  }
}

TEST_CASE("seasonal_decompose's components recombine and keep their constraints",
          "[seasonal_decompose]") {
  for (const Index period : {Index{2}, Index{7}, Index{12}, Index{24}}) {
    for (const bool two_sided : {true, false}) {
      INFO("period " << period << ", two_sided " << two_sided);
      const Eigen::VectorXd x = synthetic(5 * period + 3, period, 40.0);
      {
        const auto d = anomaly::seasonal_decompose(
            x, SeasonalDecomposeParams{.period = period, .two_sided = two_sided});
        double pattern_sum = 0;
        for (Index p = 0; p < period; ++p) pattern_sum += d.seasonal[p];
        CHECK(std::abs(pattern_sum) <= 1e-12);
        for (Index t = 0; t < x.size(); ++t) {
          CHECK(d.seasonal[t] == d.seasonal[t % period]);
          if (!std::isnan(d.trend[t])) {
            CHECK(std::abs(d.trend[t] + d.seasonal[t] + d.remainder[t] - x[t]) <= 1e-12);
          }
        }
        // The moving average reaches every step but the window's reach at the ends.
        const Index missing = period % 2 == 0 ? period : period - 1;
        CHECK(d.trend.array().isNaN().count() == missing);
      }
      {
        const auto d = anomaly::seasonal_decompose(
            x, SeasonalDecomposeParams{.period = period,
                                       .model = SeasonalModel::multiplicative,
                                       .two_sided = two_sided,
                                       .extrapolate_trend = period - 1});
        CHECK(std::abs(d.seasonal.head(period).mean() - 1) <= 1e-12);
        REQUIRE(d.trend.allFinite());
        for (Index t = 0; t < x.size(); ++t) {
          CHECK(std::abs(d.trend[t] * d.seasonal[t] * d.remainder[t] / x[t] - 1) <= 1e-12);
        }
      }
    }
  }
}

TEST_CASE("seasonal_decompose recovers a pure pattern and a pure line", "[seasonal_decompose]") {
  const Index period = 6;
  Eigen::VectorXd pattern(period);
  pattern << 3, -1, 4, -1, -5, 0;  // sums to 0
  SECTION("a repeated pattern: flat trend at its level, the pattern, no remainder") {
    Eigen::VectorXd x(8 * period);
    for (Index t = 0; t < x.size(); ++t) x[t] = 10 + pattern[t % period];
    const auto d = anomaly::seasonal_decompose(
        x, SeasonalDecomposeParams{.period = period, .extrapolate_trend = 2});
    for (Index t = 0; t < x.size(); ++t) {
      CHECK(std::abs(d.trend[t] - 10) <= 1e-12);
      CHECK(std::abs(d.seasonal[t] - pattern[t % period]) <= 1e-12);
      CHECK(std::abs(d.remainder[t]) <= 1e-12);
    }
  }
  SECTION("a line: the trend is the line, even where extrapolated; no seasonal part") {
    Eigen::VectorXd x(5 * period);
    for (Index t = 0; t < x.size(); ++t) x[t] = 2.5 - 0.75 * static_cast<double>(t);
    const auto d = anomaly::seasonal_decompose(
        x, SeasonalDecomposeParams{.period = period, .extrapolate_trend = 3});
    for (Index t = 0; t < x.size(); ++t) {
      CHECK(std::abs(d.trend[t] - x[t]) <= 1e-12);
      CHECK(std::abs(d.seasonal[t]) <= 1e-12);
    }
  }
}

TEST_CASE("seasonal_decompose takes columns, rows and long series", "[seasonal_decompose]") {
  const Eigen::VectorXd x = synthetic(50, 5, 3.0);
  const auto from_vector = anomaly::seasonal_decompose(x, {.period = 5});
  const Eigen::RowVectorXd row = x.transpose();
  const auto from_row = anomaly::seasonal_decompose(row, {.period = 5});
  Eigen::MatrixXd wide(50, 3);
  wide.col(1) = x;
  const auto from_column = anomaly::seasonal_decompose(wide.col(1), {.period = 5});
  for (Index t = 2; t < 48; ++t) {
    CHECK(from_row.trend[t] == from_vector.trend[t]);
    CHECK(from_column.remainder[t] == from_vector.remainder[t]);
  }
  // Sliding window sums do not drift along a long series far from 0.
  const Eigen::VectorXd long_series = synthetic(200000, 24, 1e6);
  const auto d = anomaly::seasonal_decompose(long_series, {.period = 24});
  const Index last = long_series.size() - 13;
  const double window = (0.5 * long_series[last - 12] + long_series.segment(last - 11, 23).sum() +
                         0.5 * long_series[last + 12]) /
                        24;
  CHECK(std::abs(d.trend[last] - window) <= 1e-15 * window);
}

TEST_CASE("seasonal_decompose rejects bad input, naming it", "[seasonal_decompose]") {
  const Eigen::VectorXd x = synthetic(24, 6, 5.0);
  using anomaly::ErrorCode;
  require_error([&] { (void)anomaly::seasonal_decompose(x, {.period = 1}); },
                ErrorCode::invalid_parameter, "period must be at least 2");
  require_error([&] { (void)anomaly::seasonal_decompose(x, {.period = 13}); },
                ErrorCode::too_few_samples, "two cycles of period 13 need 26");
  require_error(
      [&] { (void)anomaly::seasonal_decompose(x, {.period = 6, .extrapolate_trend = -1}); },
      ErrorCode::invalid_parameter, "extrapolate_trend");
  Eigen::VectorXd bad = x;
  bad[17] = std::numeric_limits<double>::quiet_NaN();
  require_error([&] { (void)anomaly::seasonal_decompose(bad, {.period = 6}); },
                ErrorCode::non_finite_input, "series[17] is NaN");
  bad[17] = -std::numeric_limits<double>::infinity();
  require_error([&] { (void)anomaly::seasonal_decompose(bad, {.period = 6}); },
                ErrorCode::non_finite_input, "series[17] is -infinity");
  bad = x;
  bad[3] = 0;
  require_error(
      [&] {
        (void)anomaly::seasonal_decompose(bad,
                                          {.period = 6, .model = SeasonalModel::multiplicative});
      },
      ErrorCode::invalid_parameter, "series[3] = 0");
  require_error(
      [&] { (void)anomaly::seasonal_decompose(Eigen::MatrixXd::Ones(24, 2), {.period = 6}); },
      ErrorCode::dimension_mismatch, "24 rows and 2 columns");
  require_error([&] { (void)anomaly::seasonal_decompose(Eigen::VectorXd(0), {.period = 2}); },
                ErrorCode::too_few_samples, "has 0 values");
}
