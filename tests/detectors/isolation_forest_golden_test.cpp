// A seed gives the same forest on every compiler, build type and platform: the bytes of a model
// fitted here must equal those committed in tests/data (saved when the format was introduced),
// and the committed model must score as it did then (to the last bit or two: std::exp2). CI
// builds this test with GCC (-O3, and -O1 with sanitizers) and clang, so a compiler or flag that
// changed one split would show here. After a deliberate format change, regenerate the files with
// ANOMALY_WRITE_GOLDEN=1 detector_tests "[isolation_forest_golden]", review and commit them.
#include <anomaly/core/random.hpp>
#include <anomaly/core/serialize.hpp>
#include <anomaly/detectors/isolation_forest.hpp>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iomanip>
#include <iterator>
#include <string>
#include <vector>

#include "catch.hpp"

namespace {

const std::string model_path = std::string(ANOMALY_TEST_DATA) + "/isolation_forest_golden.model";
const std::string scores_path = std::string(ANOMALY_TEST_DATA) + "/isolation_forest_golden.txt";

/// 300 seeded rows of 5 features, a few of them far out.
anomaly::Matrix<double> golden_data() {
  anomaly::Random random(2024);
  anomaly::Matrix<double> X(300, 5);
  for (anomaly::Index i = 0; i < X.rows(); ++i) {
    for (anomaly::Index j = 0; j < X.cols(); ++j) {
      X(i, j) = anomaly::normal(random) + (i % 50 == 0 ? 8.0 : 0.0);
    }
  }
  return X;
}

std::vector<std::byte> read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> bytes(chars.size());
  for (std::size_t i = 0; i < chars.size(); ++i) bytes[i] = static_cast<std::byte>(chars[i]);
  return bytes;
}

}  // namespace

TEST_CASE("An IsolationForest seed gives the committed model bytes and scores",
          "[isolation_forest_golden]") {
  const anomaly::Matrix<double> X = golden_data();
  for (const int extension : {0, 2}) {
    const auto model =
        anomaly::IsolationForest<double>({.n_trees = 25, .extension_level = extension, .seed = 11})
            .fit(X);
    const std::string suffix = extension == 0 ? "" : ".extended";
    const std::vector<std::byte> bytes = anomaly::save(model);
    const anomaly::Vector<double> scores = model.score(X);
    if (std::getenv("ANOMALY_WRITE_GOLDEN") != nullptr) {
      std::ofstream out(model_path + suffix, std::ios::binary);
      out.write(reinterpret_cast<const char*>(bytes.data()),
                static_cast<std::streamsize>(bytes.size()));
      std::ofstream text(scores_path + suffix);
      text << std::setprecision(17);
      for (anomaly::Index i = 0; i < scores.size(); ++i) text << scores[i] << '\n';
    }
    INFO("extension_level " << extension);
    CHECK(bytes == read_bytes(model_path + suffix));
    const auto committed =
        anomaly::load<anomaly::IsolationForestModel<double>>(read_bytes(model_path + suffix));
    const anomaly::Vector<double> committed_scores = committed.score(X);
    std::ifstream text(scores_path + suffix);
    REQUIRE(text);
    for (anomaly::Index i = 0; i < X.rows(); ++i) {
      double expected = 0;
      REQUIRE(text >> expected);
      // The trees are exact everywhere; std::exp2 may differ in the last bit between libms.
      CHECK(std::abs(committed_scores[i] - expected) <= 1e-15 * expected);
    }
  }
}
