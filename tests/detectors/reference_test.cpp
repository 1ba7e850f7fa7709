// ZScore, ModifiedZScore and InterquartileRange against values computed independently with numpy
// by tests/reference/make_statistical_reference.py (its output is committed under tests/data).
#include <anomaly/detectors.hpp>

#include <string>

#include "catch.hpp"
#include "csv_table.hpp"

using Catch::Matchers::WithinRel;

namespace {
const std::string data_dir = ANOMALY_TEST_DATA;

anomaly::Matrix<double> features(const anomaly::testing::CsvTable& table) {
  anomaly::Matrix<double> X(table["f0"].size(), 4);
  for (int j = 0; j < 4; ++j) X.col(j) = table["f" + std::to_string(j)];
  return X;
}

void require_close(const anomaly::Vector<double>& ours, const Eigen::VectorXd& reference) {
  REQUIRE(ours.size() == reference.size());
  for (Eigen::Index i = 0; i < ours.size(); ++i) {
    INFO("row " << i);
    if (reference[i] == 0.0) {  // scores are in units of spread: 1e-12 is rounding of the center
      REQUIRE_THAT(ours[i], Catch::Matchers::WithinAbs(0.0, 1e-12));
    } else {
      REQUIRE_THAT(ours[i], WithinRel(reference[i], 1e-12));
    }
  }
}

template <class Detector>
void check_detector(const std::string& name) {
  const auto train = anomaly::testing::read_csv_table(data_dir + "/statistical_reference.csv");
  const auto test = anomaly::testing::read_csv_table(data_dir + "/statistical_scoring.csv");
  const auto A = features(train);
  const auto B = features(test);
  for (auto combine : {anomaly::FeatureCombine::max, anomaly::FeatureCombine::mean}) {
    const std::string column = name + (combine == anomaly::FeatureCombine::max ? "_max" : "_mean");
    typename Detector::Params params{};
    params.combine = combine;
    const auto fitted = anomaly::fit_score(Detector{params}, A);
    require_close(fitted.scores, train[column]);
    require_close(fitted.model.score(B), test[column]);
  }
}
}  // namespace

TEST_CASE("ZScore equals numpy's z-scores", "[reference]") {
  check_detector<anomaly::ZScore<double>>("zscore");
  const auto stats =
      anomaly::testing::read_csv_table(data_dir + "/statistical_reference_stats.csv");
  const auto model = anomaly::ZScore<>{}.fit(
      features(anomaly::testing::read_csv_table(data_dir + "/statistical_reference.csv")));
  for (int j = 0; j < 4; ++j) {
    const auto& reference = stats["f" + std::to_string(j)];
    REQUIRE_THAT(model.mean[j], WithinRel(reference[0], 1e-13));
    REQUIRE_THAT(model.stddev[j], WithinRel(reference[1], 1e-13));
  }
}

TEST_CASE("ModifiedZScore equals numpy's median/MAD scores", "[reference]") {
  check_detector<anomaly::ModifiedZScore<double>>("modified_zscore");
}

TEST_CASE("InterquartileRange equals numpy's percentile fences", "[reference]") {
  check_detector<anomaly::InterquartileRange<double>>("iqr");
}
