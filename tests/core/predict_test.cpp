#include <anomaly/detectors/z_score.hpp>

#include "catch.hpp"
#include "synthetic.hpp"

using Catch::Matchers::WithinAbs;

TEST_CASE("predict flags exactly the rows scored above the threshold", "[predict]") {
  const auto data = anomaly::testing::make_blobs<double>(300, 10, 3, 1);
  const auto model = anomaly::ZScore<>{}.fit(data.X);
  const auto scores = model.score(data.X);
  const anomaly::Labels labels = anomaly::predict(model, data.X);
  for (Eigen::Index i = 0; i < scores.size(); ++i) CHECK(labels[i] == (scores[i] > 3.0));
}

TEST_CASE("with_threshold at contamination c flags about c of the training rows", "[predict]") {
  const auto data = anomaly::testing::make_blobs<double>(1000, 0, 4, 2);
  const auto model = anomaly::with_threshold(anomaly::ZScore<>{}.fit(data.X),
                                             anomaly::Threshold::contamination(0.05));
  const double flagged = static_cast<double>(anomaly::predict(model, data.X).count());
  CHECK(std::abs(flagged - 50.0) <= 1.0);
  REQUIRE_THROWS_AS(anomaly::with_threshold(model, anomaly::Threshold::contamination(0.9)),
                    anomaly::Exception);
}

TEST_CASE("predict_proba maps scores into 0..1 and keeps their order", "[predict]") {
  const auto data = anomaly::testing::make_blobs<double>(200, 5, 2, 3);
  const auto model = anomaly::ZScore<>{}.fit(data.X);
  const auto scores = model.score(data.X);
  for (auto scaling : {anomaly::Scaling::linear, anomaly::Scaling::unify, anomaly::Scaling::rank}) {
    const auto p = anomaly::predict_proba(model, data.X, scaling);
    CHECK(p.minCoeff() >= 0.0);
    CHECK(p.maxCoeff() <= 1.0);
    for (Eigen::Index i = 1; i < p.size(); ++i) {
      if (scores[i] > scores[i - 1]) CHECK(p[i] >= p[i - 1]);
    }
  }
  const auto linear = anomaly::predict_proba(model, data.X, anomaly::Scaling::linear);
  Eigen::Index top = 0;
  scores.maxCoeff(&top);
  REQUIRE_THAT(linear[top], WithinAbs(1.0, 1e-12));
}

TEST_CASE("fit_score returns the model and its training rows' scores", "[predict]") {
  const auto data = anomaly::testing::make_blobs<float>(100, 3, 3, 4);
  const auto fitted = anomaly::fit_score(anomaly::ZScore<float>{}, data.X);
  CHECK(fitted.scores.size() == 103);
  CHECK(fitted.scores == fitted.model.score(data.X));
  CHECK(fitted.model.training_summary.count == 103);
  CHECK(fitted.model.training_summary.max == fitted.scores.maxCoeff());
}
