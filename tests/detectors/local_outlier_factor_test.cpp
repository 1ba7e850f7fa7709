// LocalOutlierFactor: equal to scikit-learn's
// (tests/reference/make_local_outlier_factor_reference.py) in outlier and novelty mode, on the tree
// and brute-force paths; duplicates that do not blow the scores up; the LOF invariants; load()
// rejecting inconsistent models.
#include <anomaly/core/serialize.hpp>
#include <anomaly/detectors/local_outlier_factor.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "catch.hpp"
#include "csv_table.hpp"
#include "require_error.hpp"
#include "synthetic.hpp"

namespace {

const std::string test_data_dir = ANOMALY_TEST_DATA;
using anomaly::testing::require_error;

/// One reference case: its k, training rows, new rows, and scikit-learn's scores for both.
struct ReferenceCase {
  anomaly::Index k = 0;
  anomaly::Matrix<double> train, test;
  anomaly::Vector<double> train_scores, test_scores;
};

ReferenceCase read_case(int id) {
  const auto table =
      anomaly::testing::read_csv_table(test_data_dir + "/local_outlier_factor_reference.csv");
  std::vector<Eigen::Index> rows[2];
  for (Eigen::Index r = 0; r < table["case"].size(); ++r) {
    if (table["case"][r] == id) rows[table["role"][r] == 0 ? 0 : 1].push_back(r);
  }
  REQUIRE(!rows[0].empty());
  REQUIRE(!rows[1].empty());
  const auto d = static_cast<Eigen::Index>(table["d"][rows[0][0]]);
  ReferenceCase out;
  out.k = static_cast<anomaly::Index>(table["n_neighbors"][rows[0][0]]);
  anomaly::Matrix<double>* matrices[2] = {&out.train, &out.test};
  anomaly::Vector<double>* scores[2] = {&out.train_scores, &out.test_scores};
  for (int role = 0; role < 2; ++role) {
    const auto n = static_cast<Eigen::Index>(rows[role].size());
    matrices[role]->resize(n, d);
    scores[role]->resize(n);
    for (Eigen::Index i = 0; i < n; ++i) {
      const Eigen::Index row = rows[role][static_cast<std::size_t>(i)];
      for (Eigen::Index j = 0; j < d; ++j) {
        (*matrices[role])(i, j) = table["f" + std::to_string(j)][row];
      }
      (*scores[role])[i] = table["sklearn"][row];
    }
  }
  return out;
}

double max_relative_difference(const anomaly::Vector<double>& ours,
                               const anomaly::Vector<double>& theirs) {
  return ((ours - theirs).array().abs() / theirs.array().abs()).maxCoeff();
}

}  // namespace

TEST_CASE("LocalOutlierFactor equals scikit-learn in outlier and novelty mode", "[lof]") {
  const char* names[] = {"three blobs, d = 3", "one Gaussian, d = 20", "k = 5", "k clamped"};
  for (int id = 0; id < 4; ++id) {
    INFO(names[id]);
    const ReferenceCase reference = read_case(id);
    const anomaly::LocalOutlierFactor<double> detector({.n_neighbors = reference.k});
    const auto fitted = anomaly::fit_score(detector, reference.train);
    CHECK(max_relative_difference(fitted.scores, reference.train_scores) <= 1e-9);
    CHECK(max_relative_difference(fitted.model.score(reference.test), reference.test_scores) <=
          1e-9);
    // float follows double to its own precision
    const anomaly::Matrix<float> train = reference.train.cast<float>();
    const auto single =
        anomaly::fit_score(anomaly::LocalOutlierFactor<float>({.n_neighbors = reference.k}), train);
    CHECK(max_relative_difference(single.scores.cast<double>(), reference.train_scores) <= 1e-4);
  }
}

TEST_CASE("LocalOutlierFactor scores duplicates finitely and moderately", "[lof]") {
  // 30 copies of one point inside a Gaussian cloud: scikit-learn gives the copies a density of
  // 1e10 and their neighbours a LOF of about 1e9; the k-distinct-distance keeps all of them small.
  anomaly::Matrix<double> X = anomaly::testing::make_blobs<double>(300, 0, 3, 7).X;
  X.middleRows(100, 30).rowwise() = X.row(0);
  const auto fitted = anomaly::fit_score(anomaly::LocalOutlierFactor<double>{}, X);
  REQUIRE(fitted.scores.allFinite());
  CHECK(fitted.scores.maxCoeff() < 10.0);
  for (Eigen::Index i = 100; i < 130; ++i) CHECK(fitted.scores[i] == fitted.scores[0]);
  // Fewer than k duplicates leave the k-distance positive: scores as scikit-learn's (no change).
  anomaly::Matrix<double> few = anomaly::testing::make_blobs<double>(300, 0, 3, 7).X;
  few.middleRows(100, 5).rowwise() = few.row(0);
  const auto model = anomaly::LocalOutlierFactor<double>{}.fit(few);
  CHECK((model.k_distance.array() > 0).all());
  // All rows equal: every density the same, every LOF exactly 1.
  const anomaly::Matrix<double> same = anomaly::Matrix<double>::Constant(40, 2, 3.0);
  const auto constant = anomaly::fit_score(anomaly::LocalOutlierFactor<double>{}, same);
  CHECK((constant.scores.array() == 1.0).all());
}

