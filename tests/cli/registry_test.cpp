// The CLI's algorithm registry: --set reaches the Params, bad keys and values are usage errors,
// every algorithm describes its parameters, and the streaming wrapper combines columns by max.
#include "algorithms.hpp"
#include "catch.hpp"

#include <anomaly/detectors.hpp>
#include <anomaly/streaming.hpp>

#include <algorithm>
#include <string>
#include <vector>

using anomaly::cli::Setting;
using anomaly::cli::UsageError;

namespace {

std::string usage_error(const std::string& algorithm, const std::vector<Setting>& settings) {
  try {
    const auto& entry = anomaly::cli::find_algorithm(algorithm);
    if (entry.streaming()) {
      anomaly::cli::make_stream<double>(entry, settings, 1);
    } else if (entry.series()) {
      anomaly::cli::make_series<double>(entry, settings);
    } else {
      anomaly::cli::make_detector<double>(entry, settings);
    }
  } catch (const UsageError& error) {
    return error.what();
  }
  return "";
}

bool contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

/// Rows 0..n-1 of a two-feature matrix with one far value in feature 1 at row `far_row`.
anomaly::Matrix<double> sample(anomaly::Index n, anomaly::Index far_row) {
  anomaly::Matrix<double> X(n, 2);
  for (anomaly::Index i = 0; i < n; ++i) {
    X(i, 0) = static_cast<double>(i % 7);
    X(i, 1) = static_cast<double>((3 * i) % 5);
  }
  X(far_row, 1) = 100;
  return X;
}

}  // namespace

TEST_CASE("parse_setting splits KEY=VALUE and rejects text without a key") {
  const Setting setting = anomaly::cli::parse_setting("threshold=3.5");
  CHECK(setting.key == "threshold");
  CHECK(setting.value == "3.5");
  CHECK(anomaly::cli::parse_setting("combine=").value.empty());
  REQUIRE_THROWS_AS(anomaly::cli::parse_setting("threshold"), UsageError);
  REQUIRE_THROWS_AS(anomaly::cli::parse_setting("=3"), UsageError);
}

TEST_CASE(
    "a --set setting reaches the detector: the CLI's zscore equals ZScore with the same Params") {
  const auto X = sample(50, 17);
  const auto& entry = anomaly::cli::find_algorithm("zscore");
  const auto detector = anomaly::cli::make_detector<double>(
      entry, std::vector<Setting>{{"threshold", "1.5"}, {"combine", "mean"}});
  const auto model = detector.fit(X);
  const auto direct = anomaly::ZScore<double>({.threshold = anomaly::Threshold::fixed(1.5),
                                               .combine = anomaly::FeatureCombine::mean})
                          .fit(X);
  CHECK(model.threshold == 1.5);
  CHECK(model.score(X) == direct.score(X));
}

TEST_CASE("unknown keys, bad values and rejected parameters are usage errors") {
  auto message = usage_error("iqr", {{"fnece", "3"}});
  CHECK(contains(message, "unknown parameter 'fnece'"));
  CHECK(contains(message, "fence, threshold, combine"));
  CHECK(contains(usage_error("iqr", {{"fence", "abc"}}), "fence must be a finite number"));
  CHECK(contains(usage_error("iqr", {{"fence", "-1"}}), "fence"));
  CHECK(contains(usage_error("zscore", {{"combine", "median"}}), "combine must be max or mean"));
  CHECK(contains(usage_error("rolling_zscore", {{"window", "1"}}), "window"));
  CHECK(contains(usage_error("rolling_zscore", {{"window", "2.5"}}), "integer"));
  CHECK(contains(usage_error("no_such", {}), "unknown algorithm 'no_such'"));
  CHECK(usage_error("rolling_iqr", {{"window", "64"}, {"fence", "3"}}).empty());
}

