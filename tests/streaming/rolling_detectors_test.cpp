// The rolling detectors: pandas' rolling statistics, equality with the batch detectors fitted on
// the previous window, an O(window) oracle, drift over long runs, policies and parameters.
#include <anomaly/core/random.hpp>
#include <anomaly/detectors.hpp>
#include <anomaly/streaming.hpp>

#include <algorithm>
#include <cmath>
#include <deque>
#include <string>
#include <vector>

#include "catch.hpp"
#include "csv_table.hpp"

using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {

/// Relative tolerance, with an absolute floor for values near 0.
bool close(double actual, double expected, double tolerance) {
  return std::abs(actual - expected) <= tolerance * std::max(1.0, std::abs(expected));
}

/// Gaussian noise with level shifts, quantized stretches (ties) and clusters the median jumps
/// between: the regimes that stress the order statistics.
template <class T>
std::vector<T> regime_series(int n, std::uint64_t seed) {
  anomaly::Random random(seed);
  std::vector<T> x(static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    const int regime = (i / 150) % 4;
    double value = anomaly::normal(random);
    if (regime == 1) value = std::round(value * 2.0);  // a few tied levels
    if (regime == 2) value += anomaly::uniform_index(random, 2) == 0 ? 50.0 : -50.0;
    if (regime == 3) value = 10.0 + value * 0.01;
    if (anomaly::uniform_index(random, 200) == 0) value += 30.0;
    x[static_cast<std::size_t>(i)] = static_cast<T>(value);
  }
  return x;
}

/// Median and MAD by sorting copies (the oracle): numpy's linear method for both.
std::pair<double, double> sorted_median_and_mad(std::vector<double> values) {
  const auto median = [](std::vector<double>& v) {
    std::sort(v.begin(), v.end());
    const double position = 0.5 * static_cast<double>(v.size() - 1);
    const auto below = static_cast<std::size_t>(position);
    if (below + 1 >= v.size()) return v[below];
    return v[below] + (position - static_cast<double>(below)) * (v[below + 1] - v[below]);
  };
  const double m = median(values);
  for (double& v : values) v = std::abs(v - m);
  return {m, median(values)};
}

/// A RollingMedianAbsoluteDeviation of window `w` beside the window itself, kept as a deque: its
/// median and MAD are checked against sorting the deque.
class MadBesideSorting {
 public:
  explicit MadBesideSorting(anomaly::Index w) : w_(w), mad_({.window = w, .min_samples = 1}) {}
  anomaly::Index size() const { return static_cast<anomaly::Index>(window_.size()); }
  void require_equal() {
    const auto [median, deviation] =
        sorted_median_and_mad(std::vector<double>(window_.begin(), window_.end()));
    REQUIRE(mad_.median() == median);
    REQUIRE(mad_.median_absolute_deviation() == deviation);
  }
  void push(double value) {
    mad_.update(value);
    window_.push_back(value);
    if (size() > w_) window_.pop_front();
  }

 private:
  anomaly::Index w_;
  anomaly::RollingMedianAbsoluteDeviation<double> mad_;
  std::deque<double> window_;
};

/// The last `rows` samples before t as a one-column matrix.
template <class T>
anomaly::Matrix<T> previous(const std::vector<T>& x, std::size_t t, std::size_t rows) {
  anomaly::Matrix<T> X(static_cast<anomaly::Index>(rows), 1);
  for (std::size_t i = 0; i < rows; ++i) X(static_cast<anomaly::Index>(i), 0) = x[t - rows + i];
  return X;
}

}  // namespace

