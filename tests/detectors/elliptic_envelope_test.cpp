// EllipticEnvelope against scikit-learn 1.2 (tests/reference/make_elliptic_envelope_reference.py):
// MinCovDet's raw and reweighted estimates and the scores for the same seed on generated data,
// select_candidates' random starts, NumPy's argsort and scipy's chi-square quantiles, ROC-AUC on
// three real sets; then singular data, bad input, and save/load.
#include <anomaly/core/serialize.hpp>
#include <anomaly/detail/fast_mcd.hpp>
#include <anomaly/detectors/elliptic_envelope.hpp>
#include <anomaly/metrics.hpp>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <map>
#include <numeric>
#include <sstream>
#include <string>
#include <vector>

#include "catch.hpp"
#include "csv_table.hpp"
#include "require_error.hpp"
#include "synthetic.hpp"

using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;

namespace {
const std::string test_data_dir = ANOMALY_TEST_DATA;
const std::string demo_data_dir = ANOMALY_DEMO_DATA;

using anomaly::Index;
using anomaly::testing::mix;
using anomaly::testing::require_error;

double uniform(std::uint32_t key) {
  return static_cast<double>(mix(key) >> 20) / 4096.0;
}

/// The script's matrix of a case (its `matrix`): exact in float and double.
anomaly::Matrix<double> case_matrix(Index rows, Index columns, std::uint32_t salt,
                                    const std::string& alteration) {
  anomaly::Matrix<double> M = anomaly::Matrix<double>::Zero(columns, columns);
  for (Index j = 0; j < columns; ++j) {
    const auto row = static_cast<std::uint32_t>(31 * j);
    M(j, j) = 1 + static_cast<double>(mix(row + static_cast<std::uint32_t>(j) + salt) >> 29) / 8;
    for (Index k = j + 1; k < columns; ++k) {
      const auto key = row + static_cast<std::uint32_t>(k) + salt;
      M(j, k) = (static_cast<double>(mix(key) >> 28) - 8) / 8;
    }
  }
  anomaly::Matrix<double> X(rows, columns);
  for (Index i = 0; i < rows; ++i) {
    const auto base = static_cast<std::uint32_t>(i * 1000) + salt;
    Eigen::RowVectorXd z(columns);
    for (Index j = 0; j < columns; ++j) {
      const auto at = base + static_cast<std::uint32_t>(4 * j);
      z[j] = uniform(at) + uniform(at + 1) + uniform(at + 2) + uniform(at + 3) - 2;
    }
    X.row(i) =
        z * M + 0.5 * Eigen::RowVectorXd::LinSpaced(columns, 1.0, static_cast<double>(columns));
    if (mix(static_cast<std::uint32_t>(7919 * i) + salt) % 10 == 0) {
      for (Index j = 0; j < columns; ++j) {
        const auto column = static_cast<std::uint32_t>(j);
        const double sign = mix(base + 700 + column) % 2 == 0 ? 1.0 : -1.0;
        X(i, j) += sign * (4 + 4 * uniform(base + 500 + column));
      }
    }
  }
  if (alteration == "clusters") {
    X.topRows(24) = (X.topRows(24).array() / 8 + 3).matrix();
  } else if (alteration == "constant") {
    X.col(2).setConstant(0.75);
  }
  return X;
}

struct Case {
  const char* name;
  Index rows, columns;
  std::uint32_t salt;
  anomaly::EllipticEnvelopeParams params;
  const char* alteration;
};

anomaly::EllipticEnvelopeParams params(std::uint64_t seed, double support_fraction = 0.0,
                                       bool assume_centered = false) {
  return {.support_fraction = support_fraction, .assume_centered = assume_centered, .seed = seed};
}

/// The script's CASES.
const Case cases[] = {
    {"random_starts", 300, 4, 1, params(0), ""},
    {"seeded_a", 50, 3, 8, params(0), "clusters"},
    {"seeded_b", 50, 3, 8, params(1), "clusters"},
    {"merged_set", 900, 5, 3, params(7), ""},
    {"merged_1500", 1500, 3, 4, params(2), ""},
    {"subsets", 2400, 6, 5, params(42), ""},
    {"subsets_wide", 6000, 8, 6, params(3), ""},
    {"one_feature", 500, 1, 7, params(0), ""},
    {"one_feature_all", 200, 1, 8, params(0, 1.0), ""},
    {"support_fraction", 800, 4, 9, params(5, 0.75), ""},
    {"assume_centered", 400, 3, 10, params(1, 0.0, true), ""},
    {"constant_column", 400, 4, 11, params(0), "constant"},
};

/// The script's values of one case, by kind, each a list by index.
using Expected = std::map<std::string, std::map<Index, double>>;

std::map<std::string, Expected> read_expected() {
  const auto table =
      anomaly::testing::read_csv_table(test_data_dir + "/elliptic_envelope_reference.csv");
  // Two text cells per line (case, kind), then index and value.
  const auto& index = table["index"];
  const auto& value = table["value"];
  REQUIRE(table.row_names.size() == 2 * static_cast<std::size_t>(value.size()));
  std::map<std::string, Expected> cases_by_name;
  for (Index r = 0; r < value.size(); ++r) {
    const auto at = 2 * static_cast<std::size_t>(r);
    cases_by_name[table.row_names[at]][table.row_names[at + 1]][static_cast<Index>(index[r])] =
        value[r];
  }
  return cases_by_name;
}

/// Every value of `kind` within tolerance * (the largest |expected| of the kind, at least 1e-300).
template <class Values>
void check_values(const Expected& expected, const std::string& kind, const Values& ours,
                  double tolerance) {
  const auto& values = expected.at(kind);
  REQUIRE(values.rbegin()->first < ours.size());  // scores: some rows; the others: all values
  if (kind != "score") CHECK(static_cast<std::size_t>(ours.size()) == values.size());
  double scale = 1e-300;
  for (const auto& [index, value] : values) scale = std::max(scale, std::abs(value));
  double worst = 0.0;
  for (const auto& [index, value] : values) {
    worst = std::max(worst, std::abs(static_cast<double>(ours(index)) - value) / scale);
  }
  INFO(kind << ": largest difference " << worst << " of the largest value " << scale);
  CHECK(worst <= tolerance);
}

/// scikit-learn stores covariances row-major; ours are symmetric, so the order is the same.
template <class M>
Eigen::VectorXd flat(const M& matrix) {
  const Eigen::MatrixXd copy = matrix.template cast<double>();
  return Eigen::Map<const Eigen::VectorXd>(copy.data(), copy.size());
}

template <class T>
void check_case(const Case& c, const Expected& expected) {
  const anomaly::Matrix<double> X = case_matrix(c.rows, c.columns, c.salt, c.alteration);
  const anomaly::Matrix<T> data = X.cast<T>();
  REQUIRE(data.template cast<double>() == X);  // the generated values are exact in float
  const bool single = sizeof(T) == sizeof(float);
  const double tolerance = single ? 2e-6 : 1e-10;
  // Scores come from the precision rounded to T: float keeps about 7 digits of each entry.
  const double score_tolerance = single ? 1e-4 : 1e-10;
  const auto fitted = anomaly::EllipticEnvelope<T>(c.params).fit_score(data);
  check_values(expected, "location", fitted.model.location.transpose(), tolerance);
  check_values(expected, "covariance", flat(fitted.model.covariance), tolerance);
  check_values(expected, "score", fitted.scores, score_tolerance);
  // Exact while the summary keeps every training score (up to 1025); beyond, interpolated
  // between knots 1/1024 apart, where the 0.9 quantile falls between inliers and outliers.
  const double threshold = expected.at("threshold").at(0);
  CHECK_THAT(static_cast<double>(fitted.model.threshold),
             WithinRel(threshold, c.rows <= 1025 ? score_tolerance : 1e-2));
  if (single) return;
  const auto mcd = anomaly::detail::min_cov_det(X, c.params.support_fraction,
                                                c.params.assume_centered, c.params.seed);
  check_values(expected, "raw_location", mcd.raw_location, tolerance);
  check_values(expected, "raw_covariance", flat(mcd.raw_covariance), tolerance);
  double sum = 0, squares = 0;
  for (const Index row : mcd.raw_support) {
    sum += static_cast<double>(row);
    squares += static_cast<double>(row) * static_cast<double>(row);
  }
  const auto& support = expected.at("raw_support");
  CHECK(static_cast<double>(mcd.raw_support.size()) == support.at(0));
  CHECK(sum == support.at(1));
  CHECK(squares == support.at(2));
}

/// The parts of `text` between separators.
std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  std::stringstream stream(text);
  for (std::string part; std::getline(stream, part, separator);) parts.push_back(part);
  return parts;
}

}  // namespace

