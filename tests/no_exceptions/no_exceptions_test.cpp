// The library without exceptions: check() reports bad input without aborting, fit() then succeeds,
// and a raised error reaches the user's ANOMALY_ON_ERROR handler. Built with -fno-exceptions.
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string_view>

namespace anomaly {
class Error;
}
[[noreturn]] void on_anomaly_error(const anomaly::Error& error) noexcept;
#define ANOMALY_ON_ERROR(error) on_anomaly_error(error)

#include <anomaly/anomaly.hpp>

static_assert(ANOMALY_USE_EXCEPTIONS == 0, "this test must be compiled with -fno-exceptions");

[[noreturn]] void on_anomaly_error(const anomaly::Error& error) noexcept {
  std::printf("handled %s: %s\n", anomaly::to_string(error.code()).data(), error.message());
  std::exit(0);
}

int main(int argc, char** argv) {
  anomaly::Matrix<double> X{{1.0, 2.0}, {1.2, 2.1}, {0.8, 1.9}, {1.1, 2.2}, {7.0, 2.0}};
  if (argc > 1 && std::string_view(argv[1]) == "raise") {
    X(2, 1) = std::numeric_limits<double>::quiet_NaN();
    anomaly::ModifiedZScore<double>{}.fit(X);  // must not return: the handler exits
    std::puts("fit returned on NaN input");
    return 1;
  }
  int failures = 0;
  const auto expect = [&failures](bool condition, const char* what) {
    if (condition) return;
    ++failures;
    std::printf("failed: %s\n", what);
  };
  const anomaly::Matrix<double> empty(0, 2);
  expect(anomaly::check(anomaly::ZScoreParams{}, empty).has_value(), "check() rejects an empty X");
  expect(!anomaly::check(anomaly::ZScoreParams{}, X).has_value(), "check() accepts a valid X");
  Eigen::Index worst = 0;
  anomaly::ZScore<double>{}.fit(X).score(X).maxCoeff(&worst);
  expect(worst == 4, "the planted outlier has the top score");
  return failures == 0 ? 0 : 1;
}