TEST_CASE("batch and streaming algorithms refuse the other mode with a pointer to the right one") {
  const auto& batch = anomaly::cli::find_algorithm("zscore");
  try {
    anomaly::cli::make_stream<double>(batch, {}, 1);
    FAIL("no error");
  } catch (const UsageError& error) {
    CHECK(contains(error.what(), "rolling_zscore"));
  }
  const auto& rolling = anomaly::cli::find_algorithm("rolling_mad");
  REQUIRE_THROWS_AS(anomaly::cli::make_detector<double>(rolling, {}), UsageError);
}

TEST_CASE("every algorithm lists its parameters with defaults and meanings") {
  const auto& all = anomaly::cli::algorithms();
  std::vector<std::string> names;
  for (const auto& algorithm : all) {
    names.emplace_back(algorithm.name);
    CHECK_FALSE(algorithm.summary.empty());
    REQUIRE_FALSE(algorithm.parameters.empty());
    for (const auto& parameter : algorithm.parameters) {
      CHECK_FALSE(parameter.default_value.empty());
      CHECK_FALSE(parameter.meaning.empty());
    }
    // One kind each: a batch detector (with saved models), one of whole series, or streaming.
    CHECK(int{algorithm.streaming()} + int{algorithm.series()} +
              int{!algorithm.model_tag.empty()} ==
          1);
  }
  CHECK(names == std::vector<std::string>{"zscore", "modified_zscore", "iqr", "iforest", "lof",
                                          "elliptic", "seasonal", "rolling_zscore", "rolling_mad",
                                          "rolling_iqr", "seasonal"});
  // detect runs the whole-series seasonal, stream the streaming one.
  CHECK(anomaly::cli::find_algorithm("seasonal").series());
  CHECK(anomaly::cli::find_streaming("seasonal").streaming());
  CHECK(anomaly::cli::find_streaming("zscore").name == "zscore");
  const auto& iqr = anomaly::cli::find_algorithm("iqr");
  CHECK(iqr.parameters[0].name == "fence");
  CHECK(iqr.parameters[0].default_value == "1.5");
  CHECK(anomaly::cli::find_by_model_tag("interquartile_range") == &iqr);
  CHECK(anomaly::cli::find_by_model_tag("nothing") == nullptr);
  const auto& forest = anomaly::cli::find_algorithm("iforest");
  std::vector<std::string> forest_fields;
  for (const auto& parameter : forest.parameters) forest_fields.emplace_back(parameter.name);
  CHECK(forest_fields == std::vector<std::string>{"n_trees", "max_samples", "max_features",
                                                  "bootstrap", "extension_level", "seed",
                                                  "threshold"});
}

TEST_CASE("the CLI's seasonal series scorer is SeasonalDetector with the same Params") {
  anomaly::Vector<double> series(96);
  for (anomaly::Index t = 0; t < 96; ++t) {
    series[t] = static_cast<double>((t % 6) * (t % 6)) + 0.1 * static_cast<double>((t * 7) % 5);
  }
  series[50] += 40;
  const auto& entry = anomaly::cli::find_algorithm("seasonal");
  const auto scorer = anomaly::cli::make_series<double>(
      entry,
      std::vector<Setting>{
          {"period", "6"}, {"max_anomalies", "3"}, {"robust", "false"}, {"seasonal_jump", "1"}});
  const auto found = scorer->detect(series);
  const auto direct = anomaly::SeasonalDetector<double>(
                          {.period = 6, .robust = false, .seasonal_jump = 1, .max_anomalies = 3})
                          .detect(series);
  // 16 cycles: the default jump, 4, would give other scores.
  CHECK(found.scores !=
        anomaly::SeasonalDetector<double>({.period = 6, .robust = false}).detect(series).scores);
  CHECK(found.scores == direct.scores);
  CHECK(found.anomalies == direct.anomalies);
  CHECK(std::find(found.anomalies.begin(), found.anomalies.end(), 50) != found.anomalies.end());
  CHECK_FALSE(scorer->threshold().has_value());  // ESD flags, not a threshold
  CHECK(anomaly::cli::make_series<double>(entry, {})->threshold() == 3.5);
  CHECK(contains(usage_error("seasonal", {{"alpha", "1.5"}}), "alpha"));
  CHECK(contains(usage_error("seasonal", {{"level_rate", "0.1"}}), "unknown parameter"));
  REQUIRE_THROWS_AS(anomaly::cli::make_detector<double>(entry, {}), UsageError);
  REQUIRE_THROWS_AS(anomaly::cli::make_stream<double>(entry, {}, 1), UsageError);
}