TEST_CASE("EllipticEnvelope reproduces scikit-learn's MinCovDet for the same seed",
          "[elliptic_envelope]") {
  const auto expected = read_expected();
  for (const Case& c : cases) {
    INFO(c.name);
    REQUIRE(expected.count(c.name) == 1);
    check_case<double>(c, expected.at(c.name));
    check_case<float>(c, expected.at(c.name));
  }
  // The seeded pair differs only by seed, and so do scikit-learn's answers: the draws matter.
  CHECK(expected.at("seeded_a").at("raw_location") != expected.at("seeded_b").at("raw_location"));
}

TEST_CASE("select_candidates draws scikit-learn's random starts and keeps its 10 best",
          "[elliptic_envelope]") {
  const auto expected = read_expected().at("candidates").at("candidate_location");
  const anomaly::Matrix<double> X = case_matrix(200, 3, 12, "");
  anomaly::detail::LegacyRandomState random(9);
  anomaly::detail::McdWorkspace work;
  const auto start = [&](Index) { return anomaly::detail::McdStart{&random, nullptr, nullptr}; };
  const Index h = anomaly::detail::mcd_support_rows(200, 3, 0.0);
  const auto best = anomaly::detail::select_candidates(X, h, 30, 10, 2, start, work);
  REQUIRE(best.size() == 10);
  REQUIRE(expected.size() == 30);
  for (Index rank = 0; rank < 10; ++rank) {
    for (Index j = 0; j < 3; ++j) {
      INFO("candidate " << rank << ", feature " << j);
      CHECK_THAT(best[static_cast<std::size_t>(rank)].location[j],
                 WithinRel(expected.at(10 * rank + j), 1e-12));
    }
  }
}

