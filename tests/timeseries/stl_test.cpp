// stl(): equal to statsmodels' STL (tests/reference/make_stl_reference.py) in double and float,
// its invariants (the components add up, constant series, pure seasons), and every bad input.
#include <anomaly/timeseries/stl.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numbers>
#include <string>
#include <vector>

#include "catch.hpp"
#include "csv_table.hpp"
#include "require_error.hpp"

namespace {

const std::string test_data_dir = ANOMALY_TEST_DATA;
using anomaly::ErrorCode;
using anomaly::Index;
using anomaly::testing::require_error;

/// One reference case: its parameters, series and statsmodels' decomposition.
struct ReferenceCase {
  anomaly::StlParams params;
  anomaly::Vector<double> x, trend, seasonal, remainder, weights;
};

std::vector<ReferenceCase> read_cases() {
  const auto cases = anomaly::testing::read_csv_table(test_data_dir + "/stl_reference_cases.csv");
  const auto values = anomaly::testing::read_csv_table(test_data_dir + "/stl_reference.csv");
  std::vector<ReferenceCase> out;
  Index row = 0;
  for (Index c = 0; c < cases["case"].size(); ++c) {
    const auto integer = [&](const char* name) { return static_cast<Index>(cases[name][c]); };
    ReferenceCase reference;
    auto& p = reference.params;
    p.period = integer("period");
    p.seasonal = integer("seasonal");
    if (integer("trend") != 0) p.trend = integer("trend");
    if (integer("low_pass") != 0) p.low_pass = integer("low_pass");
    p.seasonal_deg = static_cast<int>(integer("seasonal_deg"));
    p.trend_deg = static_cast<int>(integer("trend_deg"));
    p.low_pass_deg = static_cast<int>(integer("low_pass_deg"));
    p.robust = integer("robust") != 0;
    p.seasonal_jump = integer("seasonal_jump");
    p.trend_jump = integer("trend_jump");
    p.low_pass_jump = integer("low_pass_jump");
    if (integer("inner") != 0) p.inner_iterations = integer("inner");
    if (integer("outer") != 0) p.outer_iterations = integer("outer");
    const Index n = integer("n");
    REQUIRE(values["case"][row] == static_cast<double>(c));
    reference.x = values["x"].segment(row, n);
    reference.trend = values["trend"].segment(row, n);
    reference.seasonal = values["seasonal"].segment(row, n);
    reference.remainder = values["remainder"].segment(row, n);
    reference.weights = values["weights"].segment(row, n);
    row += n;
    out.push_back(reference);
  }
  REQUIRE(row == values["case"].size());
  return out;
}

/// The largest difference between two components, relative to the series' scale max |x|.
double scaled_difference(const anomaly::Vector<double>& ours, const anomaly::Vector<double>& theirs,
                         double scale) {
  return (ours - theirs).cwiseAbs().maxCoeff() / scale;
}

}  // namespace

TEST_CASE("stl equals statsmodels' STL in double", "[stl]") {
  const auto cases = read_cases();
  REQUIRE(cases.size() == 17);
  double largest = 0;
  for (std::size_t c = 0; c < cases.size(); ++c) {
    INFO("case " << c);
    const auto& reference = cases[c];
    const double scale = reference.x.cwiseAbs().maxCoeff();
    const auto result = anomaly::stl(reference.x, reference.params);
    const double differences[] = {scaled_difference(result.trend, reference.trend, scale),
                                  scaled_difference(result.seasonal, reference.seasonal, scale),
                                  scaled_difference(result.remainder, reference.remainder, scale),
                                  (result.weights - reference.weights).cwiseAbs().maxCoeff()};
    for (const double difference : differences) {
      CHECK(difference <= 1e-8);
      largest = std::max(largest, difference);
    }
  }
  WARN("largest difference from statsmodels in double: " << largest);
}