TEST_CASE("Rolling statistics and scores equal pandas' rolling values shifted by one",
          "[rolling]") {
  const auto table =
      anomaly::testing::read_csv_table(std::string(ANOMALY_TEST_DATA) + "/rolling_reference.csv");
  const auto& windows = table["window"];
  const auto& x = table["x"];
  const auto& t = table["t"];
  const auto series =
      anomaly::testing::read_csv_table(std::string(ANOMALY_TEST_DATA) + "/rolling_series.csv")["x"];
  for (const double window_value : {64.0, 101.0}) {
    const auto w = static_cast<anomaly::Index>(window_value);
    anomaly::RollingZScore<double> z({.window = w, .min_samples = w});
    anomaly::RollingMedianAbsoluteDeviation<double> mad({.window = w, .min_samples = w});
    anomaly::RollingInterquartileRange<double> iqr({.window = w, .min_samples = w});
    // The reference starts at t = window: replay the samples before it first (they score 0).
    anomaly::Index first = 0;
    while (windows[first] != window_value) ++first;
    for (anomaly::Index i = 0; i < static_cast<anomaly::Index>(t[first]); ++i) {
      REQUIRE(z.update(series[i]) == 0.0);
      REQUIRE(mad.update(series[i]) == 0.0);
      REQUIRE(iqr.update(series[i]) == 0.0);
    }
    anomaly::Index rows_checked = 0;
    for (anomaly::Index r = first; r < x.size() && windows[r] == window_value;
         ++r, ++rows_checked) {
      REQUIRE(z.ready());
      CHECK(close(z.mean(), table["mean"][r], 1e-12));
      CHECK(close(z.stddev(), table["std"][r], 1e-10));
      CHECK(mad.median() == table["median"][r]);
      CHECK(close(mad.median_absolute_deviation(), table["mad"][r], 1e-14));
      CHECK(iqr.q1() == table["q1"][r]);
      CHECK(iqr.q3() == table["q3"][r]);
      CHECK(close(z.update(x[r]), table["zscore"][r], 1e-9));
      CHECK(close(mad.update(x[r]), table["modified_zscore"][r], 1e-12));
      CHECK(close(iqr.update(x[r]), table["iqr"][r], 1e-12));
    }
    REQUIRE(rows_checked > 2800);
  }
}

TEST_CASE("A rolling score equals the batch detector fitted on the previous window", "[rolling]") {
  const auto x = regime_series<double>(1500, 7);
  for (const anomaly::Index w : {anomaly::Index{20}, anomaly::Index{33}}) {
    anomaly::RollingZScore<double> z({.window = w, .min_samples = 5});
    anomaly::RollingMedianAbsoluteDeviation<double> mad({.window = w, .min_samples = 5});
    anomaly::RollingInterquartileRange<double> iqr({.window = w, .min_samples = 5});
    for (std::size_t t = 0; t < x.size(); ++t) {
      const std::size_t rows = std::min<std::size_t>(t, static_cast<std::size_t>(w));
      const double zs = z.update(x[t]), ms = mad.update(x[t]), qs = iqr.update(x[t]);
      if (rows < 5) {
        REQUIRE((zs == 0.0 && ms == 0.0 && qs == 0.0));
        continue;
      }
      const auto X = previous(x, t, rows);
      anomaly::RowVector<double> row(1);
      row[0] = x[t];
      INFO("t = " << t << ", window " << w);
      // Running sums lose (range / stddev)^2 * epsilon: 1e-8 right after a jump from +-50 to a
      // stddev of 0.01 (regime 3); a two-pass batch fit does not.
      REQUIRE_THAT(zs, WithinRel(anomaly::ZScore<double>().fit(X).score_one(row), 1e-7));
      REQUIRE(close(ms, anomaly::ModifiedZScore<double>().fit(X).score_one(row), 1e-12));
      REQUIRE((ms == anomaly::ModifiedZScore<double>().fit(X).score_one(row) ||
               sorted_median_and_mad(std::vector<double>(X.data(), X.data() + X.size())).second ==
                   0.0));  // bit-equal, except where the mean deviation (a sum) stands in
      REQUIRE(qs == anomaly::InterquartileRange<double>().fit(X).score_one(row));
    }
  }
}

