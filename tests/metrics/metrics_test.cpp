// The metrics against scikit-learn's values (tests/reference/make_metrics_reference.py), and by
// hand.
#include <anomaly/metrics.hpp>

#include <string>

#include "catch.hpp"
#include "csv_table.hpp"

using Catch::Matchers::WithinAbs;

TEST_CASE("Metrics equal scikit-learn's on tied, rare and separable cases", "[metrics]") {
  const std::string dir = ANOMALY_TEST_DATA;
  const auto samples = anomaly::testing::read_csv_table(dir + "/metrics_cases.csv");
  const auto expected = anomaly::testing::read_csv_table(dir + "/metrics_expected.csv");
  for (Eigen::Index c = 0; c < expected["case"].size(); ++c) {
    INFO("case " << c);
    std::vector<double> scores;
    std::vector<bool> labels, predicted;
    for (Eigen::Index i = 0; i < samples["case"].size(); ++i) {
      if (samples["case"][i] != static_cast<double>(c)) continue;
      scores.push_back(samples["score"][i]);
      labels.push_back(samples["label"][i] == 1.0);
      predicted.push_back(samples["predicted"][i] == 1.0);
    }
    const auto n = static_cast<Eigen::Index>(scores.size());
    const Eigen::Map<const Eigen::VectorXd> s(scores.data(), n);
    anomaly::Labels truth(n), flags(n);
    for (Eigen::Index i = 0; i < n; ++i) {
      truth[i] = labels[static_cast<std::size_t>(i)];
      flags[i] = predicted[static_cast<std::size_t>(i)];
    }
    REQUIRE_THAT(anomaly::roc_auc(s, truth), WithinAbs(expected["roc_auc"][c], 1e-12));
    REQUIRE_THAT(anomaly::average_precision(s, truth),
                 WithinAbs(expected["average_precision"][c], 1e-12));
    REQUIRE_THAT(anomaly::precision_at_k(s, truth),
                 WithinAbs(expected["precision_at_n"][c], 1e-12));
    const auto f1 = anomaly::f1_score(flags, truth);
    REQUIRE_THAT(f1.precision, WithinAbs(expected["precision"][c], 1e-12));
    REQUIRE_THAT(f1.recall, WithinAbs(expected["recall"][c], 1e-12));
    REQUIRE_THAT(f1.f1, WithinAbs(expected["f1"][c], 1e-12));
  }
}

TEST_CASE("ROC-AUC of a perfect, a reversed and an all-tied ranking", "[metrics]") {
  Eigen::VectorXd scores(4);
  scores << 0.1, 0.2, 0.8, 0.9;
  anomaly::Labels labels(4);
  labels << false, false, true, true;
  CHECK(anomaly::roc_auc(scores, labels) == 1.0);
  CHECK(anomaly::roc_auc(-scores, labels) == 0.0);
  CHECK(anomaly::roc_auc(Eigen::VectorXd::Zero(4), labels) == 0.5);
  CHECK(anomaly::precision_at_k(scores, labels, 1) == 1.0);
  CHECK(anomaly::precision_at_k(scores, labels, 4) == 0.5);
}

TEST_CASE("Metrics reject mismatched sizes, NaN scores and one-class labels", "[metrics]") {
  Eigen::VectorXd scores(3);
  scores << 0.1, 0.2, 0.3;
  anomaly::Labels two(2);
  two << true, false;
  REQUIRE_THROWS_AS(anomaly::roc_auc(scores, two), anomaly::Exception);
  anomaly::Labels ones = anomaly::Labels::Constant(3, true);
  REQUIRE_THROWS_AS(anomaly::roc_auc(scores, ones), anomaly::Exception);
  anomaly::Labels mixed(3);
  mixed << true, false, false;
  scores[1] = std::nan("");
  REQUIRE_THROWS_AS(anomaly::average_precision(scores, mixed), anomaly::Exception);
  REQUIRE_THROWS_AS(anomaly::precision_at_k(Eigen::VectorXd::Zero(3), mixed, 4),
                    anomaly::Exception);
}