TEST_CASE("stl in float follows statsmodels to float precision", "[stl]") {
  double largest = 0, largest_weight = 0;
  for (const auto& reference : read_cases()) {
    const double scale = reference.x.cwiseAbs().maxCoeff();
    const anomaly::Vector<float> x = reference.x.cast<float>();
    const auto result = anomaly::stl(x, reference.params);
    largest =
        std::max({largest, scaled_difference(result.trend.cast<double>(), reference.trend, scale),
                  scaled_difference(result.seasonal.cast<double>(), reference.seasonal, scale),
                  scaled_difference(result.remainder.cast<double>(), reference.remainder, scale)});
    largest_weight = std::max(
        largest_weight, (result.weights.cast<double>() - reference.weights).cwiseAbs().maxCoeff());
  }
  CHECK(largest <= 1e-6);
  CHECK(largest_weight <= 1e-4);  // a weight moves by its remainder's error over 6 MADs
  WARN("largest difference from statsmodels in float: " << largest << ", weights "
                                                        << largest_weight);
}

TEST_CASE("stl derives its windows and iterations as statsmodels does", "[stl]") {
  const anomaly::StlParams p12{.period = 12};
  CHECK(anomaly::stl_trend_window(p12) == 23);
  CHECK(anomaly::stl_low_pass_window(p12) == 13);
  CHECK(anomaly::stl_trend_window({.period = 24}) == 47);
  CHECK(anomaly::stl_low_pass_window({.period = 24}) == 25);
  CHECK(anomaly::stl_trend_window({.period = 168}) == 321);
  CHECK(anomaly::stl_low_pass_window({.period = 7}) == 9);
  CHECK(anomaly::stl_trend_window({.period = 12, .seasonal = 3}) == 37);
  CHECK(anomaly::stl_trend_window({.period = 2}) == 5);
  CHECK(anomaly::stl_trend_window({.period = 12, .trend = 13}) == 13);
  CHECK(anomaly::stl_inner_iterations(p12) == 5);
  CHECK(anomaly::stl_outer_iterations(p12) == 0);
  CHECK(anomaly::stl_inner_iterations({.period = 12, .robust = true}) == 2);
  CHECK(anomaly::stl_outer_iterations({.period = 12, .robust = true}) == 15);
  CHECK(anomaly::stl_outer_iterations({.period = 12, .outer_iterations = 3}) == 3);
  CHECK(anomaly::stl_inner_iterations({.period = 12, .robust = true, .inner_iterations = 1}) == 1);
}

TEST_CASE("stl components add up to the series", "[stl]") {
  const Index n = 1000;
  anomaly::Vector<double> x(n);
  for (Index i = 0; i < n; ++i) {
    const auto t = static_cast<double>(i);
    x[i] = 1e3 + 0.3 * t + 20 * std::sin(t * 0.7) + 5 * std::sin(2 * std::numbers::pi * t / 24);
  }
  for (const bool robust : {false, true}) {
    const auto result = anomaly::stl(x, {.period = 24, .robust = robust});
    CHECK((result.trend + result.seasonal + result.remainder - x).cwiseAbs().maxCoeff() <= 1e-9);
    const anomaly::Vector<float> single = x.cast<float>();
    const auto in_float = anomaly::stl(single, {.period = 24, .robust = robust});
    CHECK(
        (in_float.trend + in_float.seasonal + in_float.remainder - single).cwiseAbs().maxCoeff() <=
        1e-3f);
  }
}

TEST_CASE("stl of a constant series is all trend", "[stl]") {
  const anomaly::Vector<double> x = anomaly::Vector<double>::Constant(100, 7.5);
  for (const bool robust : {false, true}) {
    const auto result = anomaly::stl(x, {.period = 10, .robust = robust});
    CHECK((result.trend.array() - 7.5).abs().maxCoeff() <= 1e-12);
    CHECK(result.seasonal.cwiseAbs().maxCoeff() <= 1e-12);
    CHECK(result.remainder.cwiseAbs().maxCoeff() <= 1e-12);
    // robust weights of remainders that are rounding noise are themselves noise: not checked
    if (!robust) CHECK(result.weights.minCoeff() == 1.0);
  }
}

