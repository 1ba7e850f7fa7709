#pragma once
// Seeded synthetic data for the tests: Gaussian blobs with planted far outliers.
#include <anomaly/core/random.hpp>
#include <anomaly/core/types.hpp>

#include <cstdint>

namespace anomaly::testing {

/// The reference scripts' 32-bit integer hash (xorshift-multiply): data both sides generate.
constexpr std::uint32_t mix(std::uint32_t x) noexcept {
  x ^= x >> 16;
  x *= 0x7FEB352Du;
  x ^= x >> 15;
  x *= 0x846CA68Bu;
  x ^= x >> 16;
  return x;
}

/// Rows of inliers from two Gaussian blobs followed by `n_outliers` rows far from both.
template <class T>
struct Blobs {
  Matrix<T> X;
  Labels labels;  ///< true for the planted outliers
};

template <class T = double>
Blobs<T> make_blobs(Index n_inliers, Index n_outliers, Index d, std::uint64_t seed) {
  Random random(seed);
  Blobs<T> data{Matrix<T>(n_inliers + n_outliers, d), Labels::Zero(n_inliers + n_outliers)};
  for (Index i = 0; i < n_inliers; ++i) {
    const double center = (i % 2 == 0) ? -1.0 : 1.0;
    for (Index j = 0; j < d; ++j) data.X(i, j) = static_cast<T>(center + 0.5 * normal(random));
  }
  for (Index i = n_inliers; i < n_inliers + n_outliers; ++i) {
    data.labels[i] = true;
    for (Index j = 0; j < d; ++j) {
      const double sign = uniform_real(random) < 0.5 ? -1.0 : 1.0;
      data.X(i, j) = static_cast<T>(sign * uniform_real(random, 6.0, 9.0));
    }
  }
  return data;
}

}  // namespace anomaly::testing