TEST_CASE("numpy_argsort and its heapsort order ties as NumPy's argsort", "[elliptic_envelope]") {
  std::ifstream in(test_data_dir + "/numpy_argsort_reference.csv");
  REQUIRE(in);
  std::string line;
  std::getline(in, line);
  int arrays = 0;
  while (std::getline(in, line)) {
    const auto cells = split(line, ',');
    REQUIRE(cells.size() == 5);
    const auto array = static_cast<std::uint32_t>(std::stoul(cells[0]));
    const auto n = std::stol(cells[1]);
    const auto levels = static_cast<std::uint32_t>(std::stoul(cells[2]));
    std::vector<double> values(static_cast<std::size_t>(n));
    for (std::uint32_t i = 0; i < values.size(); ++i) values[i] = mix(1000 * array + i) % levels;
    std::vector<Index> order(values.size());
    anomaly::detail::numpy_argsort(values.data(), n, order.data());
    std::vector<Index> expected;
    for (const auto& cell : split(cells[3], ' ')) expected.push_back(std::stol(cell));
    INFO("array " << array << " of " << n << " values on " << levels << " levels");
    CHECK(order == expected);
    std::vector<Index> heap_order(values.size()), heap_expected;
    std::iota(heap_order.begin(), heap_order.end(), Index{0});
    anomaly::detail::numpy_heap_argsort(values.data(), heap_order.data(), n);
    for (const auto& cell : split(cells[4], ' ')) heap_expected.push_back(std::stol(cell));
    CHECK(heap_order == heap_expected);
    // The first k as a set, for a few k, by selection or by the sort.
    for (const Index k : {Index{1}, n / 3, n / 2, n - 1}) {
      std::vector<Index> rows, scratch_order;
      std::vector<double> keys;
      anomaly::detail::numpy_smallest(values.data(), n, k, rows, keys, scratch_order);
      std::vector<Index> first(expected.begin(), expected.begin() + k);
      std::sort(first.begin(), first.end());
      CHECK(rows == first);
    }
    ++arrays;
  }
  CHECK(arrays == 9);
}