TEST_CASE("Float rolling detectors agree with the float batch detectors", "[rolling]") {
  const auto x = regime_series<float>(800, 8);
  const anomaly::Index w = 40;
  anomaly::RollingZScore<float, 40> z({.window = w, .min_samples = w});
  anomaly::RollingMedianAbsoluteDeviation<float, 40> mad({.window = w, .min_samples = w});
  anomaly::RollingInterquartileRange<float, 40> iqr({.window = w, .min_samples = w});
  for (std::size_t t = 0; t < x.size(); ++t) {
    const float zs = z.update(x[t]), ms = mad.update(x[t]), qs = iqr.update(x[t]);
    if (t < static_cast<std::size_t>(w)) continue;
    const auto X = previous(x, t, static_cast<std::size_t>(w));
    anomaly::RowVector<float> row(1);
    row[0] = x[t];
    REQUIRE(close(zs, anomaly::ZScore<float>().fit(X).score_one(row), 1e-4));
    REQUIRE(close(ms, anomaly::ModifiedZScore<float>().fit(X).score_one(row), 1e-5));
    REQUIRE(close(qs, anomaly::InterquartileRange<float>().fit(X).score_one(row), 1e-5));
  }
}

TEST_CASE("The rolling MAD equals sorting the window, also when the median jumps far",
          "[rolling]") {
  anomaly::Random random(99);
  for (const anomaly::Index w :
       {anomaly::Index{2}, anomaly::Index{3}, anomaly::Index{64}, anomaly::Index{257}}) {
    MadBesideSorting mad(w);
    for (int t = 0; t < 6000; ++t) {
      // Two far clusters in shifting proportions: the median crosses the gap back and forth.
      const bool high = anomaly::uniform_real(random) < 0.5 + 0.45 * std::sin(t / 40.0);
      double value = (high ? 1000.0 : 0.0) + std::round(anomaly::normal(random) * 3.0);
      if (t % 1000 > 900) value = 7.0;  // a constant run: MAD 0
      if (mad.size() > 0) mad.require_equal();
      mad.push(value);
    }
  }
}

TEST_CASE("The rolling MAD equals sorting the window when the median jumps every sample",
          "[rolling]") {
  // Alternating clusters in an odd window: the majority, and so the median, changes side on
  // every sample, and the nearest run is found afresh each time (a tree of height 2 at 2049).
  anomaly::Random random(5);
  for (const anomaly::Index w : {anomaly::Index{5}, anomaly::Index{2049}}) {
    MadBesideSorting mad(w);
    for (int t = 0; t < 3 * static_cast<int>(w) + 500; ++t) {
      const double value = (t % 2 == 0 ? -500.0 : 500.0) + std::round(anomaly::normal(random) * 40);
      if (mad.size() == w && t % 7 == 0) mad.require_equal();
      mad.push(value);
    }
  }
}

TEST_CASE("RollingZScore does not drift over long runs far from zero", "[rolling]") {
#ifdef NDEBUG
  const long updates = 30'000'000;  // release: long enough for any drift to show
#else
  const long updates = 300'000;  // debug and sanitizer builds: short
#endif
  const anomaly::Index w = 1024;
  anomaly::RollingZScore<double> z({.window = w});
  anomaly::RollingZScore<float> zf({.window = w});
  std::vector<double> ring(static_cast<std::size_t>(w));
  anomaly::Random random(1);
  double worst_mean = 0, worst_std = 0;
  for (long t = 0; t < updates; ++t) {
    const double value = 1e6 + anomaly::normal(random) + (t / 100000 % 2 == 0 ? 0.0 : 50.0);
    z.update(value);
    zf.update(static_cast<float>(value));
    ring[static_cast<std::size_t>(t % w)] = static_cast<double>(static_cast<float>(value));
    if (t % 9973 == 9972 || t + 1 == updates) {  // exact two-pass statistics of the float window
      double mean = 0, squares = 0;
      for (const double v : ring) mean += v;
      mean /= static_cast<double>(w);
      for (const double v : ring) squares += (v - mean) * (v - mean);
      const double stddev = std::sqrt(squares / static_cast<double>(w));
      worst_mean = std::max(worst_mean, std::abs(zf.mean() - mean));
      worst_std = std::max(worst_std, std::abs(zf.stddev() - stddev) / stddev);
    }
  }
  CHECK(worst_mean < 1e-9);
  CHECK(worst_std < 1e-9);
  REQUIRE(z.stddev() > 0.5);
}