TEST_CASE("stl of a pure season of the period is all seasonal", "[stl]") {
  const Index n = 24 * 20;
  anomaly::Vector<double> x(n);
  for (Index i = 0; i < n; ++i) {
    x[i] = 3 * std::sin(2 * std::numbers::pi * static_cast<double>(i) / 24);
  }
  const auto result = anomaly::stl(x, {.period = 24});
  CHECK(result.trend.cwiseAbs().maxCoeff() <= 1e-3);
  CHECK((result.seasonal - x).cwiseAbs().maxCoeff() <= 1e-3);
  CHECK(result.remainder.cwiseAbs().maxCoeff() <= 1e-3);
}

TEST_CASE("stl takes blocks, maps and float without a copy of the caller's data", "[stl]") {
  anomaly::Matrix<double> columns = anomaly::Matrix<double>::Random(60, 3);
  const auto from_block = anomaly::stl(columns.col(1), {.period = 6});
  const anomaly::Vector<double> copy = columns.col(1);
  const auto from_vector = anomaly::stl(copy, {.period = 6});
  CHECK(from_block.trend == from_vector.trend);
  CHECK(from_block.seasonal == from_vector.seasonal);
}

TEST_CASE("stl robust weights down-weight a spike", "[stl]") {
  const Index n = 240;
  anomaly::Vector<double> x(n);
  for (Index i = 0; i < n; ++i) {
    x[i] = 10 + std::sin(2 * std::numbers::pi * static_cast<double>(i) / 12) +
           0.1 * std::cos(static_cast<double>(i * i));
  }
  x[100] += 50;
  const auto result = anomaly::stl(x, {.period = 12, .robust = true});
  CHECK(result.weights[100] == 0.0);
  CHECK(result.remainder[100] > 40);
}

TEST_CASE("stl rejects bad parameters and series, naming them", "[stl]") {
  const anomaly::Vector<double> x = anomaly::Vector<double>::LinSpaced(48, 0, 1);
  const auto rejects = [&](const anomaly::StlParams& params, const std::string& needle) {
    require_error([&] { anomaly::stl(x, params); }, ErrorCode::invalid_parameter, needle);
  };
  rejects({.period = 1}, "period must be an integer >= 2 (got 1)");
  rejects({}, "period must be an integer >= 2 (got 0)");
  rejects({.period = Index{1} << 50}, "period and windows must be at most 2^40");
  rejects({.period = 12, .trend = (Index{1} << 62) + 1}, "period and windows must be at most 2^40");
  rejects({.period = 12, .seasonal = 6}, "seasonal must be an odd integer >= 3 (got 6)");
  rejects({.period = 12, .seasonal = 1}, "seasonal must be an odd integer >= 3 (got 1)");
  rejects({.period = 12, .trend = 11}, "trend must be an odd integer >= 3 and > period (12)");
  rejects({.period = 12, .trend = 14},
          "trend must be an odd integer >= 3 and > period (12) (got 14)");
  rejects({.period = 2, .trend = 1}, "trend must be");
  rejects({.period = 12, .low_pass = 12}, "low_pass must be an odd integer >= 3 and > period");
  rejects({.period = 12, .low_pass = 11}, "low_pass must be");
  rejects({.period = 12, .seasonal_deg = 2}, "seasonal_deg must be 0 or 1 (got 2)");
  rejects({.period = 12, .trend_deg = -1}, "trend_deg must be 0 or 1 (got -1)");
  rejects({.period = 12, .low_pass_deg = 3}, "low_pass_deg must be 0 or 1");
  rejects({.period = 12, .seasonal_jump = 0}, "seasonal_jump must be >= 1 (got 0)");
  rejects({.period = 12, .trend_jump = -2}, "trend_jump must be >= 1");
  rejects({.period = 12, .low_pass_jump = 0}, "low_pass_jump must be >= 1");
  rejects({.period = 12, .inner_iterations = -1}, "inner_iterations must be >= 1 (0: derived)");
  rejects({.period = 12, .outer_iterations = -1}, "outer_iterations must be >= 1 (0: derived)");

  require_error([&] { anomaly::stl(x, {.period = 25}); }, ErrorCode::too_few_samples,
                "series has 48 points; stl with period 25 needs at least two periods (50)");
  require_error([&] { anomaly::stl(anomaly::Vector<double>(), {.period = 2}); },
                ErrorCode::too_few_samples, "series has 0 points");
  const anomaly::Matrix<double> two_columns = anomaly::Matrix<double>::Zero(48, 2);
  require_error([&] { anomaly::stl(two_columns, {.period = 12}); }, ErrorCode::dimension_mismatch,
                "series has 2 columns");
  anomaly::Vector<double> bad = x;
  bad[17] = std::numeric_limits<double>::quiet_NaN();
  require_error([&] { anomaly::stl(bad, {.period = 12}); }, ErrorCode::non_finite_input,
                "series[17] is NaN");
  bad[17] = -std::numeric_limits<double>::infinity();
  require_error([&] { anomaly::stl(bad, {.period = 12}); }, ErrorCode::non_finite_input,
                "series[17] is -infinity");
  anomaly::Vector<float> bad_float = x.cast<float>();
  bad_float[3] = std::numeric_limits<float>::infinity();
  require_error([&] { anomaly::stl(bad_float, {.period = 12}); }, ErrorCode::non_finite_input,
                "series[3] is +infinity");
  bad[17] = 1e307;
  require_error([&] { anomaly::stl(bad, {.period = 12}); }, ErrorCode::non_finite_input,
                "series[17] = 1e+307 is too large");
  // check() says the same without throwing
  CHECK(anomaly::check(anomaly::StlParams{.period = 12}, x) == std::nullopt);
  CHECK(anomaly::check(anomaly::StlParams{.period = 12, .seasonal = 4}, x)->code() ==
        ErrorCode::invalid_parameter);
}

