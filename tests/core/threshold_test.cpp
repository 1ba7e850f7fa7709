#include <anomaly/core/threshold.hpp>

#include <algorithm>
#include <vector>

#include "catch.hpp"

using Catch::Matchers::WithinAbs;

TEST_CASE("ScoreSummary is exact for small score sets (numpy linear quantiles)", "[threshold]") {
  Eigen::VectorXd scores(5);
  scores << 4, 1, 3, 2, 5;
  const auto summary = anomaly::ScoreSummary<double>::of(scores);
  CHECK(summary.count == 5);
  CHECK(summary.min == 1);
  CHECK(summary.max == 5);
  CHECK(summary.mean == 3);
  REQUIRE_THAT(summary.stddev, WithinAbs(std::sqrt(2.0), 1e-15));
  // numpy.quantile([1,2,3,4,5], 0.9) == 4.6; 0.25 -> 2.0
  REQUIRE_THAT(summary.quantile(0.9), WithinAbs(4.6, 1e-12));
  REQUIRE_THAT(summary.quantile(0.25), WithinAbs(2.0, 1e-12));
  CHECK(summary.rank(3.0) == 0.6);
  CHECK(summary.rank(0.0) == 0.0);
  CHECK(summary.rank(9.0) == 1.0);
}

TEST_CASE("ScoreSummary stays bounded and close for many scores", "[threshold]") {
  const Eigen::Index n = 100000;
  Eigen::VectorXd scores(n);
  for (Eigen::Index i = 0; i < n; ++i) scores[i] = static_cast<double>((i * 7919) % n);
  const auto summary = anomaly::ScoreSummary<double>::of(scores);
  CHECK(summary.knots.size() == anomaly::ScoreSummary<double>::max_knots);
  for (double p : {0.001, 0.05, 0.5, 0.9, 0.999}) {
    // exact: p * (n - 1) for the values 0..n-1; knots are 1/1024 apart in probability
    REQUIRE_THAT(summary.quantile(p), WithinAbs(p * (n - 1), 1.0));
    REQUIRE_THAT(summary.rank(summary.quantile(p)), WithinAbs(p, 1e-4));
  }
}

TEST_CASE("Threshold rules resolve against a summary", "[threshold]") {
  Eigen::VectorXd scores = Eigen::VectorXd::LinSpaced(101, 0.0, 100.0);
  const auto summary = anomaly::ScoreSummary<double>::of(scores);
  CHECK(anomaly::resolve(anomaly::Threshold::fixed(3.5), summary) == 3.5);
  REQUIRE_THAT(anomaly::resolve(anomaly::Threshold::contamination(0.1), summary),
               WithinAbs(90.0, 1e-12));
}

TEST_CASE("check rejects contamination outside 0 to 0.5 and non-finite cutoffs", "[threshold]") {
  CHECK_FALSE(anomaly::check(anomaly::Threshold::contamination(0.5)));
  CHECK(anomaly::check(anomaly::Threshold::contamination(0.0)));
  CHECK(anomaly::check(anomaly::Threshold::contamination(0.6)));
  CHECK(anomaly::check(anomaly::Threshold::contamination(std::nan(""))));
  CHECK(anomaly::check(anomaly::Threshold::fixed(std::numeric_limits<double>::infinity())));
  const auto error = anomaly::check(anomaly::Threshold::contamination(0.7));
  REQUIRE(error);
  CHECK(std::string(error->message()) == "contamination must be in (0, 0.5] (got 0.7)");
}
