// generalized_esd and Student's t quantile: equal to an independent Python implementation of
// Rosner's procedure and to mpmath's quantiles (tests/reference/make_generalized_esd_reference.py)
// on planted outliers, Rosner's 54 values, ties, NaNs and constant ends; bad input.
#include <anomaly/detail/student_t.hpp>
#include <anomaly/timeseries/generalized_esd.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <string>
#include <vector>

#include "catch.hpp"
#include "csv_table.hpp"
#include "require_error.hpp"

namespace {

using anomaly::GeneralizedEsdParams;
using anomaly::Index;
using anomaly::testing::require_error;

double relative(double found, double expected) {
  return std::abs(found - expected) / std::abs(expected);
}

struct ReferenceSteps {
  GeneralizedEsdParams params;
  Index finite_count = 0, found = 0;
  std::vector<Index> removed;
  std::vector<double> statistics, critical_values, critical_values_scipy;
};

std::map<Index, Eigen::VectorXd> read_series() {
  const auto table = anomaly::testing::read_csv_table(std::string(ANOMALY_TEST_DATA) +
                                                      "/generalized_esd_series.csv");
  std::map<Index, std::vector<double>> values;
  for (Index row = 0; row < table["case"].size(); ++row) {
    values[static_cast<Index>(table["case"][row])].push_back(table["x"][row]);
  }
  std::map<Index, Eigen::VectorXd> series;
  for (const auto& [id, x] : values) {
    series[id] = Eigen::Map<const Eigen::VectorXd>(x.data(), static_cast<Index>(x.size()));
  }
  return series;
}

/// Keyed by (case, robust).
std::map<std::pair<Index, bool>, ReferenceSteps> read_steps() {
  const auto table = anomaly::testing::read_csv_table(std::string(ANOMALY_TEST_DATA) +
                                                      "/generalized_esd_reference.csv");
  std::map<std::pair<Index, bool>, ReferenceSteps> steps;
  for (Index row = 0; row < table["case"].size(); ++row) {
    auto& s = steps[{static_cast<Index>(table["case"][row]), table["robust"][row] == 1.0}];
    s.params = {.max_anomalies = static_cast<Index>(table["k"][row]),
                .alpha = table["alpha"][row],
                .robust = table["robust"][row] == 1.0};
    s.finite_count = static_cast<Index>(table["n"][row]);
    s.found = static_cast<Index>(table["found"][row]);
    s.removed.push_back(static_cast<Index>(table["removed"][row]));
    s.statistics.push_back(table["R"][row]);
    s.critical_values.push_back(table["lambda"][row]);
    s.critical_values_scipy.push_back(table["lambda_scipy"][row]);
  }
  return steps;
}

/// The anomalies a reference run names: the first `found` removed, ascending.
std::vector<Index> expected_anomalies(const ReferenceSteps& s) {
  std::vector<Index> anomalies(s.removed.begin(), s.removed.begin() + s.found);
  std::sort(anomalies.begin(), anomalies.end());
  return anomalies;
}

}  // namespace

TEST_CASE("student_t_quantile equals mpmath's to 1e-12 and scipy's t.ppf to its own 1e-8",
          "[generalized_esd]") {
  const auto table =
      anomaly::testing::read_csv_table(std::string(ANOMALY_TEST_DATA) + "/student_t_reference.csv");
  REQUIRE(table["dof"].size() == 660);
  double largest = 0, largest_scipy = 0;
  for (Index row = 0; row < table["dof"].size(); ++row) {
    const double dof = table["dof"][row], p = table["p"][row];
    const double found = anomaly::detail::student_t_quantile(p, dof);
    const double exact = table["mpmath"][row];
    INFO("dof " << dof << ", p " << p << ": " << found << " vs " << exact);
    if (exact == 0) {
      CHECK(found == 0);
      continue;
    }
    largest = std::max(largest, relative(found, exact));
    largest_scipy = std::max(largest_scipy, relative(found, table["scipy"][row]));
    CHECK(relative(found, exact) <= 1e-12);
    CHECK(relative(found, table["scipy"][row]) <= 1e-8);
  }
  INFO("largest relative difference: mpmath " << largest << ", scipy " << largest_scipy);
  CHECK(largest <= 1e-12);
  // The upper quantile takes the tail itself, which 1 - p cannot hold below about 1e-16.
  for (const double dof : {3.0, 10.0, 1000.0}) {
    const double t = anomaly::detail::student_t_upper_quantile(1e-20, dof);
    CHECK(relative(anomaly::detail::student_t_probabilities(t, dof).tail, 1e-20) <= 1e-12);
  }
  CHECK(std::isnan(anomaly::detail::student_t_quantile(0.0, 5.0)));
  CHECK(std::isnan(anomaly::detail::student_t_quantile(0.5, 0.5)));
}

