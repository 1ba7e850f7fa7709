// Without exceptions (-fno-exceptions, as in firmware): ask check() first, so fit() never aborts.
#include <anomaly/anomaly.hpp>

#include <cstdio>
#include <limits>

int main() {
  anomaly::Matrix<float> X{{1.0f, 2.0f}, {1.1f, 2.1f}, {0.9f, 1.9f}, {1.0f, 2.2f}, {6.0f, 2.0f}};
  X(3, 1) = std::numeric_limits<float>::quiet_NaN();  // a sensor glitch

  const anomaly::ModifiedZScoreParams params{};
  if (auto error = anomaly::check(params, X)) {  // the same check fit() runs, without aborting
    std::printf("rejected (%s): %s\n", anomaly::to_string(error->code()).data(), error->message());
    X(3, 1) = 2.0f;  // repair the sample, or drop the batch
  }
  if (anomaly::check(params, X)) return 1;
  const auto model = anomaly::ModifiedZScore<float>{params}.fit(X);  // now known to succeed
  const anomaly::Labels flagged = anomaly::predict(model, X);
  std::printf("%td of %td rows are anomalies\n", static_cast<Eigen::Index>(flagged.count()),
              X.rows());
}
