// AnyDetector and AnyModel behave exactly as the detector and model they wrap.
#include "catch.hpp"

#include <anomaly/combinators/any_detector.hpp>
#include <anomaly/detectors.hpp>

namespace {

anomaly::Matrix<double> sample() {
  anomaly::Matrix<double> X(40, 3);
  for (anomaly::Index i = 0; i < X.rows(); ++i) {
    X(i, 0) = static_cast<double>(i % 9);
    X(i, 1) = static_cast<double>((5 * i) % 11) * 0.5;
    X(i, 2) = static_cast<double>((i * i) % 13);
  }
  X(7, 2) = 90;
  return X;
}

}  // namespace

TEMPLATE_TEST_CASE("AnyModel scores as the wrapped model", "", anomaly::ZScore<double>,
                   anomaly::ModifiedZScore<double>, anomaly::InterquartileRange<double>) {
  const auto X = sample();
  const TestType detector;
  const anomaly::AnyDetector<double> any(detector);
  const auto direct = detector.fit(X);
  const auto model = any.fit(X);
  CHECK(model.score(X) == direct.score(X));
  CHECK(model.score_one(X.row(7)) == direct.score_one(X.row(7)));
  CHECK(model.n_features() == 3);
  CHECK(model.threshold == direct.threshold);
  CHECK(model.training_summary.knots == direct.training_summary.knots);
  CHECK(model.tag() == TestType::Model::serial_tag);
  CHECK((anomaly::predict(model, X) == anomaly::predict(direct, X)).all());
  REQUIRE(model.template target<typename TestType::Model>() != nullptr);
  CHECK(model.template target<anomaly::ZScoreModel<float>>() == nullptr);

  const auto fitted = any.fit_score(X);
  CHECK(fitted.scores == anomaly::fit_score(detector, X).scores);
}

TEST_CASE("AnyModel keeps its own threshold and saves the wrapped model with it") {
  const auto X = sample();
  const anomaly::AnyDetector<double> any(anomaly::ZScore<double>{});
  const auto model = anomaly::with_threshold(any.fit(X), anomaly::Threshold::contamination(0.1));
  const auto direct = anomaly::with_threshold(anomaly::ZScore<double>{}.fit(X),
                                              anomaly::Threshold::contamination(0.1));
  CHECK(model.threshold == direct.threshold);
  CHECK(model.threshold != 3.0);
  const auto loaded = anomaly::load<anomaly::ZScoreModel<double>>(anomaly::save(model));
  CHECK(loaded.threshold == model.threshold);
  CHECK(loaded.score(X) == model.score(X));
  CHECK(anomaly::save(model) == anomaly::save(direct));
}

TEST_CASE("AnyModel works for float models too") {
  const anomaly::Matrix<float> X = sample().cast<float>();
  const anomaly::AnyDetector<float> any(anomaly::InterquartileRange<float>({.fence = 3.0}));
  const auto model = any.fit(X);
  CHECK(model.score(X) == anomaly::InterquartileRange<float>({.fence = 3.0}).fit(X).score(X));
  const auto loaded = anomaly::load<anomaly::InterquartileRangeModel<float>>(model.save());
  CHECK(loaded.score(X) == model.score(X));
}

TEST_CASE("copies of an AnyModel share the wrapped model but not the threshold") {
  const auto X = sample();
  const auto model = anomaly::AnyDetector<double>(anomaly::ZScore<double>{}).fit(X);
  auto copy = model;
  copy.threshold = 1.0;
  CHECK(model.threshold == 3.0);
  CHECK(copy.score(X) == model.score(X));
  CHECK(model.target<anomaly::ZScoreModel<double>>() ==
        copy.target<anomaly::ZScoreModel<double>>());
}
