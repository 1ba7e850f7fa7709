// ZScore, ModifiedZScore and InterquartileRange on cases small enough to work by hand.
#include <anomaly/detectors.hpp>

#include <algorithm>
#include <vector>

#include "catch.hpp"

using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {
anomaly::Matrix<double> column(std::initializer_list<double> values) {
  anomaly::Matrix<double> X(static_cast<Eigen::Index>(values.size()), 1);
  Eigen::Index i = 0;
  for (double v : values) X(i++, 0) = v;
  return X;
}
}  // namespace

TEST_CASE("ZScore uses the population standard deviation", "[z_score]") {
  const auto model = anomaly::ZScore<>{}.fit(column({1, 2, 3, 4, 5}));
  CHECK(model.mean[0] == 3.0);
  REQUIRE_THAT(model.stddev[0], WithinRel(std::sqrt(2.0), 1e-15));
  REQUIRE_THAT(model.score(column({5}))[0], WithinRel(2.0 / std::sqrt(2.0), 1e-15));
  REQUIRE_THAT(model.score(column({-3}))[0], WithinRel(6.0 / std::sqrt(2.0), 1e-15));
  CHECK(model.threshold == 3.0);
}

TEST_CASE("ModifiedZScore is 0.6745 |x - median| / MAD", "[modified_z_score]") {
  const auto model = anomaly::ModifiedZScore<>{}.fit(column({1, 2, 3, 4, 100}));
  CHECK(model.median[0] == 3.0);
  CHECK(model.mad[0] == 1.0);
  REQUIRE_THAT(model.score(column({100}))[0], WithinRel(0.6745 * 97, 1e-14));
  CHECK(model.threshold == 3.5);
}

TEST_CASE("ModifiedZScore falls back to 1.253314 times the mean absolute deviation when MAD is 0",
          "[modified_z_score]") {
  const auto model = anomaly::ModifiedZScore<>{}.fit(column({5, 5, 5, 5, 6, 7}));
  CHECK(model.mad[0] == 0.0);  // deviations 0 0 0 0 1 2, mean 0.5
  REQUIRE_THAT(model.score(column({7}))[0], WithinRel(2.0 / (1.253314 * 0.5), 1e-14));
}

TEST_CASE("InterquartileRange scores the distance outside Tukey's fences in IQR units",
          "[interquartile_range]") {
  const auto model = anomaly::InterquartileRange<>{}.fit(column({1, 2, 3, 4, 5, 6, 7, 8, 9}));
  CHECK(model.q1[0] == 3.0);  // numpy.percentile(range(1, 10), 25) == 3
  CHECK(model.q3[0] == 7.0);
  const auto scores = model.score(column({20, 5, -3, -5}));
  REQUIRE_THAT(scores[0], WithinRel((20.0 - 13.0) / 4.0, 1e-15));
  CHECK(scores[1] == 0.0);
  CHECK(scores[2] == 0.0);  // exactly on the lower fence
  REQUIRE_THAT(scores[3], WithinRel(0.5, 1e-15));
  const auto far =
      anomaly::InterquartileRange<>{{.fence = 3.0}}.fit(column({1, 2, 3, 4, 5, 6, 7, 8, 9}));
  REQUIRE_THAT(far.score(column({20}))[0], WithinRel((20.0 - 19.0) / 4.0, 1e-15));
  CHECK(model.threshold == 0.0);
}

TEST_CASE("Features combine by max by default, or by mean", "[z_score]") {
  anomaly::Matrix<double> X(4, 2);
  X << 0, 0,  //
      2, 0,   //
      0, 4,   //
      2, 4;
  // means (1, 2), population deviations (1, 2): every |z| is 1.
  anomaly::Matrix<double> Y(1, 2);
  Y << 4, 2;  // z = (3, 0)
  CHECK(anomaly::ZScore<>{}.fit(X).score(Y)[0] == 3.0);
  CHECK(anomaly::ZScore<>{{.combine = anomaly::FeatureCombine::mean}}.fit(X).score(Y)[0] == 1.5);
}

TEST_CASE("A contamination threshold flags that share of the training rows", "[z_score]") {
  anomaly::Matrix<double> X(100, 1);
  for (Eigen::Index i = 0; i < 100; ++i) X(i, 0) = static_cast<double>(i);
  const auto fitted = anomaly::fit_score(
      anomaly::ModifiedZScore<>{{.threshold = anomaly::Threshold::contamination(0.1)}}, X);
  const auto flagged = (fitted.scores.array() > fitted.model.threshold).count();
  CHECK(flagged == 10);
}

TEST_CASE("Quartiles by selection equal quartiles of the sorted column for every small n",
          "[interquartile_range]") {
  anomaly::Random random(3);
  for (Eigen::Index n = 1; n <= 40; ++n) {
    anomaly::Matrix<double> X(n, 1);
    for (Eigen::Index i = 0; i < n; ++i) X(i, 0) = std::floor(10 * anomaly::uniform_real(random));
    std::vector<double> sorted(X.data(), X.data() + n);
    std::sort(sorted.begin(), sorted.end());
    const auto model = anomaly::InterquartileRange<>{}.fit(X);
    INFO("n = " << n);
    CHECK(model.q1[0] == anomaly::sorted_quantile(sorted.data(), n, 0.25));
    CHECK(model.q3[0] == anomaly::sorted_quantile(sorted.data(), n, 0.75));
    const auto robust = anomaly::ModifiedZScore<>{}.fit(X);
    CHECK(robust.median[0] == anomaly::sorted_quantile(sorted.data(), n, 0.5));
  }
}