TEST_CASE("IsolationForest takes every parameter from --set") {
  const auto& forest = anomaly::cli::find_algorithm("iforest");
  const std::vector<Setting> settings{{"n_trees", "7"},         {"max_samples", "32"},
                                      {"max_features", "0.5"},  {"bootstrap", "true"},
                                      {"extension_level", "1"}, {"seed", "99"},
                                      {"threshold", "0.6"}};
  anomaly::Matrix<double> X(200, 4);
  X << sample(200, 4), sample(200, 9).array().square();
  const auto model = anomaly::cli::make_detector<double>(forest, settings).fit(X);
  const auto expected =
      anomaly::IsolationForest<double>({.n_trees = 7,
                                        .max_samples = 32,
                                        .max_features = 0.5,
                                        .bootstrap = true,
                                        .extension_level = 1,
                                        .seed = 99,
                                        .threshold = anomaly::Threshold::fixed(0.6)})
          .fit(X);
  CHECK(model.score(X) == expected.score(X));
  CHECK(model.threshold == 0.6);
  const std::vector<Setting> too_oblique{{"extension_level", "4"}};  // 4 features: 3 at most
  REQUIRE_THROWS_AS(anomaly::cli::make_detector<double>(forest, too_oblique).fit(X),
                    anomaly::Exception);
}

TEST_CASE("EllipticEnvelope takes every parameter from --set") {
  const auto& elliptic = anomaly::cli::find_algorithm("elliptic");
  CHECK(elliptic.model_tag == "elliptic_envelope");
  CHECK(elliptic.parameters.back().default_value == "contamination 0.1");
  const std::vector<Setting> settings{{"support_fraction", "0.8"},
                                      {"assume_centered", "true"},
                                      {"seed", "12"},
                                      {"threshold", "7.5"}};
  anomaly::Matrix<double> X(200, 3);
  X << sample(200, 4), sample(200, 9).col(1).array().square();
  const auto model = anomaly::cli::make_detector<double>(elliptic, settings).fit(X);
  const auto expected =
      anomaly::EllipticEnvelope<double>({.support_fraction = 0.8,
                                         .assume_centered = true,
                                         .seed = 12,
                                         .threshold = anomaly::Threshold::fixed(7.5)})
          .fit(X);
  CHECK(model.score(X) == expected.score(X));
  CHECK(model.threshold == 7.5);
  CHECK(contains(usage_error("elliptic", {{"support_fraction", "2"}}), "support_fraction"));
}

TEST_CASE("a streaming scorer equals one rolling detector per column combined by max") {
  const auto X = sample(300, 250);
  const auto& entry = anomaly::cli::find_algorithm("rolling_zscore");
  const std::vector<Setting> settings{{"window", "40"}, {"min_samples", "10"}};
  const auto batch = anomaly::cli::make_stream<double>(entry, settings, 2)->update_all(X);
  const auto rows = anomaly::cli::make_stream<double>(entry, settings, 2);
  anomaly::RollingZScore<double> first({.window = 40, .min_samples = 10});
  anomaly::RollingZScore<double> second({.window = 40, .min_samples = 10});
  for (anomaly::Index i = 0; i < X.rows(); ++i) {
    const double row[2] = {X(i, 0), X(i, 1)};
    const double expected = std::max(first.update(row[0]), second.update(row[1]));
    REQUIRE(rows->update(row) == expected);
    REQUIRE(batch[i] == expected);
  }
  CHECK(batch[250] > 3.0);
  CHECK(rows->threshold() == 3.0);
}