TEST_CASE("stl accepts windows longer than the series and two periods exactly", "[stl]") {
  const anomaly::Vector<double> x = anomaly::Vector<double>::LinSpaced(24, -3, 5);
  const auto result = anomaly::stl(
      x, {.period = 12, .seasonal = 99, .trend = 1001, .low_pass = 501, .robust = true});
  CHECK(result.trend.allFinite());
  CHECK(result.seasonal.allFinite());
  CHECK((result.trend + result.seasonal + result.remainder - x).cwiseAbs().maxCoeff() <= 1e-12);
}

TEST_CASE("stl's median of the remainders is exact on long and adversarial inputs", "[stl]") {
  const Index n = 100'001;
  std::vector<anomaly::Vector<double>> inputs;
  anomaly::Vector<double> noise(n);
  for (Index i = 0; i < n; ++i) noise[i] = std::abs(std::sin(static_cast<double>(i) * 12.9898));
  inputs.push_back(noise);
  inputs.push_back(anomaly::Vector<double>::LinSpaced(n, 0, 1));  // the sample misses nothing
  inputs.push_back(anomaly::Vector<double>::LinSpaced(n, 1, 0));
  inputs.push_back(anomaly::Vector<double>::Constant(n, 0.25));  // all ties
  anomaly::Vector<double> strided = noise;
  for (Index i = 0; i < n; i += n / 1024) strided[i] = 1e6;  // every sampled value is the largest
  inputs.push_back(strided);
  inputs.push_back(noise.head(n - 1));  // even length: two different middle values
  for (const auto& values : inputs) {
    std::vector<double> sorted(values.data(), values.data() + values.size());
    std::sort(sorted.begin(), sorted.end());
    const auto size = static_cast<std::size_t>(values.size());
    const double expected = sorted[(size - 1) / 2] + sorted[size / 2];
    std::vector<double> buffer(size);
    CHECK(anomaly::detail::middle_pair_sum(values.data(), values.size(), buffer.data()) ==
          expected);
  }
}