TEST_CASE("generalized_esd equals an independent implementation of Rosner's procedure",
          "[generalized_esd]") {
  const auto series = read_series();
  const auto steps = read_steps();
  REQUIRE(series.size() == 11);
  REQUIRE(steps.size() == 22);
  double largest_statistic = 0, largest_critical = 0, largest_scipy = 0;
  for (const auto& [key, reference] : steps) {
    const auto& x = series.at(key.first);
    INFO("case " << key.first << (key.second ? ", robust" : ", mean and sd"));
    const auto result = anomaly::generalized_esd(x, reference.params);
    REQUIRE(result.removed == reference.removed);
    REQUIRE(result.statistics.size() == static_cast<Index>(reference.statistics.size()));
    REQUIRE(result.critical_values.size() == result.statistics.size());
    for (std::size_t i = 0; i < reference.statistics.size(); ++i) {
      const Index step = static_cast<Index>(i);
      INFO("step " << i + 1);
      largest_statistic =
          std::max(largest_statistic, relative(result.statistics[step], reference.statistics[i]));
      largest_critical = std::max(
          largest_critical, relative(result.critical_values[step], reference.critical_values[i]));
      largest_scipy = std::max(largest_scipy, relative(result.critical_values[step],
                                                       reference.critical_values_scipy[i]));
      CHECK(relative(result.statistics[step], reference.statistics[i]) <= 1e-10);
      CHECK(relative(result.critical_values[step], reference.critical_values[i]) <= 1e-10);
      CHECK(relative(result.critical_values[step], reference.critical_values_scipy[i]) <= 1e-8);
    }
    CHECK(result.anomalies == expected_anomalies(reference));

    // Float input: the same test on the values rounded to float, computed in double.
    const Eigen::VectorXf in_float = x.cast<float>();
    const auto from_float = anomaly::generalized_esd(in_float, reference.params);
    const auto from_rounded =
        anomaly::generalized_esd(Eigen::VectorXd(in_float.cast<double>()), reference.params);
    CHECK(from_float.removed == from_rounded.removed);
    CHECK(from_float.anomalies == from_rounded.anomalies);
    CHECK(from_float.statistics == from_rounded.statistics);
  }
  INFO("largest relative differences: R " << largest_statistic << ", lambda " << largest_critical
                                          << ", lambda with scipy " << largest_scipy);
  CHECK(largest_statistic <= 1e-10);
}

TEST_CASE("generalized_esd finds Rosner's three outliers", "[generalized_esd]") {
  const Eigen::VectorXd x = read_series().at(0);
  REQUIRE(x.size() == 54);
  const auto result = anomaly::generalized_esd(x, {.max_anomalies = 10});
  CHECK(result.anomalies == std::vector<Index>{51, 52, 53});  // 5.34, 5.42 and 6.01
  // R_3 = 3.179 > lambda_3 although R_1 and R_2 are below theirs: masking, which Rosner's
  // procedure is built to see through.
  CHECK(result.statistics[0] < result.critical_values[0]);
  CHECK(result.statistics[2] > result.critical_values[2]);
  // The default k is a tenth of the values: 5 steps here.
  CHECK(anomaly::generalized_esd(x).statistics.size() == 5);
}

TEST_CASE("generalized_esd's running sums stay exact over thousands of steps",
          "[generalized_esd]") {
  // Far from 0, with outliers of many sizes: 20000 values, the default k of 2000 steps.
  const Index n = 20000;
  Eigen::VectorXd x(n);
  for (Index t = 0; t < n; ++t) {
    const double u = static_cast<double>((t * 7919 + 13) % 10007) / 10007.0;
    const double w = static_cast<double>((t * 104729 + 7) % 9973) / 9973.0;
    x[t] = 1e6 + (u + w - 1.0) + (t % 997 == 0 ? std::pow(10.0, static_cast<double>(t % 7)) : 0.0);
  }
  for (const bool robust : {false, true}) {
    INFO((robust ? "robust" : "mean and sd"));
    const auto result = anomaly::generalized_esd(x, {.robust = robust});
    REQUIRE(result.statistics.size() == 2000);
    // R_k from the values left before the last step, computed directly in long double.
    std::vector<bool> gone(static_cast<std::size_t>(n), false);
    for (std::size_t i = 0; i + 1 < result.removed.size(); ++i) {
      gone[static_cast<std::size_t>(result.removed[i])] = true;
    }
    std::vector<long double> left;
    for (Index t = 0; t < n; ++t) {
      if (!gone[static_cast<std::size_t>(t)]) left.push_back(x[t]);
    }
    std::sort(left.begin(), left.end());
    const auto count = static_cast<long double>(left.size());
    long double center = 0, scale = 0;
    if (robust) {
      const std::size_t half = left.size() / 2;
      center = left.size() % 2 == 1 ? left[half] : (left[half - 1] + left[half]) / 2;
      std::vector<long double> distances;
      for (const long double v : left) distances.push_back(std::abs(v - center));
      std::sort(distances.begin(), distances.end());
      scale = 1.4826L * (left.size() % 2 == 1 ? distances[half]
                                              : (distances[half - 1] + distances[half]) / 2);
    } else {
      for (const long double v : left) center += v;
      center /= count;
      for (const long double v : left) scale += (v - center) * (v - center);
      scale = std::sqrt(scale / (count - 1));
    }
    const long double extreme = std::abs(x[result.removed[1999]] - center) / scale;
    CHECK(relative(result.statistics[1999], static_cast<double>(extreme)) <= 1e-12);
    CHECK(!result.anomalies.empty());
  }
}

