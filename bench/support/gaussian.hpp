#pragma once
// Benchmark data: the same seeded standard normal matrix in every run and every program, and
// the same with planted far outliers.
#include <anomaly/core/random.hpp>
#include <anomaly/core/types.hpp>

#include <cstdint>

namespace anomaly::bench {

/// rows x cols standard normal draws, filled column by column from a fixed seed.
template <class T>
Matrix<T> gaussian(Index rows, Index cols) {
  Random random(20240602);
  Matrix<T> X(rows, cols);
  for (Index j = 0; j < cols; ++j) {
    for (Index i = 0; i < rows; ++i) X(i, j) = static_cast<T>(normal(random));
  }
  return X;
}

/// gaussian(rows, cols) with a far outlier every 128 rows (from row 64): 1 to 3 of its features
/// moved 6 to 10 standard deviations away.
template <class T>
Matrix<T> gaussian_with_outliers(Index rows, Index cols) {
  Matrix<T> X = gaussian<T>(rows, cols);
  Random random(20240603);
  for (Index i = 64; i < rows; i += 128) {
    const auto moved = 1 + uniform_index(random, 3);
    for (std::uint64_t k = 0; k < moved; ++k) {
      const auto j = static_cast<Index>(uniform_index(random, static_cast<std::uint64_t>(cols)));
      const double sign = uniform_index(random, 2) == 0 ? -1.0 : 1.0;
      X(i, j) += static_cast<T>(sign * uniform_real(random, 6.0, 10.0));
    }
  }
  return X;
}

}  // namespace anomaly::bench
