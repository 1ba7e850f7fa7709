#pragma once
// F1 score of predicted labels against true labels.
#include <anomaly/core/error.hpp>
#include <anomaly/core/types.hpp>

namespace anomaly {

/// Precision, recall and their harmonic mean for the anomaly class.
struct F1 {
  double precision = 0;
  double recall = 0;
  double f1 = 0;
};

/// F1 of `predicted` against `truth` (true = anomaly); 0 where a ratio is 0/0, as scikit-learn's
/// zero_division=0.
inline F1 f1_score(const Labels& predicted, const Labels& truth) {
  if (predicted.size() != truth.size()) {
    raise(Error::make(ErrorCode::dimension_mismatch, "%ld predictions but %ld labels",
                      static_cast<long>(predicted.size()), static_cast<long>(truth.size())));
  }
  const double true_positives = static_cast<double>((predicted && truth).count());
  const double flagged = static_cast<double>(predicted.count());
  const double actual = static_cast<double>(truth.count());
  F1 result;
  result.precision = flagged > 0 ? true_positives / flagged : 0.0;
  result.recall = actual > 0 ? true_positives / actual : 0.0;
  const double sum = result.precision + result.recall;
  result.f1 = sum > 0 ? 2 * result.precision * result.recall / sum : 0.0;
  return result;
}

}  // namespace anomaly