TEST_CASE("generalized_esd: NaN skipped, constant series, rows and columns", "[generalized_esd]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Eigen::VectorXd x(8);
  x << 1, nan, 2, 1, 2, 30, nan, 1;
  const auto with_nan = anomaly::generalized_esd(x, {.max_anomalies = 2, .alpha = 0.2});
  Eigen::VectorXd without(6);
  without << 1, 2, 1, 2, 30, 1;
  const auto reference = anomaly::generalized_esd(without, {.max_anomalies = 2, .alpha = 0.2});
  CHECK(with_nan.statistics == reference.statistics);
  CHECK(with_nan.critical_values == reference.critical_values);
  CHECK(with_nan.anomalies == std::vector<Index>{5});

  for (const bool robust : {false, true}) {
    const Eigen::VectorXd constant = Eigen::VectorXd::Constant(30, 0.1);
    const auto none = anomaly::generalized_esd(constant, {.max_anomalies = 5, .robust = robust});
    CHECK(none.anomalies.empty());
    CHECK(none.statistics.size() == 0);
  }
  Eigen::MatrixXd wide = Eigen::MatrixXd::Zero(3, 40);
  for (Index t = 0; t < 40; ++t) wide(1, t) = std::sin(0.7 * static_cast<double>(t));
  wide(1, 13) = 25;
  const auto from_row = anomaly::generalized_esd(wide.row(1), {.max_anomalies = 3});
  CHECK(from_row.anomalies == std::vector<Index>{13});
  const Eigen::VectorXd column = wide.row(1).transpose();
  CHECK(anomaly::generalized_esd(column, {.max_anomalies = 3}).statistics == from_row.statistics);
}

TEST_CASE("generalized_esd rejects bad input, naming it", "[generalized_esd]") {
  Eigen::VectorXd x = Eigen::VectorXd::LinSpaced(10, 0.0, 1.0);
  using anomaly::ErrorCode;
  for (const double alpha : {0.0, 1.0, -0.5, std::numeric_limits<double>::quiet_NaN()}) {
    require_error([&] { (void)anomaly::generalized_esd(x, {.alpha = alpha}); },
                  ErrorCode::invalid_parameter, "alpha must be in (0, 1)");
  }
  require_error([&] { (void)anomaly::generalized_esd(x, {.max_anomalies = 9}); },
                ErrorCode::invalid_parameter, "max_anomalies must be in [0, 8] for 10");
  require_error([&] { (void)anomaly::generalized_esd(x, {.max_anomalies = -1}); },
                ErrorCode::invalid_parameter, "max_anomalies");
  CHECK(anomaly::generalized_esd(x, {.max_anomalies = 8}).statistics.size() == 8);
  Eigen::VectorXd bad = x;
  bad[6] = std::numeric_limits<double>::infinity();
  require_error([&] { (void)anomaly::generalized_esd(bad); }, ErrorCode::non_finite_input,
                "series[6] is +infinity");
  bad[6] = -std::numeric_limits<double>::infinity();
  require_error([&] { (void)anomaly::generalized_esd(bad); }, ErrorCode::non_finite_input,
                "series[6] is -infinity");
  Eigen::VectorXd short_series(4);
  short_series << 1, std::numeric_limits<double>::quiet_NaN(), 2,
      std::numeric_limits<double>::quiet_NaN();
  require_error([&] { (void)anomaly::generalized_esd(short_series); }, ErrorCode::too_few_samples,
                "2 finite values; generalized_esd needs at least 3");
  require_error([&] { (void)anomaly::generalized_esd(Eigen::MatrixXd::Ones(4, 2)); },
                ErrorCode::dimension_mismatch, "4 rows and 2 columns");
}
