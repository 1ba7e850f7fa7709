// The contract every detector keeps (DESIGN §2, §3, §5), written once against the concepts.
// Adding a detector: add its double instantiation to the type list at the bottom, and specialize
// Contract<> only if its Params need a different "bad parameters" list.
#include <anomaly/anomaly.hpp>

#include <cmath>
#include <future>
#include <limits>
#include <string>
#include <vector>

#include "catch.hpp"
#include "require_error.hpp"
#include "synthetic.hpp"

namespace {

/// Per-detector knowledge the generic tests need.
template <class D>
struct Contract {
  /// Parameter sets that check() and the constructor must reject.
  static std::vector<typename D::Params> bad_params() {
    typename D::Params contamination_too_high{};
    contamination_too_high.threshold = anomaly::Threshold::contamination(0.7);
    typename D::Params contamination_zero{};
    contamination_zero.threshold = anomaly::Threshold::contamination(0.0);
    typename D::Params cutoff_nan{};
    cutoff_nan.threshold = anomaly::Threshold::fixed(std::numeric_limits<double>::quiet_NaN());
    return {contamination_too_high, contamination_zero, cutoff_nan};
  }
  /// How far float scores may drift from double scores, relative to the score scale.
  static constexpr double float_tolerance = 1e-4;
  /// What every row scores when all training rows are equal.
  static constexpr double constant_data_score = 0.0;
};

template <>
struct Contract<anomaly::InterquartileRange<double>> : Contract<anomaly::ZScore<double>> {
  static std::vector<anomaly::InterquartileRangeParams> bad_params() {
    return {{.fence = -1.0},
            {.fence = std::numeric_limits<double>::infinity()},
            {.threshold = anomaly::Threshold::contamination(0.9)}};
  }
};

template <>
struct Contract<anomaly::IsolationForest<double>> {
  static std::vector<anomaly::IsolationForestParams> bad_params() {
    return {{.n_trees = 0},
            {.max_samples = 1},
            {.max_features = 0.0},
            {.max_features = 1.5},
            {.extension_level = -1},
            {.extension_level = 4},  // the test data has 4 features: 3 at most
            {.threshold = anomaly::Threshold::contamination(0.7)}};
  }
  /// The same trees (thresholds are computed in double, then rounded down to T): only the scores'
  /// float rounding differs, unless a row lies within a float ulp of a split.
  static constexpr double float_tolerance = 1e-6;
  /// Trees cannot split equal rows: one leaf of psi rows, E[h] = c(psi), s = 2^-1.
  static constexpr double constant_data_score = 0.5;
};

template <>
struct Contract<anomaly::LocalOutlierFactor<double>> {
  static std::vector<anomaly::LocalOutlierFactorParams> bad_params() {
    return {{.n_neighbors = 0},
            {.n_neighbors = -3},
            {.threshold = anomaly::Threshold::contamination(0.7)}};
  }
  /// Distances in float, densities and ratios in double: float rounding of the distances only.
  static constexpr double float_tolerance = 1e-4;
  /// Every row's neighbours are as dense as it is.
  static constexpr double constant_data_score = 1.0;
};

template <>
struct Contract<anomaly::EllipticEnvelope<double>> {
  static std::vector<anomaly::EllipticEnvelopeParams> bad_params() {
    return {{.support_fraction = -0.5},
            {.support_fraction = 1.5},
            {.support_fraction = 0.001},  // no row of the 420
            {.threshold = anomaly::Threshold::contamination(0.7)}};
  }
  /// The same support when no c-step decision falls within float rounding; then the precision's
  /// float rounding only.
  static constexpr double float_tolerance = 1e-4;
  /// The covariance is 0, so is its pseudo-inverse, and every squared distance.
  static constexpr double constant_data_score = 0.0;
};

/// D<U> for a detector template D<T> with one scalar parameter.
template <class D, class U>
struct Rebind;
template <template <class> class D, class T, class U>  // unconstrained: clang 14 crashes otherwise
struct Rebind<D<T>, U> {
  using type = D<U>;
};

template <class D>
auto make_data(std::uint64_t seed = 1) {
  return anomaly::testing::make_blobs<typename D::Scalar>(400, 20, 4, seed);
}

using anomaly::testing::require_error;

}  // namespace

#define DETECTORS                                                                                \
  anomaly::ZScore<double>, anomaly::ModifiedZScore<double>, anomaly::InterquartileRange<double>, \
      anomaly::IsolationForest<double>, anomaly::LocalOutlierFactor<double>,                     \
      anomaly::EllipticEnvelope<double>

TEMPLATE_TEST_CASE("Detectors rank planted far outliers above inliers", "[contract]", DETECTORS) {
  for (std::uint64_t seed : {1u, 2u, 3u}) {
    const auto data = make_data<TestType>(seed);
    const auto fitted = anomaly::fit_score(TestType{}, data.X);
    CHECK(anomaly::roc_auc(fitted.scores, data.labels) > 0.95);
    REQUIRE(fitted.scores.size() == data.X.rows());
    CHECK(fitted.scores.allFinite());
    CHECK(anomaly::predict(fitted.model, data.X).count() > 0);
  }
}