TEST_CASE("Non-finite samples are skipped or flagged and leave the window alone", "[rolling]") {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  anomaly::RollingMedianAbsoluteDeviation<double> skip({.window = 8, .min_samples = 2});
  anomaly::RollingMedianAbsoluteDeviation<double> flag(
      {.window = 8, .min_samples = 2, .non_finite = anomaly::NonFinitePolicy::flag});
  for (const double v : {1.0, 2.0, 3.0, 4.0}) {
    skip.update(v);
    flag.update(v);
  }
  REQUIRE(std::isnan(skip.update(nan)));
  REQUIRE(std::isnan(skip.update(-inf)));
  REQUIRE(!skip.is_anomaly(skip.update(nan)));
  REQUIRE(flag.update(nan) == inf);
  REQUIRE(flag.is_anomaly(flag.update(inf)));
  REQUIRE(skip.size() == 4);
  REQUIRE(flag.size() == 4);
  REQUIRE(skip.update(2.5) == flag.update(2.5));
}

TEST_CASE("Rolling detectors warm up, reset, and score blocks like single samples", "[rolling]") {
  const auto x = regime_series<float>(500, 3);
  anomaly::RollingInterquartileRange<float> one({.window = 50, .min_samples = 10});
  anomaly::RollingInterquartileRange<float> block({.window = 50, .min_samples = 10});
  anomaly::RollingInterquartileRange<float, 64> fixed({.window = 50, .min_samples = 10});
  std::vector<float> out(x.size());
  block.update(x, out);
  for (std::size_t t = 0; t < x.size(); ++t) {
    REQUIRE(one.ready() == (t >= 10));
    const float score = one.update(x[t]);
    REQUIRE(score == out[t]);
    REQUIRE(score == fixed.update(x[t]));
    if (t < 10) REQUIRE(score == 0.0f);
  }
  REQUIRE(one.size() == 50);
  one.reset();
  REQUIRE((one.size() == 0 && !one.ready()));
  for (std::size_t t = 0; t < 100; ++t) REQUIRE(one.update(x[t]) == out[t]);

  anomaly::RollingZScore<double> z({.window = 4, .min_samples = 2});
  for (int i = 0; i < 4; ++i) z.update(5.0);
  REQUIRE(z.update(7.0) == 2.0);  // a constant window scores in raw units, as ZScore does
}

TEST_CASE("Bad rolling parameters are anomaly::Errors naming the parameter", "[rolling]") {
  const auto message = [](const std::optional<anomaly::Error>& error) {
    REQUIRE(error.has_value());
    REQUIRE(error->code() == anomaly::ErrorCode::invalid_parameter);
    return std::string(error->message());
  };
  REQUIRE(message(anomaly::check(anomaly::RollingZScoreParams{.window = 1})).find("window") == 0);
  REQUIRE(
      message(anomaly::check(anomaly::RollingZScoreParams{.min_samples = 0})).find("min_samples") ==
      0);
  REQUIRE(
      message(anomaly::check(anomaly::RollingZScoreParams{.threshold = -1.0})).find("threshold") ==
      0);
  REQUIRE(message(anomaly::check(anomaly::RollingMedianAbsoluteDeviationParams{
                      .threshold = std::numeric_limits<double>::quiet_NaN()}))
              .find("threshold") == 0);
  REQUIRE(message(anomaly::check(anomaly::RollingInterquartileRangeParams{.fence = -0.5}))
              .find("fence") == 0);
  REQUIRE(message(anomaly::check(anomaly::RollingInterquartileRangeParams{}, 64))
              .find("window must be <= the fixed capacity 64") == 0);
  REQUIRE(!anomaly::check(anomaly::RollingInterquartileRangeParams{.window = 64}, 64));
  REQUIRE_THROWS_AS(anomaly::RollingZScore<double>({.window = 0}), anomaly::Exception);
  REQUIRE_THROWS_AS((anomaly::RollingMedianAbsoluteDeviation<float, 16>({.window = 17})),
                    anomaly::Exception);
  REQUIRE_THROWS_AS(anomaly::RollingInterquartileRange<double>({.fence = INFINITY}),
                    anomaly::Exception);
}