TEST_CASE("LocalOutlierFactor keeps the LOF invariants", "[lof]") {
  const auto data = anomaly::testing::make_blobs<double>(500, 10, 4, 3);
  const anomaly::LocalOutlierFactor<double> detector({.n_neighbors = 10});
  const auto fitted = anomaly::fit_score(detector, data.X);
  // Inside a uniform-density cluster LOF is about 1; scaling or moving the data changes nothing.
  const anomaly::Matrix<double> moved = (data.X.array() * 3.0 + 7.0).matrix();
  const auto again = anomaly::fit_score(detector, moved);
  CHECK(((again.scores - fitted.scores).array().abs() <= 1e-9 * fitted.scores.array()).all());
  // A training row scored again in novelty mode counts itself among its neighbours: its LOF is
  // computed from a different neighbourhood, but an exact duplicate of a row far away is as
  // anomalous as the row was.
  anomaly::Index farthest = 0;
  fitted.scores.maxCoeff(&farthest);
  CHECK(fitted.scores[farthest] > 1.5);
  CHECK(fitted.model.score(data.X.row(farthest))[0] > 1.0);
  CHECK(fitted.model.score_one(data.X.row(farthest)) ==
        fitted.model.score(data.X.row(farthest))[0]);
}

TEST_CASE("LocalOutlierFactor rejects too few rows and inconsistent models", "[lof]") {
  using Code = anomaly::ErrorCode;
  require_error(
      [] { (void)anomaly::LocalOutlierFactor<double>{}.fit(anomaly::Matrix<double>(1, 3)); },
      Code::too_few_samples, "at least 2");
  require_error([] { (void)anomaly::LocalOutlierFactor<double>({.n_neighbors = 0}); },
                Code::invalid_parameter, "n_neighbors");
  const auto data = anomaly::testing::make_blobs<double>(100, 4, 3, 5);
  const auto model = anomaly::LocalOutlierFactor<double>{}.fit(data.X);
  // The model saves its training rows: n x d values plus two per row, and a short header.
  const auto bytes = anomaly::save(model);
  CHECK(bytes.size() >= std::size_t{104} * (3 + 2) * sizeof(double));
  auto broken = model;
  broken.density[3] = 0.0;
  anomaly::LocalOutlierFactorModel<double> out;
  CHECK(anomaly::try_load(anomaly::save(broken), out));
  broken = model;
  broken.neighbors = 200;
  CHECK(anomaly::try_load(anomaly::save(broken), out));
  // Values fit never produces, which would make scores infinite: a density above 1e10, a
  // k-distance beyond any two admissible rows.
  broken = model;
  broken.density[7] = 2e10;
  CHECK(anomaly::try_load(anomaly::save(broken), out));
  broken = model;
  broken.k_distance[7] = 1e300;
  CHECK(anomaly::try_load(anomaly::save(broken), out));
  CHECK_FALSE(anomaly::try_load(anomaly::save(model), out));
}

TEST_CASE("LocalOutlierFactor rejects values whose squared distances overflow", "[lof]") {
  using Code = anomaly::ErrorCode;
  const auto data = anomaly::testing::make_blobs<float>(60, 3, 3, 6);
  // float: sqrt(3.4e38) / (4 sqrt(3)) is about 2.7e18.
  anomaly::Matrix<float> huge = data.X;
  huge(5, 1) = -1e19f;
  require_error([&] { (void)anomaly::LocalOutlierFactor<float>{}.fit(huge); },
                Code::non_finite_input, "X(5, 1) = -1e+19 is too large");
  huge(5, 1) = 1e18f;  // within the limit: scores stay finite
  const auto fitted = anomaly::fit_score(anomaly::LocalOutlierFactor<float>{}, huge);
  CHECK(fitted.scores.allFinite());
  anomaly::Matrix<float> query = data.X.topRows(2);
  query(1, 2) = 3e18f;
  require_error([&] { (void)fitted.model.score(query); }, Code::non_finite_input, "X(1, 2)");
  query(1, 2) = -2e18f;
  CHECK(fitted.model.score(query).allFinite());
}