TEMPLATE_TEST_CASE("score of a block and score_one of a row equal the batch rows", "[contract]",
                   DETECTORS) {
  const auto data = make_data<TestType>();
  const auto model = TestType{}.fit(data.X);
  const auto all = model.score(data.X);
  const auto block = model.score(data.X.middleRows(100, 50));
  CHECK(block == all.segment(100, 50));
  for (Eigen::Index i : {0, 7, 399, 419}) CHECK(model.score_one(data.X.row(i)) == all[i]);
  // A row-major copy and a Map of the same numbers score the same.
  const Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor> row_major = data.X;
  CHECK(model.score(row_major) == all);
}

TEMPLATE_TEST_CASE("The same data and seed give an identical model", "[contract]", DETECTORS) {
  const auto data = make_data<TestType>();
  CHECK(anomaly::save(TestType{}.fit(data.X)) == anomaly::save(TestType{}.fit(data.X)));
}

TEMPLATE_TEST_CASE("Save and load give bit-identical scores", "[contract]", DETECTORS) {
  const auto data = make_data<TestType>();
  const auto model = TestType{}.fit(data.X);
  const auto loaded = anomaly::load<typename TestType::Model>(anomaly::save(model));
  CHECK(loaded.score(data.X) == model.score(data.X));
  CHECK(loaded.threshold == model.threshold);
  CHECK(loaded.training_summary.knots == model.training_summary.knots);
  const auto bytes = anomaly::save(model);
  for (std::size_t cut : {std::size_t{0}, std::size_t{10}, bytes.size() / 2, bytes.size() - 1}) {
    typename TestType::Model out;
    CHECK(anomaly::try_load(std::span<const std::byte>(bytes.data(), cut), out));
  }
}

TEMPLATE_TEST_CASE("float agrees with double", "[contract]", DETECTORS) {
  using Single = typename Rebind<TestType, float>::type;
  const auto data = make_data<TestType>();
  const auto doubles = TestType{}.fit(data.X).score(data.X);
  const anomaly::Matrix<float> X = data.X.template cast<float>();
  const auto floats = Single{}.fit(X).score(X);
  const double scale = std::max(1.0, doubles.cwiseAbs().maxCoeff());
  CHECK((floats.template cast<double>() - doubles).cwiseAbs().maxCoeff() <=
        Contract<TestType>::float_tolerance * scale);
}

TEMPLATE_TEST_CASE("A const model scores the same from 4 threads", "[contract]", DETECTORS) {
  const auto data = make_data<TestType>();
  const auto model = TestType{}.fit(data.X);
  const auto expected = model.score(data.X);
  std::vector<std::future<anomaly::Vector<double>>> runs;
  for (int t = 0; t < 4; ++t) {
    runs.push_back(std::async(std::launch::async, [&] {
      anomaly::Vector<double> scores(data.X.rows());
      for (int repeat = 0; repeat < 20; ++repeat) scores = model.score(data.X);
      return scores;
    }));
  }
  for (auto& run : runs) CHECK(run.get() == expected);
}

TEMPLATE_TEST_CASE("Bad input and bad parameters give an anomaly::Error that says where",
                   "[contract]", DETECTORS) {
  using Code = anomaly::ErrorCode;
  const auto data = make_data<TestType>();
  const TestType detector{};
  require_error([&] { (void)detector.fit(anomaly::Matrix<double>(0, 4)); }, Code::empty_input,
                "empty");
  anomaly::Matrix<double> bad = data.X;
  bad(17, 2) = std::numeric_limits<double>::quiet_NaN();
  require_error([&] { (void)detector.fit(bad); }, Code::non_finite_input, "X(17, 2) is NaN");
  bad(17, 2) = std::numeric_limits<double>::infinity();
  require_error([&] { (void)detector.fit(bad); }, Code::non_finite_input, "X(17, 2) is +infinity");
  const auto model = detector.fit(data.X);
  require_error([&] { (void)model.score(bad); }, Code::non_finite_input, "X(17, 2)");
  require_error([&] { (void)model.score(data.X.leftCols(3)); }, Code::dimension_mismatch,
                "3 columns but the model was fitted on 4");
  require_error([&] { (void)model.score_one(data.X.row(0).head(2)); }, Code::dimension_mismatch,
                "2 columns");
  for (const auto& params : Contract<TestType>::bad_params()) {
    CHECK(check(params, data.X));
    require_error([&] { (void)TestType{params}.fit(data.X); }, Code::invalid_parameter, "must be");
  }
}

TEMPLATE_TEST_CASE("Constant columns and duplicated rows give finite scores", "[contract]",
                   DETECTORS) {
  anomaly::Matrix<double> X = make_data<TestType>().X;
  X.col(1).setConstant(5.0);
  X.middleRows(200, 100).rowwise() = X.row(0);
  const auto fitted = anomaly::fit_score(TestType{}, X);
  CHECK(fitted.scores.allFinite());
  anomaly::Matrix<double> shifted = X;
  shifted.col(1).array() += 1.0;  // the constant column moves at scoring time
  CHECK(fitted.model.score(shifted).allFinite());
  const anomaly::Matrix<double> all_same = anomaly::Matrix<double>::Constant(50, 3, 2.0);
  const auto constant = anomaly::fit_score(TestType{}, all_same);
  CHECK(constant.scores.allFinite());
  CHECK(constant.scores.minCoeff() == constant.scores.maxCoeff());
  CHECK(std::abs(constant.scores[0] - Contract<TestType>::constant_data_score) <= 1e-12);
}