TEST_CASE("numpy_smallest picks the k smallest of large arrays without ties",
          "[elliptic_envelope]") {
  anomaly::Random random(4);
  for (const Index n : {Index{300}, Index{5000}, Index{100000}}) {
    std::vector<double> values(static_cast<std::size_t>(n));
    for (double& value : values) value = anomaly::normal(random);
    for (const Index k : {Index{1}, n / 2, n - 1, n}) {
      std::vector<Index> rows, order;
      std::vector<double> keys;
      anomaly::detail::numpy_smallest(values.data(), n, k, rows, keys, order);
      std::vector<double> sorted = values;
      std::sort(sorted.begin(), sorted.end());
      REQUIRE(rows.size() == static_cast<std::size_t>(k));
      double largest = -std::numeric_limits<double>::infinity();
      for (const Index row : rows)
        largest = std::max(largest, values[static_cast<std::size_t>(row)]);
      CHECK(largest == sorted[static_cast<std::size_t>(k - 1)]);
      CHECK(std::is_sorted(rows.begin(), rows.end()));
    }
  }
}

TEST_CASE("chi_square_isf equals scipy's chi2.isf", "[elliptic_envelope]") {
  const auto table = anomaly::testing::read_csv_table(test_data_dir + "/chi_square_reference.csv");
  const auto& dof = table["dof"];
  REQUIRE(dof.size() == 17);
  for (Index i = 0; i < dof.size(); ++i) {
    INFO("dof " << dof[i]);
    CHECK_THAT(anomaly::detail::chi_square_isf(0.5, dof[i]),
               WithinRel(table["isf_half"][i], 1e-12));
    CHECK_THAT(anomaly::detail::chi_square_isf(0.025, dof[i]),
               WithinRel(table["isf_tail"][i], 1e-12));
  }
}

TEST_CASE("EllipticEnvelope's ROC-AUC equals scikit-learn's on three real sets, seed by seed",
          "[elliptic_envelope]") {
  struct Set {
    const char* name;
    std::string path;
    Index rows, features;
  };
  const Set sets[] = {{"breastw", test_data_dir + "/breastw.csv", 683, 9},
                      {"ionosphere", test_data_dir + "/ionosphere.csv", 351, 33},
                      {"thyroid", demo_data_dir + "/thyroid.csv", 3772, 6}};
  for (const Set& set : sets) {
    const auto data = anomaly::testing::read_labelled(set.path, set.rows, set.features);
    const auto reference =
        anomaly::testing::seed_aucs(test_data_dir + "/elliptic_envelope_auc.csv", set.name);
    for (std::uint64_t seed = 0; seed < 5; ++seed) {
      const auto ours =
          anomaly::fit_score(anomaly::EllipticEnvelope<double>({.seed = seed}), data.X);
      const auto single = anomaly::fit_score(anomaly::EllipticEnvelope<float>({.seed = seed}),
                                             anomaly::Matrix<float>(data.X.cast<float>()));
      const double auc = anomaly::roc_auc(ours.scores, data.labels);
      const double auc_float = anomaly::roc_auc(single.scores, data.labels);
      INFO(set.name << ", seed " << seed << ": scikit-learn " << reference[seed] << ", ours " << auc
                    << " (double), " << auc_float << " (float)");
      CHECK_THAT(auc, WithinAbs(reference[seed], 1e-3));
      CHECK_THAT(auc_float, WithinAbs(reference[seed], 0.01));
    }
  }
}

