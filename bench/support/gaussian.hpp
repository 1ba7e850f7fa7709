#pragma once
// Benchmark data: the same seeded standard normal matrix in every run and every program.
#include <anomaly/core/random.hpp>
#include <anomaly/core/types.hpp>

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

}  // namespace anomaly::bench