TEST_CASE("Singular and near-singular data give finite scores", "[elliptic_envelope]") {
  const anomaly::Matrix<double> base = case_matrix(300, 4, 21, "");
  std::vector<std::pair<std::string, anomaly::Matrix<double>>> sets;
  anomaly::Matrix<double> collinear(300, 5);
  collinear << base, base.col(0) + 2 * base.col(1);  // an exact linear dependence
  sets.emplace_back("collinear column", collinear);
  anomaly::Matrix<double> constant = base;
  constant.col(0).setConstant(3.0);
  constant.col(3).setZero();
  sets.emplace_back("two constant columns", constant);
  sets.emplace_back("more features than rows", case_matrix(12, 30, 22, ""));
  anomaly::Matrix<double> tied = base;
  tied.topRows(200).rowwise() = base.row(5);  // more than h identical rows: covariance 0
  sets.emplace_back("most rows identical", tied);
  sets.emplace_back("all rows identical", anomaly::Matrix<double>::Constant(40, 3, -2.5));
  sets.emplace_back("two rows", base.topRows(2));
  anomaly::Matrix<double> tiny = base * 1e-140;  // the covariance is near the smallest doubles
  sets.emplace_back("tiny scale", tiny);
  for (const auto& [name, X] : sets) {
    INFO(name);
    for (std::uint64_t seed : {0u, 1u}) {
      const auto fitted = anomaly::EllipticEnvelope<double>({.seed = seed}).fit_score(X);
      CHECK(fitted.scores.allFinite());
      // A semidefinite precision: squared distances are >= 0 but for rounding.
      CHECK(fitted.scores.minCoeff() >= -1e-9 * std::max(1.0, fitted.scores.maxCoeff()));
      CHECK(std::isfinite(fitted.model.threshold));
      CHECK(fitted.model.precision.allFinite());
      const anomaly::Matrix<double> far = X.array() + 1000.0;
      CHECK(fitted.model.score(far).allFinite());
      const auto single = anomaly::EllipticEnvelope<float>({.seed = seed})
                              .fit_score(anomaly::Matrix<float>(X.cast<float>()));
      CHECK(single.scores.allFinite());
    }
  }
  // The pseudo-inverse ignores the collinear direction, and the far rows still stand out.
  anomaly::Matrix<double> shifted = collinear;
  shifted.row(7).array() += 40.0;
  const auto fitted = anomaly::EllipticEnvelope<double>().fit_score(shifted);
  Index top = 0;
  fitted.scores.maxCoeff(&top);
  CHECK(top == 7);
}

TEST_CASE("More than h identical rows: a zero raw covariance, the correction 1",
          "[elliptic_envelope]") {
  // 200 of 300 rows equal: the raw support is 152 of them, its covariance 0 (scikit-learn raises
  // here) and the median raw distance 0; the correction is then 1, and the reweighting keeps the
  // rows within the cutoff of their raw distance, the 200 among them.
  anomaly::Matrix<double> X = case_matrix(300, 3, 23, "");
  X.topRows(200).rowwise() = X.row(250);
  const auto mcd = anomaly::detail::min_cov_det(X, 0.0, false, 0);
  CHECK(mcd.raw_covariance.isZero(0.0));
  CHECK(mcd.correction == 1.0);
  REQUIRE(mcd.support.size() > 200);
  CHECK(mcd.support.size() < 300);
  CHECK(mcd.support[199] == 199);
  const auto fitted = anomaly::EllipticEnvelope<double>().fit_score(X);
  CHECK(fitted.scores.allFinite());
  CHECK(fitted.scores.head(200).maxCoeff() == fitted.scores.head(200).minCoeff());
  CHECK(fitted.scores[0] < fitted.scores.tail(100).maxCoeff());
}

TEST_CASE("EllipticEnvelope rejects bad parameters and data with errors that say what",
          "[elliptic_envelope]") {
  using Code = anomaly::ErrorCode;
  const anomaly::Matrix<double> X = case_matrix(100, 3, 24, "");
  for (const double fraction : {-0.1, 1.5, std::numeric_limits<double>::quiet_NaN()}) {
    INFO("support_fraction " << fraction);
    CHECK(anomaly::check(anomaly::EllipticEnvelopeParams{.support_fraction = fraction}));
    require_error([&] { (void)anomaly::EllipticEnvelope<double>({.support_fraction = fraction}); },
                  Code::invalid_parameter, "support_fraction must be in (0, 1]");
  }
  require_error(
      [&] { (void)anomaly::EllipticEnvelope<double>({.support_fraction = 0.005}).fit(X); },
      Code::invalid_parameter, "support_fraction must be at least 1 / rows");
  CHECK_FALSE(anomaly::check(anomaly::EllipticEnvelopeParams{.support_fraction = 0.01}, X));
  require_error([&] { (void)anomaly::EllipticEnvelope<double>().fit(X.topRows(1)); },
                Code::too_few_samples, "at least 2");
  anomaly::Matrix<double> huge = X;
  huge(4, 1) = -3e200;
  require_error([&] { (void)anomaly::EllipticEnvelope<double>().fit(huge); },
                Code::non_finite_input, "X(4, 1) = -3e+200 is too large");
  require_error(
      [&] {
        (void)anomaly::EllipticEnvelope<double>(
            {.threshold = anomaly::Threshold::contamination(0.6)});
      },
      Code::invalid_parameter, "contamination");
  const auto model = anomaly::EllipticEnvelope<double>().fit(X);
  require_error([&] { (void)model.score(X.leftCols(2)); }, Code::dimension_mismatch,
                "2 columns but the model was fitted on 3");
}

TEST_CASE("The default threshold flags the training rows scikit-learn's contamination=0.1 flags",
          "[elliptic_envelope]") {
  const anomaly::Matrix<double> X = case_matrix(500, 4, 25, "");
  const auto fitted = anomaly::EllipticEnvelope<double>().fit_score(X);
  const auto flagged = (fitted.scores.array() > fitted.model.threshold).count();
  CHECK(flagged == 50);  // 10% of 500 rows, no ties: the 0.9 quantile interpolates between two
  const auto fixed =
      anomaly::EllipticEnvelope<double>({.threshold = anomaly::Threshold::fixed(9)}).fit(X);
  CHECK(fixed.threshold == 9.0);
}

TEST_CASE("EllipticEnvelope models save and load bit for bit, and corrupt ones fail to load",
          "[elliptic_envelope]") {
  const anomaly::Matrix<double> X = case_matrix(400, 4, 26, "");
  const auto model = anomaly::EllipticEnvelope<double>({.seed = 3}).fit(X);
  const auto bytes = anomaly::save(model);
  const auto loaded = anomaly::load<anomaly::EllipticEnvelopeModel<double>>(bytes);
  CHECK(loaded.score(X) == model.score(X));
  CHECK(loaded.location == model.location);
  CHECK(loaded.covariance == model.covariance);
  CHECK(loaded.precision == model.precision);
  CHECK(loaded.threshold == model.threshold);
  const auto single = anomaly::EllipticEnvelope<float>().fit(X.cast<float>());
  const auto single_loaded =
      anomaly::load<anomaly::EllipticEnvelopeModel<float>>(anomaly::save(single));
  CHECK(single_loaded.score(X.cast<float>()) == single.score(X.cast<float>()));
  require_error([&] { (void)anomaly::load<anomaly::EllipticEnvelopeModel<float>>(bytes); },
                anomaly::ErrorCode::incompatible_model, "not float");

  // Each broken model is saved as it is (save does not check) and must not load.
  const auto rejects = [](const anomaly::EllipticEnvelopeModel<double>& broken) {
    anomaly::EllipticEnvelopeModel<double> out;
    const auto error = anomaly::try_load(anomaly::save(broken), out);
    REQUIRE(error);
    CHECK(error->code() == anomaly::ErrorCode::corrupt_model);
    CHECK(std::string(error->message()).find("inconsistent elliptic envelope") !=
          std::string::npos);
  };
  auto broken = model;
  broken.precision.resize(3, 4);
  rejects(broken);
  broken = model;
  broken.covariance.resize(4, 5);
  rejects(broken);
  broken = model;
  broken.location(2) = std::numeric_limits<double>::quiet_NaN();
  rejects(broken);
  broken = model;
  broken.precision(1, 1) = std::numeric_limits<double>::infinity();
  rejects(broken);
  broken = model;
  broken.precision(0, 3) = 1e308;  // scores of ordinary rows would overflow
  rejects(broken);
  broken = model;
  broken.location.resize(0);
  broken.covariance.resize(0, 0);
  broken.precision.resize(0, 0);
  rejects(broken);
  broken = model;
  broken.threshold = std::numeric_limits<double>::quiet_NaN();
  rejects(broken);

  // A matrix declared 0 x 2^40 holds no value, but reading it must not loop 2^40 times.
  anomaly::ByteWriter writer;
  writer.write(std::uint64_t{0});
  writer.write(std::uint64_t{1} << 40);
  anomaly::ByteReader reader(writer.buffer());
  anomaly::Matrix<double> covariance;
  reader.read_array(covariance, "covariance");
  REQUIRE(reader.error());
  CHECK(std::string(reader.error()->message()).find("bad size 0x1099511627776") !=
        std::string::npos);
}
